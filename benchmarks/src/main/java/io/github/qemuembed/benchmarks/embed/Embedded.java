package io.github.qemuembed.benchmarks.embed;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Parallel;
import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.DriverConfig;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.AccessPolicy;

/** How the benchmarks open qemu-embed and describe their VMs. */
final class Embedded {

	private static final Duration STATE_TIMEOUT = Duration.ofSeconds(60);

	private Embedded() {
	}

	/**
	 * A driver on {@code root}, same accelerator as the baselines, every operation
	 * allowed.
	 */
	static QemuDriver open(BenchmarkContext context, Path root) {
		return QemuDriver.open(config(context, root));
	}

	static DriverConfig config(BenchmarkContext context, Path root) {
		return configBuilder(context, root).build();
	}

	static DriverConfig.Builder configBuilder(BenchmarkContext context, Path root) {
		return DriverConfig.builder(root)
			.emulator(context.emulator())
			.accel("kvm".equals(context.machine().accel()) ? Accel.KVM : Accel.TCG)
			.accessPolicy(AccessPolicy.allowAll());
	}

	/**
	 * The guest-less machine of every scenario: q35, 64 MiB, one vCPU, ACPI, no devices
	 * (no USB controller, no balloon: the machine raw QEMU and libvirt start), SeaBIOS.
	 */
	static String guestlessXml(BenchmarkContext context, String name) {
		return guestlessXml(context, name, null);
	}

	/**
	 * The guest-less machine with a ROM firmware instead of SeaBIOS (the halting firmware
	 * of the many-VM scenarios, see {@link BenchmarkContext#haltFirmware()}), or SeaBIOS
	 * if {@code null}.
	 */
	static String guestlessXml(BenchmarkContext context, String name, Path firmware) {
		String type = "kvm".equals(context.machine().accel()) ? "kvm" : "qemu";
		String loader = (firmware != null) ? "<loader type='rom'>" + firmware + "</loader>" : "";
		return """
				<domain type='%s'>
				  <name>%s</name>
				  <memory unit='MiB'>64</memory>
				  <vcpu>1</vcpu>
				  <os><type arch='x86_64' machine='q35'>hvm</type>%s</os>
				  <features><acpi/></features>
				  <devices>
				    <controller type='usb' model='none'/>
				    <memballoon model='none'/>
				  </devices>
				</domain>
				""".formatted(type, name, loader);
	}

	/**
	 * Waits until the domain is in {@code state}. {@code start} and {@code destroy}
	 * return once done, so this normally returns at once; it is here so that a driver
	 * returning early is not credited.
	 */
	static void awaitState(Domain domain, DomainState state) {
		long deadline = System.nanoTime() + STATE_TIMEOUT.toNanos();
		while (domain.status().state() != state) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						domain.name() + " not " + state + " after " + STATE_TIMEOUT + ", it is " + domain.status());
			}
			Thread.onSpinWait();
		}
	}

	/**
	 * Waits until a process has exited and been reaped (a zombie still counts as
	 * present), so that a destroy is timed until the process is really gone.
	 */
	static void awaitGone(ProcessHandle process) {
		long deadline = System.nanoTime() + STATE_TIMEOUT.toNanos();
		while (process.isAlive() || Path.of("/proc", Long.toString(process.pid())).toFile().exists()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Process " + process.pid() + " still there after " + STATE_TIMEOUT);
			}
			Thread.onSpinWait();
		}
	}

	/** Destroys every active domain (in parallel), then closes the driver. */
	static void destroyAllAndClose(QemuDriver driver) throws Exception {
		if (driver == null) {
			return;
		}
		try {
			List<Callable<Void>> destroys = new ArrayList<>();
			for (Domain domain : driver.list(DomainListFilter.ACTIVE)) {
				destroys.add(() -> {
					if (domain.status().isActive()) {
						domain.destroy();
					}
					return null;
				});
			}
			if (!destroys.isEmpty()) {
				Parallel.run(Math.min(8, destroys.size()), destroys);
			}
		}
		finally {
			driver.close();
		}
	}

}
