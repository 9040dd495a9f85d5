package io.github.qemuembed.testsupport.junit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainConsole;
import io.github.qemuembed.driver.DomainInfo;
import io.github.qemuembed.driver.DomainStatus;
import io.github.qemuembed.driver.StateReason;
import io.github.qemuembed.driver.error.OperationTimeoutException;
import io.github.qemuembed.testsupport.guest.TestGuest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The ready marker is found in the QEMU log when the guest printed it before the console
 * was connected, but only in the log of the current boot. The console here is a silent
 * pipe: these tests are about where {@link GuestVm} looks, the real console is covered by
 * the guest tests.
 */
class GuestVmReadinessTests {

	@TempDir
	Path directory;

	private final PipedOutputStream guestSide = new PipedOutputStream();

	@AfterEach
	void closeConsole() throws IOException {
		this.guestSide.close();
	}

	@Test
	void aMarkerPrintedBeforeTheConsoleConnectedIsFoundInTheLog() throws Exception {
		Path log = this.directory.resolve("vm.log");
		Files.writeString(log, "starting up\n");
		long offset = GuestVm.logSize(log);
		GuestVm vm = new GuestVm(silentDomain(), log);
		Files.writeString(log, "Linux booting\r\n" + TestGuest.READY_MARKER + "\r\n", StandardOpenOption.APPEND);

		vm.awaitReadySince(offset, Duration.ofSeconds(10));
	}

	@Test
	void aMarkerOfAnEarlierBootDoesNotCount() throws Exception {
		Path log = this.directory.resolve("vm.log");
		Files.writeString(log, TestGuest.READY_MARKER + "\r\nreboot: Power down\r\nstarting up again\n");
		long offset = GuestVm.logSize(log);
		GuestVm vm = new GuestVm(silentDomain(), log);

		assertThatExceptionOfType(OperationTimeoutException.class)
			.isThrownBy(() -> vm.awaitReadySince(offset, Duration.ofMillis(300)))
			.withMessageContaining("did not print " + TestGuest.READY_MARKER);
	}

	@Test
	void aGuestWhoseQemuExitedFailsAtOnceWithItsLog() throws Exception {
		Path log = this.directory.resolve("vm.log");
		Files.writeString(log, "qemu-system-x86_64: cannot set up guest memory 'pc.ram'\n");
		Process qemu = new ProcessBuilder("true").start();
		qemu.waitFor();
		GuestVm vm = new GuestVm(silentDomain(qemu.pid()), log);

		long start = System.nanoTime();
		assertThatExceptionOfType(OperationTimeoutException.class)
			.isThrownBy(() -> vm.awaitReadySince(0, Duration.ofMinutes(10)))
			.withMessageContaining("exited before the guest printed")
			.withMessageContaining("cannot set up guest memory");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(1));
	}

	private Domain silentDomain() throws IOException {
		return silentDomain(ProcessHandle.current().pid());
	}

	private Domain silentDomain(long qemuPid) throws IOException {
		InputStream output = new PipedInputStream(this.guestSide);
		OutputStream input = OutputStream.nullOutputStream();
		DomainConsole console = new DomainConsole() {

			@Override
			public InputStream output() {
				return output;
			}

			@Override
			public OutputStream input() {
				return input;
			}

			@Override
			public void close() throws IOException {
				output.close();
			}

		};
		return (Domain) Proxy.newProxyInstance(Domain.class.getClassLoader(), new Class<?>[] { Domain.class },
				(proxy, method, args) -> switch (method.getName()) {
					case "openConsole" -> console;
					case "name" -> "vm";
					// the "QEMU" whose guest time the wait counts
					case "info" -> new DomainInfo(DomainStatus.of(StateReason.RUNNING_BOOTED), OptionalLong.of(qemuPid),
							Optional.empty(), Duration.ZERO, 1, 0, 0, Duration.ZERO, 0, false);
					default -> throw new UnsupportedOperationException(method.getName());
				});
	}

}
