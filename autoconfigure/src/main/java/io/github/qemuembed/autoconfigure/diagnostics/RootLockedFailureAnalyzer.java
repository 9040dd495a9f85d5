package io.github.qemuembed.autoconfigure.diagnostics;

import io.github.qemuembed.driver.error.RootLockedException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a root directory held by another driver: which root, and which process holds
 * it.
 */
class RootLockedFailureAnalyzer extends AbstractFailureAnalyzer<RootLockedException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RootLockedException cause) {
		String holder = cause.holderPid().isPresent() ? "process " + cause.holderPid().getAsLong()
				: "another process (its pid is unknown)";
		String description = "The qemu-embed root directory " + cause.root() + " is locked by " + holder
				+ ". One root belongs to one driver at a time (a qemu-embed driver or libvirt's embedded driver).";
		String action = "Stop " + holder + " (or close its driver), or set 'qemu.embed.root' to another directory;"
				+ " leave 'qemu.embed.root' unset for a private temporary root.";
		return new FailureAnalysis(description, action, cause);
	}

}
