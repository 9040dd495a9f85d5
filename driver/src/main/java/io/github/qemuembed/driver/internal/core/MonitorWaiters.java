package io.github.qemuembed.driver.internal.core;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import io.github.qemuembed.driver.error.InvalidOperationException;
import io.github.qemuembed.driver.qmp.QmpEvent;
import tools.jackson.databind.JsonNode;

/**
 * Operations of one run that wait for a QMP event (a device the guest released, a block
 * job that finished). A waiter is registered <em>before</em> the command that causes the
 * event, so the event cannot be missed; it fails when QEMU ends first.
 */
final class MonitorWaiters {

	private record Waiter(String event, Predicate<JsonNode> match, CompletableFuture<JsonNode> result) {
	}

	private final List<Waiter> waiters = new CopyOnWriteArrayList<>();

	MonitorWaiters(CompletableFuture<?> stopped) {
		stopped.whenComplete((reason, ex) -> {
			for (Waiter waiter : this.waiters) {
				waiter.result()
					.completeExceptionally(
							new InvalidOperationException("QEMU ended before it sent " + waiter.event()));
			}
			this.waiters.clear();
		});
	}

	/**
	 * A future completed with the data of the next {@code event} that {@code match}
	 * accepts.
	 */
	CompletableFuture<JsonNode> await(String event, Predicate<JsonNode> match) {
		Waiter waiter = new Waiter(event, match, new CompletableFuture<>());
		this.waiters.add(waiter);
		waiter.result().whenComplete((data, ex) -> this.waiters.remove(waiter));
		return waiter.result();
	}

	/** Whether an operation waits for an {@code event}. */
	boolean awaits(String event) {
		for (Waiter waiter : this.waiters) {
			if (waiter.event().equals(event)) {
				return true;
			}
		}
		return false;
	}

	/** Called for every event of the run, in order. */
	void fire(QmpEvent event) {
		for (Waiter waiter : this.waiters) {
			if (waiter.event().equals(event.name()) && waiter.match().test(event.data())) {
				waiter.result().complete(event.data());
			}
		}
	}

}
