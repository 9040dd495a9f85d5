package io.github.qemuembed.driver.internal.core;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.DomainStatus;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.StateReason;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import io.github.qemuembed.driver.internal.xml.LifecycleAction;
import io.github.qemuembed.driver.qmp.QmpEvent;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What QEMU's events make of a run and what they report to the domain through its
 * {@link RunCallbacks}, and what {@link LifecyclePolicy} decides from it when the run
 * ends: the translation itself, event by event (real QEMU sends these in the lifecycle
 * tests: {@link DriverLifecycleTests}, {@link OnCrashTests}).
 */
class MonitorEventsTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Reports reports = new Reports();

	private final MonitorEvents events = new MonitorEvents(this.reports);

	@Test
	void aPauseTheDriverDidNotCauseIsReportedAndItsOwnIsNot() {
		QemuRun run = run("<on_crash>destroy</on_crash>");
		this.reports.status = DomainStatus.of(StateReason.RUNNING_BOOTED);
		this.events.handle(run, event("STOP", "{}"));
		assertThat(this.reports.changes).containsExactly("paused/unknown SUSPENDED");
		this.reports.status = DomainStatus.of(StateReason.PAUSED_UNKNOWN);
		this.events.handle(run, event("RESUME", "{}"));
		assertThat(this.reports.changes).containsExactly("paused/unknown SUSPENDED", "running/unpaused RESUMED");
	}

	@Test
	void onlyTheDriversOwnResumeSkipsTheLifecycleAndNotWhileAnOperationWaitsForOne() {
		QemuRun run = run("");
		// no cont of the driver's in flight: a RESUME from elsewhere goes through handle
		assertThat(MonitorEvents.isOwnResume(run, event("RESUME", "{}"))).isFalse();
		assertThat(MonitorEvents.isOwnResume(run, event("STOP", "{}"))).isFalse();
		run.waiters.await("RESUME", (data) -> true);
		assertThat(MonitorEvents.isOwnResume(run, event("RESUME", "{}"))).isFalse();
	}

	@Test
	void aGuestRebootUnderNoRebootIsAShutdownThatOnRebootRestarts() {
		QemuRun run = run("<on_reboot>restart</on_reboot>");
		this.events.handle(run, event("SHUTDOWN", "{\"guest\": true, \"reason\": \"guest-reset\"}"));
		assertThat(this.reports.changes).containsExactly("shutdown/user SHUTDOWN guest-reset");
		assertThat(run.exitReason()).isEqualTo(StateReason.SHUTOFF_SHUTDOWN);
		assertThat(LifecyclePolicy.after(run, run.exitReason())).isEqualTo(LifecycleAction.RESTART);
	}

	@Test
	void aGuestPowerOffFollowsOnPoweroffAndAHostShutdownIsNotTheGuests() {
		QemuRun run = run("<on_poweroff>destroy</on_poweroff>");
		this.events.handle(run, event("SHUTDOWN", "{\"guest\": false, \"reason\": \"host-signal\"}"));
		assertThat(this.reports.changes).isEmpty();
		assertThat(run.exitReason()).isEqualTo(StateReason.SHUTOFF_CRASHED);
		this.events.handle(run, event("SHUTDOWN", "{\"guest\": true, \"reason\": \"guest-shutdown\"}"));
		assertThat(run.exitReason()).isEqualTo(StateReason.SHUTOFF_SHUTDOWN);
		assertThat(LifecyclePolicy.after(run, run.exitReason())).isEqualTo(LifecycleAction.DESTROY);
	}

	@Test
	void aPanicWithOnCrashPreserveIsCrashedAndItsStopIsNoPause() {
		QemuRun run = run("<on_crash>preserve</on_crash>");
		this.reports.status = DomainStatus.of(StateReason.RUNNING_BOOTED);
		this.events.handle(run, event("GUEST_PANICKED", "{\"action\": \"pause\"}"));
		this.events.handle(run, event("STOP", "{}"));
		assertThat(this.reports.changes).containsExactly("crashed/panicked CRASHED guest panicked");
		assertThat(this.reports.panicEnded).isEmpty();
	}

	@Test
	void aPanicWithOnCrashRestartEndsTheRunAndItsCrashRestarts() {
		QemuRun run = run("<on_crash>restart</on_crash>");
		this.events.handle(run, event("GUEST_PANICKED", "{\"action\": \"pause\"}"));
		assertThat(this.reports.panicEnded).containsExactly(run);
		assertThat(this.reports.changes).isEmpty();
		assertThat(run.exitReason()).isEqualTo(StateReason.SHUTOFF_CRASHED);
		assertThat(LifecyclePolicy.after(run, run.exitReason())).isEqualTo(LifecycleAction.RESTART);
		// QEMU itself dying (no panic) is never restarted
		QemuRun died = run("<on_crash>restart</on_crash>");
		assertThat(LifecyclePolicy.after(died, died.exitReason())).isEqualTo(LifecycleAction.DESTROY);
	}

	@Test
	void aDestroyWinsOverEverythingTheGuestDid() {
		QemuRun run = run("<on_reboot>restart</on_reboot>");
		this.events.handle(run, event("SHUTDOWN", "{\"guest\": true, \"reason\": \"guest-reset\"}"));
		run.markDestroyRequested();
		assertThat(run.exitReason()).isEqualTo(StateReason.SHUTOFF_DESTROYED);
		assertThat(LifecyclePolicy.after(run, run.exitReason())).isEqualTo(LifecycleAction.DESTROY);
		run.markSaved();
		assertThat(run.exitReason()).isEqualTo(StateReason.SHUTOFF_SAVED);
	}

	@Test
	void aResetIsReportedAndPortChangesAndWaitersAreFed() throws Exception {
		QemuRun run = run("");
		var deleted = run.waiters.await("DEVICE_DELETED", (data) -> data.path("device").asString("").equals("net1"));
		this.events.handle(run, event("RESET", "{\"guest\": true, \"reason\": \"guest-reset\"}"));
		this.events.handle(run, event("VSERPORT_CHANGE", "{\"id\": \"channel0\", \"open\": true}"));
		this.events.handle(run, event("DEVICE_DELETED", "{\"device\": \"net1\"}"));
		assertThat(this.reports.resets).containsExactly("guest-reset");
		assertThat(run.ports.isKnown("channel0")).isTrue();
		assertThat(deleted.isDone()).isTrue();
	}

	private static QemuRun run(String lifecycle) {
		String xml = GuestlessDomains.xml("events").replace("<devices>", lifecycle + "\n<devices>");
		DomainDefinition definition = DomainXml.parse(xml);
		return new QemuRun(1, ProcessHandle.current(), null, Path.of("/nonexistent"), Path.of("/nonexistent/m.sock"),
				List.of(), Instant.now(), definition);
	}

	private static QmpEvent event(String name, String data) {
		return new QmpEvent(name, JSON.readTree(data), Instant.now());
	}

	/** The domain's side, recording what it is told. */
	private static final class Reports implements RunCallbacks {

		DomainStatus status = DomainStatus.of(StateReason.RUNNING_BOOTED);

		final List<String> changes = new ArrayList<>();

		final List<String> resets = new ArrayList<>();

		final List<QemuRun> panicEnded = new ArrayList<>();

		@Override
		public DomainStatus status() {
			return this.status;
		}

		@Override
		public boolean isPersistent() {
			return true;
		}

		@Override
		public void persistentDefinitionChanged(DomainDefinition definition) {
			throw new AssertionError("not an event's business");
		}

		@Override
		public void runAttached(QemuRun run, DomainStatus status) {
			throw new AssertionError("not an event's business");
		}

		@Override
		public void startFailed() {
			throw new AssertionError("not an event's business");
		}

		@Override
		public void stateChanged(QemuRun run, StateReason reason, DomainEventType eventType, String detail) {
			this.changes.add((DomainStatus.of(reason) + " " + eventType + " " + detail).strip());
		}

		@Override
		public void monitorEvent(QemuRun run, QmpEvent event) {
			throw new AssertionError("the events are handled, not forwarded");
		}

		@Override
		public void guestReset(QemuRun run, String reason) {
			this.resets.add(reason);
		}

		@Override
		public void panicEndsRun(QemuRun run) {
			this.panicEnded.add(run);
		}

		@Override
		public void runEnded(QemuRun run, StateReason reason, String detail) {
			throw new AssertionError("not an event's business");
		}

	}

}
