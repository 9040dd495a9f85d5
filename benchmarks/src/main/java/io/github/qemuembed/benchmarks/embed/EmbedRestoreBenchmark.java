package io.github.qemuembed.benchmarks.embed;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.github.qemuembed.benchmarks.Benchmark;
import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Guests;
import io.github.qemuembed.benchmarks.Row;
import io.github.qemuembed.benchmarks.Samples;
import io.github.qemuembed.benchmarks.Systems;
import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainConsole;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.testsupport.console.GuestConsole;
import io.github.qemuembed.testsupport.console.ShellResult;
import io.github.qemuembed.testsupport.guest.TestGuest;

/**
 * Scenario {@code restore} on qemu-embed: the test guest (TCG) is booted once until its
 * shell answers ({@code boot}), saved, then restored from that file several times, each
 * until its shell answers a command ({@code time}). {@code speedup} is that boot's time
 * divided by each restore's, so both sides come from the same run on the same machine.
 */
public final class EmbedRestoreBenchmark implements Benchmark {

	private static final Duration TIMEOUT = Duration.ofSeconds(120);

	@Override
	public String scenario() {
		return "restore";
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
		Path root = context.newDirectory("qers");
		QemuDriver driver = QemuDriver.open(Embedded.configBuilder(context, root).accel(Accel.TCG).build());
		try {
			Domain domain = driver.define(guest.domain("guest").toXml());
			long started = System.nanoTime();
			domain.start();
			double boot;
			try (DomainConsole console = domain.openConsole();
					GuestConsole shell = new GuestConsole(console.output(), console.input())) {
				shell.awaitText(TestGuest.READY_MARKER, TIMEOUT);
				answer(shell);
				boot = (System.nanoTime() - started) / 1_000_000.0;
			}
			Path file = root.resolve("guest.save");
			domain.save(file);
			Samples restore = new Samples();
			Samples speedup = new Samples();
			for (int i = 0; i < Math.max(1, context.settings().guestRuns()); i++) {
				long start = System.nanoTime();
				driver.restore(file);
				try (DomainConsole console = domain.openConsole();
						GuestConsole shell = new GuestConsole(console.output(), console.input())) {
					answer(shell);
					double millis = (System.nanoTime() - start) / 1_000_000.0;
					restore.add(millis);
					speedup.add(boot / millis);
				}
				domain.destroy();
			}
			Samples bootSample = new Samples();
			bootSample.add(boot);
			return List.of(Row.of("restore", Systems.QEMU_EMBED, "time", "ms", restore),
					Row.of("restore", Systems.QEMU_EMBED, "boot", "ms", bootSample),
					Row.of("restore", Systems.QEMU_EMBED, "speedup", "x", speedup));
		}
		finally {
			Embedded.destroyAllAndClose(driver);
		}
	}

	private static void answer(GuestConsole shell) throws Exception {
		ShellResult result = shell.run("echo restored", TIMEOUT);
		if (result.exitCode() != 0) {
			throw new IllegalStateException("The guest's shell did not answer: " + shell.tail(10));
		}
	}

}
