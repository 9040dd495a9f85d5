package io.github.qemuembed.driver.qmp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class LineSplitterTests {

	private final List<String> lines = new ArrayList<>();

	@Test
	void splitsCrLfTerminatedMessagesAcrossChunks() {
		LineSplitter splitter = new LineSplitter(1024);
		feed(splitter, "{\"a\":1}\r\n{\"b\"");
		assertThat(this.lines).containsExactly("{\"a\":1}");
		feed(splitter, ":2}\r");
		assertThat(this.lines).containsExactly("{\"a\":1}");
		feed(splitter, "\n\r\n\n{\"c\":3}\n");
		assertThat(this.lines).containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}");
	}

	@Test
	void lineAtTheLimitIsAcceptedAndOneBeyondIsRefused() {
		LineSplitter splitter = new LineSplitter(1024);
		String atLimit = "x".repeat(1024);
		feed(splitter, atLimit + "\n");
		assertThat(this.lines).containsExactly(atLimit);
		LineSplitter other = new LineSplitter(1024);
		feed(other, "y".repeat(1000));
		assertThatExceptionOfType(LineSplitter.LineTooLongException.class).isThrownBy(() -> feed(other, "y".repeat(25)))
			.withMessageContaining("1024 bytes");
	}

	@Test
	void bigMessageFollowedBySmallOnes() {
		LineSplitter splitter = new LineSplitter(4 * 1024 * 1024);
		String big = "z".repeat(1024 * 1024);
		feed(splitter, big + "\r\nsmall\r\n");
		assertThat(this.lines).containsExactly(big, "small");
	}

	private void feed(LineSplitter splitter, String text) {
		splitter.feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)),
				(bytes, length) -> this.lines.add(new String(bytes, 0, length, StandardCharsets.UTF_8)));
	}

}
