package io.github.qemuembed.console;

import java.io.File;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.testsupport.guest.TestGuest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The console in a real, headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}) against a real application with Spring Security, and the real
 * test guest (kernel and busybox initramfs, under TCG): the live dashboard, an action,
 * typing into the serial console, a domain that stops and runs again under an open
 * console, refusals (permission, origin, interface) and unknown domains. One guest and
 * one browser for the class; the methods run in order.
 */
@SpringBootTest(classes = ConsoleTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "qemu.embed.console.enabled=true", "qemu.embed.shutdown.mode=destroy",
				"qemu.embed.domains.guest.autostart=true", "qemu.embed.access.rules[0].roles=OPERATOR",
				"qemu.embed.access.rules[0].permissions=*", "qemu.embed.access.rules[1].roles=VIEWER",
				"qemu.embed.access.rules[1].permissions=domain.getattr,domain.read" })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

	/**
	 * Booting under TCG on a busy 2-core machine: generous, and every wait ends on its
	 * condition.
	 */
	private static final Duration WAIT = Duration.ofSeconds(120);

	private static WebDriver browser;

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

	@BeforeAll
	static void startBrowser() {
		ChromeOptions options = new ChromeOptions();
		options.setBinary("/usr/bin/chromium");
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--window-size=1280,900");
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File("/usr/bin/chromedriver"))
			.usingAnyFreePort()
			.build();
		browser = new ChromeDriver(service, options);
	}

	@AfterAll
	static void stopBrowser() {
		if (browser != null) {
			browser.quit();
		}
	}

	@Test
	@Order(1)
	void dashboardFollowsAnotherClientsActionLive() {
		login(ConsoleTestApplication.OPERATOR);
		browser.get(url("/qemu/"));
		awaitState("running");
		Domain guest = this.driver.lookup("guest");
		// another client: the driver API, as the application
		guest.suspend();
		awaitState("paused");
		guest.resume();
		awaitState("running");
		assertThat(browser.findElement(By.id("live")).getText()).isEqualTo("live");
		assertThat(browser.findElement(By.cssSelector("tr[data-domain='guest'] td.vcpus")).getText()).isEqualTo("1");
		assertThat(browser.findElement(By.cssSelector("tr[data-domain='guest'] td.memory")).getText())
			.isEqualTo("128 MiB");
		// the guest agent's channel and the snapshots, as the driver reports them
		String agent = guest.info().guestAgent().name().toLowerCase(Locale.ROOT);
		awaitText(By.cssSelector("tr[data-domain='guest'] td.agent"), agent);
		assertThat(browser.findElement(By.cssSelector("tr[data-domain='guest'] td.snapshots")).getText())
			.isEqualTo(Integer.toString(guest.snapshots().size()));
	}

	@Test
	@Order(2)
	void actionButtonsGoThroughThePolicyAndShowTheirResult() {
		browser.get(url("/qemu/"));
		awaitState("running");
		button("suspend").click();
		awaitText(By.id("result"), "guest: suspend — paused");
		awaitState("paused");
		assertThat(this.driver.lookup("guest").status().state()).isEqualTo(DomainState.PAUSED);
		button("resume").click();
		awaitText(By.id("result"), "guest: resume — resumed");
		awaitState("running");
	}

	@Test
	@Order(3)
	void typesIntoTheSerialConsoleAndReadsTheOutput() throws IOException {
		browser.get(url("/qemu/domains/guest"));
		awaitText(By.id("console-status"), "Connected to the serial console of guest.");
		// the history from the log, or live output: the guest's shell is ready either way
		awaitTerminalLine(TestGuest.READY_MARKER);
		type("echo hello\n");
		awaitTerminalLine("hello");
		// docs/console.png
		Path screenshot = Path.of("target", "console-screenshot.png");
		Files.createDirectories(screenshot.getParent());
		Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), screenshot,
				StandardCopyOption.REPLACE_EXISTING);
		// bytes that are no UTF-8 and control characters go to the page as they are: it
		// goes on working
		type("printf 'x\\377\\376\\000\\033[31m\\033(0q\\033(B\\033[0m\\n'; echo still-here\n");
		awaitTerminalLine("still-here");
		assertThat(((JavascriptExecutor) browser).executeScript("return window.qemuConsole.mode()"))
			.isEqualTo("attached");
	}

	@Test
	@Order(4)
	void reconnectsAfterANetworkBlip() {
		browser.get(url("/qemu/domains/guest"));
		awaitText(By.id("console-status"), "Connected to the serial console of guest.");
		JavascriptExecutor page = (JavascriptExecutor) browser;
		// the connection ends without the server saying why, as when a proxy or the
		// network drops it
		page.executeScript("window.blipped = window.qemuConsole.socket(); window.blipped.close(4000, 'blip');");
		new WebDriverWait(browser, WAIT).until((b) -> Boolean.TRUE.equals(page.executeScript(
				"var s = window.qemuConsole.socket(); return s !== null && s !== window.blipped && window.qemuConsole.mode() === 'attached';")));
		type("echo reconnected\n");
		awaitTerminalLine("reconnected");
	}

	@Test
	@Order(5)
	void consoleSaysWhenTheDomainStopsAndReconnectsWhenItRuns() {
		browser.get(url("/qemu/domains/guest"));
		awaitText(By.id("console-status"), "Connected to the serial console of guest.");
		Domain guest = this.driver.lookup("guest");
		guest.destroy();
		awaitText(By.id("console-status"), "the domain stopped");
		awaitState("shutoff");
		guest.start();
		awaitText(By.id("console-status"), "Connected to the serial console of guest.");
		awaitTerminalLine(TestGuest.READY_MARKER);
		type("echo again\n");
		awaitTerminalLine("again");
	}

	@Test
	@Order(6)
	void unknownDomainsAreClearly404() {
		browser.get(url("/qemu/domains/nope"));
		assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("404 Not Found");
		assertThat(browser.findElement(By.cssSelector("p.error")).getText()).contains("nope");
		browser.get(url("/qemu/"));
		@SuppressWarnings("unchecked")
		Map<String, Object> answer = (Map<String, Object>) ((JavascriptExecutor) browser).executeAsyncScript(
				"""
						var done = arguments[arguments.length - 1];
						var headers = {};
						document.querySelectorAll('meta[name="qemu-console-csrf"]').forEach(function (m) {
							headers[m.getAttribute('data-header')] = m.content;
						});
						fetch('/qemu/domains/nope/start', { method: 'POST', headers: headers })
							.then(function (r) { return r.json().then(function (b) { done({ status: r.status, body: b }); }); });
						""");
		assertThat(answer.get("status")).isEqualTo(404L);
		@SuppressWarnings("unchecked")
		Map<String, Object> body = (Map<String, Object>) answer.get("body");
		assertThat(body).containsEntry("ok", false).containsEntry("error", "NO_DOMAIN");
		assertThat((String) body.get("message")).contains("nope");
	}

	@Test
	@Order(7)
	void viewerIsRefusedTheConsoleAndTheActions() {
		login(ConsoleTestApplication.VIEWER);
		browser.get(url("/qemu/domains/guest"));
		awaitText(By.id("console-status"),
				"Console refused: Access denied: domain.open_device on domain 'guest' for 'viewer'");
		awaitState("running");
		button("suspend").click();
		awaitText(By.id("result"), "guest: suspend refused — Access denied: domain.suspend");
		assertThat(this.driver.lookup("guest").status().state()).isEqualTo(DomainState.RUNNING);
		assertThat(terminalText()).doesNotContain(TestGuest.READY_MARKER);
	}

	@Test
	@Order(8)
	void consoleHandshakeFromAForeignOriginIsRefused() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		URI socket = URI.create("ws://localhost:" + this.port + "/qemu/domains/guest/console");
		assertThatThrownBy(() -> connect(http, socket, "http://evil.example").join())
			.isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(ex) -> assertThat(ex.getResponse().statusCode()).isEqualTo(403));
		// the same handshake from the page's own origin is let in: the origin made the
		// difference
		Messages messages = new Messages();
		WebSocket accepted = connect(http, socket, "http://localhost:" + this.port, messages).join();
		try {
			assertThat(messages.first.get(WAIT.toSeconds(), TimeUnit.SECONDS)).contains("\"type\":\"attached\"");
		}
		finally {
			accepted.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
		}
	}

	@Test
	@Order(9)
	void twoClientsShareTheOneConsoleQemuServes() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		URI socket = URI.create("ws://localhost:" + this.port + "/qemu/domains/guest/console");
		String origin = "http://localhost:" + this.port;
		Messages first = new Messages();
		Messages second = new Messages();
		WebSocket one = connect(http, socket, origin, first).join();
		WebSocket two = connect(http, socket, origin, second).join();
		try {
			assertThat(first.first.get(WAIT.toSeconds(), TimeUnit.SECONDS)).contains("\"type\":\"attached\"");
			assertThat(second.first.get(WAIT.toSeconds(), TimeUnit.SECONDS)).contains("\"type\":\"attached\"");
			one.sendBinary(ByteBuffer.wrap("echo both-see-this\n".getBytes(StandardCharsets.UTF_8)), true).join();
			first.awaitOutput("both-see-this");
			second.awaitOutput("both-see-this");
		}
		finally {
			one.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
			two.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
		}
	}

	@Test
	@Order(10)
	void consoleIsNotServedOnANonLoopbackAddress() throws Exception {
		InetAddress address = nonLoopbackAddress();
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://" + address.getHostAddress() + ":" + this.port + "/qemu/"))
				.header("Authorization", basic(ConsoleTestApplication.OPERATOR))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.body()).contains("qemu.embed.console.allow-remote");
		HttpResponse<String> local = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/qemu/"))
				.header("Authorization", basic(ConsoleTestApplication.OPERATOR))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(local.statusCode()).isEqualTo(200);
	}

	// ---- helpers ----

	private String url(String path) {
		return "http://localhost:" + this.port + path;
	}

	private void login(String user) {
		browser.manage().deleteAllCookies();
		browser.get(url("/login"));
		browser.findElement(By.name("username")).sendKeys(user);
		browser.findElement(By.name("password")).sendKeys(ConsoleTestApplication.PASSWORD);
		browser.findElement(By.cssSelector("button[type='submit']")).click();
		new WebDriverWait(browser, WAIT).until((b) -> !b.getCurrentUrl().contains("/login"));
	}

	private static WebElement button(String action) {
		return browser.findElement(By.cssSelector("tr[data-domain='guest'] button[data-action='" + action + "']"));
	}

	private static void awaitState(String state) {
		new WebDriverWait(browser, WAIT).until((b) -> state
			.equals(b.findElement(By.cssSelector("tr[data-domain='guest']")).getAttribute("data-state")));
	}

	private static void awaitText(By element, String text) {
		new WebDriverWait(browser, WAIT).withMessage(
				() -> "'" + text + "' in " + element + ", which says '" + browser.findElement(element).getText() + "'")
			.until((b) -> b.findElement(element).getText().contains(text));
	}

	/**
	 * Waits for a line of the terminal, as the page shows it, that is exactly
	 * {@code line}, or the shell's prompt and {@code line}: the guest's shell does not
	 * echo what is typed, so a command's output starts right after the prompt.
	 */
	private static void awaitTerminalLine(String line) {
		new WebDriverWait(browser, WAIT).withMessage(() -> "a line '" + line + "' in the terminal:\n" + terminalText())
			.until((b) -> terminalText().lines()
				.map(String::strip)
				.anyMatch((l) -> l.equals(line) || l.equals("# " + line)));
	}

	private static String terminalText() {
		List<WebElement> rows = browser.findElements(By.cssSelector("#terminal .xterm-rows > div"));
		StringBuilder text = new StringBuilder();
		for (WebElement row : rows) {
			text.append(row.getText()).append('\n');
		}
		return text.toString();
	}

	private static void type(String text) {
		browser.findElement(By.cssSelector("#terminal .xterm-helper-textarea")).sendKeys(text);
	}

	private static String basic(String user) {
		return "Basic " + Base64.getEncoder()
			.encodeToString((user + ":" + ConsoleTestApplication.PASSWORD).getBytes(StandardCharsets.UTF_8));
	}

	private CompletableFuture<WebSocket> connect(HttpClient http, URI uri, String origin) {
		return connect(http, uri, origin, new Messages());
	}

	private CompletableFuture<WebSocket> connect(HttpClient http, URI uri, String origin, Messages messages) {
		return http.newWebSocketBuilder()
			.header("Origin", origin)
			.header("Authorization", basic(ConsoleTestApplication.OPERATOR))
			.buildAsync(uri, messages);
	}

	private static InetAddress nonLoopbackAddress() throws IOException {
		for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
			if (!nic.isUp() || nic.isLoopback()) {
				continue;
			}
			for (InetAddress address : Collections.list(nic.getInetAddresses())) {
				if (address instanceof Inet4Address) {
					return address;
				}
			}
		}
		throw new IllegalStateException("This host has no non-loopback IPv4 address to reach the server on");
	}

	/**
	 * The first text message of a WebSocket, and its binary output (the guest's bytes).
	 */
	private static final class Messages implements WebSocket.Listener {

		final CompletableFuture<String> first = new CompletableFuture<>();

		private final StringBuilder output = new StringBuilder();

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.first.complete(data.toString());
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			byte[] bytes = new byte[data.remaining()];
			data.get(bytes);
			synchronized (this) {
				this.output.append(new String(bytes, StandardCharsets.ISO_8859_1));
				notifyAll();
			}
			webSocket.request(1);
			return null;
		}

		synchronized void awaitOutput(String text) throws InterruptedException {
			long deadline = System.nanoTime() + WAIT.toNanos();
			while (this.output.indexOf(text) < 0) {
				long left = deadline - System.nanoTime();
				assertThat(left)
					.as("'%s' in the console's output, which ends with: %s", text,
							this.output.substring(Math.max(0, this.output.length() - 300)))
					.isPositive();
				wait(Math.max(1, left / 1_000_000));
			}
		}

	}

}
