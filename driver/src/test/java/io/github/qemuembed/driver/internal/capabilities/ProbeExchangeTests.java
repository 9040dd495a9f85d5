package io.github.qemuembed.driver.internal.capabilities;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.driver.internal.capabilities.ProbeExchange.Answer;
import io.github.qemuembed.driver.internal.capabilities.ProbeExchange.Question;
import io.github.qemuembed.driver.internal.io.JsonValues;
import io.github.qemuembed.driver.internal.io.MalformedJsonException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link ProbeExchange}'s wire format on canned text; {@link CapabilityProbeTests} runs
 * it against QEMU.
 */
class ProbeExchangeTests {

	private static final String GREETING = "{\"QMP\": {\"version\": {}, \"capabilities\": [\"oob\"]}}\r\n";

	@Test
	void questionsAreOneJsonObjectPerLineWithIdsAfterQmpCapabilities() throws Exception {
		byte[] text = ProbeExchange
			.text(List.of(new Question("query-version", null), Question.typesImplementing("device")));
		String[] lines = new String(text, StandardCharsets.US_ASCII).split("\n");
		assertThat(lines).hasSize(3);
		assertThat(JsonValues.read(lines[0].getBytes())).isEqualTo(Map.of("execute", "qmp_capabilities", "id", 0L));
		assertThat(JsonValues.read(lines[1].getBytes())).isEqualTo(Map.of("execute", "query-version", "id", 1L));
		assertThat(JsonValues.read(lines[2].getBytes())).isEqualTo(Map.of("execute", "qom-list-types", "arguments",
				Map.of("implements", "device", "abstract", false), "id", 2L));
		assertThat(JsonValues.read(ProbeExchange.quit())).isEqualTo(Map.of("execute", "quit"));
	}

	@Test
	void namesThatWouldNeedEscapingAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Question("query\"x", null));
		assertThatIllegalArgumentException().isThrownBy(() -> Question.typesImplementing("a b"));
		assertThatIllegalArgumentException().isThrownBy(() -> new Question("", null));
	}

	@Test
	void answersAreMatchedByIdEventsSkippedAndErrorsKept() throws Exception {
		String conversation = GREETING + "{\"return\": {}, \"id\": 0}\r\n"
				+ "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"SOMETHING\"}\r\n"
				+ "{\"id\": 2, \"error\": {\"class\": \"CommandNotFound\", \"desc\": \"no such command\"}}\r\n"
				+ "{\"return\": [{\"name\": \"a\"}], \"id\": 1}\r\n";
		Answer[] answers = ProbeExchange.read(stream(conversation), 2);
		assertThat(answers[0].failed()).isFalse();
		assertThat(answers[0].value()).isEqualTo(List.of(Map.of("name", "a")));
		assertThat(answers[1].failed()).isTrue();
		assertThat(answers[1].errorClass()).isEqualTo("CommandNotFound");
		assertThat(answers[1].errorDescription()).isEqualTo("no such command");
	}

	@Test
	void readingStopsAtTheLastAnswer() throws Exception {
		// what follows (here: not even JSON) is left unread, for the quit that follows
		String conversation = GREETING + "{\"return\": {}, \"id\": 0}\r\n{\"return\": 1, \"id\": 1}\r\n@@@";
		assertThat(ProbeExchange.read(stream(conversation), 1)[0].value()).isEqualTo(1L);
	}

	@Test
	void endBeforeTheGreetingOrTheLastAnswerIsReported() {
		assertThatExceptionOfType(EOFException.class).isThrownBy(() -> ProbeExchange.read(stream(""), 1))
			.withMessageContaining("without a QMP greeting");
		assertThatExceptionOfType(EOFException.class)
			.isThrownBy(() -> ProbeExchange.read(stream(GREETING + "{\"return\": {}, \"id\": 0}\r\n"), 2))
			.withMessageContaining("after 1 of 3 answers");
	}

	@Test
	void whatIsNotQmpIsReported() {
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> ProbeExchange.read(stream("{\"hello\": 1}"), 1))
			.withMessageContaining("did not greet in QMP");
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> ProbeExchange.read(stream("[1]"), 1))
			.withMessageContaining("not a QMP message");
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> ProbeExchange.read(stream(GREETING + "{\"return\": {}, \"id\": 5}"), 1))
			.withMessageContaining("question not asked (id 5)");
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> ProbeExchange.read(stream(GREETING + "{\"id\": 0}"), 1))
			.withMessageContaining("neither 'return' nor 'error'");
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> ProbeExchange.read(stream(GREETING
				+ "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no\"}, \"id\": 0}{\"return\": 1, \"id\": 1}"),
				1))
			.withMessageContaining("refused qmp_capabilities: GenericError: no");
		assertThatExceptionOfType(MalformedJsonException.class)
			.isThrownBy(() -> ProbeExchange.read(stream("qemu: this is not JSON"), 1));
	}

	@Test
	void aMonitorThatNeverStopsWritingIsCutOff() {
		InputStream endless = new InputStream() {

			@Override
			public int read() {
				return ' ';
			}

			@Override
			public int read(byte[] buffer, int offset, int length) {
				java.util.Arrays.fill(buffer, offset, offset + length, (byte) ' ');
				return length;
			}

		};
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> ProbeExchange.read(endless, 1))
			.withMessageContaining("more than " + ProbeExchange.MAX_ANSWER_BYTES + " bytes");
	}

	private static InputStream stream(String text) {
		return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
	}

}
