package io.github.qemuembed.driver;

/** libvirt's domain states ({@code virDomainState}). */
public enum DomainState {

	NOSTATE, RUNNING, BLOCKED, PAUSED, SHUTDOWN, SHUTOFF, CRASHED, PMSUSPENDED;

	public boolean isActive() {
		return this != SHUTOFF && this != NOSTATE;
	}

}
