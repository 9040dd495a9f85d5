package io.github.qemuembed.autoconfigure.secondary;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.github.qemuembed.autoconfigure.FailureAnalysisSupport;
import io.github.qemuembed.autoconfigure.QemuDriverConfigCustomizer;
import io.github.qemuembed.autoconfigure.QemuEmbedRoot;
import io.github.qemuembed.driver.DriverConfig;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.SecondaryDriverException;
import io.github.qemuembed.driver.internal.fs.FileTrees;
import io.github.qemuembed.driver.internal.remote.RemoteNetworkDriver;
import io.github.qemuembed.driver.internal.remote.RemoteSecretDriver;
import io.github.qemuembed.driver.internal.remote.RemoteStorageDriver;
import io.github.qemuembed.driver.secondary.ChainedSecretDriver;
import io.github.qemuembed.driver.secondary.SecondaryDrivers;
import io.github.qemuembed.driver.secondary.StaticSecretDriver;
import io.github.qemuembed.driver.secondary.embedded.EmbeddedSecretDriver;
import io.github.qemuembed.driver.secondary.embedded.SecretDefinition;
import io.github.qemuembed.driver.secondary.storage.EmbeddedStorageDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Wiring of {@link QemuEmbedSecondaryAutoConfiguration}: properties, connection details,
 * secrets from properties, back-off, and the failure analysis of bad values. The root and
 * policy the real auto-configuration would supply are given as beans, so no driver (and
 * no QEMU) is involved; the drivers are handed to a {@link DriverConfig} through the
 * customizer bean as the driver bean does.
 */
class QemuEmbedSecondaryAutoConfigurationTests {

	private static final UUID LUKS = UUID.fromString("6f1d7c2e-0b5a-4c39-9d8e-2a4b6c8d0e1f");

	private static final UUID BINARY = UUID.fromString("0c0ffee0-1111-4222-8333-944445555666");

	private Path root;

	private ApplicationContextRunner runner;

	@BeforeEach
	void runner() throws IOException {
		this.root = Files.createTempDirectory(Path.of("/tmp"), "qe");
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(QemuEmbedSecondaryAutoConfiguration.class))
			.withBean(QemuEmbedRoot.class, () -> QemuEmbedRoot.persistent(this.root))
			.withBean(AccessPolicy.class, AccessPolicy::allowAll);
	}

	@AfterEach
	void deleteRoot() throws IOException {
		FileTrees.deleteQuietly(this.root);
	}

	private static SecondaryDrivers configuredDrivers(ApplicationContext context, Path root) {
		DriverConfig.Builder builder = DriverConfig.builder(root).accessPolicy(AccessPolicy.allowAll());
		context.getBeanProvider(QemuDriverConfigCustomizer.class).orderedStream().forEach((c) -> c.customize(builder));
		return builder.build().secondary();
	}

	@Test
	void withoutSettingsNoSecondaryDriverIsConfigured() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(PropertiesLibvirtConnectionDetails.class);
			assertThat(context.getBean(QemuEmbedSecondaryDrivers.class).configured()).isEmpty();
			assertThat(configuredDrivers(context, this.root)).isEqualTo(SecondaryDrivers.none());
		});
	}

	@Test
	void urisFromPropertiesBecomeRemoteDriversOfTheDriverConfig() {
		this.runner
			.withPropertyValues("qemu.embed.secondary.network=network:///system?socket=/tmp/qe-none/libvirt-sock",
					"qemu.embed.secondary.storage=storage+tcp://localhost:16509/system",
					"qemu.embed.secondary.secret=secret:///system", "qemu.embed.secondary.connect-timeout=2s",
					"qemu.embed.secondary.timeout=7s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				QemuEmbedSecondaryProperties properties = context.getBean(QemuEmbedSecondaryProperties.class);
				assertThat(properties.getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(properties.getTimeout()).isEqualTo(Duration.ofSeconds(7));
				SecondaryDrivers drivers = configuredDrivers(context, this.root);
				assertThat(drivers.network()).get()
					.isInstanceOf(RemoteNetworkDriver.class)
					.extracting((d) -> d.endpoint())
					.isEqualTo("network:///system?socket=/tmp/qe-none/libvirt-sock");
				assertThat(drivers.storage()).get()
					.isInstanceOf(RemoteStorageDriver.class)
					.extracting((d) -> d.endpoint())
					.isEqualTo("storage+tcp://localhost:16509/system");
				assertThat(drivers.secret()).get().isInstanceOf(RemoteSecretDriver.class);
				assertThat(context.getBean(QemuEmbedSecondaryDrivers.class).configured()).containsOnlyKeys("network",
						"storage", "secret");
			});
	}

	@Test
	void embeddedSecretDriverKeepsItsSecretsUnderTheRoot() {
		this.runner.withPropertyValues("qemu.embed.secondary.secret=embedded").run((context) -> {
			assertThat(context).hasNotFailed();
			EmbeddedSecretDriver secrets = (EmbeddedSecretDriver) configuredDrivers(context, this.root).secret().get();
			secrets.define(SecretDefinition.forVolume(LUKS, "/tmp/x.luks", true));
			assertThat(this.root.resolve("etc/secrets/" + LUKS + ".xml")).exists();
		});
	}

	@Test
	void embeddedStorageDriverKeepsItsPoolsUnderTheRoot() {
		this.runner.withPropertyValues("qemu.embed.secondary.storage=embedded").run((context) -> {
			assertThat(context).hasNotFailed();
			EmbeddedStorageDriver storage = (EmbeddedStorageDriver) configuredDrivers(context, this.root).storage()
				.get();
			storage.definePool("<pool type='dir'><name>images</name></pool>");
			assertThat(this.root.resolve("etc/storage/images.xml")).exists();
			assertThat(storage.pool("images").target()).isEqualTo(this.root.resolve("storage/images"));
		});
	}

	@Test
	void storagePoolsAndBaseImagesAreReadyBeforeTheDriver() throws Exception {
		Path source = Files.write(this.root.resolve("base.img"), "a tiny raw base image".repeat(100).getBytes());
		String sha256 = HexFormat.of()
			.formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(source)));
		String[] properties = { "qemu.embed.secondary.storage=embedded",
				"qemu.embed.storage.pools.images.volumes[base.img].source=" + source,
				"qemu.embed.storage.pools.images.volumes[base.img].sha256=" + sha256,
				"qemu.embed.storage.pools.images.volumes[base.img].format=raw" };
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasNotFailed();
			EmbeddedStorageDriver storage = (EmbeddedStorageDriver) configuredDrivers(context, this.root).storage()
				.get();
			assertThat(storage.pool("images").autostart()).isTrue();
			assertThat(storage.describeVolume("images", "base.img").format()).hasValue("raw");
		});
		Path imported = this.root.resolve("storage/images/base.img");
		assertThat(imported).hasSameBinaryContentAs(source);
		// a later start keeps the volume it has: no second import (the changed source is
		// not read)
		Files.writeString(source, "changed");
		this.runner.withPropertyValues(properties).run((context) -> assertThat(context).hasNotFailed());
		assertThat(Files.size(imported)).isEqualTo(2100);
	}

	@Test
	void aBaseImageWithTheWrongChecksumStopsTheStartNamingTheKey() throws Exception {
		Path source = Files.writeString(this.root.resolve("base.img"), "not what was expected");
		this.runner
			.withPropertyValues("qemu.embed.secondary.storage=embedded",
					"qemu.embed.storage.pools.images.volumes[base.img].source=" + source,
					"qemu.embed.storage.pools.images.volumes[base.img].sha256=" + "ab".repeat(32))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(analysis(context.getStartupFailure()))
					.contains("qemu.embed.storage.pools.images.volumes[base.img]")
					.contains("not the expected " + "ab".repeat(32))
					.doesNotContain("check qemu.embed.secondary");
			});
		assertThat(this.root.resolve("storage/images")).isEmptyDirectory();
	}

	@Test
	void storagePoolsNeedTheEmbeddedStorageDriver() {
		this.runner
			.withPropertyValues("qemu.embed.secondary.storage=storage:///system",
					"qemu.embed.storage.pools.images.volumes[x.img].source=/nonexistent")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(analysis(context.getStartupFailure())).contains("'qemu.embed.storage.pools'")
					.contains("'storage:///system'")
					.contains("set qemu.embed.secondary.storage=embedded");
			});
	}

	@Test
	void secretsFromPropertiesAloneMakeTheSecretDriver() {
		byte[] binary = { 0, 1, 2, (byte) 0xff };
		this.runner
			.withPropertyValues("qemu.embed.secrets." + LUKS + ".value=correct horse",
					"qemu.embed.secrets." + BINARY + ".base64=" + Base64.getEncoder().encodeToString(binary))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				StaticSecretDriver secrets = (StaticSecretDriver) configuredDrivers(context, this.root).secret().get();
				assertThat(secrets.endpoint()).isEqualTo("properties");
				assertThat(secrets.secretValue(LUKS)).isEqualTo("correct horse".getBytes(StandardCharsets.UTF_8));
				assertThat(secrets.secretValue(BINARY)).isEqualTo(binary);
				assertThat(context.getBean(QemuEmbedSecretsProperties.class).getSecrets().get(LUKS.toString()))
					.hasToString("Secret[******]");
			});
	}

	@Test
	void secretsFromPropertiesComeBeforeTheConfiguredDriver() {
		this.runner
			.withPropertyValues("qemu.embed.secondary.secret=embedded", "qemu.embed.secrets." + LUKS + ".value=pw")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ChainedSecretDriver chain = (ChainedSecretDriver) configuredDrivers(context, this.root).secret().get();
				assertThat(chain.drivers()).hasSize(2);
				assertThat(chain.drivers().get(0)).isInstanceOf(StaticSecretDriver.class);
				assertThat(chain.drivers().get(1)).isInstanceOf(EmbeddedSecretDriver.class);
				assertThat(chain.endpoint()).isEqualTo("properties, embedded");
				assertThat(chain.secretValue(LUKS)).isEqualTo("pw".getBytes(StandardCharsets.UTF_8));
				// not in the properties: the embedded driver is asked, and it has no such
				// secret either
				assertThatExceptionOfType(SecondaryDriverException.class).isThrownBy(() -> chain.secretValue(BINARY))
					.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.NO_SECRET));
			});
	}

	@Test
	void secretsFromEnvironmentVariablesUseTheUuidWithoutDashes() {
		String hex = LUKS.toString().replace("-", "").toUpperCase();
		this.runner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			// named like Boot's, so that the binder maps the variable names the way it
			// does for the real one
			.addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment",
					Map.of("QEMU_EMBED_SECRETS_" + hex + "_VALUE", "from-env",
							"QEMU_EMBED_SECRETS_" + BINARY.toString().replace("-", "") + "_BASE64", "AAEC/w=="))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				StaticSecretDriver secrets = (StaticSecretDriver) configuredDrivers(context, this.root).secret().get();
				assertThat(secrets.uuids()).containsExactlyInAnyOrder(LUKS, BINARY);
				assertThat(secrets.secretValue(LUKS)).isEqualTo("from-env".getBytes(StandardCharsets.UTF_8));
				assertThat(secrets.secretValue(BINARY)).isEqualTo(new byte[] { 0, 1, 2, (byte) 0xff });
			});
	}

	@Test
	void keyThatIsNotAUuidFailsNamingItAndNeverTheValue() {
		this.runner.withPropertyValues("qemu.embed.secrets.disk-one.value=hunter2").run((context) -> {
			assertThat(context).hasFailed();
			String text = analysis(context.getStartupFailure());
			assertThat(text).contains("'qemu.embed.secrets.disk-one' is not keyed by a UUID")
				.contains("32 hex digits")
				.doesNotContain("hunter2");
			assertThat(stackText(context.getStartupFailure())).doesNotContain("hunter2");
		});
	}

	@Test
	void sameUuidTwiceFails() {
		this.runner
			.withPropertyValues("qemu.embed.secrets." + LUKS + ".value=a",
					"qemu.embed.secrets." + LUKS.toString().replace("-", "") + ".value=b")
			.run((context) -> assertThat(analysis(context.getStartupFailure()))
				.contains("names secret " + LUKS + " again"));
	}

	@Test
	void invalidBase64FailsWithTheKeyAndNeverTheValue() {
		this.runner.withPropertyValues("qemu.embed.secrets." + LUKS + ".base64=s3cr3t!not*base64").run((context) -> {
			assertThat(context).hasFailed();
			String text = analysis(context.getStartupFailure());
			assertThat(text).contains("qemu.embed.secrets." + LUKS + ".base64")
				.contains("not valid base64")
				.doesNotContain("s3cr3t")
				.doesNotContain("*");
			assertThat(stackText(context.getStartupFailure())).doesNotContain("s3cr3t");
		});
	}

	@Test
	void valueAndBase64TogetherFailNamingTheKey() {
		this.runner
			.withPropertyValues("qemu.embed.secrets." + LUKS + ".value=hunter2",
					"qemu.embed.secrets." + LUKS + ".base64=aHVudGVyMg==")
			.run((context) -> {
				assertThat(context).hasFailed();
				String text = analysis(context.getStartupFailure());
				assertThat(text).contains("'qemu.embed.secrets." + LUKS + "' has both 'value' and 'base64'")
					.doesNotContain("hunter2")
					.doesNotContain("aHVudGVyMg");
			});
	}

	@Test
	void uriOfTheWrongDriverFailsWithTheKeyToChange() {
		this.runner.withPropertyValues("qemu.embed.secondary.network=storage:///system").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = FailureAnalysisSupport.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("storage:///system").contains("network driver");
			assertThat(analysis.getAction()).startsWith("Change 'qemu.embed.secondary.network' to a usable endpoint")
				.contains("network:///system");
		});
	}

	@Test
	void onlySecretsAndStorageMayBeEmbedded() {
		this.runner.withPropertyValues("qemu.embed.secondary.network=embedded").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(analysis(context.getStartupFailure())).contains("qemu.embed.secondary.network")
				.contains("only the secret and storage drivers can be embedded");
		});
	}

	@Test
	void connectionDetailsBeanReplacesTheProperties() {
		LibvirtConnectionDetails fromContainer = new LibvirtConnectionDetails() {

			@Override
			public String getNetworkUri() {
				return null;
			}

			@Override
			public String getStorageUri() {
				return "storage:///system?socket=/tmp/qe-container/libvirt-sock";
			}

			@Override
			public String getSecretUri() {
				return null;
			}

		};
		this.runner.withBean(LibvirtConnectionDetails.class, () -> fromContainer)
			.withPropertyValues("qemu.embed.secondary.network=network:///system",
					"qemu.embed.secondary.storage=storage:///system")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(PropertiesLibvirtConnectionDetails.class);
				SecondaryDrivers drivers = configuredDrivers(context, this.root);
				assertThat(drivers.network()).isEmpty();
				assertThat(drivers.storage()).get()
					.extracting((d) -> d.endpoint())
					.isEqualTo("storage:///system?socket=/tmp/qe-container/libvirt-sock");
			});
	}

	@Test
	void backsOffWhenTheApplicationHasItsOwnDriver() {
		this.runner.withBean(QemuDriver.class, () -> null)
			.withPropertyValues("qemu.embed.secondary.network=network:///system")
			.run((context) -> assertThat(context).doesNotHaveBean(QemuEmbedSecondaryDrivers.class)
				.doesNotHaveBean(LibvirtConnectionDetails.class)
				.doesNotHaveBean(QemuDriverConfigCustomizer.class));
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner.withPropertyValues("qemu.embed.enabled=false", "qemu.embed.secondary.network=network:///system")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(QemuEmbedSecondaryDrivers.class)
				.doesNotHaveBean(QemuEmbedSecondaryProperties.class));
	}

	@Test
	void backsOffWithoutTheDriverOnTheClasspath() {
		this.runner.withClassLoader(new FilteredClassLoader(QemuDriver.class))
			.run((context) -> assertThat(context).doesNotHaveBean(QemuEmbedSecondaryDrivers.class));
	}

	@Test
	void userDriversBeanReplacesOurs() {
		QemuEmbedSecondaryDrivers mine = new QemuEmbedSecondaryDrivers(Optional.empty(), Optional.empty(),
				Optional.empty());
		this.runner.withBean(QemuEmbedSecondaryDrivers.class, () -> mine)
			.withPropertyValues("qemu.embed.secondary.network=network:///system")
			.run((context) -> assertThat(context).getBean(QemuEmbedSecondaryDrivers.class).isSameAs(mine));
	}

	@Test
	void driversAreClosedWithTheContext() {
		this.runner.withPropertyValues("qemu.embed.secrets." + LUKS + ".value=pw").run((context) -> {
			StaticSecretDriver secrets = (StaticSecretDriver) context.getBean(QemuEmbedSecondaryDrivers.class)
				.secret()
				.get();
			context.close();
			// close() overwrote the copies it held
			assertThat(secrets.secretValue(LUKS)).containsOnly(0);
		});
	}

	static String analysis(Throwable failure) {
		FailureAnalysis analysis = FailureAnalysisSupport.analyze(failure);
		return analysis.getDescription() + "\n" + analysis.getAction();
	}

	static String stackText(Throwable failure) {
		StringWriter out = new StringWriter();
		failure.printStackTrace(new PrintWriter(out));
		return out.toString();
	}

}
