package io.github.qemuembed.driver.internal.fs;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class FileTreesTests {

	@TempDir
	Path temp;

	@Test
	void deletesTheTreeButNotWhatItsLinksPointTo() throws Exception {
		Path outside = Files.createDirectories(this.temp.resolve("outside/deep"));
		Path precious = Files.writeString(outside.resolve("precious.txt"), "keep me");
		Path preciousFile = Files.writeString(this.temp.resolve("file.txt"), "keep me too");
		Path tree = Files.createDirectories(this.temp.resolve("tree/a/b"));
		Files.writeString(tree.resolve("inside.txt"), "delete me");
		Files.createSymbolicLink(tree.resolve("to-dir"), outside);
		Files.createSymbolicLink(this.temp.resolve("tree/to-file"), preciousFile);
		Files.createSymbolicLink(this.temp.resolve("tree/dangling"), this.temp.resolve("nowhere"));
		FileTrees.delete(this.temp.resolve("tree"));
		assertThat(this.temp.resolve("tree")).doesNotExist();
		assertThat(precious).hasContent("keep me");
		assertThat(preciousFile).hasContent("keep me too");
		assertThat(outside.getParent()).isDirectory();
	}

	@Test
	void aTreeThatIsItselfALinkLosesTheLinkOnly() throws Exception {
		Path outside = Files.createDirectories(this.temp.resolve("outside"));
		Path precious = Files.writeString(outside.resolve("precious.txt"), "keep me");
		Path link = Files.createSymbolicLink(this.temp.resolve("link"), outside);
		assertThat(FileTrees.deleteQuietly(link)).isTrue();
		assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
		assertThat(precious).hasContent("keep me");
	}

	@Test
	void aMissingTreeIsNothingToDo() {
		FileTrees.delete(this.temp.resolve("missing"));
		assertThat(FileTrees.deleteQuietly(this.temp.resolve("missing/too"))).isTrue();
	}

}
