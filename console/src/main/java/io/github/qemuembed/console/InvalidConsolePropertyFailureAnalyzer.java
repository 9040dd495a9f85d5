package io.github.qemuembed.console;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Says which {@code qemu.embed.console.*} key to change when the console cannot start.
 */
class InvalidConsolePropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConsolePropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidConsolePropertyException cause) {
		return new FailureAnalysis("The qemu-embed console cannot start: " + cause.getMessage(),
				"Change '" + cause.getKey() + "' (see docs/console.md), or turn the console off with "
						+ "qemu.embed.console.enabled=false.",
				cause);
	}

}
