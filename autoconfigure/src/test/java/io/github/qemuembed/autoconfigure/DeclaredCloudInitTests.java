package io.github.qemuembed.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;

import io.github.qemuembed.driver.cloudinit.CloudInitSeed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code qemu.embed.domains.NAME.cloud-init.*}: the seed written under the root and
 * attached to the XML.
 */
class DeclaredCloudInitTests {

	private static final String XML = "<domain type='kvm'><name>web</name><memory>65536</memory>"
			+ "<os><type machine='q35'>hvm</type></os><devices></devices></domain>";

	@TempDir
	Path seeds;

	private static QemuEmbedProperties.DeclaredDomain declared() {
		QemuEmbedProperties.DeclaredDomain domain = new QemuEmbedProperties.DeclaredDomain();
		domain.setInlineXml(XML);
		domain.setAutostart(true);
		return domain;
	}

	@Test
	void inlineAndResourceFilesMakeASeedAttachedAsACdrom() throws Exception {
		QemuEmbedProperties.DeclaredDomain properties = declared();
		properties.getCloudInit().setInlineMetaData("instance-id: web-1\n");
		properties.getCloudInit()
			.setUserData(new ByteArrayResource("#cloud-config\n".getBytes(StandardCharsets.UTF_8)));
		DeclaredDomain domain = DeclaredDomain.of("web", properties, this.seeds);
		Path image = this.seeds.resolve("web-cidata.iso");
		assertThat(domain.xml()).contains("device='cdrom'")
			.contains(image.toString())
			.contains("<readonly/>")
			.contains("bus='scsi'");
		Process blkid = new ProcessBuilder(List.of("blkid", "-p", "-o", "export", image.toString())).start();
		assertThat(blkid.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(new String(blkid.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines())
			.contains("LABEL=cidata");
	}

	@Test
	void withoutCloudInitTheXmlIsAsDeclared() {
		assertThat(DeclaredDomain.of("web", declared(), this.seeds).xml()).isEqualTo(XML);
		assertThat(this.seeds).isEmptyDirectory();
	}

	@Test
	void bothFormsOfOneFileAreRefusedNamingTheProperties() {
		QemuEmbedProperties.DeclaredDomain properties = declared();
		properties.getCloudInit().setInlineUserData("#cloud-config\n");
		properties.getCloudInit().setUserData(new ByteArrayResource(new byte[1]));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> DeclaredDomain.of("web", properties, this.seeds))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("qemu.embed.domains.web.cloud-init.inline-user-data"))
			.withMessageContaining("qemu.embed.domains.web.cloud-init.user-data");
	}

	@Test
	void aMissingResourceIsNamed() {
		QemuEmbedProperties.DeclaredDomain properties = declared();
		properties.getCloudInit().setNetworkConfig(new FileSystemResource(this.seeds.resolve("absent.yaml")));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> DeclaredDomain.of("web", properties, this.seeds))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("qemu.embed.domains.web.cloud-init.network-config"))
			.withMessageContaining("does not exist");
	}

	@Test
	void dataOverTheSeedsLimitIsRefusedAndNoImageIsWritten() throws Exception {
		Path big = Files.write(this.seeds.resolve("big"), new byte[(int) CloudInitSeed.MAX_DATA_BYTES / 2 + 1]);
		QemuEmbedProperties.DeclaredDomain properties = declared();
		properties.getCloudInit().setUserData(new FileSystemResource(big));
		properties.getCloudInit().setVendorData(new FileSystemResource(big));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> DeclaredDomain.of("web", properties, this.seeds))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("qemu.embed.domains.web.cloud-init"))
			.withMessageContaining("too large")
			.withMessageContaining("8 MiB");
		assertThat(this.seeds.resolve("web-cidata.iso")).doesNotExist();
	}

}
