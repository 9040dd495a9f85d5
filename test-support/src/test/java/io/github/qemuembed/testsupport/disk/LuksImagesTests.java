package io.github.qemuembed.testsupport.disk;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * A LUKS image from {@link LuksImages} is opened by QEMU with its passphrase, and only
 * with it.
 */
class LuksImagesTests {

	@TempDir
	Path dir;

	@Test
	void qemuUnlocksTheImageAndSeesThePayloadSize() throws Exception {
		Path image = LuksImages.create(this.dir.resolve("disk.luks"), 16, "open sesame");
		String ok = qemuIo(image, "open sesame", "write -P 0x5a 0 64k", "read -P 0x5a 0 64k", "length");
		assertThat(ok).contains("read 65536/65536 bytes").contains("16 MiB");
		String wrong = qemuIo(image, "not it", "length");
		assertThat(wrong).containsIgnoringCase("Invalid password");
		try (var files = Files.list(this.dir)) {
			assertThat(files).as("no key file is left").containsExactly(image);
		}
	}

	@Test
	void anExistingFileIsNeverOverwritten() throws Exception {
		Path image = Files.writeString(this.dir.resolve("taken.luks"), "data");
		assertThatIOException().isThrownBy(() -> LuksImages.create(image, 16, "x"));
		assertThat(Files.readString(image)).isEqualTo("data");
	}

	private static String qemuIo(Path image, String passphrase, String... commands) throws Exception {
		List<String> argv = new ArrayList<>(List.of("qemu-io", "--object", "secret,id=s0,data=" + passphrase,
				"--image-opts", "driver=luks,key-secret=s0,file.filename=" + image));
		for (String command : commands) {
			argv.add("-c");
			argv.add(command);
		}
		Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return output;
	}

}
