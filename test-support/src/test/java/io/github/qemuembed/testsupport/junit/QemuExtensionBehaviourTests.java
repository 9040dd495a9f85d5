package io.github.qemuembed.testsupport.junit;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.testsupport.guest.TestGuest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs example test classes through {@link EngineTestKit} to see what the extension does
 * when tests fail, time out, or run in parallel: the examples fail on purpose (they are
 * enabled only inside the kit, see {@link OnlyInTestKit}), so the build itself stays
 * green.
 */
class QemuExtensionBehaviourTests {

	@Test
	void aFailingTestCarriesTheConsoleAndQemuLogAndItsVmsAreDestroyedEvenAfterATimeout() {
		FailingExamples.pids.clear();
		FailingExamples.roots.clear();

		Events tests = run(Map.of(), FailingExamples.class).testEvents();

		tests.assertStatistics((stats) -> stats.started(2).failed(2).succeeded(0));
		Throwable wrongOutput = failure(tests, "wrongOutput");
		assertThat(wrongOutput).isInstanceOf(AssertionError.class);
		String report = diagnostics(wrongOutput);
		assertThat(report).contains("console of 'shared'", TestGuest.READY_MARKER, "actual output", "QEMU log",
				"starting up qemu-embed", "guest=shared");

		Throwable timedOut = failure(tests, "timesOut");
		assertThat(timedOut).isInstanceOf(TimeoutException.class);
		assertThat(diagnostics(timedOut)).contains("console of 'quick'", "console of 'shared'");

		assertThat(FailingExamples.pids).containsOnlyKeys("shared", "quick");
		FailingExamples.pids
			.forEach((name, pid) -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("QEMU of %s", name)
				.satisfiesAnyOf((alive) -> assertThat(alive).isEmpty(), (alive) -> assertThat(alive).contains(false)));
		assertThat(FailingExamples.roots).isNotEmpty().allSatisfy((root) -> assertThat(root).doesNotExist());
	}

	@Test
	void perMethodDriversHaveRootsOfTheirOwnAndTheirVmsEndWithTheMethod() {
		PerMethodExamples.roots.clear();
		PerMethodExamples.pids.clear();

		EngineExecutionResults results = run(Map.of(), PerMethodExamples.class);
		Events tests = results.testEvents();

		assertNoFailures(results.allEvents());
		tests.assertStatistics((stats) -> stats.started(2).succeeded(2));
		assertThat(PerMethodExamples.roots).hasSize(2)
			.doesNotHaveDuplicates()
			.allSatisfy((root) -> assertThat(root).doesNotExist());
		assertThat(PerMethodExamples.pids).hasSize(1)
			.allSatisfy((pid) -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty());
	}

	@Test
	void nestedClassesShareTheDriverAndPerClassInstancesShareTheirVms() {
		SharingExamples.roots.clear();
		SharingExamples.pids.clear();

		EngineExecutionResults results = run(Map.of(), SharingExamples.class);

		assertNoFailures(results.allEvents());
		results.testEvents().assertStatistics((stats) -> stats.started(3).succeeded(3));
		assertThat(SharingExamples.roots).hasSize(3).containsOnly(SharingExamples.roots.get(0));
		assertThat(SharingExamples.roots.get(0)).doesNotExist();
		assertThat(SharingExamples.pids).hasSize(2).containsOnly(SharingExamples.pids.get(0));
		assertThat(ProcessHandle.of(SharingExamples.pids.get(0)).filter(ProcessHandle::isAlive)).isEmpty();
	}

	@Test
	void staticVmsNeedAClassWideDriver() {
		Events containers = run(Map.of(), StaticVmWithPerMethodDriver.class).containerEvents();

		containers.assertStatistics((stats) -> stats.failed(1));
		Throwable failure = containers.failed()
			.stream()
			.findFirst()
			.orElseThrow()
			.getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class)
			.getThrowable()
			.orElseThrow();
		assertThat(failure).isInstanceOf(ExtensionConfigurationException.class).hasMessageContaining("PER_METHOD");
	}

	@Test
	void fourClassesBootTheirGuestsInParallel() {
		ParallelExample.runs.clear();
		Map<String, String> parallel = Map.of("junit.jupiter.execution.parallel.enabled", "true",
				"junit.jupiter.execution.parallel.mode.default", "same_thread",
				"junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
				"junit.jupiter.execution.parallel.config.strategy", "fixed",
				"junit.jupiter.execution.parallel.config.fixed.parallelism", "4");

		EngineExecutionResults results = run(parallel, Parallel1.class, Parallel2.class, Parallel3.class,
				Parallel4.class);
		Events tests = results.testEvents();

		assertNoFailures(results.allEvents());
		tests.assertStatistics((stats) -> stats.started(4).succeeded(4));
		List<ParallelExample.Run> runs = new ArrayList<>(ParallelExample.runs);
		assertThat(runs).hasSize(4);
		assertThat(runs).extracting(ParallelExample.Run::root)
			.doesNotHaveDuplicates()
			.allSatisfy((root) -> assertThat(root).doesNotExist());
		// Each class saw only its own VM, and every VM was started before any class
		// finished its test.
		assertThat(runs).allSatisfy((run) -> assertThat(run.domains()).containsExactly("vm"));
		Instant lastStart = runs.stream().map(ParallelExample.Run::start).max(Instant::compareTo).orElseThrow();
		Instant firstEnd = runs.stream().map(ParallelExample.Run::end).min(Instant::compareTo).orElseThrow();
		assertThat(lastStart).isBefore(firstEnd);
	}

	private static EngineExecutionResults run(Map<String, String> configuration, Class<?>... classes) {
		EngineTestKit.Builder kit = EngineTestKit.engine("junit-jupiter")
			.configurationParameter(OnlyInTestKit.PARAMETER, "true")
			.configurationParameters(configuration);
		for (Class<?> type : classes) {
			kit.selectors(DiscoverySelectors.selectClass(type));
		}
		return kit.execute();
	}

	private static void assertNoFailures(Events tests) {
		assertThat(tests.failed()
			.stream()
			.map((e) -> e.getTestDescriptor().getDisplayName() + ": "
					+ e.getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class)
						.getThrowable()
						.map(QemuExtensionBehaviourTests::describe)
						.orElse("?"))
			.toList()).isEmpty();
	}

	private static String describe(Throwable failure) {
		StringWriter text = new StringWriter();
		failure.printStackTrace(new PrintWriter(text));
		return text.toString();
	}

	private static Throwable failure(Events tests, String method) {
		Event event = tests.failed()
			.stream()
			.filter((e) -> e.getTestDescriptor().getDisplayName().startsWith(method))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no failure of " + method));
		return event.getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class)
			.getThrowable()
			.orElseThrow();
	}

	private static String diagnostics(Throwable failure) {
		for (Throwable suppressed : failure.getSuppressed()) {
			if (suppressed instanceof VmDiagnostics) {
				return suppressed.getMessage();
			}
		}
		throw new AssertionError("no VM diagnostics on " + failure);
	}

	@QemuTest
	@OnlyInTestKit
	@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
	static class FailingExamples {

		static final Map<String, Long> pids = new ConcurrentHashMap<>();

		static final List<Path> roots = new CopyOnWriteArrayList<>();

		@TestVm(readyTimeoutSeconds = 300, boot = true)
		static GuestVm shared;

		@Test
		@Order(1)
		void wrongOutput(QemuDriver driver) {
			roots.add(driver.root());
			pids.put("shared", shared.domain().info().pid().getAsLong());
			assertThat(shared.run("echo actual output").output()).isEqualTo("expected output\n");
		}

		@Test
		@Order(2)
		@Timeout(value = 2, unit = TimeUnit.SECONDS)
		void timesOut(@TestVm(awaitReady = false) GuestVm quick) throws InterruptedException {
			pids.put("quick", quick.domain().info().pid().getAsLong());
			// blocks until @Timeout interrupts it: the timeout is what this example
			// demonstrates
			new CountDownLatch(1).await();
		}

	}

	@QemuTest(driverScope = DriverScope.PER_METHOD)
	@OnlyInTestKit
	static class PerMethodExamples {

		static final List<Path> roots = new CopyOnWriteArrayList<>();

		static final List<Long> pids = new CopyOnWriteArrayList<>();

		@Test
		void withAVmFromXml(QemuDriver driver,
				@TestVm(xml = "guestless-domain.xml", awaitReady = false) Domain firmware) {
			roots.add(driver.root());
			pids.add(firmware.info().pid().getAsLong());
			assertThat(firmware.name()).isEqualTo("firmware");
			assertThat(firmware.status().state()).isEqualTo(DomainState.RUNNING);
		}

		@Test
		void withoutVms(QemuDriver driver) {
			roots.add(driver.root());
			assertThat(driver.list(DomainListFilter.ALL)).isEmpty();
		}

	}

	@QemuTest
	@OnlyInTestKit
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	static class SharingExamples {

		static final List<Path> roots = new CopyOnWriteArrayList<>();

		static final List<Long> pids = new CopyOnWriteArrayList<>();

		/**
		 * An instance field, but the instance lives for the class: one VM for both tests.
		 */
		@TestVm(xml = "guestless-domain.xml", awaitReady = false)
		Domain firmware;

		@Test
		void first(QemuDriver driver) {
			roots.add(driver.root());
			pids.add(this.firmware.info().pid().getAsLong());
		}

		@Test
		void second(QemuDriver driver) {
			roots.add(driver.root());
			pids.add(this.firmware.info().pid().getAsLong());
		}

		@Nested
		class Inner {

			@Test
			void sameDriver(QemuDriver driver) {
				roots.add(driver.root());
			}

		}

	}

	@QemuTest(driverScope = DriverScope.PER_METHOD)
	@OnlyInTestKit
	static class StaticVmWithPerMethodDriver {

		@TestVm
		static GuestVm notAllowed;

		@Test
		void never() {
		}

	}

	abstract static class ParallelExample {

		/**
		 * What one class saw: its root, the domains on its driver, and its VM's lifetime
		 * up to the test's end.
		 */
		record Run(Path root, List<String> domains, Instant start, Instant end) {
		}

		static final List<Run> runs = new CopyOnWriteArrayList<>();

		/**
		 * Each class's own VM (a static field of its own: classes running in parallel
		 * share nothing).
		 */
		abstract GuestVm vm();

		@Test
		void runsACommand(QemuDriver driver) {
			GuestVm vm = vm();
			assertThat(driver.lookup("vm").uuid()).isEqualTo(vm.domain().uuid());
			assertThat(vm.runSuccessfully("echo ok from $(hostname)")).isEqualTo("ok from qemu-embed-guest\n");
			List<String> domains = driver.list(DomainListFilter.ALL).stream().map(Domain::name).toList();
			runs.add(new Run(driver.root(), domains, vm.domain().info().startedAt().orElseThrow(), Instant.now()));
		}

	}

	// Four TCG guests on a small shared machine: give them time to boot (real boots: that
	// is what runs in parallel).

	@QemuTest
	@OnlyInTestKit
	static class Parallel1 extends ParallelExample {

		@TestVm(readyTimeoutSeconds = 300, boot = true)
		static GuestVm vm;

		@Override
		GuestVm vm() {
			return vm;
		}

	}

	@QemuTest
	@OnlyInTestKit
	static class Parallel2 extends ParallelExample {

		@TestVm(readyTimeoutSeconds = 300, boot = true)
		static GuestVm vm;

		@Override
		GuestVm vm() {
			return vm;
		}

	}

	@QemuTest
	@OnlyInTestKit
	static class Parallel3 extends ParallelExample {

		@TestVm(readyTimeoutSeconds = 300, boot = true)
		static GuestVm vm;

		@Override
		GuestVm vm() {
			return vm;
		}

	}

	@QemuTest
	@OnlyInTestKit
	static class Parallel4 extends ParallelExample {

		@TestVm(readyTimeoutSeconds = 300, boot = true)
		static GuestVm vm;

		@Override
		GuestVm vm() {
			return vm;
		}

	}

}
