package io.github.qemuembed.it.secondary;

import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.secondary.SecondaryDriverFactory;
import io.github.qemuembed.driver.secondary.StorageDriver;
import io.github.qemuembed.driver.secondary.StorageVolume;
import io.github.qemuembed.driver.internal.remote.RemoteStorageDriver;
import io.github.qemuembed.driver.internal.rpc.LibvirtClient;
import io.github.qemuembed.driver.internal.rpc.LibvirtObjectNotFoundException;
import io.github.qemuembed.driver.internal.rpc.RemoteObjects.StoragePoolRef;
import io.github.qemuembed.driver.internal.rpc.RemoteObjects.StorageVolRef;
import io.github.qemuembed.testsupport.libvirt.LibvirtContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The storage driver of a real libvirtd, over its UNIX socket and TCP. */
@Testcontainers
class RemoteStorageDriverIT {

	@Container
	static final LibvirtContainer daemon = new LibvirtContainer();

	@BeforeAll
	static void definePoolAndVolumes() {
		// set up with libvirt's own tool, read back with this project's client
		daemon.virsh("storage", "pool-define-as", "qe-pool", "dir", "--target", "/var/lib/qe-pool");
		daemon.virsh("storage", "pool-build", "qe-pool");
		daemon.virsh("storage", "pool-start", "qe-pool");
		daemon.virsh("storage", "vol-create-as", "qe-pool", "disk.qcow2", "16M", "--format", "qcow2");
		daemon.virsh("storage", "vol-create-as", "qe-pool", "data.raw", "8M", "--format", "raw");
	}

	@ParameterizedTest
	@EnumSource(Transport.class)
	void volumePathFormatAndSize(Transport transport) {
		try (StorageDriver storage = SecondaryDriverFactory.storageDriver(transport.uri(daemon, "storage"))) {
			assertThat(storage.volumePath("qe-pool", "disk.qcow2")).isEqualTo("/var/lib/qe-pool/disk.qcow2");
			StorageVolume qcow2 = storage.describeVolume("qe-pool", "disk.qcow2");
			assertThat(qcow2.format()).contains("qcow2");
			assertThat(qcow2.capacity()).contains(16L * 1024 * 1024);
			assertThat(storage.volumeFormat("qe-pool", "data.raw")).contains("raw");
		}
	}

	@ParameterizedTest
	@EnumSource(Transport.class)
	void missingPoolAndVolumeCarryLibvirtsCodes(Transport transport) {
		try (StorageDriver storage = SecondaryDriverFactory.storageDriver(transport.uri(daemon, "storage"))) {
			assertThatExceptionOfType(LibvirtObjectNotFoundException.class)
				.isThrownBy(() -> storage.volumePath("no-such-pool", "disk.qcow2"))
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.NO_STORAGE_POOL))
				.withMessageContaining("no-such-pool");
			assertThatExceptionOfType(LibvirtObjectNotFoundException.class)
				.isThrownBy(() -> storage.volumePath("qe-pool", "nope.img"))
				.satisfies((ex) -> assertThat(ex.libvirtErrorNumber()).isEqualTo(50))
				.withMessageContaining("nope.img");
		}
	}

	@ParameterizedTest
	@EnumSource(Transport.class)
	void volumeCreatedOverRpcIsSeenByVirsh(Transport transport) {
		String name = "rpc-" + UUID.randomUUID().toString().substring(0, 8) + ".img";
		try (RemoteStorageDriver storage = (RemoteStorageDriver) SecondaryDriverFactory
			.storageDriver(transport.uri(daemon, "storage"))) {
			LibvirtClient client = storage.client();
			StoragePoolRef pool = client.storagePoolLookupByName("qe-pool");
			StorageVolRef volume = client.storageVolCreate(pool, "<volume><name>" + name
					+ "</name><capacity unit='M'>4</capacity><target><format type='raw'/></target></volume>");
			assertThat(daemon.virsh("storage", "vol-path", "--pool", "qe-pool", name).strip())
				.isEqualTo("/var/lib/qe-pool/" + name)
				.isEqualTo(storage.volumePath("qe-pool", name));
			client.storageVolDelete(volume);
			assertThat(daemon.virsh("storage", "vol-list", "qe-pool")).doesNotContain(name);
		}
	}

}
