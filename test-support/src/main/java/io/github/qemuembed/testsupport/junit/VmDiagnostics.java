package io.github.qemuembed.testsupport.junit;

import java.util.Collection;

/**
 * Added as a suppressed exception to a failure: the console and QEMU log of the VMs the
 * failed test could see. It has no stack trace of its own; its message is the report.
 */
public final class VmDiagnostics extends RuntimeException {

	VmDiagnostics(String report) {
		super(report, null, false, false);
	}

	/**
	 * Adds the report of {@code vms} to {@code failure}, unless it or a cause of it has
	 * one.
	 */
	static void attach(Throwable failure, Collection<GuestVm> vms) {
		if (vms.isEmpty()) {
			return;
		}
		for (Throwable t = failure; t != null; t = t.getCause()) {
			for (Throwable suppressed : t.getSuppressed()) {
				if (suppressed instanceof VmDiagnostics) {
					return; // reported already, on this failure or on its cause
				}
			}
		}
		StringBuilder report = new StringBuilder("state of the test's VMs at the failure\n");
		for (GuestVm vm : vms) {
			try {
				report.append(vm.diagnostics());
			}
			catch (RuntimeException ex) {
				report.append("VM '").append(vm.name()).append("': no diagnostics (").append(ex).append(")\n");
			}
		}
		failure.addSuppressed(new VmDiagnostics(report.toString()));
	}

}
