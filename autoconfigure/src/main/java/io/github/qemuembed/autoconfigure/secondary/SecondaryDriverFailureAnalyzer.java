package io.github.qemuembed.autoconfigure.secondary;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.qemuembed.autoconfigure.DeclaredDomainException;
import io.github.qemuembed.driver.error.SecondaryDriverException;
import io.github.qemuembed.driver.internal.rpc.InvalidEndpointException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Explains a secondary driver problem at startup: a declared domain whose XML needs a
 * driver that is not configured (the driver's message names the element, its path and the
 * secondary driver; this analyzer adds the property), a driver that cannot be reached, or
 * an endpoint that is not a usable URI. Goes before the analyzer of declared domains
 * (same precedence, listed first in {@code spring.factories}), whose generic advice (the
 * QEMU log) does not help here.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class SecondaryDriverFailureAnalyzer extends AbstractFailureAnalyzer<SecondaryDriverException> {

	// the driver names the secondary driver concerned in its own words ("the network
	// driver"); the property that configures it is this module's to add
	private static final Pattern KIND = Pattern.compile("\\b(network|storage|secret) driver\\b");

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SecondaryDriverException cause) {
		DeclaredDomainException declared = findCause(rootFailure, DeclaredDomainException.class);
		String description = (declared != null) ? declared.getMessage() : cause.getMessage();
		Matcher matcher = KIND.matcher(cause.getMessage());
		if (!matcher.find()) {
			return new FailureAnalysis(description, "Check the secondary drivers under 'qemu.embed.secondary'.", cause);
		}
		String kind = matcher.group(1);
		String key = "qemu.embed.secondary." + kind;
		String example = kind + ":///system, " + kind + ":///system?socket=/path/to/libvirt-sock or " + kind
				+ "+tcp://HOST:16509/system"
				+ ((kind.equals("secret") || kind.equals("storage")) ? ", or embedded" : "");
		String action;
		if (cause instanceof InvalidEndpointException) {
			action = "Change '" + key + "' to a usable endpoint: " + example + ".";
		}
		else {
			action = "Set '" + key + "' to the libvirt daemon that serves the " + kind + " driver (" + example
					+ ") and check that the daemon runs and is reachable from this host"
					+ ((declared != null) ? ", or change the XML of declared domain '" + declared.getDomainName()
							+ "' (qemu.embed.domains." + declared.getDomainName() + ")" : "")
					+ ".";
		}
		return new FailureAnalysis(description, action, cause);
	}

}
