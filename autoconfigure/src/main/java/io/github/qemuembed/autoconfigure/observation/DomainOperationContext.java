package io.github.qemuembed.autoconfigure.observation;

import io.github.qemuembed.driver.observation.DomainOperation;

/**
 * The context of a {@link QemuObservationDocumentation#DOMAIN_OPERATION domain
 * operation}.
 */
public class DomainOperationContext extends QemuObservationContext {

	private final DomainOperation operation;

	private final String domain;

	public DomainOperationContext(DomainOperation operation, String domain) {
		this.operation = operation;
		this.domain = domain;
	}

	public DomainOperation getOperation() {
		return this.operation;
	}

	/** The domain's name. */
	public String getDomain() {
		return this.domain;
	}

}
