package io.github.qemuembed.driver.internal.core;

/**
 * Named points of the start sequence at which the crash tests stop the JVM as abruptly as
 * {@code kill -9} would ({@link Runtime#halt}: no shutdown hooks, no cleanup), to show
 * that a driver opened next on the same root finds and adopts or reaps what the crashed
 * one left at that point. Inert unless the JVM was started with the system property
 * {@value #PROPERTY} naming one of the points, which only those tests do.
 */
final class CrashPoints {

	static final String PROPERTY = "qemu-embed.test.crashAtStartStep";

	/** Read once: the property is set on the command line of the test's child JVM. */
	private static final String CRASH_AT = System.getProperty(PROPERTY);

	/** The exit status of a JVM stopped at a crash point, as after SIGKILL. */
	static final int STATUS = 128 + 9;

	private CrashPoints() {
	}

	static void reached(String step) {
		if (CRASH_AT != null && CRASH_AT.equals(step)) {
			Runtime.getRuntime().halt(STATUS);
		}
	}

}
