package io.github.qemuembed.driver.internal.io;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON text to and from Jackson's {@link JsonNode} trees with the streaming parser and
 * generator alone, for the QMP and guest-agent wire: the trees equal what
 * {@code JsonMapper.readTree} builds (ints, longs and big integers by size, doubles for
 * fractions, the last of duplicate members), without building a {@link JsonMapper}. A
 * mapper costs hundreds of milliseconds of class loading and set-up in a new JVM and
 * microseconds of indirection per message; a QMP message needs neither. Trees holding
 * something the generator cannot write by itself (binary or POJO nodes, which the wire
 * never produces but an API caller could pass) are written by the shared mapper.
 */
public final class JsonTrees {

	private static final JsonFactory factory = new JsonFactory();

	private static final JsonNodeFactory nodes = JsonNodeFactory.instance;

	private JsonTrees() {
	}

	/**
	 * Parses one JSON value.
	 * @throws StreamReadException if the bytes are not one JSON value (trailing content
	 * included)
	 */
	public static JsonNode read(byte[] bytes, int offset, int length) {
		try (JsonParser parser = factory.createParser(ObjectReadContext.empty(), bytes, offset, length)) {
			return readDocument(parser);
		}
	}

	/**
	 * Parses one JSON value.
	 * @throws StreamReadException if the text is not one JSON value
	 */
	public static JsonNode read(String text) {
		try (JsonParser parser = factory.createParser(ObjectReadContext.empty(), text)) {
			return readDocument(parser);
		}
	}

	/** The JSON text of {@code node}, as UTF-8. */
	public static byte[] writeBytes(JsonNode node) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(128);
		if (!writable(node)) {
			return JsonMapper.shared().writeValueAsBytes(node);
		}
		try (JsonGenerator generator = factory.createGenerator(ObjectWriteContext.empty(), out)) {
			write(generator, node);
		}
		return out.toByteArray();
	}

	/** The JSON text of {@code node}. */
	public static String writeString(JsonNode node) {
		return new String(writeBytes(node), StandardCharsets.UTF_8);
	}

	/**
	 * The tree of a plain Java value: maps with string keys, lists, strings, numbers,
	 * booleans, null and trees, as QMP arguments are built; anything else (a record, a
	 * bean) is converted by the shared mapper.
	 */
	public static JsonNode valueOf(@Nullable Object value) {
		if (value == null) {
			return nodes.nullNode();
		}
		if (value instanceof JsonNode node) {
			return node;
		}
		if (value instanceof String string) {
			return nodes.textNode(string);
		}
		if (value instanceof Boolean bool) {
			return nodes.booleanNode(bool);
		}
		if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
			return nodes.numberNode(((Number) value).intValue());
		}
		if (value instanceof Long number) {
			return nodes.numberNode(number);
		}
		if (value instanceof Double number) {
			return nodes.numberNode(number);
		}
		if (value instanceof Map<?, ?> map && map.keySet().stream().allMatch(String.class::isInstance)) {
			ObjectNode object = nodes.objectNode();
			map.forEach((key, member) -> object.set((String) key, valueOf(member)));
			return object;
		}
		if (value instanceof List<?> list) {
			ArrayNode array = nodes.arrayNode();
			list.forEach((element) -> array.add(valueOf(element)));
			return array;
		}
		return JsonMapper.shared().valueToTree(value);
	}

	/** A new empty object node. */
	public static ObjectNode object() {
		return nodes.objectNode();
	}

	private static JsonNode readDocument(JsonParser parser) {
		JsonToken first = parser.nextToken();
		if (first == null) {
			throw new StreamReadException(parser, "No JSON value: the input is empty");
		}
		JsonNode value = readValue(parser, first);
		if (parser.nextToken() != null) {
			throw new StreamReadException(parser, "Trailing content after the JSON value");
		}
		return value;
	}

	private static JsonNode readValue(JsonParser parser, JsonToken token) {
		switch (token) {
			case START_OBJECT:
				ObjectNode object = nodes.objectNode();
				for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
					String name = parser.currentName();
					object.set(name, readValue(parser, parser.nextToken()));
				}
				return object;
			case START_ARRAY:
				ArrayNode array = nodes.arrayNode();
				for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
					array.add(readValue(parser, next));
				}
				return array;
			case VALUE_STRING:
				return nodes.textNode(parser.getString());
			case VALUE_NUMBER_INT:
				return switch (parser.getNumberType()) {
					case INT -> nodes.numberNode(parser.getIntValue());
					case LONG -> nodes.numberNode(parser.getLongValue());
					default -> nodes.numberNode(parser.getBigIntegerValue());
				};
			case VALUE_NUMBER_FLOAT:
				return nodes.numberNode(parser.getDoubleValue());
			case VALUE_TRUE:
				return nodes.booleanNode(true);
			case VALUE_FALSE:
				return nodes.booleanNode(false);
			case VALUE_NULL:
				return nodes.nullNode();
			default:
				throw new StreamReadException(parser, "Unexpected JSON token " + token);
		}
	}

	/** Whether the generator alone can write the tree (no binary or POJO nodes). */
	private static boolean writable(JsonNode node) {
		return switch (node.getNodeType()) {
			case OBJECT, ARRAY -> {
				for (JsonNode child : node.values()) {
					if (!writable(child)) {
						yield false;
					}
				}
				yield true;
			}
			case STRING, NUMBER, BOOLEAN, NULL -> true;
			default -> false;
		};
	}

	private static void write(JsonGenerator generator, JsonNode node) throws JacksonException {
		switch (node.getNodeType()) {
			case OBJECT -> {
				generator.writeStartObject();
				for (Map.Entry<String, JsonNode> member : node.properties()) {
					generator.writeName(member.getKey());
					write(generator, member.getValue());
				}
				generator.writeEndObject();
			}
			case ARRAY -> {
				generator.writeStartArray();
				for (JsonNode element : node.values()) {
					write(generator, element);
				}
				generator.writeEndArray();
			}
			case STRING -> generator.writeString(node.stringValue());
			case NUMBER -> writeNumber(generator, node);
			case BOOLEAN -> generator.writeBoolean(node.booleanValue());
			default -> generator.writeNull();
		}
	}

	private static void writeNumber(JsonGenerator generator, JsonNode node) {
		switch (node.numberType()) {
			case INT -> generator.writeNumber(node.intValue());
			case LONG -> generator.writeNumber(node.longValue());
			case BIG_INTEGER -> generator.writeNumber(node.bigIntegerValue());
			case FLOAT -> generator.writeNumber(node.floatValue());
			case BIG_DECIMAL -> generator.writeNumber(node.decimalValue());
			default -> generator.writeNumber(node.doubleValue());
		}
	}

}
