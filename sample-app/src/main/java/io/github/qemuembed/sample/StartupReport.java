package io.github.qemuembed.sample;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainType;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Says in the log what runs: the emulator, and each VM with its accelerator and what is
 * in it.
 */
@Component
class StartupReport {

	private static final Log logger = LogFactory.getLog(StartupReport.class);

	private final QemuDriver driver;

	StartupReport(QemuDriver driver) {
		this.driver = driver;
	}

	@EventListener(ApplicationReadyEvent.class)
	void report() {
		Accel accel = this.driver.emulator().accel();
		logger.info("QEMU " + this.driver.emulator().version() + " (" + accel + " for type='kvm' domains), root "
				+ this.driver.root());
		this.driver.list(DomainListFilter.ALL).forEach((domain) -> logger.info(describe(domain, accel)));
	}

	private static String describe(Domain domain, Accel accel) {
		DomainDefinition definition = DomainXml.parse(domain.xml(false));
		// type='qemu' is emulation whatever the host offers; type='kvm' takes the
		// driver's accelerator
		Accel runsWith = (definition.type() == DomainType.QEMU) ? Accel.TCG : accel;
		String name = domain.name();
		String what = definition.os().kernel().isPresent()
				? "a tiny Linux guest (busybox shell on its serial console: GET /vms/" + name + "/console)"
				: "a guest-less machine (firmware only, no kernel or disk; a stop waits for the timeout, then forces it)";
		return "VM '" + name + "': " + domain.status() + " under " + runsWith + " - " + what
				+ ": try GET /vms, POST /vms/" + name + "/stop, POST /vms/" + name + "/start; Ctrl-C stops it";
	}

}
