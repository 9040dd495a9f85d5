package io.github.qemuembed.driver.secondary;

import java.time.Duration;
import java.util.Objects;

import io.github.qemuembed.driver.observation.DriverObserver;

/**
 * How a secondary driver in a libvirt daemon is reached: limits for opening the
 * connection and for each call, and who watches the calls.
 *
 * @param connectTimeout limit for opening the stream (a UNIX or TCP connect)
 * @param callTimeout limit for each call, the handshake's included
 * @param observer watches every call (see {@link DriverObserver#remoteCall})
 */
public record RemoteOptions(Duration connectTimeout, Duration callTimeout, DriverObserver observer) {

	/** The connect timeout when none is given: 5 seconds. */
	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

	/** The call timeout when none is given: 30 seconds. */
	public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

	public RemoteOptions {
		Objects.requireNonNull(connectTimeout, "connectTimeout");
		Objects.requireNonNull(callTimeout, "callTimeout");
		Objects.requireNonNull(observer, "observer");
	}

	/** The default timeouts, unobserved. */
	public static RemoteOptions defaults() {
		return new RemoteOptions(DEFAULT_CONNECT_TIMEOUT, DEFAULT_CALL_TIMEOUT, DriverObserver.NONE);
	}

	/** These options with another call timeout. */
	public RemoteOptions withCallTimeout(Duration timeout) {
		return new RemoteOptions(this.connectTimeout, timeout, this.observer);
	}

}
