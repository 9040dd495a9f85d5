package io.github.qemuembed.driver.internal.xml;

import java.util.List;
import java.util.Optional;

/**
 * {@code <interface type>}: a NIC.
 *
 * @param type user, network, bridge or ethernet
 * @param mac MAC address, lower case; generated ({@code 52:54:00:...}) when absent, as
 * libvirt does
 * @param model NIC model ({@code virtio}, {@code e1000}, {@code e1000e}, {@code rtl8139})
 * @param source network name ({@code network}) or bridge name ({@code bridge})
 * @param targetDev host tap name ({@code <target dev>})
 * @param bootOrder {@code <boot order>}
 * @param address PCI address
 * @param queues {@code <driver queues>}: virtio-net queue pairs (more than one only with
 * a tap of its own)
 * @param passt {@code <backend type='passt'/>}: user networking through the passt process
 * instead of QEMU's slirp
 * @param mtu {@code <mtu size>}: the MTU of the host tap and, for virtio, the guest's
 * ({@code host_mtu})
 * @param portForwards {@code <portForward>} elements of a user-mode NIC
 * @param driverName {@code <driver name>}: {@code vhost} (the host kernel moves the
 * packets, {@code vhost=on}) or {@code qemu} (QEMU does, {@code vhost=off}); empty for
 * QEMU's default
 */
public record NetInterface(InterfaceType type, String mac, String model, Optional<String> source,
		Optional<String> targetDev, Optional<Integer> bootOrder, Optional<PciAddress> address, Optional<Integer> queues,
		boolean passt, Optional<Integer> mtu, List<PortForward> portForwards, Optional<String> driverName) {

	public NetInterface {
		portForwards = List.copyOf(portForwards);
	}

	public NetInterface(InterfaceType type, String mac, String model, Optional<String> source,
			Optional<String> targetDev, Optional<Integer> bootOrder, Optional<PciAddress> address,
			Optional<Integer> queues, boolean passt, Optional<Integer> mtu, List<PortForward> portForwards) {
		this(type, mac, model, source, targetDev, bootOrder, address, queues, passt, mtu, portForwards,
				Optional.empty());
	}

	/** Whether QEMU opens more than one queue pair on the NIC's tap. */
	public boolean multiQueue() {
		return this.queues.orElse(1) > 1;
	}

	public NetInterface(InterfaceType type, String mac, String model, Optional<String> source,
			Optional<String> targetDev, Optional<Integer> bootOrder, Optional<PciAddress> address,
			Optional<Integer> queues) {
		this(type, mac, model, source, targetDev, bootOrder, address, queues, false, Optional.empty(), List.of());
	}

	public NetInterface(InterfaceType type, String mac, String model, Optional<String> source,
			Optional<String> targetDev, Optional<Integer> bootOrder, Optional<PciAddress> address) {
		this(type, mac, model, source, targetDev, bootOrder, address, Optional.empty());
	}

	public NetInterface withAddress(PciAddress address) {
		return new NetInterface(this.type, this.mac, this.model, this.source, this.targetDev, this.bootOrder,
				Optional.of(address), this.queues, this.passt, this.mtu, this.portForwards, this.driverName);
	}

	public NetInterface withTargetDev(String targetDev) {
		return new NetInterface(this.type, this.mac, this.model, this.source, Optional.ofNullable(targetDev),
				this.bootOrder, this.address, this.queues, this.passt, this.mtu, this.portForwards, this.driverName);
	}

	public NetInterface withPortForwards(List<PortForward> portForwards) {
		return new NetInterface(this.type, this.mac, this.model, this.source, this.targetDev, this.bootOrder,
				this.address, this.queues, this.passt, this.mtu, portForwards, this.driverName);
	}

}
