package io.github.qemuembed.autoconfigure.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and keys of the {@link DomainOperationContext} observations. Declare a bean of
 * this type (for example a subclass of
 * {@link DefaultDomainOperationObservationConvention}) to replace the default.
 */
public interface DomainOperationObservationConvention extends ObservationConvention<DomainOperationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof DomainOperationContext;
	}

}
