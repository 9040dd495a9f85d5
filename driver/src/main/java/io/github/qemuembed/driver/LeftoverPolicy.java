package io.github.qemuembed.driver;

/**
 * What the driver does at open with QEMU processes still running from an earlier driver
 * on the same root.
 */
public enum LeftoverPolicy {

	/** Stop them (after proving each is the same process that was recorded). */
	DESTROY,
	/** Take them over again: reconnect to their monitor and keep them running. */
	RECONNECT

}
