package io.github.qemuembed.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;

import io.github.qemuembed.driver.error.HostIoException;
import io.github.qemuembed.driver.internal.fs.FileTrees;

/**
 * The root directory the auto-configured driver uses: the configured
 * {@code qemu.embed.root}, or a private temporary directory that is deleted when the
 * context closes. The driver bean depends on this bean, so the driver is closed before a
 * temporary root is deleted.
 */
public final class QemuEmbedRoot implements DisposableBean {

	private static final Log logger = LogFactory.getLog(QemuEmbedRoot.class);

	private final Path path;

	private final boolean temporary;

	private QemuEmbedRoot(Path path, boolean temporary) {
		this.path = path;
		this.temporary = temporary;
	}

	/** The configured root (kept across restarts). */
	public static QemuEmbedRoot persistent(Path path) {
		return new QemuEmbedRoot(path.toAbsolutePath().normalize(), false);
	}

	/**
	 * A new, empty, temporary root under the system temp directory. Its name is short
	 * because the VMs' UNIX socket paths under it are limited to 107 bytes.
	 */
	public static QemuEmbedRoot temporary() {
		try {
			Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
			return new QemuEmbedRoot(Files.createTempDirectory(tmp, "qe").toAbsolutePath(), true);
		}
		catch (IOException ex) {
			throw new HostIoException("Could not create a temporary root for qemu-embed; set qemu.embed.root", ex);
		}
	}

	public Path path() {
		return this.path;
	}

	/** Whether the root is private to this context and deleted when it closes. */
	public boolean isTemporary() {
		return this.temporary;
	}

	@Override
	public void destroy() {
		if (!this.temporary || !Files.exists(this.path)) {
			return;
		}
		if (FileTrees.deleteQuietly(this.path)) {
			logger.debug("Deleted temporary qemu-embed root " + this.path);
		}
		else {
			logger.warn("Could not delete temporary qemu-embed root " + this.path + " completely");
		}
	}

	@Override
	public String toString() {
		return this.path + (this.temporary ? " (temporary)" : "");
	}

}
