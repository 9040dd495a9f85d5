package io.github.qemuembed.driver.cloudinit;

import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.qemuembed.driver.error.UnsupportedConfigurationException;
import io.github.qemuembed.driver.internal.xml.Disk;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import io.github.qemuembed.driver.internal.xml.MachineFamily;

/**
 * Attaches a {@link CloudInitSeed} image to domain XML as a read-only CD-ROM: on
 * virtio-scsi for q35 machines (the driver adds the controller; Debian's cloud kernel has
 * no SATA driver, but virtio-scsi and the SCSI CD-ROM driver), on IDE for i440fx
 * ({@code pc}, the default), at the first free target name. The XML is read by the
 * driver's own reader first, so XML the driver would refuse is refused here with the same
 * message.
 */
public final class CloudInitDisk {

	private CloudInitDisk() {
	}

	/**
	 * The domain XML with a {@code <disk device='cdrom'>} for {@code seedImage} added to
	 * its devices.
	 */
	public static String attach(String domainXml, Path seedImage) {
		DomainDefinition definition = DomainXml.parse(domainXml);
		String disk = diskXml(definition, seedImage);
		int devicesEnd = domainXml.lastIndexOf("</devices>");
		if (devicesEnd >= 0) {
			return domainXml.substring(0, devicesEnd) + disk + domainXml.substring(devicesEnd);
		}
		int domainEnd = domainXml.lastIndexOf("</domain>");
		if (domainEnd < 0) {
			// DomainXml.parse accepted it, so the root element closes somewhere: <domain
			// .../> without content
			throw new UnsupportedConfigurationException("/domain",
					"add <devices></devices> to the domain XML to " + "attach a cloud-init seed");
		}
		return domainXml.substring(0, domainEnd) + "<devices>" + disk + "</devices>" + domainXml.substring(domainEnd);
	}

	/**
	 * The {@code <disk>} element that {@link #attach} adds, for callers that build their
	 * XML themselves.
	 */
	static String diskXml(DomainDefinition definition, Path seedImage) {
		boolean q35 = MachineFamily.of(definition.os().machine().orElse("pc")) == MachineFamily.Q35;
		String bus = q35 ? "scsi" : "ide";
		String prefix = q35 ? "sd" : "hd";
		Set<String> used = definition.devices().disks().stream().map(Disk::targetDev).collect(Collectors.toSet());
		int limit = q35 ? 26 : 4;
		String target = null;
		for (int i = 0; i < limit && target == null; i++) {
			String candidate = prefix + (char) ('a' + i);
			if (!used.contains(candidate)) {
				target = candidate;
			}
		}
		if (target == null) {
			throw new UnsupportedConfigurationException("/domain/devices/disk", "no free " + bus + " target for the "
					+ "cloud-init seed's CD-ROM (" + prefix + "a-" + prefix + (char) ('a' + limit - 1) + " are taken)");
		}
		return "\n    <disk type='file' device='cdrom'>\n      <driver name='qemu' type='raw'/>\n      <source file='"
				+ escape(seedImage.toAbsolutePath().toString()) + "'/>\n      <target dev='" + target + "' bus='" + bus
				+ "'/>\n      <readonly/>\n    </disk>\n  ";
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;").replace("\"", "&quot;");
	}

}
