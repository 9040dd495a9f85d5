package io.github.qemuembed.driver.internal.core;

import java.nio.file.Path;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.QemuDriver;

/**
 * Run in a child JVM by {@link LeftoverTests}: opens a driver, starts N VMs, prints their
 * pids and waits to be killed.
 */
public final class OrphanCheckMain {

	private OrphanCheckMain() {
	}

	public static void main(String[] args) throws Exception {
		QemuDriver driver = QemuDriver.open(GuestlessDomains.config(Path.of(args[0])).build());
		int count = Integer.parseInt(args[1]);
		for (int i = 0; i < count; i++) {
			Domain domain = driver.define(GuestlessDomains.xml("orphan-" + i));
			domain.start();
			System.out.println("PID " + domain.info().pid().orElseThrow());
		}
		System.out.println("READY");
		System.out.flush();
		Thread.sleep(Long.MAX_VALUE);
	}

}
