package io.github.qemuembed.console;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriUtils;

/**
 * The console's HTML: the dashboard, a domain's page and error pages, rendered on the
 * server with every value escaped. The pages' scripts take over from there (live rows,
 * actions, terminal); they run from files (no inline script), so the pages can forbid
 * inline scripts with their CSP.
 */
final class PageRenderer {

	static final List<String> ACTIONS = List.of("start", "shutdown", "reboot", "suspend", "resume", "destroy");

	private final ConsolePaths paths;

	PageRenderer(ConsolePaths paths) {
		this.paths = paths;
	}

	String dashboard(List<DomainRow> rows, List<CsrfTokens.Token> tokens) {
		StringBuilder body = new StringBuilder();
		body.append("<header><h1>Virtual machines</h1><span id=\"live\" class=\"live\">connecting…</span></header>\n");
		body.append("<main>\n<table id=\"domains\">\n<thead><tr><th>Name</th><th>State</th><th>Uptime</th>")
			.append("<th>vCPUs</th><th>Memory</th><th>CPU</th><th>Disk read / write</th>")
			.append("<th>Network in / out</th><th>Agent</th><th>Snapshots</th><th>Actions</th></tr></thead>\n<tbody>\n");
		for (DomainRow row : rows) {
			body.append(row(row));
		}
		body.append("</tbody>\n</table>\n");
		body.append("<p id=\"empty\"").append(rows.isEmpty() ? "" : " hidden").append(">No domains to show.</p>\n");
		body.append("<p id=\"result\" role=\"status\" aria-live=\"polite\"></p>\n</main>\n");
		return page("Virtual machines", tokens, body.toString(), List.of("console.js"));
	}

	String domain(DomainRow row, List<CsrfTokens.Token> tokens) {
		String name = row.name();
		StringBuilder body = new StringBuilder();
		body.append("<header><a href=\"")
			.append(escape(this.paths.dashboard()))
			.append("\">Virtual machines</a> / <h1>")
			.append(escape(name))
			.append("</h1><span id=\"live\" class=\"live\">connecting…</span></header>\n");
		body.append(
				"<main>\n<table id=\"domains\" class=\"one\">\n<thead><tr><th>Name</th><th>State</th><th>Uptime</th>")
			.append("<th>vCPUs</th><th>Memory</th><th>CPU</th><th>Disk read / write</th>")
			.append("<th>Network in / out</th><th>Agent</th><th>Snapshots</th><th>Actions</th></tr></thead>\n<tbody>\n")
			.append(row(row))
			.append("</tbody>\n</table>\n<p id=\"result\" role=\"status\" aria-live=\"polite\"></p>\n");
		body.append(
				"<section class=\"console\"><p id=\"console-status\" role=\"status\">connecting to the console…</p>\n")
			.append("<div id=\"terminal\" data-domain=\"")
			.append(escape(name))
			.append("\" data-socket=\"")
			.append(escape(this.paths.domain(encode(name)) + "/console"))
			.append("\"></div></section>\n</main>\n");
		return page(name, tokens, body.toString(),
				List.of("vendor/xterm/xterm.js", "vendor/addon-fit/addon-fit.js", "console.js", "terminal.js"));
	}

	String error(int status, String title, String message) {
		String body = "<header><a href=\"" + escape(this.paths.dashboard()) + "\">Virtual machines</a></header>\n"
				+ "<main><h1>" + status + " " + escape(title) + "</h1>\n<p class=\"error\">" + escape(message)
				+ "</p></main>\n";
		return page(title, List.of(), body, List.of());
	}

	private String row(DomainRow row) {
		String name = row.name();
		StringBuilder html = new StringBuilder();
		html.append("<tr data-domain=\"")
			.append(escape(name))
			.append("\" data-state=\"")
			.append(escape(row.state()))
			.append("\">");
		html.append("<td class=\"name\"><a href=\"")
			.append(escape(this.paths.domain(encode(name))))
			.append("\">")
			.append(escape(name))
			.append("</a></td>");
		html.append("<td class=\"state\" title=\"")
			.append(escape(row.status()))
			.append("\">")
			.append(escape(row.state()))
			.append(row.stale() != null ? " <span class=\"stale\" title=\"" + escape(row.stale()) + "\">(stale)</span>"
					: "")
			.append("</td>");
		html.append("<td class=\"uptime\">")
			.append(row.active() ? Format.uptime(row.uptimeSeconds()) : "–")
			.append("</td>");
		html.append("<td class=\"vcpus\">").append(row.vcpus()).append("</td>");
		html.append("<td class=\"memory\">").append(Format.bytes(row.memoryKiB() * 1024)).append("</td>");
		html.append("<td class=\"cpu\">").append(Format.percent(row.cpuPercent())).append("</td>");
		html.append("<td class=\"block\">")
			.append(Format.rate(row.blockReadBps()))
			.append(" / ")
			.append(Format.rate(row.blockWriteBps()))
			.append("</td>");
		html.append("<td class=\"net\">")
			.append(Format.rate(row.netRxBps()))
			.append(" / ")
			.append(Format.rate(row.netTxBps()))
			.append("</td>");
		html.append("<td class=\"agent\">").append(escape(row.agent())).append("</td>");
		html.append("<td class=\"snapshots\">")
			.append(Format.snapshots(row.snapshots(), row.currentSnapshot()))
			.append("</td>");
		html.append("<td class=\"actions\">");
		for (String action : ACTIONS) {
			html.append("<button type=\"button\" data-action=\"")
				.append(action)
				.append("\">")
				.append(action)
				.append("</button>");
		}
		html.append("</td></tr>\n");
		return html.toString();
	}

	private String page(String title, List<CsrfTokens.Token> tokens, String body, List<String> scripts) {
		StringBuilder html = new StringBuilder();
		html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
			.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
			.append("<title>")
			.append(escape(title))
			.append(" · qemu-embed</title>\n")
			.append("<meta name=\"qemu-console-base\" content=\"")
			.append(escape(this.paths.base()))
			.append("\">\n");
		for (CsrfTokens.Token token : tokens) {
			html.append("<meta name=\"qemu-console-csrf\" data-header=\"")
				.append(escape(token.header()))
				.append("\" content=\"")
				.append(escape(token.value()))
				.append("\">\n");
		}
		if (scripts.contains("vendor/xterm/xterm.js")) {
			html.append("<link rel=\"stylesheet\" href=\"")
				.append(escape(asset("vendor/xterm/xterm.css")))
				.append("\">\n");
		}
		html.append("<link rel=\"stylesheet\" href=\"").append(escape(asset("console.css"))).append("\">\n");
		html.append("</head>\n<body>\n").append(body);
		for (String script : scripts) {
			html.append("<script src=\"").append(escape(asset(script))).append("\"></script>\n");
		}
		html.append("</body>\n</html>\n");
		return html.toString();
	}

	private String asset(String file) {
		return this.paths.assets() + "/" + file;
	}

	private static String escape(String text) {
		return HtmlUtils.htmlEscape(text, "UTF-8");
	}

	static String encode(String name) {
		return UriUtils.encodePathSegment(name, StandardCharsets.UTF_8);
	}

	/** Figures as the page shows them (console.js formats the live ones the same way). */
	static final class Format {

		private Format() {
		}

		/**
		 * {@code 3 (current: clean)}, {@code 0}, or a dash when they could not be read.
		 */
		static String snapshots(Integer count, String current) {
			if (count == null) {
				return "–";
			}
			return count + ((current != null) ? " (current: " + escape(current) + ")" : "");
		}

		static String uptime(long seconds) {
			long days = seconds / 86400;
			long hours = (seconds % 86400) / 3600;
			long minutes = (seconds % 3600) / 60;
			long secs = seconds % 60;
			if (days > 0) {
				return String.format(Locale.ROOT, "%dd %02dh %02dm", days, hours, minutes);
			}
			if (hours > 0) {
				return String.format(Locale.ROOT, "%dh %02dm %02ds", hours, minutes, secs);
			}
			return String.format(Locale.ROOT, "%dm %02ds", minutes, secs);
		}

		static String bytes(double bytes) {
			String[] units = { "B", "KiB", "MiB", "GiB", "TiB" };
			int unit = 0;
			double value = bytes;
			while (value >= 1024 && unit < units.length - 1) {
				value /= 1024;
				unit++;
			}
			return (unit == 0 || value >= 100) ? String.format(Locale.ROOT, "%.0f %s", value, units[unit])
					: String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
		}

		static String rate(Double bytesPerSecond) {
			return (bytesPerSecond == null) ? "–" : bytes(bytesPerSecond) + "/s";
		}

		static String percent(Double percent) {
			return (percent == null) ? "–" : String.format(Locale.ROOT, "%.1f %%", percent);
		}

	}

}
