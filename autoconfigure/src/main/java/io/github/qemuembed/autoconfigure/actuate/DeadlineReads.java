package io.github.qemuembed.autoconfigure.actuate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Reads one value per key on a pool and waits for them until a common deadline, so that
 * one stuck VM blocks no caller: a key that does not answer in time, or fails, is
 * reported with its last known value, marked stale. At most one read per key is in
 * flight: a stuck VM holds one pool thread per key, not one per call.
 * <p>
 * The component behind {@link DomainSnapshots} and {@link DomainStatistics}; the pool is
 * the context's {@link ActuatorReadPool}.
 *
 * @param <K> what is read (a domain, or a domain as seen by one caller)
 * @param <V> the value read
 */
final class DeadlineReads<K, V> {

	private final Executor executor;

	private final Map<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();

	private final Map<K, V> lastKnown = new ConcurrentHashMap<>();

	DeadlineReads(Executor executor) {
		this.executor = executor;
	}

	/** How a key's read ended by the deadline. */
	enum Status {

		/** Answered in time: the value is new. */
		FRESH,

		/** No answer by the deadline; the read goes on and a later call may get it. */
		TIMED_OUT,

		/** The read failed ({@link Outcome#failure()}). */
		FAILED,

		/** The waiting thread was interrupted (its interrupt flag is set again). */
		INTERRUPTED

	}

	/**
	 * One key's outcome: the new value when {@link Status#FRESH}, otherwise the last
	 * known one ({@code null} if none) and, for {@link Status#FAILED}, the read's
	 * exception.
	 */
	record Outcome<V>(Status status, V value, Throwable failure) {

		boolean stale() {
			return this.status != Status.FRESH;
		}

	}

	/**
	 * Reads {@code keys} (a read already in flight for a key is waited for, not
	 * repeated), waiting at most until {@code deadlineNanos} (a {@link System#nanoTime()}
	 * value).
	 * @param reader what reading a key means; runs on the pool
	 * @param wrapper wraps each read's task, e.g. to carry the caller's context to the
	 * pool thread
	 * @return one outcome per key, in the order of {@code keys}
	 */
	List<Outcome<V>> read(List<K> keys, Function<K, Supplier<V>> reader, UnaryOperator<Runnable> wrapper,
			long deadlineNanos) {
		List<CompletableFuture<V>> futures = new ArrayList<>(keys.size());
		for (K key : keys) {
			CompletableFuture<V> future = this.inFlight.computeIfAbsent(key, (k) -> start(reader.apply(k), wrapper));
			// registered outside computeIfAbsent: a read that already finished must not
			// stay in the map
			future.whenComplete((value, ex) -> this.inFlight.remove(key, future));
			futures.add(future);
		}
		List<Outcome<V>> outcomes = new ArrayList<>(keys.size());
		for (int i = 0; i < keys.size(); i++) {
			K key = keys.get(i);
			try {
				V value = futures.get(i).get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
				this.lastKnown.put(key, value);
				outcomes.add(new Outcome<>(Status.FRESH, value, null));
			}
			catch (TimeoutException ex) {
				outcomes.add(new Outcome<>(Status.TIMED_OUT, this.lastKnown.get(key), null));
			}
			catch (ExecutionException ex) {
				outcomes.add(new Outcome<>(Status.FAILED, this.lastKnown.get(key), ex.getCause()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				outcomes.add(new Outcome<>(Status.INTERRUPTED, this.lastKnown.get(key), null));
			}
		}
		return outcomes;
	}

	private CompletableFuture<V> start(Supplier<V> read, UnaryOperator<Runnable> wrapper) {
		CompletableFuture<V> future = new CompletableFuture<>();
		Runnable task = wrapper.apply(() -> {
			try {
				future.complete(read.get());
			}
			catch (RuntimeException ex) {
				future.completeExceptionally(ex);
			}
		});
		try {
			this.executor.execute(task);
		}
		catch (RuntimeException ex) {
			// the pool is shut down: the context is closing
			future.completeExceptionally(ex);
		}
		return future;
	}

	/** Forgets the last known values of the keys that match. */
	void forget(Predicate<K> keys) {
		this.lastKnown.keySet().removeIf(keys);
	}

	/** Forgets the last known values of every key not in {@code keys}. */
	void retain(Collection<K> keys) {
		this.lastKnown.keySet().retainAll(keys);
	}

}
