package io.github.qemuembed.autoconfigure.secondary;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains an unusable {@code qemu.embed.secrets} entry, naming the key and never the value. */
class InvalidSecretPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSecretPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidSecretPropertyException cause) {
		return new FailureAnalysis("The secret " + cause.getMessage() + ".",
				"Give each entry of 'qemu.embed.secrets' exactly one of 'value' (text) or 'base64' (binary), e.g. "
						+ "QEMU_EMBED_SECRETS_<UUID>_VALUE in the environment.",
				cause);
	}

}
