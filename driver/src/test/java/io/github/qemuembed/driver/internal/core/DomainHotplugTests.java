package io.github.qemuembed.driver.internal.core;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.internal.command.QemuCommandBuilder.HotplugKind;
import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.InvalidOperationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainXml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Layer 1: how hot-plug fragments are read and matched, and the chardev translation (no
 * QEMU).
 */
class DomainHotplugTests {

	private final DomainDefinition definition = DomainXml.parse(GuestlessDomains.xml("frag").replace("<devices>", """
			<devices>
			  <disk type='file' device='disk'>
			    <source file='/images/a.qcow2'/><driver name='qemu' type='qcow2'/>
			    <target dev='vda' bus='virtio'/>
			  </disk>
			  <interface type='user'><mac address='52:54:00:00:00:01'/><model type='virtio'/></interface>
			"""));

	@Test
	void aFragmentIsReadByTheDomainReaderAndAppended() {
		DomainHotplug.Added added = DomainHotplug.withDevice(this.definition, """
				<disk type='file' device='disk'>
				  <driver name='qemu' type='raw'/>
				  <source file='/images/b.raw'/>
				  <target dev='vdb' bus='virtio'/>
				</disk>""");
		assertThat(added.kind()).isEqualTo(HotplugKind.DISK);
		assertThat(added.position()).isEqualTo(1);
		assertThat(added.description()).isEqualTo("disk vdb");
		assertThat(added.definition().devices().disks()).extracting((d) -> d.targetDev()).containsExactly("vda", "vdb");
		// a MAC address is generated as at define
		DomainHotplug.Added nic = DomainHotplug.withDevice(this.definition, "<interface type='user'/>");
		assertThat(nic.definition().devices().interfaces().get(1).mac()).startsWith("52:54:00:");
	}

	@Test
	void aFragmentIsHeldToTheRulesOfADefine() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainHotplug.withDevice(this.definition,
					"<disk type='file'><source file='/x'/><target dev='vda' bus='virtio'/></disk>"));
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainHotplug.withDevice(this.definition, "<sound model='ich9'/>"))
			.withMessageContaining("<sound> cannot be hot-plugged");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainHotplug.withDevice(this.definition, "<disk"))
			.withMessageContaining("invalid device XML");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainHotplug.withDevice(this.definition, " "));
	}

	@Test
	void aDetachNamesTheDeviceAsLibvirtMatchesIt() {
		DomainHotplug.Added disk = DomainHotplug.withoutDevice(this.definition, "<disk><target dev='vda'/></disk>");
		assertThat(disk.definition().devices().disks()).isEmpty();
		DomainHotplug.Added nic = DomainHotplug.withoutDevice(this.definition,
				"<interface><mac address='52:54:00:00:00:01'/></interface>");
		assertThat(nic.definition().devices().interfaces()).isEmpty();
		assertThat(nic.description()).isEqualTo("interface 52:54:00:00:00:01");
		assertThatExceptionOfType(InvalidOperationException.class)
			.isThrownBy(() -> DomainHotplug.withoutDevice(this.definition, "<channel><target name='x'/></channel>"))
			.withMessageContaining("has no <channel> with target name 'x'");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainHotplug.withoutDevice(this.definition, "<interface type='user'/>"))
			.withMessageContaining("<mac address=");
	}

	@Test
	void aChannelSocketBecomesChardevAddArguments() {
		assertThat(DomainHotplug.chardev("socket,id=charchannel1,path=/run/a,,b.sock,server=on,wait=off"))
			.hasToString("{\"id\":\"charchannel1\",\"backend\":{\"type\":\"socket\",\"data\":{\"addr\":{\"type\":"
					+ "\"unix\",\"data\":{\"path\":\"/run/a,b.sock\"}},\"server\":true,\"wait\":false}}}");
		assertThat(DomainHotplug.chardev("socket,id=c,path=/p,server=off")).hasToString(
				"{\"id\":\"c\",\"backend\":{\"type\":\"socket\",\"data\":{\"addr\":{\"type\":\"unix\",\"data\":"
						+ "{\"path\":\"/p\"}},\"server\":false}}}");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainHotplug.chardev("spicevmc,id=charchannel0,name=vdagent"))
			.withMessageContaining("only <channel type='unix'>");
	}

}
