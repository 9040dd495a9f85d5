package io.github.qemuembed.sample;

import java.util.Optional;

import io.github.qemuembed.autoconfigure.secondary.QemuEmbedSecondaryDrivers;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.secondary.StorageVolume;
import io.github.qemuembed.driver.secondary.storage.EmbeddedStorageDriver;
import io.github.qemuembed.driver.secondary.storage.VolumeFormat;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The {@code overlay-demo} profile: a VM whose disk is a throw-away qcow2 overlay on a
 * shared base image in the embedded storage pool {@code demo-images} (in
 * {@code ROOT/storage/demo-images}, made here when missing; {@code qemu.embed.storage}
 * declares pools with images to import instead). The base is an empty 64 MiB qcow2 here,
 * made once; a real application imports one (see docs/spring-boot.md). Runs after the
 * declared VMs started, so the sample's own start stays as fast.
 */
@Component
@Profile("overlay-demo")
class OverlayDemo implements ApplicationRunner {

	static final String POOL = "demo-images";

	private static final Log logger = LogFactory.getLog(OverlayDemo.class);

	private static final String XML = """
			<domain type='kvm'>
			  <name>overlay-vm</name>
			  <memory unit='MiB'>64</memory>
			  <vcpu>1</vcpu>
			  <os><type arch='x86_64' machine='q35'>hvm</type></os>
			  <devices>
			    <disk type='volume' device='disk'>
			      <driver name='qemu' type='qcow2'/>
			      <source pool='demo-images' volume='overlay-vm.qcow2'/>
			      <target dev='vda' bus='virtio'/>
			    </disk>
			    <serial type='pty'/>
			    <console type='pty'/>
			  </devices>
			</domain>
			""";

	private final QemuDriver driver;

	private final EmbeddedStorageDriver storage;

	OverlayDemo(QemuDriver driver, QemuEmbedSecondaryDrivers secondary) {
		this.driver = driver;
		this.storage = secondary.storage()
			.filter(EmbeddedStorageDriver.class::isInstance)
			.map(EmbeddedStorageDriver.class::cast)
			.orElseThrow(() -> new IllegalStateException(
					"the overlay-demo profile needs " + "qemu.embed.secondary.storage=embedded"));
	}

	@Override
	public void run(ApplicationArguments args) {
		if (this.storage.listPools().stream().noneMatch((p) -> p.name().equals(POOL))) {
			this.storage.definePool("<pool type='dir'><name>" + POOL + "</name></pool>");
		}
		if (!this.storage.pool(POOL).active()) {
			this.storage.startPool(POOL);
		}
		if (!exists("base.qcow2")) {
			this.storage.createVolume(POOL, "base.qcow2", VolumeFormat.QCOW2, 64L << 20);
		}
		if (!exists("overlay-vm.qcow2")) {
			StorageVolume overlay = this.storage.createOverlay(POOL, "overlay-vm.qcow2", POOL, "base.qcow2",
					Optional.empty());
			logger.info("Overlay " + overlay.path() + " on the shared base image base.qcow2");
		}
		Domain vm = this.driver.find("overlay-vm").orElseGet(() -> this.driver.define(XML));
		if (!vm.status().isActive()) {
			vm.start();
		}
	}

	private boolean exists(String volume) {
		return this.storage.listVolumes(POOL).stream().anyMatch((v) -> v.name().equals(volume));
	}

}
