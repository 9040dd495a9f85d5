package io.github.qemuembed.testsupport.junit;

import java.nio.file.Files;
import java.time.Duration;

import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.testsupport.guest.TestGuest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link TestVm} is by default a restored copy of a saved boot: each test gets a clean
 * guest (what an earlier test did in its copy is not there), under its own name and with
 * its own disks, and a test can still ask for a real boot.
 */
// a driver and root per test: the second test's root shows what was booted for it
@QemuTest(driverScope = DriverScope.PER_METHOD)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestoredTestVmTests {

	@Test
	@Order(1)
	void aTestGetsARestoredGuestAndLeavesTracesInItsCopyOnly(@TestVm(disksMiB = 4) GuestVm first) {
		assertThat(first.domain().status()).hasToString("running/restored");
		assertThat(first.name()).isEqualTo("first");
		first.runSuccessfully("echo dirty > /tmp/trace; printf written | dd of=/dev/vda conv=fsync 2>/dev/null");
		assertThat(first.runSuccessfully("cat /tmp/trace")).isEqualTo("dirty\n");
	}

	@Test
	@Order(2)
	void theNextTestGetsAFreshCopyWithItsOwnDisk(@TestVm(disksMiB = 4) GuestVm second,
			@TestVm(disksMiB = 4) GuestVm third, QemuDriver driver) throws Exception {
		// the template of this kind was booted for the first test: none booted on this
		// test's driver
		try (var logs = Files.list(driver.root().resolve("log/qemu"))) {
			assertThat(logs.map((log) -> log.getFileName().toString())).containsExactlyInAnyOrder("second.log",
					"third.log");
		}
		assertThat(second.domain().status()).hasToString("running/restored");
		assertThat(second.domain().uuid()).isNotEqualTo(third.domain().uuid());
		assertThat(second.run("cat /tmp/trace").exitCode()).isNotZero();
		// 4 MiB = 8192 sectors, and nothing written on it
		assertThat(second.runSuccessfully("cat /sys/block/vda/size").strip()).isEqualTo("8192");
		assertThat(second.runSuccessfully("dd if=/dev/vda bs=7 count=1 2>/dev/null | od -An -c").strip())
			.startsWith("\\0");
		assertThat(third.runSuccessfully("echo $((1 + 2))")).isEqualTo("3\n");
		assertThat(second.domain().xml(false)).doesNotContain(third.domain()
			.xml(false)
			.substring(third.domain().xml(false).indexOf("<source file='"),
					third.domain().xml(false).indexOf(".raw'")));
	}

	@Test
	@Order(3)
	void aRealBootStaysAvailable(@TestVm(boot = true) GuestVm booted) throws Exception {
		assertThat(booted.domain().status()).hasToString("running/booted");
		// the console stream that saw the marker and QEMU's copy into the log file are
		// two
		// writes: the file may lag the socket by a few bytes
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(Files.readString(booted.logFile())).contains(TestGuest.READY_MARKER));
	}

}
