package io.github.qemuembed.testsupport.guest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.github.qemuembed.driver.error.ErrorCode;

/**
 * A small Debian 12 (bookworm) guest with systemd, cloud-init, the QEMU guest agent and
 * OpenSSH, built from Debian packages with {@code mmdebstrap} and cached: a service VM
 * for tests that need a real distribution rather than the busybox {@link TestGuest}.
 * <pre>{@code
 * DebianGuest debian = DebianGuest.standard();          // built once (minutes), then cached
 * Path disk = debian.overlay(temp.resolve("vm.qcow2"));  // the cached image stays untouched
 * String xml = debian.domain("vm").disk(disk).cloudInitSeed(seedIso).forward(0, 22).toXml();
 * }</pre> The guest boots directly from the kernel and initrd of the image's own
 * {@code linux-image-cloud-amd64} (copied out of its {@code /boot}: they match the
 * modules in the image) with its root file system on the virtio disk {@code vda}; the
 * image has no partition table and no boot loader.
 * <p>
 * The image lives in {@code CACHE/debian/debian-bookworm-KEY/} (the cache of
 * {@link TestGuest}: {@code ~/.cache/qemu-embed} unless {@code -Dqemu.embed.cache.dir} or
 * {@code QEMU_EMBED_CACHE_DIR} says otherwise), keyed by the package list and the
 * builder's version. Packages come from {@value DebianImageRecipe#DEFAULT_MIRROR}, or the
 * mirror named by {@value #MIRROR_PROPERTY} / {@value #MIRROR_ENV}. Building needs root
 * and {@code mmdebstrap}, {@code mkfs.ext4} and {@code qemu-img}; failures are
 * {@link DebianImageException}s that say what to install or set.
 */
public final class DebianGuest {

	public static final String MIRROR_PROPERTY = "qemu.embed.debian.mirror";

	public static final String MIRROR_ENV = "QEMU_EMBED_DEBIAN_MIRROR";

	/**
	 * The root file system on the virtio disk, and the console on the first serial port.
	 */
	public static final String DEFAULT_KERNEL_ARGUMENTS = "root=/dev/vda rw console=ttyS0";

	private static final Map<List<String>, DebianGuest> built = new HashMap<>();

	private final Path entry;

	private final List<String> packages;

	private DebianGuest(Path entry, List<String> packages) {
		this.entry = entry;
		this.packages = packages;
	}

	/**
	 * The guest with the standard packages (systemd, cloud-init, qemu-guest-agent,
	 * openssh-server, the cloud kernel, ...), built on first use or taken from the cache.
	 */
	public static DebianGuest standard() {
		return withExtraPackages();
	}

	/**
	 * The standard guest plus more packages (a different image, with its own cache
	 * entry).
	 */
	public static DebianGuest withExtraPackages(String... extra) {
		List<String> packages = new ArrayList<>(DebianImageRecipe.DEFAULT_PACKAGES);
		packages.addAll(List.of(extra));
		String mirror = Settings.get(MIRROR_PROPERTY, MIRROR_ENV);
		DebianImageRecipe recipe = new DebianImageRecipe(packages,
				(mirror != null) ? mirror : DebianImageRecipe.DEFAULT_MIRROR);
		synchronized (built) {
			DebianGuest guest = built.get(recipe.packages());
			if (guest == null) {
				Path directory = GuestCache.standard().directory("debian");
				String path = Objects.requireNonNullElse(System.getenv("PATH"), "/usr/sbin:/usr/bin:/sbin:/bin");
				Path entry = new DebianImageBuilder(directory, recipe, path).obtain();
				guest = new DebianGuest(entry, recipe.packages());
				built.put(recipe.packages(), guest);
			}
			return guest;
		}
	}

	/**
	 * The qcow2 image. Use it through an {@link #overlay(Path) overlay}: it is shared.
	 */
	public Path image() {
		return this.entry.resolve(DebianImageBuilder.DISK);
	}

	/** The image's kernel ({@code vmlinuz}). */
	public Path kernel() {
		return this.entry.resolve(DebianImageBuilder.KERNEL);
	}

	/** The image's initrd. */
	public Path initrd() {
		return this.entry.resolve(DebianImageBuilder.INITRD);
	}

	/** The packages asked for (their dependencies come too), sorted. */
	public List<String> packages() {
		return this.packages;
	}

	/** The kernel command line with {@code extra} appended. */
	public String kernelCommandLine(String extra) {
		return (extra == null || extra.isBlank()) ? DEFAULT_KERNEL_ARGUMENTS : DEFAULT_KERNEL_ARGUMENTS + " " + extra;
	}

	/**
	 * Creates a qcow2 overlay at {@code file} whose backing file is the cached image: the
	 * guest writes there, and the image stays as built. Delete the overlay when done.
	 */
	public Path overlay(Path file) {
		if (Files.exists(file)) {
			throw new DebianImageException(ErrorCode.OPERATION_INVALID,
					"the overlay " + file + " exists already; give a new path (a guest's disk holds its state)");
		}
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create the directory of " + file, ex);
		}
		HostCommand.Result result = HostCommand.run(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-b",
				image().toString(), "-F", "qcow2", file.toString()), null, Duration.ofMinutes(1));
		if (!result.succeeded()) {
			throw new DebianImageException(ErrorCode.OPERATION_FAILED,
					"qemu-img create of the overlay " + file + " failed: " + result.output().strip());
		}
		return file;
	}

	/** Domain XML for this guest (see {@link DebianGuestDomain}). */
	public DebianGuestDomain domain(String name) {
		return new DebianGuestDomain(this, name);
	}

	@Override
	public String toString() {
		return "DebianGuest[" + this.entry + "]";
	}

}
