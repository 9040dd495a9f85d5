package io.github.qemuembed.console;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The browser console: a live list of the driver's domains and a serial console per
 * domain. Off unless {@code qemu.embed.console.enabled=true}; see docs/console.md.
 */
@ConfigurationProperties("qemu.embed.console")
public class QemuEmbedConsoleProperties {

	/**
	 * Whether to serve the dashboard and the serial consoles. The console is a shell into
	 * the VMs: it is off unless enabled.
	 */
	private boolean enabled;

	/**
	 * Where the dashboard is served: '/' for the root of the application, or a path such
	 * as '/qemu' (no trailing slash). The domain pages, events, actions, consoles and
	 * assets live below it.
	 */
	private String path = "/qemu";

	/**
	 * Whether requests that reach the server on a non-loopback address are served. By
	 * default they are refused with 403, whatever server.address is: only a browser on
	 * the same machine (or behind a proxy on it) sees the console.
	 */
	private boolean allowRemote;

	/**
	 * Origins, besides the page's own, whose pages may open a console WebSocket (e.g.
	 * 'https://admin.example.com'). Browsers send the page's origin with the handshake;
	 * any other origin is refused with 403.
	 */
	private List<String> allowedOrigins = new ArrayList<>();

	private final Dashboard dashboard = new Dashboard();

	private final Terminal terminal = new Terminal();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public boolean isAllowRemote() {
		return this.allowRemote;
	}

	public void setAllowRemote(boolean allowRemote) {
		this.allowRemote = allowRemote;
	}

	public List<String> getAllowedOrigins() {
		return this.allowedOrigins;
	}

	public void setAllowedOrigins(List<String> allowedOrigins) {
		this.allowedOrigins = allowedOrigins;
	}

	public Dashboard getDashboard() {
		return this.dashboard;
	}

	public Terminal getTerminal() {
		return this.terminal;
	}

	/** The live list of domains. */
	public static class Dashboard {

		/**
		 * How often the domains are read while at least one page is open. One reader
		 * serves every open page.
		 */
		private Duration sampleInterval = Duration.ofSeconds(1);

		public Duration getSampleInterval() {
			return this.sampleInterval;
		}

		public void setSampleInterval(Duration sampleInterval) {
			this.sampleInterval = sampleInterval;
		}

	}

	/** The serial console in the page. */
	public static class Terminal {

		/**
		 * How much of the console's history (from the domain's log) a page gets when it
		 * connects.
		 */
		private DataSize history = DataSize.ofKilobytes(64);

		/**
		 * How much guest output may wait for one slow browser. A browser further behind
		 * is disconnected (close code 4408, the page reconnects and shows the history
		 * again); the guest and other browsers are not held up.
		 */
		private DataSize clientBuffer = DataSize.ofKilobytes(256);

		public DataSize getHistory() {
			return this.history;
		}

		public void setHistory(DataSize history) {
			this.history = history;
		}

		public DataSize getClientBuffer() {
			return this.clientBuffer;
		}

		public void setClientBuffer(DataSize clientBuffer) {
			this.clientBuffer = clientBuffer;
		}

	}

}
