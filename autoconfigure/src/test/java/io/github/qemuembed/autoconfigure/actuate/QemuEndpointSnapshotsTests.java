package io.github.qemuembed.autoconfigure.actuate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DriverConfig;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.internal.fs.FileTrees;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /actuator/qemu/NAME} lists the domain's snapshots, with a real driver (no QEMU
 * started).
 */
class QemuEndpointSnapshotsTests {

	@Test
	void theDomainViewListsItsSnapshotsWithTheirParents() throws Exception {
		Path root = Files.createTempDirectory(Path.of("/tmp"), "qe");
		try (QemuDriver driver = QemuDriver
			.open(DriverConfig.builder(root).accessPolicy(AccessPolicy.allowAll()).build())) {
			Domain domain = driver.define("""
					<domain type='kvm'>
					  <name>snapped</name>
					  <memory unit='MiB'>64</memory>
					  <os><type arch='x86_64' machine='q35'>hvm</type></os>
					</domain>""");
			domain.createSnapshot("<domainsnapshot><name>first</name></domainsnapshot>");
			domain.createSnapshot("<domainsnapshot><name>second</name></domainsnapshot>");
			DomainSnapshots snapshots = DomainSnapshots.asApplication(driver, Duration.ofSeconds(5));
			try {
				WebEndpointResponse<Object> response = new QemuEndpoint(driver, snapshots, Duration.ofSeconds(5))
					.domain("snapped");
				assertThat(response.getStatus()).isEqualTo(200);
				@SuppressWarnings("unchecked")
				List<Map<String, Object>> listed = (List<Map<String, Object>>) ((Map<String, Object>) response
					.getBody()).get("snapshots");
				assertThat(listed)
					.extracting((s) -> s.get("name"), (s) -> s.get("parent"), (s) -> s.get("current"),
							(s) -> s.get("state"))
					.containsExactly(org.assertj.core.groups.Tuple.tuple("first", null, false, "shutoff"),
							org.assertj.core.groups.Tuple.tuple("second", "first", true, "shutoff"));
			}
			finally {
				snapshots.destroy();
			}
			domain.deleteSnapshot("second");
			domain.deleteSnapshot("first");
			domain.undefine();
		}
		finally {
			FileTrees.deleteQuietly(root);
		}
	}

}
