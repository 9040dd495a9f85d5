package io.github.qemuembed.benchmarks.embed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.DriverConfig;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.AccessPolicy;

/**
 * Opens a driver once in a new JVM and prints how long {@code open} + {@code list} took
 * there: what an application pays at its start, when none of the driver's classes are
 * loaded yet. The JVM's own start is not included.
 */
public final class OpenInFreshJvm {

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
			System.out.println(String.format(Locale.ROOT, "%.3f", (System.nanoTime() - start) / 1_000_000.0));
		}
	}

	/**
	 * Runs {@link #main} in a new JVM with this JVM's classpath and returns the
	 * milliseconds it printed.
	 */
	static double measure(Path root, Path emulator, Accel accel) throws IOException, InterruptedException {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Process process = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
				OpenInFreshJvm.class.getName(), root.toString(), emulator.toString(), accel.name()))
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
		if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
			process.destroyForcibly();
			throw new IOException("The fresh JVM failed to open a driver on " + root + ": " + output);
		}
		String[] lines = output.split("\n");
		return Double.parseDouble(lines[lines.length - 1].strip());
	}

}
