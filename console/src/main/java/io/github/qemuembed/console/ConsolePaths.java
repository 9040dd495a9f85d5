package io.github.qemuembed.console;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The console's URLs below {@code qemu.embed.console.path}: the dashboard, the events, a
 * domain's page, its actions and console, and the assets. Checked once at start-up.
 */
final class ConsolePaths {

	private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)*");

	/** The base without a trailing slash: empty for the application's root. */
	private final String base;

	private ConsolePaths(String base) {
		this.base = base;
	}

	static ConsolePaths of(QemuEmbedConsoleProperties properties) {
		String path = properties.getPath();
		if (path == null || path.isEmpty()) {
			throw new InvalidConsolePropertyException("qemu.embed.console.path",
					"is empty: use '/' for the application's root or a path such as '/qemu'");
		}
		String base = "/".equals(path) ? "" : path;
		if (!PATH.matcher(base).matches()) {
			throw new InvalidConsolePropertyException("qemu.embed.console.path", "'" + path
					+ "' is not a plain path: it starts with '/', has no trailing '/', and has only letters, digits, '.', '_', '~' and '-' between the slashes (e.g. '/qemu')");
		}
		Duration interval = properties.getDashboard().getSampleInterval();
		if (interval == null || interval.toMillis() < 100) {
			throw new InvalidConsolePropertyException("qemu.embed.console.dashboard.sample-interval",
					"is " + interval + ": it must be at least 100ms");
		}
		if (properties.getTerminal().getClientBuffer().toBytes() < 4096) {
			throw new InvalidConsolePropertyException("qemu.embed.console.terminal.client-buffer",
					"is " + properties.getTerminal().getClientBuffer() + ": it must be at least 4KB");
		}
		if (properties.getTerminal().getHistory().toBytes() < 0
				|| properties.getTerminal().getHistory().toBytes() > 16 * 1024 * 1024) {
			throw new InvalidConsolePropertyException("qemu.embed.console.terminal.history",
					"is " + properties.getTerminal().getHistory() + ": it must be between 0 and 16MB");
		}
		return new ConsolePaths(base);
	}

	/** The base path, empty for the root. */
	String base() {
		return this.base;
	}

	/** The dashboard: {@code /} or {@code /qemu/}. */
	String dashboard() {
		return this.base + "/";
	}

	String events() {
		return this.base + "/events";
	}

	String domain(String name) {
		return this.base + "/domains/" + name;
	}

	String assets() {
		return this.base + "/assets";
	}

	/** The WebSocket of a domain's console; {@code *} is the domain's name. */
	String consolePattern() {
		return this.base + "/domains/*/console";
	}

	/**
	 * Whether a request path (without the context path) is one of the console's, for the
	 * loopback guard: with the console at the root, the application's own paths stay the
	 * application's.
	 */
	boolean owns(String path) {
		if (path.equals(this.base) || path.equals(dashboard()) || path.equals(events())) {
			return true;
		}
		return path.startsWith(this.base + "/domains/") || path.startsWith(assets() + "/");
	}

	/** The domain name of a console WebSocket's path, or {@code null}. */
	String consoleDomain(String path) {
		String prefix = this.base + "/domains/";
		String suffix = "/console";
		if (!path.startsWith(prefix) || !path.endsWith(suffix) || path.length() <= prefix.length() + suffix.length()) {
			return null;
		}
		String name = path.substring(prefix.length(), path.length() - suffix.length());
		return name.contains("/") ? null : name;
	}

}
