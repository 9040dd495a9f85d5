package io.github.qemuembed.driver.internal.core;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.DomainEventListener;

/**
 * Delivers lifecycle events to listeners on one thread per driver, in the order they
 * happened. A listener that throws is logged and skipped; it cannot hurt the driver or
 * the other listeners, and a slow listener only delays other listeners, never a domain
 * operation.
 */
final class EventDispatcher implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(EventDispatcher.class.getName());

	private final List<DomainEventListener> listeners = new CopyOnWriteArrayList<>();

	private final ExecutorService executor;

	EventDispatcher(String rootName) {
		this.executor = Executors.newSingleThreadExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "qemu-embed-events-" + rootName);
			thread.setDaemon(true);
			return thread;
		});
	}

	AutoCloseable add(DomainEventListener listener) {
		this.listeners.add(listener);
		return () -> this.listeners.remove(listener);
	}

	void publish(DomainEvent event) {
		logger.log(Level.DEBUG, () -> "Domain '" + event.domainName() + "': " + event.type() + " (" + event.status()
				+ ")" + (event.detail().isEmpty() ? "" : ": " + event.detail()));
		try {
			this.executor.execute(() -> deliver(event));
		}
		catch (RejectedExecutionException ex) {
			// driver closed: late events (e.g. the exit of a VM during close) are dropped
		}
	}

	private void deliver(DomainEvent event) {
		for (DomainEventListener listener : this.listeners) {
			try {
				listener.onEvent(event);
			}
			catch (RuntimeException | Error ex) {
				logger.log(Level.WARNING, "Domain event listener " + listener + " failed on " + event.type() + " of '"
						+ event.domainName() + "'", ex);
			}
		}
	}

	@Override
	public void close() {
		this.executor.shutdown();
		try {
			this.executor.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
