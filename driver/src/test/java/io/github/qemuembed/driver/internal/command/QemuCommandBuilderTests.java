package io.github.qemuembed.driver.internal.command;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.SecondaryDriverException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;
import io.github.qemuembed.driver.internal.capabilities.QemuCapabilities;
import io.github.qemuembed.driver.internal.xml.Disk;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class QemuCommandBuilderTests {

	static final Path PRIVATE = Path.of("/r/lib/qemu/domain-1-t");

	static DomainDefinition parse(String inDomain) {
		return DomainXml.parse("<domain type='kvm'><name>t</name><memory>65536</memory>" + inDomain + "</domain>");
	}

	static RunContext context(Accel accel) {
		return RunContext.of(accel, Path.of("/usr/bin/qemu-system-x86_64"), PRIVATE, Path.of("/r/t.pid"),
				Path.of("/r/t.log"));
	}

	static List<String> argv(String inDomain) {
		return QemuCommandBuilder.build(parse(inDomain), TestCapabilities.qemu72(), context(Accel.KVM)).argv();
	}

	@Test
	void alwaysPausedWithoutDefaultsAndWithMonitorAndPidfile() {
		List<String> argv = argv("<os><type>hvm</type></os>");
		assertThat(argv.get(0)).isEqualTo("/usr/bin/qemu-system-x86_64");
		assertThat(argv).contains("-S", "-nodefaults", "-no-user-config")
			.containsSequence("-pidfile", "/r/t.pid")
			.containsSequence("-mon", "chardev=monitor,mode=control")
			.containsSequence("-machine", "pc-i440fx-7.2,usb=off,acpi=off")
			.containsSequence("-accel", "kvm")
			.containsSequence("-display", "none")
			.doesNotContain("-no-shutdown", "-no-reboot");
	}

	@Test
	void aSnapshotOverlayIsOpenedAsItsDiskIs() {
		assertThat(QemuCommandBuilder.overlayNode(qcow2Disk("cache='none' io='native' discard='unmap'"), "snap-1",
				Path.of("/a.s1")))
			.isEqualTo("{\"driver\":\"qcow2\",\"node-name\":\"snap-1\",\"discard\":\"unmap\","
					+ "\"cache\":{\"direct\":true,\"no-flush\":false},\"file\":{\"driver\":\"file\","
					+ "\"filename\":\"/a.s1\",\"aio\":\"native\",\"discard\":\"unmap\","
					+ "\"cache\":{\"direct\":true,\"no-flush\":false}},\"backing\":null}");
		assertThat(QemuCommandBuilder.overlayNode(qcow2Disk(""), "snap-2", Path.of("/b.s1")))
			.isEqualTo("{\"driver\":\"qcow2\",\"node-name\":\"snap-2\",\"file\":{\"driver\":\"file\","
					+ "\"filename\":\"/b.s1\"},\"backing\":null}");
	}

	private static Disk qcow2Disk(String driverAttributes) {
		return parse("<os><type>hvm</type></os><devices><disk><driver name='qemu' type='qcow2' " + driverAttributes
				+ "/><source file='/a.qcow2'/><target dev='vda'/></disk></devices>")
			.devices()
			.disks()
			.get(0);
	}

	@Test
	void lifecycleActionsMapToQemuOptions() {
		assertThat(argv("<os><type>hvm</type></os><on_poweroff>preserve</on_poweroff><on_reboot>destroy</on_reboot>"))
			.contains("-no-shutdown", "-no-reboot");
	}

	@Test
	void sameInputSameArgv() {
		String xml = "<uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid><os><type machine='q35'>hvm</type></os>"
				+ "<devices><disk><source file='/a'/><target dev='vda'/></disk><interface type='user'>"
				+ "<mac address='52:54:00:01:02:03'/></interface></devices>";
		assertThat(argv(xml)).isEqualTo(argv(xml));
	}

	@Test
	void missingSecondaryFactsNameTheElement() {
		DomainDefinition volume = parse("<os><type>hvm</type></os><devices><disk type='volume'>"
				+ "<source pool='p' volume='v'/><target dev='vda'/></disk></devices>");
		assertThatExceptionOfType(SecondaryDriverException.class)
			.isThrownBy(() -> QemuCommandBuilder.build(volume, TestCapabilities.qemu72(), context(Accel.KVM)))
			.withMessageContaining("/domain/devices/disk[1]");
		DomainDefinition network = parse("<os><type>hvm</type></os><devices><interface type='network'>"
				+ "<source network='lan'/></interface></devices>");
		assertThatExceptionOfType(SecondaryDriverException.class)
			.isThrownBy(() -> QemuCommandBuilder.build(network, TestCapabilities.qemu72(), context(Accel.KVM)))
			.withMessageContaining("/domain/devices/interface[1]")
			.withMessageContaining("lan");
		UUID secret = UUID.randomUUID();
		DomainDefinition encrypted = parse("<os><type>hvm</type></os><devices><disk><source file='/a'/>"
				+ "<target dev='vda'/><encryption format='luks'><secret type='passphrase' uuid='" + secret + "'/>"
				+ "</encryption></disk></devices>");
		assertThatExceptionOfType(SecondaryDriverException.class)
			.isThrownBy(() -> QemuCommandBuilder.build(encrypted, TestCapabilities.qemu72(), context(Accel.KVM)))
			.withMessageContaining("/domain/devices/disk[1]/encryption");
		List<String> argv = QemuCommandBuilder
			.build(encrypted, TestCapabilities.qemu72(),
					context(Accel.KVM).withSecretFile(secret, PRIVATE.resolve("s.key")))
			.argv();
		assertThat(argv).anyMatch((arg) -> arg.contains("\"qom-type\":\"secret\"") && arg.contains("/s.key"));
	}

	@Test
	void refusesWhatTheEmulatorOrAcceleratorCannotDo() {
		DomainDefinition host = parse("<os><type>hvm</type></os><cpu mode='host-passthrough'/>");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> QemuCommandBuilder.build(host, TestCapabilities.qemu72(), context(Accel.TCG)))
			.withMessageContaining("KVM");
		DomainDefinition model = parse("<os><type>hvm</type></os><cpu><model>Pentium9000</model></cpu>");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> QemuCommandBuilder.build(model, TestCapabilities.qemu72(), context(Accel.TCG)))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/cpu/model"));
		DomainDefinition machine = parse("<os><type machine='pc-q35-1.0'>hvm</type></os>");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> QemuCommandBuilder.build(machine, TestCapabilities.qemu72(), context(Accel.TCG)))
			.withMessageContaining("pc-q35-7.2");
		QemuCapabilities noVsock = TestCapabilities.qemu72();
		noVsock = new QemuCapabilities(noVsock.emulator(), noVsock.version(), noVsock.machineTypes(),
				noVsock.machineAliases(), noVsock.defaultMachine(), noVsock.accelerators(),
				noVsock.deviceTypes()
					.stream()
					.filter((type) -> !type.equals("vhost-vsock-pci"))
					.collect(Collectors.toSet()),
				noVsock.objectTypes(), noVsock.cpuModels());
		DomainDefinition vsock = parse("<os><type>hvm</type></os><devices><vsock model='virtio'>"
				+ "<cid auto='no' address='3'/></vsock></devices>");
		QemuCapabilities caps = noVsock;
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> QemuCommandBuilder.build(vsock, caps, context(Accel.KVM)))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/vsock"))
			.withMessageContaining("vhost-vsock-pci");
	}

	@Test
	void vncPasswordNeedsItsFileAndNeverAppearsInArgv() {
		DomainDefinition def = parse("<os><type>hvm</type></os><devices><graphics type='vnc' passwd='pw'/></devices>");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> QemuCommandBuilder.build(def, TestCapabilities.qemu72(), context(Accel.KVM)));
		List<String> argv = QemuCommandBuilder
			.build(def, TestCapabilities.qemu72(),
					context(Accel.KVM).withVncPasswordFile(PRIVATE.resolve("vnc0.secret")))
			.argv();
		assertThat(argv).noneMatch((arg) -> arg.contains("pw,") || arg.endsWith("=pw") || arg.equals("pw"))
			.containsSequence("-vnc", "127.0.0.1:0,to=99,password-secret=vnc0-secret");
	}

	@Test
	void commasInPathsAreEscapedForKeyValueOptions() {
		List<String> argv = argv("<os><type>hvm</type></os><devices><serial type='file'>"
				+ "<source path='/var/a,b.log'/></serial></devices>");
		assertThat(argv).contains("file,id=charserial0,path=/var/a,,b.log,append=on");
	}

	@Test
	void runContextRefusesAnUnresolvedAccelerator() {
		assertThatIllegalArgumentException().isThrownBy(() -> context(Accel.AUTO));
	}

	@Test
	void qemuCommandlineArgsComeLastAndEnvIsReturned() {
		QemuCommand command = QemuCommandBuilder.build(
				DomainXml
					.parse("<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'><name>t</name>"
							+ "<memory>65536</memory><os><type>hvm</type></os><qemu:commandline><qemu:arg value='-S'/>"
							+ "<qemu:env name='A' value='1'/></qemu:commandline></domain>"),
				TestCapabilities.qemu72(), context(Accel.KVM));
		assertThat(command.argv().get(command.argv().size() - 1)).isEqualTo("-S");
		assertThat(command.env()).containsEntry("A", "1");
	}

}
