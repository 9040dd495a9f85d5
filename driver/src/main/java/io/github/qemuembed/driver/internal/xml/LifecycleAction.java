package io.github.qemuembed.driver.internal.xml;

/**
 * What happens when the guest powers off, reboots or crashes ({@code on_poweroff},
 * {@code on_reboot}, {@code on_crash}), with libvirt's values. Not every action is valid
 * for every event: see {@link DomainXml}.
 */
public enum LifecycleAction implements XmlEnum {

	DESTROY("destroy"), RESTART("restart"), PRESERVE("preserve"), RENAME_RESTART("rename-restart"),
	COREDUMP_DESTROY("coredump-destroy"), COREDUMP_RESTART("coredump-restart");

	private final String xmlName;

	LifecycleAction(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
