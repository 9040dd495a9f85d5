package io.github.qemuembed.it.secondary;

import io.github.qemuembed.testsupport.libvirt.LibvirtContainer;

/**
 * The two ways the tests reach the daemon: its UNIX socket (bind-mounted to the host) and
 * TCP.
 */
enum Transport {

	UNIX, TCP;

	String uri(LibvirtContainer daemon, String driver) {
		return (this == UNIX) ? daemon.unixUri(driver) : daemon.tcpUri(driver);
	}

}
