package io.github.qemuembed.benchmarks.spring;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

import io.github.qemuembed.benchmarks.Benchmark;
import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Guests;
import io.github.qemuembed.benchmarks.Row;
import io.github.qemuembed.benchmarks.Samples;
import io.github.qemuembed.benchmarks.Systems;
import io.github.qemuembed.testsupport.guest.TestGuest;

import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Scenario {@code console}: the browser console (qemu-embed-console) in a Spring Boot
 * application with the test guest (TCG).
 * <ul>
 * <li>{@code keystroke-echo}: one keystroke sent on the console's WebSocket until its
 * echo comes back on it: WebSocket, server, QEMU's serial line, the guest's shell
 * echoing, and back (no browser). The guest's shell echoes here ({@code stty echo} in its
 * profile; the test guest's own profile turns echo off).</li>
 * <li>{@code keystroke-echo-page}: a real key pressed in the domain's page in headless
 * Chromium until xterm.js has rendered its echo, timed inside the page (see
 * {@link ConsolePage}); {@code keystroke-echo-parsed}: the same keys until the echo is in
 * the terminal's buffer, before the frame that draws it.</li>
 * <li>{@code page-weight}: bytes the domain's page transferred in the browser as it
 * loaded (HTML, scripts, styles, headers included).</li>
 * </ul>
 * As many keystrokes as the profile's QMP calls on the WebSocket, and at most
 * {@value #PAGE_KEYSTROKES} of them in the page.
 */
public final class ConsoleBenchmark implements Benchmark {

	private static final Duration TIMEOUT = Duration.ofSeconds(120);

	/** Each key in the page costs WebDriver round trips: fewer than on the WebSocket. */
	private static final int PAGE_KEYSTROKES = 500;

	@Override
	public String scenario() {
		return "console";
	}

	@Override
	public List<String> systems() {
		return List.of(Systems.QEMU_EMBED);
	}

	@Override
	public Optional<String> unavailable(BenchmarkContext context) {
		return Guests.unavailable().or(ConsolePage::unavailable);
	}

	@Override
	public List<Row> run(BenchmarkContext context) throws Exception {
		TestGuest guest = TestGuest.builder().file("/root/.profile", 0644, "stty echo\n").build();
		// type='qemu': TCG, as in the other guest scenarios (a Linux guest hangs under
		// nested KVM)
		String xml = guest.domain("console").type("qemu").memoryMiB(128).toXml();
		ConfigurableApplicationContext application = BenchmarkApplication.run(context, context.newDirectory("qeec"),
				WebApplicationType.SERVLET,
				Map.of("qemu.embed.console.enabled", "true", "qemu.embed.shutdown.mode", "destroy",
						"qemu.embed.domains.console.inline-xml", xml, "qemu.embed.domains.console.autostart", "true",
						// the benchmark's WebSocket has no login: the anonymous caller,
						// allowed this console only
						"qemu.embed.access.rules[0].principals", "anonymous", "qemu.embed.access.rules[0].permissions",
						"domain.open_device", "qemu.embed.access.rules[0].domains", "console", "server.address",
						"127.0.0.1"));
		try {
			String base = "http://localhost:" + application.getEnvironment().getProperty("local.server.port");
			HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
			int warmups = context.settings().warmups() * 5;
			Samples echo = keystrokes(http, URI.create(base.replace("http:", "ws:") + "/qemu/domains/console/console"),
					warmups, context.settings().qmpCalls());
			// the WebSocket above is closed: the page opens the console again, as a
			// browser does
			try (ConsolePage page = ConsolePage.open(base + "/qemu/domains/console")) {
				long pageBytes = page.transferredBytes();
				Samples[] onPage = page.keystrokes(warmups, Math.min(PAGE_KEYSTROKES, context.settings().qmpCalls()));
				return List.of(Row.of(scenario(), Systems.QEMU_EMBED, "keystroke-echo", "ms", echo),
						Row.of(scenario(), Systems.QEMU_EMBED, "keystroke-echo-page-socket", "ms", onPage[0]),
						Row.of(scenario(), Systems.QEMU_EMBED, "keystroke-echo-parsed", "ms", onPage[1]),
						Row.of(scenario(), Systems.QEMU_EMBED, "keystroke-echo-page", "ms", onPage[2]),
						Row.single(scenario(), Systems.QEMU_EMBED, "page-weight", "KiB", pageBytes / 1024.0));
			}
		}
		finally {
			application.close();
		}
	}

	private static Samples keystrokes(HttpClient http, URI socket, int warmups, int count) throws Exception {
		Output output = new Output();
		WebSocket webSocket = http.newWebSocketBuilder().buildAsync(socket, output).join();
		try {
			output.await(TestGuest.READY_MARKER, 0);
			// a fresh prompt: the profile that turns echo on has run
			long mark = output.mark();
			send(webSocket, "\r");
			output.await("# ", mark);
			Samples samples = new Samples();
			for (int i = 0; i < warmups + count; i++) {
				long before = output.mark();
				long start = System.nanoTime();
				send(webSocket, "a");
				output.await("a", before);
				double millis = (System.nanoTime() - start) / 1_000_000.0;
				if (i >= warmups) {
					samples.add(millis);
				}
				// rub it out again (DEL), and wait for the shell to have done so
				long rubbed = output.mark();
				send(webSocket, "\u007f");
				output.awaitAny(rubbed);
			}
			send(webSocket, "\u0015");
			return samples;
		}
		finally {
			webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
		}
	}

	private static void send(WebSocket webSocket, String keys) {
		webSocket.sendBinary(ByteBuffer.wrap(keys.getBytes(StandardCharsets.UTF_8)), true).join();
	}

	/** What the console sent, as ISO-8859-1 text (a char per byte), with waits on it. */
	private static final class Output implements WebSocket.Listener {

		private final StringBuilder text = new StringBuilder();

		private String refusal;

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			byte[] bytes = new byte[data.remaining()];
			data.get(bytes);
			synchronized (this) {
				this.text.append(new String(bytes, StandardCharsets.ISO_8859_1));
				notifyAll();
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			String notice = data.toString();
			if (!notice.contains("\"attached\"")) {
				synchronized (this) {
					this.refusal = notice;
					notifyAll();
				}
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			synchronized (this) {
				this.refusal = "closed: " + statusCode + " " + reason;
				notifyAll();
			}
			return null;
		}

		synchronized long mark() {
			return this.text.length();
		}

		synchronized void await(String expected, long from) throws InterruptedException {
			waitFor(() -> this.text.indexOf(expected, (int) from) >= 0, "'" + expected + "'");
		}

		synchronized void awaitAny(long from) throws InterruptedException {
			waitFor(() -> this.text.length() > from, "any output");
		}

		private void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			while (!condition.getAsBoolean()) {
				if (this.refusal != null) {
					throw new IllegalStateException(
							"The console ended while waiting for " + what + ": " + this.refusal);
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					int length = this.text.length();
					throw new IllegalStateException("No " + what + " from the console within " + TIMEOUT
							+ "; it ends with: " + this.text.substring(Math.max(0, length - 300)));
				}
				wait(Math.max(1, left / 1_000_000));
			}
		}

	}

}
