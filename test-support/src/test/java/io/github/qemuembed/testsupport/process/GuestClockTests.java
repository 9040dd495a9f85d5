package io.github.qemuembed.testsupport.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link GuestClock} on real processes: run-queue waits of a starved process slow it
 * down; an idle one does not.
 */
class GuestClockTests {

	@Test
	void anIdleProcessSeesWallTime() throws Exception {
		Process sleeper = new ProcessBuilder("sleep", "30").start();
		try {
			// once asleep it never waits for a CPU (before that, a loaded host may keep
			// its exec waiting)
			await().atMost(Duration.ofSeconds(30))
				.until(() -> Files.readString(Path.of("/proc/" + sleeper.pid() + "/stat"))
					.replaceAll("^.*\\) ", "")
					.startsWith("S"));
			GuestClock clock = GuestClock.start(sleeper.pid());
			Thread.sleep(500);
			// an idle process never waits for a CPU: no time is taken off
			assertThat(clock.wallElapsed().minus(clock.elapsed())).isLessThan(Duration.ofMillis(50));
			assertThat(clock.processAlive()).isTrue();
		}
		finally {
			sleeper.destroyForcibly().waitFor();
		}
		assertThat(GuestClock.start(sleeper.pid()).processAlive()).isFalse();
	}

	@Test
	void aProcessCompetingForTheCpusLosesTheTimeItWaited() throws Exception {
		// more busy processes than CPUs, all pinned to CPU 0: each waits in the run queue
		// most of the time
		List<Process> hogs = new ArrayList<>();
		try {
			for (int i = 0; i < 4; i++) {
				hogs.add(new ProcessBuilder("taskset", "-c", "0", "sh", "-c", "while :; do :; done").start());
			}
			GuestClock clock = GuestClock.start(hogs.get(0).pid());
			Thread.sleep(2000);
			Duration wall = clock.wallElapsed();
			Duration guest = clock.elapsed();
			// four runnable processes share one CPU: each runs about a quarter of the
			// time
			assertThat(guest).isLessThan(wall.dividedBy(2));
			assertThat(guest).isPositive();
		}
		finally {
			for (Process hog : hogs) {
				hog.destroyForcibly();
				hog.waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

}
