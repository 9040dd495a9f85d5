package io.github.qemuembed.benchmarks.spring;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.qemuembed.benchmarks.Samples;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.ScriptTimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A domain's console page in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}, driven by Selenium), measured from inside the page: keystroke
 * to echo as the page sees it, and the bytes the page loaded.
 * <p>
 * A probe installed in the page takes {@code performance.now()} at the key's
 * {@code keydown} (a listener on the document's capture phase, before xterm.js sees the
 * key), when xterm.js has parsed the echo into its buffer ({@code onWriteParsed}: the
 * cursor moved one cell past the key's character), and at the terminal's next
 * {@code onRender} (the rows redrawn in the animation frame after the parse). The page
 * keeps the three times; WebDriver only fetches them afterwards, so its round trips are
 * not in the figures.
 */
final class ConsolePage implements AutoCloseable {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Duration TIMEOUT = Duration.ofSeconds(120);

	/** The probe, and the cursor's line as text and column, for the waits. */
	private static final String PROBE = """
			var term = window.qemuConsole.terminal;
			function cursorLine() {
				var buffer = term.buffer.active;
				var line = buffer.getLine(buffer.baseY + buffer.cursorY);
				return { text: line ? line.translateToString(false) : '', x: buffer.cursorX };
			}
			var probe = { key: null, x: -1, down: 0, sent: 0, received: 0, parsed: 0, rendered: 0, lineFeeds: 0 };
			var send = WebSocket.prototype.send;
			WebSocket.prototype.send = function () {
				if (probe.down !== 0 && probe.sent === 0) {
					probe.sent = performance.now();
				}
				return send.apply(this, arguments);
			};
			window.qemuConsole.socket().addEventListener('message', function () {
				if (probe.sent !== 0 && probe.received === 0) {
					probe.received = performance.now();
				}
			});
			term.onLineFeed(function () {
				probe.lineFeeds++;
			});
			document.addEventListener('keydown', function (event) {
				if (probe.key !== null && event.key === probe.key && probe.down === 0) {
					probe.down = performance.now();
				}
			}, true);
			term.onWriteParsed(function () {
				if (probe.down !== 0 && probe.parsed === 0) {
					var line = cursorLine();
					if (line.x === probe.x + 1 && line.text.charAt(probe.x) === probe.key) {
						probe.parsed = performance.now();
					}
				}
			});
			term.onRender(function () {
				if (probe.parsed !== 0 && probe.rendered === 0) {
					probe.rendered = performance.now();
				}
			});
			window.qemuEchoProbe = probe;
			window.qemuCursorLine = cursorLine;
			""";

	/**
	 * Resolves once the page has the condition (a JavaScript expression), polling in the
	 * page.
	 */
	private static final String AWAIT = """
			var done = arguments[arguments.length - 1];
			var condition = new Function('probe', 'line', 'return ' + arguments[0] + ';');
			(function check() {
				var line = window.qemuCursorLine();
				if (condition(window.qemuEchoProbe, line)) {
					done(true);
				} else {
					setTimeout(check, 2);
				}
			})();
			""";

	private final ChromeDriver browser;

	private ConsolePage(ChromeDriver browser) {
		this.browser = browser;
	}

	/** Why no browser can be started here, or empty. */
	static Optional<String> unavailable() {
		if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
			return Optional.of("needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
					+ "; dev/setup installs them)");
		}
		return Optional.empty();
	}

	/**
	 * Opens the page in a new headless browser (no cache) and waits until its console is
	 * attached.
	 */
	static ConsolePage open(String url) {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--window-size=1280,900");
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File(CHROMEDRIVER.toString()))
			.usingAnyFreePort()
			.build();
		ChromeDriver browser = new ChromeDriver(service, options);
		ConsolePage page = new ConsolePage(browser);
		try {
			browser.manage().timeouts().scriptTimeout(TIMEOUT);
			browser.get(url);
			browser.executeScript(PROBE);
			page.await("window.qemuConsole.mode() === 'attached'", "the console attached");
			return page;
		}
		catch (RuntimeException ex) {
			browser.quit();
			throw ex;
		}
	}

	/**
	 * Bytes the page transferred as it loaded (HTML, scripts, styles, headers included),
	 * from the Resource Timing API.
	 */
	long transferredBytes() {
		@SuppressWarnings("unchecked")
		Map<String, Object> weight = (Map<String, Object>) this.browser.executeScript("""
				var page = performance.getEntriesByType('navigation')[0];
				var bytes = page.transferSize;
				var names = [];
				performance.getEntriesByType('resource').forEach(function (entry) {
					bytes += entry.transferSize;
					names.push(entry.name);
				});
				return { bytes: bytes, names: names };
				""");
		@SuppressWarnings("unchecked")
		List<String> names = (List<String>) weight.get("names");
		if (names.stream().noneMatch((name) -> name.endsWith("/xterm.js"))) {
			throw new IllegalStateException("The page loaded no xterm.js: " + names);
		}
		return ((Number) weight.get("bytes")).longValue();
	}

	/**
	 * Types {@code warmups + count} keys ('a', each rubbed out again with Backspace
	 * before the next) on a fresh prompt of a shell that echoes.
	 * @return milliseconds from the page's send of the key on the console's WebSocket to
	 * the first message back, from keydown to the echo parsed, and from keydown to the
	 * echo rendered
	 */
	Samples[] keystrokes(int warmups, int count) {
		WebElement input = this.browser.findElement(By.cssSelector("#terminal .xterm-helper-textarea"));
		Object lineFeeds = this.browser.executeScript("return window.qemuEchoProbe.lineFeeds;");
		input.sendKeys(Keys.ENTER);
		await("probe.lineFeeds > " + lineFeeds
				+ " && /[#$]\\s*$/.test(line.text.substring(0, line.x)) && line.text.substring(line.x).trim() === ''",
				"a fresh prompt");
		Samples socket = new Samples();
		Samples parsed = new Samples();
		Samples rendered = new Samples();
		for (int i = 0; i < warmups + count; i++) {
			this.browser.executeScript("""
					var probe = window.qemuEchoProbe;
					probe.x = window.qemuCursorLine().x;
					probe.down = 0;
					probe.sent = 0;
					probe.received = 0;
					probe.parsed = 0;
					probe.rendered = 0;
					probe.key = 'a';
					""");
			input.sendKeys("a");
			await("probe.rendered !== 0", "the echo of 'a' rendered");
			@SuppressWarnings("unchecked")
			List<Number> times = (List<Number>) this.browser.executeScript(
					"var p = window.qemuEchoProbe; p.key = null; return [p.down, p.sent, p.received, p.parsed, p.rendered];");
			if (times.get(1).doubleValue() == 0 || times.get(2).doubleValue() == 0) {
				throw new IllegalStateException("The page's console socket changed during the measurement: " + times);
			}
			if (i >= warmups) {
				double down = times.get(0).doubleValue();
				socket.add(times.get(2).doubleValue() - times.get(1).doubleValue());
				parsed.add(times.get(3).doubleValue() - down);
				rendered.add(times.get(4).doubleValue() - down);
			}
			input.sendKeys(Keys.BACK_SPACE);
			await("line.x === probe.x && line.text.charAt(probe.x) !== 'a'", "'a' rubbed out");
		}
		return new Samples[] { socket, parsed, rendered };
	}

	private void await(String condition, String what) {
		try {
			this.browser.executeAsyncScript(AWAIT, condition);
		}
		catch (ScriptTimeoutException ex) {
			Object line = this.browser.executeScript("return window.qemuCursorLine && window.qemuCursorLine();");
			throw new IllegalStateException(
					"No " + what + " on the console page within " + TIMEOUT + "; the cursor's line: " + line
							+ "; mode: "
							+ this.browser.executeScript("return window.qemuConsole && window.qemuConsole.mode();"),
					ex);
		}
	}

	@Override
	public void close() {
		this.browser.quit();
	}

}
