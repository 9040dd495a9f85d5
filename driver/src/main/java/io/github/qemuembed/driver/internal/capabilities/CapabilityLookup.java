package io.github.qemuembed.driver.internal.capabilities;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import io.github.qemuembed.driver.error.OperationInterruptedException;

/**
 * A {@link CapabilityCache} look-up running on a daemon thread of its own, started by
 * {@link CapabilityCache#start}: the driver's open starts it first and awaits it only
 * when it needs the capabilities, so that the emulator's probe (QEMU starting and
 * answering, some 70 ms on the other core, and the classes that read its answers)
 * overlaps the root's set-up instead of following it.
 * <p>
 * The thread reads the cache file or probes; it writes nothing, so that it may run before
 * the caller holds the root. {@link #await()} writes a probed result to the cache on the
 * caller's thread, and throws what the look-up threw: the same typed exception, with the
 * same message, that a look-up on the caller's thread would have thrown.
 */
public final class CapabilityLookup {

	static final String THREAD_NAME = "qemu-embed-capabilities";

	private final CapabilityCache cache;

	private final Duration timeout;

	private final FutureTask<CapabilityCache.Found> task;

	private final Thread thread;

	CapabilityLookup(CapabilityCache cache, Path emulator, Duration timeout) {
		this.cache = cache;
		this.timeout = timeout;
		this.task = new FutureTask<>(() -> cache.find(emulator, timeout));
		this.thread = new Thread(this.task, THREAD_NAME);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Waits for the look-up, caches a probed result and returns the capabilities usable
	 * now.
	 * @throws io.github.qemuembed.driver.error.EmulatorException if the binary cannot be
	 * read or probed (what {@link CapabilityCache#get} throws)
	 * @throws OperationInterruptedException if the calling thread is interrupted while it
	 * waits; the probe is then stopped and its emulator killed
	 */
	public QemuCapabilities await() {
		CapabilityCache.Found found;
		try {
			found = this.task.get();
		}
		catch (InterruptedException ex) {
			cancel();
			throw OperationInterruptedException.restoring("Interrupted while probing the emulator", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw new IllegalStateException(cause);
		}
		return this.cache.store(found);
	}

	/**
	 * Stops the look-up (a probe kills its emulator when interrupted) and waits for its
	 * thread to end, at most the probe's timeout, so that no probing emulator outlives a
	 * failed open. Keeps the calling thread's interrupt status.
	 */
	public void cancel() {
		this.task.cancel(true);
		boolean interrupted = Thread.interrupted();
		long deadline = System.nanoTime() + this.timeout.toNanos();
		try {
			while (this.thread.isAlive()) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					break;
				}
				try {
					this.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
