package io.github.qemuembed.it.kubernetes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/kubernetes/ read with the Kubernetes model (fabric8) and checked against
 * sample-app's application.yml: probes, ports, grace period, memory, /dev/kvm, the root's
 * volume claim, Prometheus. The rules are shown to catch each kind of drift on altered
 * copies.
 */
class ManifestConsistencyTests {

	private static final Path REPOSITORY = Path.of(System.getProperty("qemu.embed.repository.dir", ".."));

	private static final YAMLMapper yaml = (YAMLMapper) new YAMLMapper()
		.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

	private static StatefulSet statefulSet() throws IOException {
		return yaml.readValue(REPOSITORY.resolve("deploy/kubernetes/statefulset.yaml").toFile(), StatefulSet.class);
	}

	private static ManifestRules rules() throws IOException {
		return new ManifestRules(application(), REPOSITORY.resolve("sample-app/src/main/resources"));
	}

	/**
	 * The sample's application.yml as the image runs it: the default document, with the
	 * documents of the profiles the image activates ({@code ENV SPRING_PROFILES_ACTIVE}
	 * in deploy/image/Dockerfile) merged over it, as Spring Boot merges them.
	 */
	static JsonNode application() throws IOException {
		List<String> profiles = Files.readAllLines(REPOSITORY.resolve("deploy/image/Dockerfile"))
			.stream()
			.filter((line) -> line.startsWith("ENV SPRING_PROFILES_ACTIVE="))
			.flatMap((line) -> Arrays.stream(line.substring(line.indexOf('=') + 1).split(",")))
			.map(String::strip)
			.toList();
		ObjectNode merged = yaml.createObjectNode();
		try (MappingIterator<JsonNode> documents = yaml.readerFor(JsonNode.class)
			.readValues(REPOSITORY.resolve("sample-app/src/main/resources/application.yml").toFile())) {
			for (JsonNode document : documents.readAll()) {
				String profile = document.path("spring").path("config").path("activate").path("on-profile").asText("");
				if (profile.isEmpty() || profiles.contains(profile)) {
					merge(merged, document);
				}
			}
		}
		return merged;
	}

	private static void merge(ObjectNode into, JsonNode from) {
		from.fields().forEachRemaining((field) -> {
			JsonNode existing = into.get(field.getKey());
			if (existing instanceof ObjectNode object && field.getValue().isObject()) {
				merge(object, field.getValue());
			}
			else {
				into.set(field.getKey(), field.getValue().deepCopy());
			}
		});
	}

	@Test
	void manifestsFitTheSampleApp() throws IOException {
		assertThat(rules().check(statefulSet())).isEmpty();
		// the demo VM is counted: 64 MiB + 128 MiB overhead
		assertThat(rules().declaredDomainsBytes()).isEqualTo(192L * 1024 * 1024);
	}

	@Test
	void serviceIsHeadlessAndGovernsTheStatefulSet() throws IOException {
		Service service = yaml.readValue(REPOSITORY.resolve("deploy/kubernetes/service.yaml").toFile(), Service.class);
		StatefulSet statefulSet = statefulSet();
		assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
		assertThat(statefulSet.getSpec().getServiceName()).isEqualTo(service.getMetadata().getName());
		assertThat(service.getSpec().getSelector())
			.isEqualTo(statefulSet.getSpec().getTemplate().getMetadata().getLabels());
		assertThat(service.getSpec().getPorts()).singleElement()
			.satisfies((port) -> assertThat(port.getTargetPort()).isEqualTo(new IntOrString("http")));
	}

	@Test
	void eachKindOfDriftIsReported() throws IOException {
		StatefulSet grace = statefulSet();
		grace.getSpec().getTemplate().getSpec().setTerminationGracePeriodSeconds(15L);
		assertThat(rules().check(grace)).singleElement().asString().startsWith("terminationGracePeriodSeconds is 15");

		StatefulSet memory = statefulSet();
		memory.getSpec()
			.getTemplate()
			.getSpec()
			.getContainers()
			.get(0)
			.getResources()
			.getLimits()
			.put("memory", new Quantity("256Mi"));
		assertThat(rules().check(memory)).singleElement().asString().startsWith("resources.limits.memory is 256Mi");

		StatefulSet kvm = statefulSet();
		kvm.getSpec()
			.getTemplate()
			.getSpec()
			.getContainers()
			.get(0)
			.getResources()
			.getLimits()
			.remove(ManifestRules.KVM_RESOURCE);
		assertThat(rules().check(kvm)).singleElement().asString().contains("devices.kubevirt.io/kvm");

		StatefulSet probe = statefulSet();
		probe.getSpec()
			.getTemplate()
			.getSpec()
			.getContainers()
			.get(0)
			.getReadinessProbe()
			.getHttpGet()
			.setPath("/actuator/health");
		assertThat(rules().check(probe)).singleElement().asString().startsWith("readinessProbe asks /actuator/health,");

		StatefulSet port = statefulSet();
		port.getSpec()
			.getTemplate()
			.getSpec()
			.getContainers()
			.get(0)
			.getLivenessProbe()
			.getHttpGet()
			.setPort(new IntOrString(9090));
		assertThat(rules().check(port)).singleElement().asString().startsWith("livenessProbe asks port");

		StatefulSet root = statefulSet();
		root.getSpec()
			.getTemplate()
			.getSpec()
			.getContainers()
			.get(0)
			.getVolumeMounts()
			.removeIf((m) -> m.getName().equals("state"));
		assertThat(rules().check(root)).singleElement().asString().startsWith("the state root (/var/lib/qemu-embed)");

		JsonNode unmapped = application();
		((ObjectNode) unmapped.path("management").path("endpoint").path("health").path("group").path("readiness"))
			.remove("status");
		assertThat(
				new ManifestRules(unmapped, REPOSITORY.resolve("sample-app/src/main/resources")).check(statefulSet()))
			.singleElement()
			.asString()
			.startsWith("the readiness group does not order not-ready");

		StatefulSet scrape = statefulSet();
		scrape.getSpec().getTemplate().getMetadata().setAnnotations(Map.of());
		assertThat(rules().check(scrape)).singleElement().asString().contains("prometheus.io/scrape");
	}

}
