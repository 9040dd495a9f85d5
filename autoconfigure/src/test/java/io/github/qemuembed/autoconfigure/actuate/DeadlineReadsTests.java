package io.github.qemuembed.autoconfigure.actuate;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.github.qemuembed.autoconfigure.actuate.DeadlineReads.Outcome;
import io.github.qemuembed.autoconfigure.actuate.DeadlineReads.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Reads that answer, hang and fail on a real pool. A hanging read blocks on a latch the
 * test opens; the deadlines that must pass are "now" (already passed), so nothing waits
 * for a clock.
 */
class DeadlineReadsTests {

	private final ActuatorReadPool pool = new ActuatorReadPool();

	private final DeadlineReads<String, String> reads = new DeadlineReads<>(this.pool);

	private final Map<String, AtomicInteger> started = new ConcurrentHashMap<>();

	@AfterEach
	void shutDown() {
		this.pool.destroy();
	}

	@Test
	void aHangingReadIsStaleWithTheLastValueAndIsNotStartedTwice() throws Exception {
		Outcome<String> first = readOne("vm", () -> "v1", far());
		assertThat(first).isEqualTo(new Outcome<>(Status.FRESH, "v1", null));
		CountDownLatch hang = new CountDownLatch(1);
		CountDownLatch entered = new CountDownLatch(1);
		Supplier<String> hanging = () -> {
			entered.countDown();
			await(hang);
			return "v2";
		};
		Outcome<String> stuck = readOne("vm", hanging, System.nanoTime());
		assertThat(stuck.status()).isEqualTo(Status.TIMED_OUT);
		assertThat(stuck.value()).as("the last known value").isEqualTo("v1");
		assertThat(stuck.stale()).isTrue();
		assertThat(entered.await(30, TimeUnit.SECONDS)).as("the read runs on the pool").isTrue();
		Outcome<String> again = readOne("vm", () -> "never", System.nanoTime());
		assertThat(again.status()).isEqualTo(Status.TIMED_OUT);
		assertThat(this.started.get("vm")).as("one read in flight per key").hasValue(2);
		hang.countDown();
		// the read in flight, or one started after it finished: either answers "v2"
		Outcome<String> answered = readOne("vm", () -> "v2", far());
		assertThat(answered).isEqualTo(new Outcome<>(Status.FRESH, "v2", null));
	}

	@Test
	void aFailedReadKeepsTheLastValueAndSaysWhy() {
		readOne("vm", () -> "v1", far());
		IllegalStateException boom = new IllegalStateException("monitor gone");
		Outcome<String> failed = readOne("vm", () -> {
			throw boom;
		}, far());
		assertThat(failed).isEqualTo(new Outcome<>(Status.FAILED, "v1", boom));
		Outcome<String> never = readOne("other", () -> {
			throw boom;
		}, far());
		assertThat(never.value()).as("nothing known yet").isNull();
	}

	@Test
	void forgottenAndUnlistedKeysLoseTheirLastValue() {
		readOne("a", () -> "a1", far());
		readOne("b", () -> "b1", far());
		readOne("c", () -> "c1", far());
		this.reads.forget("a"::equals);
		this.reads.retain(List.of("a", "b"));
		assertThat(failing("a").value()).isNull();
		assertThat(failing("b").value()).isEqualTo("b1");
		assertThat(failing("c").value()).isNull();
	}

	@Test
	void eachReadRunsThroughTheWrapperOnThePool() {
		AtomicReference<String> thread = new AtomicReference<>();
		UnaryOperator<Runnable> wrapper = (task) -> () -> {
			thread.set(Thread.currentThread().getName());
			task.run();
		};
		List<Outcome<String>> outcomes = this.reads.read(List.of("x"), (key) -> () -> key + "!", wrapper, far());
		assertThat(outcomes).containsExactly(new Outcome<>(Status.FRESH, "x!", null));
		assertThat(thread.get()).startsWith("qemu-embed-actuator-");
	}

	@Test
	void aClosedPoolFailsReadsInsteadOfHanging() {
		this.pool.destroy();
		Outcome<String> outcome = readOne("vm", () -> "v", far());
		assertThat(outcome.status()).isEqualTo(Status.FAILED);
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> this.pool.execute(() -> {
		}));
	}

	private Outcome<String> failing(String key) {
		return readOne(key, () -> {
			throw new IllegalStateException("down");
		}, far());
	}

	private Outcome<String> readOne(String key, Supplier<String> read, long deadline) {
		Function<String, Supplier<String>> reader = (k) -> () -> {
			this.started.computeIfAbsent(k, (any) -> new AtomicInteger()).incrementAndGet();
			return read.get();
		};
		return this.reads.read(List.of(key), reader, UnaryOperator.identity(), deadline).get(0);
	}

	/** A deadline no healthy read gets near. */
	private static long far() {
		return System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
