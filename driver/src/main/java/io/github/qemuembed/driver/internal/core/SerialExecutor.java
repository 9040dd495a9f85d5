package io.github.qemuembed.driver.internal.core;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: each domain gets the
 * ordering of its own thread (monitor events, then its exit, never reordered) without
 * owning one.
 */
final class SerialExecutor implements Executor {

	private static final System.Logger logger = System.getLogger(SerialExecutor.class.getName());

	private final Executor pool;

	private final Queue<Runnable> tasks = new ArrayDeque<>();

	private boolean draining;

	SerialExecutor(Executor pool) {
		this.pool = pool;
	}

	@Override
	public void execute(Runnable task) {
		synchronized (this) {
			this.tasks.add(task);
			if (this.draining) {
				return;
			}
			this.draining = true;
		}
		try {
			this.pool.execute(this::drain);
		}
		catch (RuntimeException ex) {
			synchronized (this) {
				this.draining = false;
			}
			throw ex;
		}
	}

	private void drain() {
		while (true) {
			Runnable next;
			synchronized (this) {
				next = this.tasks.poll();
				if (next == null) {
					this.draining = false;
					return;
				}
			}
			try {
				next.run();
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "Domain task failed", ex);
			}
		}
	}

}
