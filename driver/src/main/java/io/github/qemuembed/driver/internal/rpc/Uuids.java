package io.github.qemuembed.driver.internal.rpc;

import java.nio.ByteBuffer;
import java.util.UUID;

/** UUIDs as libvirt sends them: 16 raw bytes, most significant first. */
final class Uuids {

	private Uuids() {
	}

	static byte[] toBytes(UUID uuid) {
		return ByteBuffer.allocate(16)
			.putLong(uuid.getMostSignificantBits())
			.putLong(uuid.getLeastSignificantBits())
			.array();
	}

	static UUID fromBytes(byte[] bytes) {
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		return new UUID(buffer.getLong(), buffer.getLong());
	}

}
