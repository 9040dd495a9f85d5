package io.github.qemuembed.driver.observation;

import java.util.Locale;

/** The operations on a domain that a {@link DriverObserver} sees. */
public enum DomainOperation {

	/**
	 * {@code QemuDriver.define(xml)}, of a new domain or over an existing one's
	 * definition.
	 */
	DEFINE,

	/**
	 * {@code Domain.start()}, also the start of a transient domain and a start from a
	 * managed save image.
	 */
	START,

	/** {@code Domain.shutdown(...)}, including the forced stop after its timeout. */
	SHUTDOWN,

	/** {@code Domain.destroy()}. */
	DESTROY,

	/**
	 * {@code Domain.reboot()} (the request: the guest then powers off and QEMU starts
	 * again in the background).
	 */
	REBOOT,

	/** {@code Domain.reset()}. */
	RESET,

	/** {@code Domain.suspend()}. */
	SUSPEND,

	/** {@code Domain.resume()}. */
	RESUME,

	/** {@code Domain.save(file)}. */
	SAVE,

	/** {@code Domain.managedSave()}. */
	MANAGED_SAVE,

	/** {@code QemuDriver.restore(file)}. */
	RESTORE,

	/** {@code Domain.createSnapshot(...)}. */
	SNAPSHOT_CREATE,

	/** {@code Domain.revertToSnapshot(name)}. */
	SNAPSHOT_REVERT,

	/** {@code Domain.deleteSnapshot(name)}. */
	SNAPSHOT_DELETE,

	/** {@code Domain.undefine()}. */
	UNDEFINE;

	/**
	 * The name in lower case with dashes ({@code start}, {@code managed-save}): for tags
	 * and span names.
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
