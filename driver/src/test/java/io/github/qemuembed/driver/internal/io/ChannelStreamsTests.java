package io.github.qemuembed.driver.internal.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jnr.unixsocket.UnixServerSocketChannel;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A real socket pair: a close ends a blocked read, and no read or write after a close can
 * reach a file that got the socket's descriptor number.
 */
class ChannelStreamsTests {

	@TempDir
	Path dir;

	private UnixServerSocketChannel server;

	private UnixSocketChannel peer;

	private UnixSocketChannel client;

	@BeforeEach
	void connect() throws Exception {
		Path socket = this.dir.resolve("s");
		this.server = UnixServerSocketChannel.open();
		this.server.socket().bind(new UnixSocketAddress(socket.toFile()));
		CompletableFuture<UnixSocketChannel> accepted = CompletableFuture.supplyAsync(() -> {
			try {
				return this.server.accept();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		this.client = UnixSocketChannel.open(new UnixSocketAddress(socket.toFile()));
		this.peer = accepted.join();
	}

	@AfterEach
	void close() throws IOException {
		this.peer.close();
		this.server.close();
	}

	@Test
	void closeEndsABlockedReadWithEndOfStream() throws Exception {
		ChannelStreams streams = ChannelStreams.over(this.client);
		CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
			try {
				return streams.input().read(new byte[16]);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		// the reader is blocked: the peer sends nothing
		assertThat(read).isNotDone();
		streams.close();
		assertThat(read).succeedsWithin(Duration.ofSeconds(30)).isEqualTo(-1);
		assertThat(this.client.isOpen()).isFalse();
	}

	@Test
	void dataBeforeTheCloseIsRead() throws Exception {
		ChannelStreams streams = ChannelStreams.over(this.client);
		this.peer.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
		byte[] buffer = new byte[5];
		assertThat(streams.input().readNBytes(buffer, 0, 5)).isEqualTo(5);
		assertThat(new String(buffer, StandardCharsets.US_ASCII)).isEqualTo("hello");
		streams.output().write("back".getBytes(StandardCharsets.US_ASCII));
		ByteBuffer echo = ByteBuffer.allocate(4);
		while (echo.hasRemaining()) {
			this.peer.read(echo);
		}
		assertThat(new String(echo.array(), StandardCharsets.US_ASCII)).isEqualTo("back");
		streams.close();
	}

	@Test
	void aReadAfterTheCloseNeverTouchesAFileThatReusedTheDescriptor() throws Exception {
		ChannelStreams streams = ChannelStreams.over(this.client);
		int number = this.client.getFD();
		streams.close();
		Path file = this.dir.resolve("metadata.xml");
		Files.writeString(file, "<domainsnapshot/>");
		List<InputStream> opened = new ArrayList<>();
		try {
			InputStream reusing = openUntilNumberIsReused(file, number, opened);
			assertThat(streams.input().read(new byte[64])).isEqualTo(-1);
			assertThatExceptionOfType(ClosedChannelException.class)
				.isThrownBy(() -> streams.output().write("x".getBytes(StandardCharsets.US_ASCII)));
			// the file opened on the old number still has all its bytes for its own
			// reader
			assertThat(new String(reusing.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("<domainsnapshot/>");
		}
		finally {
			for (InputStream in : opened) {
				in.close();
			}
		}
	}

	/**
	 * Opens {@code file} until the kernel hands out {@code number} (it gives the lowest
	 * free one, so this is quick unless another thread races for it).
	 */
	private static InputStream openUntilNumberIsReused(Path file, int number, List<InputStream> opened)
			throws IOException {
		Path link = Path.of("/proc/self/fd/" + number);
		for (int i = 0; i < 200; i++) {
			InputStream in = Files.newInputStream(file);
			opened.add(in);
			if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(file)) {
				return in;
			}
		}
		throw new AssertionError("descriptor " + number + " was not reused within 200 opens");
	}

}
