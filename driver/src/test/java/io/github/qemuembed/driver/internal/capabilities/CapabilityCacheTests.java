package io.github.qemuembed.driver.internal.capabilities;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CapabilityCache} with the real probe, counted. The emulator is a private wrapper
 * script that execs the installed QEMU, so that its modification time can be changed
 * without touching the system's binary (a plain copy of Debian's binary does not run: it
 * cannot find its accelerator modules).
 */
class CapabilityCacheTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@TempDir
	Path temp;

	private Path emulator;

	private Path cacheDir;

	private final AtomicInteger probes = new AtomicInteger();

	private CapabilityCache.Prober countingProber;

	@BeforeEach
	void copyEmulator() throws Exception {
		Path installed = new EmulatorLocator().locate(Optional.empty());
		this.emulator = Files.writeString(this.temp.resolve("qemu-copy"), "#!/bin/sh\nexec " + installed + " \"$@\"\n");
		Files.setPosixFilePermissions(this.emulator, PosixFilePermissions.fromString("rwxr-xr-x"));
		this.cacheDir = this.temp.resolve("cache/qemu/capabilities");
		this.countingProber = (binary, timeout) -> {
			this.probes.incrementAndGet();
			return CapabilityProbe.probe(binary, timeout);
		};
	}

	@Test
	void missProbesAndWritesTheFileHitReadsItWithoutStartingQemu() throws Exception {
		QemuCapabilities probed = new CapabilityCache(this.cacheDir, this.countingProber).get(this.emulator, TIMEOUT);
		assertThat(this.probes).hasValue(1);
		Path file = new CapabilityCache(this.cacheDir).fileFor(this.emulator);
		assertThat(file).exists().hasParent(this.cacheDir);
		assertThat(file.getFileName().toString()).startsWith("qemu-copy-").endsWith(".json");
		assertThat(Files.readString(file)).contains("\"path\":\"" + this.emulator + "\"").contains("pc-q35-7.2");
		assertThat(this.cacheDir).isDirectoryNotContaining("glob:**.tmp");

		FileTime written = Files.getLastModifiedTime(file);
		QemuCapabilities cached = new CapabilityCache(this.cacheDir, this.countingProber).get(this.emulator, TIMEOUT);
		assertThat(this.probes).hasValue(1);
		assertThat(cached).isEqualTo(probed);
		assertThat(Files.getLastModifiedTime(file)).isEqualTo(written);
		assertThat(cached.canonicalMachine("q35")).isEqualTo("pc-q35-7.2");
		assertThat(cached.hasDevice("virtio-blk-pci")).isTrue();
	}

	@Test
	void changedModificationTimeOfTheEmulatorInvalidatesTheEntry() throws Exception {
		CapabilityCache cache = new CapabilityCache(this.cacheDir, this.countingProber);
		cache.get(this.emulator, TIMEOUT);
		Files.setLastModifiedTime(this.emulator,
				FileTime.from(Files.getLastModifiedTime(this.emulator).toInstant().minus(1, ChronoUnit.DAYS)));
		QemuCapabilities again = cache.get(this.emulator, TIMEOUT);
		assertThat(this.probes).hasValue(2);
		assertThat(again.version()).startsWith("7.");
		// the rewritten entry is current again
		cache.get(this.emulator, TIMEOUT);
		assertThat(this.probes).hasValue(2);
	}

	@Test
	void corruptEntryIsIgnoredAndRewritten() throws Exception {
		CapabilityCache cache = new CapabilityCache(this.cacheDir, this.countingProber);
		Path file = cache.fileFor(this.emulator);
		Files.createDirectories(this.cacheDir);
		Files.writeString(file, "{\"format\": 1, \"key\": {\"path\": \"" + this.emulator + "\"");
		QemuCapabilities capabilities = cache.get(this.emulator, TIMEOUT);
		assertThat(this.probes).hasValue(1);
		assertThat(capabilities.machineTypes()).contains("q35");
		assertThat(Files.readString(file)).contains("\"capabilities\"");
		// a well-formed file with the right key but missing data is corrupt too
		String truncated = Files.readString(file).replace("\"deviceTypes\"", "\"somethingElse\"");
		Files.writeString(file, truncated);
		cache.get(this.emulator, TIMEOUT);
		assertThat(this.probes).hasValue(2);
		cache.get(this.emulator, TIMEOUT);
		assertThat(this.probes).hasValue(2);
	}

	@Test
	void emptyOrZeroFilledFileAsAPowerLossMayLeaveIsProbedAgain() throws Exception {
		// the cache is renamed into place without fsync: after a power loss the file may
		// be empty or hold zeros instead of the JSON
		CapabilityCache cache = new CapabilityCache(this.cacheDir, this.countingProber);
		Path file = cache.fileFor(this.emulator);
		Files.createDirectories(this.cacheDir);
		Files.write(file, new byte[0]);
		assertThat(cache.get(this.emulator, TIMEOUT).machineTypes()).contains("q35");
		assertThat(this.probes).hasValue(1);
		Files.write(file, new byte[4096]);
		assertThat(cache.get(this.emulator, TIMEOUT).machineTypes()).contains("q35");
		assertThat(this.probes).hasValue(2);
		assertThat(Files.readString(file)).contains("\"capabilities\"");
		cache.get(this.emulator, TIMEOUT);
		assertThat(this.probes).hasValue(2);
	}

	@Test
	void fileNameIsTheBinaryNameAndTheFnv1aHashOfItsPath() {
		CapabilityCache cache = new CapabilityCache(this.cacheDir);
		// FNV-1a 64 test vectors: "a" and "foobar"
		assertThat(cache.fileFor(Path.of("a"))).isEqualTo(this.cacheDir.resolve("a-af63dc4c8601ec8c.json"));
		assertThat(cache.fileFor(Path.of("foobar"))).isEqualTo(this.cacheDir.resolve("foobar-85944171f73967e8.json"));
		assertThat(cache.fileFor(Path.of("/usr/bin/qemu-system-x86_64")))
			.isNotEqualTo(cache.fileFor(Path.of("/usr/local/bin/qemu-system-x86_64")));
	}

	@Test
	void fileUnderTheFormerShaNameIsLeftAloneAndTheBinaryProbedOnce() throws Exception {
		CapabilityCache cache = new CapabilityCache(this.cacheDir, this.countingProber);
		cache.get(this.emulator, TIMEOUT);
		Path file = cache.fileFor(this.emulator);
		// the same content under a name of the former scheme (SHA-256 of the path), as an
		// older driver left it; the current file is gone
		Path former = this.cacheDir.resolve("qemu-copy-0123456789abcdef.json");
		Files.move(file, former);
		QemuCapabilities capabilities = cache.get(this.emulator, TIMEOUT);
		assertThat(this.probes).hasValue(2);
		assertThat(capabilities.machineTypes()).contains("q35");
		assertThat(file).exists();
		assertThat(former).exists();
		cache.get(this.emulator, TIMEOUT);
		assertThat(this.probes).hasValue(2);
	}

	@Test
	void staticLoadProbesOnceAndAgreesWithKvmAvailability() throws Exception {
		QemuCapabilities first = CapabilityCache.load(this.cacheDir, this.emulator, TIMEOUT);
		Path file = new CapabilityCache(this.cacheDir).fileFor(this.emulator);
		FileTime written = Files.getLastModifiedTime(file);
		QemuCapabilities second = CapabilityCache.load(this.cacheDir, this.emulator, TIMEOUT);
		assertThat(second).isEqualTo(first);
		assertThat(Files.getLastModifiedTime(file)).isEqualTo(written);
		assertThat(second.accelerators()).contains("tcg");
		assertThat(second.accelerators().contains("kvm")).isEqualTo(CapabilityCache.kvmUsable());
	}

}
