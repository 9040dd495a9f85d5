package io.github.qemuembed.driver.secondary.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.access.Permission;
import io.github.qemuembed.driver.error.AccessDeniedException;
import io.github.qemuembed.driver.error.StorageException;
import io.github.qemuembed.driver.error.StorageException.Problem;
import io.github.qemuembed.driver.secondary.StorageVolume;

import static io.github.qemuembed.driver.secondary.storage.StorageTestSupport.patternFile;
import static io.github.qemuembed.driver.secondary.storage.StorageTestSupport.qemuImg;
import static io.github.qemuembed.driver.secondary.storage.StorageTestSupport.qemuIo;
import static io.github.qemuembed.driver.secondary.storage.StorageTestSupport.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The embedded storage driver against real files and real qemu-img. */
class EmbeddedStorageDriverTests {

	private static final long MIB = 1L << 20;

	@TempDir
	Path root;

	@TempDir
	Path sources;

	private EmbeddedStorageDriver storage;

	private HttpServer server;

	@BeforeEach
	void open() {
		this.storage = EmbeddedStorageDriver.open(this.root, AccessPolicy.allowAll(), CallerSupplier.NONE);
		this.storage.definePool("<pool type='dir'><name>images</name></pool>");
		this.storage.startPool("images");
	}

	@AfterEach
	void stopServer() {
		if (this.server != null) {
			this.server.stop(0);
		}
	}

	@Test
	void poolsLiveInTheRootInLibvirtsLayout() throws Exception {
		Path target = this.sources.resolve("elsewhere");
		this.storage.definePool("<pool type='dir'><name>other</name><target><path>" + target
				+ "</path><permissions><mode>0750</mode></permissions></target></pool>");
		assertThat(this.root.resolve("etc/storage/images.xml")).content()
			.contains("<name>images</name>")
			.contains("<path>" + this.root.resolve("storage/images") + "</path>");
		assertThat(this.root.resolve("run/storage/images.xml")).exists();
		assertThat(this.storage.pool("other").active()).isFalse();
		assertThat(target).doesNotExist();

		this.storage.startPool("other");
		this.storage.setAutostart("other", true);
		assertThat(target).isDirectory();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rwxr-x---");
		assertThat(Files.readSymbolicLink(this.root.resolve("etc/storage/autostart/other.xml")))
			.isEqualTo(this.root.resolve("etc/storage/other.xml"));
		assertThat(this.storage.listPools())
			.extracting(StoragePoolInfo::name, StoragePoolInfo::active, StoragePoolInfo::autostart)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("images", true, false),
					org.assertj.core.groups.Tuple.tuple("other", true, true));
		StoragePoolInfo images = this.storage.pool("images");
		assertThat(images.capacity()).isPositive();
		assertThat(images.available()).isPositive().isLessThanOrEqualTo(images.capacity());
		assertThat(this.storage.poolXml("images")).contains("<capacity unit='bytes'>" + images.capacity() + "<");
	}

	@Test
	void aNewDriverOnTheRootSeesTheSamePoolsAndVolumes() {
		this.storage.createVolume("images", "disk.img", VolumeFormat.RAW, 4 * MIB);
		this.storage.definePool("<pool type='dir'><name>stopped</name></pool>");
		this.storage.definePool("<pool type='dir'><name>auto</name></pool>");
		this.storage.setAutostart("auto", true);

		EmbeddedStorageDriver again = EmbeddedStorageDriver.open(this.root, AccessPolicy.allowAll(),
				CallerSupplier.NONE);
		assertThat(again.listPools()).extracting(StoragePoolInfo::name, StoragePoolInfo::active)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("auto", true),
					org.assertj.core.groups.Tuple.tuple("images", true),
					org.assertj.core.groups.Tuple.tuple("stopped", false));
		assertThat(again.listVolumes("images")).extracting(StorageVolume::name).containsExactly("disk.img");
	}

	@Test
	void stopUndefineAndDeleteAPool() {
		assertThatExceptionOfType(StorageException.class).isThrownBy(() -> this.storage.undefinePool("images"))
			.withMessageContaining("stop it first")
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.POOL_STATE));
		this.storage.createVolume("images", "v.img", VolumeFormat.RAW, MIB);
		this.storage.stopPool("images");
		assertThat(this.root.resolve("run/storage/images.xml")).doesNotExist();
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> this.storage.createVolume("images", "w.img", VolumeFormat.RAW, MIB))
			.withMessageContaining("pool 'images' is not active: start it first");
		assertThatExceptionOfType(StorageException.class).isThrownBy(() -> this.storage.deletePool("images"))
			.withMessageContaining("not empty");
		this.storage.startPool("images");
		this.storage.deleteVolume("images", "v.img");
		this.storage.stopPool("images");
		this.storage.deletePool("images");
		assertThat(this.root.resolve("storage/images")).doesNotExist();
		this.storage.undefinePool("images");
		assertThat(this.root.resolve("etc/storage/images.xml")).doesNotExist();
		assertThatExceptionOfType(StorageException.class).isThrownBy(() -> this.storage.pool("images"))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.POOL_NOT_FOUND));
	}

	@Test
	void aPoolNameOrUuidOrDirectoryIsTakenOnce() {
		String uuid = this.storage.pool("images").uuid().toString();
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> this.storage.definePool("<pool type='dir'><name>images</name></pool>"))
			.withMessageContaining("already exists with UUID " + uuid)
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.POOL_EXISTS));
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(
					() -> this.storage.definePool("<pool type='dir'><name>twin</name><uuid>" + uuid + "</uuid></pool>"))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.POOL_EXISTS));
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> this.storage.definePool("<pool type='dir'><name>same-dir</name><target><path>"
					+ this.root.resolve("storage/images") + "</path></target></pool>"))
			.withMessageContaining("already uses the directory");
		// the same UUID redefines
		this.storage.definePool("<pool type='dir'><name>images</name><uuid>" + uuid + "</uuid></pool>");
	}

	@Test
	void createsRawAndQcow2VolumesOfACapacity() throws Exception {
		StorageVolume raw = this.storage.createVolume("images", "data.img", VolumeFormat.RAW, 8 * MIB);
		StorageVolume qcow2 = this.storage.createVolume("images", "data.qcow2", VolumeFormat.QCOW2, 64 * MIB);
		assertThat(raw).isEqualTo(new StorageVolume("images", "data.img",
				this.root.resolve("storage/images/data.img").toString(), Optional.of("raw"), Optional.of(8 * MIB)));
		assertThat(qcow2.format()).contains("qcow2");
		assertThat(qcow2.capacity()).contains(64 * MIB);
		assertThat(qemuImg("info", qcow2.path())).contains("file format: qcow2").contains("virtual size: 64 MiB");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(raw.path()))))
			.isEqualTo("rw-------");
		assertThat(this.storage.listVolumes("images")).containsExactly(raw, qcow2);
		assertThat(this.storage.volumeXml("images", "data.qcow2")).startsWith("<volume type='file'>")
			.contains("<name>data.qcow2</name>")
			.contains("<capacity unit='bytes'>" + (64 * MIB) + "</capacity>")
			.contains("<format type='qcow2'/>");
		try (var left = Files.list(this.root.resolve("storage/images"))) {
			assertThat(left).extracting((p) -> p.getFileName().toString()).containsOnly("data.img", "data.qcow2");
		}
	}

	@Test
	void createsFromVolumeXml() throws Exception {
		this.storage.createVolume("images", "<volume><name>base.img</name><capacity unit='MiB'>16</capacity>"
				+ "<target><format type='raw'/></target></volume>");
		Path base = this.root.resolve("storage/images/base.img");
		StorageVolume overlay = this.storage.createVolume("images",
				"<volume><name>o.qcow2</name>" + "<target><format type='qcow2'/></target><backingStore><path>" + base
						+ "</path>" + "<format type='raw'/></backingStore></volume>");
		assertThat(overlay.capacity()).contains(16 * MIB);
		assertThat(this.storage.volumeXml("images", "o.qcow2"))
			.contains("<backingStore>\n    <path>" + base + "</path>\n" + "    <format type='raw'/>");
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> this.storage.createVolume("images",
					"<volume><name>p.qcow2</name>" + "<target><format type='qcow2'/></target><backingStore><path>"
							+ this.root.resolve("nope.img") + "</path></backingStore></volume>"))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.BASE_MISSING));
	}

	@Test
	void overlaysShareOneBaseThatStaysUnchanged() throws Exception {
		Path source = patternFile(this.sources.resolve("base.img"), (int) (2 * MIB));
		this.storage.importVolume(ImportRequest.of("images", "base.img", source.toString(), sha256(source)),
				ImportListener.NONE);
		StorageVolume one = this.storage.createOverlay("images", "vm1.qcow2", "images", "base.img", Optional.empty());
		StorageVolume two = this.storage.createOverlay("images", "vm2.qcow2", "images", "base.img",
				Optional.of(32 * MIB));
		Path base = this.root.resolve("storage/images/base.img");
		assertThat(one.capacity()).contains(2 * MIB);
		assertThat(two.capacity()).contains(32 * MIB);
		assertThat(qemuImg("info", one.path())).contains("backing file: " + base).contains("backing file format: raw");

		// a write through an overlay lands in the overlay only
		qemuIo("-f", "qcow2", "-c", "write -P 0x5a 0 64k", one.path());
		assertThat(sha256(base)).isEqualTo(sha256(source));
		assertThat(qemuImg("compare", "-f", "qcow2", "-F", "raw", two.path(), base.toString())).contains("identical");
		assertThat(qemuIo("-f", "qcow2", "-c", "read -P 0x5a 0 64k", one.path())).contains("read 65536/65536");
	}

	@Test
	void anOverlayOnAMissingBaseIsATypedError() {
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(
					() -> this.storage.createOverlay("images", "vm.qcow2", "images", "missing.img", Optional.empty()))
			.withMessageContaining("the base image images/missing.img")
			.withMessageContaining("does not exist: import or create it first")
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.BASE_MISSING));
		assertThat(this.root.resolve("storage/images")).isEmptyDirectory();
	}

	@Test
	void anExistingNameIsNotOverwritten() throws Exception {
		StorageVolume first = this.storage.createVolume("images", "disk.img", VolumeFormat.RAW, MIB);
		String before = sha256(Path.of(first.path()));
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> this.storage.createVolume("images", "disk.img", VolumeFormat.QCOW2, 8 * MIB))
			.withMessageContaining("volume 'disk.img' already exists in pool 'images'")
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.VOLUME_EXISTS));
		Path source = patternFile(this.sources.resolve("other.img"), 4096);
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> this.storage.importVolume(
					ImportRequest.of("images", "disk.img", source.toString(), sha256(source)), ImportListener.NONE))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.VOLUME_EXISTS));
		assertThat(sha256(Path.of(first.path()))).isEqualTo(before);
		assertThat(this.storage.describeVolume("images", "disk.img")).isEqualTo(first);
	}

	@Test
	void badNamesNeverReachTheFileSystem() {
		for (String name : List.of("../escape.img", "/etc/passwd", "..", ".hidden.part", "a/b")) {
			assertThatExceptionOfType(StorageException.class)
				.isThrownBy(() -> this.storage.createVolume("images", name, VolumeFormat.RAW, MIB))
				.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.INVALID_NAME));
			assertThatExceptionOfType(StorageException.class)
				.isThrownBy(() -> this.storage.deleteVolume("images", name))
				.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.INVALID_NAME));
		}
		assertThatExceptionOfType(StorageException.class).isThrownBy(
				() -> this.storage.createOverlay("images", "o.qcow2", "images", "../../etc/passwd", Optional.empty()))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.INVALID_NAME));
		assertThatExceptionOfType(StorageException.class).isThrownBy(() -> this.storage.startPool("../images"))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.INVALID_NAME));
		assertThat(this.root.resolve("storage/escape.img")).doesNotExist();
		assertThat(this.root.resolve("storage/images")).isEmptyDirectory();
	}

	@Test
	void importsAFileCheckedBySha256() throws Exception {
		Path source = patternFile(this.sources.resolve("disk.raw"), (int) (3 * MIB));
		List<long[]> progress = new CopyOnWriteArrayList<>();
		StorageVolume volume = this.storage.importVolume(
				ImportRequest.of("images", "disk.raw", source.toString(), sha256(source).toUpperCase()),
				(name, copied, total) -> progress.add(new long[] { copied, total }));
		assertThat(volume.format()).contains("raw");
		assertThat(sha256(Path.of(volume.path()))).isEqualTo(sha256(source));
		assertThat(progress).isNotEmpty();
		assertThat(progress.get(progress.size() - 1)).containsExactly(3 * MIB, 3 * MIB);
	}

	@Test
	void importsOverHttpAndProbesTheFormat() throws Exception {
		Path image = this.sources.resolve("cloud.qcow2");
		qemuImg("create", "-q", "-f", "qcow2", image.toString(), "40M");
		qemuIo("-f", "qcow2", "-c", "write -P 0x33 1M 1M", image.toString());
		this.server = StorageTestSupport.serve(image);
		long size = Files.size(image);
		List<Long> seen = new CopyOnWriteArrayList<>();
		StorageVolume volume = this.storage.importVolume(ImportRequest.of("images", "cloud.qcow2",
				StorageTestSupport.url(this.server, "cloud.qcow2"), sha256(image)), (name, copied, total) -> {
					assertThat(name).isEqualTo("images/cloud.qcow2");
					assertThat(total).isEqualTo(size);
					seen.add(copied);
				});
		assertThat(volume.format()).contains("qcow2");
		assertThat(volume.capacity()).contains(40 * MIB);
		assertThat(seen).isSorted().last().isEqualTo(size);
		assertThat(qemuIo("-f", "qcow2", "-c", "read -P 0x33 1M 1M", volume.path())).contains("read 1048576/1048576");
	}

	@Test
	void aChecksumMismatchLeavesNothing() throws Exception {
		Path source = patternFile(this.sources.resolve("disk.raw"), 100_000);
		String wrong = "0".repeat(64);
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> this.storage
				.importVolume(ImportRequest.of("images", "disk.raw", source.toString(), wrong), ImportListener.NONE))
			.withMessageContaining("is " + sha256(source) + ", not the expected " + wrong)
			.withMessageContaining("was not created")
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.CHECKSUM_MISMATCH));
		this.server = StorageTestSupport.serve(source);
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> this.storage.importVolume(
					ImportRequest.of("images", "disk.raw", StorageTestSupport.url(this.server, "disk.raw"), wrong),
					ImportListener.NONE))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.CHECKSUM_MISMATCH));
		assertThat(this.root.resolve("storage/images")).isEmptyDirectory();
		assertThat(this.storage.listVolumes("images")).isEmpty();
	}

	@Test
	void importsRefuseWhatCannotBeTrusted() throws Exception {
		Path source = patternFile(this.sources.resolve("disk.raw"), 4096);
		this.server = StorageTestSupport.serve(source);
		String url = StorageTestSupport.url(this.server, "disk.raw");
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(
					() -> this.storage.importVolume(ImportRequest.of("images", "d", url, null), ImportListener.NONE))
			.withMessageContaining("needs the image's SHA-256");
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(
					() -> this.storage.importVolume(ImportRequest.of("images", "d", url, "abc"), ImportListener.NONE))
			.withMessageContaining("64 hex digits");
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> this.storage.importVolume(
					ImportRequest.of("images", "d", StorageTestSupport.url(this.server, "missing"), "0".repeat(64)),
					ImportListener.NONE))
			.withMessageContaining("HTTP 404")
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.IMPORT_FAILED));
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> this.storage.importVolume(
					ImportRequest.of("images", "d", this.sources.resolve("nope").toString(), null),
					ImportListener.NONE))
			.withMessageContaining("no such file")
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.IMPORT_FAILED));
		// an image that names a backing file of its own could make a VM read any host
		// file
		Path withBacking = this.sources.resolve("sneaky.qcow2");
		qemuImg("create", "-q", "-f", "qcow2", "-b", "/etc/hostname", "-F", "raw", withBacking.toString(), "1M");
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> this.storage.importVolume(
					ImportRequest.of("images", "sneaky.qcow2", withBacking.toString(), sha256(withBacking)),
					ImportListener.NONE))
			.withMessageContaining("has a backing file of its own")
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.UNSUPPORTED_IMAGE));
		// a raw image is not accepted as the qcow2 the caller expects
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> this.storage.importVolume(new ImportRequest("images", "d", source.toString(),
					Optional.empty(), Optional.of(VolumeFormat.QCOW2)), ImportListener.NONE))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.OPERATION_FAILED));
		assertThat(this.root.resolve("storage/images")).isEmptyDirectory();
	}

	@Test
	void resizeGrowsAndRefusesToShrink() throws Exception {
		this.storage.createVolume("images", "grow.qcow2", VolumeFormat.QCOW2, 16 * MIB);
		this.storage.createVolume("images", "grow.img", VolumeFormat.RAW, 16 * MIB);
		assertThat(this.storage.resizeVolume("images", "grow.qcow2", 32 * MIB).capacity()).contains(32 * MIB);
		assertThat(this.storage.resizeVolume("images", "grow.img", 20 * MIB).capacity()).contains(20 * MIB);
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> this.storage.resizeVolume("images", "grow.qcow2", 8 * MIB))
			.withMessageContaining("shrinking it")
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.INVALID_REQUEST));
		assertThat(this.storage.describeVolume("images", "grow.qcow2").capacity()).contains(32 * MIB);
	}

	@Test
	void deletesAVolume() {
		this.storage.createVolume("images", "gone.img", VolumeFormat.RAW, MIB);
		this.storage.deleteVolume("images", "gone.img");
		assertThat(this.root.resolve("storage/images/gone.img")).doesNotExist();
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> this.storage.deleteVolume("images", "gone.img"))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.VOLUME_NOT_FOUND));
	}

	@Test
	void everyOperationAsksThePolicy() {
		this.storage.createVolume("images", "kept.img", VolumeFormat.RAW, MIB);
		List<String> asked = new CopyOnWriteArrayList<>();
		EmbeddedStorageDriver guarded = EmbeddedStorageDriver.open(this.root, (request) -> {
			asked.add(request.permission() + " " + request.objectName().orElse(""));
			return request.permission() != Permission.STORAGE_VOL_DELETE;
		}, CallerSupplier.NONE);
		assertThat(guarded.listVolumes("images")).hasSize(1);
		assertThatExceptionOfType(AccessDeniedException.class)
			.isThrownBy(() -> guarded.deleteVolume("images", "kept.img"))
			.withMessageContaining("storage_vol.delete");
		assertThat(this.root.resolve("storage/images/kept.img")).exists();
		guarded.createVolume("images", "new.img", VolumeFormat.RAW, MIB);
		assertThat(asked).contains("storage_pool.search_storage_vols images", "storage_vol.getattr images/kept.img",
				"storage_vol.delete images/kept.img", "storage_vol.create images/new.img");
		assertThatExceptionOfType(NullPointerException.class)
			.isThrownBy(() -> EmbeddedStorageDriver.open(this.root, null, CallerSupplier.NONE))
			.withMessageContaining("cannot be opened without an access policy");
	}

}
