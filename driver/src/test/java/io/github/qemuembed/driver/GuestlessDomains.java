package io.github.qemuembed.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.internal.fs.FileTrees;

/**
 * Domains without a guest (firmware only: SeaBIOS finds nothing to boot and waits), cheap
 * enough to run under KVM in unit tests of the process lifecycle.
 */
public final class GuestlessDomains {

	private GuestlessDomains() {
	}

	public static String xml(String name) {
		return xml(name, UUID.randomUUID());
	}

	public static String xml(String name, UUID uuid) {
		return """
				<domain type='kvm'>
				  <name>%s</name>
				  <uuid>%s</uuid>
				  <memory unit='MiB'>64</memory>
				  <vcpu>1</vcpu>
				  <os>
				    <type arch='x86_64' machine='q35'>hvm</type>
				  </os>
				  <features><acpi/></features>
				  <devices>
				    <serial type='pty'><target port='0'/></serial>
				  </devices>
				</domain>
				""".formatted(name, uuid);
	}

	/** A short root under /tmp (UNIX socket paths are limited to 107 bytes). */
	public static Path newRoot() throws IOException {
		return Files.createTempDirectory(Path.of("/tmp"), "qe");
	}

	public static DriverConfig.Builder config(Path root) {
		return DriverConfig.builder(root).accessPolicy(AccessPolicy.allowAll());
	}

	public static void deleteTree(Path root) throws IOException {
		FileTrees.deleteQuietly(root);
	}

}
