package io.github.qemuembed.driver.internal.xml;

import java.util.Map;

/**
 * {@code <os firmware='efi|bios'>} and its
 * {@code <firmware><feature enabled='yes|no' name='...'/></firmware>} (names as in QEMU's
 * firmware descriptors: {@code secure-boot}, {@code enrolled-keys}).
 *
 * @param type {@code efi} or {@code bios}
 * @param features the features asked for (true) or refused (false); others are left to
 * the descriptors' order
 */
public record FirmwareRequest(String type, Map<String, Boolean> features) {

	public FirmwareRequest {
		features = Map.copyOf(features);
	}

	public boolean efi() {
		return this.type.equals("efi");
	}

}
