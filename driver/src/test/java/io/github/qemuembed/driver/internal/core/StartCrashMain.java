package io.github.qemuembed.driver.internal.core;

import java.nio.file.Path;
import java.util.UUID;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.QemuDriver;

/**
 * Run in a child JVM by {@link StartCrashTests}, with {@link CrashPoints#PROPERTY} set:
 * opens a driver on {@code args[0]}, defines a domain with the UUID {@code args[1]} and
 * starts it ({@code args[2]}: whether its QEMU dies with this JVM). The JVM halts at the
 * crash point; printing {@code STARTED} means it never got there.
 */
public final class StartCrashMain {

	private StartCrashMain() {
	}

	public static void main(String[] args) throws Exception {
		QemuDriver driver = QemuDriver
			.open(GuestlessDomains.config(Path.of(args[0])).killWithOwner(Boolean.parseBoolean(args[2])).build());
		Domain domain = driver.define(GuestlessDomains.xml("crash", UUID.fromString(args[1])));
		domain.start();
		System.out.println("STARTED");
		System.out.flush();
		driver.close();
	}

}
