package io.github.qemuembed.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.github.qemuembed.driver.EmulatorInfo;
import io.github.qemuembed.driver.QemuDriver;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * Adds {@code qemu}: emulator version and path, accelerators, machine types, driver
 * version.
 */
public class QemuInfoContributor implements InfoContributor {

	private final QemuDriver driver;

	private final DomainSnapshots applicationCalls;

	/**
	 * @param driver the driver
	 * @param applicationCalls runs the driver calls as the application, whoever asks for
	 * the info
	 */
	public QemuInfoContributor(QemuDriver driver, DomainSnapshots applicationCalls) {
		this.driver = driver;
		this.applicationCalls = applicationCalls;
	}

	@Override
	public void contribute(Info.Builder builder) {
		EmulatorInfo emulator = this.applicationCalls.callAsApplication(this.driver::emulator);
		Map<String, Object> qemu = new LinkedHashMap<>();
		qemu.put("version", emulator.version());
		qemu.put("emulator", emulator.path().toString());
		qemu.put("accelerator", emulator.accel().name().toLowerCase(Locale.ROOT));
		qemu.put("accelerators", emulator.accelerators());
		qemu.put("machineTypes", emulator.machineTypes());
		String driverVersion = QemuDriver.class.getPackage().getImplementationVersion();
		qemu.put("driverVersion", (driverVersion != null) ? driverVersion : "unknown");
		builder.withDetail("qemu", qemu);
	}

}
