package io.github.qemuembed.driver.internal.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

import io.github.qemuembed.driver.error.GuestAgentProtocolException;
import io.github.qemuembed.driver.error.HostIoException;
import io.github.qemuembed.driver.error.QemuEmbedException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Copies a file into or out of the guest through
 * {@code guest-file-open/read/write/close}, one chunk per call, so that neither side
 * holds more than a chunk (and its base64 form) in memory. The guest file handle is
 * always closed, also when the copy fails.
 */
final class FileTransfer {

	/**
	 * Bytes per agent call: large enough that a few MiB take a few dozen round trips,
	 * small enough to stay cheap.
	 */
	static final int CHUNK_BYTES = 256 * 1024;

	private static final JsonMapper JSON = JsonMapper.shared();

	private final GuestAgentClient client;

	private final Duration timeout;

	FileTransfer(GuestAgentClient client, Duration timeout) {
		this.client = client;
		this.timeout = timeout;
	}

	long copyIn(InputStream source, String guestPath) {
		long handle = open(guestPath, "w");
		Throwable failure = null;
		try {
			byte[] chunk = new byte[CHUNK_BYTES];
			long total = 0;
			int count;
			while ((count = readChunk(source, chunk)) > 0) {
				write(handle, chunk, count, guestPath);
				total += count;
			}
			return total;
		}
		catch (RuntimeException | Error ex) {
			failure = ex;
			throw ex;
		}
		finally {
			close(handle, failure);
		}
	}

	long copyOut(String guestPath, OutputStream target) {
		long handle = open(guestPath, "r");
		Throwable failure = null;
		try {
			long total = 0;
			while (true) {
				JsonNode reply = this.client.call("guest-file-read",
						JSON.createObjectNode().put("handle", handle).put("count", CHUNK_BYTES), this.timeout);
				byte[] data = decode(reply.path("buf-b64"));
				if (data.length > 0) {
					target.write(data);
					total += data.length;
				}
				if (reply.path("eof").asBoolean(false) || data.length == 0) {
					return total;
				}
			}
		}
		catch (IOException ex) {
			HostIoException wrapped = new HostIoException(
					"Cannot write what was read from " + guestPath + " in the guest to the given stream", ex);
			failure = wrapped;
			throw wrapped;
		}
		catch (RuntimeException | Error ex) {
			failure = ex;
			throw ex;
		}
		finally {
			close(handle, failure);
		}
	}

	private long open(String guestPath, String mode) {
		Objects.requireNonNull(guestPath, "guestPath");
		if (guestPath.isEmpty()) {
			throw new IllegalArgumentException("a guest file path is required");
		}
		JsonNode handle = this.client.call("guest-file-open",
				JSON.createObjectNode().put("path", guestPath).put("mode", mode), this.timeout);
		if (!handle.canConvertToLong()) {
			throw new GuestAgentProtocolException("guest-file-open returned no handle for " + guestPath);
		}
		return handle.asLong();
	}

	private void write(long handle, byte[] chunk, int count, String guestPath) {
		int offset = 0;
		while (offset < count) {
			ObjectNode arguments = JSON.createObjectNode()
				.put("handle", handle)
				.put("buf-b64", Base64.getEncoder().encodeToString(Arrays.copyOfRange(chunk, offset, count)));
			int written = this.client.call("guest-file-write", arguments, this.timeout).path("count").asInt(-1);
			if (written <= 0) {
				throw new GuestAgentProtocolException(
						"guest-file-write wrote nothing to " + guestPath + " (is the guest file system full?)");
			}
			offset += written;
		}
	}

	private void close(long handle, Throwable failure) {
		try {
			this.client.call("guest-file-close", JSON.createObjectNode().put("handle", handle), this.timeout);
		}
		catch (QemuEmbedException ex) {
			if (failure != null) {
				failure.addSuppressed(ex);
			}
			else {
				throw ex;
			}
		}
	}

	private static int readChunk(InputStream source, byte[] chunk) {
		try {
			return source.readNBytes(chunk, 0, chunk.length);
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot read the data to copy into the guest", ex);
		}
	}

	private static byte[] decode(JsonNode value) {
		if (!value.isString()) {
			throw new GuestAgentProtocolException("guest-file-read returned no 'buf-b64'");
		}
		try {
			return Base64.getDecoder().decode(value.asString());
		}
		catch (IllegalArgumentException ex) {
			throw new GuestAgentProtocolException("guest-file-read returned data that is not base64", ex);
		}
	}

}
