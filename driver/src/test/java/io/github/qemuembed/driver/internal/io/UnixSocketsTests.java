package io.github.qemuembed.driver.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jnr.unixsocket.UnixServerSocketChannel;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class UnixSocketsTests {

	@TempDir
	Path dir;

	@Test
	void aPathTooLongForSunPathIsRefusedBeforeConnecting() {
		Path socket = Path.of("/tmp/" + "x".repeat(UnixSockets.MAX_PATH_BYTES));
		assertThatIllegalArgumentException().isThrownBy(() -> UnixSockets.address(socket))
			.withMessageContaining("longer than 107 bytes")
			.withMessageContaining("use a shorter root directory");
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> UnixSockets.open(socket))
			.withMessageContaining("longer than 107 bytes");
	}

	@Test
	void nothingListeningFailsAtOnce() {
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> UnixSockets.open(this.dir.resolve("none")));
	}

	@Test
	void openedStreamsTalkToThePeer() throws Exception {
		Path socket = this.dir.resolve("s");
		try (UnixServerSocketChannel server = UnixServerSocketChannel.open()) {
			server.socket().bind(new UnixSocketAddress(socket.toFile()));
			CompletableFuture<UnixSocketChannel> accepted = CompletableFuture.supplyAsync(() -> {
				try {
					return server.accept();
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
			try (ChannelStreams streams = UnixSockets.open(socket); UnixSocketChannel peer = accepted.join()) {
				streams.output().write("ping".getBytes(StandardCharsets.US_ASCII));
				peer.write(ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII)));
				assertThat(streams.input().readNBytes(4)).asString(StandardCharsets.US_ASCII).isEqualTo("pong");
				ByteBuffer received = ByteBuffer.allocate(4);
				while (received.hasRemaining()) {
					assertThat(peer.read(received)).isNotNegative();
				}
				assertThat(new String(received.array(), StandardCharsets.US_ASCII)).isEqualTo("ping");
			}
		}
	}

}
