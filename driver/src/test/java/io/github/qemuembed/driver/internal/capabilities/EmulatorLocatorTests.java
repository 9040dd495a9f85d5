package io.github.qemuembed.driver.internal.capabilities;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import io.github.qemuembed.driver.error.EmulatorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EmulatorLocatorTests {

	@TempDir
	Path temp;

	@Test
	void findsTheInstalledQemuOnThePath() {
		Path found = new EmulatorLocator().locate(Optional.empty());
		assertThat(found).isAbsolute().isExecutable();
		assertThat(found.getFileName()).hasToString(EmulatorLocator.DEFAULT_BINARY);
	}

	@Test
	void searchesPathEntriesInOrderAndSkipsNonExecutables() throws Exception {
		Path first = Files.createDirectories(this.temp.resolve("first"));
		Path second = Files.createDirectories(this.temp.resolve("second"));
		Files.writeString(first.resolve(EmulatorLocator.DEFAULT_BINARY), "not executable");
		Path executable = executable(second.resolve(EmulatorLocator.DEFAULT_BINARY));
		EmulatorLocator locator = new EmulatorLocator(first + File.pathSeparator + second);
		assertThat(locator.locate(Optional.empty())).isEqualTo(executable);
	}

	@Test
	void missingOnPathNamesTheBinaryThePathAndTheFix() {
		EmulatorLocator locator = new EmulatorLocator(this.temp.toString());
		assertThatExceptionOfType(EmulatorException.class).isThrownBy(() -> locator.locate(Optional.empty()))
			.withMessageContaining(EmulatorLocator.DEFAULT_BINARY)
			.withMessageContaining(this.temp.toString())
			.withMessageContaining("qemu-system-x86")
			.withMessageContaining("emulator");
	}

	@Test
	void configuredPathIsValidated() throws Exception {
		EmulatorLocator locator = new EmulatorLocator("");
		Path missing = this.temp.resolve("nothing-here");
		assertThatExceptionOfType(EmulatorException.class).isThrownBy(() -> locator.locate(Optional.of(missing)))
			.withMessageContaining(missing.toString())
			.withMessageContaining("does not exist");
		Path plain = Files.writeString(this.temp.resolve("plain"), "x");
		assertThatExceptionOfType(EmulatorException.class).isThrownBy(() -> locator.locate(Optional.of(plain)))
			.withMessageContaining(plain.toString())
			.withMessageContaining("not executable");
		assertThatExceptionOfType(EmulatorException.class).isThrownBy(() -> locator.locate(Optional.of(this.temp)))
			.withMessageContaining("not a regular file");
		Path good = executable(this.temp.resolve("qemu"));
		assertThat(locator.locate(Optional.of(good))).isEqualTo(good);
	}

	@Test
	void configuredBareNameIsLookedUpOnThePath() throws Exception {
		Path executable = executable(this.temp.resolve("my-qemu"));
		EmulatorLocator locator = new EmulatorLocator(this.temp.toString());
		assertThat(locator.locate(Optional.of(Path.of("my-qemu")))).isEqualTo(executable);
	}

	private static Path executable(Path path) throws Exception {
		Files.writeString(path, "#!/bin/sh\n");
		Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
		return path;
	}

}
