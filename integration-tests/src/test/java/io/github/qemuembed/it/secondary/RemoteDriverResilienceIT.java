package io.github.qemuembed.it.secondary;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.SecondaryDriverException;
import io.github.qemuembed.driver.secondary.SecondaryDriverFactory;
import io.github.qemuembed.driver.secondary.SecondaryDriverFactory.Kind;
import io.github.qemuembed.driver.secondary.StorageDriver;
import io.github.qemuembed.driver.internal.remote.RemoteStorageDriver;
import io.github.qemuembed.driver.internal.rpc.RemoteTimeoutException;
import io.github.qemuembed.driver.secondary.RemoteOptions;
import io.github.qemuembed.testsupport.libvirt.LibvirtContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A real daemon that goes away, freezes, comes back, or is not where the configuration
 * says: the errors name the endpoint and the setting, and the drivers recover on their
 * own. One container per test, since the tests stop and freeze it.
 */
class RemoteDriverResilienceIT {

	private LibvirtContainer daemon;

	@BeforeEach
	void startDaemon() {
		this.daemon = new LibvirtContainer();
		this.daemon.start();
		this.daemon.virsh("storage", "pool-define-as", "p", "dir", "--target", "/var/lib/p");
		this.daemon.virsh("storage", "pool-build", "p");
		this.daemon.virsh("storage", "pool-start", "p");
		this.daemon.virsh("storage", "pool-autostart", "p");
		this.daemon.virsh("storage", "vol-create-as", "p", "v.img", "1M");
	}

	@AfterEach
	void removeDaemon() {
		this.daemon.stop();
	}

	private StorageDriver storage(Transport transport, Duration callTimeout) {
		RemoteOptions options = RemoteOptions.defaults().withCallTimeout(callTimeout);
		return (StorageDriver) SecondaryDriverFactory.fromUri(transport.uri(this.daemon, "storage"), Kind.STORAGE,
				options);
	}

	@ParameterizedTest
	@EnumSource(Transport.class)
	void daemonStoppedMidRunFailsClearlyThenRecoversAfterRestart(Transport transport) {
		try (StorageDriver storage = storage(transport, Duration.ofSeconds(10))) {
			assertThat(storage.volumePath("p", "v.img")).isEqualTo("/var/lib/p/v.img");
			this.daemon.stopDaemon();
			String endpoint = transport.uri(this.daemon, "storage");
			assertThatExceptionOfType(SecondaryDriverException.class).isThrownBy(() -> storage.volumePath("p", "v.img"))
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.NO_CONNECT))
				.withMessageContaining(endpoint)
				.withMessageContaining("give the storage driver the URI of one that runs");
			assertThatExceptionOfType(SecondaryDriverException.class).isThrownBy(storage::ping)
				.withMessageContaining(endpoint);
			this.daemon.startDaemon();
			// the pool is autostarted with the daemon: same answer, over a new connection
			assertThat(storage.volumePath("p", "v.img")).isEqualTo("/var/lib/p/v.img");
			assertThat(((RemoteStorageDriver) storage).client().rpc().connectionCount()).isGreaterThanOrEqualTo(2);
		}
	}

	@ParameterizedTest
	@EnumSource(Transport.class)
	void frozenDaemonTimesOutThenRecovers(Transport transport) {
		try (StorageDriver storage = storage(transport, Duration.ofSeconds(2))) {
			storage.ping();
			this.daemon.pauseDaemon();
			try {
				assertThatExceptionOfType(RemoteTimeoutException.class)
					.isThrownBy(() -> storage.volumePath("p", "v.img"))
					.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.OPERATION_TIMEOUT))
					.withMessageContaining(transport.uri(this.daemon, "storage"))
					.withMessageContaining("within 2000 ms");
			}
			finally {
				this.daemon.unpauseDaemon();
			}
			assertThat(storage.volumePath("p", "v.img")).isEqualTo("/var/lib/p/v.img");
		}
	}

	@ParameterizedTest
	@EnumSource(Transport.class)
	void keepaliveIsAnsweredSoIdleConnectionsSurvive(Transport transport) throws Exception {
		// the daemon pings every second and drops a client after two unanswered pings
		try (RemoteStorageDriver storage = (RemoteStorageDriver) storage(transport, Duration.ofSeconds(10))) {
			storage.ping();
			// idle while the daemon pings: it would have dropped the connection after two
			// unanswered pings
			await().atMost(Duration.ofSeconds(15)).until(() -> storage.client().rpc().keepalivesAnswered() >= 4);
			assertThat(storage.volumePath("p", "v.img")).isEqualTo("/var/lib/p/v.img");
			assertThat(storage.client().rpc().connectionCount()).isEqualTo(1);
		}
	}

	@Test
	void wrongSocketPathNamesTheEndpointAndTheDriver() throws Exception {
		Path wrong = this.daemon.runDirectory().resolve("no-such-sock");
		assertThat(Files.exists(wrong)).isFalse();
		String uri = "storage:///system?socket=" + wrong;
		try (StorageDriver storage = SecondaryDriverFactory.storageDriver(uri)) {
			assertThatExceptionOfType(SecondaryDriverException.class).isThrownBy(() -> storage.volumePath("p", "v.img"))
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.NO_CONNECT))
				.withMessageContaining("Cannot connect to the storage driver at " + uri)
				.withMessageContaining("UNIX socket " + wrong)
				.withMessageContaining("give the storage driver the URI of one that runs");
		}
		// the right socket, for contrast
		try (StorageDriver storage = SecondaryDriverFactory.storageDriver(this.daemon.unixUri("storage"))) {
			assertThat(storage.volumePath("p", "v.img")).isEqualTo("/var/lib/p/v.img");
		}
	}

}
