package io.github.qemuembed.testsupport.guest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What goes into the Debian guest image and how {@code mmdebstrap} is asked for it: the
 * suite, the packages, and the files the image gets besides them. A pure value: the cache
 * key and the command line follow from it alone.
 */
final class DebianImageRecipe {

	/**
	 * Changes whenever the way the image is made changes (hooks, configuration files,
	 * file system layout), so that an image made the old way is never reused.
	 */
	static final int BUILDER_VERSION = 2;

	static final String SUITE = "bookworm";

	static final String DEFAULT_MIRROR = "http://deb.debian.org/debian";

	/**
	 * The packages asked for on top of the {@code minbase} variant (essential packages
	 * and apt). Recommends are not installed; {@code iproute2} is what cloud-init's
	 * networkd renderer looks for, {@code sudo} lets a cloud-init user act as root,
	 * {@code initramfs-tools} makes the initrd the kernel boots with.
	 */
	static final List<String> DEFAULT_PACKAGES = List.of("systemd", "systemd-sysv", "udev", "dbus", "cloud-init",
			"qemu-guest-agent", "openssh-server", "linux-image-cloud-amd64", "initramfs-tools", "iproute2", "netbase",
			"sudo");

	/**
	 * Documentation, manual pages and translations: never read in a test guest, a fifth
	 * of the unpacked size. Copyright files stay (Debian asks for them).
	 */
	static final List<String> DPKG_PATH_OPTIONS = List.of("path-exclude=/usr/share/man/*",
			"path-exclude=/usr/share/doc/*", "path-include=/usr/share/doc/*/copyright",
			"path-exclude=/usr/share/info/*", "path-exclude=/usr/share/locale/*",
			"path-include=/usr/share/locale/locale.alias", "path-exclude=/usr/share/lintian/*");

	/**
	 * Modules the initrd carries: enough to find the root file system on a virtio disk.
	 * {@code MODULES=list} keeps the initrd at a few MB and its generation in seconds
	 * (the default, {@code most}, takes every storage driver).
	 */
	static final List<String> INITRD_MODULES = List.of("virtio_pci", "virtio_blk", "ext4");

	/**
	 * cloud-init only looks for a NoCloud seed (the default list probes cloud metadata
	 * services, each a network timeout); no locale generation (slow under TCG, and the
	 * image has C.UTF-8); SSH host keys of two fast types only (RSA generation is slow
	 * under TCG; ECDSA for clients without Ed25519, such as Apache MINA SSHD without an
	 * EdDSA provider); no boot loader in the image to configure.
	 */
	static final String CLOUD_CFG = """
			datasource_list: [ NoCloud, None ]
			locale: false
			ssh_genkeytypes: [ ed25519, ecdsa ]
			grub_dpkg:
			  enabled: false
			""";

	/**
	 * DHCP on the first Ethernet NIC, whatever cloud-init writes: the image has a network
	 * even without a seed.
	 */
	static final String NETWORKD_DHCP = """
			[Match]
			Name=en* eth*

			[Network]
			DHCP=yes
			""";

	/**
	 * Timers that would wake apt or scrub file systems in the middle of a test, and the
	 * VGA console's getty (the guest has only a serial console).
	 */
	static final List<String> MASKED_UNITS = List.of("apt-daily.timer", "apt-daily-upgrade.timer", "e2scrub_all.timer",
			"e2scrub_reap.service", "fstrim.timer", "getty@tty1.service");

	private final List<String> packages;

	private final String mirror;

	DebianImageRecipe(List<String> packages, String mirror) {
		if (packages.isEmpty()) {
			throw new IllegalArgumentException("the Debian image needs at least one package");
		}
		for (String name : packages) {
			if (!name.matches("[a-z0-9][a-z0-9+.-]+")) {
				throw new IllegalArgumentException("'" + name + "' is not a Debian package name");
			}
		}
		this.packages = List.copyOf(new TreeSet<>(packages));
		this.mirror = Objects.requireNonNull(mirror, "mirror");
	}

	static DebianImageRecipe standard(String mirror) {
		return new DebianImageRecipe(DEFAULT_PACKAGES, mirror);
	}

	List<String> packages() {
		return this.packages;
	}

	String mirror() {
		return this.mirror;
	}

	/**
	 * The cache key: the builder version, the suite and the sorted package list. The
	 * mirror is not part of it: any mirror serves the same packages.
	 */
	String cacheKey() {
		String text = "builder " + BUILDER_VERSION + "\nsuite " + SUITE + "\npackages "
				+ String.join(",", this.packages) + "\n";
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every JDK", ex);
		}
	}

	/** The cache entry's directory name. */
	String entryName() {
		return "debian-" + SUITE + "-" + cacheKey();
	}

	/**
	 * The {@code mmdebstrap} command that fills {@code target} (a directory that does not
	 * exist yet). Verbose, so that apt's and dpkg's lines can be followed for progress.
	 */
	List<String> mmdebstrapCommand(String executable, Path target) {
		List<String> command = new ArrayList<>();
		command.add(executable);
		command.add("--verbose");
		command.add("--mode=root");
		command.add("--variant=minbase");
		command.add("--format=directory");
		command.add("--include=" + String.join(",", this.packages));
		command.add("--aptopt=APT::Install-Recommends \"false\"");
		command.add("--aptopt=Acquire::Retries \"3\"");
		// no fsync per file: a half-written tree is thrown away anyway
		command.add("--dpkgopt=force-unsafe-io");
		for (String option : DPKG_PATH_OPTIONS) {
			command.add("--dpkgopt=" + option);
		}
		// before the kernel is installed: its postinst makes the initrd with these
		command.add(
				"--essential-hook=mkdir -p \"$1/etc/initramfs-tools/conf.d\" && printf 'MODULES=list\\nCOMPRESS=gzip\\n'"
						+ " > \"$1/etc/initramfs-tools/conf.d/qemu-embed.conf\" && printf '"
						+ String.join("\\n", INITRD_MODULES) + "\\n' > \"$1/etc/initramfs-tools/modules\"");
		command.add("--customize-hook=" + customizeScript());
		command.add(SUITE);
		command.add(target.toString());
		command.add(this.mirror);
		return command;
	}

	/**
	 * Run on the finished tree: configuration files, networkd on, noisy units masked, the
	 * root file system in fstab, and no machine id (systemd makes one at first boot, so
	 * every guest has its own).
	 */
	private static String customizeScript() {
		StringBuilder script = new StringBuilder();
		script.append("set -e; ");
		script.append("mkdir -p \"$1/etc/cloud/cloud.cfg.d\" \"$1/etc/systemd/network\"; ");
		script.append("printf '%s' '").append(CLOUD_CFG).append("' > \"$1/etc/cloud/cloud.cfg.d/90-qemu-embed.cfg\"; ");
		script.append("printf '%s' '")
			.append(NETWORKD_DHCP)
			.append("' > \"$1/etc/systemd/network/90-qemu-embed-dhcp.network\"; ");
		script.append("printf '/dev/vda / ext4 defaults,errors=remount-ro 0 1\\n' > \"$1/etc/fstab\"; ");
		script.append("chroot \"$1\" systemctl enable systemd-networkd.service; ");
		script.append("chroot \"$1\" systemctl mask ").append(String.join(" ", MASKED_UNITS)).append("; ");
		script.append("printf '' > \"$1/etc/machine-id\"; rm -f \"$1/var/lib/dbus/machine-id\"");
		return script.toString();
	}

}
