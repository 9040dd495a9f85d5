package io.github.qemuembed.driver.secondary;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.secondary.SecondaryDriverFactory.Kind;
import io.github.qemuembed.driver.secondary.embedded.EmbeddedSecretDriver;
import io.github.qemuembed.driver.internal.remote.RemoteNetworkDriver;
import io.github.qemuembed.driver.internal.remote.RemoteSecretDriver;
import io.github.qemuembed.driver.internal.remote.RemoteStorageDriver;
import io.github.qemuembed.driver.internal.rpc.InvalidEndpointException;
import io.github.qemuembed.driver.secondary.storage.EmbeddedStorageDriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SecondaryDriverFactoryTests {

	@TempDir
	Path root;

	@Test
	void remoteDriversPerKindConnectLazily() {
		try (SecondaryDriver network = SecondaryDriverFactory.fromUri("network:///system?socket=/nonexistent",
				Kind.NETWORK);
				SecondaryDriver storage = SecondaryDriverFactory.fromUri("storage+tcp://localhost:1/system",
						Kind.STORAGE);
				SecondaryDriver secret = SecondaryDriverFactory.fromUri("secret:///system", Kind.SECRET)) {
			assertThat(network).isInstanceOf(RemoteNetworkDriver.class);
			assertThat(network.endpoint()).isEqualTo("network:///system?socket=/nonexistent");
			assertThat(storage).isInstanceOf(RemoteStorageDriver.class);
			assertThat(secret).isInstanceOf(RemoteSecretDriver.class);
		}
	}

	@Test
	void hypervisorUriIsAcceptedForSecondaryDrivers() {
		assertThat(SecondaryDriverFactory.networkDriver("qemu:///system").endpoint()).isEqualTo("qemu:///system");
	}

	@Test
	void uriOfAnotherDriverIsRefusedNamingTheDriver() {
		assertThatExceptionOfType(InvalidEndpointException.class)
			.isThrownBy(() -> SecondaryDriverFactory.fromUri("network:///system", Kind.SECRET))
			.withMessageContaining("for the secret driver")
			.withMessageContaining("secret:///system");
	}

	@Test
	void invalidUriNamesTheDriver() {
		assertThatExceptionOfType(InvalidEndpointException.class)
			.isThrownBy(() -> SecondaryDriverFactory.fromUri("storage://host/system", Kind.STORAGE))
			.withMessageContaining("(given for the storage driver)");
	}

	@Test
	void onlySecretsAndStorageCanBeEmbedded() {
		assertThatExceptionOfType(InvalidEndpointException.class)
			.isThrownBy(() -> SecondaryDriverFactory.fromUri("embedded", Kind.NETWORK))
			.withMessageContaining("for the network driver")
			.withMessageContaining("only the secret and storage drivers can be embedded");
	}

	@Test
	void embeddedStorageLivesUnderTheRoot() {
		StorageDriver driver = SecondaryDriverFactory.storageDriver("embedded", this.root, AccessPolicy.allowAll(),
				CallerSupplier.NONE);
		assertThat(driver).isInstanceOf(EmbeddedStorageDriver.class);
		assertThat(driver.endpoint()).isEqualTo("embedded");
		assertThat(this.root.resolve("etc/storage")).isDirectory();
		assertThat(this.root.resolve("run/storage")).isDirectory();
	}

	@Test
	void embeddedStorageUriNamesItsRoot() {
		Path other = this.root.resolve("other");
		StorageDriver driver = SecondaryDriverFactory.storageDriver("storage:///embed?root=" + other, this.root,
				AccessPolicy.allowAll(), CallerSupplier.NONE);
		assertThat(driver.endpoint()).isEqualTo("storage:///embed?root=" + other);
		assertThat(other.resolve("etc/storage")).isDirectory();
		assertThatExceptionOfType(InvalidEndpointException.class)
			.isThrownBy(() -> SecondaryDriverFactory.storageDriver("storage:///embed", this.root,
					AccessPolicy.allowAll(), CallerSupplier.NONE))
			.withMessageContaining("?root=DIR");
	}

	@Test
	void embeddedSecretsLiveUnderTheRoot() {
		SecretDriver driver = SecondaryDriverFactory.secretDriver("embedded", this.root, AccessPolicy.allowAll(),
				CallerSupplier.NONE);
		assertThat(driver).isInstanceOf(EmbeddedSecretDriver.class);
		assertThat(((EmbeddedSecretDriver) driver).directory()).isEqualTo(this.root.resolve("etc/secrets"));
		assertThat(driver.endpoint()).isEqualTo("embedded");
	}

	@Test
	void libvirtsEmbedUriChoosesItsOwnRoot() {
		Path other = this.root.resolve("other");
		SecretDriver driver = SecondaryDriverFactory.secretDriver("secret:///embed?root=" + other, this.root,
				AccessPolicy.allowAll(), CallerSupplier.NONE);
		assertThat(((EmbeddedSecretDriver) driver).directory()).isEqualTo(other.resolve("etc/secrets"));
		assertThatExceptionOfType(InvalidEndpointException.class)
			.isThrownBy(() -> SecondaryDriverFactory.secretDriver("secret:///embed", this.root, AccessPolicy.allowAll(),
					CallerSupplier.NONE))
			.withMessageContaining("needs ?root=DIR");
	}

	@Test
	void remoteSecretDriverFromTheSameEntryPoint() {
		assertThat(SecondaryDriverFactory.secretDriver("secret:///system", this.root, AccessPolicy.allowAll(),
				CallerSupplier.NONE))
			.isInstanceOf(RemoteSecretDriver.class);
	}

}
