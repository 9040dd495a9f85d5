package io.github.qemuembed.benchmarks.embed;

import java.nio.file.Path;
import java.util.Locale;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.DriverConfig;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.AccessPolicy;

/**
 * Opens a driver once in a new JVM and prints how long {@code open} + {@code list} took
 * there: what an application pays at its start, when none of the driver's classes are
 * loaded yet. The JVM's own start is not included.
 * <p>
 * {@link FreshJvm} starts it with the driver's own runtime classpath (the driver, its
 * dependencies and this one class), not with the harness's: the harness carries Spring,
 * Selenium and a hundred other jars, and the JDK's first {@code System.getLogger} scans
 * every jar of the classpath for a logger service, a cost of the harness's classpath, not
 * of the driver. This class must therefore use nothing but the driver and the JDK.
 */
public final class OpenInFreshJvm {

	/**
	 * Starts the line that carries the result, so that JVM messages cannot be mistaken
	 * for it.
	 */
	static final String RESULT_PREFIX = "first-open-ms=";

	private OpenInFreshJvm() {
	}

	/** Arguments: root, emulator, accelerator ({@code KVM} or {@code TCG}). */
	public static void main(String[] args) {
		long start = System.nanoTime();
		DriverConfig config = DriverConfig.builder(Path.of(args[0]))
			.emulator(Path.of(args[1]))
			.accel(Accel.valueOf(args[2]))
			.accessPolicy(AccessPolicy.allowAll())
			.build();
		try (QemuDriver driver = QemuDriver.open(config)) {
			driver.list(DomainListFilter.ALL);
			System.out
				.println(RESULT_PREFIX + String.format(Locale.ROOT, "%.3f", (System.nanoTime() - start) / 1_000_000.0));
		}
	}

}
