package io.github.qemuembed.driver.internal.remote;

import java.util.UUID;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.secondary.PrivateSecretException;
import io.github.qemuembed.driver.secondary.SecretDriver;
import io.github.qemuembed.driver.internal.rpc.LibvirtClient;
import io.github.qemuembed.driver.internal.rpc.LibvirtRemoteException;
import io.github.qemuembed.driver.internal.rpc.RemoteObjects.SecretRef;

/**
 * The secret driver of a libvirt daemon, over RPC.
 *
 * <p>
 * A daemon gives out the value of a {@code private='yes'} secret only to its own drivers:
 * over RPC {@code virSecretGetValue} fails with libvirt error 65 ("secret is private"),
 * whoever asks. Secrets that qemu-embed's domains use from a daemon must therefore be
 * defined with {@code private='no'}; keep private ones in the embedded secret driver
 * instead. The refusal is reported as a {@link PrivateSecretException} that says so.
 */
public final class RemoteSecretDriver extends AbstractRemoteDriver implements SecretDriver {

	public RemoteSecretDriver(LibvirtClient client) {
		super(client);
	}

	@Override
	public byte[] secretValue(UUID uuid) {
		SecretRef secret = this.client.secretLookupByUuid(uuid);
		try {
			return this.client.secretValue(secret);
		}
		catch (LibvirtRemoteException ex) {
			if (ex.code() == ErrorCode.INVALID_SECRET) {
				throw new PrivateSecretException("The libvirt daemon at " + endpoint() + " refuses the value of secret "
						+ uuid + " (" + ex.getMessage() + "): libvirt hands private secrets only to its own drivers. "
						+ "Define it there with private='no', or keep it in the embedded secret driver "
						+ "(SecondaryDriverFactory.secretDriver(\"embedded\", ...))", ex);
			}
			throw ex;
		}
	}

}
