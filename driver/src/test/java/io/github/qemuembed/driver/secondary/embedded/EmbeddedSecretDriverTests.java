package io.github.qemuembed.driver.secondary.embedded;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.AccessRequest;
import io.github.qemuembed.driver.access.Caller;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.access.Permission;
import io.github.qemuembed.driver.error.AccessDeniedException;
import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.SecondaryDriverException;
import io.github.qemuembed.driver.secondary.PrivateSecretException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EmbeddedSecretDriverTests {

	private static final UUID UUID_1 = UUID.fromString("11111111-2222-3333-4444-555555555555");

	private static final UUID UUID_2 = UUID.fromString("22222222-2222-3333-4444-555555555555");

	private static final byte[] VALUE = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);

	@TempDir
	Path root;

	private EmbeddedSecretDriver driver() {
		return new EmbeddedSecretDriver(this.root, AccessPolicy.allowAll(), CallerSupplier.NONE);
	}

	private static String mode(Path path) throws Exception {
		return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
	}

	@Test
	void storesInLibvirtsLayoutWithOwnerOnlyPermissions() throws Exception {
		EmbeddedSecretDriver driver = driver();
		driver.define(SecretDefinition.forVolume(UUID_1, "/var/lib/disk.img", true));
		driver.setValue(UUID_1, VALUE);
		Path dir = this.root.resolve("etc/secrets");
		assertThat(driver.directory()).isEqualTo(dir);
		assertThat(mode(dir)).isEqualTo("rwx------");
		try (var files = Files.list(dir)) {
			assertThat(files.map((p) -> p.getFileName().toString())).containsExactlyInAnyOrder(UUID_1 + ".xml",
					UUID_1 + ".base64");
		}
		assertThat(mode(dir.resolve(UUID_1 + ".xml"))).isEqualTo("rw-------");
		assertThat(mode(dir.resolve(UUID_1 + ".base64"))).isEqualTo("rw-------");
		assertThat(Files.readString(dir.resolve(UUID_1 + ".base64")))
			.isEqualTo("Y29ycmVjdCBob3JzZSBiYXR0ZXJ5IHN0YXBsZQ==");
		assertThat(Files.readString(dir.resolve(UUID_1 + ".xml"))).isEqualTo("""
				<secret ephemeral='no' private='yes'>
				  <uuid>11111111-2222-3333-4444-555555555555</uuid>
				  <usage type='volume'>
				    <volume>/var/lib/disk.img</volume>
				  </usage>
				</secret>
				""");
	}

	@Test
	void tightensAnExistingDirectory() throws Exception {
		Path dir = Files.createDirectories(this.root.resolve("etc/secrets"));
		Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
		driver();
		assertThat(mode(dir)).isEqualTo("rwx------");
	}

	@Test
	void privateSecretIsRefusedToCallersButServesTheDriver() {
		EmbeddedSecretDriver driver = driver();
		driver.define(SecretDefinition.forVolume(UUID_1, "/disk.img", true));
		driver.setValue(UUID_1, VALUE);
		assertThatExceptionOfType(PrivateSecretException.class).isThrownBy(() -> driver.getValue(UUID_1))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_SECRET))
			.withMessageContaining("is private")
			.withMessageNotContaining("correct horse");
		assertThat(driver.secretValue(UUID_1)).isEqualTo(VALUE);
	}

	@Test
	void nonPrivateSecretIsReadable() {
		EmbeddedSecretDriver driver = driver();
		driver.define(SecretDefinition.forVolume(UUID_1, "/disk.img", false));
		driver.setValue(UUID_1, VALUE);
		assertThat(driver.getValue(UUID_1)).isEqualTo(VALUE);
	}

	@Test
	void survivesReopening() {
		EmbeddedSecretDriver first = driver();
		first.define(SecretDefinition.forVolume(UUID_1, "/disk.img", true));
		first.setValue(UUID_1, VALUE);
		EmbeddedSecretDriver second = driver();
		assertThat(second.lookup(UUID_1)).contains(SecretDefinition.forVolume(UUID_1, "/disk.img", true));
		assertThat(second.secretValue(UUID_1)).isEqualTo(VALUE);
	}

	@Test
	void ephemeralSecretsNeverTouchTheDisk() throws Exception {
		EmbeddedSecretDriver driver = driver();
		driver
			.define(new SecretDefinition(UUID_1, true, false, Optional.empty(), SecretUsageType.TLS, Optional.of("t")));
		driver.setValue(UUID_1, VALUE);
		assertThat(driver.getValue(UUID_1)).isEqualTo(VALUE);
		try (var files = Files.list(driver.directory())) {
			assertThat(files).isEmpty();
		}
		assertThat(driver().lookup(UUID_1)).isEmpty();
	}

	@Test
	void undefineRemovesBothFiles() throws Exception {
		EmbeddedSecretDriver driver = driver();
		driver.define(SecretDefinition.forVolume(UUID_1, "/disk.img", false));
		driver.setValue(UUID_1, VALUE);
		driver.undefine(UUID_1);
		try (var files = Files.list(driver.directory())) {
			assertThat(files).isEmpty();
		}
		assertThatExceptionOfType(SecondaryDriverException.class).isThrownBy(() -> driver.secretValue(UUID_1))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.NO_SECRET));
	}

	@Test
	void secretWithoutValueSaysSo() {
		EmbeddedSecretDriver driver = driver();
		driver.define(SecretDefinition.forVolume(UUID_1, "/disk.img", false));
		assertThatExceptionOfType(SecondaryDriverException.class).isThrownBy(() -> driver.secretValue(UUID_1))
			.withMessageContaining("has no value");
	}

	@Test
	void listIsSortedAndLookupByUsageWorks() {
		EmbeddedSecretDriver driver = driver();
		driver.define(SecretDefinition.forVolume(UUID_2, "/b.img", false));
		driver.define(SecretDefinition.forVolume(UUID_1, "/a.img", false));
		assertThat(driver.list()).extracting(SecretDefinition::uuid).containsExactly(UUID_1, UUID_2);
		assertThat(driver.lookupByUsage(SecretUsageType.VOLUME, "/b.img")).map(SecretDefinition::uuid).contains(UUID_2);
		assertThat(driver.lookupByUsage(SecretUsageType.CEPH, "/b.img")).isEmpty();
	}

	@Test
	void usageIsUniqueAcrossSecrets() {
		EmbeddedSecretDriver driver = driver();
		driver.define(SecretDefinition.forVolume(UUID_1, "/a.img", false));
		assertThatExceptionOfType(SecondaryDriverException.class)
			.isThrownBy(() -> driver.define(SecretDefinition.forVolume(UUID_2, "/a.img", false)))
			.withMessageContaining("already defined for use with volume /a.img");
		assertThatExceptionOfType(SecondaryDriverException.class)
			.isThrownBy(() -> driver.define(SecretDefinition.forVolume(UUID_1, "/other.img", false)))
			.withMessageContaining("already defined for use with volume /a.img");
	}

	@Test
	void privateFlagCannotBeDroppedByRedefinition() {
		EmbeddedSecretDriver driver = driver();
		driver.define(SecretDefinition.forVolume(UUID_1, "/a.img", true));
		driver.setValue(UUID_1, VALUE);
		assertThatExceptionOfType(SecondaryDriverException.class)
			.isThrownBy(() -> driver.define(SecretDefinition.forVolume(UUID_1, "/a.img", false)))
			.withMessageContaining("cannot change the private flag");
		assertThatExceptionOfType(PrivateSecretException.class).isThrownBy(() -> driver.getValue(UUID_1));
	}

	@Test
	void unreadableFilesAreSkipped() throws Exception {
		EmbeddedSecretDriver driver = driver();
		driver.define(SecretDefinition.forVolume(UUID_1, "/a.img", false));
		Files.writeString(driver.directory().resolve(UUID_2 + ".xml"), "<secret");
		assertThat(driver().list()).extracting(SecretDefinition::uuid).containsExactly(UUID_1);
	}

	@Test
	void everyPublicOperationAsksThePolicyWithTheCaller() {
		List<AccessRequest> asked = new ArrayList<>();
		Caller alice = Caller.of("alice", "ROLE_OPS");
		EmbeddedSecretDriver driver = new EmbeddedSecretDriver(this.root, (request) -> {
			asked.add(request);
			return true;
		}, () -> Optional.of(alice));
		driver.define(SecretDefinition.forVolume(UUID_1, "/a.img", false));
		driver.setValue(UUID_1, VALUE);
		driver.getValue(UUID_1);
		driver.xml(UUID_1);
		driver.lookup(UUID_1);
		driver.list();
		driver.undefine(UUID_1);
		assertThat(asked).extracting(AccessRequest::permission)
			.containsExactly(Permission.SECRET_WRITE, Permission.SECRET_SAVE, Permission.SECRET_WRITE,
					Permission.SECRET_READ_SECURE, Permission.SECRET_READ, Permission.SECRET_GETATTR,
					Permission.CONNECT_SEARCH_SECRETS, Permission.SECRET_GETATTR, Permission.SECRET_DELETE);
		assertThat(asked).allSatisfy((r) -> assertThat(r.caller()).contains(alice));
		assertThat(asked.get(0).objectName()).contains(UUID_1.toString());
	}

	@Test
	void deniedOperationsFailAndChangeNothing() throws Exception {
		EmbeddedSecretDriver owner = driver();
		owner.define(SecretDefinition.forVolume(UUID_1, "/a.img", false));
		owner.setValue(UUID_1, VALUE);
		// a reader: may see the secret, not its value, and may not change anything
		AccessPolicy readOnly = (r) -> r.permission() == Permission.SECRET_GETATTR
				|| r.permission() == Permission.SECRET_READ || r.permission() == Permission.CONNECT_SEARCH_SECRETS;
		EmbeddedSecretDriver driver = new EmbeddedSecretDriver(this.root, readOnly,
				() -> Optional.of(Caller.of("bob")));
		assertThat(driver.list()).hasSize(1);
		assertThat(driver.xml(UUID_1)).contains(UUID_1.toString());
		assertThatExceptionOfType(AccessDeniedException.class).isThrownBy(() -> driver.getValue(UUID_1))
			.withMessageContaining("secret.read_secure on secret '" + UUID_1 + "' for 'bob'");
		assertThatExceptionOfType(AccessDeniedException.class)
			.isThrownBy(() -> driver.setValue(UUID_1, new byte[] { 1 }));
		assertThatExceptionOfType(AccessDeniedException.class).isThrownBy(() -> driver.undefine(UUID_1));
		assertThatExceptionOfType(AccessDeniedException.class)
			.isThrownBy(() -> driver.define(SecretDefinition.forVolume(UUID_2, "/b.img", false)));
		assertThat(driver().secretValue(UUID_1)).isEqualTo(VALUE);
		assertThat(driver().list()).hasSize(1);
		// the driver's own path is not a public operation
		assertThat(driver.secretValue(UUID_1)).isEqualTo(VALUE);
	}

	@Test
	void listLeavesOutWhatTheCallerMayNotSee() {
		EmbeddedSecretDriver owner = driver();
		owner.define(SecretDefinition.forVolume(UUID_1, "/a.img", false));
		owner.define(SecretDefinition.forVolume(UUID_2, "/b.img", false));
		AccessPolicy onlyFirst = (r) -> r.permission() == Permission.CONNECT_SEARCH_SECRETS
				|| r.objectName().equals(Optional.of(UUID_1.toString()));
		assertThat(new EmbeddedSecretDriver(this.root, onlyFirst, CallerSupplier.NONE).list())
			.extracting(SecretDefinition::uuid)
			.containsExactly(UUID_1);
	}

}
