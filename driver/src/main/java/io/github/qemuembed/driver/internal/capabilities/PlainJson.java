package io.github.qemuembed.driver.internal.capabilities;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;

/**
 * The capability cache's JSON as plain Java values ({@code Map}, {@code List},
 * {@code String}, {@code Long}, {@code Boolean}, {@code null}), read and written with
 * Jackson's streaming layer only. The cache is read on every {@code QemuDriver.open};
 * going through jackson-databind there loaded some 400 classes and was most of the cost
 * of the first open in a new JVM.
 */
final class PlainJson {

	private static final JsonFactory factory = JsonFactory.builder().build();

	private PlainJson() {
	}

	/**
	 * Parses one JSON value; {@link tools.jackson.core.JacksonException} when it is not
	 * well-formed JSON.
	 */
	static Object read(byte[] bytes) {
		try (JsonParser parser = factory.createParser(ObjectReadContext.empty(), bytes)) {
			JsonToken first = parser.nextToken();
			if (first == null) {
				throw new StreamReadException(parser, "empty document");
			}
			Object value = value(parser, first);
			if (parser.nextToken() != null) {
				throw new StreamReadException(parser, "trailing content after the value");
			}
			return value;
		}
	}

	private static Object value(JsonParser parser, JsonToken token) {
		return switch (token) {
			case START_OBJECT -> {
				Map<String, Object> object = new LinkedHashMap<>();
				for (String name = parser.nextName(); name != null; name = parser.nextName()) {
					object.put(name, value(parser, parser.nextToken()));
				}
				yield object;
			}
			case START_ARRAY -> {
				List<Object> array = new ArrayList<>();
				for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
					array.add(value(parser, next));
				}
				yield array;
			}
			case VALUE_STRING -> parser.getString();
			case VALUE_NUMBER_INT -> parser.getLongValue();
			case VALUE_TRUE -> Boolean.TRUE;
			case VALUE_FALSE -> Boolean.FALSE;
			case VALUE_NULL -> null;
			default -> throw new StreamReadException(parser, "unexpected " + token);
		};
	}

	/**
	 * Writes a value made of the types {@link #read} returns (numbers as {@code long}).
	 */
	static byte[] write(Object value) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (JsonGenerator generator = factory.createGenerator(ObjectWriteContext.empty(), out)) {
			write(generator, value);
		}
		return out.toByteArray();
	}

	private static void write(JsonGenerator generator, Object value) {
		if (value instanceof Map<?, ?> map) {
			generator.writeStartObject();
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				generator.writeName(entry.getKey().toString());
				write(generator, entry.getValue());
			}
			generator.writeEndObject();
		}
		else if (value instanceof Iterable<?> values) {
			generator.writeStartArray();
			for (Object element : values) {
				write(generator, element);
			}
			generator.writeEndArray();
		}
		else if (value instanceof String string) {
			generator.writeString(string);
		}
		else if (value instanceof Number number) {
			generator.writeNumber(number.longValue());
		}
		else if (value instanceof Boolean bool) {
			generator.writeBoolean(bool);
		}
		else if (value == null) {
			generator.writeNull();
		}
		else {
			throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
		}
	}

}
