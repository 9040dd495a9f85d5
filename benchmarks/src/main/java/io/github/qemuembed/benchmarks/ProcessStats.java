package io.github.qemuembed.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory and thread figures of this JVM and of other processes, from {@code /proc} and
 * the MXBeans.
 */
public final class ProcessStats {

	private ProcessStats() {
	}

	/**
	 * Resident set size of a process in MiB, or -1 if it cannot be read (the process is
	 * gone).
	 */
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

	/**
	 * QEMU's own resident memory in MiB: its resident set less the resident part of the
	 * guest's RAM (the one mapping of exactly {@code guestRamBytes} in
	 * {@code /proc/PID/smaps}), so that the figure does not depend on how much of its RAM
	 * the guest has touched. -1 if it cannot be read.
	 */
	public static double overheadMiB(long pid, long guestRamBytes) {
		long totalKiB = 0;
		long guestKiB = 0;
		long mappingSize = -1;
		boolean found = false;
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps"))) {
				int dash = line.indexOf('-');
				int space = line.indexOf(' ');
				if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
					mappingSize = Long.parseUnsignedLong(line.substring(dash + 1, space), 16)
							- Long.parseUnsignedLong(line.substring(0, dash), 16);
				}
				else if (line.startsWith("Rss:")) {
					long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
					totalKiB += kib;
					if (mappingSize == guestRamBytes && !found) {
						guestKiB = kib;
						found = true;
					}
				}
			}
		}
		catch (IOException | NumberFormatException ex) {
			return -1;
		}
		return found ? (totalKiB - guestKiB) / 1024.0 : -1;
	}

	/** This JVM's resident set size in MiB. */
	public static double jvmRssMiB() {
		return rssMiB(ProcessHandle.current().pid());
	}

	/**
	 * Live threads of this JVM by owner, after a short pause so that threads which have
	 * finished their work are gone.
	 */
	public static ThreadCensus threadCensus() {
		try {
			Thread.sleep(200);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		int all = 0;
		int driver = 0;
		int reapers = 0;
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (!thread.isAlive()) {
				continue;
			}
			all++;
			if (thread.getName().startsWith("qemu-embed")) {
				driver++;
			}
			else if (thread.getName().startsWith("process reaper (pid")) {
				reapers++;
			}
		}
		return new ThreadCensus(all, driver, reapers);
	}

	/**
	 * Live threads, and among them the driver's ({@code qemu-embed-*}) and the JDK's
	 * process reapers that wait for a child ({@code process reaper (pid N)}: the JDK
	 * waits for every child process with a thread of its own, blocked in {@code waitpid},
	 * whoever starts the child; that thread per VM is the floor for any Java program).
	 * The total alone says little per VM: idle threads of the JDK's reaper pool stay for
	 * 60 s and are reused by the next children.
	 */
	public record ThreadCensus(int all, int driver, int reapers) {

		/**
		 * Driver threads and process reapers added per VM: the threads the VMs account
		 * for.
		 */
		public double attributablePerVm(ThreadCensus before, int vms) {
			return driverPerVm(before, vms) + reapersPerVm(before, vms);
		}

		public double driverPerVm(ThreadCensus before, int vms) {
			return (this.driver - before.driver) / (double) vms;
		}

		public double reapersPerVm(ThreadCensus before, int vms) {
			return (this.reapers - before.reapers) / (double) vms;
		}

	}

	/**
	 * Used heap in bytes after garbage collection: several {@code System.gc()} rounds
	 * until the figure settles, so that what remains is what is reachable.
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
