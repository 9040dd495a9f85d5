package io.github.qemuembed.driver.internal.core;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Which virtio-serial ports of one run the guest has open, by device id
 * ({@code channel0}, ...), as QEMU reports them with {@code VSERPORT_CHANGE}. A port QEMU
 * has said nothing about is closed: a guest opens its ports only after QEMU started (a
 * run adopted from an earlier driver shows closed until the guest opens or closes again).
 */
final class VirtioPorts {

	private final Map<String, Boolean> open = new HashMap<>();

	private final CompletableFuture<?> runEnded;

	VirtioPorts(CompletableFuture<?> runEnded) {
		this.runEnded = runEnded;
		// wake waiters when QEMU is gone: the port will not open any more
		runEnded.whenComplete((result, failure) -> {
			synchronized (this) {
				notifyAll();
			}
		});
	}

	synchronized void changed(String id, boolean isOpen) {
		this.open.put(id, isOpen);
		notifyAll();
	}

	/** Whether QEMU has reported on the port at all during this driver's life. */
	synchronized boolean isKnown(String id) {
		return this.open.containsKey(id);
	}

	synchronized boolean isOpen(String id) {
		return this.open.getOrDefault(id, false);
	}

	/**
	 * Waits until the port is open, the run ended, or the time is up; returns whether it
	 * is open.
	 */
	synchronized boolean awaitOpen(String id, long timeoutNanos) {
		long deadline = System.nanoTime() + timeoutNanos;
		while (!isOpen(id) && !this.runEnded.isDone()) {
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				return false;
			}
			try {
				TimeUnit.NANOSECONDS.timedWait(this, remaining);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return isOpen(id);
			}
		}
		return isOpen(id);
	}

}
