package io.github.qemuembed.driver.xml;

import java.util.Optional;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/** Reads {@code <controller>}; a missing model gets libvirt's default for the machine, written back. */
final class ControllerReader {

	private ControllerReader() {
	}

	static String defaultPciModel(XNode node, MachineFamily family) {
		if (family != MachineFamily.Q35) {
			throw new UnsupportedConfigurationException(node.attrPath("model"),
					"PCI bridges on i440fx machines are not supported; devices sit on the root bus, remove the controller");
		}
		return "pcie-root-port";
	}

	static Controller read(XNode node, MachineFamily family) {
		ControllerType type = node.enumAttr("type", ControllerType.class)
			.orElseThrow(() -> new InvalidConfigurationException(node.attrPath("type"),
					"attribute 'type' of <controller> is required"));
		int index = node.intAttr("index", 0, 255).orElse(0);
		// Without a model, libvirt picks the machine's default and writes it back; so does this reader.
		Optional<String> model = switch (type) {
			case PCI -> Optional.of(node.oneOf("model", (index == 0) ? family.rootModel()
					: node.attr("model").isPresent() ? null : defaultPciModel(node, family),
					"pci-root", "pcie-root", "pcie-root-port"));
			case USB -> Optional.of(node.oneOf("model", (family == MachineFamily.Q35) ? "qemu-xhci" : "piix3-uhci",
					"qemu-xhci", "nec-xhci", "piix3-uhci", "none"));
			case SCSI -> Optional.of(node.oneOf("model", "lsilogic", "virtio-scsi"));
			case SATA, IDE, VIRTIO_SERIAL -> Optional.<String>empty();
		};
		if (model.isPresent() && model.get().equals("lsilogic")) {
			// libvirt's default for a SCSI controller without a model; an emulated controller this driver does not run
			throw new UnsupportedConfigurationException(node.attrPath("model"),
					"a SCSI controller without a model is libvirt's lsilogic, which is not supported; "
							+ "write model='virtio-scsi'");
		}
		Optional<Integer> chassis = Optional.empty();
		Optional<Integer> port = Optional.empty();
		if (model.isPresent() && model.get().equals("pcie-root-port")) {
			Optional<XNode> modelNode = node.child("model");
			modelNode.ifPresent((child) -> {
				child.oneOf("name", "pcie-root-port", "pcie-root-port");
				child.finish();
			});
			Optional<XNode> target = node.child("target");
			if (target.isPresent()) {
				chassis = target.get().intAttr("chassis", 0, 255);
				port = target.get().intAttr("port", 0, 255);
				target.get().finish();
			}
			if (index == 0) {
				throw new InvalidConfigurationException(node.attrPath("index"),
						"index 0 is the root bus; a pcie-root-port needs index 1 or more");
			}
		}
		else if (type == ControllerType.PCI && index != 0) {
			throw new InvalidConfigurationException(node.attrPath("index"),
					"the " + model.get() + " controller is the root bus and must have index 0");
		}
		Optional<PciAddress> address = node.child("address").map(AddressReader::pci);
		node.finish();
		return new Controller(type, index, model, chassis, port, address);
	}

}
