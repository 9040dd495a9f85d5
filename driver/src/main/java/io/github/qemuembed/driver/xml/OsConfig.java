package io.github.qemuembed.driver.xml;

import java.util.List;
import java.util.Optional;

/**
 * {@code <os>}: {@code <type arch machine>hvm</type>}, boot order, direct kernel boot and firmware.
 *
 * @param arch {@code x86_64} or {@code i686}
 * @param machine machine type as written (alias or versioned); empty means the emulator's default
 * @param boot {@code <boot dev>} entries in order
 * @param kernel {@code <kernel>} path
 * @param initrd {@code <initrd>} path
 * @param cmdline {@code <cmdline>} kernel command line
 * @param loader firmware
 * @param nvram UEFI variable store
 */
public record OsConfig(String arch, Optional<String> machine, List<BootDevice> boot, Optional<String> kernel,
		Optional<String> initrd, Optional<String> cmdline, Optional<Loader> loader, Optional<Nvram> nvram) {

	public OsConfig {
		boot = List.copyOf(boot);
	}

	public OsConfig withMachine(String machine) {
		return new OsConfig(this.arch, Optional.of(machine), this.boot, this.kernel, this.initrd, this.cmdline,
				this.loader, this.nvram);
	}

}
