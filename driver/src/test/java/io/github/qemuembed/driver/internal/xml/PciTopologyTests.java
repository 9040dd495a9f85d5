package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PciTopologyTests {

	static DomainDefinition parse(String machine, String devices) {
		return DomainXml.parse("<domain type='kvm'><name>t</name><memory>65536</memory><os><type machine='" + machine
				+ "'>hvm</type></os><devices>" + devices + "</devices></domain>");
	}

	@Test
	void q35GivesEachExpressDeviceItsOwnRootPortAndKeepsGivenAddresses() {
		DomainDefinition def = parse("q35", "<controller type='usb' model='none'/><memballoon model='none'/>"
				+ "<disk><source file='/a'/><target dev='vda'/></disk><disk><source file='/b'/><target dev='vdb'/>"
				+ "<address type='pci' domain='0x0000' bus='0x00' slot='0x10' function='0x0'/></disk>"
				+ "<interface type='user'><model type='rtl8139'/></interface>")
			.withAssignedAddresses("pc-q35-7.2");
		Devices devices = def.devices();
		assertThat(devices.disks().get(0).address()).contains(PciAddress.of(1, 0));
		assertThat(devices.disks().get(1).address()).contains(PciAddress.of(0, 0x10));
		assertThat(devices.interfaces().get(0).address()).contains(PciAddress.of(0, 3));
		assertThat(devices.controllers()).contains(Controller.of(ControllerType.PCI, 0, "pcie-root"),
				Controller.of(ControllerType.PCI, 1, "pcie-root-port").withAddress(PciAddress.of(0, 2)));
		assertThat(def.os().machine()).contains("pc-q35-7.2");
	}

	@Test
	void reusesFreeRootPortsBeforeAddingNewOnes() {
		DomainDefinition def = parse("q35",
				"<controller type='usb' model='none'/>" + "<controller type='pci' index='4' model='pcie-root-port'/>"
						+ "<disk><source file='/a'/><target dev='vda'/></disk><memballoon model='virtio'/>")
			.withAssignedAddresses("pc-q35-7.2");
		assertThat(def.devices().disks().get(0).address()).contains(PciAddress.of(4, 0));
		assertThat(def.devices().memballoon().flatMap(MemBalloon::address)).contains(PciAddress.of(5, 0));
	}

	@Test
	void i440fxPutsEverythingOnTheRootBusWithVideoAtSlotTwo() {
		DomainDefinition def = parse("pc",
				"<disk><source file='/a'/><target dev='vda'/></disk>" + "<video><model type='vga'/></video>")
			.withAssignedAddresses("pc-i440fx-7.2");
		assertThat(def.devices().videos().get(0).address()).contains(PciAddress.of(0, 2));
		assertThat(def.devices().disks().get(0).address()).contains(PciAddress.of(0, 3));
	}

	@Test
	void assignmentIsStable() {
		DomainDefinition once = parse("q35",
				"<disk><source file='/a'/><target dev='vda'/></disk>"
						+ "<interface type='user'/><rng model='virtio'><backend model='random'/></rng>")
			.withAssignedAddresses("pc-q35-7.2");
		DomainDefinition reparsed = DomainXml.parse(DomainXml.write(once, true));
		assertThat(reparsed.withAssignedAddresses("pc-q35-7.2")).isEqualTo(once);
	}

	@Test
	void refusesAddressesOnMissingBusesAndChipsetSlots() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> parse("q35",
					"<disk><source file='/a'/><target dev='vda'/>"
							+ "<address type='pci' bus='0x05' slot='0x00'/></disk>"))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[1]/address/@bus"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> parse("pc",
					"<disk><source file='/a'/><target dev='vda'/>"
							+ "<address type='pci' bus='0x00' slot='0x01'/></disk>"))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[1]/address/@slot"));
		assertThatExceptionOfType(InvalidConfigurationException.class).isThrownBy(() -> parse("pc",
				"<disk><source file='/a'/><target dev='vda'/>"
						+ "<address type='pci' slot='0x05'/></disk><interface type='user'>"
						+ "<address type='pci' slot='0x05'/></interface>"));
	}

	@Test
	void refusesMachineSpecificMismatches() {
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> parse("q35", "<disk><source file='/a'/><target dev='hda' bus='ide'/></disk>"))
			.withMessageContaining("sata");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> parse("pc", "<controller type='pci' index='1' model='pcie-root-port'/>"))
			.withMessageContaining("q35");
		assertThatExceptionOfType(UnsupportedConfigurationException.class).isThrownBy(() -> parse("microvm", ""))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/os/type/@machine"));
	}

	@Test
	void addsLibvirtsDefaultUsbControllerAndBalloon() {
		DomainDefinition def = parse("q35", "").withAssignedAddresses("pc-q35-7.2");
		assertThat(def.devices().controllers()).anyMatch((c) -> c.is(ControllerType.USB, "qemu-xhci"));
		assertThat(def.devices().memballoon()).map(MemBalloon::model).contains("virtio");
		DomainDefinition none = parse("pc", "<controller type='usb' model='none'/><memballoon model='none'/>")
			.withAssignedAddresses("pc-i440fx-7.2");
		assertThat(none.devices().controllers())
			.noneMatch((c) -> c.type() == ControllerType.USB && !c.is(ControllerType.USB, "none"));
		assertThat(none.devices().memballoon()).map(MemBalloon::present).contains(false);
	}

	@Test
	void addsTheControllersDevicesNeed() {
		DomainDefinition def = parse("pc",
				"<disk><source file='/a'/><target dev='sda' bus='scsi'/></disk>"
						+ "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>"
						+ "<input type='tablet' bus='usb'/>")
			.withAssignedAddresses("pc-i440fx-7.2");
		assertThat(def.devices().controllers()).extracting(Controller::type, Controller::model)
			.contains(org.assertj.core.groups.Tuple.tuple(ControllerType.SCSI, Optional.of("virtio-scsi")),
					org.assertj.core.groups.Tuple.tuple(ControllerType.VIRTIO_SERIAL, Optional.empty()),
					org.assertj.core.groups.Tuple.tuple(ControllerType.USB, Optional.of("piix3-uhci")));
		assertThat(def.devices().channels().get(0).address()).contains(new VirtioSerialAddress(0, 0, 1));
	}

}
