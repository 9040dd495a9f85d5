package io.github.qemuembed.autoconfigure.observation;

import java.util.Locale;

import io.github.qemuembed.driver.error.QemuEmbedException;
import io.micrometer.observation.Observation;

/**
 * What every observation of the driver knows: whether its work is done (the outcome is
 * known only then).
 */
public abstract class QemuObservationContext extends Observation.Context {

	static final String NONE = "none";

	private volatile boolean finished;

	/**
	 * Whether the work is done; {@code false} while it runs (for the long task timer,
	 * when it starts).
	 */
	public boolean isFinished() {
		return this.finished;
	}

	void finish() {
		this.finished = true;
	}

	/** {@code unknown} while the work runs, then {@code success} or {@code failure}. */
	String outcome() {
		if (!this.finished) {
			return "unknown";
		}
		return (getError() != null) ? "failure" : "success";
	}

	/** The failure's error code, as libvirt names it; {@code none}. */
	String errorCode() {
		Throwable error = getError();
		if (error == null) {
			return NONE;
		}
		return (error instanceof QemuEmbedException qe) ? qe.code().name() : "UNKNOWN";
	}

	static String lowerCase(String value) {
		return value.toLowerCase(Locale.ROOT);
	}

}
