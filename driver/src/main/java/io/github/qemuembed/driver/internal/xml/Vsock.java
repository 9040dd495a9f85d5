package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * {@code <vsock model='virtio'><cid auto='no' address='N'/></vsock>}: a virtio socket
 * with a fixed guest CID.
 */
public record Vsock(long cid, Optional<PciAddress> address) {

	public Vsock withAddress(PciAddress address) {
		return new Vsock(this.cid, Optional.of(address));
	}

}
