package io.github.qemuembed.console;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What waits to be sent to one browser: guest output (bytes) and notices (JSON text),
 * bounded by bytes of live output. Output that does not fit means the browser fell that
 * far behind: the outbox overflows, forgets the output it held and takes no more, and the
 * browser is to be disconnected (it reconnects and gets the history from the log). A slow
 * browser never holds up the guest or the other browsers, and never costs more than the
 * limit.
 */
final class ClientOutbox {

	/** One message for the browser: guest output, or a notice. */
	sealed interface Item permits Output, Notice {

	}

	/**
	 * Guest output; the history is bounded by its own setting and does not count against
	 * the limit (a history larger than the limit would otherwise drop every browser at
	 * once).
	 */
	record Output(byte[] bytes, boolean history) implements Item {

		Output(byte[] bytes) {
			this(bytes, false);
		}

	}

	record Notice(String json) implements Item {

	}

	private final long limit;

	private final Deque<Item> items = new ArrayDeque<>();

	private long queuedBytes;

	private boolean overflowed;

	ClientOutbox(long limit) {
		this.limit = limit;
	}

	/**
	 * Queues output; {@code false} if it does not fit (the outbox has overflowed, now or
	 * before).
	 */
	synchronized boolean offerOutput(byte[] bytes) {
		if (this.overflowed) {
			return false;
		}
		if (this.queuedBytes + bytes.length > this.limit) {
			// the output held is no use to a browser that is going to be disconnected
			this.overflowed = true;
			this.items.removeIf(Output.class::isInstance);
			this.queuedBytes = 0;
			return false;
		}
		this.items.addLast(new Output(bytes));
		this.queuedBytes += bytes.length;
		return true;
	}

	/**
	 * Queues a notice; notices are few (one per state change, and the one that says why
	 * the browser is disconnected) and always queued.
	 */
	synchronized void offerNotice(String json) {
		this.items.addLast(new Notice(json));
	}

	/** Puts the console's history before everything queued so far. */
	synchronized void prependOutput(byte[] bytes) {
		if (bytes.length > 0 && !this.overflowed) {
			this.items.addFirst(new Output(bytes, true));
		}
	}

	/** The next message to send, or {@code null} when there is none. */
	synchronized Item poll() {
		Item item = this.items.pollFirst();
		if (item instanceof Output output && !output.history()) {
			this.queuedBytes -= output.bytes().length;
		}
		return item;
	}

	synchronized long queuedBytes() {
		return this.queuedBytes;
	}

	long limit() {
		return this.limit;
	}

	/**
	 * Whether output did not fit once: the browser fell behind by more than the limit.
	 */
	synchronized boolean hasOverflowed() {
		return this.overflowed;
	}

	/** Whether {@link #poll()} would return nothing. */
	synchronized boolean isEmpty() {
		return this.items.isEmpty();
	}

}
