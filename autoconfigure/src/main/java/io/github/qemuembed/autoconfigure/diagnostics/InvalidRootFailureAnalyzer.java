package io.github.qemuembed.autoconfigure.diagnostics;

import io.github.qemuembed.autoconfigure.InvalidRootException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a root directory the driver cannot use, typically one too long for socket
 * paths.
 */
class InvalidRootFailureAnalyzer extends AbstractFailureAnalyzer<InvalidRootException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidRootException cause) {
		String description = "The qemu-embed root directory " + cause.getRoot() + " cannot be used: "
				+ cause.getCause().getMessage();
		String action = cause.isTemporary()
				? "The temporary root is made under java.io.tmpdir (" + System.getProperty("java.io.tmpdir")
						+ "): set 'qemu.embed.root' to a short directory such as /var/tmp/qe, or start the JVM with a"
						+ " shorter -Djava.io.tmpdir."
				: "Set 'qemu.embed.root' to a shorter path (the UNIX socket paths of the VMs below it are limited"
						+ " to 107 bytes), such as /var/lib/<app>/qe, or leave it unset for a temporary root.";
		return new FailureAnalysis(description, action, cause);
	}

}
