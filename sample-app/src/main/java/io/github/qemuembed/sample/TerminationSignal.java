package io.github.qemuembed.sample;

import sun.misc.Signal;

/**
 * Makes SIGTERM an ordinary end of the application: exit status 0 once the context has
 * closed (declared VMs powered off or forced off, as {@code qemu.embed.shutdown} says).
 * <p>
 * Why: SIGTERM is how a container runtime (and Kubernetes, at the start of
 * {@code terminationGracePeriodSeconds}) asks the app to stop. The JVM's own handler runs
 * the same shutdown hooks (Spring's hook closes the context, which stops the VMs) but
 * then ends with status 143 (128 + 15), which reads as a failure in {@code docker ps -a},
 * in Kubernetes' last state and in anything that restarts on failure. A stop that was
 * asked for and completed is not a failure, so this handler exits 0 instead; the hooks,
 * the order and the timeout are unchanged. A VM that had to be forced off is reported in
 * the log, not in the status: its guest's state is what matters, and the log says it per
 * VM. A SIGKILL (grace period over) still ends the JVM at once, with 137, and the
 * parent-death signal takes the QEMU children with it.
 */
final class TerminationSignal {

	private TerminationSignal() {
	}

	/**
	 * Replaces the JVM's SIGTERM handler; call before the context starts, so that a
	 * SIGTERM during start is covered.
	 */
	static void exitZeroOnSigterm() {
		// System.exit runs the shutdown hooks (Spring's closes the context) on another
		// thread and
		// never returns; the signal dispatcher thread waits there, as it does with the
		// JVM's handler
		Signal.handle(new Signal("TERM"), (signal) -> System.exit(0));
	}

}
