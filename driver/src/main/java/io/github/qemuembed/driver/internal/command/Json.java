package io.github.qemuembed.driver.internal.command;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * An ordered JSON object for {@code -device}, {@code -blockdev}, {@code -netdev} and
 * {@code -object}.
 */
final class Json {

	private final Map<String, Object> fields = new LinkedHashMap<>();

	static Json object() {
		return new Json();
	}

	/** Adds a field; {@code null} values are left out. */
	Json put(String name, Object value) {
		if (value != null) {
			this.fields.put(name, (value instanceof Json json) ? json.fields : value);
		}
		return this;
	}

	/**
	 * Adds a field whose value is JSON {@code null} (QEMU's way of saying "none", as in
	 * {@code "backing":null}).
	 */
	Json putNull(String name) {
		this.fields.put(name, null);
		return this;
	}

	@Override
	public String toString() {
		return JsonMapper.shared().writeValueAsString(this.fields);
	}

}
