package io.github.qemuembed.driver.internal.core;

import io.github.qemuembed.driver.StateReason;
import io.github.qemuembed.driver.internal.xml.LifecycleAction;

/**
 * What follows the end of a run: {@code on_poweroff}, {@code on_reboot} and
 * {@code on_crash} of the definition it ran with, applied to how it ended, as libvirt
 * does.
 */
final class LifecyclePolicy {

	private LifecyclePolicy() {
	}

	/**
	 * {@link LifecycleAction#RESTART} to start the domain again, anything else to leave
	 * it stopped.
	 */
	static LifecycleAction after(QemuRun ended, StateReason reason) {
		if (ended.destroyRequested()) {
			return LifecycleAction.DESTROY;
		}
		if (ended.rebootWanted() && reason == StateReason.SHUTOFF_SHUTDOWN) {
			// a reboot, asked through reboot() or by the guest: on_reboot decides
			// (destroy, or come back)
			return (ended.liveDefinition.onReboot() == LifecycleAction.DESTROY) ? LifecycleAction.DESTROY
					: LifecycleAction.RESTART;
		}
		if (reason == StateReason.SHUTOFF_SHUTDOWN) {
			return ended.liveDefinition.onPoweroff();
		}
		if (reason == StateReason.SHUTOFF_CRASHED && ended.panicked()) {
			// as in libvirt, on_crash is about the guest kernel panicking; QEMU itself
			// dying is not restarted
			return ended.liveDefinition.onCrash();
		}
		return LifecycleAction.DESTROY;
	}

}
