package io.github.qemuembed.autoconfigure.secondary;

/** {@link LibvirtConnectionDetails} from {@code qemu.embed.secondary.*}. */
class PropertiesLibvirtConnectionDetails implements LibvirtConnectionDetails {

	private final QemuEmbedSecondaryProperties properties;

	PropertiesLibvirtConnectionDetails(QemuEmbedSecondaryProperties properties) {
		this.properties = properties;
	}

	@Override
	public String getNetworkUri() {
		return blankToNull(this.properties.getNetwork());
	}

	@Override
	public String getStorageUri() {
		return blankToNull(this.properties.getStorage());
	}

	@Override
	public String getSecretUri() {
		return blankToNull(this.properties.getSecret());
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value.strip();
	}

}
