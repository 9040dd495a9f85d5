package io.github.qemuembed.console;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

/**
 * A browser's console socket. Binary messages from the page are keystrokes (UTF-8, as
 * xterm.js produces them) typed into the guest; binary messages to the page are the
 * guest's output, the history from the log first; text messages to the page are notices
 * (see {@link Notices}).
 */
final class ConsoleWebSocketHandler extends AbstractWebSocketHandler implements DisposableBean {

	private static final String CLIENT = ConsoleWebSocketHandler.class.getName() + ".client";

	private final Path logDirectory;

	private final long historyBytes;

	private final long bufferBytes;

	private final ExecutorService senders;

	ConsoleWebSocketHandler(Path logDirectory, long historyBytes, long bufferBytes) {
		this.logDirectory = logDirectory;
		this.historyBytes = historyBytes;
		this.bufferBytes = bufferBytes;
		AtomicInteger count = new AtomicInteger();
		this.senders = Executors.newCachedThreadPool((runnable) -> {
			Thread thread = new Thread(null, runnable, "qemu-embed-console-send-" + count.incrementAndGet(), 0, false);
			thread.setDaemon(true);
			return thread;
		});
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		ConsoleClient client = new ConsoleClient(session, this.bufferBytes, this.senders);
		ConsoleHandshakeInterceptor.Refusal refusal = (ConsoleHandshakeInterceptor.Refusal) session.getAttributes()
			.get(ConsoleHandshakeInterceptor.REFUSAL);
		if (refusal != null) {
			client.closeAfter(Notices.refused(refusal.code(), refusal.message()),
					new CloseStatus(refusal.code(), reason(refusal.message())));
			return;
		}
		ConsoleHub hub = (ConsoleHub) session.getAttributes().get(ConsoleHandshakeInterceptor.HUB);
		String domain = hub.domain();
		if (!hub.attach(client)) {
			// the console closed between the handshake and now: the page reconnects after
			// a moment
			client.closeAfter(Notices.stopped("The console of '" + domain + "' closed; reconnecting."),
					new CloseStatus(ConsoleHub.NOT_RUNNING, "console closed"));
			return;
		}
		session.getAttributes().put(CLIENT, client);
		client.notice(Notices.attached(domain));
		// the log has the guest's output since it started; live output queued meanwhile
		// follows it
		client.release(ConsoleHistory.read(this.logDirectory.resolve(domain + ".log"), this.historyBytes));
	}

	@Override
	protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) throws Exception {
		ConsoleHub hub = (ConsoleHub) session.getAttributes().get(ConsoleHandshakeInterceptor.HUB);
		if (hub == null || session.getAttributes().get(CLIENT) == null) {
			return;
		}
		ByteBuffer payload = message.getPayload();
		byte[] bytes = new byte[payload.remaining()];
		payload.get(bytes);
		hub.type(bytes);
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
		// the page sends keystrokes as binary; text would be typed the same way
		handleBinaryMessage(session, new BinaryMessage(message.getPayload().getBytes(StandardCharsets.UTF_8)));
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		ConsoleClient client = (ConsoleClient) session.getAttributes().remove(CLIENT);
		ConsoleHub hub = (ConsoleHub) session.getAttributes().get(ConsoleHandshakeInterceptor.HUB);
		if (client != null && hub != null) {
			hub.detach(client);
		}
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) throws Exception {
		if (session.isOpen()) {
			session.close(CloseStatus.SERVER_ERROR);
		}
	}

	/** A close reason fits in 123 bytes of UTF-8; the full message went as a notice. */
	static String reason(String message) {
		String reason = message;
		while (reason.getBytes(StandardCharsets.UTF_8).length > 123) {
			reason = reason.substring(0, reason.length() - 1);
		}
		return reason;
	}

	@Override
	public void destroy() {
		this.senders.shutdownNow();
	}

}
