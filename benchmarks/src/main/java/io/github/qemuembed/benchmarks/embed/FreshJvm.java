package io.github.qemuembed.benchmarks.embed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.QemuDriver;

/**
 * Runs {@link OpenInFreshJvm} in new JVMs with the driver's own runtime classpath: the
 * driver, the jars of its runtime dependencies (the list Maven writes to the driver
 * module's {@code target/runtime-classpath.txt}) and a jar holding only
 * {@link OpenInFreshJvm}.
 * <p>
 * Every classpath entry is a jar: a directory on the classpath (the driver's
 * {@code target/classes} when the harness runs in Maven's test phase) is packed into one
 * first, because a CDS archive refuses non-empty directories on the classpath. The same
 * classpath serves the runs with and without an archive, so that they differ only in the
 * archive.
 */
final class FreshJvm {

	private static final String CLASSPATH_FILE = "runtime-classpath.txt";

	private final Path java = Path.of(System.getProperty("java.home"), "bin", "java");

	private final Path work;

	private final String classpath;

	private FreshJvm(Path work, String classpath) {
		this.work = work;
		this.classpath = classpath;
	}

	/**
	 * A launcher whose jars are prepared in {@code work}.
	 * @throws IOException if the driver's runtime classpath cannot be found (the driver
	 * was not built in the same reactor as the harness)
	 */
	static FreshJvm forDriver(Path work) throws IOException {
		List<String> entries = new ArrayList<>();
		entries.add(jarOfMainClass(work).toString());
		Path driver = codeSource(QemuDriver.class);
		entries.add(Files.isDirectory(driver) ? pack(driver, work.resolve("qemu-embed-driver.jar")).toString()
				: driver.toString());
		Path list = driver.getParent().resolve(CLASSPATH_FILE);
		if (!Files.isRegularFile(list)) {
			throw new IOException("The driver's runtime classpath " + list + " is missing: build the benchmarks in the "
					+ "reactor with the driver (./mvnw -pl benchmarks -am package, as benchmarks/run does)");
		}
		for (String entry : Files.readString(list).strip().split(":")) {
			if (!entry.isEmpty()) {
				entries.add(entry);
			}
		}
		return new FreshJvm(work, String.join(":", entries));
	}

	/**
	 * Runs {@link OpenInFreshJvm} once, its JVM writing a CDS archive of every class it
	 * loaded to {@code archive} at exit (a training run; its time is not a sample).
	 */
	void train(Path archive, Path root, Path emulator, Accel accel) throws IOException, InterruptedException {
		run(List.of("-XX:ArchiveClassesAtExit=" + archive), root, emulator, accel);
		if (!Files.isRegularFile(archive)) {
			throw new IOException("The training run wrote no CDS archive " + archive + ": " + stderr());
		}
	}

	/**
	 * Runs {@link OpenInFreshJvm} once and returns the milliseconds it printed.
	 * @param archive a CDS archive written by {@link #train}, or {@code null} for none;
	 * with {@code -Xshare:on}, so that an archive the JVM cannot use fails the run rather
	 * than being silently ignored
	 */
	double measure(Path archive, Path root, Path emulator, Accel accel) throws IOException, InterruptedException {
		List<String> options = (archive != null) ? List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on")
				: List.of();
		return run(options, root, emulator, accel);
	}

	private double run(List<String> options, Path root, Path emulator, Accel accel)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(this.java.toString());
		command.addAll(options);
		command.addAll(List.of("-cp", this.classpath, OpenInFreshJvm.class.getName(), root.toString(),
				emulator.toString(), accel.name()));
		Process process = new ProcessBuilder(command).redirectError(this.work.resolve("stderr.txt").toFile()).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
			process.destroyForcibly();
			throw new IOException(
					"The fresh JVM failed to open a driver on " + root + ": " + output.strip() + " " + stderr());
		}
		return output.lines()
			.filter((line) -> line.startsWith(OpenInFreshJvm.RESULT_PREFIX))
			.map((line) -> Double.parseDouble(line.substring(OpenInFreshJvm.RESULT_PREFIX.length()).strip()))
			.findFirst()
			.orElseThrow(() -> new IOException("The fresh JVM printed no result: " + output.strip()));
	}

	private String stderr() throws IOException {
		String text = Files.readString(this.work.resolve("stderr.txt"));
		return (text.length() > 2000) ? text.substring(text.length() - 2000) : text;
	}

	/** A jar with {@link OpenInFreshJvm} alone: none of the harness's other classes. */
	private static Path jarOfMainClass(Path work) throws IOException {
		String entry = OpenInFreshJvm.class.getName().replace('.', '/') + ".class";
		Path jar = work.resolve("open-in-fresh-jvm.jar");
		try (InputStream in = OpenInFreshJvm.class.getClassLoader().getResourceAsStream(entry);
				JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
			if (in == null) {
				throw new IOException("Cannot read the class file " + entry);
			}
			out.putNextEntry(new JarEntry(entry));
			in.transferTo(out);
			out.closeEntry();
		}
		return jar;
	}

	private static Path pack(Path directory, Path jar) throws IOException {
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
				Stream<Path> files = Files.walk(directory)) {
			for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
				out.putNextEntry(new JarEntry(directory.relativize(file).toString().replace('\\', '/')));
				copy(file, out);
				out.closeEntry();
			}
		}
		return jar;
	}

	private static void copy(Path file, OutputStream out) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			in.transferTo(out);
		}
	}

	private static Path codeSource(Class<?> type) throws IOException {
		try {
			return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
		}
		catch (URISyntaxException ex) {
			throw new IOException("Cannot locate the classes of " + type.getName(), ex);
		}
	}

}
