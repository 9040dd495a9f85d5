package io.github.qemuembed.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs tasks on their own threads, all released at once, and waits for every one. */
public final class Parallel {

	private Parallel() {
	}

	/**
	 * Runs each task on a thread of a pool of {@code threads}; the tasks start together
	 * once every thread is ready. Results come back in task order; if any task fails, the
	 * first failure is thrown after all tasks have finished (so that nothing is left
	 * running behind the caller).
	 */
	public static <T> List<T> run(int threads, List<Callable<T>> tasks) throws Exception {
		if (tasks.isEmpty()) {
			return List.of();
		}
		ExecutorService pool = Executors.newFixedThreadPool(threads, (runnable) -> {
			Thread thread = new Thread(runnable, "bench-worker");
			thread.setDaemon(true);
			return thread;
		});
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<T>> futures = new ArrayList<>();
			for (Callable<T> task : tasks) {
				futures.add(pool.submit(() -> {
					go.await();
					return task.call();
				}));
			}
			go.countDown();
			List<T> results = new ArrayList<>();
			Exception failure = null;
			for (Future<T> future : futures) {
				try {
					results.add(future.get());
				}
				catch (ExecutionException ex) {
					results.add(null);
					if (failure == null) {
						failure = (ex.getCause() instanceof Exception cause) ? cause : ex;
					}
				}
			}
			if (failure != null) {
				throw failure;
			}
			return results;
		}
		finally {
			// wait for the workers to end, so that thread counts taken after this call do
			// not include them
			pool.shutdownNow();
			pool.awaitTermination(10, TimeUnit.SECONDS);
		}
	}

}
