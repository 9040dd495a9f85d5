package io.github.qemuembed.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.qemuembed.autoconfigure.access.HttpAccessListener;
import io.github.qemuembed.autoconfigure.access.HttpOrigin;
import io.github.qemuembed.driver.access.AccessRequest;
import io.github.qemuembed.driver.access.Caller;

import org.springframework.boot.actuate.audit.listener.AuditApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes each decision on a web call that writes as a Spring Boot audit event,
 * {@value #GRANTED} or {@value #DENIED}, with the principal ({@code anonymous} for
 * anonymous callers), the client's address, the domain (or other object) and the
 * permission. Boot stores them when an {@code AuditEventRepository} bean exists, and
 * {@code /actuator/auditevents} shows them. Nothing else goes in: no secret ever reaches
 * an access request.
 */
class AuditingHttpAccessListener implements HttpAccessListener {

	static final String GRANTED = "QEMU_ACCESS_GRANTED";

	static final String DENIED = "QEMU_ACCESS_DENIED";

	private final ApplicationEventPublisher publisher;

	AuditingHttpAccessListener(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	@Override
	public void decided(AccessRequest request, boolean allowed, HttpOrigin origin) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("permission", request.permission().libvirtName());
		request.domain()
			.ifPresentOrElse((domain) -> data.put("domain", domain.name()),
					() -> request.objectName().ifPresent((name) -> data.put(request.permission().object(), name)));
		data.put("remoteAddress", origin.remoteAddress());
		String principal = request.caller().map(Caller::name).orElse("application");
		this.publisher.publishEvent(new AuditApplicationEvent(principal, allowed ? GRANTED : DENIED, data));
	}

}
