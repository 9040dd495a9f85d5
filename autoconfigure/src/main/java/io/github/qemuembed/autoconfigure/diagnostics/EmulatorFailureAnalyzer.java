package io.github.qemuembed.autoconfigure.diagnostics;

import io.github.qemuembed.autoconfigure.DeclaredDomainException;
import io.github.qemuembed.driver.error.EmulatorException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains an emulator that could not be found, probed or started. */
class EmulatorFailureAnalyzer extends AbstractFailureAnalyzer<EmulatorException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, EmulatorException cause) {
		if (findCause(rootFailure, DeclaredDomainException.class) != null) {
			// one declared domain failed to start: DeclaredDomainFailureAnalyzer names it
			return null;
		}
		String description = "The QEMU emulator could not be used: " + cause.getMessage();
		String action = "Install QEMU (for example the Debian/Ubuntu package 'qemu-system-x86'), or set"
				+ " 'qemu.embed.emulator' to the path of a working qemu-system binary. Without that property,"
				+ " 'qemu-system-x86_64' is looked up on the PATH.";
		return new FailureAnalysis(description, action, cause);
	}

}
