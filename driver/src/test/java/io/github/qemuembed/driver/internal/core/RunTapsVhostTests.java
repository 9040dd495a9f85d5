package io.github.qemuembed.driver.internal.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.qemuembed.driver.error.UnsupportedConfigurationException;
import io.github.qemuembed.driver.internal.xml.InterfaceType;
import io.github.qemuembed.driver.internal.xml.NetInterface;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code <driver name='vhost'>} against the host's vhost-net device, given as a path so
 * that both answers are tested on any host.
 */
class RunTapsVhostTests {

	@TempDir
	Path dir;

	static NetInterface nic(String driverName) {
		return new NetInterface(InterfaceType.BRIDGE, "52:54:00:00:00:01", "virtio", Optional.of("br0"),
				Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(2), false, Optional.empty(),
				List.of(), Optional.ofNullable(driverName));
	}

	@Test
	void vhostNeedsTheHostsDeviceAndSaysHowToGetIt() throws Exception {
		Path missing = this.dir.resolve("vhost-net");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> RunTaps.checkVhost(nic("vhost"), "/domain/devices/interface[1]", missing))
			.withMessageContaining("/domain/devices/interface[1]/driver/@name")
			.withMessageContaining("modprobe vhost_net")
			.withMessageContaining("name='qemu'");
		assertThatCode(() -> RunTaps.checkVhost(nic("qemu"), "/i", missing)).doesNotThrowAnyException();
		assertThatCode(() -> RunTaps.checkVhost(nic(null), "/i", missing)).doesNotThrowAnyException();
		Path present = Files.createFile(missing);
		assertThatCode(() -> RunTaps.checkVhost(nic("vhost"), "/i", present)).doesNotThrowAnyException();
	}

}
