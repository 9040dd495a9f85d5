package io.github.qemuembed.driver.internal.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.DomainStatus;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.error.InvalidOperationException;
import io.github.qemuembed.driver.error.OperationTimeoutException;
import io.github.qemuembed.driver.internal.process.ProcessIdentity;
import io.github.qemuembed.driver.qmp.QmpTimeoutError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads on one domain: serialized, no deadlock, and the state always matches the
 * process table.
 */
class ConcurrencyTests {

	private static final Duration HAMMER = Duration.ofSeconds(Long.getLong("qemu.embed.hammer.seconds", 30));

	@Test
	void eightThreadsHammeringOneDomainEndConsistent() throws Exception {
		Path root = GuestlessDomains.newRoot();
		try (QemuDriver driver = QemuDriver.open(GuestlessDomains.config(root).build())) {
			Domain domain = driver.define(GuestlessDomains.xml("hammered"));
			ExecutorService threads = Executors.newFixedThreadPool(8);
			ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
			AtomicInteger done = new AtomicInteger();
			long end = System.nanoTime() + HAMMER.toNanos();
			List<Future<?>> workers = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				workers.add(threads.submit(() -> {
					while (System.nanoTime() < end) {
						try {
							switch (ThreadLocalRandom.current().nextInt(5)) {
								case 0 -> domain.start();
								case 1 -> domain.destroy();
								case 2 -> domain.suspend();
								case 3 -> domain.resume();
								default -> domain.status();
							}
							done.incrementAndGet();
						}
						catch (InvalidOperationException ex) {
							// the state changed under this thread's feet: expected,
							// that's the point
						}
						catch (Throwable ex) {
							unexpected.add(ex);
						}
					}
				}));
			}
			threads.shutdown();
			// a deadlock would show as workers still running long after the hammer period
			assertThat(threads.awaitTermination(HAMMER.toSeconds() + 60, TimeUnit.SECONDS)).isTrue();
			for (Future<?> worker : workers) {
				worker.get();
			}
			assertThat(unexpected).isEmpty();
			assertThat(done.get()).isPositive();
			assertStateMatchesProcessTable(domain, root);
			if (domain.status().isActive()) {
				domain.destroy();
			}
			assertStateMatchesProcessTable(domain, root);
		}
		finally {
			GuestlessDomains.deleteTree(root);
		}
	}

	@Test
	void aStuckQemuDoesNotHoldUpAnotherDomain() throws Exception {
		Path root = GuestlessDomains.newRoot();
		try (QemuDriver driver = QemuDriver
			.open(GuestlessDomains.config(root).qmpTimeout(Duration.ofSeconds(3)).build())) {
			Domain stuck = driver.define(GuestlessDomains.xml("stuck"));
			Domain healthy = driver.define(GuestlessDomains.xml("healthy"));
			stuck.start();
			healthy.start();
			long stuckPid = stuck.info().pid().orElseThrow();
			new ProcessBuilder("kill", "-STOP", Long.toString(stuckPid)).start().waitFor();
			try {
				CompletableFuture<Void> stuckCall = CompletableFuture.runAsync(stuck::suspend);
				// operations on the healthy domain complete while the stuck one's call is
				// still pending
				healthy.suspend();
				healthy.resume();
				assertThat(healthy.qmp("{\"execute\":\"query-status\"}")).contains("\"running\":true");
				assertThat(stuckCall).isNotDone();
				assertThat(stuckCall).failsWithin(Duration.ofSeconds(30))
					.withThrowableThat()
					.havingCause()
					.isInstanceOf(OperationTimeoutException.class)
					// the QMP client's own error, kept as the cause
					.withCauseInstanceOf(QmpTimeoutError.class);
			}
			finally {
				new ProcessBuilder("kill", "-CONT", Long.toString(stuckPid)).start().waitFor();
			}
			// once QEMU runs again, the domain answers again
			assertThat(stuck.qmp("{\"execute\":\"query-status\"}")).contains("status");
			stuck.destroy();
			healthy.destroy();
		}
		finally {
			GuestlessDomains.deleteTree(root);
		}
	}

	private static void assertStateMatchesProcessTable(Domain domain, Path root) throws Exception {
		DomainStatus status = domain.status();
		List<Long> qemus = qemuProcessesOf(domain.uuid().toString());
		if (status.isActive()) {
			assertThat(qemus).containsExactly(domain.info().pid().orElseThrow());
			boolean running = domain.qmp("{\"execute\":\"query-status\"}").contains("\"running\":true");
			assertThat(running).as("QEMU running vs " + status).isEqualTo(status.state() == DomainState.RUNNING);
		}
		else {
			assertThat(qemus).as("no QEMU for a " + status + " domain").isEmpty();
			assertThat(root.resolve("run/qemu/hammered.xml")).doesNotExist();
		}
	}

	/** QEMU processes whose command line carries this domain's UUID, read from /proc. */
	static List<Long> qemuProcessesOf(String uuid) throws Exception {
		try (var procs = Files.list(Path.of("/proc"))) {
			return procs.map((p) -> p.getFileName().toString())
				.filter((n) -> n.chars().allMatch(Character::isDigit))
				.map(Long::parseLong)
				.map(ProcessIdentity::of)
				.flatMap(Optional::stream)
				.filter((id) -> !id.commandLine().isEmpty() && id.commandLine().get(0).contains("qemu-system")
						&& String.join(" ", id.commandLine()).contains(uuid))
				.map(ProcessIdentity::pid)
				.toList();
		}
	}

}
