package io.github.qemuembed.driver.internal.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import io.github.qemuembed.driver.BlockStats;
import io.github.qemuembed.driver.DeviceFlag;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainConsole;
import io.github.qemuembed.driver.DomainInfo;
import io.github.qemuembed.driver.DomainSnapshot;
import io.github.qemuembed.driver.DomainStatus;
import io.github.qemuembed.driver.ShutdownMode;
import io.github.qemuembed.driver.access.Permission;
import io.github.qemuembed.driver.agent.GuestAgent;

/**
 * The {@link Domain} users hold: every method asks the access policy with its libvirt
 * permission, then calls the operation of the same name on the {@link ManagedDomain},
 * which owns the state and the policy. Checks that depend on what the operation finds (a
 * forced shutdown, a definition changed by a device change of an inactive domain) are
 * handed to it to run at that point.
 */
final class DomainHandle implements Domain {

	private final AccessChecker access;

	private final ManagedDomain domain;

	DomainHandle(AccessChecker access, ManagedDomain domain) {
		this.access = access;
		this.domain = domain;
	}

	@Override
	public String name() {
		check(Permission.DOMAIN_GETATTR);
		return this.domain.name();
	}

	@Override
	public UUID uuid() {
		check(Permission.DOMAIN_GETATTR);
		return this.domain.uuid();
	}

	@Override
	public void start() {
		check(Permission.DOMAIN_START);
		this.domain.start();
	}

	@Override
	public boolean shutdown(Duration timeout) {
		return shutdown(ShutdownMode.ACPI_POWER_BUTTON, timeout);
	}

	@Override
	public boolean shutdown(ShutdownMode mode, Duration timeout) {
		check(Permission.DOMAIN_INIT_CONTROL);
		if (mode == ShutdownMode.GUEST_AGENT) {
			// as libvirt's VIR_DOMAIN_SHUTDOWN_GUEST_AGENT: talking to the agent is a
			// write on top of init_control
			check(Permission.DOMAIN_WRITE);
		}
		// destroying a guest that did not power off in time is a stop
		return this.domain.shutdown(mode, timeout, () -> check(Permission.DOMAIN_STOP));
	}

	@Override
	public void destroy() {
		check(Permission.DOMAIN_STOP);
		this.domain.destroy();
	}

	@Override
	public void reboot() {
		check(Permission.DOMAIN_INIT_CONTROL);
		this.domain.reboot();
	}

	@Override
	public void reset() {
		check(Permission.DOMAIN_RESET);
		this.domain.reset();
	}

	@Override
	public void suspend() {
		check(Permission.DOMAIN_SUSPEND);
		this.domain.suspend();
	}

	@Override
	public void resume() {
		check(Permission.DOMAIN_SUSPEND);
		this.domain.resume();
	}

	@Override
	public void save(Path file) {
		check(Permission.DOMAIN_HIBERNATE);
		this.domain.save(file);
	}

	@Override
	public void managedSave() {
		check(Permission.DOMAIN_HIBERNATE);
		this.domain.managedSave();
	}

	@Override
	public boolean hasManagedSaveImage() {
		check(Permission.DOMAIN_READ);
		return this.domain.hasManagedSaveImage();
	}

	@Override
	public void managedSaveRemove() {
		check(Permission.DOMAIN_HIBERNATE);
		this.domain.managedSaveRemove();
	}

	@Override
	public DomainSnapshot createSnapshot(String xml, DomainSnapshot.CreateFlag... flags) {
		check(Permission.DOMAIN_SNAPSHOT);
		boolean diskOnly = Arrays.asList(flags).contains(DomainSnapshot.CreateFlag.DISK_ONLY);
		boolean quiesce = Arrays.asList(flags).contains(DomainSnapshot.CreateFlag.QUIESCE);
		if (quiesce) {
			check(Permission.DOMAIN_FS_FREEZE);
		}
		return this.domain.createSnapshot(xml, diskOnly, quiesce);
	}

	@Override
	public List<DomainSnapshot> snapshots() {
		check(Permission.DOMAIN_READ);
		return this.domain.snapshots();
	}

	@Override
	public List<DomainSnapshot.Node> snapshotTree() {
		check(Permission.DOMAIN_READ);
		return this.domain.snapshotTree();
	}

	@Override
	public String snapshotXml(String name) {
		check(Permission.DOMAIN_READ);
		// the stored definition carries its secrets, as the domain's own secure XML does
		check(Permission.DOMAIN_READ_SECURE);
		return this.domain.snapshotXml(name);
	}

	@Override
	public void revertToSnapshot(String name) {
		check(Permission.DOMAIN_SNAPSHOT);
		this.domain.revertToSnapshot(name);
	}

	@Override
	public void deleteSnapshot(String name, DomainSnapshot.DeleteFlag... flags) {
		check(Permission.DOMAIN_SNAPSHOT);
		this.domain.deleteSnapshot(name, Arrays.asList(flags).contains(DomainSnapshot.DeleteFlag.METADATA_ONLY));
	}

	@Override
	public void attachDevice(String xml, DeviceFlag... flags) {
		changeDevice(xml, flags, true, null);
	}

	@Override
	public void detachDevice(String xml, Duration timeout, DeviceFlag... flags) {
		Objects.requireNonNull(timeout, "timeout");
		changeDevice(xml, flags, false, timeout);
	}

	private void changeDevice(String xml, DeviceFlag[] flags, boolean attach, Duration timeout) {
		Set<DeviceFlag> affect = Set.of(flags);
		check(Permission.DOMAIN_WRITE);
		if (affect.contains(DeviceFlag.CONFIG)) {
			check(Permission.DOMAIN_SAVE);
		}
		this.domain.changeDevice(xml, affect, attach, timeout, () -> check(Permission.DOMAIN_SAVE));
	}

	@Override
	public void undefine() {
		check(Permission.DOMAIN_DELETE);
		this.domain.undefine();
	}

	@Override
	public DomainStatus status() {
		check(Permission.DOMAIN_READ);
		return this.domain.existing().status();
	}

	@Override
	public DomainInfo info() {
		check(Permission.DOMAIN_READ);
		return this.domain.info();
	}

	@Override
	public List<BlockStats> blockStats() {
		check(Permission.DOMAIN_READ);
		return this.domain.blockStats();
	}

	@Override
	public boolean isPersistent() {
		check(Permission.DOMAIN_READ);
		return this.domain.existing().isPersistent();
	}

	@Override
	public String xml(boolean secure) {
		check(Permission.DOMAIN_READ);
		if (secure) {
			check(Permission.DOMAIN_READ_SECURE);
		}
		return this.domain.xml(secure);
	}

	@Override
	public String qmp(String commandJson) {
		check(Permission.DOMAIN_WRITE);
		return this.domain.qmp(commandJson);
	}

	@Override
	public DomainConsole openConsole() {
		check(Permission.DOMAIN_OPEN_DEVICE);
		return this.domain.openConsole();
	}

	@Override
	public GuestAgent guest() {
		// no check here: each agent call asks the policy with its own permission
		return this.domain.guestAgent();
	}

	@Override
	public String toString() {
		return "Domain[" + this.domain.name() + ", " + this.domain.uuid() + "]";
	}

	private void check(Permission permission) {
		this.access.check(permission, this.domain.identity());
	}

}
