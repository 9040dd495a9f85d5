package io.github.qemuembed.driver.secondary.storage;

import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.error.StorageException;
import io.github.qemuembed.driver.error.StorageException.Problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PoolDefinitionTests {

	private static final UUID UUID_1 = UUID.fromString("0f2d4c5e-7a58-4a34-9b8e-7d1c0a2b3c4d");

	@Test
	void readsWhatLibvirtWritesForADirPool() {
		// the shape of `virsh pool-dumpxml` for an active dir pool, sizes and permissions
		// included
		PoolDefinition pool = PoolDefinition.parse("""
				<pool type='dir'>
				  <name>images</name>
				  <uuid>0f2d4c5e-7a58-4a34-9b8e-7d1c0a2b3c4d</uuid>
				  <capacity unit='bytes'>105088212992</capacity>
				  <allocation unit='bytes'>35125235712</allocation>
				  <available unit='bytes'>69962977280</available>
				  <source>
				  </source>
				  <target>
				    <path>/srv/images</path>
				    <permissions>
				      <mode>0711</mode>
				    </permissions>
				  </target>
				</pool>
				""", (name) -> Path.of("/unused"));
		assertThat(pool).isEqualTo(new PoolDefinition("images", UUID_1, Path.of("/srv/images"), Optional.of("0711")));
	}

	@Test
	void writesLibvirtsShapeAndReadsItBack() {
		PoolDefinition pool = new PoolDefinition("images", UUID_1, Path.of("/srv/images"), Optional.empty());
		String xml = pool.toXml(0, 0, 0);
		assertThat(xml).isEqualTo("""
				<pool type='dir'>
				  <name>images</name>
				  <uuid>0f2d4c5e-7a58-4a34-9b8e-7d1c0a2b3c4d</uuid>
				  <capacity unit='bytes'>0</capacity>
				  <allocation unit='bytes'>0</allocation>
				  <available unit='bytes'>0</available>
				  <source>
				  </source>
				  <target>
				    <path>/srv/images</path>
				  </target>
				</pool>
				""");
		assertThat(PoolDefinition.parse(xml, (name) -> Path.of("/unused"))).isEqualTo(pool);
	}

	@Test
	void withoutATargetThePoolLivesWhereTheDriverSays() {
		PoolDefinition pool = PoolDefinition.parse("<pool type='dir'><name>p1</name></pool>",
				(name) -> Path.of("/root-dir/storage", name));
		assertThat(pool.target()).isEqualTo(Path.of("/root-dir/storage/p1"));
		assertThat(pool.uuid()).isNotNull();
	}

	@Test
	void refusesOtherPoolTypes() {
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> PoolDefinition.parse("<pool type='logical'><name>vg</name></pool>", (n) -> Path.of("/x")))
			.withMessageContaining("pool type 'logical'")
			.withMessageContaining("<pool type='dir'>");
	}

	@Test
	void refusesWhatItDoesNotActOnNamingTheElement() {
		assertThatExceptionOfType(StorageException.class).isThrownBy(() -> PoolDefinition.parse(
				"<pool type='dir'><name>p</name><target><path>/x</path><encryption/></target></pool>",
				(n) -> Path.of("/x")))
			.withMessageContaining("/pool/target/encryption");
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> PoolDefinition
				.parse("<pool type='dir'><name>p</name><target><path>/x</path><permissions><owner>107</owner>"
						+ "</permissions></target></pool>", (n) -> Path.of("/x")))
			.withMessageContaining("/pool/target/permissions/owner");
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> PoolDefinition
				.parse("<pool type='dir'><name>p</name><source><dir path='/x'/></source></pool>", (n) -> Path.of("/x")))
			.withMessageContaining("/pool/source/dir");
	}

	@Test
	void refusesBadNamesPathsAndXml() {
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> PoolDefinition.parse("<pool type='dir'><name>../etc</name></pool>", (n) -> Path.of("/x")))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.INVALID_NAME));
		assertThatExceptionOfType(StorageException.class).isThrownBy(() -> PoolDefinition.parse(
				"<pool type='dir'><name>p</name><target><path>relative/dir</path></target></pool>",
				(n) -> Path.of("/x")))
			.withMessageContaining("absolute");
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> PoolDefinition.parse("<pool type='dir'><name>p", (n) -> Path.of("/x")))
			.withMessageContaining("invalid pool XML");
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> PoolDefinition.parse("<!DOCTYPE pool [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
					+ "<pool type='dir'><name>&x;</name></pool>", (n) -> Path.of("/x")))
			.withMessageContaining("invalid pool XML");
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> PoolDefinition.parse("<pool type='dir'/>", (n) -> Path.of("/x")))
			.withMessageContaining("/pool/name is missing");
	}

}
