package io.github.qemuembed.driver.qmp;

import java.time.Duration;
import java.util.Objects;

import io.github.qemuembed.driver.observation.DriverObserver;

/**
 * Settings of a {@link QmpClient}.
 *
 * @param connectTimeout how long {@link QmpClient#connect} may take in total: waiting for
 * the socket to accept (QEMU creates it a few milliseconds after exec), reading the
 * greeting and negotiating capabilities
 * @param commandTimeout the timeout of commands executed without an explicit one; it
 * covers the time spent queued behind other commands of the same client, since that is
 * what the caller waits for
 * @param maxMessageSize the longest QMP message (one JSON line) accepted from QEMU; a
 * longer one closes the connection rather than letting a misbehaving peer fill the heap
 * @param observer watches every command (see {@link DriverObserver#qmpCommand})
 * @param observedAs the name the observer is given for this monitor (the domain's); empty
 * for the transport's description
 */
public record QmpClientOptions(Duration connectTimeout, Duration commandTimeout, int maxMessageSize,
		DriverObserver observer, String observedAs) {

	/**
	 * 16 MiB: far above the largest real reply (a full {@code qom-list-types} is about
	 * 100 KiB).
	 */
	public static final int DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

	private static final QmpClientOptions DEFAULTS = new QmpClientOptions(Duration.ofSeconds(10),
			Duration.ofSeconds(30), DEFAULT_MAX_MESSAGE_SIZE, DriverObserver.NONE, "");

	public QmpClientOptions {
		requirePositive(connectTimeout, "connectTimeout");
		requirePositive(commandTimeout, "commandTimeout");
		if (maxMessageSize < 1024) {
			throw new IllegalArgumentException("maxMessageSize must be at least 1024 bytes, was " + maxMessageSize);
		}
		Objects.requireNonNull(observer, "observer");
		Objects.requireNonNull(observedAs, "observedAs");
	}

	/** Options without an observer. */
	public QmpClientOptions(Duration connectTimeout, Duration commandTimeout, int maxMessageSize) {
		this(connectTimeout, commandTimeout, maxMessageSize, DriverObserver.NONE, "");
	}

	/** Connect within 10 s, commands within 30 s, messages up to 16 MiB. */
	public static QmpClientOptions defaults() {
		return DEFAULTS;
	}

	public QmpClientOptions withConnectTimeout(Duration connectTimeout) {
		return new QmpClientOptions(connectTimeout, this.commandTimeout, this.maxMessageSize, this.observer,
				this.observedAs);
	}

	public QmpClientOptions withCommandTimeout(Duration commandTimeout) {
		return new QmpClientOptions(this.connectTimeout, commandTimeout, this.maxMessageSize, this.observer,
				this.observedAs);
	}

	public QmpClientOptions withMaxMessageSize(int maxMessageSize) {
		return new QmpClientOptions(this.connectTimeout, this.commandTimeout, maxMessageSize, this.observer,
				this.observedAs);
	}

	/**
	 * With an observer of every command, which sees the monitor as {@code observedAs}
	 * (the domain's name).
	 */
	public QmpClientOptions withObserver(DriverObserver observer, String observedAs) {
		return new QmpClientOptions(this.connectTimeout, this.commandTimeout, this.maxMessageSize, observer,
				observedAs);
	}

	private static void requirePositive(Duration duration, String name) {
		Objects.requireNonNull(duration, name);
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + duration);
		}
	}

}
