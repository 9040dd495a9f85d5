package io.github.qemuembed.autoconfigure.diagnostics;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationErrors;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Explains {@code qemu.embed.*} values that the properties' validation refused: for each,
 * the key, the value as written (and where), and what to change. Boot's own analyzer of
 * validation failures would name the key too, but ends with a generic "update your
 * configuration"; this one goes first for the starter's keys and leaves every other
 * prefix to Boot.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class InvalidPropertiesFailureAnalyzer extends AbstractFailureAnalyzer<BindValidationException> {

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("qemu.embed");

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BindValidationException cause) {
		ValidationErrors errors = cause.getValidationErrors();
		if (!PREFIX.equals(errors.getName()) && !PREFIX.isAncestorOf(errors.getName())) {
			return null;
		}
		List<String> problems = new ArrayList<>();
		List<String> fixes = new ArrayList<>();
		for (ObjectError error : errors) {
			String key = (error instanceof FieldError field) ? key(errors.getName(), field.getField())
					: errors.getName().toString();
			ConfigurationProperty bound = bound(errors, key);
			String value = (bound != null) ? "'" + bound.getValue() + "'"
					: (error instanceof FieldError field && field.getRejectedValue() != null)
							? "'" + field.getRejectedValue() + "'" : "(not set)";
			String origin = (bound != null && bound.getOrigin() != null) ? " (from " + bound.getOrigin() + ")" : "";
			problems.add("'" + key + "' is " + value + origin + ": it " + error.getDefaultMessage() + ".");
			fixes.add("Set '" + key + "' to a value that " + error.getDefaultMessage() + ".");
		}
		return new FailureAnalysis("Invalid qemu-embed configuration:\n" + String.join("\n", problems),
				String.join("\n", fixes), cause);
	}

	/**
	 * {@code shutdown.timeout} under {@code qemu.embed} is
	 * {@code qemu.embed.shutdown.timeout}.
	 */
	private static String key(ConfigurationPropertyName name, String field) {
		StringBuilder dashed = new StringBuilder();
		for (char c : field.toCharArray()) {
			if (Character.isUpperCase(c)) {
				dashed.append('-').append(Character.toLowerCase(c));
			}
			else {
				dashed.append(c);
			}
		}
		return name + "." + dashed;
	}

	private static ConfigurationProperty bound(ValidationErrors errors, String key) {
		ConfigurationPropertyName name = ConfigurationPropertyName.of(key);
		for (ConfigurationProperty property : errors.getBoundProperties()) {
			if (property.getName().equals(name)) {
				return property;
			}
		}
		return null;
	}

}
