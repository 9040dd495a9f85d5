package io.github.qemuembed.driver.internal.capabilities;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.github.qemuembed.driver.error.EmulatorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link CapabilityProbe} against the installed QEMU.
 */
class CapabilityProbeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@TempDir
	Path temp;

	@Test
	void probesTheInstalledQemu() {
		Path emulator = new EmulatorLocator().locate(Optional.empty());
		long start = System.nanoTime();
		QemuCapabilities capabilities = CapabilityProbe.probe(emulator, TIMEOUT);
		long millis = (System.nanoTime() - start) / 1_000_000;
		System.out.println("Capability probe of " + emulator + " took " + millis + " ms");

		assertThat(capabilities.emulator()).isEqualTo(emulator);
		assertThat(capabilities.version()).startsWith("7.").matches("\\d+\\.\\d+\\.\\d+");
		assertThat(capabilities.machineTypes()).contains("q35", "pc", "pc-q35-7.2");
		assertThat(capabilities.canonicalMachine("q35")).isEqualTo("pc-q35-7.2");
		assertThat(capabilities.canonicalMachine("pc-q35-7.1")).isEqualTo("pc-q35-7.1");
		assertThat(capabilities.defaultMachine()).isNotNull().isIn(capabilities.machineTypes());
		assertThat(capabilities.machineAliases()).doesNotContainKey(capabilities.defaultMachine());
		assertThat(capabilities.hasDevice("virtio-blk-pci")).isTrue();
		assertThat(capabilities.hasDevice("pcie-root-port")).isTrue();
		assertThat(capabilities.hasDevice("no-such-device")).isFalse();
		// abstract types cannot be instantiated and are left out
		assertThat(capabilities.deviceTypes()).doesNotContain("device", "pci-device");
		// the probe reports what is compiled in (Debian builds KVM in), whatever /dev/kvm
		// says
		assertThat(capabilities.accelerators()).contains("tcg", "kvm").doesNotContain("accel");
		assertThat(capabilities.objectTypes()).contains("secret", "rng-random", "memory-backend-ram")
			.doesNotContain("virtio-blk-pci");
		assertThat(capabilities.cpuModels()).contains("qemu64", "max");
	}

	@Test
	void cpuModelsAreTheModelsQueryCpuDefinitionsLists() throws Exception {
		Path emulator = new EmulatorLocator().locate(Optional.empty());
		Process qemu = new ProcessBuilder(emulator.toString(), "-S", "-nodefaults", "-no-user-config", "-display",
				"none", "-machine", "none", "-qmp", "stdio")
			.start();
		Set<String> listed = new TreeSet<>();
		try {
			qemu.getOutputStream()
				.write(ProbeExchange.text(List.of(new ProbeExchange.Question("query-cpu-definitions", null))));
			qemu.getOutputStream().flush();
			ProbeExchange.Answer answer = ProbeExchange.read(qemu.getInputStream(), 1)[0];
			for (Object model : (List<?>) answer.value()) {
				listed.add((String) ((Map<?, ?>) model).get("name"));
			}
		}
		finally {
			qemu.destroyForcibly().waitFor();
		}
		assertThat(listed).contains("qemu64", "Skylake-Client", "Skylake-Client-v1", "max", "base");
		assertThat(CapabilityProbe.probe(emulator, TIMEOUT).cpuModels()).isEqualTo(listed);
	}

	@Test
	void binaryThatIsNotQemuIsReportedWithWhatItSaid() throws Exception {
		Path fake = script("not-qemu", "#!/bin/sh\necho 'this is not an emulator' >&2\nexit 3\n");
		assertThatExceptionOfType(EmulatorException.class).isThrownBy(() -> CapabilityProbe.probe(fake, TIMEOUT))
			.withMessageContaining(fake.toString())
			.withMessageContaining("this is not an emulator");
	}

	@Test
	void binaryThatNeverAnswersTimesOutAndIsKilled() throws Exception {
		Path pidFile = this.temp.resolve("pid");
		Path silent = script("silent", "#!/bin/sh\necho $$ > " + pidFile + "\nexec sleep 60\n");
		assertThatExceptionOfType(EmulatorException.class)
			.isThrownBy(() -> CapabilityProbe.probe(silent, Duration.ofMillis(500)))
			.withMessageContaining(silent.toString());
		long pid = Long.parseLong(Files.readString(pidFile).strip());
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> ProcessHandle.of(pid).map((process) -> !process.isAlive()).orElse(true));
	}

	@Test
	void missingBinaryIsReported() {
		Path missing = this.temp.resolve("qemu-missing");
		assertThatExceptionOfType(EmulatorException.class).isThrownBy(() -> CapabilityProbe.probe(missing, TIMEOUT))
			.withMessageContaining(missing.toString())
			.withMessageContaining("qemu-system-x86");
	}

	private Path script(String name, String text) throws Exception {
		Path script = this.temp.resolve(name);
		Files.writeString(script, text);
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
		return script;
	}

}
