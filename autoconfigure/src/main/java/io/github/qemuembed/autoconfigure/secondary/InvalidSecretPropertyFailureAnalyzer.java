package io.github.qemuembed.autoconfigure.secondary;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an unusable {@code qemu.embed.secrets} entry, naming the key and never the
 * value.
 */
class InvalidSecretPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSecretPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidSecretPropertyException cause) {
		return new FailureAnalysis("The secret " + cause.getMessage() + ".",
				"Key each entry of 'qemu.embed.secrets' by the secret's UUID (with dashes, or as 32 hex digits as in "
						+ "the environment variable QEMU_EMBED_SECRETS_<32HEX>_VALUE) and give it exactly one of "
						+ "'value' (text) or 'base64' (binary).",
				cause);
	}

}
