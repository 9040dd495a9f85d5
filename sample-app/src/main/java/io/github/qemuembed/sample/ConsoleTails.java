package io.github.qemuembed.sample;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.qemuembed.autoconfigure.event.DomainStartedEvent;
import io.github.qemuembed.driver.DomainConsole;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Keeps the last few KiB of each running domain's serial console: a reader thread per domain,
 * started from the {@link DomainStartedEvent} the starter publishes, ends when QEMU closes the
 * console.
 */
@Component
class ConsoleTails {

	private static final Log logger = LogFactory.getLog(ConsoleTails.class);

	private static final int CAPACITY = 16 * 1024;

	private final Map<String, Tail> tails = new ConcurrentHashMap<>();

	@EventListener
	void onStarted(DomainStartedEvent event) {
		String name = event.getDomainName();
		Tail tail = new Tail();
		this.tails.put(name, tail);
		Thread reader = new Thread(() -> read(event, name, tail), "console-" + name);
		reader.setDaemon(true);
		reader.start();
	}

	private void read(DomainStartedEvent event, String name, Tail tail) {
		try (DomainConsole console = event.getDriver().lookup(name).openConsole()) {
			InputStream in = console.output();
			byte[] buffer = new byte[1024];
			int n;
			while ((n = in.read(buffer)) != -1) {
				tail.append(buffer, n);
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Console of '" + name + "' closed: " + ex.getMessage());
		}
	}

	String tail(String name) {
		Tail tail = this.tails.get(name);
		return (tail != null) ? tail.text() : "";
	}

	private static final class Tail {

		private final byte[] ring = new byte[CAPACITY];

		private long written;

		synchronized void append(byte[] bytes, int length) {
			for (int i = 0; i < length; i++) {
				this.ring[(int) (this.written++ % CAPACITY)] = bytes[i];
			}
		}

		synchronized String text() {
			int size = (int) Math.min(this.written, CAPACITY);
			byte[] out = new byte[size];
			long start = this.written - size;
			for (int i = 0; i < size; i++) {
				out[i] = this.ring[(int) ((start + i) % CAPACITY)];
			}
			return new String(out, StandardCharsets.UTF_8);
		}

	}

}
