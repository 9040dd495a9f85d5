package io.github.qemuembed.driver.internal.command;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;

/**
 * Serves a byte array the way QEMU's curl driver reads an image: {@code HEAD} for the
 * size (with {@code Accept-Ranges: bytes}), then {@code GET} with one
 * {@code Range: bytes=a-b} per read, answered with 206.
 */
final class RangeServer {

	private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

	private RangeServer() {
	}

	static void serve(HttpExchange exchange, byte[] content, List<String> ranges) throws IOException {
		try (exchange) {
			exchange.getResponseHeaders().add("Accept-Ranges", "bytes");
			if (exchange.getRequestMethod().equals("HEAD")) {
				exchange.getResponseHeaders().add("Content-Length", String.valueOf(content.length));
				exchange.sendResponseHeaders(200, -1);
				return;
			}
			String range = exchange.getRequestHeaders().getFirst("Range");
			Matcher matcher = (range != null) ? RANGE.matcher(range) : null;
			if (matcher == null || !matcher.matches()) {
				exchange.sendResponseHeaders(200, content.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(content);
				}
				return;
			}
			ranges.add(range);
			int first = Integer.parseInt(matcher.group(1));
			int last = Math.min(Integer.parseInt(matcher.group(2)), content.length - 1);
			exchange.getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/" + content.length);
			exchange.sendResponseHeaders(206, last - first + 1);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(content, first, last - first + 1);
			}
		}
	}

}
