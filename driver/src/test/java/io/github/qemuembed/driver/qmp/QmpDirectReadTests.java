package io.github.qemuembed.driver.qmp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jnr.unixsocket.UnixServerSocketChannel;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The blocking caller that reads its own reply from the socket (instead of waiting for
 * the I/O thread's hand-off), against a scripted peer on a real UNIX socket: events read
 * with a reply still reach the listener on the I/O thread and in order, the I/O thread
 * takes over for late replies and for events between commands, and an interrupt, a close
 * or the peer's end still end the wait.
 */
class QmpDirectReadTests {

	private static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7},"
			+ " \"package\": \"\"}, \"capabilities\": []}}\r\n";

	private static final JsonMapper json = JsonMapper.shared();

	@TempDir
	Path dir;

	private UnixServerSocketChannel server;

	private Peer peer;

	private final BlockingQueue<QmpEvent> events = new LinkedBlockingQueue<>();

	private final List<String> eventThreads = new CopyOnWriteArrayList<>();

	private final BlockingQueue<QmpProtocolError> disconnects = new LinkedBlockingQueue<>();

	private QmpClient client;

	@BeforeEach
	void connect() throws Exception {
		Path socket = this.dir.resolve("qmp.sock");
		this.server = UnixServerSocketChannel.open();
		this.server.socket().bind(new UnixSocketAddress(socket.toFile()));
		CompletableFuture<Peer> accepted = CompletableFuture.supplyAsync(() -> {
			try {
				return new Peer(this.server.accept());
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
		CompletableFuture<QmpClient> connecting = CompletableFuture
			.supplyAsync(() -> QmpClient.connect(socket, QmpClientOptions.defaults(), new QmpEventListener() {

				@Override
				public void onEvent(QmpEvent event) {
					QmpDirectReadTests.this.eventThreads.add(Thread.currentThread().getName());
					QmpDirectReadTests.this.events.add(event);
				}

				@Override
				public void onDisconnect(QmpProtocolError cause) {
					QmpDirectReadTests.this.disconnects.add(cause);
				}

			}));
		this.peer = accepted.get(10, TimeUnit.SECONDS);
		this.peer.write(GREETING);
		this.peer.next(); // qmp_capabilities
		this.peer.write(reply("{}"));
		this.client = connecting.get(10, TimeUnit.SECONDS);
	}

	@AfterEach
	void close() throws IOException {
		if (this.client != null) {
			this.client.close();
		}
		if (this.peer != null) {
			this.peer.close();
		}
		this.server.close();
	}

	@Test
	void eventsReadWithTheReplyReachTheListenerOnTheIoThreadInOrder() throws Exception {
		CompletableFuture<JsonNode> call = CompletableFuture.supplyAsync(() -> this.client.execute("query-status"));
		this.peer.next();
		this.peer.write(event("FIRST", 1) + reply("{\"status\": \"running\"}") + event("SECOND", 2));
		assertThat(call.get(10, TimeUnit.SECONDS).path("status").asString()).isEqualTo("running");
		assertThat(this.events.poll(10, TimeUnit.SECONDS).name()).isEqualTo("FIRST");
		assertThat(this.events.poll(10, TimeUnit.SECONDS).name()).isEqualTo("SECOND");
		assertThat(this.eventThreads).containsOnly(QmpIoLoop.THREAD_NAME);
	}

	@Test
	void manyRoundTripsThenAnEventAloneStillReachesTheListener() throws Exception {
		CompletableFuture<Void> peerSide = CompletableFuture.runAsync(() -> {
			for (int i = 0; i < 300; i++) {
				this.peer.next();
				this.peer.write(reply("{\"n\": " + i + "}"));
			}
		});
		for (int i = 0; i < 300; i++) {
			assertThat(this.client.execute("query-status").path("n").asInt()).isEqualTo(i);
		}
		peerSide.get(10, TimeUnit.SECONDS);
		// no caller waits any more: the I/O thread must be watching the socket again
		this.peer.write(event("ALONE", 3));
		QmpEvent alone = this.events.poll(10, TimeUnit.SECONDS);
		assertThat(alone).isNotNull();
		assertThat(alone.name()).isEqualTo("ALONE");
	}

	@Test
	void aReplyLaterThanTheCallersOwnWaitIsDeliveredByTheIoThread() throws Exception {
		CompletableFuture<JsonNode> call = CompletableFuture.supplyAsync(() -> this.client.execute("slow"));
		this.peer.next();
		// well past the caller's own wait on the socket: it waits on the future by now
		assertThat(call).failsWithin(Duration.ofMillis(300))
			.withThrowableOfType(java.util.concurrent.TimeoutException.class);
		this.peer.write(reply("{\"late\": true}"));
		assertThat(call.get(10, TimeUnit.SECONDS).path("late").asBoolean()).isTrue();
	}

	@Test
	void anInterruptEndsTheWaitWithQmpInterruptedError() throws Exception {
		BlockingQueue<Throwable> outcome = new LinkedBlockingQueue<>();
		Thread caller = new Thread(() -> {
			try {
				this.client.execute("never-answered");
				outcome.add(new AssertionError("no failure"));
			}
			catch (Throwable ex) {
				outcome.add(ex);
			}
		});
		caller.start();
		this.peer.next();
		caller.interrupt();
		assertThat(outcome.poll(10, TimeUnit.SECONDS)).isInstanceOf(QmpInterruptedError.class);
	}

	@Test
	void closingTheClientEndsAWaitingCall() throws Exception {
		CompletableFuture<JsonNode> call = CompletableFuture.supplyAsync(() -> this.client.execute("never-answered"));
		this.peer.next();
		this.client.close();
		assertThat(call).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.havingCause()
			.isInstanceOf(QmpProtocolError.class);
	}

	@Test
	void thePeerEndingWhileACallerWaitsFailsTheCallAndIsReportedOnce() throws Exception {
		CompletableFuture<JsonNode> call = CompletableFuture.supplyAsync(() -> this.client.execute("never-answered"));
		this.peer.next();
		this.peer.close();
		assertThat(call).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.havingCause()
			.isInstanceOf(QmpProtocolError.class);
		assertThat(this.disconnects.poll(10, TimeUnit.SECONDS)).isNotNull();
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.client.isConnected());
		assertThat(this.disconnects.poll(200, TimeUnit.MILLISECONDS)).isNull();
	}

	private static String reply(String value) {
		return "{\"return\": " + value + "}\r\n";
	}

	private static String event(String name, int n) {
		return "{\"event\": \"" + name + "\", \"data\": {\"n\": " + n
				+ "}, \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}\r\n";
	}

	/** The far end of the socket, played by the test. */
	private static final class Peer {

		private final UnixSocketChannel channel;

		private final BufferedReader in;

		private final OutputStream out;

		Peer(UnixSocketChannel channel) {
			this.channel = channel;
			this.in = new BufferedReader(
					new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
			this.out = Channels.newOutputStream(channel);
		}

		/** The next command the client sent. */
		JsonNode next() {
			try {
				String line = this.in.readLine();
				assertThat(line).as("a command from the client").isNotNull();
				return json.readTree(line);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

		void write(String text) {
			try {
				this.out.write(text.getBytes(StandardCharsets.UTF_8));
				this.out.flush();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

		void close() throws IOException {
			this.channel.close();
		}

	}

}
