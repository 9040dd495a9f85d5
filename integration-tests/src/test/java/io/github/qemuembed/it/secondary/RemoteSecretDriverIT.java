package io.github.qemuembed.it.secondary;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.secondary.PrivateSecretException;
import io.github.qemuembed.driver.secondary.SecondaryDriverFactory;
import io.github.qemuembed.driver.secondary.SecretDriver;
import io.github.qemuembed.driver.internal.remote.RemoteSecretDriver;
import io.github.qemuembed.driver.internal.rpc.LibvirtClient;
import io.github.qemuembed.driver.internal.rpc.LibvirtObjectNotFoundException;
import io.github.qemuembed.driver.internal.rpc.LibvirtRemoteException;
import io.github.qemuembed.driver.internal.rpc.RemoteObjects.SecretRef;
import io.github.qemuembed.testsupport.libvirt.LibvirtContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The secret driver of a real libvirtd, over its UNIX socket and TCP. */
@Testcontainers
class RemoteSecretDriverIT {

	@Container
	static final LibvirtContainer daemon = new LibvirtContainer();

	private static final byte[] VALUE = "luks-passphrase-42".getBytes(StandardCharsets.UTF_8);

	private static SecretDriver secrets(Transport transport) {
		return SecondaryDriverFactory.secretDriver(transport.uri(daemon, "secret"), null, AccessPolicy.denyAll(),
				CallerSupplier.NONE);
	}

	@ParameterizedTest
	@EnumSource(Transport.class)
	void readsTheValueOfASecretDefinedWithVirsh(Transport transport) throws Exception {
		UUID uuid = UUID.randomUUID();
		String xml = "<secret ephemeral='no' private='no'><uuid>" + uuid + "</uuid><usage type='volume'><volume>/srv/"
				+ uuid + ".img</volume></usage></secret>";
		daemon.execInContainer("sh", "-c", "printf '%s' \"$0\" > /tmp/s.xml", xml);
		daemon.virsh("secret", "secret-define", "/tmp/s.xml");
		daemon.execInContainer("sh", "-c", "printf '%s' \"$0\" > /tmp/v.bin",
				new String(VALUE, StandardCharsets.UTF_8));
		daemon.virsh("secret", "secret-set-value", uuid.toString(), "--file", "/tmp/v.bin", "--plain");
		try (SecretDriver secrets = secrets(transport)) {
			assertThat(secrets.secretValue(uuid)).isEqualTo(VALUE);
		}
	}

	@ParameterizedTest
	@EnumSource(Transport.class)
	void privateSecretValueIsRefusedOverRpc(Transport transport) {
		try (RemoteSecretDriver secrets = (RemoteSecretDriver) secrets(transport)) {
			LibvirtClient client = secrets.client();
			UUID uuid = UUID.randomUUID();
			SecretRef secret = client.secretDefine("<secret ephemeral='no' private='yes'><uuid>" + uuid
					+ "</uuid><usage type='ceph'><name>private-" + uuid + "</name></usage></secret>");
			client.secretSetValue(secret, VALUE);
			// the daemon refuses: libvirt gives private values only to its own drivers
			assertThatExceptionOfType(LibvirtRemoteException.class).isThrownBy(() -> client.secretValue(secret))
				.satisfies((ex) -> assertThat(ex.libvirtErrorNumber()).isEqualTo(65))
				.withMessageContaining("secret is private");
			assertThatExceptionOfType(PrivateSecretException.class).isThrownBy(() -> secrets.secretValue(uuid))
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_SECRET))
				.withMessageContaining("private='no'")
				.withMessageNotContaining("luks-passphrase");
			client.secretUndefine(secret);
		}
	}

	@ParameterizedTest
	@EnumSource(Transport.class)
	void secretDefinedOverRpcIsSeenByVirsh(Transport transport) {
		try (RemoteSecretDriver secrets = (RemoteSecretDriver) secrets(transport)) {
			LibvirtClient client = secrets.client();
			UUID uuid = UUID.randomUUID();
			SecretRef secret = client.secretDefine("<secret ephemeral='no' private='no'><uuid>" + uuid
					+ "</uuid><usage type='tls'><name>tls-" + uuid + "</name></usage></secret>");
			assertThat(secret.uuid()).isEqualTo(uuid);
			assertThat(secret.usageType()).isEqualTo(4);
			assertThat(secret.usageId()).isEqualTo("tls-" + uuid);
			client.secretSetValue(secret, VALUE);
			String base64 = daemon.virsh("secret", "secret-get-value", uuid.toString()).strip();
			assertThat(Base64.getDecoder().decode(base64)).isEqualTo(VALUE);
			assertThat(client.secretList()).extracting(SecretRef::uuid).contains(uuid);
			assertThat(client.secretXml(secret)).contains("<name>tls-" + uuid + "</name>");
			client.secretUndefine(secret);
			assertThatExceptionOfType(LibvirtObjectNotFoundException.class).isThrownBy(() -> secrets.secretValue(uuid))
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.NO_SECRET));
		}
	}

}
