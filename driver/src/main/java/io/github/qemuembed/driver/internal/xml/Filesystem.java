package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * {@code <filesystem type='mount' accessmode='passthrough'><driver type=
 * 'virtiofs'/><source dir/><target dir/>}: a host directory shared with the guest by
 * virtiofsd (QEMU's {@code /usr/lib/qemu/virtiofsd}), mounted in the guest by its tag
 * ({@code mount -t virtiofs TAG /mnt}). Needs shared guest memory
 * ({@code <memoryBacking>}).
 */
public record Filesystem(String sourceDir, String tag, Optional<PciAddress> address) {

	public Filesystem withAddress(PciAddress address) {
		return new Filesystem(this.sourceDir, this.tag, Optional.of(address));
	}

}
