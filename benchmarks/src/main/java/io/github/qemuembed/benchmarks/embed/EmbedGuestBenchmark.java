package io.github.qemuembed.benchmarks.embed;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.github.qemuembed.benchmarks.Benchmark;
import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Guests;
import io.github.qemuembed.benchmarks.ProcessStats;
import io.github.qemuembed.benchmarks.Row;
import io.github.qemuembed.benchmarks.Samples;
import io.github.qemuembed.benchmarks.Systems;
import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainConsole;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.testsupport.console.GuestConsole;
import io.github.qemuembed.testsupport.guest.TestGuest;

/**
 * Scenarios {@code guest-boot} and {@code guest-shutdown} on qemu-embed: the test guest
 * under TCG. Boot: {@code start} until the ready marker arrives on the console; shutdown:
 * {@code shutdown(timeout)} until the domain is SHUTOFF (it must power off by itself, not
 * be forced). Also QEMU's memory overhead once the guest is up ({@code qemu-overhead}:
 * resident memory beyond the guest's RAM, the figure the driver's cgroup memory check
 * adds per VM).
 */
public final class EmbedGuestBenchmark implements Benchmark {

	private static final Duration TIMEOUT = Duration.ofSeconds(120);

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
		return List.of(Systems.QEMU_EMBED);
	}

	@Override
	public Optional<String> unavailable(BenchmarkContext context) {
		return Guests.unavailable();
	}

	@Override
	public List<Row> run(BenchmarkContext context) throws Exception {
		TestGuest guest = Guests.standard();
		// a Linux guest hangs under nested KVM here: TCG, as for the raw baseline
		QemuDriver driver = QemuDriver
			.open(Embedded.configBuilder(context, context.newDirectory("qeeg")).accel(Accel.TCG).build());
		try {
			Domain domain = driver.define(guest.domain("guest").toXml());
			Samples boot = new Samples();
			Samples shutdown = new Samples();
			Samples overhead = new Samples();
			for (int i = 0; i < context.settings().guestRuns(); i++) {
				long start = System.nanoTime();
				domain.start();
				try (DomainConsole console = domain.openConsole();
						GuestConsole guestConsole = new GuestConsole(console.output(), console.input())) {
					guestConsole.awaitText(TestGuest.READY_MARKER, TIMEOUT);
					boot.add((System.nanoTime() - start) / 1_000_000.0);
					var info = domain.info();
					double overheadMiB = ProcessStats.overheadMiB(info.pid().orElseThrow(), info.maxMemoryKiB() * 1024);
					if (overheadMiB < 0) {
						// no mapping of exactly the guest's RAM size: a figure without it
						// would be wrong, not missing
						throw new IllegalStateException("Could not find the guest RAM mapping of QEMU pid " + info.pid()
								+ " in /proc/PID/smaps");
					}
					overhead.add(overheadMiB);
					long stop = System.nanoTime();
					if (!domain.shutdown(TIMEOUT)) {
						throw new IllegalStateException("The guest did not power off by itself within " + TIMEOUT + ": "
								+ guestConsole.tail(10));
					}
					Embedded.awaitState(domain, DomainState.SHUTOFF);
					shutdown.add((System.nanoTime() - stop) / 1_000_000.0);
				}
			}
			return List.of(Row.of("guest-boot", Systems.QEMU_EMBED, "time", "ms", boot),
					Row.of("guest-boot", Systems.QEMU_EMBED, "qemu-overhead", "MiB", overhead),
					Row.of("guest-shutdown", Systems.QEMU_EMBED, "time", "ms", shutdown));
		}
		finally {
			Embedded.destroyAllAndClose(driver);
		}
	}

}
