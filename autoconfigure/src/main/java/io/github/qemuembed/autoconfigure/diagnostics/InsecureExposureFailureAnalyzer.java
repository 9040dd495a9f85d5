package io.github.qemuembed.autoconfigure.diagnostics;

import io.github.qemuembed.autoconfigure.access.InsecureExposureException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains why strict mode refused to start, and the three ways out. */
class InsecureExposureFailureAnalyzer extends AbstractFailureAnalyzer<InsecureExposureException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InsecureExposureException cause) {
		if (cause.reactive()) {
			return new FailureAnalysis("qemu.embed.security.strict is true and " + cause.getMessage() + ".",
					"Serve the qemu endpoint and your VM controllers from a servlet server (spring-boot-starter-web),"
							+ " or turn write operations off (" + String.join("; ", cause.writeSettings())
							+ "). See docs/security.md.",
					cause);
		}
		String description = "qemu.embed.security.strict is true and VMs can be changed over HTTP by anyone who"
				+ " reaches a port: write operations are on (" + String.join("; ", cause.writeSettings()) + "), "
				+ String.join(" and ", cause.listeners()) + ", and there is no Spring Security filter chain. Such"
				+ " requests are anonymous callers.";
		String action = "Do one of these: bind the servers to the loopback interface (server.address=127.0.0.1,"
				+ " and management.server.address=127.0.0.1 if the management server has its own port); add Spring"
				+ " Security (spring-boot-starter-security) and authenticate the requests; or turn write operations off ("
				+ String.join("; ", cause.writeSettings()) + "). See docs/security.md.";
		return new FailureAnalysis(description, action, cause);
	}

}
