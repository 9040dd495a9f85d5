package io.github.qemuembed.driver.internal.xml;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A parsed, validated libvirt domain definition: immutable, compared by value. Obtain one
 * with {@link DomainXml#parse(String)}, turn it back into XML with
 * {@link DomainXml#write(DomainDefinition, boolean)}.
 *
 * @param type {@code kvm} or {@code qemu}
 * @param name the domain's name (see {@link DomainNames})
 * @param uuid the UUID (generated at parse time when the document has none, as libvirt
 * does)
 * @param title one-line title
 * @param description free text
 * @param metadata the children of {@code <metadata>}, kept verbatim as XML text
 * @param memoryKiB maximum memory ({@code <memory>}) in KiB
 * @param currentMemoryKiB memory at start ({@code <currentMemory>}), at most
 * {@code memoryKiB}
 * @param vcpu vCPU count
 * @param os boot configuration
 * @param features ACPI, APIC, PAE
 * @param cpu CPU model, when given
 * @param clock {@code <clock>} offset and timers
 * @param pm {@code <pm>} guest suspend states
 * @param onPoweroff action on guest power-off
 * @param onReboot action on guest reboot
 * @param onCrash action on guest crash
 * @param devices the devices
 * @param commandline {@code qemu:commandline} extras
 * @param memoryBacking {@code <memoryBacking>}: the guest RAM's backend (memfd, shared)
 * @param sysinfo {@code <sysinfo type='smbios'>}: SMBIOS strings, used with
 * {@code <os><smbios mode='sysinfo'/>}
 * @param iothreads the ids of the I/O threads ({@code <iothreads>},
 * {@code <iothreadids>}), in increasing order
 */
public record DomainDefinition(DomainType type, String name, UUID uuid, Optional<String> title,
		Optional<String> description, Optional<String> metadata, long memoryKiB, long currentMemoryKiB, Vcpu vcpu,
		OsConfig os, Features features, Optional<CpuConfig> cpu, Optional<ClockConfig> clock, PowerManagement pm,
		LifecycleAction onPoweroff, LifecycleAction onReboot, LifecycleAction onCrash, Devices devices,
		QemuCommandline commandline, Optional<MemoryBacking> memoryBacking, Optional<Sysinfo> sysinfo,
		List<Integer> iothreads) {

	public DomainDefinition {
		iothreads = List.copyOf(iothreads);
	}

	public DomainDefinition(DomainType type, String name, UUID uuid, Optional<String> title,
			Optional<String> description, Optional<String> metadata, long memoryKiB, long currentMemoryKiB, Vcpu vcpu,
			OsConfig os, Features features, Optional<CpuConfig> cpu, Optional<ClockConfig> clock, PowerManagement pm,
			LifecycleAction onPoweroff, LifecycleAction onReboot, LifecycleAction onCrash, Devices devices,
			QemuCommandline commandline, Optional<MemoryBacking> memoryBacking, Optional<Sysinfo> sysinfo) {
		this(type, name, uuid, title, description, metadata, memoryKiB, currentMemoryKiB, vcpu, os, features, cpu,
				clock, pm, onPoweroff, onReboot, onCrash, devices, commandline, memoryBacking, sysinfo, List.of());
	}

	public DomainDefinition(DomainType type, String name, UUID uuid, Optional<String> title,
			Optional<String> description, Optional<String> metadata, long memoryKiB, long currentMemoryKiB, Vcpu vcpu,
			OsConfig os, Features features, Optional<CpuConfig> cpu, Optional<ClockConfig> clock, PowerManagement pm,
			LifecycleAction onPoweroff, LifecycleAction onReboot, LifecycleAction onCrash, Devices devices,
			QemuCommandline commandline, Optional<MemoryBacking> memoryBacking) {
		this(type, name, uuid, title, description, metadata, memoryKiB, currentMemoryKiB, vcpu, os, features, cpu,
				clock, pm, onPoweroff, onReboot, onCrash, devices, commandline, memoryBacking, Optional.empty());
	}

	public DomainDefinition(DomainType type, String name, UUID uuid, Optional<String> title,
			Optional<String> description, Optional<String> metadata, long memoryKiB, long currentMemoryKiB, Vcpu vcpu,
			OsConfig os, Features features, Optional<CpuConfig> cpu, Optional<ClockConfig> clock, PowerManagement pm,
			LifecycleAction onPoweroff, LifecycleAction onReboot, LifecycleAction onCrash, Devices devices,
			QemuCommandline commandline) {
		this(type, name, uuid, title, description, metadata, memoryKiB, currentMemoryKiB, vcpu, os, features, cpu,
				clock, pm, onPoweroff, onReboot, onCrash, devices, commandline, Optional.empty());
	}

	/** The {@code <clock offset>}, if a clock is given. */
	public Optional<ClockOffset> clockOffset() {
		return this.clock.map(ClockConfig::offset);
	}

	/** The maximum vCPU count ({@code <vcpu>}). */
	public int vcpus() {
		return this.vcpu.count();
	}

	/** The emulator path from {@code <devices><emulator>}, if given. */
	public Optional<Path> emulator() {
		return this.devices.emulatorPath();
	}

	public DomainDefinition withDevices(Devices devices) {
		return new DomainDefinition(this.type, this.name, this.uuid, this.title, this.description, this.metadata,
				this.memoryKiB, this.currentMemoryKiB, this.vcpu, this.os, this.features, this.cpu, this.clock, this.pm,
				this.onPoweroff, this.onReboot, this.onCrash, devices, this.commandline, this.memoryBacking,
				this.sysinfo, this.iothreads);
	}

	public DomainDefinition withOs(OsConfig os) {
		return new DomainDefinition(this.type, this.name, this.uuid, this.title, this.description, this.metadata,
				this.memoryKiB, this.currentMemoryKiB, this.vcpu, os, this.features, this.cpu, this.clock, this.pm,
				this.onPoweroff, this.onReboot, this.onCrash, this.devices, this.commandline, this.memoryBacking,
				this.sysinfo, this.iothreads);
	}

	/**
	 * A copy whose machine type is pinned to {@code canonicalMachine} and whose PCI
	 * devices all have addresses (and the controllers they need), as libvirt writes back
	 * into the persistent definition. Addresses already present are kept; the result is
	 * the same for the same input.
	 */
	public DomainDefinition withAssignedAddresses(String canonicalMachine) {
		return PciTopology.assign(withOs(this.os.withMachine(canonicalMachine)));
	}

	@Override
	public String toString() {
		return "DomainDefinition[name=" + this.name + ", uuid=" + this.uuid + ", type=" + this.type.xmlName() + "]";
	}

}
