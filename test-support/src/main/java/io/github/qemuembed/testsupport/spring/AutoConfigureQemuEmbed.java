package io.github.qemuembed.testsupport.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives a Spring test (e.g. a {@code @SpringBootTest}) qemu-embed set up for tests: a
 * private temporary root, deleted when the context closes whatever
 * {@code qemu.embed.root} says; VMs destroyed rather than shut down when it closes; and,
 * unless {@link #guest()} is empty, the tiny Linux test guest (see {@code TestGuest}) as
 * a declared domain, run under TCG (its XML says {@code type='qemu'}: Linux guests hang
 * under these machines' nested KVM) while guest-less domains keep {@code accel: auto}.
 * For an {@code ApplicationContextRunner}, {@link QemuEmbedTestInitializer} does the
 * same.
 * <p>
 * Tests with the same settings share a cached context, and so a root, as Spring tests do.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface AutoConfigureQemuEmbed {

	/** The name of the declared test-guest domain; empty for none. */
	String guest() default "guest";

	/** Memory of the test guest, in MiB. */
	int guestMemoryMiB() default 128;

	/** Whether the test guest starts with the context. */
	boolean autostart() default true;

}
