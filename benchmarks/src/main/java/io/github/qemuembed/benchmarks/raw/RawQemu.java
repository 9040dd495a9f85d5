package io.github.qemuembed.benchmarks.raw;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.qemuembed.benchmarks.Recorder;

/**
 * A QEMU process started by hand, the way the floor is measured: exec, connect to the
 * monitor, {@code qmp_capabilities}, {@code cont}. Closing kills it with SIGKILL and
 * reaps it.
 */
public final class RawQemu implements AutoCloseable {

	private static final long MONITOR_TIMEOUT_MILLIS = 30_000;

	private final Process process;

	private final RawQmp qmp;

	private RawQemu(Process process, RawQmp qmp) {
		this.process = process;
		this.qmp = qmp;
	}

	/**
	 * The guest-less machine every system is measured with: q35, 64 MiB, no devices,
	 * paused.
	 */
	public static List<String> guestlessArgv(Path emulator, String accel, Path monitor) {
		return guestlessArgv(emulator, accel, monitor, null);
	}

	/**
	 * The guest-less machine with a firmware image instead of SeaBIOS (the halting
	 * firmware of the many-VM scenarios), or SeaBIOS when {@code firmware} is
	 * {@code null}.
	 */
	public static List<String> guestlessArgv(Path emulator, String accel, Path monitor, Path firmware) {
		List<String> argv = new ArrayList<>(List.of(emulator.toString(), "-S", "-nodefaults", "-no-user-config",
				"-display", "none", "-machine", "q35,accel=" + accel, "-m", "64"));
		if (firmware != null) {
			argv.addAll(List.of("-bios", firmware.toString()));
		}
		argv.addAll(List.of("-qmp", "unix:" + monitor + ",server=on,wait=off"));
		return argv;
	}

	/**
	 * Starts QEMU and brings it to running, recording each phase in milliseconds:
	 * {@code exec} (until the JVM has forked and exec'd), {@code monitor} (until the
	 * socket accepts), {@code greeting}, {@code capabilities}, {@code cont}, and
	 * {@code time} for the whole.
	 */
	public static RawQemu launch(List<String> argv, Path monitor, Path log, Recorder recorder) throws IOException {
		return launch(new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()), monitor,
				recorder);
	}

	/**
	 * Starts QEMU with stdin and stdout as pipes (for {@code -serial stdio}: the guest's
	 * console) and stderr appended to {@code log}, and brings it to running like
	 * {@link #launch(List, Path, Path, Recorder)}.
	 */
	public static RawQemu launchWithConsole(List<String> argv, Path monitor, Path log, Recorder recorder)
			throws IOException {
		return launch(new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())), monitor,
				recorder);
	}

	private static RawQemu launch(ProcessBuilder builder, Path monitor, Recorder recorder) throws IOException {
		long start = System.nanoTime();
		Process process = builder.start();
		RawQmp qmp = null;
		try {
			long t = recorder.lap("exec", start);
			qmp = RawQmp.connect(monitor, process, MONITOR_TIMEOUT_MILLIS);
			t = recorder.lap("monitor", t);
			qmp.greeting();
			t = recorder.lap("greeting", t);
			qmp.execute("{\"execute\":\"qmp_capabilities\"}");
			t = recorder.lap("capabilities", t);
			qmp.execute("{\"execute\":\"cont\"}");
			recorder.lap("cont", t);
			recorder.lap("time", start);
			return new RawQemu(process, qmp);
		}
		catch (IOException | RuntimeException ex) {
			kill(process, qmp);
			throw ex;
		}
	}

	public Process process() {
		return this.process;
	}

	public RawQmp qmp() {
		return this.qmp;
	}

	/** SIGKILL and wait until reaped. */
	@Override
	public void close() {
		kill(this.process, this.qmp);
	}

	/** Kills and reaps every VM of the list and empties it. */
	public static void closeAll(List<RawQemu> vms) {
		for (RawQemu vm : new ArrayList<>(vms)) {
			vm.close();
		}
		vms.clear();
	}

	private static void kill(Process process, RawQmp qmp) {
		process.destroyForcibly();
		try {
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("QEMU " + process.pid() + " did not die after SIGKILL");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			if (qmp != null) {
				try {
					qmp.close();
				}
				catch (IOException ex) {
					// the process is gone; nothing to tell
				}
			}
		}
	}

}
