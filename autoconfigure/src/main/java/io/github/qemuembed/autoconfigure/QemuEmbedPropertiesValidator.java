package io.github.qemuembed.autoconfigure;

import java.time.Duration;

import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Checks {@link QemuEmbedProperties} when they are bound, so that a value that cannot
 * work fails start-up with the key that holds it instead of failing later, far from its
 * cause. A Spring {@link Validator} rather than Bean Validation constraints: it needs no
 * validation provider on the application's classpath. The cross-field checks that need
 * more than the properties (a readable XML resource, a persistent root) stay where that
 * is known: {@link DeclaredDomain#of} and the root bean. Each message says what to
 * change; {@code InvalidPropertiesFailureAnalyzer} reports them with key and value.
 */
final class QemuEmbedPropertiesValidator implements Validator {

	@Override
	public boolean supports(Class<?> type) {
		return QemuEmbedProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		QemuEmbedProperties properties = (QemuEmbedProperties) target;
		positive(errors, "qmpTimeout", properties.getQmpTimeout());
		positive(errors, "startTimeout", properties.getStartTimeout());
		positive(errors, "destroyGracePeriod", properties.getDestroyGracePeriod());
		positive(errors, "shutdown.timeout", properties.getShutdown().getTimeout());
		positive(errors, "actuator.timeout", properties.getActuator().getTimeout());
		if (properties.getActuator().getCrashedStatus() == null
				|| properties.getActuator().getCrashedStatus().isBlank()) {
			errors.rejectValue("actuator.crashedStatus", "qemu.embed.blank",
					"must name a health status, such as DEGRADED, OUT_OF_SERVICE or DOWN");
		}
		properties.getDomains().forEach((name, domain) -> {
			if (name.isBlank()) {
				errors.rejectValue("domains", "qemu.embed.blank", "a declared domain needs a non-blank name");
			}
		});
	}

	private static void positive(Errors errors, String field, Duration value) {
		if (value == null) {
			errors.rejectValue(field, "qemu.embed.required", "must be set to a positive duration, such as 10s");
		}
		else if (value.isZero() || value.isNegative()) {
			errors.rejectValue(field, "qemu.embed.positive",
					"must be a positive duration, such as 10s (zero or less would fail every call at once)");
		}
	}

}
