package io.github.qemuembed.testsupport.console;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.OperationTimeoutException;
import io.github.qemuembed.driver.error.QemuEmbedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Drives a host shell through {@link GuestConsole}: the console helper only needs a pair
 * of streams and a POSIX shell at the other end, so a local {@code sh} exercises it in
 * milliseconds. The guest itself is covered by {@code TestGuestBootTests}.
 */
class GuestConsoleTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private Process shell;

	private GuestConsole console;

	@AfterEach
	void stopShell() {
		if (this.console != null) {
			this.console.close();
		}
		if (this.shell != null) {
			this.shell.destroyForcibly();
		}
	}

	@Test
	void runsCommandsAndReportsTheirOutputAndExitCode() throws Exception {
		attach("sh");

		ShellResult hello = this.console.run("echo hello; echo world", TIMEOUT);
		ShellResult failed = this.console.run("false", TIMEOUT);
		ShellResult exit7 = this.console.run("(exit 7)", TIMEOUT);

		assertThat(hello.output()).isEqualTo("hello\nworld\n");
		assertThat(hello.exitCode()).isZero();
		assertThat(hello.lines()).containsExactly("hello", "world");
		assertThat(failed.exitCode()).isEqualTo(1);
		assertThat(failed.output()).isEmpty();
		assertThat(exit7.exitCode()).isEqualTo(7);
	}

	@Test
	void keepsQuotesCommentsBackgroundJobsAndMultipleLinesIntact() throws Exception {
		attach("sh");

		assertThat(this.console.run("echo 'single \"double\"' \"it's\"", TIMEOUT).output())
			.isEqualTo("single \"double\" it's\n");
		assertThat(this.console.run("echo visible # a comment", TIMEOUT).output()).isEqualTo("visible\n");
		assertThat(this.console.run("sleep 0 &", TIMEOUT).exitCode()).isZero();
		assertThat(this.console.run("for i in 1 2; do\n  echo line $i\ndone", TIMEOUT).lines())
			.containsExactly("line 1", "line 2");
		assertThat(this.console.run("printf 'no newline'", TIMEOUT).output()).isEqualTo("no newline");
	}

	@Test
	void keepsShellStateBetweenCommandsAndIncludesStandardError() throws Exception {
		attach("sh");

		this.console.run("cd /tmp; GREETING=hi", TIMEOUT);
		ShellResult result = this.console.run("pwd; echo $GREETING; echo oops >&2", TIMEOUT);

		assertThat(result.lines()).containsExactly("/tmp", "hi", "oops");
	}

	@Test
	void ignoresTheEchoOfTypedLines() throws Exception {
		// "sh -v" prints every line it reads before running it, like a terminal that
		// echoes.
		attach("sh", "-v");

		ShellResult result = this.console.run("echo echoed; false", TIMEOUT);

		assertThat(result.output()).isEqualTo("echoed\n");
		assertThat(result.exitCode()).isEqualTo(1);
	}

	@Test
	void waitsForTextAndLinesFromTheCursorOn() throws Exception {
		attach("sh");

		this.console.sendLine("echo first-marker; echo second line; echo first-marker again");

		assertThat(this.console.awaitText("first-marker", TIMEOUT)).isEqualTo("first-marker");
		assertThat(this.console.awaitLine(Pattern.compile("sec.nd"), TIMEOUT)).isEqualTo("second line");
		assertThat(this.console.awaitText("first-marker", TIMEOUT)).isEqualTo("first-marker again");
	}

	@Test
	void timeoutShowsTheConsoleTail() throws Exception {
		attach("sh");
		this.console.sendLine("echo something the guest said");
		this.console.awaitText("something the guest said", TIMEOUT);

		assertThatExceptionOfType(OperationTimeoutException.class)
			.isThrownBy(() -> this.console.awaitText("never printed", Duration.ofMillis(300)))
			.withMessageContaining("'never printed'")
			.withMessageContaining("300 ms")
			.withMessageContaining("something the guest said");
		assertThatExceptionOfType(OperationTimeoutException.class)
			.isThrownBy(() -> this.console.run("sleep 5", Duration.ofMillis(300)))
			.withMessageContaining("sleep 5");
	}

	@Test
	void tailReturnsTheLastLines() throws Exception {
		attach("sh");
		assertThat(this.console.tail(3)).isEmpty();

		this.console.run("printf 'one\\ntwo\\nthree\\nfour'", TIMEOUT);

		assertThat(this.console.tail(1)).startsWith("four");
		assertThat(this.console.tail(2)).startsWith("three\nfour");
		assertThat(this.console.tail(1000)).isEqualTo(this.console.transcript());
		assertThat(this.console.tail(0)).isEmpty();
	}

	@Test
	void failsAtOnceWhenTheConsoleEnds() throws Exception {
		attach("sh");
		this.console.sendLine("echo last words; exit");

		assertThatExceptionOfType(QemuEmbedException.class)
			.isThrownBy(() -> this.console.awaitText("never printed", Duration.ofSeconds(30)))
			.withMessageContaining("console closed")
			.withMessageContaining("last words");
		assertThat(this.console.isEnded()).isTrue();
	}

	@Test
	void runSuccessfullyFailsWithTheOutputWhenTheCommandFails() throws Exception {
		attach("sh");

		assertThat(this.console.runSuccessfully("echo fine", TIMEOUT)).isEqualTo("fine\n");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.console.runSuccessfully("echo broken; (exit 3)", TIMEOUT))
			.withMessageContaining("exited with 3")
			.withMessageContaining("broken");
	}

	private void attach(String... command) throws Exception {
		this.shell = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
		this.console = new GuestConsole(this.shell.getInputStream(), this.shell.getOutputStream());
	}

}
