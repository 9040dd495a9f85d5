package io.github.qemuembed.driver.internal.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.OpenDriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Layer 2 through the driver: {@code <os firmware='efi'>} resolved from the host's
 * firmware descriptors (the ovmf package) with the NVRAM store created from its template
 * under the root, written back into the definition; and {@code <tpm>} with swtpm started
 * before QEMU and gone with it; {@code <vcpu cpuset>} pinning QEMU's threads.
 */
class FirmwareAndTpmTests {

	@RegisterExtension
	final OpenDriver open = new OpenDriver(Accel.TCG);

	static String uefiWithTpm(String name) {
		return GuestlessDomains.xml(name)
			.replace("<os>", "<os firmware='efi'>")
			.replace("</devices>", "<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm></devices>");
	}

	@Test
	void efiFirmwareIsChosenAndTheTpmEmulatorLivesAsLongAsQemu() throws Exception {
		Domain domain = this.open.driver().define(uefiWithTpm("efitpm"));
		domain.start();
		long pid = domain.info().pid().orElseThrow();
		Path nvram = this.open.root().resolve("lib/qemu/nvram/efitpm_VARS.fd");
		assertThat(nvram).isNotEmptyFile();
		String xml = domain.xml(false);
		assertThat(xml).contains("<os firmware='efi'>")
			.contains("type='pflash'")
			.contains(nvram.toString())
			.contains("template='/usr/share/OVMF/");
		assertThat(domain.qmp("{\"execute\":\"query-tpm\"}")).contains("\"model\":\"tpm-crb\"");
		List<ProcessHandle> swtpm = swtpmOf(this.open.root());
		assertThat(swtpm).hasSize(1);
		Path state = this.open.root().resolve("lib/swtpm");
		assertThat(state).isDirectory();
		domain.destroy();
		assertThat(ProcessHandle.of(pid)).isEmpty();
		// swtpm --terminate ends when QEMU's connection drops
		await().atMost(Duration.ofSeconds(10)).until(() -> !swtpm.get(0).isAlive());
		// a second start keeps the variable store and the TPM state
		long size = Files.size(nvram);
		domain.start();
		assertThat(Files.size(nvram)).isEqualTo(size);
		assertThat(swtpmOf(this.open.root())).hasSize(1);
		domain.destroy();
	}

	/**
	 * {@code <vcpu cpuset>}: QEMU and every thread of it (the vCPUs among them) may run
	 * on CPU 0 only.
	 */
	@Test
	void cpusetPinsEveryThreadOfQemu() throws Exception {
		Domain domain = this.open.driver()
			.define(GuestlessDomains.xml("pinned")
				.replace("<vcpu>1</vcpu>", "<vcpu placement='static' cpuset='0,^1'>2</vcpu>"));
		domain.start();
		long pid = domain.info().pid().orElseThrow();
		assertThat(domain.xml(false)).contains("cpuset='0'");
		List<Path> tasks;
		try (var stream = Files.list(Path.of("/proc/" + pid + "/task"))) {
			tasks = stream.toList();
		}
		assertThat(tasks).hasSizeGreaterThan(2);
		for (Path task : tasks) {
			assertThat(Files.readAllLines(task.resolve("status"))).contains("Cpus_allowed_list:\t0");
		}
		domain.destroy();
	}

	private static List<ProcessHandle> swtpmOf(Path root) {
		return ProcessHandle.allProcesses()
			.filter((process) -> process.info()
				.commandLine()
				.map((line) -> line.contains("swtpm socket") && line.contains(root.toString()))
				.orElse(false))
			.toList();
	}

}
