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
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.agent.GuestAgent;
import io.github.qemuembed.driver.agent.GuestExec;
import io.github.qemuembed.driver.agent.GuestExecResult;
import io.github.qemuembed.testsupport.guest.TestGuest;

/**
 * Scenario {@code agent-exec} on qemu-embed: the test guest (TCG) with {@code qemu-ga},
 * booted until the agent answers ({@code ready}, from the start request), then
 * {@code guest-exec} round trips of {@code /bin/true} until its exit code is back
 * ({@code exec}) and {@code guest-ping} round trips ({@code ping}).
 */
public final class EmbedAgentExecBenchmark implements Benchmark {

	private static final Duration TIMEOUT = Duration.ofSeconds(120);

	@Override
	public String scenario() {
		return "agent-exec";
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
		TestGuest guest = TestGuest.builder().guestAgent().build();
		Path root = context.newDirectory("qeag");
		QemuDriver driver = QemuDriver.open(Embedded.configBuilder(context, root).accel(Accel.TCG).build());
		try {
			Domain domain = driver.define(guest.domain("agent").guestAgentChannel().toXml());
			long started = System.nanoTime();
			domain.start();
			GuestAgent agent = domain.guest();
			agent.awaitReady(TIMEOUT);
			Samples ready = new Samples();
			ready.add((System.nanoTime() - started) / 1_000_000.0);
			int calls = Math.max(1, context.settings().guestRuns() * 10);
			for (int i = 0; i < Math.min(5, calls); i++) {
				exec(agent);
			}
			Samples exec = new Samples();
			Samples ping = new Samples();
			for (int i = 0; i < calls; i++) {
				long start = System.nanoTime();
				exec(agent);
				exec.add((System.nanoTime() - start) / 1_000_000.0);
				start = System.nanoTime();
				agent.ping();
				ping.add((System.nanoTime() - start) / 1_000_000.0);
			}
			return List.of(Row.of(scenario(), Systems.QEMU_EMBED, "ready", "ms", ready),
					Row.of(scenario(), Systems.QEMU_EMBED, "exec", "ms", exec),
					Row.of(scenario(), Systems.QEMU_EMBED, "ping", "ms", ping));
		}
		finally {
			Embedded.destroyAllAndClose(driver);
		}
	}

	private static void exec(GuestAgent agent) {
		GuestExecResult result = agent.exec(GuestExec.of("/bin/true"));
		if (!result.succeeded()) {
			throw new IllegalStateException("/bin/true did not succeed in the guest: " + result);
		}
	}

}
