package io.github.qemuembed.testsupport.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.github.qemuembed.driver.Accel;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class its own embedded QEMU driver on a private temporary root, and the
 * VMs it declares with {@link TestVm}.
 * <p>
 * The driver ({@link io.github.qemuembed.driver.QemuDriver}) and a {@link QemuSandbox}
 * can be injected as parameters; VMs are declared on fields or parameters of type
 * {@link GuestVm} or {@link io.github.qemuembed.driver.Domain}. Static fields hold VMs
 * shared by the class's tests (started before the first, destroyed after the last);
 * instance fields and parameters hold VMs of one test (started before it, destroyed after
 * it, whether it passed, failed or timed out). When a test fails, its failure carries the
 * console and QEMU log of the VMs it could see.
 * <p>
 * Every class (or method, see {@link #driverScope()}) has a root of its own and nothing
 * is shared between them, so classes may run in parallel. The root is deleted afterwards.
 * <pre>{@code
 * &#64;QemuTest
 * class GuestTests {
 *

 *     &#64;TestVm(memoryMiB = 128)
 *     static GuestVm vm;
 *
 *
&#64;Test
 *     void kernelRelease() {
 *         assertThat(vm.run("uname -r").output()).contains("cloud-amd64");
 *     }
 *
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(QemuExtension.class)
public @interface QemuTest {

	/**
	 * Whether the class shares one driver (the default) or each test method gets its own.
	 */
	DriverScope driverScope() default DriverScope.PER_CLASS;

	/**
	 * The accelerator. TCG by default: Linux guests hang under nested KVM on the machines
	 * this project is tested on, and TCG works everywhere.
	 */
	Accel accel() default Accel.TCG;

	/** The QEMU binary; empty means {@code qemu-system-x86_64} on the {@code PATH}. */
	String emulator() default "";

	/**
	 * Where the temporary roots are made; short, because UNIX socket paths are limited to
	 * 107 bytes.
	 */
	String temporaryDirectory() default "/tmp";

}
