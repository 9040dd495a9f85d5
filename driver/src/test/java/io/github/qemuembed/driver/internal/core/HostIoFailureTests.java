package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.HostIoException;
import io.github.qemuembed.driver.error.QemuEmbedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The public API under real I/O failures of the root: a full file system, a read-only
 * one, directories removed under an open driver. Every failure leaves the API as a typed
 * {@link QemuEmbedException} (never an {@link UncheckedIOException} or a
 * {@link NullPointerException}), and what was there before stays intact. The root is a
 * small tmpfs of its own (the tests run as root; see docs/testing.md).
 */
class HostIoFailureTests {

	private Path mount;

	private Path root;

	private QemuDriver driver;

	@BeforeEach
	void mountSmallFileSystem() throws Exception {
		assertThat(new ProcessBuilder("id", "-u").start().inputReader().readLine()).as("the tests run as root")
			.isEqualTo("0");
		this.mount = GuestlessDomains.newRoot();
		run("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", this.mount.toString());
		this.root = this.mount.resolve("r");
		this.driver = QemuDriver.open(GuestlessDomains.config(this.root).build());
	}

	@AfterEach
	void unmount() throws Exception {
		try {
			if (this.driver != null) {
				this.driver.close();
			}
		}
		finally {
			run("umount", "-l", this.mount.toString());
			Files.delete(this.mount);
		}
	}

	@Test
	void aFullFileSystemFailsDefineTypedAndKeepsEveryEarlierDefinition() throws Exception {
		Domain kept = this.driver.define(GuestlessDomains.xml("kept"));
		String keptXml = Files.readString(this.root.resolve("etc/qemu/kept.xml"));
		fill(this.mount);
		Throwable failure = catchThrowable(() -> {
			// definitions are small: a few may still fit in the last blocks
			for (int i = 0; i < 64; i++) {
				this.driver.define(GuestlessDomains.xml("more" + i));
			}
		});
		assertTyped(failure);
		assertThat(failure).isInstanceOf(HostIoException.class).hasMessageContaining("No space left on device");
		assertThat(Files.readString(this.root.resolve("etc/qemu/kept.xml"))).isEqualTo(keptXml);
		assertThat(kept.status().state()).isEqualTo(DomainState.SHUTOFF);
		try (var files = Files.list(this.root.resolve("etc/qemu"))) {
			assertThat(files.map((f) -> f.getFileName().toString())).as("no temporary file is left")
				.allMatch((f) -> f.endsWith(".xml"));
		}
	}

	@Test
	void aFullFileSystemFailsStartTypedAndLeavesNoQemu() throws Exception {
		Domain domain = this.driver.define(GuestlessDomains.xml("full"));
		fill(this.mount);
		Throwable failure = catchThrowable(domain::start);
		if (failure == null) {
			// QEMU's own files fitted in what was left: the run is real, so stop it and
			// say so
			domain.destroy();
		}
		assertThat(failure).as("start with no space left for the log and the run state").isNotNull();
		assertTyped(failure);
		assertThat(domain.status().state()).isEqualTo(DomainState.SHUTOFF);
		assertThat(this.driver.list(DomainListFilter.ACTIVE)).isEmpty();
		assertThat(qemuUnder(this.root)).isEmpty();
	}

	@Test
	void readOnlyStateDirectoriesFailEveryWriteTypedWhileReadsGoOn() throws Exception {
		Domain domain = this.driver.define(GuestlessDomains.xml("ro"));
		// the root's lock file stays open for writing, so the file system cannot be
		// remounted read-only as a
		// whole: the directories the writes go to are made read-only instead, each by a
		// read-only bind mount
		for (String dir : List.of("etc", "lib", "log")) {
			Path path = this.root.resolve(dir);
			run("mount", "--bind", path.toString(), path.toString());
			run("mount", "-o", "remount,bind,ro", path.toString());
		}
		List<Consumer<QemuDriver>> writes = List.of((d) -> d.define(GuestlessDomains.xml("another")),
				(d) -> d.lookup("ro").start(), (d) -> d.lookup("ro").undefine(),
				(d) -> d.createTransient(GuestlessDomains.xml("transient", UUID.randomUUID())));
		for (Consumer<QemuDriver> write : writes) {
			assertTyped(catchThrowable(() -> write.accept(this.driver)));
		}
		assertThat(this.driver.list(DomainListFilter.ALL)).extracting(Domain::name).containsExactly("ro");
		assertThat(domain.xml(false)).contains("<name>ro</name>");
		assertThat(domain.status().state()).isEqualTo(DomainState.SHUTOFF);
		assertThat(qemuUnder(this.root)).isEmpty();
	}

	@Test
	void directoriesRemovedUnderAnOpenDriverFailTyped() throws Exception {
		Domain domain = this.driver.define(GuestlessDomains.xml("gone"));
		deleteTree(this.root.resolve("log"));
		assertTyped(catchThrowable(domain::start));
		assertThat(domain.status().state()).isEqualTo(DomainState.SHUTOFF);
		assertThat(qemuUnder(this.root)).isEmpty();
		deleteTree(this.root.resolve("etc/qemu"));
		assertThatExceptionOfType(HostIoException.class)
			.isThrownBy(() -> this.driver.define(GuestlessDomains.xml("again")))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.SYSTEM_ERROR))
			.withMessageContaining(this.root.resolve("etc/qemu").toString());
	}

	private static void assertTyped(Throwable failure) {
		assertThat(failure).as("a failure").isNotNull();
		assertThat(failure).as("typed, not %s", failure.getClass().getName()).isInstanceOf(QemuEmbedException.class);
		assertThat(((QemuEmbedException) failure).code()).isNotNull();
		assertThat(failure.getMessage()).isNotBlank();
	}

	/** Takes every free block of the file system with one file. */
	private static void fill(Path mount) throws IOException {
		byte[] block = new byte[4096];
		try (var out = Files.newOutputStream(mount.resolve("filler"))) {
			while (true) {
				out.write(block);
			}
		}
		catch (IOException ex) {
			assertThat(ex.getMessage()).contains("No space left on device");
		}
	}

	private static List<ProcessHandle> qemuUnder(Path root) {
		List<ProcessHandle> found = new ArrayList<>();
		ProcessHandle.allProcesses()
			.filter((p) -> p.info()
				.commandLine()
				.map((c) -> c.contains("qemu-system") && c.contains(root.toString()))
				.orElse(false))
			.forEach(found::add);
		return found;
	}

	private static void deleteTree(Path dir) throws IOException {
		GuestlessDomains.deleteTree(dir);
	}

	private static void run(String... command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
	}

}
