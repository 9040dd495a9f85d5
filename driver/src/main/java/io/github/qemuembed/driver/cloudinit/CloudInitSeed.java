package io.github.qemuembed.driver.cloudinit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.github.qemuembed.driver.error.HostIoException;
import io.github.qemuembed.driver.error.ResourceLimitException;
import io.github.qemuembed.driver.internal.fs.AtomicFiles;

/**
 * A cloud-init NoCloud seed: {@code meta-data}, {@code user-data} and optionally
 * {@code vendor-data} and {@code network-config}, written as an ISO 9660 image labelled
 * {@code cidata} by the driver itself (no {@code genisoimage}, no mkfs). Attach the image
 * to a domain as a read-only CD-ROM with {@link CloudInitDisk#attach(String, Path)}.
 * <pre>{@code
 * CloudInitSeed seed = CloudInitSeed.builder()
 *     .metaData("instance-id: web-1\nlocal-hostname: web-1\n")
 *     .userData("#cloud-config\nruncmd:\n  - touch /run/seeded\n")
 *     .build();
 * Path iso = seed.writeTo(dir.resolve("web-1-cidata.iso"));
 * String xml = CloudInitDisk.attach(domainXml, iso);
 * }</pre> cloud-init reads both {@code meta-data} and {@code user-data}; one that is not
 * given is written empty.
 */
public final class CloudInitSeed {

	/** The volume label NoCloud looks for. */
	public static final String LABEL = "cidata";

	/**
	 * The most data (all files together) a seed takes. Seeds are configuration, built in
	 * memory; bulk data belongs on a disk of its own. Over it, {@link Builder#build()}
	 * throws {@link ResourceLimitException}.
	 */
	public static final long MAX_DATA_BYTES = 8L * 1024 * 1024;

	/** The NoCloud file names, in the order they are given to the builder's methods. */
	private static final List<String> NAMES = List.of("meta-data", "user-data", "vendor-data", "network-config");

	private final Map<String, byte[]> files;

	private final Instant time;

	private CloudInitSeed(Map<String, byte[]> files, Instant time) {
		this.files = files;
		this.time = time;
	}

	public static Builder builder() {
		return new Builder();
	}

	/** The files of the seed by NoCloud name ({@code meta-data}, ...), in name order. */
	public Map<String, byte[]> files() {
		Map<String, byte[]> copy = new LinkedHashMap<>();
		this.files.forEach((name, data) -> copy.put(name, data.clone()));
		return copy;
	}

	/** The ISO 9660 image. */
	public byte[] toImage() {
		List<Iso9660Image.File> entries = new ArrayList<>();
		this.files.forEach((name, data) -> entries.add(new Iso9660Image.File(name.toUpperCase(Locale.ROOT), data)));
		return Iso9660Image.build(LABEL, entries, this.time);
	}

	/**
	 * Writes the image to {@code file} (atomically: a temporary file, then a rename;
	 * owner-only, since user-data often holds keys or passwords), creating its directory,
	 * and returns {@code file}.
	 */
	public Path writeTo(Path file) {
		try {
			Path parent = file.toAbsolutePath().getParent();
			if (parent != null) {
				Files.createDirectories(parent);
			}
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot create the directory of the cloud-init seed " + file, ex);
		}
		AtomicFiles.write(file, toImage(), PosixFilePermissions.fromString("rw-------"));
		return file;
	}

	/** Collects the files of a seed; each may be given as text, bytes or a file. */
	public static final class Builder {

		private final Map<String, byte[]> files = new LinkedHashMap<>();

		private Instant time = Instant.now();

		private Builder() {
		}

		/** {@code meta-data} (YAML: {@code instance-id}, {@code local-hostname}, ...). */
		public Builder metaData(String text) {
			return put("meta-data", text);
		}

		public Builder metaData(byte[] data) {
			return put("meta-data", data);
		}

		public Builder metaData(Path file) {
			return put("meta-data", file);
		}

		/**
		 * {@code user-data} ({@code #cloud-config} YAML, a script, or a MIME multipart).
		 */
		public Builder userData(String text) {
			return put("user-data", text);
		}

		public Builder userData(byte[] data) {
			return put("user-data", data);
		}

		public Builder userData(Path file) {
			return put("user-data", file);
		}

		/** {@code vendor-data}, optional. */
		public Builder vendorData(String text) {
			return put("vendor-data", text);
		}

		public Builder vendorData(byte[] data) {
			return put("vendor-data", data);
		}

		public Builder vendorData(Path file) {
			return put("vendor-data", file);
		}

		/** {@code network-config} (network configuration version 1 or 2), optional. */
		public Builder networkConfig(String text) {
			return put("network-config", text);
		}

		public Builder networkConfig(byte[] data) {
			return put("network-config", data);
		}

		public Builder networkConfig(Path file) {
			return put("network-config", file);
		}

		/**
		 * The time stamped on the image's files (now by default); a fixed time gives
		 * reproducible images.
		 */
		public Builder time(Instant time) {
			this.time = Objects.requireNonNull(time, "time");
			return this;
		}

		private Builder put(String name, String text) {
			return put(name, Objects.requireNonNull(text, name).getBytes(StandardCharsets.UTF_8));
		}

		private Builder put(String name, byte[] data) {
			this.files.put(name, Objects.requireNonNull(data, name).clone());
			return this;
		}

		private Builder put(String name, Path file) {
			Objects.requireNonNull(file, name);
			try {
				long size = Files.size(file);
				if (size > MAX_DATA_BYTES) {
					throw tooLarge(name + " (" + file + ") has " + size + " bytes");
				}
				return put(name, Files.readAllBytes(file));
			}
			catch (IOException ex) {
				throw new HostIoException("Cannot read the cloud-init " + name + " file " + file, ex);
			}
		}

		/**
		 * The seed; {@code meta-data} and {@code user-data} are written empty when not
		 * given.
		 * @throws ResourceLimitException when the files hold more than
		 * {@link #MAX_DATA_BYTES} together
		 */
		public CloudInitSeed build() {
			Map<String, byte[]> ordered = new LinkedHashMap<>();
			long total = 0;
			for (String name : NAMES) {
				Optional<byte[]> data = Optional.ofNullable(this.files.get(name));
				if (data.isEmpty() && (name.equals("meta-data") || name.equals("user-data"))) {
					data = Optional.of(new byte[0]);
				}
				if (data.isPresent()) {
					ordered.put(name, data.get().clone());
					total += data.get().length;
				}
			}
			if (total > MAX_DATA_BYTES) {
				StringBuilder sizes = new StringBuilder();
				ordered.forEach((name, data) -> sizes.append(sizes.isEmpty() ? "" : ", ")
					.append(name)
					.append(' ')
					.append(data.length));
				throw tooLarge("the files hold " + total + " bytes (" + sizes + ")");
			}
			return new CloudInitSeed(ordered, this.time);
		}

		private static ResourceLimitException tooLarge(String what) {
			return new ResourceLimitException("The cloud-init seed is too large: " + what + ", over the limit of "
					+ MAX_DATA_BYTES + " bytes (" + (MAX_DATA_BYTES >> 20) + " MiB) for all files together; put bulk "
					+ "data on a disk of its own, or have user-data fetch it", MAX_DATA_BYTES);
		}

	}

}
