package io.github.qemuembed.driver.internal.core;

import java.nio.file.Path;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.QemuDriver;

/**
 * Run in a child JVM by {@link RootTapTests}: opens a driver on the root, starts a domain
 * with a NIC on the given bridge, prints its tap and waits to be killed.
 */
public final class TapOwnerMain {

	private TapOwnerMain() {
	}

	public static void main(String[] args) throws Exception {
		QemuDriver driver = QemuDriver.open(GuestlessDomains.config(Path.of(args[0])).build());
		Domain domain = driver.define(RootTapTests.withNic("tapowner", "<interface type='bridge'><source bridge='"
				+ args[1] + "'/><mac address='52:54:00:77:00:01'/></interface>"));
		domain.start();
		System.out.println("TAP " + RootTapTests.tapOf(domain.xml(false)));
		System.out.println("READY");
		System.out.flush();
		Thread.sleep(Long.MAX_VALUE);
	}

}
