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

}
