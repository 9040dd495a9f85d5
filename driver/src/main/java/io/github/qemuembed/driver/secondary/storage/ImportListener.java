package io.github.qemuembed.driver.secondary.storage;

/**
 * Told how far an import has come; called on the importing thread, so it should return
 * quickly.
 */
@FunctionalInterface
public interface ImportListener {

	/** A listener that ignores progress. */
	ImportListener NONE = (volume, copied, total) -> {
	};

	/**
	 * @param volume {@code POOL/VOLUME}
	 * @param copied bytes copied so far
	 * @param total the source's size in bytes, or -1 when it did not say
	 */
	void progress(String volume, long copied, long total);

}
