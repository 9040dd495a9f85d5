package io.github.qemuembed.console;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.unit.DataSize;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * One browser on a console: its bounded {@link ClientOutbox}, drained on a sender thread
 * so that a slow browser blocks only its own sends. Output is sent as binary messages
 * (the guest's bytes as they are; xterm.js decodes them), notices as text. A browser
 * whose outbox overflows is disconnected with {@link #TOO_SLOW}.
 */
final class ConsoleClient {

	/**
	 * Close code of a browser that fell further behind the guest's output than its outbox
	 * holds; the page reconnects and gets the history from the log.
	 */
	static final int TOO_SLOW = 4408;

	private static final Log logger = LogFactory.getLog(ConsoleClient.class);

	private final WebSocketSession session;

	private final ClientOutbox outbox;

	private final Executor senders;

	private final AtomicBoolean draining = new AtomicBoolean();

	/** Held until the history is in front of the queue. */
	private volatile boolean held = true;

	private volatile CloseStatus closeWhenDrained;

	/** Only the console's reader thread offers output: no lock needed. */
	private boolean tooSlow;

	ConsoleClient(WebSocketSession session, long bufferBytes, Executor senders) {
		this.session = session;
		this.outbox = new ClientOutbox(bufferBytes);
		this.senders = senders;
	}

	WebSocketSession session() {
		return this.session;
	}

	void output(byte[] bytes) {
		if (this.outbox.offerOutput(bytes)) {
			schedule();
		}
		else if (!this.tooSlow) {
			this.tooSlow = true;
			disconnectTooSlow();
		}
	}

	/**
	 * Drops this browser: the output queued for it is discarded (the outbox did so), and
	 * a notice and the close follow what is already on its way (behind a send that may be
	 * blocked until the browser reads again, or until the server's own send timeout gives
	 * up on the connection).
	 */
	private void disconnectTooSlow() {
		String limit = DataSize.ofBytes(this.outbox.limit()).toKilobytes() + "KB";
		logger.warn("Console " + this.session.getUri() + ": the browser at " + this.session.getRemoteAddress()
				+ " fell more than " + limit + " of output behind and is disconnected (" + TOO_SLOW + ")");
		String message = "This browser fell more than " + limit
				+ " of console output behind and was disconnected (the guest and other browsers are not held up).";
		closeAfter(Notices.tooSlow(message),
				new CloseStatus(TOO_SLOW, "too slow: more than " + limit + " of output waiting"));
	}

	void notice(String json) {
		this.outbox.offerNotice(json);
		schedule();
	}

	/** Sends the history first, then whatever output arrived meanwhile. */
	void release(byte[] history) {
		this.outbox.prependOutput(history);
		this.held = false;
		schedule();
	}

	/** Sends what is queued, then closes. */
	void closeAfter(String noticeJson, CloseStatus status) {
		this.closeWhenDrained = status;
		this.held = false;
		notice(noticeJson);
	}

	private void schedule() {
		if (!this.held && this.draining.compareAndSet(false, true)) {
			try {
				this.senders.execute(this::drain);
			}
			catch (RuntimeException ex) {
				// shutting down
				this.draining.set(false);
			}
		}
	}

	private void drain() {
		try {
			while (true) {
				ClientOutbox.Item item = this.outbox.poll();
				if (item == null) {
					this.draining.set(false);
					CloseStatus close = this.closeWhenDrained;
					if (close != null) {
						this.session.close(close);
						return;
					}
					// something queued between the empty poll and the reset is sent now
					if (this.outbox.isEmpty() || !this.draining.compareAndSet(false, true)) {
						return;
					}
					continue;
				}
				if (!this.session.isOpen()) {
					this.draining.set(false);
					return;
				}
				if (item instanceof ClientOutbox.Output output) {
					this.session.sendMessage(new BinaryMessage(ByteBuffer.wrap(output.bytes()), true));
				}
				else if (item instanceof ClientOutbox.Notice notice) {
					this.session.sendMessage(new TextMessage(notice.json()));
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// the browser went away or the send timed out: the session's close ends the
			// client
			this.draining.set(false);
			closeQuietly(CloseStatus.SESSION_NOT_RELIABLE);
		}
	}

	void closeQuietly(CloseStatus status) {
		try {
			this.session.close(status);
		}
		catch (IOException | RuntimeException ex) {
			// already closed
		}
	}

}
