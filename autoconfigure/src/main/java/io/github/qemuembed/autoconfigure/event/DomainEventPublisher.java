package io.github.qemuembed.autoconfigure.event;

import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.DomainEventListener;
import io.github.qemuembed.driver.QemuDriver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Registers itself on the driver and republishes each domain event as a
 * {@link DomainLifecycleEvent}. Being a bean that depends on the driver, it is registered
 * before any declared domain starts and removed only after the VMs were stopped and
 * before the driver closes.
 */
public class DomainEventPublisher implements DomainEventListener, InitializingBean, DisposableBean {

	private static final Log logger = LogFactory.getLog(DomainEventPublisher.class);

	private final QemuDriver driver;

	private final ApplicationEventPublisher publisher;

	private AutoCloseable registration;

	public DomainEventPublisher(QemuDriver driver, ApplicationEventPublisher publisher) {
		this.driver = driver;
		this.publisher = publisher;
	}

	@Override
	public void afterPropertiesSet() {
		this.registration = this.driver.addListener(this);
	}

	@Override
	public void onEvent(DomainEvent event) {
		try {
			this.publisher.publishEvent(DomainLifecycleEvent.of(this.driver, event));
		}
		catch (RuntimeException ex) {
			// e.g. an event that arrives while the context is being closed
			logger.debug("Could not publish " + event.type() + " of domain '" + event.domainName() + "'", ex);
		}
	}

	@Override
	public void destroy() throws Exception {
		if (this.registration != null) {
			this.registration.close();
		}
	}

}
