package io.github.qemuembed.testsupport.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * LUKS1 images (the format QEMU's {@code luks} driver reads) for tests, made the same way
 * on every CPU.
 * <p>
 * {@code qemu-img create -f luks} calibrates its PBKDF2 iteration count by timing a first
 * batch of rounds with thread CPU time; on fast CPUs with tick-based accounting (seen on
 * AMD EPYC hosts under nested virtualisation) that batch measures 0 ms and the create
 * fails with "Unable to get accurate CPU usage", whatever {@code iter-time} says.
 * {@code cryptsetup luksFormat --pbkdf-force-iterations} writes the header with a fixed
 * count and measures nothing: the result does not depend on the host, and a low count
 * keeps unlocking fast (the passphrases of test images protect nothing).
 */
public final class LuksImages {

	/**
	 * LUKS1's header and key material ahead of the payload, as cryptsetup lays it out for
	 * a 256-bit key.
	 */
	private static final long HEADER_BYTES = 2L << 20;

	private LuksImages() {
	}

	/**
	 * Creates {@code image} as a LUKS1 image of {@code sizeMiB} MiB of payload, unlocked
	 * by {@code passphrase}. The passphrase goes to cryptsetup through a private key
	 * file, never on a command line.
	 */
	public static Path create(Path image, int sizeMiB, String passphrase) throws IOException, InterruptedException {
		try (var file = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			file.position(HEADER_BYTES + ((long) sizeMiB << 20) - 1);
			file.write(ByteBuffer.wrap(new byte[1]));
		}
		Path keyFile = Files.createTempFile(image.toAbsolutePath().getParent(), ".key", "",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		try {
			Files.writeString(keyFile, passphrase, StandardCharsets.UTF_8);
			Process format = new ProcessBuilder(List.of("cryptsetup", "luksFormat", "--batch-mode", "--type", "luks1",
					"--pbkdf-force-iterations", "1000", "--hash", "sha256", "--cipher", "aes-xts-plain64", "--key-size",
					"256", "--key-file", keyFile.toString(), image.toString()))
				.redirectErrorStream(true)
				.start();
			String output = new String(format.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!format.waitFor(60, TimeUnit.SECONDS)) {
				format.destroyForcibly();
				throw new IOException("cryptsetup luksFormat " + image + " did not finish within 60 s");
			}
			if (format.exitValue() != 0) {
				throw new IOException("cryptsetup luksFormat " + image + " failed (exit " + format.exitValue()
						+ "; dev/setup installs cryptsetup-bin): " + output.strip());
			}
			return image;
		}
		finally {
			Files.deleteIfExists(keyFile);
		}
	}

}
