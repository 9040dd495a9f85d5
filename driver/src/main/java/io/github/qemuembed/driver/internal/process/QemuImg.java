package io.github.qemuembed.driver.internal.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.qemuembed.driver.error.OperationInterruptedException;
import io.github.qemuembed.driver.error.StorageException.Problem;
import io.github.qemuembed.driver.error.StorageException;
import io.github.qemuembed.driver.secondary.storage.VolumeFormat;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs {@code qemu-img}. The storage driver uses it rather than QMP
 * {@code blockdev-create} because a pool has no QEMU process to ask: volumes are made
 * while no VM runs, and starting a QEMU per volume only to run a block job would cost
 * more and add a failure mode. {@code qemu-img} ships with QEMU, writes the same formats,
 * and is what libvirt's own {@code dir} pools run.
 *
 * <p>
 * Driver-internal (public for the domain snapshots in {@code core}); not part of the
 * documented API.
 */
public final class QemuImg {

	private static final ObjectMapper JSON = JsonMapper.shared();

	private static final long TIMEOUT_SECONDS = 120;

	private final Path binary;

	private QemuImg(Path binary) {
		this.binary = binary;
	}

	/**
	 * The given binary, or {@code qemu-img} on {@code PATH}; a typed error naming what to
	 * install when neither is there.
	 */
	public static QemuImg locate(Optional<Path> configured) {
		if (configured.isPresent()) {
			if (!Files.isExecutable(configured.get())) {
				throw new StorageException(Problem.INVALID_REQUEST,
						"qemu-img '" + configured.get() + "' is not an executable file");
			}
			return new QemuImg(configured.get());
		}
		String path = System.getenv("PATH");
		if (path != null) {
			for (String dir : path.split(File.pathSeparator)) {
				Path candidate = Path.of(dir.isEmpty() ? "." : dir, "qemu-img");
				if (Files.isExecutable(candidate)) {
					return new QemuImg(candidate);
				}
			}
		}
		throw new StorageException(Problem.OPERATION_FAILED, "the embedded storage driver needs qemu-img, which is "
				+ "not on PATH: install it (Debian: qemu-utils) or give its path when opening the driver");
	}

	public Path binary() {
		return this.binary;
	}

	/** {@code qemu-img create -f FORMAT FILE SIZE}. */
	public void create(Path file, VolumeFormat format, long capacity) {
		run(List.of("create", "-q", "-f", format.xmlName(), file.toString(), Long.toString(capacity)), file);
	}

	/**
	 * {@code qemu-img create -f qcow2 -b BASE -F BASEFORMAT FILE [SIZE]}: an overlay on
	 * an absolute base path.
	 */
	public void createOverlay(Path file, Path base, VolumeFormat baseFormat, Optional<Long> capacity) {
		createOverlay(file, base, baseFormat, capacity, false);
	}

	/**
	 * As {@link #createOverlay(Path, Path, VolumeFormat, Optional)}; {@code baseInUse}
	 * adds {@code -u} so that the base is not opened (a running QEMU holds its lock),
	 * which needs the size given.
	 */
	public void createOverlay(Path file, Path base, VolumeFormat baseFormat, Optional<Long> capacity,
			boolean baseInUse) {
		List<String> args = new ArrayList<>(
				List.of("create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", baseFormat.xmlName()));
		if (baseInUse) {
			args.add("-u");
		}
		args.add(file.toString());
		capacity.ifPresent((size) -> args.add(Long.toString(size)));
		run(args, file);
	}

	/**
	 * {@code qemu-img commit -f qcow2 -d OVERLAY}: writes what the overlay holds into its
	 * backing file (the overlay itself is left as it was and is to be deleted by the
	 * caller).
	 */
	public void commit(Path overlay) {
		run(List.of("commit", "-q", "-f", "qcow2", "-d", overlay.toString()), overlay);
	}

	/**
	 * {@code qemu-img rebase -u -f qcow2 -b BASE -F FORMAT FILE}: names another backing
	 * file in the header only, for a base that holds the same content as the one it
	 * replaces (after a commit into it).
	 */
	public void rebaseUnsafe(Path file, Path base, VolumeFormat baseFormat) {
		run(List.of("rebase", "-q", "-u", "-f", "qcow2", "-b", base.toString(), "-F", baseFormat.xmlName(),
				file.toString()), file);
	}

	/** {@code qemu-img resize -f FORMAT FILE SIZE}. */
	public void resize(Path file, VolumeFormat format, long capacity) {
		run(List.of("resize", "-q", "-f", format.xmlName(), file.toString(), Long.toString(capacity)), file);
	}

	/**
	 * {@code qemu-img info} with {@code --force-share}, so that a volume a running VM
	 * holds can still be described. The format is probed only when {@code format} is
	 * empty.
	 */
	public ImageInfo info(Path file, Optional<VolumeFormat> format) {
		List<String> args = new ArrayList<>(List.of("info", "--output=json", "-U"));
		format.ifPresent((f) -> args.addAll(List.of("-f", f.xmlName())));
		args.add(file.toString());
		String out = run(args, file);
		JsonNode node = JSON.readTree(out);
		Optional<String> backing = Optional.ofNullable(node.get("full-backing-filename"))
			.or(() -> Optional.ofNullable(node.get("backing-filename")))
			.map(JsonNode::asString);
		Optional<String> backingFormat = Optional.ofNullable(node.get("backing-filename-format"))
			.map(JsonNode::asString);
		return new ImageInfo(node.path("format").asString(), node.path("virtual-size").asLong(),
				node.path("actual-size").asLong(), backing, backingFormat);
	}

	/** What {@code qemu-img info} says about an image. */
	public record ImageInfo(String format, long virtualSize, long actualSize, Optional<String> backingFile,
			Optional<String> backingFormat) {
	}

	private String run(List<String> args, Path file) {
		List<String> command = new ArrayList<>();
		command.add(this.binary.toString());
		command.addAll(args);
		Process process;
		try {
			process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
				.start();
		}
		catch (IOException ex) {
			throw new StorageException(Problem.OPERATION_FAILED, "cannot run " + this.binary + ": " + ex.getMessage(),
					ex);
		}
		CompletableFuture<String> out = drain(process.getInputStream());
		CompletableFuture<String> err = drain(process.getErrorStream());
		try {
			if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new StorageException(Problem.OPERATION_FAILED,
						"qemu-img " + args.get(0) + " on " + file + " did not finish within " + TIMEOUT_SECONDS + " s");
			}
			int exit = process.exitValue();
			String stderr = err.join().strip();
			if (exit != 0) {
				Problem problem = stderr.contains("No space left on device") ? Problem.NO_SPACE
						: Problem.OPERATION_FAILED;
				throw new StorageException(problem,
						"qemu-img " + args.get(0) + " failed for " + file + ": "
								+ (stderr.isEmpty() ? "exit status " + exit : stderr)
								+ ((problem == Problem.NO_SPACE) ? " (free space in the pool's file system)" : ""));
			}
			return out.join();
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			throw OperationInterruptedException.restoring("interrupted while qemu-img worked on " + file, ex);
		}
	}

	/**
	 * Reads a stream to its end on a thread of its own (never the common pool: these
	 * reads block).
	 */
	private static CompletableFuture<String> drain(InputStream stream) {
		CompletableFuture<String> result = new CompletableFuture<>();
		Thread reader = new Thread(() -> {
			try (stream) {
				result.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				result.complete("");
			}
		}, "qemu-img-output");
		reader.setDaemon(true);
		reader.start();
		return result;
	}

}
