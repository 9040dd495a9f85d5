package io.github.qemuembed.sample;

import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.QemuDriver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Says in the log what runs, and that the demo VM is guest-less. */
@Component
class StartupReport {

	private static final Log logger = LogFactory.getLog(StartupReport.class);

	private final QemuDriver driver;

	StartupReport(QemuDriver driver) {
		this.driver = driver;
	}

	@EventListener(ApplicationReadyEvent.class)
	void report() {
		logger.info("QEMU " + this.driver.emulator().version() + " (" + this.driver.emulator().accel() + "), root "
				+ this.driver.root());
		this.driver.list(DomainListFilter.ALL)
			.forEach((domain) -> logger.info("VM '" + domain.name() + "': " + domain.status()
					+ " - a guest-less machine (firmware only, no kernel or disk): try GET /vms, "
					+ "POST /vms/" + domain.name() + "/stop, POST /vms/" + domain.name() + "/start; Ctrl-C stops it"));
	}

}
