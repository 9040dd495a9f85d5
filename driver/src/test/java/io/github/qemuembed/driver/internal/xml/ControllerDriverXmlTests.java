package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code <iothreads>}/{@code <iothreadids>} and a virtio-scsi controller's
 * {@code <driver>}.
 */
class ControllerDriverXmlTests {

	static String domain(String top, String devices) {
		return "<domain type='qemu'><name>c</name><memory>65536</memory>" + top + "<os><type machine='q35'>hvm</type>"
				+ "</os><devices>" + devices + "</devices></domain>";
	}

	@Test
	void iothreadIdsAreFilledUpAsLibvirtDoes() {
		assertThat(DomainXml.parse(domain("<iothreads>3</iothreads>", "")).iothreads()).containsExactly(1, 2, 3);
		assertThat(DomainXml.parse(domain("<iothreads>3</iothreads><iothreadids><iothread id='7'/></iothreadids>", ""))
			.iothreads()).containsExactly(1, 2, 7);
		assertThat(DomainXml.parse(domain("<iothreadids><iothread id='4'/></iothreadids>", "")).iothreads())
			.containsExactly(4);
		assertThatExceptionOfType(InvalidConfigurationException.class).isThrownBy(() -> DomainXml.parse(domain(
				"<iothreads>1</iothreads><iothreadids><iothread id='1'/>" + "<iothread id='2'/></iothreadids>", "")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/iothreadids"));
	}

	@Test
	void aVirtioScsiDriverIsReadAndWrittenBack() {
		DomainDefinition def = DomainXml.parse(domain("<iothreads>2</iothreads>",
				"<controller type='scsi' index='0' "
						+ "model='virtio-scsi'><driver queues='4' iothread='2' cmd_per_lun='8' max_sectors='512' "
						+ "ioeventfd='off'/></controller>"));
		assertThat(def.devices().controllers().get(0).driver()).contains(new ControllerDriver(Optional.of(4),
				Optional.of(2), Optional.of(8), Optional.of(512), Optional.of(false)));
		assertThat(DomainXml.parse(DomainXml.write(def, true))).isEqualTo(def);
	}

	@Test
	void anUnknownIothreadOrADriverElsewhereIsRefused() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("<iothreads>1</iothreads>",
					"<controller type='scsi' " + "model='virtio-scsi'><driver iothread='2'/></controller>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/controller[1]/driver/@iothread"));
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml
				.parse(domain("", "<controller type='usb' model='qemu-xhci'><driver queues='2'/>" + "</controller>")))
			.satisfies((ex) -> assertThat(ex.path()).startsWith("/domain/devices/controller[1]/driver"));
	}

}
