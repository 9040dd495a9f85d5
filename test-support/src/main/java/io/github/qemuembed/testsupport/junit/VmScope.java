package io.github.qemuembed.testsupport.junit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.cloudinit.CloudInitDisk;
import io.github.qemuembed.driver.error.InvalidOperationException;

/**
 * The VMs of one test class or one test method: started on a driver, destroyed together
 * when the scope ends.
 */
final class VmScope implements AutoCloseable {

	private final DriverHolder holder;

	private final List<GuestVm> vms = new ArrayList<>();

	private boolean closed;

	VmScope(DriverHolder holder) {
		this.holder = holder;
	}

	DriverHolder holder() {
		return this.holder;
	}

	/** Starts one VM and waits for it to be ready (if the spec asks to). */
	GuestVm start(GuestVmSpec spec) {
		return startAll(List.of(spec)).get(0);
	}

	/**
	 * Starts the VMs, then waits for each to be ready: the guests boot side by side. A VM
	 * that fails to come up stays in the scope, so it is destroyed with it; the failure
	 * carries its console and log.
	 */
	List<GuestVm> startAll(List<GuestVmSpec> specs) {
		List<GuestVm> started = new ArrayList<>();
		List<Long> logOffsets = new ArrayList<>();
		for (GuestVmSpec spec : specs) {
			logOffsets.add(GuestVm.logSize(logFile(spec.name())));
			started.add(launch(spec));
		}
		for (int i = 0; i < specs.size(); i++) {
			GuestVmSpec spec = specs.get(i);
			GuestVm vm = started.get(i);
			if (spec.isStart() && spec.isAwaitReady() && !spec.restores()) {
				try {
					vm.awaitReadySince(logOffsets.get(i), spec.readyTimeout());
				}
				catch (RuntimeException ex) {
					VmDiagnostics.attach(ex, List.of(vm));
					throw ex;
				}
			}
		}
		return started;
	}

	private GuestVm launch(GuestVmSpec spec) {
		QemuDriver driver = this.holder.driver();
		List<Path> disks = createDisks(spec);
		String xml = spec.toXml(disks);
		if (spec.cloudInitSeed() != null) {
			Path seed = spec.cloudInitSeed().writeTo(this.holder.disksDirectory().resolve(spec.name() + "-cidata.iso"));
			xml = CloudInitDisk.attach(xml, seed);
		}
		Domain domain;
		if (spec.restores()) {
			// saved after its shell was ready: nothing to wait for
			domain = SavedGuests.restore(this, spec, disks);
		}
		else if (spec.isPersistent()) {
			domain = driver.define(xml);
		}
		else {
			domain = driver.createTransient(xml);
		}
		GuestVm vm = new GuestVm(domain, logFile(domain.name()));
		synchronized (this) {
			this.vms.add(vm);
		}
		try {
			if (spec.isPersistent() && spec.isStart()) {
				domain.start();
			}
			if (spec.isStart()) {
				connectConsole(vm, spec);
			}
		}
		catch (RuntimeException ex) {
			VmDiagnostics.attach(ex, List.of(vm));
			throw ex;
		}
		return vm;
	}

	/**
	 * {@code ROOT/log/qemu/NAME.log}, the driver's per-domain log (the layout libvirt's
	 * embedded driver uses).
	 */
	private Path logFile(String name) {
		return this.holder.driver().root().resolve("log/qemu").resolve(name + ".log");
	}

	/**
	 * Connects at once: what the guest prints before anyone listens goes to the QEMU log
	 * only. A domain without a serial console (from XML) is fine unless the test waits
	 * for the ready marker.
	 */
	private static void connectConsole(GuestVm vm, GuestVmSpec spec) {
		try {
			vm.console();
		}
		catch (InvalidOperationException ex) {
			if (spec.isAwaitReady()) {
				throw ex;
			}
		}
	}

	private List<Path> createDisks(GuestVmSpec spec) {
		List<Path> files = new ArrayList<>();
		List<Integer> sizes = spec.disksMiB();
		for (int i = 0; i < sizes.size(); i++) {
			Path file = this.holder.disksDirectory().resolve(spec.name() + "-" + i + ".raw");
			try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
				raw.setLength(sizes.get(i) * 1024L * 1024L); // sparse
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot create disk image " + file, ex);
			}
			files.add(file);
		}
		return files;
	}

	synchronized List<GuestVm> vms() {
		return List.copyOf(this.vms);
	}

	/**
	 * Destroys every VM (newest first), even if some fail; the first failure is thrown
	 * afterwards.
	 */
	@Override
	public void close() {
		List<GuestVm> toDispose;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			toDispose = new ArrayList<>(this.vms);
		}
		RuntimeException failure = null;
		for (int i = toDispose.size() - 1; i >= 0; i--) {
			try {
				toDispose.get(i).dispose();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

}
