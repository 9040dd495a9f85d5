package io.github.qemuembed.driver.internal.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What makes a process <em>that</em> process and not a later one that reused its pid: the
 * pid, the kernel's start time (field 22 of {@code /proc/PID/stat}, in clock ticks since
 * boot, unique per pid for the life of the system) and the command line. The driver
 * records this when it starts QEMU and acts on a leftover process only when all three
 * still match: never on a pid alone.
 *
 * @param pid the process id
 * @param startTicks start time in clock ticks after boot
 * @param commandLine the argv
 */
public record ProcessIdentity(long pid, long startTicks, List<String> commandLine) {

	public ProcessIdentity {
		commandLine = List.copyOf(commandLine);
	}

	/** Reads the identity of a live process, empty when there is no such process. */
	public static Optional<ProcessIdentity> of(long pid) {
		Optional<ProcStat> stat = ProcStat.read(pid);
		if (stat.isEmpty()) {
			return Optional.empty();
		}
		try {
			byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
			List<String> argv = new ArrayList<>();
			int start = 0;
			for (int i = 0; i < raw.length; i++) {
				if (raw[i] == 0) {
					argv.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
					start = i + 1;
				}
			}
			if (start < raw.length) {
				argv.add(new String(raw, start, raw.length - start, StandardCharsets.UTF_8));
			}
			return Optional.of(new ProcessIdentity(pid, stat.get().startTicks(), argv));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	/** Whether the process with this pid is still the one described here. */
	public boolean isStillAlive() {
		return of(this.pid).filter(this::sameAs).isPresent();
	}

	/** Same pid, same start time, same command line. */
	public boolean sameAs(ProcessIdentity other) {
		return this.pid == other.pid && this.startTicks == other.startTicks
				&& this.commandLine.equals(other.commandLine);
	}

}
