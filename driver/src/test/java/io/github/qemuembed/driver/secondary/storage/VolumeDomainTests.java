package io.github.qemuembed.driver.secondary.storage;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.SecondaryDriverException;
import io.github.qemuembed.driver.error.StorageException;
import io.github.qemuembed.driver.error.StorageException.Problem;
import io.github.qemuembed.driver.secondary.SecondaryDrivers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** {@code <disk type='volume'>} against the embedded storage driver, with real QEMU. */
class VolumeDomainTests {

	private Path root;

	private EmbeddedStorageDriver storage;

	private QemuDriver driver;

	@BeforeEach
	void open() throws Exception {
		this.root = GuestlessDomains.newRoot();
		this.storage = EmbeddedStorageDriver.open(this.root, AccessPolicy.allowAll(), CallerSupplier.NONE);
		this.driver = QemuDriver.open(GuestlessDomains.config(this.root)
			.secondary(new SecondaryDrivers(Optional.empty(), Optional.of(this.storage), Optional.empty()))
			.build());
		this.storage.definePool("<pool type='dir'><name>images</name></pool>");
		this.storage.startPool("images");
	}

	@AfterEach
	void close() throws Exception {
		try {
			this.driver.close();
		}
		finally {
			GuestlessDomains.deleteTree(this.root);
		}
	}

	@Test
	void aDomainStartsWithAnOverlayVolumeAndHoldsItAndItsBase() {
		this.storage.createVolume("images", "base.qcow2", VolumeFormat.QCOW2, 64L << 20);
		this.storage.createOverlay("images", "vm1.qcow2", "images", "base.qcow2", Optional.empty());
		Domain domain = this.driver.define(withVolumeDisk("vol-vm", "vm1.qcow2"));
		domain.start();
		assertThat(domain.status().state()).isEqualTo(DomainState.RUNNING);

		String blocks = domain.qmp("{\"execute\": \"query-named-block-nodes\", \"arguments\": {\"flat\": true}}");
		Path overlay = this.root.resolve("storage/images/vm1.qcow2");
		Path base = this.root.resolve("storage/images/base.qcow2");
		assertThat(blocks).contains("\"file\":\"" + overlay + "\"").contains("\"file\":\"" + base + "\"");

		for (String volume : new String[] { "vm1.qcow2", "base.qcow2" }) {
			assertThatExceptionOfType(StorageException.class)
				.isThrownBy(() -> this.storage.deleteVolume("images", volume))
				.withMessageContaining("running domain 'vol-vm' has it open")
				.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.VOLUME_IN_USE));
		}
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> this.storage.resizeVolume("images", "vm1.qcow2", 128L << 20))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.VOLUME_IN_USE));
		assertThat(overlay).exists();

		domain.destroy();
		this.storage.deleteVolume("images", "vm1.qcow2");
		this.storage.deleteVolume("images", "base.qcow2");
		assertThat(this.root.resolve("storage/images")).isEmptyDirectory();
	}

	@Test
	void aMissingVolumeStopsTheStartWithTheDiskNamed() {
		Domain domain = this.driver.define(withVolumeDisk("no-vol", "absent.qcow2"));
		assertThatExceptionOfType(SecondaryDriverException.class).isThrownBy(domain::start)
			.withMessageContaining("<disk type='volume'> at /domain/devices/disk[1]")
			.withMessageContaining("no volume 'absent.qcow2' in pool 'images'")
			.satisfies((ex) -> {
				assertThat(ex.code()).isEqualTo(ErrorCode.NO_STORAGE_VOL);
				assertThat(ex.getCause()).isInstanceOf(StorageException.class);
			});
		assertThat(domain.status().state()).isEqualTo(DomainState.SHUTOFF);
	}

	private static String withVolumeDisk(String name, String volume) {
		return GuestlessDomains.xml(name).replace("<devices>", """
				<devices>
				    <disk type='volume' device='disk'>
				      <driver name='qemu' type='qcow2'/>
				      <source pool='images' volume='%s'/>
				      <target dev='vda' bus='virtio'/>
				    </disk>
				""".formatted(volume));
	}

}
