package io.github.qemuembed.it.kubernetes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.github.qemuembed.driver.error.ResourceLimitException;
import io.github.qemuembed.driver.internal.xml.DomainXml;

/**
 * The rules that keep deploy/kubernetes/ consistent with an app's application.yml; each
 * broken rule is one line saying what to change. docs/kubernetes.md explains them.
 */
final class ManifestRules {

	/**
	 * The JVM's share of the pod's memory (heap, metaspace, threads, Tomcat), beyond the
	 * VMs.
	 */
	static final long JVM_ALLOWANCE_BYTES = 256L * 1024 * 1024;

	/**
	 * Time after the VMs' shutdown timeout for the web server's drain and the JVM's exit.
	 */
	static final Duration GRACE_MARGIN = Duration.ofSeconds(10);

	static final String KVM_RESOURCE = "devices.kubevirt.io/kvm";

	private final JsonNode application;

	private final Path resources;

	/**
	 * @param application the app's application.yml, as a tree
	 * @param resources the app's src/main/resources, where {@code classpath:} domain XML
	 * is
	 */
	ManifestRules(JsonNode application, Path resources) {
		this.application = application;
		this.resources = resources;
	}

	List<String> check(StatefulSet statefulSet) {
		List<String> problems = new ArrayList<>();
		var pod = statefulSet.getSpec().getTemplate().getSpec();
		Container app = pod.getContainers().get(0);
		int port = at("server", "port").map(JsonNode::asInt).orElse(8080);

		// ports and probes
		if (app.getPorts().stream().map(ContainerPort::getContainerPort).noneMatch((p) -> p == port)) {
			problems.add("the container exposes no port " + port + " (server.port)");
		}
		probe(problems, "startupProbe", app.getStartupProbe(), "/actuator/health/liveness", app, port);
		probe(problems, "livenessProbe", app.getLivenessProbe(), "/actuator/health/liveness", app, port);
		probe(problems, "readinessProbe", app.getReadinessProbe(), "/actuator/health/readiness", app, port);
		String readinessGroup = at("management", "endpoint", "health", "group", "readiness", "include")
			.map(JsonNode::asText)
			.orElse("");
		if (!Arrays.asList(readinessGroup.split("\\s*,\\s*")).contains("qemuReadiness")) {
			problems.add("management.endpoint.health.group.readiness.include lacks qemuReadiness: "
					+ "the readiness probe would not see the VMs");
		}
		String order = at("management", "endpoint", "health", "group", "readiness", "status", "order")
			.map(JsonNode::asText)
			.orElse("");
		int notReadyCode = at("management", "endpoint", "health", "group", "readiness", "status", "http-mapping",
				"not-ready")
			.map(JsonNode::asInt)
			.orElse(200);
		if (!Arrays.asList(order.split("\\s*,\\s*")).contains("not-ready") || notReadyCode != 503) {
			problems.add("the readiness group does not order not-ready (status.order) and map it to 503 "
					+ "(status.http-mapping.not-ready): a pod whose VM is not running would stay ready");
		}

		// grace period
		Duration shutdownTimeout = at("qemu", "embed", "shutdown", "timeout").map((n) -> duration(n.asText()))
			.orElse(Duration.ofSeconds(30));
		Long grace = pod.getTerminationGracePeriodSeconds();
		Duration needed = shutdownTimeout.plus(GRACE_MARGIN);
		if (grace == null || Duration.ofSeconds(grace).compareTo(needed) < 0) {
			problems.add("terminationGracePeriodSeconds is " + grace + ", less than qemu.embed.shutdown.timeout ("
					+ shutdownTimeout.toSeconds() + "s) + " + GRACE_MARGIN.toSeconds()
					+ "s: the VMs would be SIGKILLed");
		}

		// memory
		long vms = declaredDomainsBytes();
		long needBytes = vms + JVM_ALLOWANCE_BYTES;
		Map<String, Quantity> limits = app.getResources().getLimits();
		Map<String, Quantity> requests = app.getResources().getRequests();
		for (var entry : Map.of("limits", limits, "requests", requests).entrySet()) {
			Quantity memory = (entry.getValue() != null) ? entry.getValue().get("memory") : null;
			if (memory == null || Quantity.getAmountInBytes(memory).longValue() < needBytes) {
				problems.add("resources." + entry.getKey() + ".memory is " + memory
						+ ", less than the declared domains' " + "memory + QEMU overhead (" + vms / (1024 * 1024)
						+ " MiB) + the JVM's " + JVM_ALLOWANCE_BYTES / (1024 * 1024) + " MiB");
			}
		}

		// /dev/kvm
		if (limits == null || !limits.containsKey(KVM_RESOURCE)) {
			problems.add("resources.limits lacks " + KVM_RESOURCE + ": the pod would get no /dev/kvm");
		}

		// the root on the pod's own volume claim
		String root = app.getEnv()
			.stream()
			.filter((e) -> e.getName().equals("QEMU_EMBED_ROOT"))
			.map(EnvVar::getValue)
			.findFirst()
			.orElseGet(() -> at("qemu", "embed", "root").map(JsonNode::asText).orElse(null));
		List<String> claims = statefulSet.getSpec()
			.getVolumeClaimTemplates()
			.stream()
			.map(PersistentVolumeClaim::getMetadata)
			.map((m) -> m.getName())
			.toList();
		boolean onClaim = root != null && app.getVolumeMounts()
			.stream()
			.anyMatch((m) -> root.equals(m.getMountPath()) && claims.contains(m.getName()));
		if (!onClaim) {
			problems.add("the state root (" + root + ") is not a mount of a volumeClaimTemplate: detached VMs "
					+ "could not be adopted by the next container, and a read-only root filesystem has no place for it");
		}
		boolean readOnly = app.getSecurityContext() != null
				&& Boolean.TRUE.equals(app.getSecurityContext().getReadOnlyRootFilesystem());
		if (readOnly && app.getVolumeMounts().stream().map(VolumeMount::getMountPath).noneMatch("/tmp"::equals)) {
			problems.add("readOnlyRootFilesystem without a /tmp volume: the JVM and Tomcat need a writable /tmp");
		}

		// Prometheus
		Map<String, String> annotations = statefulSet.getSpec().getTemplate().getMetadata().getAnnotations();
		String exposure = at("management", "endpoints", "web", "exposure", "include").map(JsonNode::asText).orElse("");
		if (annotations == null || !"true".equals(annotations.get("prometheus.io/scrape"))
				|| !String.valueOf(port).equals(annotations.get("prometheus.io/port"))
				|| !"/actuator/prometheus".equals(annotations.get("prometheus.io/path"))) {
			problems.add("the pod template lacks prometheus.io/scrape=true, prometheus.io/port=" + port
					+ " and prometheus.io/path=/actuator/prometheus");
		}
		if (!Arrays.asList(exposure.split("\\s*,\\s*")).contains("prometheus")) {
			problems.add("management.endpoints.web.exposure.include lacks prometheus: the scrape would get 404");
		}
		return problems;
	}

	private static void probe(List<String> problems, String name, Probe probe, String path, Container app, int port) {
		HTTPGetAction get = (probe != null) ? probe.getHttpGet() : null;
		if (get == null) {
			problems.add(name + " is not an HTTP GET");
			return;
		}
		if (!path.equals(get.getPath())) {
			problems.add(name + " asks " + get.getPath() + ", not " + path);
		}
		if (resolve(get.getPort(), app) != port) {
			problems.add(name + " asks port " + get.getPort() + ", not the app's " + port);
		}
	}

	private static int resolve(IntOrString port, Container app) {
		if (port.getIntVal() != null) {
			return port.getIntVal();
		}
		return app.getPorts()
			.stream()
			.filter((p) -> Objects.equals(p.getName(), port.getStrVal()))
			.map(ContainerPort::getContainerPort)
			.findFirst()
			.orElse(-1);
	}

	/** Memory + QEMU overhead of each declared domain with autostart. */
	long declaredDomainsBytes() {
		JsonNode domains = at("qemu", "embed", "domains").orElse(null);
		long total = 0;
		if (domains == null) {
			return 0;
		}
		for (var entry : domains.properties()) {
			JsonNode domain = entry.getValue();
			if (!domain.path("autostart").asBoolean(false)) {
				continue;
			}
			String xml = domain.has("inline-xml") ? domain.get("inline-xml").asText()
					: read(domain.path("xml").asText());
			total += DomainXml.parse(xml).memoryKiB() * 1024 + ResourceLimitException.QEMU_MEMORY_OVERHEAD_BYTES;
		}
		return total;
	}

	private String read(String location) {
		if (!location.startsWith("classpath:")) {
			throw new IllegalArgumentException("only classpath: domain XML is read here, not " + location);
		}
		try {
			return Files.readString(this.resources.resolve(location.substring("classpath:".length())));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private Optional<JsonNode> at(String... path) {
		JsonNode node = this.application;
		for (String name : path) {
			node = node.path(name);
		}
		return node.isMissingNode() || node.isNull() ? Optional.empty() : Optional.of(node);
	}

	/** Spring's simple duration form (10s, 500ms, 2m), or ISO-8601. */
	private static Duration duration(String text) {
		var m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(text.trim());
		if (!m.matches()) {
			return Duration.parse(text.trim());
		}
		long n = Long.parseLong(m.group(1));
		return switch (m.group(2)) {
			case "ms" -> Duration.ofMillis(n);
			case "s" -> Duration.ofSeconds(n);
			case "m" -> Duration.ofMinutes(n);
			default -> Duration.ofHours(n);
		};
	}

}
