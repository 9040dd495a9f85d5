package io.github.qemuembed.driver.secondary.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded secret driver and libvirt's own
 * ({@code virsh -c secret:///embed?root=DIR}) read each other's roots. Needs
 * {@code virsh} (libvirt-clients, installed by {@code dev/setup}).
 */
class EmbeddedSecretDriverLibvirtInteropTests {

	private static final byte[] VALUE = "s3cr3t-passphrase".getBytes(StandardCharsets.UTF_8);

	@TempDir
	Path root;

	private String virsh(String... commands) throws IOException, InterruptedException {
		List<String> argv = new ArrayList<>(List.of("virsh", "-q", "-c", "secret:///embed?root=" + this.root));
		argv.add(String.join("; ", commands));
		Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("virsh %s: %s", commands, output).isZero();
		return output;
	}

	@Test
	void readsSecretsThatLibvirtDefined() throws Exception {
		UUID uuid = UUID.randomUUID();
		Path xml = Files.writeString(this.root.resolve("secret.xml"), "<secret ephemeral='no' private='yes'><uuid>"
				+ uuid
				+ "</uuid><description>made by libvirt</description><usage type='volume'><volume>/srv/luks.img</volume></usage></secret>");
		Path value = Files.write(this.root.resolve("value.bin"), VALUE);
		virsh("secret-define " + xml, "secret-set-value " + uuid + " --file " + value + " --plain");
		EmbeddedSecretDriver driver = new EmbeddedSecretDriver(this.root, AccessPolicy.allowAll(), CallerSupplier.NONE);
		SecretDefinition definition = driver.lookup(uuid).orElseThrow();
		assertThat(definition.isPrivate()).isTrue();
		assertThat(definition.usageType()).isEqualTo(SecretUsageType.VOLUME);
		assertThat(definition.usageId()).contains("/srv/luks.img");
		assertThat(definition.description()).contains("made by libvirt");
		assertThat(driver.secretValue(uuid)).isEqualTo(VALUE);
	}

	@Test
	void libvirtReadsSecretsThatThisDriverDefined() throws Exception {
		UUID uuid = UUID.randomUUID();
		EmbeddedSecretDriver driver = new EmbeddedSecretDriver(this.root, AccessPolicy.allowAll(), CallerSupplier.NONE);
		driver.define(new SecretDefinition(uuid, false, false, Optional.of("made by qemu-embed"), SecretUsageType.CEPH,
				Optional.of("client.qe")));
		driver.setValue(uuid, VALUE);
		String listed = virsh("secret-list");
		assertThat(listed).contains(uuid.toString()).contains("ceph client.qe");
		assertThat(virsh("secret-dumpxml " + uuid)).contains("<description>made by qemu-embed</description>");
		String base64 = virsh("secret-get-value " + uuid).strip();
		assertThat(Base64.getDecoder().decode(base64)).isEqualTo(VALUE);
	}

}
