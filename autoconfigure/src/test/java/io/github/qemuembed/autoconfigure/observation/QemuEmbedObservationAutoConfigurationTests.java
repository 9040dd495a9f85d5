package io.github.qemuembed.autoconfigure.observation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import io.github.qemuembed.autoconfigure.QemuEmbedAutoConfiguration;
import io.github.qemuembed.autoconfigure.QemuProcesses;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.error.InvalidOperationException;
import io.github.qemuembed.driver.error.QmpException;
import io.github.qemuembed.driver.internal.fs.FileTrees;
import io.github.qemuembed.driver.observation.DriverObserver;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Observations of the auto-configured driver with Spring Boot's own observation, metrics
 * and tracing auto-configurations, the test tracer of Micrometer Tracing, and guest-less
 * QEMU: the span tree of a start, the timers recorded from the observations, and
 * conventions replaced by beans.
 */
class QemuEmbedObservationAutoConfigurationTests {

	private static final String GUESTLESS = "<domain type='kvm'><name>%s</name><memory unit='MiB'>64</memory>"
			+ "<vcpu>1</vcpu><os><type arch='x86_64' machine='q35'>hvm</type></os></domain>";

	private Path root;

	@BeforeEach
	void createRoot() throws Exception {
		this.root = Files.createTempDirectory(Path.of("/tmp"), "qe");
	}

	@AfterEach
	void cleanUp() throws Exception {
		QemuProcesses.killAll(this.root);
		FileTrees.deleteQuietly(this.root);
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
					MicrometerTracingAutoConfiguration.class, QemuEmbedAutoConfiguration.class,
					QemuEmbedObservationAutoConfiguration.class))
			.withBean(SimpleTracer.class, SimpleTracer::new)
			.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("qemu.embed.root=" + this.root, "qemu.embed.shutdown.mode=destroy");
	}

	@Test
	void aDeclaredDomainsStartIsASpanWithItsQmpCommandsAsChildren() {
		runner()
			.withPropertyValues("qemu.embed.domains.alpha.inline-xml=" + GUESTLESS.formatted("alpha"),
					"qemu.embed.domains.alpha.autostart=true")
			.run((context) -> {
				SimpleTracer tracer = context.getBean(SimpleTracer.class);
				SimpleSpan start = only(tracer, "qemu.domain.start");
				assertThat(start.getTags()).containsEntry("domain", "alpha")
					.containsEntry("operation", "start")
					.containsEntry("outcome", "success")
					.containsEntry("error.code", "none");
				assertThat(start.getEndTimestamp()).isAfter(start.getStartTimestamp());
				List<SimpleSpan> children = childrenOf(tracer, start);
				// qmp_capabilities is sent by the QMP I/O thread when QEMU greets: still
				// a child of the start
				assertThat(children).extracting(SimpleSpan::getName)
					.startsWith("qmp qmp_capabilities")
					.contains("qmp cont");
				assertThat(children).allSatisfy((span) -> {
					assertThat(span.getTraceId()).isEqualTo(start.getTraceId());
					assertThat(span.getTags()).containsEntry("domain", "alpha").containsEntry("outcome", "success");
					assertThat(span.getEndTimestamp()).isAfterOrEqualTo(span.getStartTimestamp());
				});
				assertThat(only(tracer, "qmp cont").getTags()).containsEntry("command", "cont")
					.containsEntry("error.class", "none");
				// the lifecycle defined the declared domain before it started it
				assertThat(only(tracer, "qemu.domain.define").getTags()).containsEntry("domain", "alpha")
					.containsEntry("operation", "define");
			});
	}

	@Test
	void operationsInsideTheApplicationsObservationAreItsChildren() {
		runner()
			.withPropertyValues("qemu.embed.domains.beta.inline-xml=" + GUESTLESS.formatted("beta"),
					"qemu.embed.domains.beta.autostart=true")
			.run((context) -> {
				SimpleTracer tracer = context.getBean(SimpleTracer.class);
				ObservationRegistry registry = context.getBean(ObservationRegistry.class);
				Domain beta = context.getBean(QemuDriver.class).lookup("beta");
				Observation.createNotStarted("app.maintenance", registry).observe(() -> {
					beta.suspend();
					beta.resume();
				});
				SimpleSpan maintenance = only(tracer, "app.maintenance");
				assertThat(childrenOf(tracer, maintenance)).extracting(SimpleSpan::getName)
					.containsExactly("qemu.domain.suspend", "qemu.domain.resume");
				assertThat(childrenOf(tracer, only(tracer, "qemu.domain.suspend"))).extracting(SimpleSpan::getName)
					.containsExactly("qmp stop");
				assertThat(childrenOf(tracer, only(tracer, "qemu.domain.resume"))).extracting(SimpleSpan::getName)
					.containsExactly("qmp cont");
			});
	}

	@Test
	void timersComeFromTheObservationsOnce() {
		runner()
			.withPropertyValues("qemu.embed.domains.gamma.inline-xml=" + GUESTLESS.formatted("gamma"),
					"qemu.embed.domains.gamma.autostart=true")
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				Domain gamma = context.getBean(QemuDriver.class).lookup("gamma");
				assertThatExceptionOfType(InvalidOperationException.class).isThrownBy(gamma::start);
				assertThatExceptionOfType(QmpException.class)
					.isThrownBy(() -> gamma.qmp("{\"execute\": \"no-such-command\"}"));
				gamma.destroy();
				assertThat(meters.get("qemu.domain.operations")
					.tags("operation", "start", "outcome", "success", "exception", "none", "error.code", "none",
							"error", "none")
					.timer()
					.count()).isEqualTo(1);
				assertThat(meters.get("qemu.domain.operations")
					.tags("operation", "start", "outcome", "failure", "exception", "InvalidOperationException",
							"error.code", "OPERATION_INVALID")
					.timer()
					.count()).isEqualTo(1);
				assertThat(meters.get("qemu.domain.operations")
					.tags("operation", "destroy", "outcome", "success")
					.timer()
					.count()).isEqualTo(1);
				// the domain's name is high-cardinality: on the spans, not on the timers
				assertThat(meters.find("qemu.domain.operations").tagKeys("domain").timers()).isEmpty();
				assertThat(meters.get("qemu.qmp").tags("command", "cont", "outcome", "success").timer().count())
					.isEqualTo(1);
				assertThat(meters.get("qemu.qmp")
					.tags("command", "no-such-command", "outcome", "failure", "error.class", "CommandNotFound")
					.timer()
					.count()).isEqualTo(1);
			});
	}

	@Test
	void aConventionBeanReplacesTheDefault() {
		runner()
			.withPropertyValues("qemu.embed.domains.delta.inline-xml=" + GUESTLESS.formatted("delta"),
					"qemu.embed.domains.delta.autostart=true")
			.withBean(DomainOperationObservationConvention.class, DomainTagged::new)
			.withBean(QmpCommandObservationConvention.class, RenamedQmp::new)
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("app.qmp").tags("command", "cont").timer().count()).isEqualTo(1);
				assertThat(meters.find("qemu.qmp").timers()).isEmpty();
				assertThat(meters.get("qemu.domain.operations")
					.tags("domain", "delta", "operation", "start", "outcome", "success")
					.timer()
					.count()).isEqualTo(1);
				assertThat(only(context.getBean(SimpleTracer.class), "qemu.domain.start").getTags())
					.containsEntry("domain", "delta");
			});
	}

	@Test
	void withoutAnObservationRegistryTheDriverIsNotObserved() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(QemuEmbedAutoConfiguration.class,
					QemuEmbedObservationAutoConfiguration.class))
			.withPropertyValues("qemu.embed.root=" + this.root)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(DriverObserver.class));
	}

	@Test
	void theObserverCanBeTurnedOffWithTheDriver() {
		runner().withPropertyValues("qemu.embed.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(DriverObserver.class)
				.doesNotHaveBean(QemuDriver.class));
	}

	/** What a user who wants the domain on the timers declares. */
	static class DomainTagged extends DefaultDomainOperationObservationConvention {

		@Override
		public KeyValues getLowCardinalityKeyValues(DomainOperationContext context) {
			return super.getLowCardinalityKeyValues(context).and("domain", context.getDomain());
		}

	}

	static class RenamedQmp extends DefaultQmpCommandObservationConvention {

		@Override
		public String getName() {
			return "app.qmp";
		}

	}

	private static SimpleSpan only(SimpleTracer tracer, String name) {
		List<SimpleSpan> named = tracer.getSpans().stream().filter((span) -> name.equals(span.getName())).toList();
		assertThat(named).as("spans named %s among %s", name, names(tracer)).hasSize(1);
		return named.get(0);
	}

	private static List<SimpleSpan> childrenOf(SimpleTracer tracer, SimpleSpan parent) {
		return tracer.getSpans()
			.stream()
			.filter((span) -> parent.getSpanId().equals(span.getParentId()))
			.sorted(Comparator.comparing(SimpleSpan::getStartTimestamp))
			.toList();
	}

	private static List<String> names(SimpleTracer tracer) {
		return tracer.getSpans().stream().map(SimpleSpan::getName).toList();
	}

}
