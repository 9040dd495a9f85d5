package io.github.qemuembed.autoconfigure.actuate;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.DisposableBean;

/**
 * The one pool on which the Actuator's readers ({@link DomainSnapshots},
 * {@link DomainStatistics}) talk to the domains, shut down with the context. Threads are
 * created on demand and end when idle: a stuck VM holds one thread per pending read, the
 * callers none.
 */
public final class ActuatorReadPool implements Executor, DisposableBean {

	private final ExecutorService executor;

	public ActuatorReadPool() {
		AtomicInteger count = new AtomicInteger();
		this.executor = Executors.newCachedThreadPool((runnable) -> {
			// no inherited thread-locals: a pool thread never carries its creator's
			// security context (a read runs as the caller only when it is given one)
			Thread thread = new Thread(null, runnable, "qemu-embed-actuator-" + count.incrementAndGet(), 0, false);
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Runs a task on the pool.
	 * @throws java.util.concurrent.RejectedExecutionException once the pool is shut down
	 */
	@Override
	public void execute(Runnable task) {
		this.executor.execute(task);
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

}
