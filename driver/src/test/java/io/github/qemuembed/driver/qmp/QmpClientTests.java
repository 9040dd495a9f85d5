package io.github.qemuembed.driver.qmp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link QmpClient} against a real, guest-less QEMU.
 */
class QmpClientTests {

	private static final QmpClientOptions OPTIONS = QmpClientOptions.defaults();

	@Test
	void connectReadsGreetingAndNegotiatesCapabilities() throws Exception {
		try (GuestlessQemu qemu = GuestlessQemu.start();
				QmpClient client = QmpClient.connect(qemu.socket(), OPTIONS, QmpEventListener.NONE)) {
			QmpGreeting greeting = client.greeting();
			assertThat(greeting.major()).isEqualTo(7);
			assertThat(greeting.version()).startsWith("7.2.");
			assertThat(greeting.capabilities()).contains("oob");
			assertThat(client.isConnected()).isTrue();
			// a command only works once capabilities are negotiated (before, QEMU answers
			// CommandNotFound)
			assertThat(client.execute("query-version").path("qemu").path("major").asInt()).isEqualTo(7);
		}
	}

	@Test
	void queryStatusThenContRunsTheMachine() throws Exception {
		try (GuestlessQemu qemu = GuestlessQemu.start();
				QmpClient client = QmpClient.connect(qemu.socket(), OPTIONS, QmpEventListener.NONE)) {
			JsonNode before = client.execute("query-status");
			assertThat(before.path("status").asString()).isEqualTo("prelaunch");
			assertThat(before.path("running").asBoolean()).isFalse();
			assertThat(client.execute("cont").isObject()).isTrue();
			JsonNode after = client.execute("query-status");
			assertThat(after.path("status").asString()).isEqualTo("running");
			assertThat(after.path("running").asBoolean()).isTrue();
		}
	}

	/**
	 * {@code cont} answered by its RESUME: the call returns once QEMU sent it, the event
	 * still reaches the listener, and the next command gets its own reply.
	 */
	@Test
	void contUntilResumeReturnsWithTheMachineRunning() throws Exception {
		BlockingQueue<QmpEvent> events = new LinkedBlockingQueue<>();
		try (GuestlessQemu qemu = GuestlessQemu.start();
				QmpClient client = QmpClient.connect(qemu.socket(), OPTIONS, events::add)) {
			client.executeUntilEvent("cont", "RESUME");
			assertThat(events.poll(10, TimeUnit.SECONDS)).extracting(QmpEvent::name).isEqualTo("RESUME");
			JsonNode after = client.execute("query-status");
			assertThat(after.path("status").asString()).isEqualTo("running");
			// an error that comes before the event fails the call
			assertThatExceptionOfType(QmpExecuteError.class)
				.isThrownBy(() -> client.executeUntilEvent("no-such-command", "RESUME"))
				.satisfies((ex) -> assertThat(ex.errorClass()).isEqualTo("CommandNotFound"));
			assertThat(client.execute("query-status").path("running").asBoolean()).isTrue();
		}
	}

	@Test
	void errorReplyThrowsQmpExecuteErrorWithClassAndDescription() throws Exception {
		try (GuestlessQemu qemu = GuestlessQemu.start();
				QmpClient client = QmpClient.connect(qemu.socket(), OPTIONS, QmpEventListener.NONE)) {
			assertThatExceptionOfType(QmpExecuteError.class).isThrownBy(() -> client.execute("no-such-command"))
				.satisfies((ex) -> {
					assertThat(ex.errorClass()).isEqualTo("CommandNotFound");
					assertThat(ex.description()).contains("no-such-command");
				});
			ObjectNode arguments = JsonNodeFactory.instance.objectNode().put("path", "/nowhere").put("property", "x");
			assertThatExceptionOfType(QmpExecuteError.class).isThrownBy(() -> client.execute("qom-get", arguments))
				.satisfies((ex) -> assertThat(ex.errorClass()).isEqualTo("DeviceNotFound"));
			// an error does not hurt the connection
			assertThat(client.execute("query-status").path("status").asString()).isEqualTo("prelaunch");
		}
	}

	@Test
	void mapArgumentsAreSentAsJsonObject() throws Exception {
		try (GuestlessQemu qemu = GuestlessQemu.start();
				QmpClient client = QmpClient.connect(qemu.socket(), OPTIONS, QmpEventListener.NONE)) {
			JsonNode types = client.execute("qom-list-types", Map.of("implements", "accel"));
			List<String> names = new ArrayList<>();
			types.forEach((type) -> names.add(type.path("name").asString()));
			assertThat(names).contains("tcg-accel", "kvm-accel");
		}
	}

	@Test
	void eventsAreDeliveredToTheListener() throws Exception {
		BlockingQueue<QmpEvent> events = new LinkedBlockingQueue<>();
		try (GuestlessQemu qemu = GuestlessQemu.start();
				QmpClient client = QmpClient.connect(qemu.socket(), OPTIONS, events::add)) {
			client.execute("cont");
			client.execute("stop");
			QmpEvent resume = events.poll(10, TimeUnit.SECONDS);
			QmpEvent stop = events.poll(10, TimeUnit.SECONDS);
			assertThat(resume).isNotNull();
			assertThat(resume.name()).isEqualTo("RESUME");
			assertThat(stop).isNotNull();
			assertThat(stop.name()).isEqualTo("STOP");
			assertThat(stop.timestamp()).isAfterOrEqualTo(resume.timestamp());
			assertThat(stop.data().isObject()).isTrue();
		}
	}

	@Test
	void blockingCallFromTheListenerFailsInsteadOfStallingTheIoThread() throws Exception {
		AtomicReference<QmpClient> clientRef = new AtomicReference<>();
		BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
		try (GuestlessQemu qemu = GuestlessQemu.start();
				QmpClient client = QmpClient.connect(qemu.socket(), OPTIONS, (event) -> {
					try {
						clientRef.get().execute("query-status");
					}
					catch (Throwable ex) {
						failures.add(ex);
					}
				})) {
			clientRef.set(client);
			client.execute("cont");
			Throwable failure = failures.poll(10, TimeUnit.SECONDS);
			assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageContaining("I/O thread");
			// the refused call was never sent, so the client is still in step
			assertThat(client.execute("query-status").path("status").asString()).isEqualTo("running");
		}
	}

	@Test
	void concurrentCallersEachGetTheirOwnReply() throws Exception {
		int threads = 8;
		int callsPerThread = 40;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try (GuestlessQemu qemu = GuestlessQemu.start();
				QmpClient client = QmpClient.connect(qemu.socket(), OPTIONS, QmpEventListener.NONE)) {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Integer>> results = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				results.add(executor.submit(() -> {
					start.await();
					int checked = 0;
					for (int i = 0; i < callsPerThread; i++) {
						// QEMU echoes the path in its error, so every reply says which
						// call it answers
						String path = "/caller-" + thread + "-call-" + i;
						try {
							client.execute("qom-get", Map.of("path", path, "property", "type"));
						}
						catch (QmpExecuteError ex) {
							assertThat(ex.description()).isEqualTo("Device '" + path + "' not found");
							checked++;
						}
						if (i % 4 == 0) {
							CompletableFuture<JsonNode> async = client.executeAsync("query-status", null);
							assertThat(async.get(30, TimeUnit.SECONDS).path("status").asString())
								.isEqualTo("prelaunch");
						}
					}
					return checked;
				}));
			}
			start.countDown();
			for (Future<Integer> result : results) {
				assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(callsPerThread);
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void qemuKilledWhileACallIsPendingFailsTheCallAndReportsTheDisconnect() throws Exception {
		AtomicReference<QmpProtocolError> listenerSaw = new AtomicReference<>();
		AtomicReference<QmpProtocolError> callbackSaw = new AtomicReference<>();
		try (GuestlessQemu qemu = GuestlessQemu.start()) {
			QmpEventListener listener = new QmpEventListener() {

				@Override
				public void onEvent(QmpEvent event) {
				}

				@Override
				public void onDisconnect(QmpProtocolError cause) {
					listenerSaw.set(cause);
				}

			};
			try (QmpClient client = QmpClient.connect(qemu.socket(), OPTIONS, listener)) {
				client.onDisconnect(callbackSaw::set);
				// a stopped QEMU cannot answer: the call stays pending until the kill
				qemu.signal("STOP");
				CompletableFuture<JsonNode> pending = client.executeAsync("query-status", null, Duration.ofMinutes(1));
				CompletableFuture<JsonNode> queued = client.executeAsync("query-name", null, Duration.ofMinutes(1));
				assertThat(pending).isNotDone();
				qemu.signal("KILL");
				await().atMost(Duration.ofSeconds(30)).until(pending::isDone);
				await().atMost(Duration.ofSeconds(30)).until(queued::isDone);
				for (CompletableFuture<JsonNode> call : List.of(pending, queued)) {
					assertThat(call).failsWithin(Duration.ZERO)
						.withThrowableOfType(ExecutionException.class)
						.havingCause()
						.isInstanceOf(QmpProtocolError.class);
				}
				await().atMost(Duration.ofSeconds(30)).until(() -> callbackSaw.get() != null);
				assertThat(listenerSaw.get()).isNotNull();
				assertThat(listenerSaw.get()).hasMessageContaining(qemu.socket().toString());
				assertThat(client.isConnected()).isFalse();
				assertThatExceptionOfType(QmpProtocolError.class).isThrownBy(() -> client.execute("query-status"));
			}
		}
	}

	@Test
	void aHungQemuDoesNotHoldUpAnotherQemusClient() throws Exception {
		try (GuestlessQemu hung = GuestlessQemu.start();
				GuestlessQemu healthy = GuestlessQemu.start();
				QmpClient hungClient = QmpClient.connect(hung.socket(), OPTIONS, QmpEventListener.NONE);
				QmpClient healthyClient = QmpClient.connect(healthy.socket(), OPTIONS, QmpEventListener.NONE)) {
			hung.signal("STOP");
			try {
				List<CompletableFuture<JsonNode>> stuck = new ArrayList<>();
				for (int i = 0; i < 20; i++) {
					stuck.add(hungClient.executeAsync("query-status", null, Duration.ofMinutes(1)));
				}
				// both clients share the I/O thread; the healthy one is served while the
				// other waits
				for (int i = 0; i < 20; i++) {
					assertThat(healthyClient.execute("query-status", null, Duration.ofSeconds(20))
						.path("status")
						.asString()).isEqualTo("prelaunch");
				}
				assertThat(stuck).noneMatch(CompletableFuture::isDone);
			}
			finally {
				hung.signal("CONT");
			}
		}
	}

	@Test
	void commandLargerThanTheSocketBufferIsWrittenInPieces() throws Exception {
		// more than a UNIX socket holds (net.core.wmem_default is 208 KiB); QEMU parses
		// such strings slowly (~1 s)
		String path = "/" + "p".repeat(256 * 1024);
		try (GuestlessQemu qemu = GuestlessQemu.start();
				GuestlessQemu other = GuestlessQemu.start();
				QmpClient client = QmpClient.connect(qemu.socket(), OPTIONS, QmpEventListener.NONE);
				QmpClient otherClient = QmpClient.connect(other.socket(), OPTIONS, QmpEventListener.NONE)) {
			// stopped, QEMU reads nothing: the command fills the socket and waits for it
			// to drain
			qemu.signal("STOP");
			CompletableFuture<JsonNode> big;
			try {
				big = client.executeAsync("qom-get",
						JsonNodeFactory.instance.objectNode().put("path", path).put("property", "type"),
						Duration.ofMinutes(1));
				assertThat(otherClient.execute("query-status").path("status").asString()).isEqualTo("prelaunch");
				assertThat(big).isNotDone();
			}
			finally {
				qemu.signal("CONT");
			}
			assertThat(big).failsWithin(Duration.ofSeconds(30))
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOfSatisfying(QmpExecuteError.class,
						(ex) -> assertThat(ex.description()).isEqualTo("Device '" + path + "' not found"));
			assertThat(client.execute("query-status").path("status").asString()).isEqualTo("prelaunch");
		}
	}

	@Test
	void callTimesOutOnStoppedQemuAndClientWorksAfterItContinues() throws Exception {
		try (GuestlessQemu qemu = GuestlessQemu.start();
				QmpClient client = QmpClient.connect(qemu.socket(), OPTIONS, QmpEventListener.NONE)) {
			qemu.signal("STOP");
			try {
				assertThatExceptionOfType(QmpTimeoutError.class)
					.isThrownBy(() -> client.execute("query-status", null, Duration.ofMillis(300)))
					.withMessageContaining("query-status");
				// queued behind the unanswered one: times out without ever being sent
				assertThatExceptionOfType(QmpTimeoutError.class)
					.isThrownBy(() -> client.execute("cont", null, Duration.ofMillis(300)))
					.withMessageContaining("not sent");
			}
			finally {
				qemu.signal("CONT");
			}
			// the late reply to query-status is discarded; the next call gets its own
			// reply
			JsonNode status = client.execute("query-status");
			assertThat(status.path("status").asString()).isEqualTo("prelaunch");
			assertThat(client.isConnected()).isTrue();
		}
	}

	@Test
	void closeFailsPendingCallsWithoutReportingADisconnect() throws Exception {
		AtomicReference<QmpProtocolError> callbackSaw = new AtomicReference<>();
		try (GuestlessQemu qemu = GuestlessQemu.start()) {
			QmpClient client = QmpClient.connect(qemu.socket(), OPTIONS, QmpEventListener.NONE);
			client.onDisconnect(callbackSaw::set);
			qemu.signal("STOP");
			try {
				CompletableFuture<JsonNode> pending = client.executeAsync("query-status", null, Duration.ofMinutes(1));
				client.close();
				assertThat(pending).isCompletedExceptionally();
				assertThatExceptionOfType(QmpProtocolError.class).isThrownBy(() -> client.execute("query-status"));
			}
			finally {
				qemu.signal("CONT");
			}
			// QEMU accepts a new client once the old one is gone
			try (QmpClient second = QmpClient.connect(qemu.socket(), OPTIONS, QmpEventListener.NONE)) {
				assertThat(second.execute("query-status").path("status").asString()).isEqualTo("prelaunch");
			}
			assertThat(callbackSaw.get()).isNull();
		}
	}

	@Test
	void overlongMessageClosesTheConnectionWithAClearError() throws Exception {
		AtomicReference<QmpProtocolError> disconnect = new AtomicReference<>();
		QmpClientOptions small = OPTIONS.withMaxMessageSize(4096);
		try (GuestlessQemu qemu = GuestlessQemu.start()) {
			QmpEventListener listener = new QmpEventListener() {

				@Override
				public void onEvent(QmpEvent event) {
				}

				@Override
				public void onDisconnect(QmpProtocolError cause) {
					disconnect.set(cause);
				}

			};
			try (QmpClient client = QmpClient.connect(qemu.socket(), small, listener)) {
				// the list of every QOM type is far longer than 4 KiB
				assertThatExceptionOfType(QmpProtocolError.class).isThrownBy(() -> client.execute("qom-list-types"))
					.withMessageContaining("longer than 4096 bytes");
				assertThat(client.isConnected()).isFalse();
				await().atMost(Duration.ofSeconds(30)).until(() -> disconnect.get() != null);
				assertThat(disconnect.get()).hasMessageContaining("longer than 4096 bytes");
			}
		}
	}

	@Test
	void connectTimesOutWhenNothingListens() throws Exception {
		Path directory = Files.createTempDirectory(Path.of("/tmp"), "qe");
		try {
			QmpClientOptions quick = OPTIONS.withConnectTimeout(Duration.ofMillis(200));
			assertThatExceptionOfType(QmpConnectError.class)
				.isThrownBy(() -> QmpClient.connect(directory.resolve("none.sock"), quick, QmpEventListener.NONE))
				.withMessageContaining("none.sock")
				.withCauseInstanceOf(QmpTimeoutError.class);
		}
		finally {
			Files.delete(directory);
		}
	}

	@Test
	void connectGivesUpAtOnceWhenQemuExitsAtStartUp() throws Exception {
		Path directory = Files.createTempDirectory(Path.of("/tmp"), "qe");
		Path socket = directory.resolve("qmp.sock");
		Process qemu = new ProcessBuilder(GuestlessQemu.EMULATOR, "-S", "-nodefaults", "-display", "none", "-machine",
				"no-such-machine", "-qmp", "unix:" + socket + ",server=on,wait=off")
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		try {
			// with a generous timeout, only noticing the exit can end the wait with this
			// exception
			QmpClientOptions patient = OPTIONS.withConnectTimeout(Duration.ofMinutes(5));
			assertThatExceptionOfType(QmpConnectError.class)
				.isThrownBy(() -> QmpClient.connect(socket, patient, QmpEventListener.NONE, qemu.toHandle()))
				.withMessageContaining("pid " + qemu.pid())
				.withMessageContaining("exited");
		}
		finally {
			qemu.destroyForcibly();
			qemu.waitFor(10, TimeUnit.SECONDS);
			Files.deleteIfExists(socket);
			Files.delete(directory);
		}
	}

	@Test
	void worksOverStandardStreams() throws Exception {
		try (GuestlessQemu qemu = GuestlessQemu.startOnStdio()) {
			Process process = qemu.process();
			StreamTransport transport = new StreamTransport(process.getInputStream(), process.getOutputStream(),
					"pid-" + process.pid());
			BlockingQueue<QmpEvent> events = new LinkedBlockingQueue<>();
			try (QmpClient client = QmpClient.connect(transport, OPTIONS, events::add)) {
				assertThat(client.greeting().major()).isEqualTo(7);
				client.execute("cont");
				assertThat(client.execute("query-status").path("status").asString()).isEqualTo("running");
				QmpEvent resume = events.poll(10, TimeUnit.SECONDS);
				assertThat(resume).isNotNull();
				assertThat(resume.name()).isEqualTo("RESUME");
				assertThatExceptionOfType(UnsupportedOperationException.class)
					.isThrownBy(() -> client.executeWithFd("getfd", null, 0));
			}
		}
	}

}
