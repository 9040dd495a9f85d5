package io.github.qemuembed.driver.internal.capabilities;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.driver.internal.io.JsonValueReader;
import io.github.qemuembed.driver.internal.io.JsonValues;
import org.jspecify.annotations.Nullable;

/**
 * The probe's conversation with QEMU's monitor on its standard streams: every question
 * written at once, then the answers read as they come. {@code quit} is not among them:
 * QEMU exits without writing what it still holds for a full pipe, so it is sent only once
 * every answer is read.
 * <p>
 * Not the driver's {@link io.github.qemuembed.driver.qmp.QmpClient}, which sends one
 * command only when the previous one is answered. The probe's questions are fixed and
 * harmless, and the monitor answers them in order, so they are written before QEMU has
 * even greeted: QEMU answers them one after the other while this JVM is still loading the
 * classes that read the answers, instead of waiting for each question in turn. QMP
 * accepts this: input queues in the pipe until the monitor reads it, and commands after
 * {@code qmp_capabilities} run in command mode. The answers are read as plain JSON values
 * ({@link JsonValues}), without a QMP client's threads or Jackson's classes.
 */
final class ProbeExchange {

	/**
	 * More than QEMU's answers ever hold (some 80 KB with QEMU 7.2): a binary that keeps
	 * writing is cut off here rather than filling the heap until the timeout.
	 */
	static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;

	private ProbeExchange() {
	}

	/**
	 * One question: a QMP command and the JSON text of its arguments, or {@code null}.
	 */
	record Question(String command, @Nullable String arguments) {

		Question {
			if (!plain(command)) {
				throw new IllegalArgumentException("Not a QMP command name: " + command);
			}
		}

		/**
		 * {@code qom-list-types} of the instantiable types implementing {@code type}.
		 */
		static Question typesImplementing(String type) {
			return typesImplementing(type, false);
		}

		/**
		 * {@code qom-list-types} of the types implementing {@code type}, abstract ones
		 * too if {@code withAbstract}.
		 */
		static Question typesImplementing(String type, boolean withAbstract) {
			if (!plain(type)) {
				throw new IllegalArgumentException("Not a QOM type name: " + type);
			}
			return new Question("qom-list-types",
					"{\"implements\":\"" + type + "\",\"abstract\":" + withAbstract + "}");
		}

	}

	/**
	 * Whether a QAPI command or QOM type name is made of the characters JSON carries as
	 * they are ({@code [A-Za-z0-9_.+-]+}).
	 */
	static boolean plain(String name) {
		if (name.isEmpty()) {
			return false;
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
					|| c == '+' || c == '-')) {
				return false;
			}
		}
		return true;
	}

	/**
	 * QEMU's answer to one question: its {@code return} value, or the {@code class} and
	 * {@code desc} of its {@code error}.
	 */
	record Answer(@Nullable Object value, @Nullable String errorClass, @Nullable String errorDescription) {

		boolean failed() {
			return this.errorClass != null;
		}

	}

	/**
	 * The text of {@code qmp_capabilities} (id 0) followed by the questions (ids 1...n),
	 * one per line. Put together by hand, not by the JSON generator: QEMU waits for this
	 * text, and the generator's classes would first have to load (names are checked to
	 * need no escaping).
	 */
	static byte[] text(List<Question> questions) {
		StringBuilder text = new StringBuilder(80 * (questions.size() + 1));
		line(text, "qmp_capabilities", null, 0);
		for (int i = 0; i < questions.size(); i++) {
			Question question = questions.get(i);
			line(text, question.command(), question.arguments(), i + 1);
		}
		return text.toString().getBytes(StandardCharsets.US_ASCII);
	}

	/** The text of {@code quit}, without an id: its answer is not read. */
	static byte[] quit() {
		StringBuilder text = new StringBuilder();
		line(text, "quit", null, -1);
		return text.toString().getBytes(StandardCharsets.US_ASCII);
	}

	private static void line(StringBuilder text, String command, @Nullable String arguments, int id) {
		text.append("{\"execute\":\"").append(command).append('"');
		if (arguments != null) {
			text.append(",\"arguments\":").append(arguments);
		}
		if (id >= 0) {
			text.append(",\"id\":").append(id);
		}
		text.append("}\n");
	}

	/**
	 * Reads the greeting and the answers to {@code qmp_capabilities} and {@code count}
	 * questions, skipping events, until all are answered.
	 * @return the answers, indexed by question (the answer to {@code qmp_capabilities}
	 * not included)
	 * @throws IOException if the stream ends early, breaks or holds something that is not
	 * QEMU's QMP (a {@link io.github.qemuembed.driver.internal.io.MalformedJsonException}
	 * if it is not JSON)
	 */
	static Answer[] read(InputStream input, int count) throws IOException {
		Answer[] answers = new Answer[count + 1];
		int answered = 0;
		boolean greeted = false;
		// not closed: the caller still writes quit to the emulator, and the JDK closes
		// the
		// stream when the emulator exits
		JsonValueReader reader = JsonValues.reader(new Limited(input));
		while (answered < answers.length) {
			if (reader.atEnd()) {
				throw new EOFException(
						greeted ? "the monitor closed after " + answered + " of " + answers.length + " answers"
								: "the monitor closed without a QMP greeting");
			}
			if (!(reader.next() instanceof Map<?, ?> message)) {
				throw new IOException("the monitor sent something that is not a QMP message");
			}
			if (!greeted) {
				if (!message.containsKey("QMP")) {
					throw new IOException("the monitor did not greet in QMP");
				}
				greeted = true;
			}
			else if (!message.containsKey("event")) {
				int id = id(message, answers);
				answers[id] = answer(message);
				answered++;
			}
		}
		Answer negotiation = answers[0];
		if (negotiation.failed()) {
			throw new IOException("the monitor refused qmp_capabilities: " + negotiation.errorClass() + ": "
					+ negotiation.errorDescription());
		}
		Answer[] result = new Answer[count];
		System.arraycopy(answers, 1, result, 0, count);
		return result;
	}

	private static int id(Map<?, ?> message, Answer[] answers) throws IOException {
		if (message.get("id") instanceof Long id && id >= 0 && id < answers.length && answers[id.intValue()] == null) {
			return id.intValue();
		}
		throw new IOException("the monitor answered a question not asked (id " + message.get("id") + ")");
	}

	private static Answer answer(Map<?, ?> message) throws IOException {
		if (message.containsKey("return")) {
			return new Answer(message.get("return"), null, null);
		}
		if (message.get("error") instanceof Map<?, ?> error) {
			return new Answer(null, String.valueOf(error.get("class")), String.valueOf(error.get("desc")));
		}
		throw new IOException("the monitor sent an answer with neither 'return' nor 'error'");
	}

	/** Fails a read beyond {@link #MAX_ANSWER_BYTES}. */
	private static final class Limited extends FilterInputStream {

		private long left = MAX_ANSWER_BYTES;

		Limited(InputStream input) {
			super(input);
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			return (read(one, 0, 1) < 0) ? -1 : (one[0] & 0xff);
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			if (this.left <= 0) {
				throw new IOException("the monitor wrote more than " + MAX_ANSWER_BYTES + " bytes");
			}
			int read = super.read(buffer, offset, (int) Math.min(length, this.left));
			if (read > 0) {
				this.left -= read;
			}
			return read;
		}

	}

}
