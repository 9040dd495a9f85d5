package io.github.qemuembed.benchmarks;

import java.util.Optional;

import io.github.qemuembed.testsupport.guest.TestGuest;

/**
 * The test guest of the guest scenarios (test-support's kernel + busybox initramfs),
 * built once per JVM; if it cannot be built here (no kernel package reachable, no
 * busybox), the reason is kept so that the scenarios are reported as missing.
 */
public final class Guests {

	private static TestGuest guest;

	private static String problem;

	private Guests() {
	}

	public static synchronized Optional<String> unavailable() {
		if (guest == null && problem == null) {
			try {
				guest = TestGuest.standard();
			}
			catch (RuntimeException ex) {
				problem = "the test guest cannot be built here: " + ex.getMessage();
			}
		}
		return Optional.ofNullable(problem);
	}

	public static synchronized TestGuest standard() {
		unavailable().ifPresent((reason) -> {
			throw new IllegalStateException(reason);
		});
		return guest;
	}

}
