package io.github.qemuembed.driver.internal.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The host's huge pages of one size, for {@code <memoryBacking><hugepages>}: how many are
 * free and where a {@code hugetlbfs} of that size is mounted.
 *
 * @param pageKiB the page size
 * @param freePages pages reserved and not in use
 * ({@code /sys/kernel/mm/hugepages/hugepages-NkB/free_hugepages})
 * @param mount a {@code hugetlbfs} mount with this page size, if any
 * @param hostDefault whether this is the host's default huge page size
 * ({@code Hugepagesize} in {@code /proc/meminfo}), the one {@code <hugepages/>} without a
 * size means
 */
record HugePagePool(long pageKiB, long freePages, Optional<Path> mount, boolean hostDefault) {

	private static final Path SYSFS = Path.of("/sys/kernel/mm/hugepages");

	/**
	 * The host's pools, read when first asked for, then kept (one start's view of the
	 * host).
	 */
	static Supplier<List<HugePagePool>> hostOnFirstUse() {
		return new Supplier<>() {

			private List<HugePagePool> pools;

			@Override
			public synchronized List<HugePagePool> get() {
				if (this.pools == null) {
					this.pools = List.copyOf(host());
				}
				return this.pools;
			}

		};
	}

	/** The host's pools, read now (empty when the kernel has no huge pages). */
	public static List<HugePagePool> host() {
		List<HugePagePool> pools = new ArrayList<>();
		if (!Files.isDirectory(SYSFS)) {
			return pools;
		}
		long defaultKiB = defaultPageKiB();
		List<String[]> mounts = mounts();
		try (Stream<Path> dirs = Files.list(SYSFS)) {
			for (Path dir : dirs.sorted().toList()) {
				String name = dir.getFileName().toString();
				if (!name.matches("hugepages-[0-9]+kB")) {
					continue;
				}
				long kib = Long.parseLong(name.substring("hugepages-".length(), name.length() - 2));
				long free = Long.parseLong(Files.readString(dir.resolve("free_hugepages")).trim());
				pools.add(new HugePagePool(kib, free, mountOf(mounts, kib, defaultKiB), kib == defaultKiB));
			}
		}
		catch (IOException | NumberFormatException ex) {
			// an unreadable sysfs is a host without usable huge pages; the builder then
			// says what is missing
			return List.of();
		}
		return pools;
	}

	private static long defaultPageKiB() {
		try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
			return lines.filter((line) -> line.startsWith("Hugepagesize:"))
				.map((line) -> Long.parseLong(line.replaceAll("[^0-9]", "")))
				.findFirst()
				.orElse(0L);
		}
		catch (IOException | NumberFormatException ex) {
			return 0;
		}
	}

	private static List<String[]> mounts() {
		try (Stream<String> lines = Files.lines(Path.of("/proc/mounts"))) {
			return lines.map((line) -> line.split(" "))
				.filter((fields) -> fields.length > 3 && fields[2].equals("hugetlbfs"))
				.toList();
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	/**
	 * A hugetlbfs mount has {@code pagesize=2M} (or 1024M, ...) in its options, else the
	 * default size.
	 */
	private static Optional<Path> mountOf(List<String[]> mounts, long kib, long defaultKiB) {
		for (String[] fields : mounts) {
			long size = defaultKiB;
			for (String option : fields[3].split(",")) {
				if (option.startsWith("pagesize=")) {
					size = parseSize(option.substring("pagesize=".length()));
				}
			}
			if (size == kib) {
				return Optional.of(Path.of(fields[1].replace("\\040", " ")));
			}
		}
		return Optional.empty();
	}

	static long parseSize(String text) {
		char unit = Character.toUpperCase(text.charAt(text.length() - 1));
		String digits = Character.isDigit(unit) ? text : text.substring(0, text.length() - 1);
		long value = Long.parseLong(digits);
		return switch (unit) {
			case 'K' -> value;
			case 'M' -> value * 1024;
			case 'G' -> value * 1024 * 1024;
			default -> value / 1024;
		};
	}

}
