package io.github.qemuembed.console;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What waits to be sent to one browser: guest output (bytes) and notices (JSON text),
 * bounded by bytes of output. Output that does not fit is dropped and counted, and a
 * {@code dropped} notice with the count takes its place as soon as there is room again
 * (or the queue runs empty): a slow browser loses output, knows it, and never holds up
 * the guest or the other browsers. The whole output is in the domain's log.
 */
final class ClientOutbox {

	/** One message for the browser: guest output, or a notice. */
	sealed interface Item permits Output, Notice {

	}

	record Output(byte[] bytes) implements Item {

	}

	record Notice(String json) implements Item {

	}

	private final long limit;

	private final Deque<Item> items = new ArrayDeque<>();

	private long queuedBytes;

	private long dropped;

	ClientOutbox(long limit) {
		this.limit = limit;
	}

	/**
	 * Queues output; {@code false} if it was dropped because the browser is that far
	 * behind.
	 */
	synchronized boolean offerOutput(byte[] bytes) {
		if (this.queuedBytes + bytes.length > this.limit) {
			this.dropped += bytes.length;
			return false;
		}
		noticeDropped();
		this.items.addLast(new Output(bytes));
		this.queuedBytes += bytes.length;
		return true;
	}

	/** Queues a notice; notices are few (one per state change) and never dropped. */
	synchronized void offerNotice(String json) {
		noticeDropped();
		this.items.addLast(new Notice(json));
	}

	/** Puts the console's history before everything queued so far. */
	synchronized void prependOutput(byte[] bytes) {
		if (bytes.length > 0) {
			this.items.addFirst(new Output(bytes));
			this.queuedBytes += bytes.length;
		}
	}

	/** The next message to send, or {@code null} when there is none. */
	synchronized Item poll() {
		Item item = this.items.pollFirst();
		if (item == null) {
			if (this.dropped == 0) {
				return null;
			}
			Notice notice = droppedNotice();
			this.dropped = 0;
			return notice;
		}
		if (item instanceof Output output) {
			this.queuedBytes -= output.bytes().length;
		}
		return item;
	}

	synchronized long queuedBytes() {
		return this.queuedBytes;
	}

	/** Whether {@link #poll()} would return nothing. */
	synchronized boolean isEmpty() {
		return this.items.isEmpty() && this.dropped == 0;
	}

	private void noticeDropped() {
		if (this.dropped > 0) {
			this.items.addLast(droppedNotice());
			this.dropped = 0;
		}
	}

	private Notice droppedNotice() {
		return new Notice("{\"type\":\"dropped\",\"bytes\":" + this.dropped + "}");
	}

}
