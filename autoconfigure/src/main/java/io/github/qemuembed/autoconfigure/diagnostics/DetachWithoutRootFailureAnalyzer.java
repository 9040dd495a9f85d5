package io.github.qemuembed.autoconfigure.diagnostics;

import io.github.qemuembed.autoconfigure.DetachWithoutRootException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains why {@code detach} needs a persistent root. */
class DetachWithoutRootFailureAnalyzer extends AbstractFailureAnalyzer<DetachWithoutRootException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, DetachWithoutRootException cause) {
		String description = "'qemu.embed.shutdown.mode' is 'detach' but 'qemu.embed.root' is not set. Detached VMs"
				+ " keep running after the application stops so that the next start reconnects to them; without"
				+ " a root, the driver uses a temporary root that is deleted with the context, and nothing could"
				+ " ever reconnect to them.";
		String action = "Set 'qemu.embed.root' to a directory that persists across restarts, or choose"
				+ " 'qemu.embed.shutdown.mode' 'graceful' or 'destroy'.";
		return new FailureAnalysis(description, action, cause);
	}

}
