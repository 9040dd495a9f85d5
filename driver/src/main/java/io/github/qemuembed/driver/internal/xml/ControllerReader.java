package io.github.qemuembed.driver.internal.xml;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/**
 * Reads {@code <controller>}; a missing model gets libvirt's default for the machine,
 * written back.
 */
final class ControllerReader {

	/**
	 * The index of a controller that gave none, until {@link #assignIndexes} gives it
	 * one.
	 */
	static final int UNASSIGNED = -1;

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
		// Without an index, libvirt gives the lowest free one of the type (DevicesReader
		// does, once all are read).
		Optional<Integer> givenIndex = node.intAttr("index", 0, 255);
		boolean pciRoot = node.attr("model").map((value) -> value.endsWith("-root")).orElse(true);
		int index = givenIndex.orElse((type == ControllerType.PCI && !pciRoot) ? UNASSIGNED : 0);
		// Without a model, libvirt picks the machine's default and writes it back; so
		// does this reader.
		Optional<String> model = switch (type) {
			case PCI -> Optional.of(node.oneOf("model",
					givenIndex.orElse(0) == 0 ? family.rootModel()
							: node.attr("model").isPresent() ? null : defaultPciModel(node, family),
					"pci-root", "pcie-root", "pcie-root-port"));
			case USB ->
				Optional.of(node.oneOf("model", (family == MachineFamily.Q35) ? "qemu-xhci" : "piix3-uhci", "qemu-xhci",
						"nec-xhci", "piix3-uhci", "ich9-ehci1", "ich9-uhci1", "ich9-uhci2", "ich9-uhci3", "none"));
			case SCSI -> Optional.of(node.oneOf("model", "lsilogic", "virtio-scsi"));
			case SATA, IDE, VIRTIO_SERIAL, FDC -> Optional.<String>empty();
		};
		if (model.isPresent() && model.get().equals("lsilogic")) {
			// libvirt's default for a SCSI controller without a model; an emulated
			// controller this driver does not run
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
			if (givenIndex.isPresent() && index == 0) {
				throw new InvalidConfigurationException(node.attrPath("index"),
						"index 0 is the root bus; a pcie-root-port needs index 1 or more");
			}
		}
		else if (type == ControllerType.PCI && givenIndex.isPresent() && index != 0) {
			throw new InvalidConfigurationException(node.attrPath("index"),
					"the " + model.get() + " controller is the root bus and must have index 0");
		}
		Optional<Integer> ports = Optional.empty();
		Optional<Integer> startport = Optional.empty();
		if (type == ControllerType.USB) {
			String usb = model.get();
			ports = node.intAttr("ports", 1, 15);
			if (ports.isPresent() && !usb.endsWith("xhci")) {
				throw new UnsupportedConfigurationException(node.attrPath("ports"),
						"ports is supported for qemu-xhci and nec-xhci only (USB 1/2 controllers have fixed ports)");
			}
			Optional<XNode> master = node.child("master");
			if (master.isPresent()) {
				startport = Optional.of(master.get().intAttr("startport", 0, 4).orElse(0));
				master.get().finish();
			}
			if (startport.isPresent() && !usb.startsWith("ich9-uhci")) {
				throw new UnsupportedConfigurationException(node.path() + "/master",
						"<master> is for ich9-uhci1/2/3 companions of an ich9-ehci1 only");
			}
		}
		Optional<ControllerDriver> driver = Optional.empty();
		if (type == ControllerType.SCSI) {
			driver = node.child("driver").map((child) -> {
				ControllerDriver result = new ControllerDriver(child.intAttr("queues", 1, 1024),
						child.intAttr("iothread", 1, Integer.MAX_VALUE), child.intAttr("cmd_per_lun", 1, 65535),
						child.intAttr("max_sectors", 1, 65535), child.attr("ioeventfd").isPresent()
								? Optional.of(child.onOff("ioeventfd", true)) : Optional.empty());
				child.finish();
				return result;
			});
		}
		else {
			node.refuse("driver", "a <driver> is supported on a virtio-scsi controller only; remove it");
		}
		Optional<PciAddress> address = node.child("address").map(AddressReader::pci);
		node.finish();
		return new Controller(type, index, model, chassis, port, address, ports, startport, driver);
	}

	/**
	 * Gives each controller read without an index the lowest index of its type that no
	 * other controller has, in document order, as libvirt does when it parses such a
	 * definition (virt-install writes its PCI Express root ports that way).
	 */
	static List<Controller> assignIndexes(List<Controller> controllers) {
		Map<ControllerType, Set<Integer>> used = new EnumMap<>(ControllerType.class);
		for (Controller controller : controllers) {
			used.computeIfAbsent(controller.type(), (type) -> new HashSet<>()).add(controller.index());
		}
		List<Controller> result = new ArrayList<>(controllers.size());
		for (Controller controller : controllers) {
			if (controller.index() == UNASSIGNED) {
				Set<Integer> taken = used.get(controller.type());
				int index = 1;
				while (taken.contains(index)) {
					index++;
				}
				taken.add(index);
				controller = new Controller(controller.type(), index, controller.model(), controller.chassis(),
						controller.port(), controller.address(), controller.ports(), controller.masterStartport(),
						controller.driver());
			}
			result.add(controller);
		}
		return result;
	}

}
