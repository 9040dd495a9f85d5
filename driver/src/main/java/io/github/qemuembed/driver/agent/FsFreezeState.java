package io.github.qemuembed.driver.agent;

/**
 * What {@code guest-fsfreeze-status} reports: whether the guest's file systems are
 * frozen.
 */
public enum FsFreezeState {

	THAWED,

	FROZEN

}
