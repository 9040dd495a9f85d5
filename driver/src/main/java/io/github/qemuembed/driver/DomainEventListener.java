package io.github.qemuembed.driver;

/**
 * Receives lifecycle events. Called on a driver thread, one event at a time and in order
 * per driver; a listener that throws is logged and does not stop others or the driver.
 * Don't block in it.
 */
@FunctionalInterface
public interface DomainEventListener {

	void onEvent(DomainEvent event);

}
