package io.github.qemuembed.autoconfigure.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and keys of the {@link QmpCommandContext} observations. Declare a bean of this
 * type (for example a subclass of {@link DefaultQmpCommandObservationConvention}) to
 * replace the default.
 */
public interface QmpCommandObservationConvention extends ObservationConvention<QmpCommandContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof QmpCommandContext;
	}

}
