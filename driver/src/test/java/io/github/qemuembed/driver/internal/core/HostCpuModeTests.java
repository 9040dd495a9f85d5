package io.github.qemuembed.driver.internal.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.HostCpuProbe;
import io.github.qemuembed.driver.OpenDriver;
import io.github.qemuembed.driver.error.EmulatorException;
import io.github.qemuembed.driver.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code host-passthrough} and {@code host-model} CPUs under KVM. Whether the host runs
 * them depends on the host (some nested-KVM hosts abort QEMU at once on an MSR the host
 * refuses), so each test asks the host first with a raw QEMU and asserts the outcome that
 * is right for the answer: the CPU model seen over QMP where the host allows it; a fast,
 * typed failure with QEMU's own message, and nothing left behind, where it does not.
 */
class HostCpuModeTests {

	@RegisterExtension
	final OpenDriver open = new OpenDriver(Accel.KVM);

	@ParameterizedTest
	@ValueSource(strings = { "host-passthrough", "host-model" })
	void startFollowsWhatTheHostAllows(String mode) throws Exception {
		assertThat(Path.of("/dev/kvm")).as("these machines have KVM (see docs/testing.md)").exists();
		HostCpuProbe.Answer host = HostCpuProbe.kvmCpu("host");
		String name = "cpu-" + mode;
		Domain domain = this.open.driver().define("""
				<domain type='kvm'>
				  <name>%s</name>
				  <uuid>%s</uuid>
				  <memory unit='MiB'>64</memory>
				  <vcpu>1</vcpu>
				  <os><type arch='x86_64' machine='q35'>hvm</type></os>
				  <cpu mode='%s'/>
				</domain>
				""".formatted(name, UUID.randomUUID(), mode));
		if (host.works()) {
			domain.start();
			String cpus = domain.qmp("{\"execute\":\"query-cpus-fast\"}");
			String path = cpus.replaceAll("(?s).*\"qom-path\"\\s*:\\s*\"([^\"]+)\".*", "$1");
			String type = domain
				.qmp("{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"" + path + "\",\"property\":\"type\"}}");
			assertThat(type).contains("host-x86_64-cpu");
			domain.destroy();
		}
		else {
			assertThatExceptionOfType(EmulatorException.class).isThrownBy(domain::start)
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.OPERATION_FAILED))
				.withMessageContaining(host.errorLine());
			assertThat(domain.status().state()).isEqualTo(DomainState.SHUTOFF);
			Path run = this.open.root().resolve("run/qemu");
			assertThat(run.resolve(name + ".xml")).doesNotExist();
			assertThat(run.resolve(name + ".pid")).doesNotExist();
			assertThat(ProcessHandle.allProcesses()
				.filter((p) -> p.info().commandLine().orElse("").contains("guest=" + name + ",")))
				.as("no QEMU of the domain is left")
				.isEmpty();
		}
		// the definition is kept either way, and the domain can be started again with
		// another CPU
		assertThat(Files.exists(this.open.root().resolve("etc/qemu/" + name + ".xml"))).isTrue();
	}

}
