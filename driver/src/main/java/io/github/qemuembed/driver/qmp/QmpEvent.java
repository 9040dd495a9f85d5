package io.github.qemuembed.driver.qmp;

import java.time.Instant;
import java.util.Objects;

import tools.jackson.databind.JsonNode;

/**
 * An asynchronous QMP event ({@code STOP}, {@code RESUME}, {@code SHUTDOWN}, ...).
 *
 * @param name the event name as QEMU sends it
 * @param data the event's {@code data} member; an empty object when the event has none
 * @param timestamp when QEMU emitted the event (its {@code timestamp} member, host clock)
 */
public record QmpEvent(String name, JsonNode data, Instant timestamp) {

	public QmpEvent {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(data, "data");
		Objects.requireNonNull(timestamp, "timestamp");
	}

}
