package io.github.qemuembed.driver.qmp;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Cuts the byte stream from QEMU into lines (QEMU ends every JSON message with
 * {@code \r\n}), holding at most {@code maxLineLength} bytes of an unfinished line. Not
 * thread-safe: fed by the transport's one reading thread.
 */
final class LineSplitter {

	private static final int INITIAL_CAPACITY = 8 * 1024;

	/**
	 * After a big message, give the memory back rather than keep it for the life of the
	 * VM.
	 */
	private static final int RETAINED_CAPACITY = 256 * 1024;

	private final int maxLineLength;

	private byte[] buffer = new byte[INITIAL_CAPACITY];

	private int length;

	LineSplitter(int maxLineLength) {
		this.maxLineLength = maxLineLength;
	}

	/**
	 * Consumes {@code data}, calling {@code consumer} for every complete, non-blank line
	 * (without its line end).
	 * @throws LineTooLongException if a line grows beyond the limit; the splitter is
	 * unusable afterwards
	 */
	void feed(ByteBuffer data, LineConsumer consumer) {
		while (data.hasRemaining()) {
			int start = data.position();
			int limit = data.limit();
			int newline = -1;
			for (int i = start; i < limit; i++) {
				if (data.get(i) == '\n') {
					newline = i;
					break;
				}
			}
			int end = (newline >= 0) ? newline : limit;
			append(data, end - start);
			if (newline < 0) {
				return;
			}
			data.get();
			int lineLength = this.length;
			if (lineLength > 0 && this.buffer[lineLength - 1] == '\r') {
				lineLength--;
			}
			this.length = 0;
			if (!isBlank(lineLength)) {
				consumer.accept(this.buffer, lineLength);
			}
			if (this.buffer.length > RETAINED_CAPACITY) {
				this.buffer = new byte[INITIAL_CAPACITY];
			}
		}
	}

	private void append(ByteBuffer data, int count) {
		int needed = this.length + count;
		if (needed > this.maxLineLength) {
			throw new LineTooLongException(this.maxLineLength);
		}
		if (needed > this.buffer.length) {
			int capacity = (int) Math.min(Math.max((long) this.buffer.length * 2, needed), this.maxLineLength);
			this.buffer = Arrays.copyOf(this.buffer, capacity);
		}
		data.get(this.buffer, this.length, count);
		this.length = needed;
	}

	private boolean isBlank(int lineLength) {
		for (int i = 0; i < lineLength; i++) {
			byte b = this.buffer[i];
			if (b != ' ' && b != '\t' && b != '\r') {
				return false;
			}
		}
		return true;
	}

	/**
	 * Receives one line: the first {@code length} bytes of {@code bytes}, valid during
	 * the call only.
	 */
	@FunctionalInterface
	interface LineConsumer {

		void accept(byte[] bytes, int length);

	}

	/** A line exceeded the limit. */
	static final class LineTooLongException extends RuntimeException {

		LineTooLongException(int limit) {
			super("QEMU sent a QMP message longer than " + limit + " bytes without a line end");
		}

	}

}
