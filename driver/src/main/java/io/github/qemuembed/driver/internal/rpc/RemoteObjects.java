package io.github.qemuembed.driver.internal.rpc;

import java.util.UUID;

/** Handles on daemon objects as the protocol passes them ({@code remote_nonnull_*}). */
public final class RemoteObjects {

	private RemoteObjects() {
	}

	/** {@code remote_nonnull_network}. */
	public record NetworkRef(String name, UUID uuid) {

		void encode(XdrEncoder encoder) {
			encoder.writeString(this.name).writeUuid(this.uuid);
		}

		static NetworkRef decode(XdrDecoder decoder) {
			return new NetworkRef(decoder.readString(), decoder.readUuid());
		}

	}

	/** {@code remote_nonnull_network_port}. */
	public record NetworkPortRef(NetworkRef network, UUID uuid) {

		void encode(XdrEncoder encoder) {
			this.network.encode(encoder);
			encoder.writeUuid(this.uuid);
		}

		static NetworkPortRef decode(XdrDecoder decoder) {
			return new NetworkPortRef(NetworkRef.decode(decoder), decoder.readUuid());
		}

	}

	/** {@code remote_nonnull_storage_pool}. */
	public record StoragePoolRef(String name, UUID uuid) {

		void encode(XdrEncoder encoder) {
			encoder.writeString(this.name).writeUuid(this.uuid);
		}

		static StoragePoolRef decode(XdrDecoder decoder) {
			return new StoragePoolRef(decoder.readString(), decoder.readUuid());
		}

	}

	/**
	 * {@code remote_nonnull_storage_vol}: pool name, volume name and the volume's key
	 * (usually its path).
	 */
	public record StorageVolRef(String pool, String name, String key) {

		void encode(XdrEncoder encoder) {
			encoder.writeString(this.pool).writeString(this.name).writeString(this.key);
		}

		static StorageVolRef decode(XdrDecoder decoder) {
			return new StorageVolRef(decoder.readString(), decoder.readString(), decoder.readString());
		}

	}

	/**
	 * {@code remote_nonnull_secret}: UUID, usage type ({@code virSecretUsageType}) and
	 * usage ID.
	 */
	public record SecretRef(UUID uuid, int usageType, String usageId) {

		void encode(XdrEncoder encoder) {
			encoder.writeUuid(this.uuid).writeInt(this.usageType).writeString(this.usageId);
		}

		static SecretRef decode(XdrDecoder decoder) {
			return new SecretRef(decoder.readUuid(), decoder.readInt(), decoder.readString());
		}

	}

	/**
	 * {@code remote_storage_vol_get_info_ret}.
	 *
	 * @param type {@code virStorageVolType}: 0 file, 1 block, 2 dir, 3 network, 4 netdir,
	 * 5 ploop
	 * @param capacity logical size in bytes
	 * @param allocation bytes allocated on the host
	 */
	public record VolumeInfo(int type, long capacity, long allocation) {

	}

}
