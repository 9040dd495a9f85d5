package io.github.qemuembed.testsupport.guest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.github.qemuembed.driver.cloudinit.CloudInitDisk;

/**
 * libvirt domain XML that boots a {@link DebianGuest}: its kernel and initrd directly,
 * the root file system on a qcow2 disk ({@code vda}, normally an
 * {@link DebianGuest#overlay(Path) overlay}), a user-mode NIC with the port forwards
 * asked for, the guest agent's channel, a virtio entropy source and the serial console on
 * a pty.
 * <p>
 * Defaults: 512 MiB (cloud-init is Python), one vCPU, machine {@code q35}, domain type
 * {@code qemu} (TCG: Linux guests hang under nested KVM on the project's machines).
 */
public final class DebianGuestDomain {

	private final DebianGuest guest;

	private final String name;

	private int memoryMiB = 512;

	private int vcpus = 1;

	private String extraKernelArguments = "";

	private Path disk;

	private Path seed;

	private final List<String> forwards = new ArrayList<>();

	private final List<String> extraDevices = new ArrayList<>();

	DebianGuestDomain(DebianGuest guest, String name) {
		this.guest = Objects.requireNonNull(guest, "guest");
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("a domain needs a name");
		}
		this.name = name;
	}

	public DebianGuestDomain memoryMiB(int memoryMiB) {
		if (memoryMiB < 256) {
			throw new IllegalArgumentException(
					"the Debian guest needs at least 256 MiB (systemd and cloud-init), not " + memoryMiB);
		}
		this.memoryMiB = memoryMiB;
		return this;
	}

	public DebianGuestDomain vcpus(int vcpus) {
		if (vcpus < 1) {
			throw new IllegalArgumentException("vcpus must be at least 1");
		}
		this.vcpus = vcpus;
		return this;
	}

	/** Appended to {@link DebianGuest#DEFAULT_KERNEL_ARGUMENTS}. */
	public DebianGuestDomain kernelArguments(String extra) {
		this.extraKernelArguments = Objects.requireNonNull(extra, "extra");
		return this;
	}

	/** The root disk: a qcow2 file, normally from {@link DebianGuest#overlay(Path)}. */
	public DebianGuestDomain disk(Path qcow2) {
		this.disk = Objects.requireNonNull(qcow2, "qcow2");
		return this;
	}

	/**
	 * A cloud-init NoCloud seed image (from
	 * {@link io.github.qemuembed.driver.cloudinit.CloudInitSeed}), attached as a
	 * read-only CD-ROM.
	 */
	public DebianGuestDomain cloudInitSeed(Path iso) {
		this.seed = Objects.requireNonNull(iso, "iso");
		return this;
	}

	/**
	 * Forwards a TCP port on 127.0.0.1 to {@code guestPort}; a {@code hostPort} of 0 lets
	 * the driver choose a free one at each start (it shows in the live XML).
	 */
	public DebianGuestDomain forward(int hostPort, int guestPort) {
		if (hostPort < 0 || hostPort > 65535 || guestPort < 1 || guestPort > 65535) {
			throw new IllegalArgumentException(
					"ports are 1-65535 (0 for a chosen host port): " + hostPort + " -> " + guestPort);
		}
		this.forwards.add("<portForward proto='tcp' address='127.0.0.1'><range start='" + hostPort + "' to='"
				+ guestPort + "'/></portForward>");
		return this;
	}

	/** Adds device XML inside {@code <devices>}, as given. */
	public DebianGuestDomain device(String deviceXml) {
		this.extraDevices.add(Objects.requireNonNull(deviceXml, "deviceXml"));
		return this;
	}

	public String toXml() {
		if (this.disk == null) {
			throw new IllegalStateException("the Debian guest needs its root disk: call disk(guest.overlay(path))");
		}
		List<String> devices = new ArrayList<>();
		devices.add("<disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      <source file='"
				+ DirectBootXml.escape(this.disk.toAbsolutePath().toString())
				+ "'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>");
		StringBuilder nic = new StringBuilder("<interface type='user'>\n      <model type='virtio'/>\n");
		for (String forward : this.forwards) {
			nic.append("      ").append(forward).append('\n');
		}
		devices.add(nic.append("    </interface>").toString());
		devices.addAll(DirectBootXml.SERIAL_CONSOLE);
		devices.add(DirectBootXml.GUEST_AGENT_CHANNEL);
		devices.add("<rng model='virtio'>\n      <backend model='random'>/dev/urandom</backend>\n    </rng>");
		devices.addAll(this.extraDevices);
		String domain = DirectBootXml.domain("qemu", this.name, null, this.memoryMiB, this.vcpus, "q35",
				new DirectBootXml.Boot(this.guest.kernel(), this.guest.initrd(),
						this.guest.kernelCommandLine(this.extraKernelArguments)),
				devices);
		return (this.seed != null) ? CloudInitDisk.attach(domain, this.seed) : domain;
	}

	@Override
	public String toString() {
		return toXml();
	}

}
