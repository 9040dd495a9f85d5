package io.github.qemuembed.testsupport.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a VM for a {@link QemuTest}: on a field or parameter of type {@link GuestVm}
 * or {@link io.github.qemuembed.driver.Domain}.
 * <p>
 * By default the VM is the {@linkplain io.github.qemuembed.testsupport.guest.TestGuest
 * test guest} with the given memory, vCPUs, kernel arguments and empty disks; with
 * {@link #xml()} it is the domain XML in that classpath resource instead. It is started
 * and, by default, the test waits until the guest's shell is ready on the serial console.
 */
@Target({ ElementType.FIELD, ElementType.PARAMETER })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TestVm {

	/** The domain name; empty means the field's or parameter's name. */
	String name() default "";

	/**
	 * A classpath resource with domain XML (relative to the test class, or absolute with
	 * a leading {@code /}). It may use {@code ${name}}, {@code ${kernel}},
	 * {@code ${initrd}} and {@code ${cmdline}}, replaced with the domain name and the
	 * test guest's files and command line. Empty means the test guest.
	 */
	String xml() default "";

	/** Memory of the test guest, MiB. */
	int memoryMiB() default 128;

	/** vCPUs of the test guest. */
	int vcpus() default 1;

	/** Added to the test guest's kernel command line. */
	String kernelArguments() default "";

	/**
	 * Sizes in MiB of empty raw disks attached to the test guest as {@code vda},
	 * {@code vdb}, ...
	 */
	int[] disksMiB() default {};

	/**
	 * cloud-init {@code meta-data} text. With it or {@link #cloudInitUserData()}, a
	 * NoCloud seed (ISO 9660, label {@code cidata}) is attached as a read-only CD-ROM.
	 */
	String cloudInitMetaData() default "";

	/** cloud-init {@code user-data} text (see {@link #cloudInitMetaData()}). */
	String cloudInitUserData() default "";

	/**
	 * Whether the VM is started before the test; if not, it is only defined (as a
	 * persistent domain).
	 */
	boolean start() default true;

	/**
	 * Whether to wait for the test guest's ready marker before the test runs. Turn it off
	 * for guests from {@link #xml()} that do not print it.
	 */
	boolean awaitReady() default true;

	/**
	 * How long the guest may take to become ready, in seconds (TCG on a busy machine is
	 * slow).
	 */
	int readyTimeoutSeconds() default 120;

	/**
	 * A persistent (defined, then started) rather than a transient domain; undefined
	 * afterwards.
	 */
	boolean persistent() default false;

	/**
	 * Whether the test guest really boots. By default a started, transient test guest
	 * whose ready marker is awaited is a restored copy of a saved boot instead: the first
	 * VM of its kind (same settings) in the JVM boots and is saved, every later one is
	 * restored from that file in a fraction of the time, with fresh disks and the same
	 * clean state. Ask for a boot when the test looks at the boot itself (the console or
	 * log of the boot, the kernel's messages, the time since power-on).
	 */
	boolean boot() default false;

}
