package io.github.qemuembed.sample;

import java.util.Locale;

import io.github.qemuembed.autoconfigure.event.DomainCrashedEvent;
import io.github.qemuembed.autoconfigure.event.DomainStoppedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Says in the log, one line per VM, how each VM ended: on a pod's termination that line
 * is what tells an operator whether the guest powered off or was forced off.
 */
@Component
class VmStopReport {

	private static final Log logger = LogFactory.getLog(VmStopReport.class);

	@EventListener
	void stopped(DomainStoppedEvent event) {
		String how = switch (event.getReason()) {
			case SHUTOFF_SHUTDOWN -> "the guest powered off";
			case SHUTOFF_DESTROYED -> "forced off (destroyed)";
			case SHUTOFF_CRASHED -> "QEMU crashed";
			case SHUTOFF_FAILED -> "QEMU failed";
			default -> event.getReason().name().toLowerCase(Locale.ROOT);
		};
		String detail = event.getDomainEvent().detail();
		logger.info("VM '" + event.getDomainName() + "' stopped: " + how
				+ ((detail != null && !detail.isBlank()) ? " (" + detail + ")" : ""));
	}

	@EventListener
	void crashed(DomainCrashedEvent event) {
		String detail = event.getDomainEvent().detail();
		logger.warn("VM '" + event.getDomainName() + "' crashed"
				+ ((detail != null && !detail.isBlank()) ? ": " + detail : ""));
	}

}
