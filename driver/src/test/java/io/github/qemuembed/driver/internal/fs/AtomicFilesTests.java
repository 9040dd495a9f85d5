package io.github.qemuembed.driver.internal.fs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class AtomicFilesTests {

	@TempDir
	Path temp;

	@Test
	void replacesContentAndLeavesNoTemporaryFile() throws Exception {
		Path target = this.temp.resolve("web.xml");
		AtomicFiles.writeString(target, "<domain>old</domain>");
		AtomicFiles.write(target, "<domain>new</domain>".getBytes(), PosixFilePermissions.fromString("rw-------"));
		assertThat(target).hasContent("<domain>new</domain>");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
		try (var files = Files.list(this.temp)) {
			assertThat(files).containsExactly(target);
		}
	}

	@Test
	void newFileIsReadableByTheOwnerOnlyWhenNoPermissionsAreGiven() throws Exception {
		Path target = this.temp.resolve("state.json");
		AtomicFiles.writeString(target, "{}");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
	}

	@Test
	void temporaryFilesLeftByACrashedProcessWithTheSamePidAreSkippedAndKept() throws Exception {
		Path target = this.temp.resolve("web.xml");
		long pid = ProcessHandle.current().pid();
		long next = AtomicFiles.TEMP_COUNT.get() + 1;
		Path leftover = Files.writeString(this.temp.resolve(".web.xml." + pid + "-" + next + ".tmp"), "torn");
		Path another = Files.writeString(this.temp.resolve(".web.xml." + pid + "-" + (next + 1) + ".tmp"), "torn");
		AtomicFiles.writeString(target, "<domain/>");
		assertThat(target).hasContent("<domain/>");
		assertThat(leftover).hasContent("torn");
		assertThat(another).hasContent("torn");
		try (var files = Files.list(this.temp)) {
			assertThat(files).containsExactlyInAnyOrder(target, leftover, another);
		}
	}

}
