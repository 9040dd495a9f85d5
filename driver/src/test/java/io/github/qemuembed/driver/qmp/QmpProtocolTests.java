package io.github.qemuembed.driver.qmp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Protocol corner cases that a healthy QEMU does not produce on demand (an event racing
 * the negotiation reply, replies split across reads, garbage lines), played by a scripted
 * peer. Everything else is tested against real QEMU in {@link QmpClientTests}.
 */
class QmpProtocolTests {

	private static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 1, \"minor\": 2, \"major\": 9},"
			+ " \"package\": \"\"}, \"capabilities\": [\"oob\"]}}\r\n";

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void eventBeforeTheNegotiationReplyIsDeliveredAndConnectCompletes() throws Exception {
		ScriptedPeer peer = new ScriptedPeer();
		BlockingQueue<QmpEvent> events = new LinkedBlockingQueue<>();
		CompletableFuture<QmpClient> connecting = CompletableFuture
			.supplyAsync(() -> QmpClient.connect(peer, QmpClientOptions.defaults(), events::add));
		peer.awaitStarted();
		peer.receive(GREETING);
		JsonNode negotiation = peer.nextSent();
		assertThat(negotiation.path("execute").asString()).isEqualTo("qmp_capabilities");
		peer.receive(
				"{\"event\": \"EARLY\", \"data\": {\"n\": 1}, \"timestamp\": {\"seconds\": 5, \"microseconds\": 7}}\r\n"
						+ "{\"return\": {}}\r\n");
		try (QmpClient client = connecting.get(10, TimeUnit.SECONDS)) {
			QmpEvent early = events.poll(10, TimeUnit.SECONDS);
			assertThat(early.name()).isEqualTo("EARLY");
			assertThat(early.data().path("n").asInt()).isEqualTo(1);
			assertThat(early.timestamp().getEpochSecond()).isEqualTo(5);
			assertThat(early.timestamp().getNano()).isEqualTo(7000);
			assertThat(client.greeting().version()).isEqualTo("9.2.1");
		}
	}

	@Test
	void replySplitAcrossReadsAndGarbageLinesAreHandled() throws Exception {
		ScriptedPeer peer = new ScriptedPeer();
		try (QmpClient client = connect(peer)) {
			CompletableFuture<JsonNode> call = client.executeAsync("query-status", null);
			JsonNode sent = peer.nextSent();
			String reply = "{\"return\": {\"status\": \"running\"}}\r\n";
			peer.receive("this is not json\r\n[1, 2]\r\n" + reply.substring(0, 10));
			assertThat(call).isNotDone();
			peer.receive(reply.substring(10));
			assertThat(call.get(10, TimeUnit.SECONDS).path("status").asString()).isEqualTo("running");
		}
	}

	@Test
	void lateReplyToATimedOutCommandIsDiscardedAndTheNextCommandGetsItsOwn() throws Exception {
		ScriptedPeer peer = new ScriptedPeer();
		try (QmpClient client = connect(peer)) {
			assertThatExceptionOfType(QmpTimeoutError.class)
				.isThrownBy(() -> client.execute("slow", null, Duration.ofMillis(100)));
			JsonNode slow = peer.nextSent();
			CompletableFuture<JsonNode> next = client.executeAsync("next", null);
			// serialized: "next" is not written while "slow" still has its turn
			assertThat(peer.sentWithin(Duration.ofMillis(200))).isNull();
			peer.receive("{\"return\": {\"who\": \"slow\"}}\r\n");
			JsonNode nextSent = peer.nextSent();
			assertThat(nextSent.path("execute").asString()).isEqualTo("next");
			peer.receive("{\"return\": {\"who\": \"next\"}}\r\n");
			assertThat(next.get(10, TimeUnit.SECONDS).path("who").asString()).isEqualTo("next");
		}
	}

	/**
	 * A command answered by an event returns when the event arrives, not at another
	 * event; it keeps its turn until its reply, which, even when an error, fails nothing.
	 */
	@Test
	void commandAnsweredByItsEventReturnsBeforeItsReplyAndKeepsItsTurn() throws Exception {
		ScriptedPeer peer = new ScriptedPeer();
		BlockingQueue<QmpEvent> events = new LinkedBlockingQueue<>();
		try (QmpClient client = connect(peer, events::add)) {
			CompletableFuture<Void> cont = CompletableFuture
				.runAsync(() -> client.executeUntilEvent("cont", "RESUME", Duration.ofSeconds(30)));
			assertThat(peer.nextSent().path("execute").asString()).isEqualTo("cont");
			peer.receive("{\"event\": \"OTHER\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 0}}\r\n");
			assertThat(events.poll(10, TimeUnit.SECONDS).name()).isEqualTo("OTHER");
			assertThat(cont).isNotDone();
			peer.receive("{\"event\": \"RESUME\", \"timestamp\": {\"seconds\": 2, \"microseconds\": 0}}\r\n");
			cont.get(10, TimeUnit.SECONDS);
			assertThat(events.poll(10, TimeUnit.SECONDS).name()).isEqualTo("RESUME");
			CompletableFuture<JsonNode> next = client.executeAsync("next", null);
			// "cont" keeps its turn until QEMU answers it
			assertThat(peer.sentWithin(Duration.ofMillis(200))).isNull();
			peer.receive("{\"error\": {\"class\": \"GenericError\", \"desc\": \"late\"}}\r\n");
			assertThat(peer.nextSent().path("execute").asString()).isEqualTo("next");
			peer.receive("{\"return\": {\"who\": \"next\"}}\r\n");
			assertThat(next.get(10, TimeUnit.SECONDS).path("who").asString()).isEqualTo("next");
		}
	}

	@Test
	void commandAnsweredByAnEventFailsOnAnErrorReplyThatComesFirst() throws Exception {
		ScriptedPeer peer = new ScriptedPeer();
		try (QmpClient client = connect(peer)) {
			CompletableFuture<Void> cont = CompletableFuture
				.runAsync(() -> client.executeUntilEvent("cont", "RESUME", Duration.ofSeconds(30)));
			peer.nextSent();
			peer.receive("{\"error\": {\"class\": \"GenericError\", \"desc\": \"cannot\"}}\r\n");
			assertThat(cont).failsWithin(Duration.ofSeconds(10))
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOfSatisfying(QmpExecuteError.class,
						(ex) -> assertThat(ex.description()).isEqualTo("cannot"));
			// a RESUME now answers nothing
			peer.receive("{\"event\": \"RESUME\", \"timestamp\": {\"seconds\": 2, \"microseconds\": 0}}\r\n");
			CompletableFuture<JsonNode> next = client.executeAsync("next", null);
			peer.nextSent();
			peer.receive("{\"return\": {\"who\": \"next\"}}\r\n");
			assertThat(next.get(10, TimeUnit.SECONDS).path("who").asString()).isEqualTo("next");
		}
	}

	@Test
	void replyCarryingAnIdIsNotAnAnswerOfThisClient() throws Exception {
		ScriptedPeer peer = new ScriptedPeer();
		try (QmpClient client = connect(peer)) {
			CompletableFuture<JsonNode> call = client.executeAsync("query-status", null);
			JsonNode sent = peer.nextSent();
			peer.receive("{\"return\": {\"stale\": true}, \"id\": 999999}\r\n");
			peer.receive("{\"error\": {\"class\": \"GenericError\", \"desc\": \"boom\"}}\r\n");
			assertThat(call).failsWithin(Duration.ofSeconds(10))
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOfSatisfying(QmpExecuteError.class, (ex) -> {
					assertThat(ex.command()).isEqualTo("query-status");
					assertThat(ex.errorClass()).isEqualTo("GenericError");
					assertThat(ex.description()).isEqualTo("boom");
				});
		}
	}

	@Test
	void peerClosingBeforeTheGreetingFailsConnect() {
		ScriptedPeer peer = new ScriptedPeer();
		CompletableFuture.runAsync(() -> {
			peer.awaitStarted();
			peer.end(null);
		});
		assertThatExceptionOfType(QmpConnectError.class)
			.isThrownBy(() -> QmpClient.connect(peer, QmpClientOptions.defaults(), QmpEventListener.NONE))
			.withCauseInstanceOf(QmpProtocolError.class);
	}

	@Test
	void refusedNegotiationFailsConnectWithTheServersError() throws Exception {
		ScriptedPeer peer = new ScriptedPeer();
		CompletableFuture<QmpClient> connecting = CompletableFuture
			.supplyAsync(() -> QmpClient.connect(peer, QmpClientOptions.defaults(), QmpEventListener.NONE));
		peer.awaitStarted();
		peer.receive(GREETING);
		JsonNode negotiation = peer.nextSent();
		peer.receive("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"no negotiation here\"}}\r\n");
		assertThat(connecting).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(QmpConnectError.class)
			.havingCause()
			.isInstanceOfSatisfying(QmpExecuteError.class, (ex) -> {
				assertThat(ex.command()).isEqualTo("qmp_capabilities");
				assertThat(ex.errorClass()).isEqualTo("CommandNotFound");
				assertThat(ex.description()).isEqualTo("no negotiation here");
			});
	}

	@Test
	void lostConnectionFailsThePendingCallWithAProtocolErrorCarryingTheIoError() throws Exception {
		ScriptedPeer peer = new ScriptedPeer();
		try (QmpClient client = connect(peer)) {
			CompletableFuture<JsonNode> call = client.executeAsync("query-status", null);
			peer.nextSent();
			IOException reset = new IOException("Connection reset by peer");
			peer.end(reset);
			assertThat(call).failsWithin(Duration.ofSeconds(10))
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOf(QmpProtocolError.class)
				.withMessageContaining("Connection reset by peer")
				.havingCause()
				.isSameAs(reset);
			assertThatExceptionOfType(QmpProtocolError.class).isThrownBy(() -> client.execute("query-status"));
		}
	}

	@Test
	void interruptedCallerGetsQmpInterruptedErrorKeepsItsInterruptStatusAndTheCommandIsNotSent() throws Exception {
		ScriptedPeer peer = new ScriptedPeer();
		try (QmpClient client = connect(peer)) {
			CompletableFuture<JsonNode> first = client.executeAsync("first", null);
			JsonNode firstSent = peer.nextSent();
			Thread.currentThread().interrupt();
			try {
				// queued behind "first": the interrupt ends the wait before it is sent
				assertThatExceptionOfType(QmpInterruptedError.class).isThrownBy(() -> client.execute("second"))
					.withMessageContaining("second")
					.withCauseInstanceOf(InterruptedException.class);
				assertThat(Thread.currentThread().isInterrupted()).isTrue();
			}
			finally {
				Thread.interrupted();
			}
			peer.receive("{\"return\": {}}\r\n");
			assertThat(first.get(10, TimeUnit.SECONDS).isObject()).isTrue();
			// the abandoned command never reaches the peer; the next one does
			CompletableFuture<JsonNode> third = client.executeAsync("third", null);
			assertThat(peer.nextSent().path("execute").asString()).isEqualTo("third");
			assertThat(third).isNotDone();
		}
	}

	@Test
	void interruptedConnectGetsQmpInterruptedErrorAndKeepsItsInterruptStatus() {
		ScriptedPeer peer = new ScriptedPeer();
		Thread.currentThread().interrupt();
		try {
			assertThatExceptionOfType(QmpInterruptedError.class)
				.isThrownBy(() -> QmpClient.connect(peer, QmpClientOptions.defaults(), QmpEventListener.NONE));
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
		// the half-open client closed its transport
		assertThat(peer.ended).isTrue();
	}

	private static QmpClient connect(ScriptedPeer peer) throws Exception {
		return connect(peer, QmpEventListener.NONE);
	}

	private static QmpClient connect(ScriptedPeer peer, QmpEventListener listener) throws Exception {
		CompletableFuture<QmpClient> connecting = CompletableFuture
			.supplyAsync(() -> QmpClient.connect(peer, QmpClientOptions.defaults(), listener));
		peer.awaitStarted();
		peer.receive(GREETING);
		JsonNode negotiation = peer.nextSent();
		peer.receive("{\"return\": {}}\r\n");
		return connecting.get(10, TimeUnit.SECONDS);
	}

	/**
	 * A transport whose far end is the test: what the client sends is queued, what the
	 * test says is delivered.
	 */
	static final class ScriptedPeer implements QmpTransport {

		private final BlockingQueue<JsonNode> sent = new LinkedBlockingQueue<>();

		private final List<Receiver> receivers = new CopyOnWriteArrayList<>();

		private volatile boolean ended;

		@Override
		public void start(Receiver receiver) {
			this.receivers.add(receiver);
		}

		@Override
		public void send(ByteBuffer message, int fd) {
			byte[] bytes = new byte[message.remaining()];
			message.get(bytes);
			this.sent.add(json.readTree(bytes));
		}

		@Override
		public boolean canPassFileDescriptors() {
			return false;
		}

		@Override
		public void close() {
			end(null);
		}

		void awaitStarted() {
			await().atMost(Duration.ofSeconds(30)).until(() -> !this.receivers.isEmpty());
		}

		/**
		 * Delivers bytes as if read from the socket (one thread at a time, like a real
		 * transport).
		 */
		synchronized void receive(String text) {
			this.receivers.get(0).onData(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
		}

		synchronized void end(Throwable cause) {
			if (!this.ended) {
				this.ended = true;
				this.receivers.get(0).onClosed(cause);
			}
		}

		JsonNode nextSent() throws InterruptedException {
			JsonNode message = this.sent.poll(10, TimeUnit.SECONDS);
			assertThat(message).as("a message from the client").isNotNull();
			return message;
		}

		JsonNode sentWithin(Duration duration) throws InterruptedException {
			return this.sent.poll(duration.toMillis(), TimeUnit.MILLISECONDS);
		}

	}

}
