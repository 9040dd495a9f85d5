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
	void removesOldUnlockedDirectoriesOfItsOwnAndKeepsLockedRecentAndForeignOnes() throws Exception {
		Instant old = Instant.now().minus(DriverHolder.ABANDONED_AFTER).minusSeconds(60);
		Path abandoned = directory("qejunit111", old, true);
		Path recent = directory("qejunit222", Instant.now(), true);
		Path locked = directory("qejunit333", old, true);
		Path foreign = directory("other", old, true);
		Path unmarked = directory("qejunit444", old, false);
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
		assertThat(unmarked).as("not made by the extension").isDirectory();
	}

	private Path directory(String name, Instant modified, boolean marked) throws Exception {
		Path dir = Files.createDirectories(this.parent.resolve(name).resolve("root"));
		Files.writeString(dir.resolve("file"), "x");
		if (marked) {
			Files.createFile(dir.getParent().resolve(DriverHolder.MARKER));
		}
		Files.setLastModifiedTime(dir.getParent(), FileTime.from(modified));
		return dir.getParent();
	}

}
