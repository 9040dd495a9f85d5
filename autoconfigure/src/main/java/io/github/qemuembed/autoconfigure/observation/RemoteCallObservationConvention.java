package io.github.qemuembed.autoconfigure.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and keys of the {@link RemoteCallContext} observations. Declare a bean of this
 * type (for example a subclass of {@link DefaultRemoteCallObservationConvention}) to
 * replace the default.
 */
public interface RemoteCallObservationConvention extends ObservationConvention<RemoteCallContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof RemoteCallContext;
	}

}
