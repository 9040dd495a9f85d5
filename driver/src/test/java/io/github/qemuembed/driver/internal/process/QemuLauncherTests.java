package io.github.qemuembed.driver.internal.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

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

}
