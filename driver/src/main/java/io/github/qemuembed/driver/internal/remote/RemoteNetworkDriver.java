package io.github.qemuembed.driver.internal.remote;

import java.util.Optional;
import java.util.UUID;

import org.w3c.dom.Element;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.SecondaryDriverException;
import io.github.qemuembed.driver.secondary.NetworkDescription;
import io.github.qemuembed.driver.secondary.NetworkDriver;
import io.github.qemuembed.driver.secondary.NetworkPort;
import io.github.qemuembed.driver.secondary.NetworkPortRequest;
import io.github.qemuembed.driver.internal.rpc.LibvirtClient;
import io.github.qemuembed.driver.internal.rpc.LibvirtRemoteException;
import io.github.qemuembed.driver.internal.rpc.RemoteObjects.NetworkPortRef;
import io.github.qemuembed.driver.internal.rpc.RemoteObjects.NetworkRef;
import io.github.qemuembed.driver.internal.xml.SafeXml;

/**
 * The network driver of a libvirt daemon, over RPC. Bridges come from the network's XML
 * ({@code <bridge name='…'/>}); ports are reserved with {@code virNetworkPortCreateXML},
 * whose reply ({@code <plug type='bridge|network' bridge='…'/>}) says which bridge the
 * tap joins.
 *
 * <p>
 * The tap itself is created by qemu-embed on this host, so the bridge must exist in the
 * host's network namespace: a {@code <forward mode='bridge'>} network over a host bridge,
 * or a NAT/routed network of a daemon running on this host.
 */
public final class RemoteNetworkDriver extends AbstractRemoteDriver implements NetworkDriver {

	public RemoteNetworkDriver(LibvirtClient client) {
		super(client);
	}

	@Override
	public String bridgeOf(String network) {
		NetworkDescription description = describe(network);
		return usableBridge(description);
	}

	@Override
	public NetworkDescription describe(String network) {
		NetworkRef ref = this.client.networkLookupByName(network);
		String xml = this.client.networkXml(ref);
		boolean active = this.client.networkIsActive(ref);
		return parse(network, ref.uuid(), xml, active);
	}

	static NetworkDescription parse(String network, UUID uuid, String xml, boolean active) {
		Element root = SafeXml.parse(xml);
		Optional<String> bridge = SafeXml.child(root, "bridge").flatMap((e) -> SafeXml.attribute(e, "name"));
		Optional<String> mode = SafeXml.child(root, "forward").map((e) -> SafeXml.attribute(e, "mode").orElse("nat"));
		return new NetworkDescription(network, Optional.ofNullable(uuid), bridge, mode, active);
	}

	private String usableBridge(NetworkDescription description) {
		if (description.bridge().isEmpty()) {
			throw new SecondaryDriverException("Network '" + description.name() + "' at " + endpoint()
					+ " has no bridge" + description.forwardMode().map((m) -> " (forward mode '" + m + "')").orElse("")
					+ "; qemu-embed attaches NICs with a tap on a bridge, so use a network with <bridge name='…'/>");
		}
		if (!description.active()) {
			throw new SecondaryDriverException("Network '" + description.name() + "' at " + endpoint()
					+ " is not active; start it in the daemon (virsh net-start " + description.name() + ")");
		}
		return description.bridge().get();
	}

	@Override
	public NetworkPort createPort(String network, NetworkPortRequest request) {
		NetworkRef ref = this.client.networkLookupByName(network);
		UUID portUuid = UUID.randomUUID();
		String xml = "<networkport>\n" + "  <uuid>" + portUuid + "</uuid>\n" + "  <owner>\n" + "    <name>"
				+ SafeXml.escape(request.ownerName()) + "</name>\n" + "    <uuid>" + request.ownerUuid() + "</uuid>\n"
				+ "  </owner>\n" + "  <mac address='" + SafeXml.escape(request.mac()) + "'/>\n" + "</networkport>\n";
		NetworkPortRef port = this.client.networkPortCreate(ref, xml);
		try {
			String bridge = plugBridge(network, this.client.networkPortXml(port));
			return new NetworkPort(network, Optional.of(port.uuid()), bridge, request.mac());
		}
		catch (RuntimeException ex) {
			deleteQuietly(port, ex);
			throw ex;
		}
	}

	private String plugBridge(String network, String portXml) {
		Element plug = SafeXml.child(SafeXml.parse(portXml), "plug")
			.orElseThrow(() -> new SecondaryDriverException(
					"Network '" + network + "' at " + endpoint() + " reserved a port without a <plug>"));
		String type = SafeXml.attribute(plug, "type").orElse("");
		Optional<String> bridge = SafeXml.attribute(plug, "bridge");
		if ((!type.equals("bridge") && !type.equals("network")) || bridge.isEmpty()) {
			throw new SecondaryDriverException("Network '" + network + "' at " + endpoint() + " plugs NICs as '" + type
					+ "', not into a bridge; qemu-embed supports bridged networks only");
		}
		return bridge.get();
	}

	private void deleteQuietly(NetworkPortRef port, RuntimeException cause) {
		try {
			this.client.networkPortDelete(port);
		}
		catch (RuntimeException ex) {
			cause.addSuppressed(ex);
		}
	}

	@Override
	public void deletePort(NetworkPort port) {
		if (port.uuid().isEmpty()) {
			return;
		}
		try {
			NetworkRef ref = this.client.networkLookupByName(port.network());
			this.client.networkPortDelete(new NetworkPortRef(ref, port.uuid().get()));
		}
		catch (LibvirtRemoteException ex) {
			// already gone with its network, or released by the daemon: nothing left to
			// release
			if (ex.code() != ErrorCode.NO_NETWORK_PORT && ex.code() != ErrorCode.NO_NETWORK) {
				throw ex;
			}
		}
	}

}
