package io.github.qemuembed.driver.internal.xml;

import java.util.List;
import java.util.Optional;

/**
 * {@code <os>}: {@code <type arch machine>hvm</type>}, boot order, direct kernel boot and
 * firmware.
 *
 * @param arch {@code x86_64} or {@code i686}
 * @param machine machine type as written (alias or versioned); empty means the emulator's
 * default
 * @param boot {@code <boot dev>} entries in order
 * @param kernel {@code <kernel>} path
 * @param initrd {@code <initrd>} path
 * @param cmdline {@code <cmdline>} kernel command line
 * @param loader firmware
 * @param nvram UEFI variable store
 * @param firmware {@code <os firmware='efi|bios'>} with the {@code <firmware><feature>}
 * wishes: the loader and NVRAM are then chosen from QEMU's firmware descriptors at start,
 * as libvirt does
 * @param bootMenu {@code <bootmenu enable timeout>}: whether the firmware shows its boot
 * menu, and for how long (ms)
 * @param smbiosMode {@code <smbios mode>}: {@code sysinfo} (the strings of
 * {@code <sysinfo>}) or {@code emulate} (QEMU's own)
 */
public record OsConfig(String arch, Optional<String> machine, List<BootDevice> boot, Optional<String> kernel,
		Optional<String> initrd, Optional<String> cmdline, Optional<Loader> loader, Optional<Nvram> nvram,
		Optional<FirmwareRequest> firmware, Optional<BootMenu> bootMenu, Optional<String> smbiosMode) {

	public OsConfig(String arch, Optional<String> machine, List<BootDevice> boot, Optional<String> kernel,
			Optional<String> initrd, Optional<String> cmdline, Optional<Loader> loader, Optional<Nvram> nvram,
			Optional<FirmwareRequest> firmware, Optional<BootMenu> bootMenu) {
		this(arch, machine, boot, kernel, initrd, cmdline, loader, nvram, firmware, bootMenu, Optional.empty());
	}

	/** {@code <bootmenu enable='yes|no' timeout='MS'/>}. */
	public record BootMenu(boolean enable, Optional<Integer> timeout) {
	}

	public OsConfig(String arch, Optional<String> machine, List<BootDevice> boot, Optional<String> kernel,
			Optional<String> initrd, Optional<String> cmdline, Optional<Loader> loader, Optional<Nvram> nvram,
			Optional<FirmwareRequest> firmware) {
		this(arch, machine, boot, kernel, initrd, cmdline, loader, nvram, firmware, Optional.empty());
	}

	public OsConfig {
		boot = List.copyOf(boot);
	}

	public OsConfig(String arch, Optional<String> machine, List<BootDevice> boot, Optional<String> kernel,
			Optional<String> initrd, Optional<String> cmdline, Optional<Loader> loader, Optional<Nvram> nvram) {
		this(arch, machine, boot, kernel, initrd, cmdline, loader, nvram, Optional.empty(), Optional.empty());
	}

	public OsConfig withMachine(String machine) {
		return new OsConfig(this.arch, Optional.of(machine), this.boot, this.kernel, this.initrd, this.cmdline,
				this.loader, this.nvram, this.firmware, this.bootMenu, this.smbiosMode);
	}

	/** The same with the firmware chosen: a loader and an NVRAM store. */
	public OsConfig withFirmware(Loader loader, Optional<Nvram> nvram) {
		return new OsConfig(this.arch, this.machine, this.boot, this.kernel, this.initrd, this.cmdline,
				Optional.of(loader), nvram, this.firmware, this.bootMenu, this.smbiosMode);
	}

}
