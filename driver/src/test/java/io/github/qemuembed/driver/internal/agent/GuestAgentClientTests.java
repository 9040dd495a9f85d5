package io.github.qemuembed.driver.internal.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.GuestAgentException;
import io.github.qemuembed.driver.error.GuestAgentProtocolException;
import io.github.qemuembed.driver.error.GuestAgentUnresponsiveException;
import io.github.qemuembed.driver.internal.io.ChannelStreams;
import jnr.unixsocket.UnixServerSocketChannel;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The agent protocol against a scripted agent on a real UNIX socket: the
 * resynchronisation (delimiter, stale bytes, stale replies), error replies, timeouts and
 * a lost connection. The real {@code qemu-ga} is exercised by the integration tests
 * (GuestAgentIT).
 */
class GuestAgentClientTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private Path socket;

	private UnixServerSocketChannel server;

	private UnixSocketChannel peer;

	private ChannelStreams peerStreams;

	private InputStream fromClient;

	private OutputStream toClient;

	private GuestAgentClient client;

	@BeforeEach
	void listen() throws IOException {
		Path dir = Files.createTempDirectory(Path.of("/tmp"), "qga");
		this.socket = dir.resolve("agent.sock");
		this.server = UnixServerSocketChannel.open();
		this.server.socket().bind(new UnixSocketAddress(this.socket.toFile()));
		CompletableFuture<UnixSocketChannel> accepted = CompletableFuture.supplyAsync(() -> {
			try {
				return this.server.accept();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		this.client = GuestAgentClient.connect(this.socket, TIMEOUT);
		this.peer = accepted.join();
		this.peerStreams = ChannelStreams.over(this.peer);
		this.fromClient = this.peerStreams.input();
		this.toClient = this.peerStreams.output();
	}

	@AfterEach
	void close() throws IOException {
		this.client.close();
		this.peerStreams.close();
		this.server.close();
		Files.deleteIfExists(this.socket);
		Files.deleteIfExists(this.socket.getParent());
	}

	@Test
	void firstCallResynchronisesSkippingStaleBytesAndStaleReplies() throws Exception {
		CompletableFuture<JsonNode> ping = CompletableFuture
			.supplyAsync(() -> this.client.call("guest-ping", null, TIMEOUT));
		Message sync = next();
		assertThat(sync.delimited()).as("sync starts with 0xFF").isTrue();
		assertThat(sync.json().path("execute").asString()).isEqualTo("guest-sync-delimited");
		long id = sync.json().path("arguments").path("id").asLong();
		// a half reply from before, then the answer to an older sync, and only then ours
		send("{\"return\": {\"from-before\": tr");
		sendBytes(new byte[] { (byte) 0xFF });
		send("{\"return\": " + (id + 1) + "}\n{\"return\": " + id + "}\n");
		Message command = next();
		assertThat(command.delimited()).isFalse();
		assertThat(command.json().path("execute").asString()).isEqualTo("guest-ping");
		assertThat(command.json().has("arguments")).isFalse();
		send("{\"return\": {}}\n");
		assertThat(ping.get(10, TimeUnit.SECONDS).isObject()).isTrue();
	}

	@Test
	void errorReplyIsTypedAndKeepsTheConnectionInSync() throws Exception {
		CompletableFuture<JsonNode> first = CompletableFuture.supplyAsync(
				() -> this.client.call("guest-file-open", JSON.createObjectNode().put("path", "/nope"), TIMEOUT));
		answerSync();
		assertThat(next().json().path("arguments").path("path").asString()).isEqualTo("/nope");
		send("{\"error\": {\"class\": \"GenericError\", \"desc\": \"failed to open file '/nope'\"}}\n");
		assertThat(first).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(GuestAgentException.class, (ex) -> {
				assertThat(ex.errorClass()).isEqualTo("GenericError");
				assertThat(ex.description()).isEqualTo("failed to open file '/nope'");
				assertThat(ex.getMessage()).contains("guest-file-open");
			});
		CompletableFuture<JsonNode> second = CompletableFuture
			.supplyAsync(() -> this.client.call("guest-get-osinfo", null, TIMEOUT));
		Message command = next();
		assertThat(command.delimited()).as("no new sync after an error reply").isFalse();
		assertThat(command.json().path("execute").asString()).isEqualTo("guest-get-osinfo");
		send("{\"return\": {\"id\": \"debian\"}}\n");
		assertThat(second.get(10, TimeUnit.SECONDS).path("id").asString()).isEqualTo("debian");
	}

	@Test
	void silentAgentTimesOutWithTheTypedErrorAndTheLateReplyIsNotTakenForTheNextCall() throws Exception {
		CompletableFuture<JsonNode> slow = CompletableFuture
			.supplyAsync(() -> this.client.call("guest-exec-status", null, Duration.ofMillis(300)));
		answerSync();
		assertThat(next().json().path("execute").asString()).isEqualTo("guest-exec-status");
		assertThat(slow).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(GuestAgentUnresponsiveException.class, (ex) -> {
				assertThat(ex.code()).isEqualTo(ErrorCode.AGENT_UNRESPONSIVE);
				assertThat(ex.getMessage()).contains("did not answer 'guest-exec-status' within 300 ms");
			});
		CompletableFuture<JsonNode> next = CompletableFuture
			.supplyAsync(() -> this.client.call("guest-ping", null, TIMEOUT));
		Message sync = next();
		assertThat(sync.delimited()).as("a timeout forces a new sync").isTrue();
		// the agent finally answers the old command, then the sync
		send("{\"return\": {\"exited\": true}}\n");
		sendBytes(new byte[] { (byte) 0xFF });
		send("{\"return\": " + sync.json().path("arguments").path("id").asLong() + "}\n");
		assertThat(next().json().path("execute").asString()).isEqualTo("guest-ping");
		send("{\"return\": {\"pong\": 1}}\n");
		assertThat(next.get(10, TimeUnit.SECONDS).path("pong").asInt()).isEqualTo(1);
	}

	@Test
	void noAgentAtAllFailsTheSyncWithinTheTimeout() {
		long start = System.nanoTime();
		assertThatExceptionOfType(GuestAgentUnresponsiveException.class)
			.isThrownBy(() -> this.client.call("guest-ping", null, Duration.ofMillis(200)))
			.withMessageContaining("guest-sync-delimited")
			.withMessageContaining("qemu-guest-agent");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void lostConnectionFailsThePendingCall() throws Exception {
		CompletableFuture<JsonNode> call = CompletableFuture
			.supplyAsync(() -> this.client.call("guest-ping", null, TIMEOUT));
		next();
		this.peerStreams.close();
		assertThat(call).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(GuestAgentUnresponsiveException.class)
			.withMessageContaining("ended");
		assertThat(this.client.isOpen()).isFalse();
	}

	@Test
	void garbageInsteadOfJsonIsAProtocolError() throws Exception {
		CompletableFuture<JsonNode> call = CompletableFuture
			.supplyAsync(() -> this.client.call("guest-ping", null, TIMEOUT));
		answerSync();
		next();
		send("this is not json\n");
		assertThat(call).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(GuestAgentProtocolException.class,
					(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.AGENT_UNSYNCED));
	}

	@Test
	void delimitedEncodingStartsWithTheSentinelAndEndsTheLine() {
		ByteBuffer plain = GuestAgentClient.encode("guest-ping", null, false);
		assertThat(StandardCharsets.UTF_8.decode(plain).toString()).isEqualTo("{\"execute\":\"guest-ping\"}\n");
		ByteBuffer delimited = GuestAgentClient.encode("guest-sync-delimited", JSON.createObjectNode().put("id", 7),
				true);
		assertThat(delimited.get(0)).isEqualTo((byte) 0xFF);
		delimited.position(1);
		assertThat(StandardCharsets.UTF_8.decode(delimited).toString())
			.isEqualTo("{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":7}}\n");
	}

	private void answerSync() throws IOException {
		Message sync = next();
		assertThat(sync.delimited()).isTrue();
		sendBytes(new byte[] { (byte) 0xFF });
		send("{\"return\": " + sync.json().path("arguments").path("id").asLong() + "}\n");
	}

	/**
	 * The next request line the client wrote, and whether a 0xFF delimiter came right
	 * before it.
	 */
	private Message next() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		boolean delimited = false;
		int b;
		while ((b = this.fromClient.read()) != '\n') {
			if (b < 0) {
				throw new IOException("client closed the connection");
			}
			if (b == 0xFF && line.size() == 0) {
				delimited = true;
			}
			else {
				line.write(b);
			}
		}
		return new Message(delimited, JSON.readTree(line.toByteArray()));
	}

	private void send(String text) throws IOException {
		sendBytes(text.getBytes(StandardCharsets.UTF_8));
	}

	private void sendBytes(byte[] bytes) throws IOException {
		this.toClient.write(bytes);
		this.toClient.flush();
	}

	private record Message(boolean delimited, JsonNode json) {
	}

}
