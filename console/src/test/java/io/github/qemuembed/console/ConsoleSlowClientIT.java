package io.github.qemuembed.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionStage;

import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.testsupport.guest.TestGuest;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A browser that stops reading its console socket, for real: the application on its
 * embedded Tomcat, the real test guest (TCG) flooding its serial console, and two
 * WebSocket clients. The slow one stops taking messages, so TCP back-pressure fills the
 * socket buffers and then its outbox; it is disconnected with
 * {@link ConsoleClient#TOO_SLOW} while the other client goes on receiving the flood and
 * the guest goes on running.
 */
@SpringBootTest(classes = ConsoleTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "qemu.embed.console.enabled=true", "qemu.embed.shutdown.mode=destroy",
				"qemu.embed.domains.guest.autostart=true", "qemu.embed.access.rules[0].roles=OPERATOR",
				"qemu.embed.access.rules[0].permissions=*", "qemu.embed.console.terminal.client-buffer=32KB" })
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext
class ConsoleSlowClientIT {

	/**
	 * Booting and flooding under TCG on a busy 2-core machine: every wait ends on its
	 * condition.
	 */
	private static final Duration WAIT = Duration.ofSeconds(180);

	private static final String DROPPED_LOG = "of output behind and is disconnected (" + ConsoleClient.TOO_SLOW + ")";

	@LocalServerPort
	private int port;

	@Autowired
	private QemuDriver driver;

	@DynamicPropertySource
	static void guest(DynamicPropertyRegistry registry) {
		// type='qemu': TCG whatever the host offers (a Linux guest hangs under nested
		// KVM)
		String xml = TestGuest.standard().domain("guest").type("qemu").memoryMiB(128).toXml();
		registry.add("qemu.embed.domains.guest.inline-xml", () -> xml);
	}

	@Test
	void aClientThatStopsReadingIsDisconnectedWhileTheOtherKeepsTheOutputAndTheGuestRuns(CapturedOutput log) {
		HttpClient http = HttpClient.newHttpClient();
		Client normal = new Client(false);
		WebSocket normalSocket = connect(http, normal);
		awaitOn(normal, "the guest's shell ready").until(() -> normal.tail().contains(TestGuest.READY_MARKER));
		Client slow = new Client(true);
		WebSocket slowSocket = connect(http, slow);
		try {
			// it took the history and the 'attached' notice, and nothing more since
			awaitOn(slow, "the slow client attached").until(() -> !slow.notices().isEmpty());
			assertThat(slow.notices()).singleElement().asString().contains("\"type\":\"attached\"");

			long beforeFlood = normal.bytes();
			type(normalSocket, "yes qemu-embed-flood-0123456789abcdefghijklmnopqrstuvwxyz\n");
			awaitOn(normal, "the server dropping the slow client").until(() -> log.getOut().contains(DROPPED_LOG));
			long atDrop = normal.bytes();
			assertThat(atDrop - beforeFlood).as("flood bytes the normal client got while the slow one stalled")
				.isPositive();

			// reading again (before the server's own send timeout gives up on the
			// connection: Tomcat's 20 s), the slow client gets what was on its way, the
			// notice and the close
			slow.resume(slowSocket);
			await("the slow client's close").atMost(WAIT)
				.failFast(() -> assertThat(slow.error()).as("the slow client's failure").isNull())
				.until(() -> slow.closed() != null);
			assertThat(slow.closed()).isEqualTo(ConsoleClient.TOO_SLOW + " too slow: more than 32KB of output waiting");
			assertThat(slow.notices()).last()
				.asString()
				.contains("\"type\":\"slow\"")
				.contains("This browser fell more than 32KB of console output behind and was disconnected");

			// the normal client keeps getting the flood after the drop
			awaitOn(normal, "more flood on the normal client").until(() -> normal.bytes() > atDrop + 32 * 1024);

			// the flood stops (Ctrl+C) and the shell answers the normal client: the VM
			// ran on
			type(normalSocket, "\u0003");
			type(normalSocket, "echo flood-stopped-$((6 * 7))\n");
			awaitOn(normal, "the shell after the flood").until(() -> normal.tail().contains("flood-stopped-42"));
			assertThat(this.driver.lookup("guest").status().state()).isEqualTo(DomainState.RUNNING);
			assertThat(normal.closed()).isNull();
			assertThat(normal.error()).isNull();
			assertThat(normal.notices()).hasSize(1).allMatch((notice) -> notice.contains("\"type\":\"attached\""));
		}
		finally {
			normalSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
			slowSocket.abort();
		}
	}

	/** A wait that fails at once when the client's connection ends. */
	private static ConditionFactory awaitOn(Client client, String what) {
		return await(what).atMost(WAIT)
			.failFast("the console client's connection ended", () -> client.closed() != null || client.error() != null);
	}

	private WebSocket connect(HttpClient http, Client client) {
		String basic = Base64.getEncoder()
			.encodeToString((ConsoleTestApplication.OPERATOR + ":" + ConsoleTestApplication.PASSWORD)
				.getBytes(StandardCharsets.UTF_8));
		return http.newWebSocketBuilder()
			.header("Authorization", "Basic " + basic)
			.buildAsync(URI.create("ws://localhost:" + this.port + "/qemu/domains/guest/console"), client)
			.join();
	}

	private static void type(WebSocket socket, String keys) {
		socket.sendBinary(ByteBuffer.wrap(keys.getBytes(StandardCharsets.UTF_8)), true).join();
	}

	/**
	 * A console client: counts the guest's bytes and keeps the last of them, its notices,
	 * and how it ended. A client that stops reading takes messages until the
	 * {@code attached} notice and asks for nothing more until {@link #resume}: the JDK's
	 * WebSocket then stops reading the socket.
	 */
	private static final class Client implements WebSocket.Listener {

		private static final int TAIL = 64 * 1024;

		private final StringBuilder tail = new StringBuilder();

		private final List<String> notices = new ArrayList<>();

		private volatile boolean reading;

		private long bytes;

		private String closed;

		private Throwable error;

		private final boolean stopsReading;

		Client(boolean stopsReading) {
			this.stopsReading = stopsReading;
			this.reading = true;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			byte[] chunk = new byte[data.remaining()];
			data.get(chunk);
			synchronized (this) {
				this.bytes += chunk.length;
				this.tail.append(new String(chunk, StandardCharsets.ISO_8859_1));
				if (this.tail.length() > TAIL) {
					this.tail.delete(0, this.tail.length() - TAIL);
				}
			}
			next(webSocket);
			return null;
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			synchronized (this) {
				this.notices.add(data.toString());
			}
			if (this.stopsReading && data.toString().contains("\"type\":\"attached\"")) {
				this.reading = false;
			}
			next(webSocket);
			return null;
		}

		@Override
		public synchronized CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.closed = statusCode + " " + reason;
			return null;
		}

		@Override
		public synchronized void onError(WebSocket webSocket, Throwable error) {
			this.error = error;
		}

		private void next(WebSocket webSocket) {
			if (this.reading) {
				webSocket.request(1);
			}
		}

		void resume(WebSocket webSocket) {
			this.reading = true;
			webSocket.request(1);
		}

		synchronized long bytes() {
			return this.bytes;
		}

		synchronized String tail() {
			return this.tail.toString();
		}

		synchronized List<String> notices() {
			return List.copyOf(this.notices);
		}

		synchronized String closed() {
			return this.closed;
		}

		synchronized Throwable error() {
			return this.error;
		}

	}

}
