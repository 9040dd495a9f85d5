package io.github.qemuembed.driver.internal.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.UUID;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.OpenDriver;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.Permission;
import io.github.qemuembed.driver.error.AccessDeniedException;
import io.github.qemuembed.driver.error.DomainExistsException;
import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.InvalidOperationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Layer 2: save, restore and managed save of guest-less domains on real QEMU (the guest's
 * own view, its uptime, is proven with the test guest in the integration tests).
 */
class SaveRestoreTests {

	@RegisterExtension
	final OpenDriver open = new OpenDriver();

	@Test
	void saveStopsTheDomainAndRestoreBringsItBackRunning() throws Exception {
		Domain domain = this.open.driver().define(GuestlessDomains.xml("keeper"));
		domain.start();
		long firstPid = domain.info().pid().orElseThrow();
		Path file = this.open.root().resolveSibling(this.open.root().getFileName() + "-keeper.save");
		try {
			domain.save(file);
			assertThat(domain.status()).hasToString("shutoff/saved");
			assertThat(ProcessHandle.of(firstPid)).isEmpty();
			assertThat(file).isRegularFile();
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
			assertThat(file.resolveSibling("." + file.getFileName() + ".part")).doesNotExist();
			assertThat(SaveImage.read(file).xml()).contains("<name>keeper</name>");

			Domain restored = this.open.driver().restore(file);
			assertThat(restored).isSameAs(domain);
			assertThat(domain.status()).hasToString("running/restored");
			assertThat(domain.info().pid().orElseThrow()).isNotEqualTo(firstPid);
			assertThat(domain.qmp("{\"execute\":\"query-status\"}")).contains("\"status\":\"running\"");
			assertThat(this.open.root().resolve("log/qemu/keeper.log")).content().contains("-incoming defer");
			assertThat(file).as("restore keeps the file, as libvirt does").exists();
			await().untilAsserted(() -> assertThat(this.open.events())
				.extracting(DomainEvent::type, (e) -> e.status().toString())
				.containsSubsequence(org.assertj.core.groups.Tuple.tuple(DomainEventType.STOPPED, "shutoff/saved"),
						org.assertj.core.groups.Tuple.tuple(DomainEventType.STARTED, "running/restored")));
			domain.destroy();
		}
		finally {
			Files.deleteIfExists(file);
		}
	}

	@Test
	void aPausedDomainComesBackPaused() throws Exception {
		Domain domain = this.open.driver().define(GuestlessDomains.xml("sleeper"));
		domain.start();
		domain.suspend();
		Path file = this.open.root().resolve("sleeper.save");
		domain.save(file);
		this.open.driver().restore(file);
		assertThat(domain.status()).hasToString("paused/user");
		domain.resume();
		assertThat(domain.status()).hasToString("running/unpaused");
		domain.destroy();
	}

	@Test
	void aTransientDomainIsRestoredIntoANewDriverOnTheSameRoot() throws Exception {
		UUID uuid = UUID.randomUUID();
		Domain domain = this.open.driver().createTransient(GuestlessDomains.xml("wanderer", uuid));
		Path file = this.open.root().resolve("wanderer.save");
		domain.save(file);
		await().until(() -> this.open.driver().find("wanderer").isEmpty());
		this.open.driver().close();

		try (QemuDriver next = QemuDriver.open(GuestlessDomains.config(this.open.root()).build())) {
			Domain restored = next.restore(file);
			assertThat(restored.uuid()).isEqualTo(uuid);
			assertThat(restored.isPersistent()).isFalse();
			assertThat(restored.status()).hasToString("running/restored");
			assertThatExceptionOfType(InvalidOperationException.class).isThrownBy(() -> next.restore(file))
				.withMessageContaining("is running");
			restored.destroy();
		}
	}

	@Test
	void managedSaveMakesTheNextStartResume() throws Exception {
		Domain domain = this.open.driver().define(GuestlessDomains.xml("hibernator"));
		assertThatExceptionOfType(InvalidOperationException.class).isThrownBy(domain::managedSave)
			.withMessageContaining("not running");
		domain.start();
		domain.managedSave();
		Path image = this.open.root().resolve("lib/qemu/save/hibernator.save");
		assertThat(image).isRegularFile();
		assertThat(domain.hasManagedSaveImage()).isTrue();
		assertThat(domain.status()).hasToString("shutoff/saved");
		assertThatExceptionOfType(InvalidOperationException.class).isThrownBy(domain::undefine)
			.withMessageContaining("managed save image");

		domain.start();
		assertThat(domain.status()).hasToString("running/restored");
		assertThat(image).doesNotExist();
		assertThat(domain.hasManagedSaveImage()).isFalse();

		domain.managedSave();
		// a damaged image is not half-loaded: the start says so, and how to boot instead
		Path imageFile = this.open.root().resolve("lib/qemu/save/hibernator.save");
		byte[] saved = Files.readAllBytes(imageFile);
		Files.write(imageFile, Arrays.copyOf(saved, 100));
		assertThatExceptionOfType(InvalidOperationException.class).isThrownBy(domain::start)
			.withMessageContaining("could not resume its managed save image")
			.withMessageContaining("managedSaveRemove()");
		assertThat(domain.status().isActive()).isFalse();
		domain.managedSaveRemove();
		domain.start();
		assertThat(domain.status()).hasToString("running/booted");
		domain.destroy();
		domain.undefine();
	}

	@Test
	void aTransientDomainHasNoManagedSave() {
		Domain domain = this.open.driver().createTransient(GuestlessDomains.xml("fleeting"));
		assertThatExceptionOfType(InvalidOperationException.class).isThrownBy(domain::managedSave)
			.withMessageContaining("transient");
		assertThat(domain.status().state()).hasToString("RUNNING");
		domain.destroy();
	}

	@Test
	void restoreRefusesWhatIsNotASaveImageOrClashes() throws Exception {
		Path bogus = Files.writeString(this.open.root().resolve("bogus.save"), "hello, not a saved domain");
		assertThatExceptionOfType(InvalidOperationException.class).isThrownBy(() -> this.open.driver().restore(bogus))
			.withMessageContaining("is not a domain saved by qemu-embed");
		assertThatExceptionOfType(InvalidOperationException.class)
			.isThrownBy(() -> this.open.driver().restore(this.open.root().resolve("absent.save")))
			.withMessageContaining("does not exist");

		Domain domain = this.open.driver().define(GuestlessDomains.xml("twin"));
		domain.start();
		Path file = this.open.root().resolve("twin.save");
		domain.save(file);
		// a save cut short (header and XML only) is refused, not half-loaded
		Path truncated = this.open.root().resolve("truncated.save");
		Files.write(truncated, Arrays.copyOf(Files.readAllBytes(file), 4096));
		assertThatExceptionOfType(InvalidOperationException.class)
			.isThrownBy(() -> this.open.driver().restore(truncated))
			.withMessageContaining("holds no saved state");
		// another domain took the name meanwhile
		domain.undefine();
		this.open.driver().define(GuestlessDomains.xml("twin"));
		assertThatExceptionOfType(DomainExistsException.class).isThrownBy(() -> this.open.driver().restore(file))
			.withMessageContaining("another domain has its name or UUID");
	}

	@Test
	void aSavedStateIsRestoredAsCopiesUnderOtherNamesAndRefusedForOtherDevices() throws Exception {
		Domain domain = this.open.driver().define(GuestlessDomains.xml("original"));
		domain.start();
		String live = domain.xml(true);
		Path file = this.open.root().resolve("original.save");
		domain.save(file);
		String uuid = live.substring(live.indexOf("<uuid>") + 6, live.indexOf("</uuid>"));
		Domain first = this.open.driver()
			.restore(file, live.replace("<name>original</name>", "<name>copy-1</name>")
				.replace(uuid, UUID.randomUUID().toString()));
		Domain second = this.open.driver()
			.restore(file, live.replace("<name>original</name>", "<name>copy-2</name>")
				.replace(uuid, UUID.randomUUID().toString()));
		assertThat(first.status()).hasToString("running/restored");
		assertThat(second.status()).hasToString("running/restored");
		assertThat(first.isPersistent()).isFalse();
		assertThat(first.uuid()).isNotEqualTo(second.uuid());
		assertThat(domain.status()).hasToString("shutoff/saved");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> this.open.driver()
				.restore(file,
						live.replace("<name>original</name>", "<name>big</name>")
							.replace(uuid, UUID.randomUUID().toString())
							.replace("<memory unit='KiB'>65536</memory>", "<memory unit='KiB'>131072</memory>")
							.replace("<currentMemory unit='KiB'>65536</currentMemory>",
									"<currentMemory unit='KiB'>131072</currentMemory>")))
			.withMessageContaining("only those");
		first.destroy();
		second.destroy();
	}

	@Test
	void saveAndRestoreAskThePolicyAsLibvirtDoes() throws Exception {
		Path otherRoot = GuestlessDomains.newRoot();
		try (QemuDriver guarded = QemuDriver.open(GuestlessDomains.config(otherRoot)
			.accessPolicy((request) -> request.permission() != Permission.DOMAIN_HIBERNATE)
			.build())) {
			Domain domain = guarded.define(GuestlessDomains.xml("guarded"));
			domain.start();
			assertThatExceptionOfType(AccessDeniedException.class).isThrownBy(() -> domain.save(otherRoot.resolve("x")))
				.withMessageContaining("domain.hibernate");
			assertThatExceptionOfType(AccessDeniedException.class).isThrownBy(domain::managedSave)
				.withMessageContaining("domain.hibernate");
			assertThat(domain.status()).hasToString("running/booted");
			domain.destroy();
		}
		finally {
			GuestlessDomains.deleteTree(otherRoot);
		}
	}

}
