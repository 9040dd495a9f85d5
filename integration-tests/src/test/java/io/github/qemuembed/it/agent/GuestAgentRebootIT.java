package io.github.qemuembed.it.agent;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.OpenDriver;
import io.github.qemuembed.driver.agent.GuestAgent;
import io.github.qemuembed.driver.agent.GuestExec;
import io.github.qemuembed.driver.agent.GuestExecResult;
import io.github.qemuembed.driver.error.GuestAgentException;
import io.github.qemuembed.testsupport.guest.TestGuest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Layer 3: a guest that reboots while an agent {@code exec} is waiting for its command.
 * The wait ends with a typed agent error, long before the command's own timeout, and the
 * agent of the new boot answers; the command did not survive the reboot. The busybox test
 * guest with Debian's qemu-ga reboots in seconds (the Debian service VM would take
 * minutes under TCG for the same fault).
 */
class GuestAgentRebootIT {

	private static final Duration BOOT = Duration.ofSeconds(120);

	@RegisterExtension
	final OpenDriver open = new OpenDriver(Accel.TCG);

	@Test
	void guestThatRebootsDuringExecFailsTheExecTypedAndItsNextAgentAnswers() throws Exception {
		Domain domain = this.open.driver()
			.define(TestGuest.builder()
				.guestAgent()
				.build()
				.domain("rebooting")
				.memoryMiB(256)
				.guestAgentChannel()
				.toXml());
		domain.start();
		GuestAgent agent = domain.guest().withTimeout(Duration.ofSeconds(5));
		agent.awaitReady(BOOT);
		Duration commandTimeout = Duration.ofMinutes(10);
		CompletableFuture<GuestExecResult> waiting = CompletableFuture.supplyAsync(() -> agent
			.exec(GuestExec.of("/bin/sh", "-c", "echo $$ > /tmp/long.pid; exec sleep 600").timeout(commandTimeout)));
		// failsWithin below is far shorter than this: the reboot ends the wait, not the
		// timeout
		// the long command runs (its pid file is there) before the guest is rebooted
		await().atMost(Duration.ofSeconds(60))
			.ignoreExceptions()
			.until(() -> agent.exec(GuestExec.of("/bin/cat", "/tmp/long.pid")).exitCode().orElse(-1) == 0);
		agent.exec(GuestExec.of("/bin/sh", "-c", "(sleep 1; reboot -f) >/dev/null 2>&1 &"));

		assertThat(waiting).failsWithin(Duration.ofMinutes(3))
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(GuestAgentException.class);

		agent.awaitReady(BOOT);
		assertThat(domain.status().state()).isEqualTo(DomainState.RUNNING);
		// /tmp is a tmpfs of the new boot: the pid file and the command are gone
		GuestExecResult after = agent.exec(GuestExec.of("/bin/sh", "-c", "cat /tmp/long.pid; pidof sleep"));
		assertThat(after.exitCode()).as(after.toString()).isNotEqualTo(OptionalInt.of(0));
		assertThat(after.stdoutText()).isEmpty();
		domain.destroy();
	}

}
