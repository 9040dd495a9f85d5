package io.github.qemuembed.driver.secondary.embedded;

import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.error.InvalidConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SecretDefinitionTests {

	private static final UUID UUID_1 = UUID.fromString("aaaaaaaa-2222-3333-4444-555555555555");

	@Test
	void parsesWhatLibvirtWrites() {
		// verbatim the file libvirt 9.0 wrote for `virsh -c secret:///embed?root=…
		// secret-define`
		String xml = """
				<secret ephemeral='no' private='yes'>
				  <uuid>aaaaaaaa-2222-3333-4444-555555555555</uuid>
				  <usage type='volume'>
				    <volume>/x/y.img</volume>
				  </usage>
				</secret>""";
		SecretDefinition definition = SecretDefinition.parse(xml);
		assertThat(definition).isEqualTo(new SecretDefinition(UUID_1, false, true, Optional.empty(),
				SecretUsageType.VOLUME, Optional.of("/x/y.img")));
	}

	@Test
	void formatsLikeLibvirt() {
		SecretDefinition definition = new SecretDefinition(UUID_1, false, false, Optional.of("disk <1> & 'key'"),
				SecretUsageType.CEPH, Optional.of("client.admin"));
		assertThat(definition.toXml()).isEqualTo("""
				<secret ephemeral='no' private='no'>
				  <uuid>aaaaaaaa-2222-3333-4444-555555555555</uuid>
				  <description>disk &lt;1&gt; &amp; &apos;key&apos;</description>
				  <usage type='ceph'>
				    <name>client.admin</name>
				  </usage>
				</secret>
				""");
		assertThat(SecretDefinition.parse(definition.toXml())).isEqualTo(definition);
	}

	@Test
	void everyUsageTypeRoundTrips() {
		for (SecretUsageType type : SecretUsageType.values()) {
			Optional<String> id = (type == SecretUsageType.NONE) ? Optional.empty() : Optional.of("id-" + type);
			SecretDefinition definition = new SecretDefinition(UUID.randomUUID(), true, false, Optional.empty(), type,
					id);
			assertThat(SecretDefinition.parse(definition.toXml())).isEqualTo(definition);
		}
		assertThat(new SecretDefinition(UUID_1, false, false, Optional.empty(), SecretUsageType.ISCSI,
				Optional.of("iqn.x"))
			.toXml()).contains("<usage type='iscsi'>", "<target>iqn.x</target>");
	}

	@Test
	void missingUuidGetsARandomOne() {
		assertThat(SecretDefinition.parse("<secret/>").uuid()).isNotNull();
	}

	@Test
	void errorsNameThePath() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> SecretDefinition.parse("<secret private='maybe'/>"))
			.withMessageStartingWith("/secret/@private: invalid value 'maybe'");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> SecretDefinition.parse("<secret><usage type='volume'/></secret>"))
			.withMessageStartingWith("/secret/usage/volume:");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> SecretDefinition.parse("<secret><usage type='disk'><name>x</name></usage></secret>"))
			.withMessageContaining("unknown secret usage type 'disk'");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> SecretDefinition.parse("<secret><uuid>nope</uuid></secret>"))
			.withMessageStartingWith("/secret/uuid: malformed UUID");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> SecretDefinition.parse("<domain/>"))
			.withMessageContaining("expected a <secret> element");
	}

	@Test
	void doctypesAreRefused() {
		String xxe = "<?xml version='1.0'?><!DOCTYPE secret [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
				+ "<secret><description>&x;</description></secret>";
		assertThatExceptionOfType(InvalidConfigurationException.class).isThrownBy(() -> SecretDefinition.parse(xxe))
			.withMessageContaining("DOCTYPE");
	}

}
