package io.github.qemuembed.testsupport.guest;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Builds the test guest's initramfs: a static busybox with its applet links, an
 * {@code /init} script, busybox {@code init} configuration, the ACPI power button handler
 * and the kernel modules the guest loads at boot.
 * <p>
 * The image is written to {@code CACHE/initramfs/initramfs-HASH.cpio.gz}, where
 * {@code HASH} is the SHA-256 of everything that goes into it (so a changed script,
 * busybox or module gives a new image and an unchanged one is reused), through a
 * temporary file renamed into place.
 * <p>
 * Boot sequence: {@code /init} mounts {@code /proc}, {@code /sys}, {@code /dev} and
 * friends, loads the modules in dependency order, runs the caller's extra commands and
 * hands over to busybox {@code init}. That one keeps {@code acpid} running (the power
 * button runs {@code /etc/acpi/PWRF/00000080}, which powers off at once) and a login
 * shell on {@code ttyS0}, whose profile turns terminal echo off and prints the ready
 * marker. With echo off, busybox's shell reads plain lines: no line editing, no echo of
 * what a test types. {@code /sbin/poweroff} is a wrapper that prints the power-off marker
 * before busybox powers off, so every clean power-off announces itself, whether from the
 * button or typed.
 */
final class InitramfsBuilder {

	static final String BUSYBOX_PROPERTY = "qemu.embed.test.busybox";

	static final String BUSYBOX_ENV = "QEMU_EMBED_TEST_BUSYBOX";

	/** Bumped when the layout changes in a way the content hash would not see. */
	private static final String LAYOUT_VERSION = "1";

	private final GuestCache cache;

	InitramfsBuilder(GuestCache cache) {
		this.cache = cache;
	}

	/** Builds (or finds in the cache) the initramfs for this kernel and specification. */
	Path build(GuestKernel kernel, GuestSpec spec) {
		InitramfsTree tree = tree(kernel, spec);
		Path dir = this.cache.directory("initramfs");
		Path image = dir.resolve("initramfs-" + tree.contentHash() + ".cpio.gz");
		if (Files.isRegularFile(image)) {
			return image;
		}
		Path work = GuestCache.temporaryDirectory(dir, "initramfs");
		try {
			Path temporary = work.resolve(image.getFileName());
			try (OutputStream out = Files.newOutputStream(temporary)) {
				tree.writeGzippedCpio(out);
			}
			GuestCache.publish(temporary, image);
			return image;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write the test guest initramfs to " + dir, ex);
		}
		finally {
			GuestCache.deleteRecursively(work);
		}
	}

	InitramfsTree tree(GuestKernel kernel, GuestSpec spec) {
		InitramfsTree tree = new InitramfsTree();
		tree.textFile("etc/qemu-embed/layout-version", 0644, LAYOUT_VERSION + "\n");
		for (String dir : List.of("proc", "sys", "dev", "run", "tmp", "root", "mnt", "var/log", "etc/acpi")) {
			tree.directory(dir);
		}
		tree.symlink("var/run", "/run");
		// The kernel opens /dev/console for init before /init can mount devtmpfs.
		tree.characterDevice("dev/console", 0600, 5, 1);
		tree.characterDevice("dev/null", 0666, 1, 3);

		Path busybox = busybox();
		tree.file("bin/busybox", 0755, readStaticBusybox(busybox));
		tree.textFile("init", 0755, GuestScripts.init(spec));
		tree.textFile("etc/inittab", 0644, GuestScripts.inittab(spec.guestAgent()));
		tree.textFile("etc/profile", 0644, GuestScripts.profile());
		tree.textFile("etc/acpi/PWRF/00000080", 0755, GuestScripts.powerButton());
		tree.textFile("sbin/poweroff", 0755, GuestScripts.poweroff());
		tree.textFile("etc/passwd", 0644, "root:x:0:0:root:/root:/bin/sh\n");
		tree.textFile("etc/group", 0644, "root:x:0:\n");
		tree.textFile("etc/hostname", 0644, spec.hostname() + "\n");
		tree.textFile("etc/qemu-embed/modules", 0644, moduleList(kernel, spec, tree));
		if (spec.guestAgent()) {
			GuestAgentFiles.addTo(tree);
		}
		for (Map.Entry<String, GuestSpec.ExtraFile> extra : spec.extraFiles().entrySet()) {
			tree.file(extra.getKey(), extra.getValue().permissions(), extra.getValue().content());
		}
		for (String applet : applets(busybox)) {
			if (!applet.equals("bin/busybox") && !applet.equals("linuxrc")) {
				tree.symlinkIfAbsent(applet, "/bin/busybox");
			}
		}
		return tree;
	}

	/** Adds the modules to the tree and returns their load order, one name a line. */
	private static String moduleList(GuestKernel kernel, GuestSpec spec, InitramfsTree tree) {
		if (spec.modules().isEmpty()) {
			return "";
		}
		if (kernel.modules().isEmpty()) {
			System.getLogger(InitramfsBuilder.class.getName())
				.log(System.Logger.Level.WARNING,
						"No modules directory for kernel {0} ({1}); the test guest "
								+ "boots without modules {2}. Set -D{3} if they are not built in.",
						kernel.release(), kernel.image(), spec.modules(), KernelLocator.MODULES_PROPERTY);
			return "";
		}
		KernelModules modules = KernelModules.scan(kernel.modules().get());
		StringBuilder order = new StringBuilder();
		for (String module : modules.loadOrder(spec.modules())) {
			tree.file("lib/modules/" + module + ".ko", 0644, modules.content(module));
			order.append(module).append('\n');
		}
		return order.toString();
	}

	static Path busybox() {
		String configured = Settings.get(BUSYBOX_PROPERTY, BUSYBOX_ENV);
		if (configured != null) {
			Path path = Path.of(configured);
			if (!Files.isRegularFile(path)) {
				throw new TestGuestException(
						"busybox " + path + " (from -D" + BUSYBOX_PROPERTY + " or " + BUSYBOX_ENV + ") is not a file");
			}
			return path;
		}
		Optional<Path> found = Stream.of(Path.of("/bin/busybox"), Path.of("/usr/bin/busybox"))
			.filter(Files::isRegularFile)
			.findFirst();
		return found.orElseThrow(() -> new TestGuestException("the test guest needs a statically linked busybox: "
				+ "install it with `apt-get install busybox-static` (dev/setup does), or point -D" + BUSYBOX_PROPERTY
				+ " (or " + BUSYBOX_ENV + ") at one"));
	}

	private static byte[] readStaticBusybox(Path busybox) {
		byte[] content;
		try {
			content = Files.readAllBytes(busybox);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + busybox, ex);
		}
		if (ElfFile.parse(content, busybox.toString()).isDynamicallyLinked()) {
			throw new TestGuestException(busybox + " is dynamically linked and cannot run alone in the guest: "
					+ "install `busybox-static` instead of `busybox` (apt-get install busybox-static), or point -D"
					+ BUSYBOX_PROPERTY + " at a static one");
		}
		return content;
	}

	/**
	 * The applets this busybox provides, as paths such as {@code bin/sh} and
	 * {@code sbin/acpid}.
	 */
	private static List<String> applets(Path busybox) {
		HostCommand.Result result = HostCommand.run(List.of(busybox.toString(), "--list-full"), null,
				Duration.ofSeconds(30));
		if (!result.succeeded()) {
			throw new TestGuestException("`" + busybox + " --list-full` failed: " + result.output().strip());
		}
		List<String> applets = result.output().lines().map(String::strip).filter((l) -> !l.isEmpty()).toList();
		for (String needed : List.of("bin/sh", "sbin/init", "sbin/acpid", "sbin/insmod", "sbin/poweroff")) {
			if (!applets.contains(needed)) {
				throw new TestGuestException(busybox + " has no " + needed + " applet, which the test guest needs");
			}
		}
		return applets;
	}

}
