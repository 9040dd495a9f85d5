package io.github.qemuembed.driver.internal.xml;

/**
 * {@code <loader readonly='yes' secure='yes' type='pflash'>PATH</loader>}: firmware
 * (UEFI/OVMF code, or a BIOS ROM). {@code secure} is UEFI Secure Boot firmware, which
 * needs the machine's SMM and a secure flash.
 */
public record Loader(String path, boolean readonly, LoaderType type, boolean secure) {

	public Loader(String path, boolean readonly, LoaderType type) {
		this(path, readonly, type, false);
	}

}
