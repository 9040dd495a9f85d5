package io.github.qemuembed.testsupport.guest;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.qemuembed.driver.error.ErrorCode;

/**
 * Builds the Debian guest image into the cache, once: {@code mmdebstrap} into a directory
 * (as root), the kernel and initrd copied out of its {@code /boot}, {@code mkfs.ext4 -d}
 * to make a file system image of the directory without mounting anything, and
 * {@code qemu-img convert} to qcow2.
 * <p>
 * Everything is made in a temporary directory next to the entry and renamed into place at
 * the end, so an interrupted build leaves no entry that looks complete. A lock file keeps
 * two JVMs from building the same entry at once (the second waits, then finds the entry);
 * whoever holds the lock removes what killed builds left behind.
 */
final class DebianImageBuilder {

	static final String DISK = "disk.qcow2";

	static final String KERNEL = "vmlinuz";

	static final String INITRD = "initrd.img";

	static final String MANIFEST = "manifest.txt";

	private static final Duration MMDEBSTRAP_TIMEOUT = Duration.ofMinutes(30);

	private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(5);

	private static final long MIN_DISK_BYTES = 2L * 1024 * 1024 * 1024;

	private static final Pattern UNREACHABLE = Pattern
		.compile("Temporary failure resolving|Could not resolve|Failed to fetch|Unable to connect|Could not connect|"
				+ "Connection refused|Connection timed out|No route to host|does not have a Release file|"
				+ "Network is unreachable");

	private static final System.Logger logger = System.getLogger(DebianImageBuilder.class.getName());

	/** FileChannel locks belong to the process: threads of one JVM queue here first. */
	private static final Object jvmLock = new Object();

	private final Path directory;

	private final DebianImageRecipe recipe;

	private final String path;

	private BuildProgress.Step reported;

	DebianImageBuilder(Path directory, DebianImageRecipe recipe, String path) {
		this.directory = directory;
		this.recipe = recipe;
		this.path = path;
	}

	/** The complete cache entry: built now, or found from an earlier build. */
	Path obtain() {
		Path entry = this.directory.resolve(this.recipe.entryName());
		if (isComplete(entry)) {
			return entry;
		}
		synchronized (jvmLock) {
			Path lockFile = this.directory.resolve(".lock-" + this.recipe.entryName());
			try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
					StandardOpenOption.WRITE)) {
				try (FileLock lock = acquire(channel, lockFile)) {
					if (isComplete(entry)) {
						return entry;
					}
					removeAbandoned();
					build(entry);
					return entry;
				}
			}
			catch (IOException ex) {
				throw new DebianImageException(ErrorCode.SYSTEM_ERROR, "cannot lock " + lockFile + " ("
						+ ex.getMessage() + "); set -D" + GuestCache.CACHE_PROPERTY + " to a writable local directory",
						ex);
			}
		}
	}

	private static FileLock acquire(FileChannel channel, Path lockFile) throws IOException {
		FileLock lock = channel.tryLock();
		if (lock == null) {
			logger.log(System.Logger.Level.INFO,
					"Debian guest image: another process is building it (lock {0}); waiting", lockFile);
			lock = channel.lock();
		}
		return lock;
	}

	static boolean isComplete(Path entry) {
		return Files.isRegularFile(entry.resolve(DISK)) && Files.isRegularFile(entry.resolve(KERNEL))
				&& Files.isRegularFile(entry.resolve(INITRD)) && Files.isRegularFile(entry.resolve(MANIFEST));
	}

	/**
	 * Temporaries of this entry left by builds that were killed: nobody else can be
	 * writing them while the lock is held.
	 */
	void removeAbandoned() {
		String prefix = GuestCache.TEMP_PREFIX + this.recipe.entryName() + "-";
		List<Path> abandoned;
		try (Stream<Path> list = Files.list(this.directory)) {
			abandoned = list.filter((p) -> p.getFileName().toString().startsWith(prefix)).toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot list " + this.directory, ex);
		}
		for (Path leftover : abandoned) {
			logger.log(System.Logger.Level.INFO, "Debian guest image: removing {0}, left by an interrupted build",
					leftover);
			MountTable.deleteTree(leftover);
		}
	}

	private void build(Path entry) {
		String mmdebstrap = tool("mmdebstrap", "mmdebstrap");
		String mkfs = tool("mkfs.ext4", "e2fsprogs");
		String qemuImg = tool("qemu-img", "qemu-utils");
		requireRoot();
		long started = System.nanoTime();
		Path temp;
		try {
			temp = Files.createTempDirectory(this.directory, GuestCache.TEMP_PREFIX + this.recipe.entryName() + "-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create a temporary directory in " + this.directory, ex);
		}
		logger.log(System.Logger.Level.INFO,
				"Debian guest image: building {0} from {1} into {2} (packages {3}; takes minutes once, then cached)",
				this.recipe.entryName(), this.recipe.mirror(), entry, String.join(",", this.recipe.packages()));
		BuildProgress progress = new BuildProgress();
		try {
			Path tree = temp.resolve("rootfs");
			runMmdebstrap(mmdebstrap, tree, progress);
			String release = copyBootFiles(tree, temp);
			report(progress.enter(BuildProgress.Phase.FILESYSTEM));
			Path raw = temp.resolve("disk.raw");
			runTool(List.of(mkfs, "-q", "-F", "-L", "debian-root", "-d", tree.toString(), raw.toString(),
					(diskBytes(tree) / 1024) + "k"), "mkfs.ext4");
			MountTable.deleteTree(tree);
			report(progress.enter(BuildProgress.Phase.QCOW2));
			runTool(List.of(qemuImg, "convert", "-f", "raw", "-O", "qcow2", raw.toString(),
					temp.resolve(DISK).toString()), "qemu-img convert");
			Files.delete(raw);
			Files.writeString(temp.resolve(MANIFEST),
					"suite " + DebianImageRecipe.SUITE + "\nkernel " + release + "\nmirror " + this.recipe.mirror()
							+ "\npackages " + String.join(" ", this.recipe.packages()) + "\nbuilder "
							+ DebianImageRecipe.BUILDER_VERSION + "\n");
			// a temporary directory is private to its maker; the entry is read by any
			// user
			Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
			GuestCache.publish(temp, entry);
		}
		catch (IOException ex) {
			MountTable.deleteTree(temp);
			throw new DebianImageException(ErrorCode.SYSTEM_ERROR,
					"cannot build the Debian guest image in " + temp + ": " + ex.getMessage(), ex);
		}
		catch (RuntimeException ex) {
			MountTable.deleteTree(temp);
			throw ex;
		}
		logger.log(System.Logger.Level.INFO, "Debian guest image: 100% done in {0} s: {1}",
				Duration.ofNanos(System.nanoTime() - started).toSeconds(), entry.resolve(DISK));
	}

	private void runMmdebstrap(String mmdebstrap, Path tree, BuildProgress progress) {
		List<String> command = new ArrayList<>();
		// mmdebstrap unmounts what it mounted in the tree when it gets SIGTERM: it gets
		// one
		// if this JVM dies while it runs
		command.addAll(List.of("setpriv", "--pdeathsig", "TERM", "--"));
		command.addAll(this.recipe.mmdebstrapCommand(mmdebstrap, tree));
		report(progress.current());
		Deque<String> tail = new ArrayDeque<>();
		int exit = runStreaming("mmdebstrap", command, MMDEBSTRAP_TIMEOUT, (line) -> {
			if (tail.size() == 40) {
				tail.removeFirst();
			}
			tail.addLast(line);
			progress.line(line).ifPresent(this::report);
		});
		if (exit != 0) {
			String output = String.join("\n", tail);
			Optional<String> network = tail.stream().filter((l) -> UNREACHABLE.matcher(l).find()).findFirst();
			if (network.isPresent()) {
				throw new DebianImageException(ErrorCode.NO_CONNECT,
						"the Debian mirror " + this.recipe.mirror() + " cannot be reached (" + network.get().strip()
								+ "): check the network and proxy, or set -D" + DebianGuest.MIRROR_PROPERTY + " / "
								+ DebianGuest.MIRROR_ENV + " to a mirror this machine reaches. mmdebstrap said:\n"
								+ output);
			}
			throw new DebianImageException(ErrorCode.OPERATION_FAILED, "mmdebstrap failed (exit " + exit
					+ ") building the Debian guest image; its last lines:\n" + output);
		}
	}

	private static int runStreaming(String what, List<String> command, Duration timeout, Consumer<String> lines) {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
		builder.environment().put("LC_ALL", "C");
		builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException ex) {
			throw new DebianImageException(ErrorCode.NO_SUPPORT, "cannot run " + what + " (" + ex.getMessage() + ")",
					ex);
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				lines.accept(line);
				if (System.nanoTime() > deadline) {
					break;
				}
			}
			long left = Math.max(1, deadline - System.nanoTime());
			if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
				stop(process);
				throw new DebianImageException(ErrorCode.OPERATION_TIMEOUT,
						what + " did not finish within " + timeout.toMinutes() + " minutes");
			}
			return process.exitValue();
		}
		catch (IOException ex) {
			stop(process);
			throw new UncheckedIOException("cannot read the output of " + what, ex);
		}
		catch (InterruptedException ex) {
			stop(process);
			Thread.currentThread().interrupt();
			throw new DebianImageException(ErrorCode.OPERATION_FAILED, "interrupted while building the Debian image",
					ex);
		}
	}

	/** SIGTERM first: mmdebstrap then unmounts what it mounted before it exits. */
	private static void stop(Process process) {
		process.destroy();
		try {
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	private static void runTool(List<String> command, String what) {
		HostCommand.Result result = HostCommand.run(command, null, TOOL_TIMEOUT);
		if (!result.succeeded()) {
			throw new DebianImageException(ErrorCode.OPERATION_FAILED, what + " failed (exit " + result.exitCode()
					+ ") making the Debian guest image: " + result.output().strip());
		}
	}

	/**
	 * The kernel and initrd the image's own packages installed: the kernel has to match
	 * the modules in the image's {@code /usr/lib/modules}, which udev loads at boot.
	 */
	private static String copyBootFiles(Path tree, Path temp) throws IOException {
		Path boot = tree.resolve("boot");
		Path kernel;
		try (Stream<Path> files = Files.list(boot)) {
			kernel = files.filter((p) -> p.getFileName().toString().startsWith("vmlinuz-"))
				.sorted()
				.reduce((a, b) -> b)
				.orElseThrow(() -> new DebianImageException(ErrorCode.OPERATION_FAILED,
						"the Debian image has no kernel in /boot: is linux-image-cloud-amd64 in the package list?"));
		}
		String release = kernel.getFileName().toString().substring("vmlinuz-".length());
		Path initrd = boot.resolve("initrd.img-" + release);
		if (!Files.isRegularFile(initrd)) {
			throw new DebianImageException(ErrorCode.OPERATION_FAILED, "the Debian image has no " + initrd.getFileName()
					+ " in /boot: is initramfs-tools in the package list?");
		}
		Files.copy(kernel, temp.resolve(KERNEL), StandardCopyOption.COPY_ATTRIBUTES);
		Files.copy(initrd, temp.resolve(INITRD), StandardCopyOption.COPY_ATTRIBUTES);
		return release;
	}

	/**
	 * Room for the files and half as much again for what the guest writes (logs, keys,
	 * test files), at least 2 GiB. The qcow2 stores only what is used.
	 */
	static long diskBytes(Path tree) throws IOException {
		long[] used = new long[1];
		Files.walkFileTree(tree, new SimpleFileVisitor<>() {
			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
				used[0] += ((attrs.size() + 4095) / 4096) * 4096;
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
				used[0] += 4096;
				return FileVisitResult.CONTINUE;
			}
		});
		long wanted = used[0] + used[0] / 2 + 256L * 1024 * 1024;
		long mib = 1024L * 1024;
		return Math.max(MIN_DISK_BYTES, (wanted + mib - 1) / mib * mib);
	}

	/**
	 * Each phase, and every 5% within one: a line every few seconds, not one per package.
	 */
	private void report(BuildProgress.Step step) {
		if (this.reported != null && step.phase() == this.reported.phase()
				&& step.percent() < this.reported.percent() + 5) {
			return;
		}
		this.reported = step;
		logger.log(System.Logger.Level.INFO, "Debian guest image: {0}", step);
	}

	/**
	 * The tool's path on {@code PATH}, or a typed error naming the package to install.
	 */
	String tool(String name, String debianPackage) {
		for (String dir : this.path.split(":")) {
			if (dir.isEmpty()) {
				continue;
			}
			Path candidate = Path.of(dir, name);
			if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
				return candidate.toString();
			}
		}
		throw new DebianImageException(ErrorCode.NO_SUPPORT,
				name + " is not installed (not found on PATH " + this.path + "); the Debian guest image needs it: run"
						+ " 'apt-get install -y --no-install-recommends " + debianPackage
						+ "' as root (dev/setup installs it)");
	}

	private static void requireRoot() {
		Object uid;
		try {
			uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
		}
		catch (IOException | UnsupportedOperationException ex) {
			uid = -1;
		}
		if (!Integer.valueOf(0).equals(uid)) {
			throw new DebianImageException(ErrorCode.OPERATION_DENIED,
					"building the Debian guest image needs root (mmdebstrap --mode=root installs packages as root, and"
							+ " mkfs.ext4 -d copies the files' owners); run the tests as root");
		}
	}

}
