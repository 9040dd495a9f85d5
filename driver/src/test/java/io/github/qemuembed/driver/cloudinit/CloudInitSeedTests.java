package io.github.qemuembed.driver.cloudinit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.ResourceLimitException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The seed image, checked by tools that did not write it: util-linux's {@code blkid}
 * (label and type, as cloud-init finds the seed) and {@code xorriso} (structure check and
 * extraction of every file).
 */
class CloudInitSeedTests {

	@TempDir
	Path dir;

	@Test
	void blkidSeesAnIso9660VolumeLabelledCidata() throws Exception {
		Path iso = seed().writeTo(this.dir.resolve("seed.iso"));
		String export = run(List.of("blkid", "-p", "-o", "export", iso.toString()));
		assertThat(export.lines()).contains("LABEL=cidata", "TYPE=iso9660");
	}

	@Test
	void xorrisoExtractsEveryFileWithItsContent() throws Exception {
		Path iso = seed().writeTo(this.dir.resolve("seed.iso"));
		Path out = this.dir.resolve("out");
		String log = run(List.of("xorriso", "-abort_on", "WARNING", "-indev", iso.toString(), "-osirrox", "on",
				"-extract", "/", out.toString()));
		assertThat(log).doesNotContain("FAILURE", "SORRY");
		List<String> names = new ArrayList<>();
		try (var files = Files.list(out)) {
			files.forEach((f) -> names.add(f.getFileName().toString()));
		}
		assertThat(names).containsExactlyInAnyOrder("META-DATA", "USER-DATA", "NETWORK-CONFIG");
		assertThat(Files.readString(out.resolve("META-DATA"))).isEqualTo("instance-id: vm-1\nlocal-hostname: vm-1\n");
		assertThat(Files.readString(out.resolve("USER-DATA"))).startsWith("#cloud-config\n").contains("runcmd");
		assertThat(Files.readString(out.resolve("NETWORK-CONFIG"))).isEqualTo("version: 2\n");
	}

	@Test
	void xorrisoReportsTheVolumeId() throws Exception {
		Path iso = seed().writeTo(this.dir.resolve("seed.iso"));
		String log = run(List.of("xorriso", "-indev", iso.toString(), "-pvd_info"));
		assertThat(log).containsPattern("Volume Id\\s*:\\s*cidata");
	}

	@Test
	void emptyAndMultiSectorFilesKeepTheirSizes() throws Exception {
		byte[] big = new byte[5000];
		for (int i = 0; i < big.length; i++) {
			big[i] = (byte) ('a' + i % 26);
		}
		Path iso = CloudInitSeed.builder().userData(big).build().writeTo(this.dir.resolve("seed.iso"));
		Path out = this.dir.resolve("out");
		run(List.of("xorriso", "-indev", iso.toString(), "-osirrox", "on", "-extract", "/", out.toString()));
		assertThat(Files.readAllBytes(out.resolve("USER-DATA"))).isEqualTo(big);
		assertThat(Files.size(out.resolve("META-DATA"))).isZero();
	}

	@Test
	void sameInputAndTimeGiveTheSameBytes() {
		assertThat(seed().toImage()).isEqualTo(seed().toImage());
		assertThat(seed().toImage().length % 2048).isZero();
	}

	@Test
	void filesAreReadFromPaths() throws IOException {
		Path userData = Files.writeString(this.dir.resolve("user-data"), "#cloud-config\n");
		CloudInitSeed seed = CloudInitSeed.builder().metaData("instance-id: x\n").userData(userData).build();
		assertThat(new String(seed.files().get("user-data"), StandardCharsets.UTF_8)).isEqualTo("#cloud-config\n");
		assertThat(seed.files().keySet()).containsExactly("meta-data", "user-data");
	}

	@Test
	void dataOverTheLimitIsRefusedNamingTheLimitAndTheFiles() {
		byte[] half = new byte[(int) (CloudInitSeed.MAX_DATA_BYTES / 2) + 1];
		assertThatThrownBy(() -> CloudInitSeed.builder().userData(half).vendorData(half).build())
			.isInstanceOfSatisfying(ResourceLimitException.class, (ex) -> {
				assertThat(ex.code()).isEqualTo(ErrorCode.OPERATION_FAILED);
				assertThat(ex.limitBytes()).isEqualTo(CloudInitSeed.MAX_DATA_BYTES);
			})
			.hasMessageContaining("8 MiB")
			.hasMessageContaining("user-data " + half.length)
			.hasMessageContaining("vendor-data " + half.length);
	}

	@Test
	void aFileOverTheLimitIsRefusedBeforeItIsRead() throws IOException {
		Path huge = this.dir.resolve("huge");
		try (var file = FileChannel.open(huge, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			file.truncate(0).position(CloudInitSeed.MAX_DATA_BYTES).write(ByteBuffer.wrap(new byte[] { 1 }));
		}
		assertThatThrownBy(() -> CloudInitSeed.builder().userData(huge)).isInstanceOf(ResourceLimitException.class)
			.hasMessageContaining(huge.toString());
	}

	@Test
	void theImageIsOwnerOnly() throws IOException {
		Path iso = seed().writeTo(this.dir.resolve("sub/seed.iso"));
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(iso))).isEqualTo("rw-------");
	}

	static CloudInitSeed seed() {
		return CloudInitSeed.builder()
			.metaData("instance-id: vm-1\nlocal-hostname: vm-1\n")
			.userData("#cloud-config\nruncmd:\n  - [ touch, /run/seeded ]\n")
			.networkConfig("version: 2\n")
			.time(Instant.parse("2026-01-02T03:04:05Z"))
			.build();
	}

	private static String run(List<String> command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
		return output;
	}

}
