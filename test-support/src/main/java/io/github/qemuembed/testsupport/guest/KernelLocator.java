package io.github.qemuembed.testsupport.guest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the test guest's kernel: the one the user names, or Debian's cloud kernel fetched
 * with {@code apt-get download} into the cache and unpacked with {@code dpkg -x}.
 * <p>
 * A kernel named with {@value #KERNEL_PROPERTY} / {@value #KERNEL_ENV} is used as it is;
 * its modules come from {@value #MODULES_PROPERTY} / {@value #MODULES_ENV}, or from a
 * {@code lib/modules/RELEASE} directory found next to it or on the host.
 * <p>
 * Otherwise the metapackage {@value #METAPACKAGE} is resolved to the versioned package it
 * depends on (such as {@code linux-image-6.1.0-56-cloud-amd64}), which is downloaded once
 * and kept under {@code CACHE/kernels/PACKAGE}. Resolving needs apt's package lists (run
 * {@code apt-get update} once); when apt is not available at all, or the download fails,
 * the newest kernel already in the cache is used.
 */
final class KernelLocator {

	static final String KERNEL_PROPERTY = "qemu.embed.test.kernel";

	static final String KERNEL_ENV = "QEMU_EMBED_TEST_KERNEL";

	static final String MODULES_PROPERTY = "qemu.embed.test.kernel.modules";

	static final String MODULES_ENV = "QEMU_EMBED_TEST_KERNEL_MODULES";

	static final String METAPACKAGE = "linux-image-cloud-amd64";

	/**
	 * Debian's full kernel: it has the USB host controller and USB storage drivers the
	 * cloud kernel is built without.
	 */
	static final String FULL_METAPACKAGE = "linux-image-amd64";

	private static final Pattern DEPENDS = Pattern.compile("^\\s*\\|?Depends:\\s*(linux-image-\\S+)\\s*$",
			Pattern.MULTILINE);

	private static final Path APT_LISTS = Path.of("/var/lib/apt/lists");

	private static final Pattern VMLINUZ = Pattern.compile("vmlinuz-(.+)");

	private static final System.Logger logger = System.getLogger(KernelLocator.class.getName());

	private final GuestCache cache;

	private final String metapackage;

	KernelLocator(GuestCache cache) {
		this(cache, METAPACKAGE);
	}

	/**
	 * A locator of the kernel {@code metapackage} depends on, when none is configured.
	 */
	KernelLocator(GuestCache cache, String metapackage) {
		this.cache = cache;
		this.metapackage = metapackage;
	}

	GuestKernel locate() {
		String configured = Settings.get(KERNEL_PROPERTY, KERNEL_ENV);
		if (configured != null) {
			return configuredKernel(Path.of(configured));
		}
		return debianKernel();
	}

	private GuestKernel configuredKernel(Path image) {
		if (!Files.isRegularFile(image)) {
			throw new TestGuestException("the test guest kernel " + image + " (from -D" + KERNEL_PROPERTY + " or "
					+ KERNEL_ENV + ") is not a file");
		}
		String release = bzImageRelease(image).or(() -> fileNameRelease(image)).orElse("unknown");
		Optional<Path> modules;
		String configuredModules = Settings.get(MODULES_PROPERTY, MODULES_ENV);
		if (configuredModules != null) {
			Path dir = Path.of(configuredModules);
			if (!Files.isDirectory(dir)) {
				throw new TestGuestException("the kernel modules directory " + dir + " (from -D" + MODULES_PROPERTY
						+ " or " + MODULES_ENV + ") is not a directory");
			}
			modules = Optional.of(dir);
		}
		else {
			modules = modulesNextTo(image, release);
		}
		return new GuestKernel(image, release, modules);
	}

	private static Optional<Path> modulesNextTo(Path image, String release) {
		Path parent = image.toAbsolutePath().getParent();
		Path tree = (parent != null && parent.getParent() != null) ? parent.getParent() : Path.of("/");
		return Stream
			.of(tree.resolve("lib/modules").resolve(release), tree.resolve("usr/lib/modules").resolve(release),
					Path.of("/lib/modules", release))
			.filter(Files::isDirectory)
			.findFirst();
	}

	private GuestKernel debianKernel() {
		Path kernels = this.cache.directory("kernels");
		String packageName;
		try {
			packageName = resolveMetapackageCached(kernels, this.metapackage);
		}
		catch (TestGuestException ex) {
			Optional<Path> cached = newestCachedKernel(kernels, this.metapackage);
			if (cached.isPresent()) {
				logger.log(System.Logger.Level.WARNING, "{0}; using the cached kernel {1}", ex.getMessage(),
						cached.get());
				return kernelIn(cached.get());
			}
			throw ex;
		}
		Path tree = kernels.resolve(packageName);
		if (!Files.isDirectory(tree)) {
			try {
				download(packageName, kernels, tree);
			}
			catch (TestGuestException ex) {
				// Offline, say, right after an apt-get update announced a new kernel: an
				// older one still boots.
				Optional<Path> cached = newestCachedKernel(kernels, this.metapackage);
				if (cached.isEmpty()) {
					throw ex;
				}
				logger.log(System.Logger.Level.WARNING, "{0}; using the cached kernel {1}", ex.getMessage(),
						cached.get());
				return kernelIn(cached.get());
			}
		}
		return kernelIn(tree);
	}

	/**
	 * {@code apt-cache} takes seconds to start, so its answer is remembered next to the
	 * kernels, together with the modification time of apt's package lists:
	 * {@code apt-get update} changes that, and then apt is asked again.
	 */
	private static String resolveMetapackageCached(Path kernels, String metapackage) {
		Path remembered = kernels.resolve(".resolved-" + metapackage);
		String stamp;
		try {
			stamp = Long.toString(Files.getLastModifiedTime(APT_LISTS).toMillis());
		}
		catch (IOException ex) {
			return resolveMetapackage(metapackage);
		}
		try {
			List<String> lines = Files.readAllLines(remembered);
			if (lines.size() == 2 && lines.get(0).equals(stamp) && lines.get(1).startsWith("linux-image-")) {
				return lines.get(1);
			}
		}
		catch (IOException ex) {
			// Not remembered yet.
		}
		String packageName = resolveMetapackage(metapackage);
		try {
			Path temporary = Files.createTempFile(kernels, GuestCache.TEMP_PREFIX + "resolved-", "");
			Files.writeString(temporary, stamp + "\n" + packageName + "\n");
			GuestCache.replace(temporary, remembered);
		}
		catch (IOException | UncheckedIOException ex) {
			// Only a shortcut: apt is asked again next time.
		}
		return packageName;
	}

	private static String resolveMetapackage(String metapackage) {
		HostCommand.Result result = HostCommand.run(List.of("apt-cache", "depends", metapackage), null,
				Duration.ofMinutes(1));
		Matcher depends = DEPENDS.matcher(result.output());
		if (!result.succeeded() || !depends.find()) {
			throw new TestGuestException(
					"apt does not know " + metapackage + " (apt-cache said: " + result.output().strip()
							+ "). Run `apt-get update` once as root (dev/setup does), " + howToSetKernel());
		}
		return depends.group(1);
	}

	private static void download(String packageName, Path kernels, Path tree) {
		logger.log(System.Logger.Level.INFO, "Fetching {0} for the test guest into {1}", packageName, tree);
		Path work = GuestCache.temporaryDirectory(kernels, packageName);
		try {
			HostCommand.Result fetched = HostCommand.run(List.of("apt-get", "download", packageName), work,
					Duration.ofMinutes(10));
			if (!fetched.succeeded()) {
				String hint = fetched.output().contains("Unable to locate package")
						|| fetched.output().contains("Can't select") || fetched.output().contains("404")
								? "Its package lists look stale: run `apt-get update` once as root (dev/setup does), "
								: "";
				throw new TestGuestException("`apt-get download " + packageName + "` failed: "
						+ fetched.output().strip() + ". " + hint + howToSetKernel());
			}
			Path deb = debIn(work, packageName);
			Path unpacked = work.resolve("tree");
			HostCommand.Result extracted = HostCommand.run(List.of("dpkg", "-x", deb.toString(), unpacked.toString()),
					work, Duration.ofMinutes(5));
			if (!extracted.succeeded()) {
				throw new TestGuestException("`dpkg -x " + deb + "` failed: " + extracted.output().strip());
			}
			kernelIn(unpacked); // fail here, before publishing, if the package has no
								// kernel
			GuestCache.publish(unpacked, tree);
		}
		finally {
			GuestCache.deleteRecursively(work);
		}
	}

	private static Path debIn(Path dir, String packageName) {
		try (Stream<Path> files = Files.list(dir)) {
			return files.filter((p) -> p.getFileName().toString().endsWith(".deb"))
				.findFirst()
				.orElseThrow(() -> new TestGuestException(
						"`apt-get download " + packageName + "` succeeded but left no .deb in " + dir));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The kernel in an unpacked {@code linux-image} package. */
	static GuestKernel kernelIn(Path tree) {
		Path boot = tree.resolve("boot");
		Path image;
		try (Stream<Path> files = Files.exists(boot) ? Files.list(boot) : Stream.empty()) {
			image = files.filter((p) -> p.getFileName().toString().startsWith("vmlinuz-"))
				.findFirst()
				.orElseThrow(() -> new TestGuestException("no boot/vmlinuz-* in " + tree));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		String release = fileNameRelease(image).orElseThrow();
		Optional<Path> modules = Stream
			.of(tree.resolve("lib/modules").resolve(release), tree.resolve("usr/lib/modules").resolve(release))
			.filter(Files::isDirectory)
			.findFirst();
		return new GuestKernel(image, release, modules);
	}

	private static Optional<Path> newestCachedKernel(Path kernels, String metapackage) {
		// the flavour is what follows the version: cloud-amd64, or amd64 alone
		String flavour = metapackage.substring("linux-image-".length());
		try (Stream<Path> dirs = Files.list(kernels)) {
			return dirs.filter((p) -> !p.getFileName().toString().startsWith(GuestCache.TEMP_PREFIX))
				.filter((p) -> p.getFileName().toString().matches("linux-image-[0-9][^-]*-[0-9]+-" + flavour))
				.filter((p) -> Files.isDirectory(p.resolve("boot")))
				.max(Comparator.comparing((Path p) -> p.getFileName().toString(), KernelLocator::compareVersions));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Compares names by their numeric parts first, so that {@code 6.1.0-100} sorts after
	 * {@code 6.1.0-56}.
	 */
	static int compareVersions(String a, String b) {
		String[] as = a.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
		String[] bs = b.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
		for (int i = 0; i < Math.min(as.length, bs.length); i++) {
			int c = (as[i].chars().allMatch(Character::isDigit) && bs[i].chars().allMatch(Character::isDigit))
					? new BigInteger(as[i]).compareTo(new BigInteger(bs[i])) : as[i].compareTo(bs[i]);
			if (c != 0) {
				return c;
			}
		}
		return Integer.compare(as.length, bs.length);
	}

	private static Optional<String> fileNameRelease(Path image) {
		Matcher matcher = VMLINUZ.matcher(image.getFileName().toString());
		return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
	}

	/**
	 * The release a bzImage announces: the x86 boot protocol's setup header ({@code HdrS}
	 * at 0x202) points at a version string, whose first word is what {@code uname -r}
	 * prints.
	 */
	static Optional<String> bzImageRelease(Path image) {
		byte[] head = new byte[64 * 1024];
		int length;
		try (InputStream in = Files.newInputStream(image)) {
			length = in.readNBytes(head, 0, head.length);
		}
		catch (IOException ex) {
			return Optional.empty();
		}
		ByteBuffer buffer = ByteBuffer.wrap(head, 0, length).order(ByteOrder.LITTLE_ENDIAN);
		if (length < 0x210 || buffer.getInt(0x202) != 0x53726448) { // "HdrS"
			return Optional.empty();
		}
		int at = Short.toUnsignedInt(buffer.getShort(0x20E)) + 0x200;
		int end = at;
		while (end < length && head[end] != 0 && head[end] != ' ') {
			end++;
		}
		if (at >= length || end == at || end >= length) {
			return Optional.empty();
		}
		return Optional.of(new String(head, at, end - at, StandardCharsets.US_ASCII));
	}

	private static String howToSetKernel() {
		return "or point -D" + KERNEL_PROPERTY + " (or " + KERNEL_ENV + ") at a bzImage kernel such as "
				+ "/boot/vmlinuz-$(uname -r), with -D" + MODULES_PROPERTY + " (or " + MODULES_ENV
				+ ") at its lib/modules/RELEASE directory.";
	}

}
