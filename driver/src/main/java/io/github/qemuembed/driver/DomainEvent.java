package io.github.qemuembed.driver;

import java.time.Instant;
import java.util.UUID;

/**
 * A lifecycle event of one domain.
 *
 * @param type what happened
 * @param domainName the domain's name
 * @param domainUuid the domain's UUID
 * @param status the domain's status right after the event
 * @param time when the driver saw it
 * @param detail free text (e.g. QEMU's exit status, the guest's shutdown reason), never a
 * secret
 */
public record DomainEvent(DomainEventType type, String domainName, UUID domainUuid, DomainStatus status, Instant time,
		String detail) {

}
