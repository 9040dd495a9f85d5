package io.github.qemuembed.driver.internal.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.qemuembed.driver.error.InvalidConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RootLayoutTests {

	@TempDir
	Path temp;

	@Test
	void relativeRootIsRefused() {
		assertThatExceptionOfType(InvalidConfigurationException.class).isThrownBy(() -> RootLayout.of(Path.of("vms")))
			.withMessageContaining("'vms' is relative");
	}

	@Test
	void rootTooLongForSocketPathsIsRefusedWithTheLimit() {
		Path longRoot = Path.of("/tmp/" + "r".repeat(60));
		assertThatExceptionOfType(InvalidConfigurationException.class).isThrownBy(() -> RootLayout.of(longRoot))
			.withMessageContaining(longRoot.toString())
			.withMessageContaining("too long for the UNIX socket paths")
			.withMessageContaining(
					"at most " + (RootLayout.MAX_SOCKET_PATH - RootLayout.LONGEST_SOCKET_SUFFIX.length()));
	}

	@Test
	void longestSocketPathOfAnAcceptedRootFits() {
		int allowed = RootLayout.MAX_SOCKET_PATH - RootLayout.LONGEST_SOCKET_SUFFIX.length();
		Path root = Path.of("/" + "r".repeat(allowed - 1));
		RootLayout layout = RootLayout.of(root);
		assertThat(RootLayout.MAX_ROOT_LENGTH).isEqualTo(allowed);
		Path socket = layout.privateDir(9_999_999, "n".repeat(200)).resolve("channel99.sock");
		assertThat(socket.toString().length()).isLessThanOrEqualTo(RootLayout.MAX_SOCKET_PATH);
	}

	@Test
	void createsLibvirtsEmbeddedLayoutWithPrivateDirectoriesOwnerOnly() throws Exception {
		RootLayout layout = RootLayout.of(this.temp.resolve("root"));
		layout.create();
		for (String dir : new String[] { "etc/qemu", "etc/secrets", "run/qemu", "lib/qemu", "log/qemu",
				"cache/qemu/capabilities" }) {
			assertThat(this.temp.resolve("root").resolve(dir)).isDirectory();
		}
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.secretsDir())))
			.isEqualTo("rwx------");
		assertThat(layout.definitionFile("web")).hasToString(this.temp.resolve("root/etc/qemu/web.xml").toString());
		assertThat(layout.privateDir(3, "a-very-long-domain-name-indeed").getFileName())
			.hasToString("domain-3-a-very-long-domain-n");
	}

	@Test
	void aRootThatCannotBeCreatedIsAConfigurationErrorSayingWhereToPutIt() throws Exception {
		// a regular file where a directory should be: createDirectories fails as on a
		// read-only file system
		Path file = Files.writeString(this.temp.resolve("file"), "");
		RootLayout layout = RootLayout.of(file.resolve("root"));
		assertThatExceptionOfType(InvalidConfigurationException.class).isThrownBy(layout::create)
			.withMessageContaining("Cannot create the root layout under " + file.resolve("root"))
			.withMessageContaining("the root must be a writable directory")
			.withMessageContaining("writable volume");
	}

}
