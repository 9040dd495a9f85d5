package io.github.qemuembed.driver.error;

/**
 * A domain does not fit the resources the driver's own cgroup may use (the container's or
 * pod's memory limit): starting it would get QEMU, or the whole container, OOM-killed
 * later. The message names the limit, the file it was read from and what the domains
 * need.
 */
public class ResourceLimitException extends QemuEmbedException {

	/**
	 * What the driver counts per VM beyond guest RAM: QEMU's own resident memory,
	 * measured (a Linux guest under TCG, the largest case, about 107 MiB;
	 * docs/performance.md) and rounded up. Size memory limits with it: guest memory +
	 * this, per VM, plus the application's own.
	 */
	public static final long QEMU_MEMORY_OVERHEAD_BYTES = 128L * 1024 * 1024;

	private final long limitBytes;

	public ResourceLimitException(String message, long limitBytes) {
		super(ErrorCode.OPERATION_FAILED, message);
		this.limitBytes = limitBytes;
	}

	/** The memory limit that would be exceeded, in bytes. */
	public long limitBytes() {
		return this.limitBytes;
	}

}
