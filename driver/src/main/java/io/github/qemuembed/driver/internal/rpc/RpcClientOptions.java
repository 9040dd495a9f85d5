package io.github.qemuembed.driver.internal.rpc;

import java.time.Duration;
import java.util.Objects;

import io.github.qemuembed.driver.observation.DriverObserver;

/**
 * How an {@link RpcClient} behaves and how it names itself in errors.
 *
 * @param connectTimeout limit for opening the stream (TCP connect)
 * @param callTimeout limit for each call, handshake calls included
 * @param role what the client is for, e.g. {@code network driver}
 * @param observer watches every call (see {@link DriverObserver#remoteCall})
 */
public record RpcClientOptions(Duration connectTimeout, Duration callTimeout, String role, DriverObserver observer) {

	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

	public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

	public RpcClientOptions {
		Objects.requireNonNull(connectTimeout, "connectTimeout");
		Objects.requireNonNull(callTimeout, "callTimeout");
		Objects.requireNonNull(role, "role");
		Objects.requireNonNull(observer, "observer");
	}

	/** Options without an observer. */
	public RpcClientOptions(Duration connectTimeout, Duration callTimeout, String role) {
		this(connectTimeout, callTimeout, role, DriverObserver.NONE);
	}

	public static RpcClientOptions defaults(String role) {
		return new RpcClientOptions(DEFAULT_CONNECT_TIMEOUT, DEFAULT_CALL_TIMEOUT, role);
	}

	public RpcClientOptions withCallTimeout(Duration timeout) {
		return new RpcClientOptions(this.connectTimeout, timeout, this.role, this.observer);
	}

	public RpcClientOptions withObserver(DriverObserver observer) {
		return new RpcClientOptions(this.connectTimeout, this.callTimeout, this.role, observer);
	}

}
