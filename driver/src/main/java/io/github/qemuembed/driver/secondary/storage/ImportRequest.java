package io.github.qemuembed.driver.secondary.storage;

import java.util.Objects;
import java.util.Optional;

/**
 * What to import, and where.
 *
 * @param pool the target pool (active)
 * @param volume the new volume's name
 * @param source a local file path, or an {@code http://} or {@code https://} URL
 * @param sha256 the expected SHA-256 of the source's bytes, as 64 hex digits; required
 * for URLs
 * @param format the expected format; empty means whatever {@code qemu-img} finds (raw or
 * qcow2)
 */
public record ImportRequest(String pool, String volume, String source, Optional<String> sha256,
		Optional<VolumeFormat> format) {

	public ImportRequest {
		Objects.requireNonNull(pool, "pool");
		Objects.requireNonNull(volume, "volume");
		Objects.requireNonNull(source, "source");
		Objects.requireNonNull(sha256, "sha256");
		Objects.requireNonNull(format, "format");
	}

	/** An import checked against {@code sha256}, of any format. */
	public static ImportRequest of(String pool, String volume, String source, String sha256) {
		return new ImportRequest(pool, volume, source, Optional.ofNullable(sha256), Optional.empty());
	}

	boolean remote() {
		return this.source.startsWith("http://") || this.source.startsWith("https://");
	}

}
