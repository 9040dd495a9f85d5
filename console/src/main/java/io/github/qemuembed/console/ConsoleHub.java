package io.github.qemuembed.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

import io.github.qemuembed.driver.DomainConsole;

import org.springframework.web.socket.CloseStatus;

/**
 * One domain's live serial console, shared by every browser on it: QEMU serves one
 * console client at a time, so one connection is read by one thread and its output goes
 * to each browser's bounded outbox. It closes when the last browser leaves (freeing
 * QEMU's console for others) or when QEMU closes it (the domain stopped); the browsers
 * are then told so.
 */
final class ConsoleHub {

	/**
	 * Close code of a console whose domain stopped or is not running: the page waits for
	 * it to run.
	 */
	static final int NOT_RUNNING = 4409;

	private final String domain;

	private final DomainConsole console;

	private final Consumer<ConsoleHub> onClose;

	private final Set<ConsoleClient> clients = new CopyOnWriteArraySet<>();

	private final Object inputLock = new Object();

	private boolean closed;

	ConsoleHub(String domain, DomainConsole console, Consumer<ConsoleHub> onClose) {
		this.domain = domain;
		this.console = console;
		this.onClose = onClose;
		// no inherited thread-locals: the reader does nothing on behalf of the browser
		// that opened it
		Thread reader = new Thread(null, this::read, "qemu-embed-console-" + domain, 0, false);
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Adds a browser; {@code false} if the console closed meanwhile (the browser should
	 * reconnect).
	 */
	synchronized boolean attach(ConsoleClient client) {
		if (this.closed) {
			return false;
		}
		this.clients.add(client);
		return true;
	}

	/** Removes a browser; the last one out closes the console. */
	void detach(ConsoleClient client) {
		boolean last;
		synchronized (this) {
			this.clients.remove(client);
			last = this.clients.isEmpty() && !this.closed;
		}
		if (last) {
			close();
		}
	}

	/**
	 * Closes the console if no browser is on it (one that joins meanwhile is told to
	 * reconnect).
	 */
	void closeIfUnused() {
		synchronized (this) {
			if (!this.clients.isEmpty() || this.closed) {
				return;
			}
		}
		close();
	}

	synchronized boolean isClosed() {
		return this.closed;
	}

	/** Types bytes into the guest's console. */
	void type(byte[] bytes) throws IOException {
		synchronized (this.inputLock) {
			OutputStream input = this.console.input();
			input.write(bytes);
			input.flush();
		}
	}

	private void read() {
		InputStream output = this.console.output();
		byte[] buffer = new byte[8192];
		try {
			int n;
			while ((n = output.read(buffer)) != -1) {
				byte[] chunk = Arrays.copyOf(buffer, n);
				for (ConsoleClient client : this.clients) {
					client.output(chunk);
				}
			}
		}
		catch (IOException ex) {
			// closed by close() or by QEMU: the same for the browsers
		}
		boolean wasOpen;
		synchronized (this) {
			wasOpen = !this.closed;
			this.closed = true;
		}
		closeConsole();
		this.onClose.accept(this);
		// closed by QEMU: the domain stopped; closed here with a browser on it: one that
		// joined as it closed
		String message = wasOpen ? "The console of '" + this.domain + "' closed: the domain stopped."
				: "The console of '" + this.domain + "' closed.";
		for (ConsoleClient client : this.clients) {
			client.closeAfter(Notices.stopped(message), new CloseStatus(NOT_RUNNING, "console closed"));
		}
	}

	private void close() {
		synchronized (this) {
			this.closed = true;
		}
		// ends the reader, which tells the registry
		closeConsole();
	}

	private void closeConsole() {
		try {
			this.console.close();
		}
		catch (IOException ex) {
			// nothing more to do with it
		}
	}

	String domain() {
		return this.domain;
	}

}
