package io.github.qemuembed.driver.internal.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The fields of {@code /proc/PID/stat} the driver uses: state, CPU time, start time and
 * resident set size. Clock ticks are taken as 100 per second ({@code USER_HZ} is 100 on
 * every Linux the JVM runs on).
 *
 * @param state one-letter process state ({@code R}, {@code S}, {@code T} stopped,
 * {@code Z} zombie...)
 * @param utimeTicks user CPU time in clock ticks
 * @param stimeTicks system CPU time in clock ticks
 * @param startTicks start time after boot in clock ticks
 * @param rssPages resident set size in pages
 */
public record ProcStat(char state, long utimeTicks, long stimeTicks, long startTicks, long rssPages) {

	private static final long TICKS_PER_SECOND = 100;

	private static final long PAGE_SIZE = 4096;

	public static Optional<ProcStat> read(long pid) {
		String text;
		try {
			text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			return Optional.empty();
		}
		return Optional.ofNullable(parse(text));
	}

	/**
	 * Parses a stat line; the command name (field 2) may contain spaces and parentheses,
	 * so split after its last ')'.
	 */
	static ProcStat parse(String text) {
		int close = text.lastIndexOf(')');
		if (close < 0) {
			return null;
		}
		String[] f = text.substring(close + 2).trim().split(" ");
		// f[0] is field 3 (state); field N is f[N - 3]
		if (f.length < 22) {
			return null;
		}
		return new ProcStat(f[0].charAt(0), Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[19]),
				Long.parseLong(f[21]));
	}

	public Duration cpuTime() {
		return Duration.ofMillis((this.utimeTicks + this.stimeTicks) * 1000 / TICKS_PER_SECOND);
	}

	public long residentBytes() {
		return this.rssPages * PAGE_SIZE;
	}

	public boolean isZombie() {
		return this.state == 'Z' || this.state == 'X';
	}

}
