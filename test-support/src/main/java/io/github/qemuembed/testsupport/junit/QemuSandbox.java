package io.github.qemuembed.testsupport.junit;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.github.qemuembed.driver.QemuDriver;

/**
 * The driver of a {@link QemuTest} and a place to start more VMs from code. Injected as a
 * parameter; VMs started through it belong to where it was injected: into a test method
 * (or a {@code @BeforeEach} method) they are destroyed after that test, into a
 * {@code @BeforeAll} method or a constructor after the class.
 */
public final class QemuSandbox {

	private final VmScope scope;

	QemuSandbox(VmScope scope) {
		this.scope = scope;
	}

	/** The driver, on a private temporary root. */
	public QemuDriver driver() {
		return this.scope.holder().driver();
	}

	/** The driver's root directory. */
	public Path root() {
		return driver().root();
	}

	/** Starts a VM (and, unless told otherwise, waits until the test guest is ready). */
	public GuestVm start(GuestVmSpec spec) {
		return this.scope.start(spec);
	}

	/** Starts VMs side by side and waits until each is ready. */
	public List<GuestVm> startAll(List<GuestVmSpec> specs) {
		return this.scope.startAll(specs);
	}

	/** The VMs of this sandbox's scope. */
	public List<GuestVm> vms() {
		return this.scope.vms();
	}

	/** The VM of this scope named {@code name}. */
	public Optional<GuestVm> vm(String name) {
		return vms().stream().filter((vm) -> vm.name().equals(name)).findFirst();
	}

}
