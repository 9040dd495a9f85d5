package io.github.qemuembed.driver.qmp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import jnr.constants.platform.OpenFlags;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * File descriptor passing (SCM_RIGHTS) to a real QEMU with {@code getfd} and
 * {@code add-fd}.
 */
class QmpFdPassingTests {

	private static final POSIX posix = POSIXFactory.getNativePOSIX();

	@TempDir
	Path temp;

	@Test
	void getfdReceivesTheDescriptorUnderItsName() throws Exception {
		int fd = openFile();
		try (GuestlessQemu qemu = GuestlessQemu.start();
				QmpClient client = QmpClient.connect(qemu.socket(), QmpClientOptions.defaults(),
						QmpEventListener.NONE)) {
			// without a descriptor QEMU refuses getfd
			assertThatExceptionOfType(QmpExecuteError.class).isThrownBy(() -> client.execute("getfd", fdname("disk0")))
				.satisfies((ex) -> assertThat(ex.description()).contains("No file descriptor supplied"));
			client.executeWithFd("getfd", fdname("disk0"), fd);
			// closefd succeeds only for a name QEMU holds, and only once
			client.execute("closefd", fdname("disk0"));
			assertThatExceptionOfType(QmpExecuteError.class)
				.isThrownBy(() -> client.execute("closefd", fdname("disk0")))
				.satisfies((ex) -> assertThat(ex.description()).contains("disk0"));
		}
		finally {
			posix.close(fd);
		}
	}

	@Test
	void addFdPutsTheDescriptorIntoAnFdset() throws Exception {
		int fd = openFile();
		try (GuestlessQemu qemu = GuestlessQemu.start();
				QmpClient client = QmpClient.connect(qemu.socket(), QmpClientOptions.defaults(),
						QmpEventListener.NONE)) {
			ObjectNode arguments = JsonNodeFactory.instance.objectNode().put("opaque", "image-of-test");
			JsonNode added = client.executeWithFd("add-fd", arguments, fd);
			long fdsetId = added.path("fdset-id").asLong(-1);
			long qemuFd = added.path("fd").asLong(-1);
			assertThat(fdsetId).isNotNegative();
			assertThat(qemuFd).isNotNegative();
			JsonNode fdsets = client.execute("query-fdsets");
			assertThat(fdsets).hasSize(1);
			JsonNode fdset = fdsets.get(0);
			assertThat(fdset.path("fdset-id").asLong()).isEqualTo(fdsetId);
			assertThat(fdset.path("fds")).hasSize(1);
			assertThat(fdset.path("fds").get(0).path("fd").asLong()).isEqualTo(qemuFd);
			assertThat(fdset.path("fds").get(0).path("opaque").asString()).isEqualTo("image-of-test");
			// plain commands after the descriptor-carrying one still work (QEMU closes
			// removed descriptors
			// lazily, only once no monitor is connected, so the set itself may linger)
			assertThat(client.execute("remove-fd", Map.of("fdset-id", fdsetId)).isObject()).isTrue();
			assertThatExceptionOfType(QmpExecuteError.class)
				.isThrownBy(() -> client.execute("remove-fd", Map.of("fdset-id", fdsetId + 1)));
		}
		finally {
			posix.close(fd);
		}
	}

	private int openFile() throws Exception {
		Path file = Files.writeString(this.temp.resolve("image.raw"), "data");
		int fd = posix.open(file.toString(), OpenFlags.O_RDWR.intValue(), 0);
		assertThat(fd).as("open %s", file).isNotNegative();
		return fd;
	}

	private static ObjectNode fdname(String name) {
		return JsonNodeFactory.instance.objectNode().put("fdname", name);
	}

}
