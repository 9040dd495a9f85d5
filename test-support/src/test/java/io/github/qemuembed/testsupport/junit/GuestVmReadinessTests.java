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

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainConsole;
import io.github.qemuembed.driver.error.OperationTimeoutException;
import io.github.qemuembed.testsupport.guest.TestGuest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The ready marker is found in the QEMU log when the guest printed it before the console was
 * connected, but only in the log of the current boot. The console here is a silent pipe: these
 * tests are about where {@link GuestVm} looks, the real console is covered by the guest tests.
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

	private Domain silentDomain() throws IOException {
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
					default -> throw new UnsupportedOperationException(method.getName());
				});
	}

}
