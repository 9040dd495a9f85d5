package io.github.qemuembed.testsupport.guest;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * libvirt domain XML that boots a {@link TestGuest} directly from its kernel and
 * initramfs (no disk, no firmware boot menu), with ACPI on and the serial console on a
 * pty.
 * <p>
 * Defaults: 128 MiB, one vCPU, machine {@code q35}, domain type {@code qemu} (TCG: Linux
 * guests hang under nested KVM on the project's machines),
 * {@code <on_poweroff>destroy</on_poweroff>}.
 */
public final class TestGuestDomain {

	private final TestGuest guest;

	private final String name;

	private UUID uuid;

	private int memoryMiB = 128;

	private int vcpus = 1;

	private String extraKernelArguments = "";

	private String type = "qemu";

	private String machine = "q35";

	private final List<String> extraDevices = new ArrayList<>();

	TestGuestDomain(TestGuest guest, String name) {
		this.guest = Objects.requireNonNull(guest, "guest");
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("a domain needs a name");
		}
		this.name = name;
	}

	public TestGuestDomain uuid(UUID uuid) {
		this.uuid = uuid;
		return this;
	}

	public TestGuestDomain memoryMiB(int memoryMiB) {
		if (memoryMiB < 64) {
			throw new IllegalArgumentException("the test guest needs at least 64 MiB, not " + memoryMiB);
		}
		this.memoryMiB = memoryMiB;
		return this;
	}

	public TestGuestDomain vcpus(int vcpus) {
		if (vcpus < 1) {
			throw new IllegalArgumentException("vcpus must be at least 1");
		}
		this.vcpus = vcpus;
		return this;
	}

	/** Appended to {@link TestGuest#DEFAULT_KERNEL_ARGUMENTS}. */
	public TestGuestDomain kernelArguments(String extra) {
		this.extraKernelArguments = Objects.requireNonNull(extra, "extra");
		return this;
	}

	/** The domain type: {@code qemu} (TCG, the default) or {@code kvm}. */
	public TestGuestDomain type(String type) {
		this.type = Objects.requireNonNull(type, "type");
		return this;
	}

	public TestGuestDomain machine(String machine) {
		this.machine = Objects.requireNonNull(machine, "machine");
		return this;
	}

	/**
	 * Adds device XML (for example a {@code <disk>}) inside {@code <devices>}, as given.
	 */
	public TestGuestDomain device(String deviceXml) {
		this.extraDevices.add(Objects.requireNonNull(deviceXml, "deviceXml"));
		return this;
	}

	/**
	 * Adds the guest agent's channel ({@code org.qemu.guest_agent.0}, a UNIX socket in
	 * the run directory).
	 */
	public TestGuestDomain guestAgentChannel() {
		return device(DirectBootXml.GUEST_AGENT_CHANNEL);
	}

	public String toXml() {
		List<String> devices = new ArrayList<>(DirectBootXml.SERIAL_CONSOLE);
		devices.addAll(this.extraDevices);
		return DirectBootXml.domain(this.type, this.name, this.uuid, this.memoryMiB, this.vcpus, this.machine,
				new DirectBootXml.Boot(this.guest.kernel(), this.guest.initramfs(),
						this.guest.kernelCommandLine(this.extraKernelArguments)),
				devices);
	}

	@Override
	public String toString() {
		return toXml();
	}

}
