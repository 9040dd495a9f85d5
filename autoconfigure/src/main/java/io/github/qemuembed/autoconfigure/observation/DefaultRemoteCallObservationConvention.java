package io.github.qemuembed.autoconfigure.observation;

import io.github.qemuembed.autoconfigure.observation.QemuObservationDocumentation.RemoteCallHighCardinalityKeys;
import io.github.qemuembed.autoconfigure.observation.QemuObservationDocumentation.RemoteCallLowCardinalityKeys;
import io.micrometer.common.KeyValues;

/**
 * The default names and keys of calls to libvirt daemons: observation (and timer)
 * {@code qemu.rpc}, span {@code libvirt PROCEDURE} ({@code libvirt CONNECT_OPEN});
 * low-cardinality {@code procedure}, {@code role} ({@code network}, {@code storage},
 * {@code secret}), {@code outcome}, {@code error.code}; high-cardinality
 * {@code endpoint}.
 */
public class DefaultRemoteCallObservationConvention implements RemoteCallObservationConvention {

	/** The observation's name, also the name of the timer recorded from it. */
	public static final String NAME = "qemu.rpc";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(RemoteCallContext context) {
		return "libvirt " + context.getProcedure();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(RemoteCallContext context) {
		return KeyValues.of(RemoteCallLowCardinalityKeys.PROCEDURE.withValue(context.getProcedure()),
				RemoteCallLowCardinalityKeys.ROLE.withValue(role(context.getRole())),
				RemoteCallLowCardinalityKeys.OUTCOME.withValue(context.outcome()),
				RemoteCallLowCardinalityKeys.ERROR_CODE.withValue(context.errorCode()));
	}

	/**
	 * {@code network driver} is {@code network}: the secondary driver's kind, as in its
	 * setting key.
	 */
	private static String role(String role) {
		int space = role.indexOf(' ');
		return QemuObservationContext.lowerCase((space > 0) ? role.substring(0, space) : role);
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(RemoteCallContext context) {
		return KeyValues.of(RemoteCallHighCardinalityKeys.ENDPOINT.withValue(context.getEndpoint()));
	}

}
