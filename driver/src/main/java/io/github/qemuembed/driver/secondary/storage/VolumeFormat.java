package io.github.qemuembed.driver.secondary.storage;

import java.util.Locale;

import io.github.qemuembed.driver.error.StorageException;
import io.github.qemuembed.driver.error.StorageException.Problem;

/** The volume formats the embedded storage driver creates and accepts. */
public enum VolumeFormat {

	RAW, QCOW2;

	/**
	 * {@code raw} or {@code qcow2}: libvirt's {@code <format type=…/>} and
	 * {@code qemu-img -f}.
	 */
	public String xmlName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The format for a libvirt/qemu-img name; a typed error for anything else. */
	public static VolumeFormat of(String name) {
		for (VolumeFormat format : values()) {
			if (format.xmlName().equals(name)) {
				return format;
			}
		}
		throw new StorageException(Problem.UNSUPPORTED_IMAGE,
				"volume format '" + name + "' is not supported by the embedded storage driver: use raw or qcow2");
	}

}
