package io.github.qemuembed.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.github.qemuembed.driver.cloudinit.CloudInitDisk;
import io.github.qemuembed.driver.cloudinit.CloudInitSeed;
import io.github.qemuembed.driver.error.QemuEmbedException;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.io.Resource;

/**
 * {@code qemu.embed.domains.NAME.cloud-init.*}: builds the seed image
 * ({@code SEEDS/NAME-cidata.iso}, rewritten at every context start) and attaches it to
 * the declared XML as a read-only CD-ROM.
 */
final class DeclaredCloudInit {

	private DeclaredCloudInit() {
	}

	static String attach(String name, QemuEmbedProperties.CloudInit properties, String xml, Path seeds) {
		String prefix = "qemu.embed.domains." + name + ".cloud-init.";
		CloudInitSeed.Builder builder = CloudInitSeed.builder();
		byte[] data = read(prefix, "meta-data", properties.getMetaData(), properties.getInlineMetaData());
		if (data != null) {
			builder.metaData(data);
		}
		data = read(prefix, "user-data", properties.getUserData(), properties.getInlineUserData());
		if (data != null) {
			builder.userData(data);
		}
		data = read(prefix, "vendor-data", properties.getVendorData(), properties.getInlineVendorData());
		if (data != null) {
			builder.vendorData(data);
		}
		data = read(prefix, "network-config", properties.getNetworkConfig(), properties.getInlineNetworkConfig());
		if (data != null) {
			builder.networkConfig(data);
		}
		Path image = seeds.resolve(name + "-cidata.iso");
		try {
			builder.build().writeTo(image);
			return CloudInitDisk.attach(xml, image);
		}
		catch (QemuEmbedException ex) {
			throw new InvalidConfigurationPropertyValueException(prefix.substring(0, prefix.length() - 1), image,
					ex.getMessage());
		}
	}

	private static byte[] read(String prefix, String file, Resource resource, String inline) {
		if (resource != null && inline != null) {
			throw new InvalidConfigurationPropertyValueException(prefix + "inline-" + file, "(the text)",
					"Set only one of " + prefix + file + " and " + prefix + "inline-" + file);
		}
		if (inline != null) {
			return inline.getBytes(StandardCharsets.UTF_8);
		}
		if (resource == null) {
			return null;
		}
		if (!resource.exists()) {
			throw new InvalidConfigurationPropertyValueException(prefix + file, resource.getDescription(),
					"The cloud-init " + file + " does not exist");
		}
		try (InputStream in = resource.getInputStream()) {
			// bounded: one byte over the seed's limit is enough to refuse it
			byte[] bytes = in.readNBytes((int) CloudInitSeed.MAX_DATA_BYTES + 1);
			if (bytes.length > CloudInitSeed.MAX_DATA_BYTES) {
				throw new InvalidConfigurationPropertyValueException(prefix + file, resource.getDescription(),
						"The cloud-init " + file + " is larger than the seed's limit of " + CloudInitSeed.MAX_DATA_BYTES
								+ " bytes for all files together; put bulk data on a disk of its own");
			}
			return bytes;
		}
		catch (IOException ex) {
			throw new InvalidConfigurationPropertyValueException(prefix + file, resource.getDescription(),
					"The cloud-init " + file + " could not be read: " + ex.getMessage());
		}
	}

}
