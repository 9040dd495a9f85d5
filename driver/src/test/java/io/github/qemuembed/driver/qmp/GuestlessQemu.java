package io.github.qemuembed.driver.qmp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real QEMU without a guest ({@code -S}, no devices) with its QMP monitor on a UNIX
 * socket in a short temp directory. Tests must close it (try-with-resources): closing
 * kills QEMU with SIGKILL and waits for it.
 */
final class GuestlessQemu implements AutoCloseable {

	static final String EMULATOR = "qemu-system-x86_64";

	private final Path directory;

	private final Path socket;

	private final Process process;

	private GuestlessQemu(Path directory, Path socket, Process process) {
		this.directory = directory;
		this.socket = socket;
		this.process = process;
	}

	/**
	 * QEMU with a q35 machine, KVM if usable else TCG ({@code accel=kvm:tcg}), monitor on
	 * a UNIX socket.
	 */
	static GuestlessQemu start() throws IOException {
		Path directory = Files.createTempDirectory(Path.of("/tmp"), "qe");
		Path socket = directory.resolve("qmp.sock");
		return launch(directory, socket, "unix:" + socket + ",server=on,wait=off");
	}

	/** QEMU with its monitor on standard input and output ({@code -qmp stdio}). */
	static GuestlessQemu startOnStdio() throws IOException {
		Path directory = Files.createTempDirectory(Path.of("/tmp"), "qe");
		return launch(directory, null, "stdio");
	}

	private static GuestlessQemu launch(Path directory, Path socket, String qmp) throws IOException {
		List<String> command = new ArrayList<>();
		if (Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
			// should the test JVM die, the kernel kills QEMU too (setpriv execs it: same
			// pid)
			command.addAll(List.of("/usr/bin/setpriv", "--pdeathsig", "KILL", "--"));
		}
		command.addAll(List.of(EMULATOR, "-S", "-nodefaults", "-no-user-config", "-display", "none", "-machine",
				"q35,accel=kvm:tcg", "-m", "64", "-qmp", qmp));
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.redirectError(directory.resolve("qemu.log").toFile());
		if (socket != null) {
			builder.redirectOutput(directory.resolve("qemu.out").toFile());
			builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
		}
		return new GuestlessQemu(directory, socket, builder.start());
	}

	Path socket() {
		return this.socket;
	}

	Process process() {
		return this.process;
	}

	/** Sends a signal ({@code STOP}, {@code CONT}, {@code KILL}) with kill(1). */
	void signal(String name) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(this.process.pid())).inheritIO().start();
		if (kill.waitFor() != 0) {
			throw new IOException("kill -" + name + " " + this.process.pid() + " failed");
		}
	}

	String log() {
		try {
			return Files.readString(this.directory.resolve("qemu.log"));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	@Override
	public void close() throws Exception {
		this.process.destroyForcibly();
		this.process.waitFor(10, TimeUnit.SECONDS);
		if (!Files.isDirectory(this.directory)) {
			return;
		}
		try (var files = Files.list(this.directory)) {
			for (Path file : files.toList()) {
				Files.deleteIfExists(file);
			}
		}
		Files.deleteIfExists(this.directory);
	}

}
