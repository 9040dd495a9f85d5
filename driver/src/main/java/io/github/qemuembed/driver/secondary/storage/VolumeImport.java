package io.github.qemuembed.driver.secondary.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

import io.github.qemuembed.driver.error.OperationInterruptedException;
import io.github.qemuembed.driver.error.StorageException.Problem;
import io.github.qemuembed.driver.error.StorageException;

/**
 * Copies an import's source into a temporary file, computing its SHA-256 on the way and
 * reporting progress to the listener and, every tenth of the way (or every 64 MiB when
 * the size is unknown), to the log. The caller owns the temporary file and deletes it on
 * any failure.
 */
final class VolumeImport {

	private static final System.Logger logger = System.getLogger(VolumeImport.class.getName());

	private static final int BUFFER = 1 << 20;

	private static final long UNKNOWN_SIZE_LOG_STEP = 64L << 20;

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

	private VolumeImport() {
	}

	/**
	 * Copies {@code request.source()} to {@code temp}; returns the SHA-256 of what was
	 * copied, as hex.
	 */
	static String copy(ImportRequest request, Path temp, ImportListener listener) {
		String label = request.pool() + "/" + request.volume();
		String shownSource = shown(request.source());
		logger.log(Level.INFO, "Importing " + shownSource + " into volume " + label);
		try (Source source = open(request)) {
			return write(source.stream(), source.size(), temp, label, listener);
		}
		catch (SocketTimeoutException ex) {
			// an InterruptedIOException too, but the server's silence, not an interrupt
			throw new StorageException(Problem.IMPORT_FAILED, "import of " + shownSource + " into " + label
					+ " timed out: " + ex.getMessage() + "; nothing was kept", ex);
		}
		catch (InterruptedIOException ex) {
			throw OperationInterruptedException
				.restoring("import of " + shownSource + " into " + label + " was interrupted; nothing was kept", ex);
		}
		catch (IOException ex) {
			if (isNoSpace(ex)) {
				throw new StorageException(Problem.NO_SPACE,
						"no space left in the file system of pool '" + request.pool() + "' while importing "
								+ shownSource + " into " + label
								+ "; nothing was kept: free space there or use another pool",
						ex);
			}
			throw new StorageException(Problem.IMPORT_FAILED,
					"import of " + shownSource + " into " + label + " failed: " + ex + "; nothing was kept", ex);
		}
	}

	static boolean isNoSpace(IOException ex) {
		return String.valueOf(ex.getMessage()).contains("No space left on device");
	}

	private record Source(InputStream stream, long size) implements AutoCloseable {

		@Override
		public void close() throws IOException {
			this.stream.close();
		}

	}

	private static Source open(ImportRequest request) throws IOException {
		if (request.remote()) {
			return download(request);
		}
		Path file = Path.of(request.source());
		try {
			return new Source(Files.newInputStream(file), Files.size(file));
		}
		catch (NoSuchFileException ex) {
			throw new StorageException(Problem.IMPORT_FAILED, "cannot import '" + request.source() + "': no such file",
					ex);
		}
	}

	private static Source download(ImportRequest request) throws IOException {
		URI uri;
		try {
			uri = URI.create(request.source());
		}
		catch (IllegalArgumentException ex) {
			throw new StorageException(Problem.INVALID_REQUEST, "'" + shown(request.source()) + "' is not a URL");
		}
		HttpClient client = HttpClient.newBuilder()
			.connectTimeout(CONNECT_TIMEOUT)
			.followRedirects(HttpClient.Redirect.NORMAL)
			.build();
		HttpResponse<InputStream> response;
		try {
			response = client.send(HttpRequest.newBuilder(uri).GET().build(),
					HttpResponse.BodyHandlers.ofInputStream());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("interrupted while connecting");
		}
		if (response.statusCode() != 200) {
			response.body().close();
			throw new StorageException(Problem.IMPORT_FAILED,
					"cannot import " + shown(request.source()) + ": the server answered HTTP " + response.statusCode());
		}
		long size = response.headers().firstValueAsLong("Content-Length").orElse(-1);
		return new Source(response.body(), size);
	}

	private static String write(InputStream in, long total, Path temp, String label, ImportListener listener)
			throws IOException {
		MessageDigest digest = sha256();
		long copied = 0;
		long nextLog = (total > 0) ? total / 10 : UNKNOWN_SIZE_LOG_STEP;
		byte[] buffer = new byte[BUFFER];
		try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
			int read;
			while ((read = in.read(buffer)) >= 0) {
				if (Thread.currentThread().isInterrupted()) {
					throw new InterruptedIOException("interrupted");
				}
				digest.update(buffer, 0, read);
				ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, read);
				while (chunk.hasRemaining()) {
					out.write(chunk);
				}
				copied += read;
				listener.progress(label, copied, total);
				if (copied >= nextLog) {
					logger.log(Level.INFO, "Import into " + label + ": " + progress(copied, total));
					nextLog = copied + ((total > 0) ? Math.max(1, total / 10) : UNKNOWN_SIZE_LOG_STEP);
				}
			}
			if (total > 0 && copied != total) {
				throw new IOException("the source ended after " + copied + " of " + total + " bytes");
			}
			out.force(true);
		}
		logger.log(Level.INFO, "Import into " + label + " copied " + copied + " bytes");
		return HexFormat.of().formatHex(digest.digest());
	}

	private static String progress(long copied, long total) {
		return (total > 0) ? String.format(Locale.ROOT, "%d of %d bytes (%d%%)", copied, total, copied * 100 / total)
				: copied + " bytes";
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JDK", ex);
		}
	}

	/**
	 * A URL without user info or query (they may carry credentials), or a path as given.
	 */
	static String shown(String source) {
		if (!source.startsWith("http://") && !source.startsWith("https://")) {
			return "'" + source + "'";
		}
		try {
			URI uri = URI.create(source);
			return "'" + uri.getScheme() + "://" + uri.getHost() + ((uri.getPort() >= 0) ? ":" + uri.getPort() : "")
					+ uri.getRawPath() + "'";
		}
		catch (IllegalArgumentException ex) {
			return "(a URL that does not parse)";
		}
	}

}
