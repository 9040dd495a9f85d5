package io.github.qemuembed.autoconfigure.secondary;

import java.util.Locale;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks secret values of {@code qemu.embed.secrets} in Actuator's {@code env} and {@code configprops}
 * endpoints, also when they show values ({@code show-values: always}): Boot itself masks nothing by
 * key once values are shown. Matches every spelling a property source may use, e.g.
 * {@code qemu.embed.secrets.<uuid>.value}, {@code qemu.embed.secrets[<uuid>].base64} and the
 * environment variable {@code QEMU_EMBED_SECRETS_<UUID>_VALUE}.
 */
class QemuEmbedSecretsSanitizingFunction implements SanitizingFunction {

	private static final String PREFIX = "qemu.embed.secrets";

	@Override
	public SanitizableData apply(SanitizableData data) {
		return isSecretKey(data.getKey()) ? data.withSanitizedValue() : data;
	}

	static boolean isSecretKey(String key) {
		if (key == null) {
			return false;
		}
		String normalized = key.toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.').replace('[', '.')
			.replace("]", "");
		return normalized.equals(PREFIX) || normalized.startsWith(PREFIX + ".");
	}

}
