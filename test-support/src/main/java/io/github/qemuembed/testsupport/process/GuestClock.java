package io.github.qemuembed.testsupport.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Time as a guest sees it: wall time since the clock started, less the time QEMU's
 * busiest thread (the vCPU thread under TCG) waited in the kernel's run queue for a CPU.
 * On an idle host the two agree; on a loaded one (a parallel build, a CPU hog) the guest
 * clock runs slower, so a timeout measured with it bounds the guest's own progress, not
 * the host's load. A guest that is stuck or idle still times out in wall time, because an
 * idle thread does not wait in the run queue.
 * <p>
 * Read from {@code /proc/PID/task/TID/schedstat} (run time and run-queue wait in
 * nanoseconds), which every Debian kernel provides.
 */
public final class GuestClock {

	private final long pid;

	private final long startNanos;

	private final long startWait;

	private GuestClock(long pid) {
		this.pid = pid;
		this.startNanos = System.nanoTime();
		this.startWait = busiestThreadWait(pid);
	}

	/** Starts a clock for the QEMU process {@code pid}. */
	public static GuestClock start(long pid) {
		return new GuestClock(pid);
	}

	/**
	 * Wall time since the start, less the run-queue wait of QEMU's busiest thread
	 * meanwhile.
	 */
	public Duration elapsed() {
		long wall = System.nanoTime() - this.startNanos;
		long waited = Math.max(0, busiestThreadWait(this.pid) - this.startWait);
		return Duration.ofNanos(Math.max(0, wall - waited));
	}

	/** Wall time since the start. */
	public Duration wallElapsed() {
		return Duration.ofNanos(System.nanoTime() - this.startNanos);
	}

	/** Whether the QEMU process still runs. */
	public boolean processAlive() {
		return ProcessHandle.of(this.pid).map(ProcessHandle::isAlive).orElse(false);
	}

	/**
	 * Run-queue wait (ns) of the thread that has run longest; 0 once the process is gone.
	 */
	static long busiestThreadWait(long pid) {
		long bestRun = -1;
		long wait = 0;
		try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
			for (Path task : (Iterable<Path>) tasks::iterator) {
				long[] stat = schedstat(task.resolve("schedstat"));
				if (stat != null && stat[0] > bestRun) {
					bestRun = stat[0];
					wait = stat[1];
				}
			}
		}
		catch (IOException ex) {
			return 0;
		}
		return wait;
	}

	private static long[] schedstat(Path file) {
		try {
			String[] fields = Files.readString(file).trim().split("\\s+");
			return new long[] { Long.parseLong(fields[0]), Long.parseLong(fields[1]) };
		}
		catch (IOException | RuntimeException ex) {
			// the thread ended meanwhile
			return null;
		}
	}

}
