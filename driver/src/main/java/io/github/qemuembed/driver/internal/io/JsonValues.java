package io.github.qemuembed.driver.internal.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * JSON as plain Java values: {@code Map} (string keys, in document order; the last of
 * duplicate members wins), {@code List}, {@code String}, {@code Long} (a
 * {@code BigInteger} beyond it), {@code Double} (numbers with a fraction or exponent),
 * {@code Boolean} and {@code null}. The driver's other JSON representation,
 * {@link JsonTrees}, is Jackson's {@code JsonNode}, for the QMP and guest-agent wire and
 * the API.
 * <p>
 * This one is for what runs while a driver opens, in a JVM that has loaded none of the
 * driver's classes yet: the capability cache file and the emulator probe's answers. It
 * reads and writes by itself ({@link JsonValueReader}) rather than with Jackson:
 * Jackson's factory and parser are some 100 classes to load and verify before the first
 * byte is read, which in a new JVM took longer than QEMU takes to answer the probe, and
 * made the first open wait for them.
 */
public final class JsonValues {

	private JsonValues() {
	}

	/**
	 * Parses one JSON value.
	 * @throws MalformedJsonException if the bytes are not one JSON value (trailing
	 * content included)
	 */
	public static @Nullable Object read(byte[] bytes) throws MalformedJsonException {
		JsonValueReader reader = reader(new ByteArrayInputStream(bytes));
		try {
			Object value = reader.next();
			if (!reader.atEnd()) {
				throw new MalformedJsonException("Malformed JSON: trailing content after the value");
			}
			return value;
		}
		catch (MalformedJsonException ex) {
			throw ex;
		}
		catch (IOException ex) {
			// a byte array cannot fail to be read
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A reader of the JSON values in {@code input}, one after the other (QMP's messages);
	 * it reads no further than the values it returns need.
	 */
	public static JsonValueReader reader(InputStream input) {
		return new JsonValueReader(input);
	}

	/**
	 * The JSON text, as UTF-8, of a value made of the types {@link #read} returns (any
	 * {@code Iterable} is written as an array; any other {@code Number} as a
	 * {@code long}).
	 * @throws IllegalArgumentException for anything else, or a {@code Double} that is not
	 * finite
	 */
	public static byte[] write(@Nullable Object value) {
		StringBuilder text = new StringBuilder(256);
		write(text, value);
		return text.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static void write(StringBuilder text, @Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			text.append('{');
			boolean first = true;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				if (!first) {
					text.append(',');
				}
				first = false;
				string(text, entry.getKey().toString());
				text.append(':');
				write(text, entry.getValue());
			}
			text.append('}');
		}
		else if (value instanceof Iterable<?> values) {
			text.append('[');
			boolean first = true;
			for (Object element : values) {
				if (!first) {
					text.append(',');
				}
				first = false;
				write(text, element);
			}
			text.append(']');
		}
		else if (value instanceof String string) {
			string(text, string);
		}
		else if (value instanceof Double number) {
			if (number.isNaN() || number.isInfinite()) {
				throw new IllegalArgumentException("JSON has no " + number);
			}
			text.append(number.doubleValue());
		}
		else if (value instanceof BigInteger number) {
			text.append(number);
		}
		else if (value instanceof Number number) {
			text.append(number.longValue());
		}
		else if (value instanceof Boolean bool) {
			text.append(bool.booleanValue());
		}
		else if (value == null) {
			text.append("null");
		}
		else {
			throw new IllegalArgumentException("Not a JSON value: " + value.getClass().getName());
		}
	}

	/** Whether the char at {@code i} is a surrogate that is not half of a pair. */
	private static boolean lone(String string, int i) {
		char c = string.charAt(i);
		if (Character.isHighSurrogate(c)) {
			return i + 1 == string.length() || !Character.isLowSurrogate(string.charAt(i + 1));
		}
		if (Character.isLowSurrogate(c)) {
			return i == 0 || !Character.isHighSurrogate(string.charAt(i - 1));
		}
		return false;
	}

	private static void string(StringBuilder text, String string) {
		text.append('"');
		for (int i = 0; i < string.length(); i++) {
			char c = string.charAt(i);
			switch (c) {
				case '"' -> text.append("\\\"");
				case '\\' -> text.append("\\\\");
				case '\n' -> text.append("\\n");
				case '\r' -> text.append("\\r");
				case '\t' -> text.append("\\t");
				case '\b' -> text.append("\\b");
				case '\f' -> text.append("\\f");
				default -> {
					if (c < 0x20 || lone(string, i)) {
						// control characters, and lone surrogates, which UTF-8 cannot
						// carry
						text.append("\\u");
						for (int shift = 12; shift >= 0; shift -= 4) {
							text.append(Character.forDigit((c >> shift) & 0xf, 16));
						}
					}
					else {
						text.append(c);
					}
				}
			}
		}
		text.append('"');
	}

}
