package io.github.qemuembed.driver.internal.rpc;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.github.qemuembed.driver.internal.rpc.RemoteObjects.NetworkPortRef;
import io.github.qemuembed.driver.internal.rpc.RemoteObjects.NetworkRef;
import io.github.qemuembed.driver.internal.rpc.RemoteObjects.SecretRef;
import io.github.qemuembed.driver.internal.rpc.RemoteObjects.StoragePoolRef;
import io.github.qemuembed.driver.internal.rpc.RemoteObjects.StorageVolRef;
import io.github.qemuembed.driver.internal.rpc.RemoteObjects.VolumeInfo;

/**
 * The libvirt API calls this project needs, typed, over an {@link RpcClient}: networks
 * and their ports, storage pools and volumes, secrets. Argument and reply layouts follow
 * {@code remote_protocol.x}. Handles ({@code NetworkRef}...) stay valid across
 * reconnects: the daemon identifies objects by name/UUID, not by connection.
 */
public final class LibvirtClient implements Closeable {

	/** {@code REMOTE_SECRET_VALUE_MAX}. */
	public static final int SECRET_VALUE_MAX = 65_536;

	private static final int SECRET_LIST_MAX = 16_384;

	private final RpcClient rpc;

	public LibvirtClient(RpcClient rpc) {
		this.rpc = rpc;
	}

	public static LibvirtClient connect(String uri, RpcClientOptions options) {
		return new LibvirtClient(new RpcClient(LibvirtUri.parse(uri), options));
	}

	public RpcClient rpc() {
		return this.rpc;
	}

	/**
	 * The daemon's libvirt version as {@code major * 1_000_000 + minor * 1000 + micro}; a
	 * cheap liveness check.
	 */
	public long libVersion() {
		return this.rpc.call(RemoteProcedure.CONNECT_GET_LIB_VERSION, (args) -> {
		}, XdrDecoder::readHyper);
	}

	// networks

	public NetworkRef networkLookupByName(String name) {
		return this.rpc.call(RemoteProcedure.NETWORK_LOOKUP_BY_NAME, (args) -> args.writeString(name),
				NetworkRef::decode);
	}

	public String networkXml(NetworkRef network) {
		return this.rpc.call(RemoteProcedure.NETWORK_GET_XML_DESC, (args) -> {
			network.encode(args);
			args.writeInt(0);
		}, XdrDecoder::readString);
	}

	public String networkBridgeName(NetworkRef network) {
		return this.rpc.call(RemoteProcedure.NETWORK_GET_BRIDGE_NAME, network::encode, XdrDecoder::readString);
	}

	public boolean networkIsActive(NetworkRef network) {
		return this.rpc.call(RemoteProcedure.NETWORK_IS_ACTIVE, network::encode, (reply) -> reply.readInt() != 0);
	}

	public NetworkRef networkDefine(String xml) {
		return this.rpc.call(RemoteProcedure.NETWORK_DEFINE_XML, (args) -> args.writeString(xml), NetworkRef::decode);
	}

	public void networkCreate(NetworkRef network) {
		this.rpc.call(RemoteProcedure.NETWORK_CREATE, network::encode);
	}

	public void networkDestroy(NetworkRef network) {
		this.rpc.call(RemoteProcedure.NETWORK_DESTROY, network::encode);
	}

	public void networkUndefine(NetworkRef network) {
		this.rpc.call(RemoteProcedure.NETWORK_UNDEFINE, network::encode);
	}

	/** Reserves a port on a running network; the XML needs a UUID, an owner and a MAC. */
	public NetworkPortRef networkPortCreate(NetworkRef network, String xml) {
		return this.rpc.call(RemoteProcedure.NETWORK_PORT_CREATE_XML, (args) -> {
			network.encode(args);
			args.writeString(xml).writeInt(0);
		}, NetworkPortRef::decode);
	}

	public String networkPortXml(NetworkPortRef port) {
		return this.rpc.call(RemoteProcedure.NETWORK_PORT_GET_XML_DESC, (args) -> {
			port.encode(args);
			args.writeInt(0);
		}, XdrDecoder::readString);
	}

	public void networkPortDelete(NetworkPortRef port) {
		this.rpc.call(RemoteProcedure.NETWORK_PORT_DELETE, (args) -> {
			port.encode(args);
			args.writeInt(0);
		});
	}

	// storage

	public StoragePoolRef storagePoolLookupByName(String name) {
		return this.rpc.call(RemoteProcedure.STORAGE_POOL_LOOKUP_BY_NAME, (args) -> args.writeString(name),
				StoragePoolRef::decode);
	}

	public StoragePoolRef storagePoolDefine(String xml) {
		return this.rpc.call(RemoteProcedure.STORAGE_POOL_DEFINE_XML, (args) -> args.writeString(xml).writeInt(0),
				StoragePoolRef::decode);
	}

	/**
	 * Starts a defined pool; flags {@code VIR_STORAGE_POOL_CREATE_WITH_BUILD} (1) builds
	 * it (creates a dir pool's directory) first.
	 */
	public void storagePoolCreate(StoragePoolRef pool, int flags) {
		this.rpc.call(RemoteProcedure.STORAGE_POOL_CREATE, (args) -> {
			pool.encode(args);
			args.writeInt(flags);
		});
	}

	public void storagePoolRefresh(StoragePoolRef pool) {
		this.rpc.call(RemoteProcedure.STORAGE_POOL_REFRESH, (args) -> {
			pool.encode(args);
			args.writeInt(0);
		});
	}

	public void storagePoolDestroy(StoragePoolRef pool) {
		this.rpc.call(RemoteProcedure.STORAGE_POOL_DESTROY, pool::encode);
	}

	public void storagePoolUndefine(StoragePoolRef pool) {
		this.rpc.call(RemoteProcedure.STORAGE_POOL_UNDEFINE, pool::encode);
	}

	public StorageVolRef storageVolLookupByName(StoragePoolRef pool, String name) {
		return this.rpc.call(RemoteProcedure.STORAGE_VOL_LOOKUP_BY_NAME, (args) -> {
			pool.encode(args);
			args.writeString(name);
		}, StorageVolRef::decode);
	}

	public StorageVolRef storageVolCreate(StoragePoolRef pool, String xml) {
		return this.rpc.call(RemoteProcedure.STORAGE_VOL_CREATE_XML, (args) -> {
			pool.encode(args);
			args.writeString(xml).writeInt(0);
		}, StorageVolRef::decode);
	}

	public void storageVolDelete(StorageVolRef volume) {
		this.rpc.call(RemoteProcedure.STORAGE_VOL_DELETE, (args) -> {
			volume.encode(args);
			args.writeInt(0);
		});
	}

	public String storageVolPath(StorageVolRef volume) {
		return this.rpc.call(RemoteProcedure.STORAGE_VOL_GET_PATH, volume::encode, XdrDecoder::readString);
	}

	public VolumeInfo storageVolInfo(StorageVolRef volume) {
		return this.rpc.call(RemoteProcedure.STORAGE_VOL_GET_INFO, volume::encode,
				// XDR has no 8-bit type: the "char type" travels as a full int
				(reply) -> new VolumeInfo(reply.readInt(), reply.readHyper(), reply.readHyper()));
	}

	public String storageVolXml(StorageVolRef volume) {
		return this.rpc.call(RemoteProcedure.STORAGE_VOL_GET_XML_DESC, (args) -> {
			volume.encode(args);
			args.writeInt(0);
		}, XdrDecoder::readString);
	}

	// secrets

	public SecretRef secretLookupByUuid(UUID uuid) {
		return this.rpc.call(RemoteProcedure.SECRET_LOOKUP_BY_UUID, (args) -> args.writeUuid(uuid), SecretRef::decode);
	}

	/**
	 * The secret's value. A daemon hands out the values of {@code private='yes'} secrets
	 * only to its own internal callers: over RPC it refuses them with libvirt error 65
	 * ({@code VIR_ERR_INVALID_SECRET}, "secret is private").
	 */
	public byte[] secretValue(SecretRef secret) {
		return this.rpc.call(RemoteProcedure.SECRET_GET_VALUE, (args) -> {
			secret.encode(args);
			args.writeInt(0);
		}, (reply) -> reply.readOpaque(SECRET_VALUE_MAX));
	}

	public SecretRef secretDefine(String xml) {
		return this.rpc.call(RemoteProcedure.SECRET_DEFINE_XML, (args) -> args.writeString(xml).writeInt(0),
				SecretRef::decode);
	}

	public void secretSetValue(SecretRef secret, byte[] value) {
		this.rpc.call(RemoteProcedure.SECRET_SET_VALUE, (args) -> {
			secret.encode(args);
			args.writeOpaque(value).writeInt(0);
		});
	}

	public String secretXml(SecretRef secret) {
		return this.rpc.call(RemoteProcedure.SECRET_GET_XML_DESC, (args) -> {
			secret.encode(args);
			args.writeInt(0);
		}, XdrDecoder::readString);
	}

	public void secretUndefine(SecretRef secret) {
		this.rpc.call(RemoteProcedure.SECRET_UNDEFINE, secret::encode);
	}

	public List<SecretRef> secretList() {
		return this.rpc.call(RemoteProcedure.CONNECT_LIST_ALL_SECRETS, (args) -> args.writeInt(1).writeInt(0),
				(reply) -> {
					int count = reply.readInt();
					if (count < 0 || count > SECRET_LIST_MAX) {
						throw new RemoteProtocolException("Invalid secret list length " + count);
					}
					List<SecretRef> secrets = new ArrayList<>(count);
					for (int i = 0; i < count; i++) {
						secrets.add(SecretRef.decode(reply));
					}
					reply.readInt(); // ret: the count again
					return secrets;
				});
	}

	@Override
	public void close() {
		this.rpc.close();
	}

}
