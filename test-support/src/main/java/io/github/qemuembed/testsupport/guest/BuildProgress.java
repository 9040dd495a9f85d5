package io.github.qemuembed.testsupport.guest;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the lines {@code mmdebstrap --verbose} prints into a phase and an overall
 * percentage. mmdebstrap draws its own progress bars only on a terminal; its verbose
 * output names each phase ({@code I: downloading packages with apt...}) and carries apt's
 * and dpkg's per-package lines ({@code Get:}, {@code Unpacking}, {@code Setting up}),
 * counted against the package count apt announces ({@code N newly installed}).
 * <p>
 * Each phase owns a share of the whole, measured on the project's machines; the last two
 * (the ext4 image and the qcow2 conversion) are entered by the builder itself.
 */
final class BuildProgress {

	enum Phase {

		RESOLVE("resolving packages", 0, 3), DOWNLOAD("downloading essential packages", 3, 8),
		EXTRACT("extracting essential packages", 8, 12), ESSENTIAL("installing essential packages", 12, 40),
		INSTALL("downloading and installing packages", 40, 88), CLEANUP("cleaning up", 88, 90),
		FILESYSTEM("writing the ext4 image", 90, 97), QCOW2("converting to qcow2", 97, 100);

		private final String description;

		private final int from;

		private final int to;

		Phase(String description, int from, int to) {
			this.description = description;
			this.from = from;
			this.to = to;
		}

		String description() {
			return this.description;
		}

	}

	/** A point of the build: its phase and how much of the whole build is done. */
	record Step(Phase phase, int percent) {

		@Override
		public String toString() {
			return this.percent + "% " + this.phase.description();
		}

	}

	private static final Pattern NEWLY_INSTALLED = Pattern.compile("^\\d+ upgraded, (\\d+) newly installed");

	private Phase phase = Phase.RESOLVE;

	private int packages;

	private int units;

	private int percent;

	/**
	 * Reads one line of mmdebstrap's output; returns the new step when the phase changed
	 * or the percentage moved.
	 */
	Optional<Step> line(String line) {
		Phase next = phaseOf(line);
		if (next != null && next.ordinal() > this.phase.ordinal()) {
			return Optional.of(switchTo(next));
		}
		Matcher announced = NEWLY_INSTALLED.matcher(line);
		if (announced.find()) {
			this.packages = Integer.parseInt(announced.group(1));
			this.units = 0;
			return Optional.empty();
		}
		if (countsIn(line)) {
			this.units++;
			return advance();
		}
		return Optional.empty();
	}

	/** Moves on to a phase the builder runs itself (after mmdebstrap). */
	Step enter(Phase next) {
		return switchTo(next);
	}

	Step current() {
		return new Step(this.phase, this.percent);
	}

	private Step switchTo(Phase next) {
		this.phase = next;
		this.units = 0;
		if (next == Phase.INSTALL) {
			// the essential packages were announced by the download; the others are
			// announced anew inside the chroot
			this.packages = 0;
		}
		this.percent = next.from;
		return new Step(next, next.from);
	}

	private Optional<Step> advance() {
		int perPackage = unitsPerPackage();
		if (this.packages == 0 || perPackage == 0) {
			return Optional.empty();
		}
		double done = Math.min(1.0, (double) this.units / (perPackage * this.packages));
		int now = this.phase.from + (int) Math.floor(done * (this.phase.to - this.phase.from));
		if (now <= this.percent) {
			return Optional.empty();
		}
		this.percent = now;
		return Optional.of(new Step(this.phase, now));
	}

	/** Lines that each stand for a piece of one package's work in the current phase. */
	private boolean countsIn(String line) {
		return switch (this.phase) {
			case DOWNLOAD -> line.startsWith("Get:");
			case ESSENTIAL -> line.startsWith("Unpacking ") || line.startsWith("Setting up ");
			case INSTALL -> line.startsWith("Get:") || line.startsWith("Unpacking ") || line.startsWith("Setting up ");
			default -> false;
		};
	}

	private int unitsPerPackage() {
		return switch (this.phase) {
			case DOWNLOAD -> 1;
			case ESSENTIAL -> 2;
			case INSTALL -> 3;
			default -> 0;
		};
	}

	private static Phase phaseOf(String line) {
		if (!line.startsWith("I: ")) {
			return null;
		}
		if (line.startsWith("I: downloading packages")) {
			return Phase.DOWNLOAD;
		}
		if (line.startsWith("I: extracting archives")) {
			return Phase.EXTRACT;
		}
		if (line.startsWith("I: installing essential packages")) {
			return Phase.ESSENTIAL;
		}
		if (line.startsWith("I: installing remaining packages")) {
			return Phase.INSTALL;
		}
		if (line.startsWith("I: cleaning package lists")) {
			return Phase.CLEANUP;
		}
		return null;
	}

}
