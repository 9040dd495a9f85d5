package io.github.qemuembed.autoconfigure.diagnostics;

import io.github.qemuembed.autoconfigure.DeclaredDomainException;
import io.github.qemuembed.driver.error.AccessDeniedException;
import io.github.qemuembed.driver.error.ConfigurationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Explains a declared domain that could not be defined or started: the domain, where its
 * XML came from and, for XML problems, the element path to change. It goes first: the
 * driver's error inside (an emulator failure, say) is about this domain, not about the
 * driver as a whole.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class DeclaredDomainFailureAnalyzer extends AbstractFailureAnalyzer<DeclaredDomainException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, DeclaredDomainException cause) {
		String domain = "'" + cause.getDomainName() + "'";
		String property = "qemu.embed.domains." + cause.getDomainName();
		ConfigurationException config = findCause(cause, ConfigurationException.class);
		if (config != null) {
			String at = (config.path() != null) ? " at " + config.path() : "";
			String description = "The XML of declared domain " + domain + " (" + cause.getSource() + ") is invalid" + at
					+ ": " + config.getMessage();
			String action = "Fix the domain XML" + at + ", or remove the domain from '" + property + "'.";
			return new FailureAnalysis(description, action, cause);
		}
		AccessDeniedException denied = findCause(cause, AccessDeniedException.class);
		if (denied != null) {
			String description = "Declared domain " + domain + " could not be " + cause.getAction().pastTense()
					+ " because the access policy refused it: " + denied.getMessage();
			String action = "Declared domains are defined, started and stopped by the application itself (no"
					+ " principal): allow such calls with 'qemu.embed.access.application-calls: allow', or a rule"
					+ " that covers them, or remove the domain from '" + property + "'.";
			return new FailureAnalysis(description, action, cause);
		}
		Throwable driverError = (cause.getCause() != null) ? cause.getCause() : cause;
		String description = "Declared domain " + domain + " (" + cause.getSource() + ") could not be "
				+ cause.getAction().pastTense() + ": " + driverError.getMessage();
		String action = "Check the domain XML and the QEMU log under the root's log/qemu/" + cause.getDomainName()
				+ ".log, or set '" + property + ".autostart' to false.";
		return new FailureAnalysis(description, action, cause);
	}

}
