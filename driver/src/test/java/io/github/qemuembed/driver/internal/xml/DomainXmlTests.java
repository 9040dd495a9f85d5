package io.github.qemuembed.driver.internal.xml;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class DomainXmlTests {

	static String resource(String name) {
		try (InputStream in = DomainXmlTests.class.getResourceAsStream("/golden/" + name)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String minimal(String inDomain) {
		return "<domain type='kvm'><name>t</name><memory>65536</memory><os><type>hvm</type></os>" + inDomain
				+ "</domain>";
	}

	@Test
	void currentMemoryBelowMemoryNeedsTheBalloon() {
		assertThat(DomainXml.parse(minimal("<currentMemory>32768</currentMemory>")).currentMemoryKiB())
			.isEqualTo(32768);
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(
					minimal("<currentMemory>32768</currentMemory>" + "<devices><memballoon model='none'/></devices>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/currentMemory"))
			.withMessageContaining("memballoon");
		assertThat(DomainXml
			.parse(minimal("<currentMemory>65536</currentMemory>" + "<devices><memballoon model='none'/></devices>"))
			.currentMemoryKiB()).isEqualTo(65536);
	}

	@Test
	void theAgentChannelStateOfLiveXmlIsAReportNotASetting() {
		String channel = "<devices><channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0' "
				+ "state='%s'/></channel></devices>";
		DomainDefinition live = DomainXml.parse(minimal(channel.formatted("connected")));
		assertThat(live.devices().channels())
			.isEqualTo(DomainXml.parse(minimal(channel.replace(" state='%s'", ""))).devices().channels());
		assertThat(DomainXml.write(live, false)).doesNotContain("state=");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(minimal(channel.formatted("maybe"))))
			.satisfies((ex) -> assertThat(ex.path()).endsWith("/target/@state"));
	}

	@Test
	void parsesTheFullExample() {
		DomainDefinition def = DomainXml.parse(resource("q35-full.xml"));
		assertThat(def.name()).isEqualTo("full");
		assertThat(def.uuid()).isEqualTo(UUID.fromString("4dea22b3-1d52-d8f3-2516-782e98ab3fa0"));
		assertThat(def.type()).isEqualTo(DomainType.KVM);
		assertThat(def.memoryKiB()).isEqualTo(512 * 1024);
		assertThat(def.currentMemoryKiB()).isEqualTo(262144);
		assertThat(def.vcpus()).isEqualTo(4);
		assertThat(def.vcpu().online()).isEqualTo(2);
		assertThat(def.os().machine()).contains("q35");
		assertThat(def.os().boot()).containsExactly(BootDevice.HD, BootDevice.CDROM);
		assertThat(def.features()).isEqualTo(new Features(true, true, true));
		assertThat(def.cpu().get().model()).contains("qemu64");
		assertThat(def.cpu().get().features()).extracting(CpuFeature::enabled).containsExactly(true, false);
		assertThat(def.emulator()).map(Object::toString).contains("/usr/bin/qemu-system-x86_64");
		assertThat(def.devices().disks()).hasSize(3);
		assertThat(def.devices().disks().get(1).readonly()).isTrue();
		assertThat(def.devices().interfaces()).extracting(NetInterface::mac)
			.containsExactly("52:54:00:12:34:56", "52:54:00:12:34:57");
		assertThat(def.devices().graphics().get(0).passwd()).contains("s3cret");
		assertThat(def.metadata().get()).contains("<app:owner>team-a</app:owner>").contains("http://example.org/app/1");
		assertThat(def.commandline().args()).containsExactly("-msg", "timestamp=on");
		assertThat(def.commandline().env()).containsEntry("QEMU_AUDIO_DRV", "none");
		assertThat(def.title()).contains("A full machine");
		assertThat(def.description()).contains("Every supported element & more");
	}

	@Test
	void roundTripsWithSecrets() {
		DomainDefinition def = DomainXml.parse(resource("q35-full.xml"));
		String written = DomainXml.write(def, true);
		assertThat(DomainXml.parse(written)).isEqualTo(def);
		assertThat(DomainXml.write(DomainXml.parse(written), true)).isEqualTo(written);
	}

	@org.junit.jupiter.params.ParameterizedTest
	@org.junit.jupiter.params.provider.ValueSource(strings = { "q35-full.xml", "q35-uefi.xml", "q35-minimal.xml",
			"pc-kernel.xml", "pc-buses.xml", "pc-i686.xml", "q35-virt-install.xml", "libvirt-dumpxml-q35.xml",
			"q35-panic-pvpanic.xml", "pc-panic-isa.xml" })
	void everyGoldenFileRoundTrips(String name) {
		DomainDefinition def = DomainXml.parse(resource(name));
		String written = DomainXml.write(def, true);
		assertThat(DomainXml.parse(written)).isEqualTo(def);
		assertThat(DomainXml.write(DomainXml.parse(written), true)).isEqualTo(written);
	}

	@Test
	void writesSecretsOnlyOnRequest() {
		DomainDefinition def = DomainXml.parse(resource("q35-full.xml"));
		assertThat(DomainXml.write(def, false)).doesNotContain("s3cret").doesNotContain("passwd");
		assertThat(DomainXml.write(def, true)).contains("passwd='s3cret'");
		assertThat(def.toString()).doesNotContain("s3cret");
		assertThat(def.devices().graphics().get(0).toString()).doesNotContain("s3cret");
	}

	@Test
	void roundTripsAssignedAddresses() {
		DomainDefinition def = DomainXml.parse(resource("q35-full.xml")).withAssignedAddresses("pc-q35-7.2");
		assertThat(DomainXml.parse(DomainXml.write(def, true))).isEqualTo(def);
		assertThat(def.withAssignedAddresses("pc-q35-7.2")).isEqualTo(def);
	}

	@Test
	void generatesUuidAndMacWhenAbsent() {
		DomainDefinition def = DomainXml.parse(minimal("<devices><interface type='user'/></devices>"));
		assertThat(def.uuid()).isNotNull();
		assertThat(def.devices().interfaces().get(0).mac()).matches("52:54:00(:[0-9a-f]{2}){3}");
		assertThat(DomainXml.parse(DomainXml.write(def, false))).isEqualTo(def);
	}

	@Test
	void convertsEveryMemoryUnit() {
		List<Object[]> cases = List.of(new Object[] { "b", "1048576", 1024L }, new Object[] { "bytes", "1025", 2L },
				new Object[] { "KB", "1024", 1000L }, new Object[] { "k", "7", 7L }, new Object[] { "KiB", "7", 7L },
				new Object[] { "MB", "1", 977L }, new Object[] { "M", "1", 1024L }, new Object[] { "MiB", "2", 2048L },
				new Object[] { "GB", "1", 976563L }, new Object[] { "G", "1", 1048576L },
				new Object[] { "GiB", "1", 1048576L }, new Object[] { "TB", "1", 976562500L },
				new Object[] { "T", "1", 1073741824L }, new Object[] { "TiB", "2", 2147483648L });
		for (Object[] c : cases) {
			DomainDefinition def = DomainXml.parse("<domain type='qemu'><name>t</name><memory unit='" + c[0] + "'>"
					+ c[1] + "</memory><os><type>hvm</type></os></domain>");
			assertThat(def.memoryKiB()).as("%s %s", c[1], c[0]).isEqualTo(c[2]);
		}
	}

	@Test
	void refusesUnknownElementWithItsPath() {
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(minimal("<devices><disk type='file'><source file='/a'/>"
					+ "<target dev='vda'/></disk><smartcard mode='passthrough'/></devices>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/smartcard[1]"))
			.withMessageContaining("<disk>")
			.withMessageContaining("<interface>");
	}

	@Test
	void refusesUnknownAttributeWithItsPath() {
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml
				.parse(minimal("<devices><interface type='user' trustGuestRxFilters='yes'/>" + "</devices>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/interface[1]/@trustGuestRxFilters"));
	}

	@Test
	void refusesUnknownValueNamingTheSupportedOnes() {
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(minimal("<devices><interface type='vhostuser'/></devices>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/interface[1]/@type"))
			.withMessageContaining("user, network, bridge, ethernet");
	}

	@Test
	void refusesDuplicateTargets() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(minimal("<devices><disk><source file='/a'/><target dev='vda'/></disk>"
					+ "<disk><source file='/b'/><target dev='vda'/></disk></devices>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[2]/target/@dev"));
	}

	@Test
	void refusesBadNames() {
		for (String name : List.of("a/b", ".hidden", "")) {
			assertThatExceptionOfType(InvalidConfigurationException.class)
				.isThrownBy(() -> DomainXml.parse("<domain type='kvm'><name>" + name
						+ "</name><memory>1024</memory><os><type>hvm</type></os></domain>"))
				.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/name"));
		}
	}

	@Test
	void refusesMissingMemoryAndName() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse("<domain type='kvm'><name>a</name><os><type>hvm</type></os></domain>"))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/memory"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(
					() -> DomainXml.parse("<domain type='kvm'><memory>1</memory><os><type>hvm</type></os></domain>"))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/name"));
	}

	@Test
	void refusesBadMacAndUnit() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(minimal(
					"<devices><interface type='user'><mac address='01:00:00:00:00:01'/>" + "</interface></devices>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/interface[1]/mac/@address"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse("<domain type='kvm'><name>a</name><memory unit='parsec'>1</memory>"
					+ "<os><type>hvm</type></os></domain>"))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/memory/@unit"));
	}

	@Test
	void refusesDoctypeAndEntities() {
		String xxe = "<?xml version='1.0'?><!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
				+ "<domain type='kvm'><name>&x;</name><memory>1</memory><os><type>hvm</type></os></domain>";
		assertThatExceptionOfType(InvalidConfigurationException.class).isThrownBy(() -> DomainXml.parse(xxe))
			.withMessageContaining("DOCTYPE");
	}

	@Test
	void refusesHugeDocuments() {
		String huge = minimal("<description>" + "x".repeat(SecureXml.MAX_CHARS) + "</description>");
		assertThatExceptionOfType(InvalidConfigurationException.class).isThrownBy(() -> DomainXml.parse(huge))
			.withMessageContaining("characters");
	}

	@Test
	void keepsOptionalsEmptyWhenAbsent() {
		DomainDefinition def = DomainXml.parse(minimal(""));
		assertThat(def.title()).isEmpty();
		assertThat(def.emulator()).isEmpty();
		assertThat(def.onPoweroff()).isEqualTo(LifecycleAction.DESTROY);
		assertThat(def.onReboot()).isEqualTo(LifecycleAction.RESTART);
		assertThat(def.onCrash()).isEqualTo(LifecycleAction.DESTROY);
		assertThat(def.os().machine()).isEqualTo(Optional.empty());
	}

	@Test
	void refusesUnimplementedLifecycleActions() {
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(minimal("<on_crash>coredump-destroy</on_crash>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/on_crash"))
			.withMessageContaining("destroy, restart, preserve");
	}

	@Test
	void parsesPanicDevicesWithLibvirtsDefaultModel() {
		DomainDefinition def = DomainXml.parse(minimal("<devices><panic/>"
				+ "<panic model='pvpanic'><address type='pci' bus='0' slot='7'/></panic></devices>"));
		assertThat(def.devices().panics()).extracting(Panic::model).containsExactly(PanicModel.ISA, PanicModel.PVPANIC);
		assertThat(def.devices().panics().get(0).iobase()).isEqualTo(0x505);
		assertThat(def.devices().panics().get(0).address()).isEmpty();
		assertThat(def.devices().panics().get(1).pciAddress()).contains(PciAddress.of(0, 7));
		String written = DomainXml.write(def, false);
		assertThat(written).contains("<panic model='isa'/>");
		assertThat(DomainXml.parse(written)).isEqualTo(def);
		DomainDefinition isa = DomainXml
			.parse(minimal("<devices><panic model='isa'>" + "<address type='isa' iobase='0x505'/></panic></devices>"));
		assertThat(isa.devices().panics().get(0).address()).contains(new IsaAddress(0x505));
		assertThat(DomainXml.write(isa, false)).contains("<address type='isa' iobase='0x505'/>");
	}

	@Test
	void assignsAPciAddressToPvpanicOnly() {
		DomainDefinition def = DomainXml
			.parse(minimal("<devices><panic model='isa'/><panic model='pvpanic'/>" + "</devices>"))
			.withAssignedAddresses("pc-q35-7.2");
		assertThat(def.devices().panics().get(0).address()).isEmpty();
		assertThat(def.devices().panics().get(1).pciAddress()).hasValueSatisfying((address) -> {
			// conventional PCI: the root bus, not a root port
			assertThat(address.bus()).isZero();
		});
	}

	@Test
	void refusesOtherPanicModelsNamingTheSupportedOnes() {
		for (String model : List.of("hyperv", "s390", "pseries", "bogus")) {
			assertThatExceptionOfType(UnsupportedConfigurationException.class)
				.isThrownBy(() -> DomainXml.parse(minimal("<devices><panic model='" + model + "'/></devices>")))
				.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/panic[1]/@model"))
				.withMessageContaining("supported: isa, pvpanic");
		}
	}

	@Test
	void refusesWrongPanicAddressesAndDuplicates() {
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml
				.parse(minimal("<devices><panic model='isa'><address type='pci' slot='5'/>" + "</panic></devices>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/panic[1]/address/@type"))
			.withMessageContaining("supported: isa");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(minimal(
					"<devices><panic model='pvpanic'>" + "<address type='isa' iobase='0x505'/></panic></devices>")))
			.withMessageContaining("supported: pci");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(minimal("<devices><panic><address type='isa'/></panic></devices>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/panic[1]/address/@iobase"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml
				.parse(minimal("<devices><panic><address type='isa' iobase='0x10000'/>" + "</panic></devices>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/panic[1]/address/@iobase"));
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml
				.parse(minimal("<devices><panic><address type='isa' iobase='0x505' irq='5'/>" + "</panic></devices>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/panic[1]/address/@irq"));
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(minimal("<devices><panic/><panic model='isa'/></devices>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/panic[2]"))
			.withMessageContaining("only one <panic model='isa'>");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(minimal("<devices><panic model='pvpanic'><address type='pci' slot='6'/>"
					+ "</panic><rng model='virtio'><backend model='random'/><address type='pci' slot='6'/></rng>"
					+ "</devices>")))
			.withMessageContaining("PCI address 0000:00:06.0");
	}

}
