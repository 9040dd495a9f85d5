package io.github.qemuembed.it.spring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import io.github.qemuembed.autoconfigure.QemuEmbedAutoConfiguration;
import io.github.qemuembed.autoconfigure.observation.QemuEmbedObservationAutoConfiguration;
import io.github.qemuembed.autoconfigure.secondary.QemuEmbedSecondaryAutoConfiguration;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.testsupport.libvirt.LibvirtContainer;
import io.github.qemuembed.testsupport.process.QemuRoots;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The span tree of a declared domain whose disk is a volume of a real libvirt daemon (in
 * a container): the remote storage driver's calls, made while the domain starts, are
 * children of {@code qemu.domain.start} beside its QMP commands, and are timed.
 */
class ObservedSecondaryDriverIT {

	private static final Path shared = QemuRoots.create();

	private static final Path root = QemuRoots.create();

	private static final LibvirtContainer daemon = new LibvirtContainer().withSharedHostDirectory(shared);

	@BeforeAll
	static void startTheDaemonWithAPool() throws Exception {
		daemon.start();
		Path pool = Files.createDirectory(shared.resolve("pool"));
		daemon.virsh("storage", "pool-define-as", "qe-pool", "dir", "--target", pool.toString());
		daemon.virsh("storage", "pool-start", "qe-pool");
		daemon.virsh("storage", "vol-create-as", "qe-pool", "data.qcow2", "16M", "--format", "qcow2");
	}

	@AfterAll
	static void stopTheDaemon() {
		daemon.stop();
		QemuRoots.cleanUp(root);
		QemuRoots.cleanUp(shared);
	}

	@Test
	void theStorageDriversCallsAreChildrenOfTheStart() {
		String xml = """
				<domain type='kvm'><name>vm</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
				  <os><type arch='x86_64' machine='q35'>hvm</type></os>
				  <devices>
				    <disk type='volume' device='disk'>
				      <driver name='qemu' type='qcow2'/>
				      <source pool='qe-pool' volume='data.qcow2'/>
				      <target dev='vda' bus='virtio'/>
				    </disk>
				  </devices>
				</domain>""";
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
					MicrometerTracingAutoConfiguration.class, QemuEmbedSecondaryAutoConfiguration.class,
					QemuEmbedAutoConfiguration.class, QemuEmbedObservationAutoConfiguration.class))
			.withBean(SimpleTracer.class, SimpleTracer::new)
			.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("qemu.embed.root=" + root, "qemu.embed.shutdown.mode=destroy",
					"qemu.embed.secondary.storage=" + daemon.unixUri("storage"),
					"qemu.embed.domains.vm.inline-xml=" + xml, "qemu.embed.domains.vm.autostart=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(QemuDriver.class).lookup("vm").status().state())
					.isEqualTo(DomainState.RUNNING);
				SimpleTracer tracer = context.getBean(SimpleTracer.class);
				List<SimpleSpan> starts = named(tracer, "qemu.domain.start");
				assertThat(starts).hasSize(1);
				SimpleSpan start = starts.get(0);
				List<SimpleSpan> children = tracer.getSpans()
					.stream()
					.filter((span) -> start.getSpanId().equals(span.getParentId()))
					.sorted(Comparator.comparing(SimpleSpan::getStartTimestamp))
					.toList();
				// the volume is resolved before QEMU is launched, its monitor negotiated
				// after
				assertThat(children).extracting(SimpleSpan::getName)
					.contains("libvirt STORAGE_POOL_LOOKUP_BY_NAME", "libvirt STORAGE_VOL_LOOKUP_BY_NAME",
							"qmp qmp_capabilities", "qmp cont");
				List<String> names = children.stream().map(SimpleSpan::getName).toList();
				assertThat(names.indexOf("libvirt STORAGE_VOL_LOOKUP_BY_NAME"))
					.isLessThan(names.indexOf("qmp qmp_capabilities"));
				assertThat(children).filteredOn((span) -> span.getName().startsWith("libvirt "))
					.allSatisfy((span) -> assertThat(span.getTags()).containsEntry("role", "storage")
						.containsEntry("outcome", "success")
						.containsEntry("endpoint", daemon.unixUri("storage")));
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("qemu.rpc")
					.tags("procedure", "STORAGE_VOL_LOOKUP_BY_NAME", "role", "storage", "outcome", "success")
					.timer()
					.count()).isPositive();
				assertThat(
						meters.get("qemu.rpc").tags("procedure", "CONNECT_OPEN", "outcome", "success").timer().count())
					.isEqualTo(1);
			});
	}

	private static List<SimpleSpan> named(SimpleTracer tracer, String name) {
		return tracer.getSpans().stream().filter((span) -> name.equals(span.getName())).toList();
	}

}
