package io.github.qemuembed.autoconfigure.observation;

import io.github.qemuembed.autoconfigure.observation.QemuObservationDocumentation.QmpCommandHighCardinalityKeys;
import io.github.qemuembed.autoconfigure.observation.QemuObservationDocumentation.QmpCommandLowCardinalityKeys;
import io.github.qemuembed.driver.qmp.QmpExecuteError;
import io.github.qemuembed.driver.qmp.QmpInterruptedError;
import io.github.qemuembed.driver.qmp.QmpProtocolError;
import io.github.qemuembed.driver.qmp.QmpTimeoutError;
import io.micrometer.common.KeyValues;

/**
 * The default names and keys of QMP commands: observation (and timer) {@code qemu.qmp},
 * span {@code qmp COMMAND} ({@code qmp cont}); low-cardinality {@code command},
 * {@code outcome}, {@code error.class}; high-cardinality {@code domain}.
 */
public class DefaultQmpCommandObservationConvention implements QmpCommandObservationConvention {

	/** The observation's name, also the name of the timer recorded from it. */
	public static final String NAME = "qemu.qmp";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(QmpCommandContext context) {
		return "qmp " + context.getCommand();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(QmpCommandContext context) {
		return KeyValues.of(QmpCommandLowCardinalityKeys.COMMAND.withValue(context.getCommand()),
				QmpCommandLowCardinalityKeys.OUTCOME.withValue(context.outcome()),
				QmpCommandLowCardinalityKeys.ERROR_CLASS.withValue(errorClass(context.getError())));
	}

	private static String errorClass(Throwable error) {
		if (error == null) {
			return QemuObservationContext.NONE;
		}
		// the QMP client's own errors: QMP's error class, or what ended the wait
		if (error instanceof QmpExecuteError qmp) {
			return qmp.errorClass();
		}
		if (error instanceof QmpTimeoutError) {
			return "Timeout";
		}
		if (error instanceof QmpProtocolError) {
			return "Disconnected";
		}
		if (error instanceof QmpInterruptedError) {
			return "Interrupted";
		}
		return error.getClass().getSimpleName();
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(QmpCommandContext context) {
		return KeyValues.of(QmpCommandHighCardinalityKeys.DOMAIN.withValue(context.getDomain()));
	}

}
