package io.github.qemuembed.benchmarks.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import io.github.qemuembed.benchmarks.Benchmark;
import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Parallel;
import io.github.qemuembed.benchmarks.Row;
import io.github.qemuembed.benchmarks.Samples;
import io.github.qemuembed.benchmarks.Systems;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.QemuDriver;

/**
 * Scenario {@code context-close}: closing a Spring application context whose driver runs
 * N VMs, until the close returns and every QEMU process is gone; once with
 * {@code shutdown.mode=destroy}, once with {@code graceful}. The guest-less VMs have no
 * ACPI and ignore the power button, so {@code graceful} is the worst case: every VM is
 * forced off when the timeout runs out. The target is the timeout + 1 s, reported as
 * {@code graceful-target}.
 */
public final class ContextCloseBenchmark implements Benchmark {

	static final Duration GRACEFUL_TIMEOUT = Duration.ofSeconds(3);

	@Override
	public String scenario() {
		return "context-close";
	}

	@Override
	public List<String> systems() {
		return List.of(Systems.QEMU_EMBED);
	}

	@Override
	public List<Row> run(BenchmarkContext context) throws Exception {
		Samples destroy = new Samples();
		Samples graceful = new Samples();
		for (int i = 0; i < context.settings().springRuns(); i++) {
			destroy.add(closeWithRunningVms(context, "destroy"));
			graceful.add(closeWithRunningVms(context, "graceful"));
		}
		return List.of(Row.of(scenario(), Systems.QEMU_EMBED, "destroy", "ms", destroy),
				Row.of(scenario(), Systems.QEMU_EMBED, "graceful", "ms", graceful), Row.single(scenario(),
						Systems.QEMU_EMBED, "graceful-target", "ms", GRACEFUL_TIMEOUT.toMillis() + 1000));
	}

	private static double closeWithRunningVms(BenchmarkContext context, String mode) throws Exception {
		int vms = context.settings().springVms();
		ConfigurableApplicationContext application = BenchmarkApplication.run(context, context.newDirectory("qeec"),
				WebApplicationType.NONE, Map.of("qemu.embed.shutdown.mode", mode, "qemu.embed.shutdown.timeout",
						GRACEFUL_TIMEOUT.toMillis() + "ms"));
		List<ProcessHandle> processes = new ArrayList<>();
		try {
			QemuDriver driver = application.getBean(QemuDriver.class);
			List<Callable<Long>> starts = new ArrayList<>();
			for (int i = 0; i < vms; i++) {
				Domain domain = driver.define(SpringDomains.guestlessXml(context, "close" + i));
				starts.add(() -> {
					domain.start();
					return domain.info().pid().orElseThrow();
				});
			}
			for (Long pid : Parallel.run(Math.min(4, vms), starts)) {
				ProcessHandle.of(pid).ifPresent(processes::add);
			}
			long start = System.nanoTime();
			application.close();
			for (ProcessHandle process : processes) {
				SpringDomains.awaitGone(process);
			}
			return (System.nanoTime() - start) / 1_000_000.0;
		}
		finally {
			application.close();
			processes.forEach(ProcessHandle::destroyForcibly);
		}
	}

}
