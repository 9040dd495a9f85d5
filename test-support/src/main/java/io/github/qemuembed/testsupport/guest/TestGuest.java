package io.github.qemuembed.testsupport.guest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A tiny Linux guest for tests: Debian's cloud kernel and an initramfs with a static
 * busybox, built on the host in Java and cached, ready to boot with QEMU under TCG in a
 * few seconds.
 * <p>
 * The guest prints {@value #READY_MARKER} on its serial console ({@code ttyS0}) once a
 * shell is reading there; the shell runs commands typed on the console (echo is off, so
 * the console shows only the prompt {@code "# "} and what commands print; see
 * {@link io.github.qemuembed.testsupport.console.GuestConsole}). On the ACPI power button
 * it prints {@value #POWEROFF_MARKER} and powers off at once, so QEMU exits by itself.
 * <pre>{@code
 * TestGuest guest = TestGuest.standard();
 * String xml = guest.domain("vm1").memoryMiB(128).toXml();
 * }</pre> The kernel comes from {@code -Dqemu.embed.test.kernel} /
 * {@code QEMU_EMBED_TEST_KERNEL} if set, otherwise from the Debian package
 * {@code linux-image-cloud-amd64} fetched with {@code apt-get download} into the cache
 * ({@code ~/.cache/qemu-embed}, or {@code -Dqemu.embed.cache.dir} /
 * {@code QEMU_EMBED_CACHE_DIR}). busybox comes from {@code /bin/busybox}
 * ({@code apt-get install busybox-static}) or {@code -Dqemu.embed.test.busybox}.
 * <p>
 * Instances are immutable and thread-safe; building the same guest twice in one JVM
 * returns the same files, and several JVMs may build into one cache at once.
 */
public final class TestGuest {

	/** Printed on the serial console when the shell is ready for commands. */
	public static final String READY_MARKER = "QEMU-EMBED-GUEST-READY";

	/** Printed on the serial console when the guest powers off cleanly. */
	public static final String POWEROFF_MARKER = "QEMU-EMBED-GUEST-POWEROFF";

	/**
	 * Modules loaded by default: the ACPI power button and the event device {@code acpid}
	 * reads, and the virtio drivers later tests use (PCI transport, block, SCSI, network,
	 * console, entropy, balloon, vsock), and the pvpanic drivers that report a kernel
	 * panic to QEMU ({@code pvpanic_mmio} binds the ACPI {@code QEMU0001} device of
	 * {@code <panic model='isa'/>}, {@code pvpanic_pci} the
	 * {@code <panic model='pvpanic'/>} device), and the SCSI CD-ROM and ISO 9660 drivers
	 * that read a cloud-init seed on a virtio-scsi CD-ROM.
	 */
	public static final List<String> DEFAULT_MODULES = List.of("button", "evdev", "virtio_pci", "virtio_blk",
			"virtio_scsi", "sd_mod", "virtio_net", "virtio_console", "virtio_rng", "virtio_balloon",
			"vmw_vsock_virtio_transport", "pvpanic_mmio", "pvpanic_pci", "sr_mod", "isofs");

	/**
	 * The kernel command line: the console on the first serial port, and quiet so that
	 * boot is fast and the console carries little but what tests ask for. ACPI stays on
	 * (the power button needs it).
	 */
	public static final String DEFAULT_KERNEL_ARGUMENTS = "console=ttyS0 quiet loglevel=3";

	private static final Object buildLock = new Object();

	private static final Map<List<Object>, TestGuest> built = new HashMap<>();

	private static final Map<List<Object>, GuestKernel> kernels = new HashMap<>();

	private final GuestKernel kernel;

	private final Path initramfs;

	private TestGuest(GuestKernel kernel, Path initramfs) {
		this.kernel = kernel;
		this.initramfs = initramfs;
	}

	/** The guest with default settings, built (or taken from the cache) on first use. */
	public static TestGuest standard() {
		return builder().build();
	}

	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The kernel image ({@code vmlinuz}), for QEMU's {@code -kernel} or libvirt's
	 * {@code <kernel>}.
	 */
	public Path kernel() {
		return this.kernel.image();
	}

	GuestKernel guestKernel() {
		return this.kernel;
	}

	/** The kernel's release, as {@code uname -r} prints it in the guest. */
	public String kernelRelease() {
		return this.kernel.release();
	}

	/**
	 * The initramfs ({@code .cpio.gz}), for QEMU's {@code -initrd} or libvirt's
	 * {@code <initrd>}.
	 */
	public Path initramfs() {
		return this.initramfs;
	}

	/**
	 * {@link #DEFAULT_KERNEL_ARGUMENTS}, followed by {@code extra} if it is not blank.
	 */
	public String kernelCommandLine(String extra) {
		return (extra == null || extra.isBlank()) ? DEFAULT_KERNEL_ARGUMENTS
				: DEFAULT_KERNEL_ARGUMENTS + " " + extra.strip();
	}

	/**
	 * {@code -kernel}, {@code -initrd} and {@code -append} arguments for a plain QEMU
	 * command line.
	 */
	public List<String> qemuBootArguments(String extraKernelArguments) {
		return List.of("-kernel", kernel().toString(), "-initrd", initramfs().toString(), "-append",
				kernelCommandLine(extraKernelArguments));
	}

	/** Starts libvirt domain XML for this guest, named {@code name}. */
	public TestGuestDomain domain(String name) {
		return new TestGuestDomain(this, name);
	}

	@Override
	public String toString() {
		return "TestGuest[kernel=" + kernel() + ", initramfs=" + this.initramfs + "]";
	}

	/**
	 * Builds a {@link TestGuest}; what it adds changes the initramfs (and so its cache
	 * key).
	 */
	public static final class Builder {

		private final List<String> modules = new ArrayList<>(DEFAULT_MODULES);

		private final Map<String, GuestSpec.ExtraFile> files = new LinkedHashMap<>();

		private final StringBuilder initCommands = new StringBuilder();

		private String hostname = "qemu-embed-guest";

		private boolean guestAgent;

		private Path cacheDirectory;

		private String kernelPackage = KernelLocator.METAPACKAGE;

		private Builder() {
		}

		/**
		 * Boots Debian's full kernel ({@code linux-image-amd64}, about 70 MB, fetched
		 * once) instead of the cloud kernel: it has the USB drivers the cloud kernel is
		 * built without (the xHCI host controller, USB storage), which
		 * {@link #usbStorage()} loads. A kernel named with
		 * {@code -Dqemu.embed.test.kernel} is used instead, as always.
		 */
		public Builder fullKernel() {
			this.kernelPackage = KernelLocator.FULL_METAPACKAGE;
			return this;
		}

		/**
		 * The full kernel ({@link #fullKernel()}) with its xHCI and USB storage modules
		 * loaded at boot: the guest sees a disk on a {@code qemu-xhci} controller as
		 * {@code /dev/sdX}.
		 */
		public Builder usbStorage() {
			return fullKernel().addModules("xhci_pci", "usb_storage");
		}

		/**
		 * Replaces the modules to load (see {@link TestGuest#DEFAULT_MODULES});
		 * dependencies are added.
		 */
		public Builder modules(List<String> modules) {
			this.modules.clear();
			this.modules.addAll(modules);
			return this;
		}

		/** Loads these modules too (for example {@code "9pnet_virtio"}). */
		public Builder addModules(String... modules) {
			this.modules.addAll(List.of(modules));
			return this;
		}

		/** Adds a file at {@code path} (absolute, in the guest). */
		public Builder file(String path, int permissions, byte[] content) {
			if (!path.startsWith("/")) {
				throw new IllegalArgumentException("guest paths are absolute: " + path);
			}
			this.files.put(path, new GuestSpec.ExtraFile(permissions, content));
			return this;
		}

		/** Adds a text file (UTF-8) at {@code path}. */
		public Builder file(String path, int permissions, String content) {
			return file(path, permissions, content.getBytes(StandardCharsets.UTF_8));
		}

		/**
		 * Shell commands that {@code /init} runs as root once modules are loaded, before
		 * the console shell starts.
		 */
		public Builder initCommands(String commands) {
			this.initCommands.append(commands);
			if (!commands.endsWith("\n")) {
				this.initCommands.append('\n');
			}
			return this;
		}

		public Builder hostname(String hostname) {
			if (!hostname.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,62}")) {
				throw new IllegalArgumentException("not a host name: " + hostname);
			}
			this.hostname = hostname;
			return this;
		}

		/**
		 * Adds the QEMU guest agent ({@code qemu-ga} from the host's
		 * {@code qemu-guest-agent} package, with its libraries), started at boot on the
		 * {@code org.qemu.guest_agent.0} port when the domain has that channel (see
		 * {@link TestGuestDomain#guestAgentChannel()}). Its log is
		 * {@code /var/log/qemu-ga.log} in the guest.
		 */
		public Builder guestAgent() {
			this.guestAgent = true;
			return this;
		}

		/**
		 * Where kernels and images are cached; defaults as described on
		 * {@link TestGuest}.
		 */
		public Builder cacheDirectory(Path cacheDirectory) {
			this.cacheDirectory = Objects.requireNonNull(cacheDirectory, "cacheDirectory");
			return this;
		}

		/**
		 * Locates the kernel and builds the initramfs, or finds both in the cache.
		 * @throws TestGuestException when the kernel or busybox is missing; the message
		 * says what to install
		 */
		public TestGuest build() {
			GuestSpec spec = new GuestSpec(this.modules, this.files, this.initCommands.toString(), this.hostname,
					this.guestAgent);
			GuestCache cache = (this.cacheDirectory != null) ? new GuestCache(this.cacheDirectory)
					: GuestCache.standard();
			List<Object> kernelKey = List.of(cache.root(), this.kernelPackage,
					String.valueOf(Settings.get(KernelLocator.KERNEL_PROPERTY, KernelLocator.KERNEL_ENV)),
					String.valueOf(Settings.get(KernelLocator.MODULES_PROPERTY, KernelLocator.MODULES_ENV)));
			List<Object> guestKey = List.of(kernelKey, spec,
					String.valueOf(Settings.get(InitramfsBuilder.BUSYBOX_PROPERTY, InitramfsBuilder.BUSYBOX_ENV)),
					String.valueOf(Settings.get(GuestAgentFiles.QEMU_GA_PROPERTY, GuestAgentFiles.QEMU_GA_ENV)));
			// One build at a time in this JVM: builds are rare and mostly cache hits;
			// other JVMs are
			// kept apart by the cache's atomic renames.
			synchronized (buildLock) {
				TestGuest guest = built.get(guestKey);
				if (guest == null || !Files.isRegularFile(guest.initramfs()) || !Files.isRegularFile(guest.kernel())) {
					// First build, or someone emptied the cache since: look again.
					kernels.remove(kernelKey);
					GuestKernel kernel = kernels.computeIfAbsent(kernelKey,
							(key) -> new KernelLocator(cache, this.kernelPackage).locate());
					guest = new TestGuest(kernel, new InitramfsBuilder(cache).build(kernel, spec));
					built.put(guestKey, guest);
				}
				return guest;
			}
		}

	}

}
