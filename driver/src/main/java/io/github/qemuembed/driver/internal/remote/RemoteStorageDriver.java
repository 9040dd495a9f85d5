package io.github.qemuembed.driver.internal.remote;

import java.util.Optional;

import org.w3c.dom.Element;

import io.github.qemuembed.driver.secondary.StorageDriver;
import io.github.qemuembed.driver.secondary.StorageVolume;
import io.github.qemuembed.driver.internal.rpc.LibvirtClient;
import io.github.qemuembed.driver.internal.rpc.RemoteObjects.StoragePoolRef;
import io.github.qemuembed.driver.internal.rpc.RemoteObjects.StorageVolRef;
import io.github.qemuembed.driver.internal.xml.SafeXml;

/**
 * The storage driver of a libvirt daemon, over RPC: pool and volume lookup by name, the
 * volume's path and, from its XML, its format. The path is the daemon's view; it is
 * usable by QEMU here when the daemon runs on this host or shares the pool's directory
 * with it.
 */
public final class RemoteStorageDriver extends AbstractRemoteDriver implements StorageDriver {

	public RemoteStorageDriver(LibvirtClient client) {
		super(client);
	}

	@Override
	public String volumePath(String pool, String volume) {
		return this.client.storageVolPath(lookup(pool, volume));
	}

	@Override
	public StorageVolume describeVolume(String pool, String volume) {
		StorageVolRef ref = lookup(pool, volume);
		String path = this.client.storageVolPath(ref);
		String xml = this.client.storageVolXml(ref);
		long capacity = this.client.storageVolInfo(ref).capacity();
		return new StorageVolume(pool, volume, path, formatOf(xml), Optional.of(capacity));
	}

	static Optional<String> formatOf(String volumeXml) {
		Element root = SafeXml.parse(volumeXml);
		return SafeXml.child(root, "target")
			.flatMap((target) -> SafeXml.child(target, "format"))
			.flatMap((format) -> SafeXml.attribute(format, "type"));
	}

	private StorageVolRef lookup(String pool, String volume) {
		StoragePoolRef poolRef = this.client.storagePoolLookupByName(pool);
		return this.client.storageVolLookupByName(poolRef, volume);
	}

}
