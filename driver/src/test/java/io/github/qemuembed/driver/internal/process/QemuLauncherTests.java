package io.github.qemuembed.driver.internal.process;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Real children started through the launcher's wrappers. */
class QemuLauncherTests {

	/**
	 * The child is the process started (the wrappers exec) and leads a process group of
	 * its own, so a terminal's Ctrl-C, sent to the application's group, misses it; a
	 * locale the host lacks adds nothing to its log.
	 */
	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void childIsTheProcessStartedAndLeadsItsOwnGroup(boolean killWithOwner, @TempDir Path dir) throws Exception {
		Path log = dir.resolve("child.log");
		QemuLauncher launcher = new QemuLauncher("test", killWithOwner);
		try {
			Process child = launcher.launch(List.of("/bin/sh", "-c", "cat /proc/$$/stat"),
					Map.of("LC_ALL", "xx_XX.UTF-8"), log);
			assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(child.exitValue()).isZero();
			String stat = Files.readString(log);
			assertThat(stat).doesNotContain("warning");
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
			String self = Files.readString(Path.of("/proc/self/stat"));
			String ownGroup = self.substring(self.lastIndexOf(')') + 2).split(" ")[2];
			assertThat(stat).startsWith(child.pid() + " ");
			assertThat(fields[2]).as("process group").isEqualTo(Long.toString(child.pid())).isNotEqualTo(ownGroup);
		}
		finally {
			launcher.close();
		}
	}

	/**
	 * With {@code killWithOwner} the child gets SIGKILL when the launcher's thread ends
	 * (as when the JVM dies: the signal follows the parent thread); without it, it lives
	 * on.
	 */
	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void childDiesWithTheLauncherThreadOnlyWhenAskedTo(boolean killWithOwner, @TempDir Path dir) throws Exception {
		QemuLauncher launcher = new QemuLauncher("test", killWithOwner);
		// the first the usual way, the second in a spare
		Process forked = launcher.launch(List.of("/bin/sleep", "60"), Map.of(), dir.resolve("forked.log"));
		launcher.prepareSpare();
		awaitSpare(launcher);
		Process spared = launcher.launch(List.of("/bin/sleep", "61"), Map.of(), dir.resolve("spared.log"));
		try {
			for (Process child : List.of(forked, spared)) {
				// the wrapper has done its part once the child is sleep
				Path comm = Path.of("/proc", Long.toString(child.pid()), "comm");
				await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(comm).strip().equals("sleep"));
			}
			launcher.close();
			for (Process child : List.of(forked, spared)) {
				if (killWithOwner) {
					assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
					assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
				}
				else {
					assertThat(child.waitFor(500, TimeUnit.MILLISECONDS)).isFalse();
				}
			}
		}
		finally {
			for (Process child : List.of(forked, spared)) {
				child.destroyForcibly();
				child.waitFor(30, TimeUnit.SECONDS);
			}
		}
	}

	/**
	 * Once prepared, a spare wrapper waits; the next launch runs in it: the child is that
	 * very process, a child of this JVM leading its own group, with the extra
	 * environment, stdin from /dev/null and its output in the log. The next spare waits
	 * to be asked for.
	 */
	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void laterLaunchesRunInTheSpareStartedAheadOfThem(boolean killWithOwner, @TempDir Path dir) throws Exception {
		QemuLauncher launcher = new QemuLauncher("test", killWithOwner);
		try {
			assertThat(launcher.spare()).isEmpty();
			launcher.prepareSpare();
			ProcessHandle spare = awaitSpare(launcher);
			Path log = dir.resolve("child.log");
			Files.writeString(log, "before\n");
			Process child = launcher.launch(
					List.of("/bin/sh", "-c", "cat /proc/$$/stat; echo \"[$GREETING]\"; cat; echo end >&2"),
					Map.of("GREETING", "hello world", "LC_ALL", "xx_XX.UTF-8"), log);
			assertThat(child.pid()).isEqualTo(spare.pid());
			assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(child.exitValue()).isZero();
			String[] lines = Files.readString(log).split("\n");
			assertThat(lines).containsExactly(lines[0], lines[1], "[hello world]", "end");
			assertThat(lines[0]).isEqualTo("before");
			String stat = lines[1];
			assertThat(stat).startsWith(child.pid() + " ");
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
			assertThat(fields[1]).as("parent").isEqualTo(Long.toString(ProcessHandle.current().pid()));
			assertThat(fields[2]).as("process group").isEqualTo(Long.toString(child.pid()));
			assertThat(launcher.spare()).isEmpty();
			launcher.prepareSpare();
			assertThat(awaitSpare(launcher).pid()).isNotEqualTo(spare.pid());
		}
		finally {
			launcher.close();
		}
	}

	/**
	 * A spare killed by someone else is dropped: the launch starts its child the usual
	 * way, and a new spare follows.
	 */
	@Test
	void aSpareThatDiedIsReplacedAndTheLaunchStillRuns(@TempDir Path dir) throws Exception {
		QemuLauncher launcher = new QemuLauncher("test", true);
		try {
			launcher.prepareSpare();
			ProcessHandle dead = awaitSpare(launcher);
			dead.destroyForcibly();
			dead.onExit().get(30, TimeUnit.SECONDS);
			Process child = launcher.launch(List.of("/bin/sh", "-c", "echo ran"), Map.of(), dir.resolve("child.log"));
			assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(child.pid()).isNotEqualTo(dead.pid());
			assertThat(child.exitValue()).isZero();
			assertThat(Files.readString(dir.resolve("child.log"))).isEqualTo("ran\n");
			launcher.prepareSpare();
			assertThat(awaitSpare(launcher).pid()).isNotEqualTo(dead.pid());
		}
		finally {
			launcher.close();
		}
	}

	/** Closing the launcher ends its spare, whether children die with it or not. */
	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void closingEndsTheSpare(boolean killWithOwner, @TempDir Path dir) throws Exception {
		QemuLauncher launcher = new QemuLauncher("test", killWithOwner);
		launcher.prepareSpare();
		ProcessHandle spare = awaitSpare(launcher);
		launcher.close();
		spare.onExit().get(30, TimeUnit.SECONDS);
		assertThat(spare.isAlive()).isFalse();
		assertThat(launcher.spare()).isEmpty();
	}

	/**
	 * A request cut short (the JVM died while writing it, closing the pipe) runs nothing,
	 * wherever it was cut; the whole request runs.
	 */
	@Test
	void aSpareRunsOnlyAWholeRequest(@TempDir Path dir) throws Exception {
		Path marker = dir.resolve("ran");
		byte[] request = SpareRequest.encode(List.of("/usr/bin/touch", marker.toString()), Map.of(),
				dir.resolve("spare.log"));
		// after the second last field's NUL, inside the last field, before its NUL
		int lastField = new String(request, StandardCharsets.UTF_8).lastIndexOf('\0', request.length - 2) + 1;
		for (int cut : new int[] { lastField, lastField + 3, request.length - 1 }) {
			assertThat(runSpare(Arrays.copyOf(request, cut))).as("cut at %d", cut).isNotZero();
			assertThat(marker).doesNotExist();
		}
		assertThat(runSpare(request)).isZero();
		assertThat(marker).exists();
	}

	private static int runSpare(byte[] request) throws Exception {
		List<String> spare = LaunchPrefix
			.spare(true, Optional.of("/usr/bin/perl"), System.getProperty("os.arch"), ProcessHandle.current().pid())
			.orElseThrow();
		Process process = new ProcessBuilder(spare).redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.redirectErrorStream(true)
			.start();
		try (OutputStream in = process.getOutputStream()) {
			in.write(request);
		}
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		return process.exitValue();
	}

	private static ProcessHandle awaitSpare(QemuLauncher launcher) {
		return await().atMost(Duration.ofSeconds(30)).until(launcher::spare, Optional::isPresent).orElseThrow();
	}

	/**
	 * The one-process wrapper refuses to run a child whose parent is not the owner it was
	 * told (the owner died before the signal was set up, and the child was handed to
	 * another parent that will never die for it): the argv is never exec'd.
	 */
	@Test
	void wrapperRefusesToRunWhenItsParentIsNotTheOwner(@TempDir Path dir) throws Exception {
		List<String> prefix = LaunchPrefix
			.of(true, Optional.of("/usr/bin/perl"), Optional.empty(), Optional.empty(), System.getProperty("os.arch"),
					ProcessHandle.current().pid() + 1_000_000)
			.orElseThrow();
		assertThat(prefix).hasSize(5);
		Path marker = dir.resolve("ran");
		List<String> command = new ArrayList<>(prefix);
		command.addAll(List.of("/usr/bin/touch", marker.toString()));
		Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(child.exitValue()).isNotZero();
		assertThat(output).contains(
				"the process that started this one (" + (ProcessHandle.current().pid() + 1_000_000) + ") is gone");
		assertThat(marker).doesNotExist();
	}

	/**
	 * With the owner's pid right the wrapper runs the argv in place: same pid, SIGKILL on
	 * the parent's death set (as the child itself reads it back).
	 */
	@Test
	void wrapperSetsTheParentDeathSignalOfTheProcessItBecomes(@TempDir Path dir) throws Exception {
		int prctl = LaunchPrefix.prctlSyscall(System.getProperty("os.arch")).orElseThrow();
		List<String> command = new ArrayList<>(LaunchPrefix
			.of(true, Optional.of("/usr/bin/perl"), Optional.empty(), Optional.empty(), System.getProperty("os.arch"),
					ProcessHandle.current().pid())
			.orElseThrow());
		command.addAll(List.of("/usr/bin/perl", "-e",
				"my $s = pack('i', 0); syscall(" + prctl + ", 2, $s) == 0 or die; print $$, ' ', unpack('i', $s)"));
		Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(output).isEqualTo(child.pid() + " 9");
	}

}
