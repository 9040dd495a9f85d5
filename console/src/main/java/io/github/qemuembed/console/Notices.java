package io.github.qemuembed.console;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * The console's text messages to the page (JSON with a {@code type}); guest output goes
 * as binary.
 */
final class Notices {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private Notices() {
	}

	static String attached(String domain) {
		return of("attached", Map.of("domain", domain));
	}

	static String stopped(String message) {
		return of("stopped", Map.of("message", message));
	}

	static String tooSlow(String message) {
		return of("slow", Map.of("message", message));
	}

	static String refused(int code, String message) {
		return of("refused", Map.of("code", code, "message", message));
	}

	private static String of(String type, Map<String, Object> fields) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("type", type);
		json.putAll(fields);
		return JSON.writeValueAsString(json);
	}

}
