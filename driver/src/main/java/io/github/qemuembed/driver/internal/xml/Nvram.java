package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * {@code <nvram template='VARS'>PATH</nvram>}: the per-domain UEFI variable store. The
 * driver copies {@code template} to {@code path} before start when {@code path} does not
 * exist yet (as libvirt does). An empty path ({@code <nvram/>}) is derived at start as
 * libvirt does: {@code ROOT/lib/qemu/nvram/NAME_VARS.fd}.
 */
public record Nvram(String path, Optional<String> template) {

	/** Whether the path is left to the driver ({@code <nvram/>}). */
	public boolean derived() {
		return this.path.isEmpty();
	}
}
