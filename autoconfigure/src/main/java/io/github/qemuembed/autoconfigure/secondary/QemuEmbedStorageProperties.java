package io.github.qemuembed.autoconfigure.secondary;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Pools and base images of the embedded storage driver
 * ({@code qemu.embed.secondary.storage: embedded}), made ready before the driver starts
 * any domain: each pool is defined when missing, started and set to autostart; each
 * volume that does not exist yet is imported and checked against its SHA-256.
 */
@ConfigurationProperties("qemu.embed.storage")
public class QemuEmbedStorageProperties {

	/**
	 * Pools by name, e.g.
	 * qemu.embed.storage.pools.images.volumes[debian.qcow2].source=https://...
	 */
	private Map<String, Pool> pools = new LinkedHashMap<>();

	public Map<String, Pool> getPools() {
		return this.pools;
	}

	public void setPools(Map<String, Pool> pools) {
		this.pools = pools;
	}

	/** One dir pool. */
	public static class Pool {

		/**
		 * The pool's directory; default ROOT/storage/<pool name>.
		 */
		private String path;

		/**
		 * Volumes imported into the pool at start-up when they do not exist yet, by
		 * volume name.
		 */
		private Map<String, Volume> volumes = new LinkedHashMap<>();

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public Map<String, Volume> getVolumes() {
			return this.volumes;
		}

		public void setVolumes(Map<String, Volume> volumes) {
			this.volumes = volumes;
		}

	}

	/** An image to import. */
	public static class Volume {

		/**
		 * A local file path or an http(s) URL.
		 */
		private String source;

		/**
		 * The SHA-256 of the source's bytes (64 hex digits); required for URLs.
		 */
		private String sha256;

		/**
		 * The expected format: raw or qcow2; default: whatever qemu-img finds (of those
		 * two).
		 */
		private String format;

		public String getSource() {
			return this.source;
		}

		public void setSource(String source) {
			this.source = source;
		}

		public String getSha256() {
			return this.sha256;
		}

		public void setSha256(String sha256) {
			this.sha256 = sha256;
		}

		public String getFormat() {
			return this.format;
		}

		public void setFormat(String format) {
			this.format = format;
		}

	}

}
