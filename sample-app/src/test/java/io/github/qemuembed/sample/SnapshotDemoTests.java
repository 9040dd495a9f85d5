package io.github.qemuembed.sample;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.github.qemuembed.testsupport.process.QemuRoots;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code snapshot-demo} profile: a snapshot round trip of the running 'demo' VM over
 * HTTP (the firmware-only VM of the {@code guestless} profile: nothing to fetch).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({ "guestless", "snapshot-demo" })
class SnapshotDemoTests {

	private static final Path root = QemuRoots.create();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("qemu.embed.root", root::toString);
		registry.add("qemu.embed.shutdown.mode", () -> "destroy");
	}

	@AfterAll
	static void cleanUp() {
		QemuRoots.cleanUp(root);
	}

	@Test
	void aSnapshotIsTakenRevertedToAndDeletedOverHttp() {
		Http http = new Http(this.port);
		long pid = JsonPath.<Number>read(http.get("/vms/demo").body(), "$.pid").longValue();
		HttpResponse<String> taken = http.post("/vms/demo/snapshots/first");
		assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
		assertThat(JsonPath.<Boolean>read(taken.body(), "$.full")).isTrue();
		assertThat(JsonPath.<String>read(taken.body(), "$.state")).isEqualTo("running");
		assertThat(http.post("/vms/demo/snapshots/first").statusCode()).as("the name exists").isEqualTo(409);
		assertThat(JsonPath.<List<String>>read(http.get("/vms/demo/snapshots").body(), "$[*].name"))
			.containsExactly("first");

		HttpResponse<String> reverted = http.post("/vms/demo/snapshots/first/revert");
		assertThat(reverted.statusCode()).as(reverted.body()).isEqualTo(200);
		assertThat(JsonPath.<String>read(reverted.body(), "$.state")).isEqualTo("running/from-snapshot");
		assertThat(JsonPath.<Number>read(http.get("/vms/demo").body(), "$.pid").longValue()).isNotEqualTo(pid);

		assertThat(http.delete("/vms/demo/snapshots/first").statusCode()).isEqualTo(200);
		assertThat(http.get("/vms/demo/snapshots").body()).isEqualTo("[]");
		// the profile opens snapshots of 'demo' only, and nothing else
		assertThat(http.post("/vms/demo/stop?force=true").statusCode()).isEqualTo(403);
	}

}
