package io.github.qemuembed.driver.internal.core;

import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.StateReason;
import io.github.qemuembed.driver.internal.xml.LifecycleAction;
import io.github.qemuembed.driver.qmp.QmpEvent;

/**
 * What QEMU's asynchronous events mean for a domain's state: pauses and resumes the
 * driver did not cause, a guest shutting down or resetting, a guest panic. Runs on the
 * domain's lifecycle executor, in the order QEMU sent the events; tells the domain
 * through its {@link RunCallbacks}.
 */
final class MonitorEvents {

	private final RunCallbacks domain;

	MonitorEvents(RunCallbacks domain) {
		this.domain = domain;
	}

	/**
	 * Whether {@code event} is the RESUME of one of the driver's own {@code cont}s, taken
	 * off the count here: it changes no state and nothing waits for it, so it needs no
	 * turn on the lifecycle executor. Safe on any thread, in any order relative to the
	 * other events: {@link #handle} does nothing else with such a RESUME.
	 */
	static boolean isOwnResume(QemuRun source, QmpEvent event) {
		return "RESUME".equals(event.name()) && !source.waiters.awaits("RESUME") && source.consumeOwnResume();
	}

	void handle(QemuRun source, QmpEvent event) {
		source.waiters.fire(event);
		switch (event.name()) {
			case "STOP" -> {
				// suspend() sets paused/user itself; this only catches pauses it did not
				// cause (raw QMP "stop").
				// A panic stops the vCPUs too (-action panic=pause: STOP right after
				// GUEST_PANICKED); that stop is
				// part of the crash that on_crash handles (crashed/panicked, or QEMU
				// ended), not a pause.
				if (!source.consumeOwnStop() && !source.panicked() && state() == DomainState.RUNNING) {
					this.domain.stateChanged(source, StateReason.PAUSED_UNKNOWN, DomainEventType.SUSPENDED, "");
				}
			}
			case "RESUME" -> {
				if (!source.consumeOwnResume() && state() == DomainState.PAUSED) {
					this.domain.stateChanged(source, StateReason.RUNNING_UNPAUSED, DomainEventType.RESUMED, "");
				}
			}
			case "SHUTDOWN" -> {
				if (event.data().path("guest").asBoolean(false)) {
					String reason = event.data().path("reason").asString("");
					source.markGuestShutdown(reason);
					this.domain.stateChanged(source, StateReason.SHUTDOWN_USER, DomainEventType.SHUTDOWN, reason);
				}
			}
			case "RESET" -> this.domain.guestReset(source, event.data().path("reason").asString(""));
			case "GUEST_PANICKED" -> {
				source.markPanicked();
				if (source.liveDefinition.onCrash() == LifecycleAction.PRESERVE) {
					this.domain.stateChanged(source, StateReason.CRASHED_PANICKED, DomainEventType.CRASHED,
							"guest panicked");
				}
				else {
					// destroy or restart: end QEMU now; the exit reads as crashed and
					// on_crash decides what follows
					this.domain.panicEndsRun(source);
				}
			}
			case "VSERPORT_CHANGE" ->
				source.ports.changed(event.data().path("id").asString(""), event.data().path("open").asBoolean(false));
			default -> {
				// other events (NIC_RX_FILTER_CHANGED, RTC_CHANGE, ...) carry nothing for
				// the lifecycle
			}
		}
	}

	private DomainState state() {
		return this.domain.status().state();
	}

}
