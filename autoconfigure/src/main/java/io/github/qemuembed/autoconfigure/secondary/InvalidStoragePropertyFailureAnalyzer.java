package io.github.qemuembed.autoconfigure.secondary;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Explains a {@code qemu.embed.storage} entry that failed (a checksum mismatch, a missing
 * source, a full disk...). Ordered before {@link SecondaryDriverFailureAnalyzer}, which
 * would otherwise take the storage driver's error in the cause chain for a connection
 * problem.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class InvalidStoragePropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidStoragePropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidStoragePropertyException cause) {
		return new FailureAnalysis("The embedded storage set-up failed at " + cause.getMessage() + ".",
				"Fix '" + cause.getKey() + "' (for a volume: its source, sha256 and format), or remove it; the "
						+ "pools under 'qemu.embed.storage' need 'qemu.embed.secondary.storage=embedded'.",
				cause);
	}

}
