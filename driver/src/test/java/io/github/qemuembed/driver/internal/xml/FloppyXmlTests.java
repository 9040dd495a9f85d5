package io.github.qemuembed.driver.internal.xml;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Floppies: {@code <disk device='floppy'>} on bus {@code fdc}, and the floppy controller
 * libvirt adds for them.
 */
class FloppyXmlTests {

	static String domain(String machine, String devices) {
		return "<domain type='qemu'><name>f</name><memory>65536</memory><os><type machine='" + machine
				+ "'>hvm</type></os><devices>" + devices + "</devices></domain>";
	}

	@Test
	void aFloppyIsReadAndItsControllerAddedAsLibvirtDoes() {
		DomainDefinition def = DomainXml
			.parse(domain("q35", "<disk type='file' device='floppy'><source file='/i/f.img'/>"
					+ "<target dev='fda' bus='fdc'/><address type='drive' controller='0' bus='0' target='0' unit='0'/></disk>"
					+ "<disk type='file' device='floppy'><target dev='fdb'/><readonly/></disk>"));
		Disk first = def.devices().disks().get(0);
		assertThat(first.device()).isEqualTo(DiskDevice.FLOPPY);
		assertThat(first.bus()).isEqualTo(DiskBus.FDC);
		assertThat(def.devices().disks().get(1).bus()).isEqualTo(DiskBus.FDC);
		assertThat(def.devices().disks().get(1).source()).isEmpty();
		DomainDefinition assigned = def.withAssignedAddresses("pc-q35-7.2");
		assertThat(assigned.devices().controllers()).anyMatch((c) -> c.type() == ControllerType.FDC && c.index() == 0);
		assertThat(DomainXml.parse(DomainXml.write(assigned, true))).isEqualTo(assigned);
		assertThat(DomainXml.write(assigned, false)).contains("<controller type='fdc' index='0'/>");
	}

	@Test
	void floppyRules() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("pc",
					"<disk type='file' device='floppy'><source file='/i/f'/>"
							+ "<target dev='vda' bus='virtio'/></disk>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[1]/target/@bus"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("pc",
					"<disk type='file' device='disk'><source file='/i/f'/>" + "<target dev='fda' bus='fdc'/></disk>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[1]/target/@bus"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("pc",
					"<disk type='file' device='floppy'><source file='/i/f'/>"
							+ "<target dev='fdc' bus='fdc'/></disk>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[1]/target/@dev"));
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("pc",
					"<disk type='file' device='floppy'><source file='/i/f'/>"
							+ "<target dev='fda' bus='fdc'/><boot order='1'/></disk>")))
			.withMessageContaining("<boot dev='fd'/>");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("pc", "<controller type='fdc' index='1'/>"))
				.withAssignedAddresses("pc-i440fx-7.2"))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/controller[1]/@index"));
	}

}
