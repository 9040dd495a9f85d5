package io.github.qemuembed.driver.internal.command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainXml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The passt process of {@code <backend type='passt'/>}: its command line, as libvirt
 * writes the port specifications.
 */
class UserNetForwardsTests {

	@Test
	void passtRunsInTheForegroundForOneQemuWithLibvirtsPortSpecifications() throws Exception {
		DomainDefinition def = DomainXml
			.parse(Files.readString(GoldenArgvTests.GOLDEN.resolve("q35-user-portforward.xml")));
		QemuCommand command = QemuCommandBuilder.build(def, TestCapabilities.qemu72(), GoldenArgvTests.context(def));
		assertThat(command.helpers()).singleElement().satisfies((passt) -> {
			Path socket = GoldenArgvTests.ROOT.resolve("lib/qemu/domain-1-forwards/passt1.sock");
			assertThat(passt.name()).isEqualTo("passt");
			assertThat(passt.socket()).isEqualTo(socket);
			assertThat(passt.argv()).containsExactly("passt", "--foreground", "--one-off", "--runas",
					UserNetForwards.currentUid(), "--socket", socket.toString(), "--log-file",
					GoldenArgvTests.ROOT.resolve("log/qemu/forwards-passt1.log").toString(), "--tcp-ports",
					"127.0.0.1%lo/3000-3100:4000-4100,~3050-3059", "--udp-ports", "6000");
		});
	}

	@Test
	void everyPortWhenNoRangeIsGiven() {
		DomainDefinition def = DomainXml.parse("<domain type='kvm'><name>t</name><memory>65536</memory><os><type>hvm"
				+ "</type></os><devices><interface type='user'><backend type='passt'/><portForward proto='udp' "
				+ "address='::1'/></interface></devices></domain>");
		assertThat(UserNetForwards.passtPorts(def.devices().interfaces().get(0)))
			.isEqualTo(List.of("--udp-ports", "::1/all"));
	}

	@Test
	void theUidIsThisProcesss() throws Exception {
		Process id = new ProcessBuilder("id", "-u").start();
		assertThat(UserNetForwards.currentUid()).isEqualTo(new String(id.getInputStream().readAllBytes()).strip());
	}

}
