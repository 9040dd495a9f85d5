package io.github.qemuembed.driver.secondary.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;

/** Real files, real qemu-img runs and a real HTTP server for the storage tests. */
final class StorageTestSupport {

	private StorageTestSupport() {
	}

	static String sha256(Path file) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
	}

	/**
	 * Runs qemu-img outside the driver, to make source images and to check what the
	 * driver made.
	 */
	static String qemuImg(String... args) throws Exception {
		return run("qemu-img", args);
	}

	/** Runs qemu-io: reads and writes guest-visible data of an image, as a VM would. */
	static String qemuIo(String... args) throws Exception {
		return run("qemu-io", args);
	}

	private static String run(String tool, String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of(tool));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(process.getInputStream().readAllBytes());
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IllegalStateException(tool + " " + String.join(" ", args) + " failed: " + out);
		}
		return out;
	}

	/**
	 * A file of {@code size} bytes of varied content (not all zeros, so sparse tricks
	 * cannot hide a copy).
	 */
	static Path patternFile(Path file, int size) throws IOException {
		byte[] data = new byte[size];
		for (int i = 0; i < size; i++) {
			data[i] = (byte) (i * 31 + (i >> 8));
		}
		return Files.write(file, data);
	}

	/** Serves {@code file} at {@code /NAME}; any other path answers 404. */
	static HttpServer serve(Path file) throws IOException {
		return serve(file, Integer.MAX_VALUE, new CountDownLatch(0));
	}

	/**
	 * Serves {@code file} at {@code /NAME}, but after the first {@code stallAfter} bytes
	 * holds the rest back until {@code release} opens: an import that is still running
	 * when the test acts.
	 */
	static HttpServer serve(Path file, int stallAfter, CountDownLatch release) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext("/", (exchange) -> {
			if (!exchange.getRequestURI().getPath().equals("/" + file.getFileName())) {
				exchange.sendResponseHeaders(404, -1);
				exchange.close();
				return;
			}
			byte[] data = Files.readAllBytes(file);
			exchange.sendResponseHeaders(200, data.length);
			try (OutputStream out = exchange.getResponseBody()) {
				int first = Math.min(stallAfter, data.length);
				out.write(data, 0, first);
				out.flush();
				release.await();
				out.write(data, first, data.length - first);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (IOException ex) {
				// the client went away (a killed import): nothing to do
			}
		});
		server.setExecutor(Executors.newCachedThreadPool((r) -> {
			Thread thread = new Thread(r, "test-http");
			thread.setDaemon(true);
			return thread;
		}));
		server.start();
		return server;
	}

	static String url(HttpServer server, String path) {
		return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + path;
	}

}
