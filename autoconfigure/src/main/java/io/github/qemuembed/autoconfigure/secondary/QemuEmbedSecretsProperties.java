package io.github.qemuembed.autoconfigure.secondary;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Secret values from configuration ({@code qemu.embed.secrets.<uuid>.value}), so that any
 * property source (environment variables, a vault) can supply LUKS passphrases. They are
 * asked before the configured secret driver. Actuator masks these keys whatever
 * {@code show-values} says.
 */
@ConfigurationProperties("qemu.embed")
public class QemuEmbedSecretsProperties {

	/**
	 * Secret values by the secret's UUID (the uuid of
	 * <secret type='passphrase' uuid='...'/> in a domain's XML), written with dashes or
	 * as 32 hex digits (the form environment variables can carry:
	 * QEMU_EMBED_SECRETS_<32HEX>_VALUE). Each has either 'value' (text, UTF-8) or
	 * 'base64' (binary).
	 */
	private Map<String, Secret> secrets = new LinkedHashMap<>();

	/**
	 * Keys as written; {@link QemuEmbedSecondaryDrivers} parses them (a bad key is named,
	 * never its value).
	 */
	public Map<String, Secret> getSecrets() {
		return this.secrets;
	}

	public void setSecrets(Map<String, Secret> secrets) {
		this.secrets = secrets;
	}

	/** One secret value. Its {@link #toString()} never shows the value. */
	public static class Secret {

		/**
		 * The secret's value as text (UTF-8). Exclusive with 'base64'.
		 */
		private String value;

		/**
		 * The secret's value, base64-encoded, for binary values. Exclusive with 'value'.
		 */
		private String base64;

		public String getValue() {
			return this.value;
		}

		public void setValue(String value) {
			this.value = value;
		}

		public String getBase64() {
			return this.base64;
		}

		public void setBase64(String base64) {
			this.base64 = base64;
		}

		@Override
		public String toString() {
			return "Secret[******]";
		}

	}

}
