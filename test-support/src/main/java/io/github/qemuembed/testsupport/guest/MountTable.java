package io.github.qemuembed.testsupport.guest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The mounts below a directory, from {@code /proc/self/mountinfo}. mmdebstrap's root mode
 * mounts {@code /proc}, {@code /sys} and parts of {@code /dev} into the tree it builds
 * and unmounts them when it ends; one that was killed leaves them mounted, and deleting
 * such a tree file by file would reach into the host's {@code /dev}. So a tree is only
 * deleted once nothing is mounted below it.
 */
final class MountTable {

	private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

	private MountTable() {
	}

	/** Mount points at or below {@code directory}, deepest first. */
	static List<Path> mountsUnder(Path directory) {
		Path base = directory.toAbsolutePath().normalize();
		List<Path> found = new ArrayList<>();
		List<String> lines;
		try {
			lines = Files.readAllLines(MOUNTINFO);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + MOUNTINFO, ex);
		}
		for (String line : lines) {
			String[] fields = line.split(" ");
			if (fields.length > 4) {
				Path point = Path.of(unescape(fields[4]));
				if (point.startsWith(base)) {
					found.add(point);
				}
			}
		}
		found.sort(Comparator.comparingInt(Path::getNameCount).reversed());
		return found;
	}

	/**
	 * Unmounts (lazily) everything below {@code directory}, then deletes it. Refuses to
	 * delete while something stays mounted.
	 */
	static void deleteTree(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		for (Path point : mountsUnder(directory)) {
			HostCommand.run(List.of("umount", "--lazy", point.toString()), null, Duration.ofSeconds(30));
		}
		List<Path> left = mountsUnder(directory);
		if (!left.isEmpty()) {
			throw new IllegalStateException("not deleting " + directory + ": " + left + " are still mounted there;"
					+ " unmount them (umount --lazy) and delete it by hand");
		}
		GuestCache.deleteRecursively(directory);
	}

	/** mountinfo writes space, tab, newline and backslash as octal escapes. */
	static String unescape(String field) {
		StringBuilder out = new StringBuilder(field.length());
		for (int i = 0; i < field.length(); i++) {
			char c = field.charAt(i);
			if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
				out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
				i += 3;
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

}
