package io.github.qemuembed.driver.internal.io;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;

/**
 * JSON as plain Java values ({@code Map} with string keys in document order,
 * {@code List}, {@code String}, {@code Long} (a {@code BigInteger} beyond it),
 * {@code Double}, {@code Boolean}, {@code null}), read and written with Jackson's
 * streaming layer only; the driver's other JSON representation, {@link JsonTrees}, reads
 * and writes {@code JsonNode} trees with the same {@link #factory()} and the same rules
 * for a document.
 * <p>
 * For what runs when a driver opens: the capability cache file and the emulator probe's
 * answers. Neither needs jackson-databind, whose node classes alone are some 30 classes
 * more to load and verify in a new JVM; this class refers to none of them, so that
 * loading it does not load them either.
 */
public final class JsonValues {

	/**
	 * The one factory of the driver's JSON (thread-safe; its symbol table of member names
	 * is shared by every parser it makes).
	 */
	private static final JsonFactory factory = JsonFactory.builder().build();

	private JsonValues() {
	}

	/** The factory both representations read and write with. */
	static JsonFactory factory() {
		return factory;
	}

	/**
	 * Parses one JSON value.
	 * @throws tools.jackson.core.JacksonException if the bytes are not one JSON value
	 * (trailing content included)
	 */
	public static @Nullable Object read(byte[] bytes) {
		try (JsonParser parser = factory.createParser(ObjectReadContext.empty(), bytes)) {
			Object value = value(parser, first(parser));
			end(parser);
			return value;
		}
	}

	/**
	 * A parser for a stream of JSON values (QMP's, one after the other), to be read with
	 * {@link #value}; the caller closes it.
	 */
	public static JsonParser parser(InputStream input) {
		return factory.createParser(ObjectReadContext.empty(), input);
	}

	/**
	 * The value that starts with {@code token}, the parser's current token; afterwards
	 * the parser is on the value's last token.
	 * @throws StreamReadException if the value is not well-formed
	 */
	public static @Nullable Object value(JsonParser parser, JsonToken token) {
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
			case VALUE_NUMBER_INT -> (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER)
					? parser.getBigIntegerValue() : (Object) parser.getLongValue();
			case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
			case VALUE_TRUE -> Boolean.TRUE;
			case VALUE_FALSE -> Boolean.FALSE;
			case VALUE_NULL -> null;
			default -> throw new StreamReadException(parser, "Unexpected JSON token " + token);
		};
	}

	/**
	 * The first token of a document.
	 * @throws StreamReadException if there is none
	 */
	static JsonToken first(JsonParser parser) {
		JsonToken first = parser.nextToken();
		if (first == null) {
			throw new StreamReadException(parser, "No JSON value: the input is empty");
		}
		return first;
	}

	/**
	 * Checks that a document ends after its value.
	 * @throws StreamReadException if something follows
	 */
	static void end(JsonParser parser) {
		if (parser.nextToken() != null) {
			throw new StreamReadException(parser, "Trailing content after the JSON value");
		}
	}

	/**
	 * The JSON text, as UTF-8, of a value made of the types {@link #read} returns (any
	 * {@code Iterable} is written as an array, any {@code Number} but a
	 * {@code BigInteger} or {@code Double} as a {@code long}).
	 * @throws IllegalArgumentException for anything else
	 */
	public static byte[] write(@Nullable Object value) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (JsonGenerator generator = factory.createGenerator(ObjectWriteContext.empty(), out)) {
			write(generator, value);
		}
		return out.toByteArray();
	}

	private static void write(JsonGenerator generator, @Nullable Object value) {
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
		else if (value instanceof BigInteger number) {
			generator.writeNumber(number);
		}
		else if (value instanceof Double number) {
			generator.writeNumber(number);
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
			throw new IllegalArgumentException("Not a JSON value: " + value.getClass().getName());
		}
	}

}
