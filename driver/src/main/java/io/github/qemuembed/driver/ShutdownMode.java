package io.github.qemuembed.driver;

/**
 * How {@link Domain#shutdown(ShutdownMode, java.time.Duration)} asks the guest to power
 * off, like libvirt's {@code virDomainShutdownFlags} modes.
 */
public enum ShutdownMode {

	/**
	 * Press the ACPI power button (QMP {@code system_powerdown}); libvirt's
	 * {@code VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN}.
	 */
	ACPI_POWER_BUTTON,

	/**
	 * Ask the guest agent ({@code guest-shutdown}, mode {@code powerdown}); libvirt's
	 * {@code VIR_DOMAIN_SHUTDOWN_GUEST_AGENT}. Needs an {@code org.qemu.guest_agent.0}
	 * channel and an agent that answers; works for guests that ignore ACPI.
	 */
	GUEST_AGENT

}
