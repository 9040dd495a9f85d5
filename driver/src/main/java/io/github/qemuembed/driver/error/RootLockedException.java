package io.github.qemuembed.driver.error;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The root directory is held by another driver (another qemu-embed driver, or libvirt's
 * embedded driver): its {@code run/qemu/driver.pid} is locked.
 */
public class RootLockedException extends QemuEmbedException {

	private final Path root;

	private final OptionalLong holderPid;

	public RootLockedException(Path root, OptionalLong holderPid) {
		super(ErrorCode.RESOURCE_BUSY,
				"Root directory " + root + " is in use by another driver"
						+ (holderPid.isPresent() ? " (pid " + holderPid.getAsLong() + ")" : "")
						+ ": close that driver or choose another root; one root belongs to one driver at a time");
		this.root = root;
		this.holderPid = holderPid;
	}

	public Path root() {
		return this.root;
	}

	public OptionalLong holderPid() {
		return this.holderPid;
	}

}
