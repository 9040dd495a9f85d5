package io.github.qemuembed.autoconfigure.observation;

import io.github.qemuembed.autoconfigure.observation.QemuObservationDocumentation.DomainOperationHighCardinalityKeys;
import io.github.qemuembed.autoconfigure.observation.QemuObservationDocumentation.DomainOperationLowCardinalityKeys;
import io.micrometer.common.KeyValues;

/**
 * The default names and keys of domain operations: observation (and timer)
 * {@code qemu.domain.operations}, span {@code qemu.domain.OPERATION}
 * ({@code qemu.domain.start}); low-cardinality {@code operation}, {@code outcome},
 * {@code exception}, {@code error.code}; high-cardinality {@code domain}.
 */
public class DefaultDomainOperationObservationConvention implements DomainOperationObservationConvention {

	/** The observation's name, also the name of the timer recorded from it. */
	public static final String NAME = "qemu.domain.operations";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(DomainOperationContext context) {
		return "qemu.domain." + context.getOperation().value();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(DomainOperationContext context) {
		Throwable error = context.getError();
		return KeyValues.of(DomainOperationLowCardinalityKeys.OPERATION.withValue(context.getOperation().value()),
				DomainOperationLowCardinalityKeys.OUTCOME.withValue(context.outcome()),
				DomainOperationLowCardinalityKeys.EXCEPTION
					.withValue((error != null) ? error.getClass().getSimpleName() : QemuObservationContext.NONE),
				DomainOperationLowCardinalityKeys.ERROR_CODE.withValue(context.errorCode()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(DomainOperationContext context) {
		return KeyValues.of(DomainOperationHighCardinalityKeys.DOMAIN.withValue(context.getDomain()));
	}

}
