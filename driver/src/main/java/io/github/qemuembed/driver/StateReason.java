package io.github.qemuembed.driver;

import java.util.Locale;

/**
 * Why a domain is in its state, with libvirt's reasons per state
 * ({@code virDomainRunningReason}, {@code virDomainPausedReason},
 * {@code virDomainShutoffReason}, ...).
 */
public enum StateReason {

	NOSTATE_UNKNOWN(DomainState.NOSTATE),

	RUNNING_UNKNOWN(DomainState.RUNNING), RUNNING_BOOTED(DomainState.RUNNING), RUNNING_UNPAUSED(DomainState.RUNNING),
	RUNNING_WAKEUP(DomainState.RUNNING), RUNNING_RESTORED(DomainState.RUNNING),
	RUNNING_FROM_SNAPSHOT(DomainState.RUNNING),

	PAUSED_UNKNOWN(DomainState.PAUSED), PAUSED_USER(DomainState.PAUSED), PAUSED_IOERROR(DomainState.PAUSED),
	PAUSED_WATCHDOG(DomainState.PAUSED), PAUSED_SHUTTING_DOWN(DomainState.PAUSED), PAUSED_CRASHED(DomainState.PAUSED),
	PAUSED_STARTING_UP(DomainState.PAUSED), PAUSED_SAVE(DomainState.PAUSED),

	SHUTDOWN_UNKNOWN(DomainState.SHUTDOWN), SHUTDOWN_USER(DomainState.SHUTDOWN),

	SHUTOFF_UNKNOWN(DomainState.SHUTOFF), SHUTOFF_SHUTDOWN(DomainState.SHUTOFF), SHUTOFF_DESTROYED(DomainState.SHUTOFF),
	SHUTOFF_CRASHED(DomainState.SHUTOFF), SHUTOFF_FAILED(DomainState.SHUTOFF), SHUTOFF_DAEMON(DomainState.SHUTOFF),
	SHUTOFF_SAVED(DomainState.SHUTOFF),

	CRASHED_UNKNOWN(DomainState.CRASHED), CRASHED_PANICKED(DomainState.CRASHED);

	private final DomainState state;

	StateReason(DomainState state) {
		this.state = state;
	}

	public DomainState state() {
		return this.state;
	}

	/** The reason alone, as libvirt prints it: {@code booted}, {@code destroyed}, ... */
	public String label() {
		return name().substring(name().indexOf('_') + 1).toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/** {@code state/reason}, e.g. {@code shutoff/crashed}. */
	public String describe() {
		return this.state.name().toLowerCase(Locale.ROOT) + "/" + label();
	}

}
