package io.github.qemuembed.benchmarks.raw;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.github.qemuembed.benchmarks.Benchmark;
import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Guests;
import io.github.qemuembed.benchmarks.Recorder;
import io.github.qemuembed.benchmarks.Row;
import io.github.qemuembed.benchmarks.Samples;
import io.github.qemuembed.benchmarks.Systems;
import io.github.qemuembed.testsupport.console.GuestConsole;
import io.github.qemuembed.testsupport.guest.TestGuest;

/**
 * Scenarios {@code guest-boot} and {@code guest-shutdown} on raw QEMU: the test guest
 * under TCG with the machine qemu-embed gives it (q35, 128 MiB, one vCPU, ACPI, direct
 * kernel boot), its console on QEMU's stdio. Boot: exec until the ready marker; shutdown:
 * {@code system_powerdown} until QEMU has exited and been reaped.
 */
public final class RawGuestBenchmark implements Benchmark {

	static final Duration BOOT_TIMEOUT = Duration.ofSeconds(120);

	@Override
	public String scenario() {
		return "guest-boot";
	}

	@Override
	public List<String> scenarios() {
		return List.of("guest-boot", "guest-shutdown");
	}

	@Override
	public List<String> systems() {
		return List.of(Systems.RAW_QEMU);
	}

	@Override
	public Optional<String> unavailable(BenchmarkContext context) {
		return Guests.unavailable();
	}

	@Override
	public List<Row> run(BenchmarkContext context) throws Exception {
		TestGuest guest = Guests.standard();
		Path dir = context.newDirectory("qebg");
		Path monitor = dir.resolve("m.sock");
		List<String> argv = new ArrayList<>(List.of(context.emulator().toString(), "-S", "-nodefaults",
				"-no-user-config", "-display", "none", "-machine", "q35,accel=tcg,usb=off,acpi=on", "-m", "128", "-smp",
				"1", "-serial", "stdio", "-qmp", "unix:" + monitor + ",server=on,wait=off"));
		argv.addAll(guest.qemuBootArguments(""));
		Samples boot = new Samples();
		Samples shutdown = new Samples();
		for (int i = 0; i < context.settings().guestRuns(); i++) {
			long start = System.nanoTime();
			try (RawQemu vm = RawQemu.launchWithConsole(argv, monitor, dir.resolve("qemu.log"), Recorder.discarding());
					GuestConsole console = new GuestConsole(vm.process().getInputStream(),
							vm.process().getOutputStream())) {
				console.awaitText(TestGuest.READY_MARKER, BOOT_TIMEOUT);
				boot.add((System.nanoTime() - start) / 1_000_000.0);
				long stop = System.nanoTime();
				vm.qmp().execute("{\"execute\":\"system_powerdown\"}");
				if (!vm.process().waitFor(BOOT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
					throw new IllegalStateException(
							"The guest did not power off within " + BOOT_TIMEOUT + ": " + console.tail(10));
				}
				shutdown.add((System.nanoTime() - stop) / 1_000_000.0);
			}
		}
		return List.of(Row.of("guest-boot", Systems.RAW_QEMU, "time", "ms", boot),
				Row.of("guest-shutdown", Systems.RAW_QEMU, "time", "ms", shutdown));
	}

}
