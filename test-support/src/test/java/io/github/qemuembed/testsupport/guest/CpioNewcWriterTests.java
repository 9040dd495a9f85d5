package io.github.qemuembed.testsupport.guest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Round-trips archives through GNU {@code cpio} (installed by {@code dev/setup}): what
 * the writer produces must be what a real cpio reads back.
 */
class CpioNewcWriterTests {

	@TempDir
	Path temp;

	@Test
	void gnuCpioExtractsDirectoriesFilesAndSymlinks() throws Exception {
		byte[] odd = new byte[4099];
		for (int i = 0; i < odd.length; i++) {
			odd[i] = (byte) (i * 31);
		}
		ByteArrayOutputStream archive = new ByteArrayOutputStream();
		try (CpioNewcWriter cpio = new CpioNewcWriter(archive)) {
			cpio.directory("etc", 0755);
			cpio.file("etc/hello.txt", 0644, "hello, guest\n".getBytes(StandardCharsets.UTF_8));
			cpio.file("/etc/empty", 0600, new byte[0]);
			cpio.directory("bin", 0750);
			cpio.file("bin/odd-sized", 0755, odd);
			cpio.symlink("bin/sh", "/guest/bin/busybox");
			cpio.symlink("a-name-of-some-length-to-move-the-padding", "etc/hello.txt");
		}
		Path archiveFile = this.temp.resolve("test.cpio");
		Files.write(archiveFile, archive.toByteArray());
		Path out = Files.createDirectory(this.temp.resolve("out"));

		cpio(out, "-i", "-d", "-m", "--no-absolute-filenames", "-F", archiveFile.toString());

		assertThat(out.resolve("etc/hello.txt")).hasContent("hello, guest\n");
		assertThat(Files.size(out.resolve("etc/empty"))).isZero();
		assertThat(Files.readAllBytes(out.resolve("bin/odd-sized"))).isEqualTo(odd);
		assertThat(Files.readSymbolicLink(out.resolve("bin/sh"))).isEqualTo(Path.of("/guest/bin/busybox"));
		assertThat(Files.readSymbolicLink(out.resolve("a-name-of-some-length-to-move-the-padding")))
			.isEqualTo(Path.of("etc/hello.txt"));
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("bin/odd-sized"))))
			.isEqualTo("rwxr-xr-x");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("etc/empty"))))
			.isEqualTo("rw-------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("bin"))))
			.isEqualTo("rwxr-x---");
	}

	@Test
	void gnuCpioListsDeviceNodesWithTheirNumbers() throws Exception {
		ByteArrayOutputStream archive = new ByteArrayOutputStream();
		try (CpioNewcWriter cpio = new CpioNewcWriter(archive)) {
			cpio.directory("dev", 0755);
			cpio.characterDevice("dev/console", 0600, 5, 1);
			cpio.file("last", 0644, "x".getBytes(StandardCharsets.UTF_8));
		}
		Path archiveFile = this.temp.resolve("dev.cpio");
		Files.write(archiveFile, archive.toByteArray());

		List<String> listing = cpio(this.temp, "-t", "-v", "-F", archiveFile.toString()).lines().toList();

		assertThat(listing).anySatisfy((line) -> assertThat(line).matches("crw------- .* 5, +1 .* dev/console"));
		assertThat(listing).anySatisfy((line) -> assertThat(line).matches("-rw-r--r-- .* last"));
		assertThat(archive.size() % 4).isZero();
	}

	@Test
	void refusesPathsThatWouldEscapeTheArchive() {
		CpioNewcWriter cpio = new CpioNewcWriter(new ByteArrayOutputStream());
		assertThatIllegalArgumentException().isThrownBy(() -> cpio.file("../etc/passwd", 0644, new byte[0]));
		assertThatIllegalArgumentException().isThrownBy(() -> cpio.file("/", 0644, new byte[0]));
		assertThatIllegalArgumentException().isThrownBy(() -> cpio.file("TRAILER!!!", 0644, new byte[0]));
		assertThatIllegalArgumentException().isThrownBy(() -> cpio.file("x", 0100644, new byte[0]));
	}

	private static String cpio(Path directory, String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("cpio"));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("cpio %s said: %s", command, output).isZero();
		return output;
	}

}
