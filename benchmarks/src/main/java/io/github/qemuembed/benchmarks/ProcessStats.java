package io.github.qemuembed.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory and thread figures of this JVM and of other processes, from {@code /proc} and the MXBeans. */
public final class ProcessStats {

	private ProcessStats() {
	}

	/** Resident set size of a process in MiB, or -1 if it cannot be read (the process is gone). */
	public static double rssMiB(long pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
				}
			}
		}
		catch (IOException | NumberFormatException ex) {
			// fall through
		}
		return -1;
	}

	/** This JVM's resident set size in MiB. */
	public static double jvmRssMiB() {
		return rssMiB(ProcessHandle.current().pid());
	}

	/** Live threads of this JVM. */
	public static int liveThreads() {
		return ManagementFactory.getThreadMXBean().getThreadCount();
	}

	/**
	 * Used heap in bytes after garbage collection: several {@code System.gc()} rounds until the figure
	 * settles, so that what remains is what is reachable.
	 */
	public static long heapAfterGc() {
		long previous = Long.MAX_VALUE;
		for (int i = 0; i < 5; i++) {
			System.gc();
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
			if (Math.abs(previous - used) < 16 * 1024) {
				return used;
			}
			previous = used;
		}
		return previous;
	}

}
