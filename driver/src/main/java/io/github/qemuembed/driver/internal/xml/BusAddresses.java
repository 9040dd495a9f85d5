package io.github.qemuembed.driver.internal.xml;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/**
 * The addresses libvirt writes for devices that are not on PCI, kept when given: a disk
 * on a drive bus (sata, scsi, ide, fdc) gets the drive address its target name stands
 * for, and a USB device (disk, input, redirected device) the lowest free port of the USB
 * controller. USB ports are handed out in the order the command line creates the devices
 * (disks, then inputs, then redirected devices), the order in which QEMU would have
 * picked them itself; with every port written down, a device hot-plugged later gets a
 * port that is really free.
 */
final class BusAddresses {

	private BusAddresses() {
	}

	static Devices assign(Devices devices) {
		UsbPorts ports = new UsbPorts(devices.controllers());
		for (int i = 0; i < devices.disks().size(); i++) {
			ports.take(devices.disks().get(i).address(), "/domain/devices/disk[" + (i + 1) + "]");
		}
		for (int i = 0; i < devices.inputs().size(); i++) {
			ports.take(devices.inputs().get(i).address(), "/domain/devices/input[" + (i + 1) + "]");
		}
		for (int i = 0; i < devices.redirdevs().size(); i++) {
			ports.take(devices.redirdevs().get(i).address().map(DeviceAddress.class::cast),
					"/domain/devices/redirdev[" + (i + 1) + "]");
		}
		List<Disk> disks = new ArrayList<>();
		for (int i = 0; i < devices.disks().size(); i++) {
			Disk disk = devices.disks().get(i);
			String path = "/domain/devices/disk[" + (i + 1) + "]";
			if (disk.bus() == DiskBus.USB) {
				ports.check(path + "/target/@bus", "a USB disk");
				if (disk.address().isEmpty()) {
					disk = disk.withAddress(ports.next(path));
				}
			}
			else if (disk.bus() != DiskBus.VIRTIO && disk.address().isEmpty()) {
				disk = disk.withAddress(driveAddress(disk.bus(), disk.targetIndex()));
			}
			disks.add(disk);
		}
		List<Input> inputs = new ArrayList<>();
		for (int i = 0; i < devices.inputs().size(); i++) {
			Input input = devices.inputs().get(i);
			if (input.bus() == InputBus.USB && input.address().isEmpty()) {
				input = input.withAddress(ports.next("/domain/devices/input[" + (i + 1) + "]"));
			}
			inputs.add(input);
		}
		List<Redirdev> redirdevs = new ArrayList<>();
		for (int i = 0; i < devices.redirdevs().size(); i++) {
			Redirdev redirdev = devices.redirdevs().get(i);
			if (redirdev.address().isEmpty()) {
				redirdev = new Redirdev(Optional.of(ports.next("/domain/devices/redirdev[" + (i + 1) + "]")));
			}
			redirdevs.add(redirdev);
		}
		return devices.withDisks(disks).withInputs(inputs).withRedirdevs(redirdevs);
	}

	/**
	 * libvirt's drive address for a target index: two units on each of the two IDE buses,
	 * one unit per index on the others.
	 */
	static DriveAddress driveAddress(DiskBus bus, int index) {
		return (bus == DiskBus.IDE) ? new DriveAddress(0, index / 2, 0, index % 2) : new DriveAddress(0, 0, 0, index);
	}

	/** The root hub ports of the USB controller of bus 0. */
	private static final class UsbPorts {

		private final Optional<Controller> controller;

		/** The ports given in the XML, and by whom. */
		private final Map<String, String> taken = new HashMap<>();

		UsbPorts(List<Controller> controllers) {
			Optional<Controller> found = Optional.empty();
			for (Controller c : controllers) {
				if (c.type() == ControllerType.USB && c.index() == 0 && !c.isCompanion()) {
					found = Optional.of(c);
					break;
				}
			}
			this.controller = found;
		}

		/**
		 * Takes the port a device's XML gives, if it is a USB address: refused, as QEMU
		 * would refuse it at start, when the controller has no such port, the port is
		 * behind a hub (no {@code <hub>} device is supported), or another device has it.
		 */
		void take(Optional<DeviceAddress> address, String device) {
			if (address.isEmpty() || !(address.get() instanceof UsbAddress usb)) {
				return;
			}
			String path = device + "/address/@port";
			int count = this.controller.map(UsbPorts::count).orElse(0);
			if (count == 0) {
				throw new InvalidConfigurationException(path,
						"a USB address needs a USB controller, and this domain has none: add <controller type='usb' "
								+ "model='qemu-xhci'/>, or remove the <address>");
			}
			if (usb.port().contains(".")) {
				throw new UnsupportedConfigurationException(path, "USB port " + usb.port()
						+ " is behind a hub, and USB hubs are not supported: use a port of the controller itself (1 to "
						+ count + "), or remove the <address> for the lowest free one");
			}
			if (Integer.parseInt(usb.port()) > count) {
				String model = this.controller.flatMap(Controller::model).orElse("none");
				throw new InvalidConfigurationException(path,
						"USB port " + usb.port() + " does not exist: the " + model + " controller has " + count
								+ " ports" + (model.endsWith("xhci") ? " (give it more with ports='15')" : "")
								+ "; use a port from 1 to " + count
								+ ", or remove the <address> for the lowest free one");
			}
			String other = this.taken.putIfAbsent(usb.port(), device);
			if (other != null) {
				throw new InvalidConfigurationException(path, "USB port " + usb.port() + " is taken twice: by " + other
						+ " and by " + device + "; give one of them another port, or remove its <address>");
			}
		}

		void check(String path, String what) {
			boolean none = this.controller.map((c) -> c.is(ControllerType.USB, "none")).orElse(true);
			if (none) {
				throw new InvalidConfigurationException(path,
						what + " needs a USB controller, and this domain has none (<controller type='usb' "
								+ "model='none'/>): use <controller type='usb' model='qemu-xhci'/> instead, or "
								+ "put the disk on another bus (virtio, sata, scsi)");
			}
		}

		UsbAddress next(String path) {
			int count = this.controller.map(UsbPorts::count).orElse(0);
			for (int port = 1; port <= count; port++) {
				if (this.taken.putIfAbsent(Integer.toString(port), path) == null) {
					return new UsbAddress(0, Integer.toString(port));
				}
			}
			String model = this.controller.flatMap(Controller::model).orElse("none");
			throw new UnsupportedConfigurationException(path,
					"no USB port is left: the " + model + " controller has " + count + " ports, all taken; "
							+ (model.endsWith("xhci") ? "give it more with ports='15'"
									: "use <controller type='usb' model='qemu-xhci' ports='15'/>")
							+ ", or put the device on another bus");
		}

		/**
		 * Ports of the root hub: an xHCI's {@code ports} (QEMU's default 4), an EHCI's 6,
		 * a UHCI's 2.
		 */
		private static int count(Controller controller) {
			String model = controller.model().orElse("none");
			if (model.equals("none")) {
				return 0;
			}
			if (model.endsWith("xhci")) {
				return controller.ports().orElse(4);
			}
			return model.equals("ich9-ehci1") ? 6 : 2;
		}

	}

}
