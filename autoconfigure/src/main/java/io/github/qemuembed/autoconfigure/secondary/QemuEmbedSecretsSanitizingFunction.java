package io.github.qemuembed.autoconfigure.secondary;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Masks the secrets of {@code qemu.embed.secrets} in Actuator's {@code env} and
 * {@code configprops} endpoints, also when they show values
 * ({@code show-values: always}): Boot itself masks nothing by key once values are shown.
 * <ul>
 * <li>by key: every spelling a property source may use, e.g.
 * {@code qemu.embed.secrets.<uuid>.value}, {@code qemu.embed.secrets[<uuid>].base64} and
 * the environment variable {@code QEMU_EMBED_SECRETS_<UUID>_VALUE};</li>
 * <li>by value: any other entry whose value contains a secret, such as
 * {@code sun.java.command} when the secret was passed as a command-line argument,
 * {@code JAVA_TOOL_OPTIONS} or {@code SPRING_APPLICATION_JSON}. The whole value is
 * masked, not the secret alone: which parts were masked would tell what the secret
 * is.</li>
 * </ul>
 */
class QemuEmbedSecretsSanitizingFunction implements SanitizingFunction {

	private static final String PREFIX = "qemu.embed.secrets";

	private final ConfigurableEnvironment environment;

	QemuEmbedSecretsSanitizingFunction(ConfigurableEnvironment environment) {
		this.environment = environment;
	}

	@Override
	public SanitizableData apply(SanitizableData data) {
		if (isSecretKey(data.getKey())) {
			return data.withSanitizedValue();
		}
		Object value = data.getValue();
		if (value == null) {
			return data;
		}
		String text = value.toString();
		for (String secret : secretValues()) {
			if (text.contains(secret)) {
				return data.withSanitizedValue();
			}
		}
		return data;
	}

	/**
	 * The secret values in the environment now, read again each time: the environment can
	 * change, and an endpoint call is rare.
	 */
	private Set<String> secretValues() {
		Set<String> secrets = new LinkedHashSet<>();
		for (PropertySource<?> source : this.environment.getPropertySources()) {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					if (name.regionMatches(true, 0, "qemu", 0, 4) && isSecretKey(name)) {
						add(secrets, name, enumerable.getProperty(name));
					}
				}
			}
		}
		return secrets;
	}

	private static void add(Set<String> secrets, String name, Object value) {
		if (value == null || value.toString().isEmpty()) {
			// an empty value is in every text; there is nothing to hide
			return;
		}
		String text = value.toString();
		secrets.add(text);
		if (name.toLowerCase(Locale.ROOT).endsWith("base64")) {
			String decoded = decoded(text);
			if (decoded != null && !decoded.isBlank()) {
				secrets.add(decoded);
			}
		}
	}

	/**
	 * A base64 secret's text, when it is UTF-8 text (a command line could hold it either
	 * way).
	 */
	private static String decoded(String base64) {
		try {
			byte[] bytes = Base64.getDecoder().decode(base64.trim());
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (IllegalArgumentException | CharacterCodingException ex) {
			return null;
		}
	}

	static boolean isSecretKey(String key) {
		if (key == null) {
			return false;
		}
		String normalized = key.toLowerCase(Locale.ROOT)
			.replace('_', '.')
			.replace('-', '.')
			.replace('[', '.')
			.replace("]", "");
		return normalized.equals(PREFIX) || normalized.startsWith(PREFIX + ".");
	}

}
