package io.github.qemuembed.driver.internal.io;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Reads JSON values, one after the other, from UTF-8 bytes as {@link JsonValues}
 * describes them: strict RFC 8259 (no comments, no trailing commas, no leading zeros, no
 * control characters or malformed UTF-8 in strings), nesting at most {@value #MAX_DEPTH}
 * deep. Reads the stream only as far as the values it returns need, so that it can read a
 * conversation (QMP's answers) while it goes on.
 */
public final class JsonValueReader {

	static final int MAX_DEPTH = 1000;

	private final InputStream input;

	private final byte[] buffer = new byte[8192];

	private int position;

	private int limit;

	/** Bytes consumed before {@link #buffer}, for messages. */
	private long consumed;

	private int depth;

	JsonValueReader(InputStream input) {
		this.input = input;
	}

	/**
	 * Skips white space, and tells whether the input ends there; blocks until it knows.
	 */
	public boolean atEnd() throws IOException {
		return skipWhiteSpace() < 0;
	}

	/**
	 * The next value.
	 * @throws MalformedJsonException if it is not well-formed, or the input ends first
	 * @throws IOException if the input cannot be read
	 */
	public @Nullable Object next() throws IOException {
		int first = skipWhiteSpace();
		if (first < 0) {
			throw malformed("the input ends where a value should start");
		}
		return value(first);
	}

	private @Nullable Object value(int first) throws IOException {
		this.position++;
		return switch (first) {
			case '{' -> object();
			case '[' -> array();
			case '"' -> string();
			case 't' -> literal("rue", Boolean.TRUE);
			case 'f' -> literal("alse", Boolean.FALSE);
			case 'n' -> literal("ull", null);
			default -> {
				if (first == '-' || (first >= '0' && first <= '9')) {
					this.position--;
					yield number();
				}
				this.position--;
				throw malformed((first > 0x20 && first < 0x7f) ? "unexpected character '" + (char) first + "'"
						: "unexpected byte 0x" + Integer.toHexString(first));
			}
		};
	}

	private Map<String, Object> object() throws IOException {
		enter();
		Map<String, Object> object = new LinkedHashMap<>();
		int next = skipWhiteSpace();
		if (next == '}') {
			this.position++;
			this.depth--;
			return object;
		}
		while (true) {
			if (next != '"') {
				throw malformed("a member name should start here");
			}
			this.position++;
			String name = string();
			if (skipWhiteSpace() != ':') {
				throw malformed("':' should follow a member name");
			}
			this.position++;
			int first = skipWhiteSpace();
			if (first < 0) {
				throw malformed("the input ends inside an object");
			}
			object.put(name, value(first));
			next = skipWhiteSpace();
			if (next < 0) {
				throw malformed("the input ends inside an object");
			}
			this.position++;
			if (next == '}') {
				this.depth--;
				return object;
			}
			if (next != ',') {
				this.position--;
				throw malformed("',' or '}' should follow a member");
			}
			next = skipWhiteSpace();
		}
	}

	private List<Object> array() throws IOException {
		enter();
		List<Object> array = new ArrayList<>();
		int next = skipWhiteSpace();
		if (next == ']') {
			this.position++;
			this.depth--;
			return array;
		}
		while (true) {
			if (next < 0) {
				throw malformed("the input ends inside an array");
			}
			array.add(value(next));
			next = skipWhiteSpace();
			if (next < 0) {
				throw malformed("the input ends inside an array");
			}
			this.position++;
			if (next == ']') {
				this.depth--;
				return array;
			}
			if (next != ',') {
				this.position--;
				throw malformed("',' or ']' should follow an element");
			}
			next = skipWhiteSpace();
		}
	}

	private void enter() throws MalformedJsonException {
		if (++this.depth > MAX_DEPTH) {
			throw malformed("values nest deeper than " + MAX_DEPTH);
		}
	}

	/** The rest of a string whose opening quote was read. */
	private String string() throws IOException {
		StringBuilder text = new StringBuilder(32);
		while (true) {
			int b = read();
			if (b == '"') {
				return text.toString();
			}
			if (b == '\\') {
				escape(text);
			}
			else if (b < 0) {
				throw malformed("the input ends inside a string");
			}
			else if (b < 0x20) {
				throw malformed("a control character in a string must be escaped");
			}
			else if (b < 0x80) {
				text.append((char) b);
			}
			else {
				text.appendCodePoint(utf8(b));
			}
		}
	}

	private void escape(StringBuilder text) throws IOException {
		int b = read();
		switch (b) {
			case '"' -> text.append('"');
			case '\\' -> text.append('\\');
			case '/' -> text.append('/');
			case 'b' -> text.append('\b');
			case 'f' -> text.append('\f');
			case 'n' -> text.append('\n');
			case 'r' -> text.append('\r');
			case 't' -> text.append('\t');
			case 'u' -> {
				int unit = 0;
				for (int i = 0; i < 4; i++) {
					int digit = Character.digit(read(), 16);
					if (digit < 0) {
						throw malformed("\\u must be followed by four hex digits");
					}
					unit = (unit << 4) | digit;
				}
				text.append((char) unit);
			}
			default -> throw malformed("invalid escape in a string");
		}
	}

	/** The code point of a UTF-8 sequence that starts with {@code lead}. */
	private int utf8(int lead) throws IOException {
		int count;
		int codePoint;
		int min;
		if (lead >= 0xc2 && lead <= 0xdf) {
			count = 1;
			codePoint = lead & 0x1f;
			min = 0x80;
		}
		else if (lead >= 0xe0 && lead <= 0xef) {
			count = 2;
			codePoint = lead & 0x0f;
			min = 0x800;
		}
		else if (lead >= 0xf0 && lead <= 0xf4) {
			count = 3;
			codePoint = lead & 0x07;
			min = 0x10000;
		}
		else {
			throw malformed("malformed UTF-8 in a string");
		}
		for (int i = 0; i < count; i++) {
			int b = read();
			if ((b & 0xc0) != 0x80) {
				throw malformed("malformed UTF-8 in a string");
			}
			codePoint = (codePoint << 6) | (b & 0x3f);
		}
		if (codePoint < min || codePoint > Character.MAX_CODE_POINT
				|| (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE)) {
			throw malformed("malformed UTF-8 in a string");
		}
		return codePoint;
	}

	private Object number() throws IOException {
		StringBuilder text = new StringBuilder(20);
		boolean integer = true;
		if (peek() == '-') {
			text.append((char) read());
		}
		int first = read();
		if (first == '0') {
			text.append('0');
		}
		else if (first >= '1' && first <= '9') {
			text.append((char) first);
			digits(text);
		}
		else {
			throw malformed("a digit should follow '-'");
		}
		if (peek() == '.') {
			integer = false;
			text.append((char) read());
			if (digits(text) == 0) {
				throw malformed("a digit should follow '.'");
			}
		}
		if (peek() == 'e' || peek() == 'E') {
			integer = false;
			text.append((char) read());
			if (peek() == '+' || peek() == '-') {
				text.append((char) read());
			}
			if (digits(text) == 0) {
				throw malformed("a digit should follow the exponent");
			}
		}
		String number = text.toString();
		if (!integer) {
			return Double.parseDouble(number);
		}
		if (number.length() <= 18) {
			return Long.parseLong(number);
		}
		BigInteger big = new BigInteger(number);
		return (big.bitLength() < 64) ? (Object) big.longValue() : big;
	}

	private int digits(StringBuilder text) throws IOException {
		int count = 0;
		for (int c = peek(); c >= '0' && c <= '9'; c = peek()) {
			text.append((char) read());
			count++;
		}
		return count;
	}

	private @Nullable Object literal(String rest, @Nullable Object value) throws IOException {
		for (int i = 0; i < rest.length(); i++) {
			if (read() != rest.charAt(i)) {
				throw malformed("not a JSON literal (true, false or null)");
			}
		}
		return value;
	}

	/** The next byte that is not white space, left unread; -1 at the end. */
	private int skipWhiteSpace() throws IOException {
		while (true) {
			int b = peek();
			if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
				return b;
			}
			this.position++;
		}
	}

	private int peek() throws IOException {
		if (this.position == this.limit && !fill()) {
			return -1;
		}
		return this.buffer[this.position] & 0xff;
	}

	private int read() throws IOException {
		int b = peek();
		if (b >= 0) {
			this.position++;
		}
		return b;
	}

	private boolean fill() throws IOException {
		this.consumed += this.limit;
		this.position = 0;
		this.limit = 0;
		int read = this.input.read(this.buffer, 0, this.buffer.length);
		if (read <= 0) {
			return false;
		}
		this.limit = read;
		return true;
	}

	private MalformedJsonException malformed(String problem) {
		return new MalformedJsonException("Malformed JSON at byte " + (this.consumed + this.position) + ": " + problem);
	}

}
