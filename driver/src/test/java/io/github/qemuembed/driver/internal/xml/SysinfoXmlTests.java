package io.github.qemuembed.driver.internal.xml;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** {@code <sysinfo type='smbios'>} and {@code <os><smbios mode>}. */
class SysinfoXmlTests {

	static final String UUID_TEXT = "c7a5fdbd-edaf-9455-926a-d65c16db1809";

	static String domain(String uuid, String sysinfo, String smbios) {
		return "<domain type='qemu'><name>s</name>" + uuid + "<memory>65536</memory>" + sysinfo + "<os><type>hvm</type>"
				+ smbios + "</os></domain>";
	}

	static final String SYSINFO = "<sysinfo type='smbios'><bios><entry name='vendor'>LENOVO</entry>"
			+ "<entry name='date'>01/01/2011</entry><entry name='release'>1.2</entry></bios>"
			+ "<system><entry name='manufacturer'>Fedora, Inc.</entry><entry name='uuid'>" + UUID_TEXT + "</entry>"
			+ "<entry name='family'>Virtual Machine</entry></system><baseBoard><entry name='asset'>A1</entry></baseBoard>"
			+ "<chassis><entry name='sku'>S1</entry></chassis><oemStrings><entry>myappname:some arbitrary data</entry>"
			+ "<entry>otherapp:more</entry></oemStrings></sysinfo>";

	@Test
	void readsTheBlocksAndWritesThemBack() {
		DomainDefinition def = DomainXml.parse(domain("", SYSINFO, "<smbios mode='sysinfo'/>"));
		Sysinfo sysinfo = def.sysinfo().get();
		assertThat(sysinfo.bios()).isEqualTo(Map.of("vendor", "LENOVO", "date", "01/01/2011", "release", "1.2"));
		assertThat(sysinfo.system()).containsEntry("manufacturer", "Fedora, Inc.").containsEntry("uuid", UUID_TEXT);
		assertThat(sysinfo.baseBoard()).isEqualTo(Map.of("asset", "A1"));
		assertThat(sysinfo.chassis()).isEqualTo(Map.of("sku", "S1"));
		assertThat(sysinfo.oemStrings()).containsExactly("myappname:some arbitrary data", "otherapp:more");
		assertThat(def.os().smbiosMode()).contains("sysinfo");
		// without <uuid> the SMBIOS one is the domain's, as in libvirt
		assertThat(def.uuid()).isEqualTo(UUID.fromString(UUID_TEXT));
		assertThat(DomainXml.parse(DomainXml.write(def, true))).isEqualTo(def);
		assertThat(DomainXml.write(def, false)).contains("<smbios mode='sysinfo'/>")
			.contains("<entry name='manufacturer'>Fedora, Inc.</entry>");
	}

	@Test
	void emulateIsQemusOwnTables() {
		DomainDefinition def = DomainXml.parse(domain("", "", "<smbios mode='emulate'/>"));
		assertThat(def.os().smbiosMode()).contains("emulate");
		assertThat(def.sysinfo()).isEmpty();
	}

	@Test
	void refusesWhatLibvirtRefusesAndSaysWhatToWriteForTheRest() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("", "", "<smbios mode='sysinfo'/>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/os/smbios/@mode"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("<uuid>" + UUID.randomUUID() + "</uuid>", SYSINFO, "")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/sysinfo/system/entry"))
			.withMessageContaining("<uuid>");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("", SYSINFO.replace("01/01/2011", "2011-01-01"), "")))
			.withMessageContaining("mm/dd/yy");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("", "", "<smbios mode='host'/>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/os/smbios/@mode"))
			.withMessageContaining("mode='sysinfo'");
		assertThatExceptionOfType(UnsupportedConfigurationException.class).isThrownBy(
				() -> DomainXml.parse(domain("", "<sysinfo type='fwcfg'><entry name='opt/a'>x</entry></sysinfo>", "")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/sysinfo/@type"));
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("",
					"<sysinfo type='smbios'><bios><entry name='colour'>x</entry>" + "</bios></sysinfo>", "")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/sysinfo/bios/entry[1]/@name"))
			.withMessageContaining("vendor");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("",
					"<sysinfo type='smbios'><processor><entry name='family'>x</entry>" + "</processor></sysinfo>", "")))
			.satisfies((ex) -> assertThat(ex.path()).startsWith("/domain/sysinfo/processor"));
	}

}
