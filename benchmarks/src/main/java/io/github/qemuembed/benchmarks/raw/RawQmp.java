package io.github.qemuembed.benchmarks.raw;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;

/**
 * The least a program must do to talk QMP: JSON lines over a UNIX socket, one command at
 * a time, replies recognised by their first key. No ids, no event dispatch, no JSON
 * parsing: this is the floor the driver's QMP client is compared against, not a client to
 * build on.
 */
public final class RawQmp implements Closeable {

	private static final long RETRY_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

	private final UnixSocketChannel channel;

	private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

	private RawQmp(UnixSocketChannel channel) {
		this.channel = channel;
		this.buffer.flip();
	}

	/**
	 * Connects once QEMU has created its monitor socket; polls every 0.5 ms because QEMU
	 * creates the socket some time after exec and says nothing when it has.
	 */
	public static RawQmp connect(Path socket, Process qemu, long timeoutMillis) throws IOException {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		UnixSocketAddress address = new UnixSocketAddress(socket.toFile());
		while (true) {
			if (Files.exists(socket)) {
				try {
					return new RawQmp(UnixSocketChannel.open(address));
				}
				catch (IOException ex) {
					// not listening yet
				}
			}
			if (!qemu.isAlive()) {
				throw new IOException("QEMU exited with status " + qemu.exitValue() + " before its monitor was ready");
			}
			if (System.nanoTime() > deadline) {
				throw new IOException("QEMU's monitor " + socket + " not ready after " + timeoutMillis + " ms");
			}
			LockSupport.parkNanos(RETRY_NANOS);
		}
	}

	/** Reads the greeting QEMU sends on connect. */
	public String greeting() throws IOException {
		return readLine();
	}

	/** Sends one command and returns its reply line, skipping events. */
	public String execute(String commandJson) throws IOException {
		ByteBuffer out = ByteBuffer.wrap((commandJson + "\n").getBytes(StandardCharsets.UTF_8));
		while (out.hasRemaining()) {
			this.channel.write(out);
		}
		while (true) {
			String line = readLine();
			if (line.startsWith("{\"return\"")) {
				return line;
			}
			if (line.startsWith("{\"error\"")) {
				throw new IOException("QMP error for " + commandJson + ": " + line);
			}
		}
	}

	private String readLine() throws IOException {
		while (true) {
			for (int i = this.buffer.position(); i < this.buffer.limit(); i++) {
				if (this.buffer.get(i) == '\n') {
					byte[] line = new byte[i - this.buffer.position()];
					this.buffer.get(line);
					this.buffer.get();
					return new String(line, StandardCharsets.UTF_8);
				}
			}
			this.buffer.compact();
			int read = this.channel.read(this.buffer);
			this.buffer.flip();
			if (read < 0) {
				throw new IOException("QEMU closed its monitor");
			}
		}
	}

	@Override
	public void close() throws IOException {
		this.channel.close();
	}

}
