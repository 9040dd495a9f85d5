package io.github.qemuembed.testsupport.junit;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Clean-up of directories that killed test JVMs left behind. */
class DriverHolderTests {

	@TempDir
	Path parent;

	@Test
	void removesOldUnlockedDirectoriesAndKeepsLockedRecentAndForeignOnes() throws Exception {
		Instant old = Instant.now().minus(DriverHolder.ABANDONED_AFTER).minusSeconds(60);
		Path abandoned = directory("qet111", old);
		Path recent = directory("qet222", Instant.now());
		Path locked = directory("qet333", old);
		Path foreign = directory("other", old);
		Path lockFile = Files.createDirectories(locked.resolve("root/run/qemu")).resolve("driver.pid");
		Files.setLastModifiedTime(locked, FileTime.from(old));

		try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
				FileLock lock = channel.lock(0, 1, false)) {
			DriverHolder.removeAbandonedDirectories(this.parent);
		}

		assertThat(abandoned).doesNotExist();
		assertThat(recent).isDirectory();
		assertThat(locked).isDirectory();
		assertThat(foreign).isDirectory();
	}

	private Path directory(String name, Instant modified) throws Exception {
		Path dir = Files.createDirectories(this.parent.resolve(name).resolve("root"));
		Files.writeString(dir.resolve("file"), "x");
		Files.setLastModifiedTime(dir.getParent(), FileTime.from(modified));
		return dir.getParent();
	}

}
