package io.github.qemuembed.it.pod;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.testsupport.guest.TestGuest;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app's image as a pod runs it: probes, the VM as the app's child,
 * {@code docker stop} (SIGTERM and a grace period, as Kubernetes'
 * terminationGracePeriodSeconds, also during start), {@code docker kill}, the memory
 * limit and a real OOM kill, and the faults of a container (no /dev/kvm, an unusable one,
 * a read-only root filesystem).
 * <p>
 * /dev/kvm is passed to every container but one (the OOM test runs without it, as a pod
 * without the device plugin); on these hosts it is {@code root:root 0600}, so the app's
 * non-root user cannot use it and the VMs run under TCG (the entry point says so): Linux
 * guests must boot with TCG here anyway.
 */
class SampleAppContainerIT {

	private static final long MIB = 1024 * 1024;

	/** Spring Boot's failure analysis, or its plain report when no analyzer applies. */
	private static final String FAILED_TO_START = ".*(APPLICATION FAILED TO START|Application run failed).*";

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void probesChildVmAndDockerStopPowersGuestsOffAndExitsZero() throws Exception {
		TestGuest guest = TestGuest.standard();
		String guestXml = guest.domain("guest")
			.type("qemu")
			.memoryMiB(128)
			.toXml()
			.replace(guest.kernel().toString(), "/guest/vmlinuz")
			.replace(guest.initramfs().toString(), "/guest/initramfs.cpio.gz");
		try (SampleAppContainer app = new SampleAppContainer(1024 * MIB).withFile(guest.kernel(), "/guest/vmlinuz")
			.withFile(guest.initramfs(), "/guest/initramfs.cpio.gz")
			.withArguments("--qemu.embed.domains.guest.inline-xml=" + guestXml,
					"--qemu.embed.domains.guest.autostart=true", "--qemu.embed.shutdown.timeout=20s")) {
			long started = System.nanoTime();
			app.start();
			System.out.printf("SampleAppContainerIT: container start to readiness UP (VMs running): %d ms%n",
					(System.nanoTime() - started) / 1_000_000);
			String base = "http://" + app.getHost() + ":" + app.getMappedPort(8080);
			HttpResponse<String> readiness = get(base + "/actuator/health/readiness");
			assertThat(readiness.statusCode()).isEqualTo(200);
			assertThat(get(base + "/actuator/health/liveness").statusCode()).isEqualTo(200);
			assertThat(get(base + "/actuator/health").body()).contains("\"qemuReadiness\"")
				.contains("\"declared\":[\"demo\",\"guest\"]");
			assertThat(app.getLogs()).contains("qemu-embed: WARNING: /dev/kvm exists but user 10001");

			// both QEMUs are children of the JVM, which is the container's pid 1 (the
			// entry point execs java)
			List<String> qemuParents = processes(app).stream()
				.filter((line) -> line.contains("qemu-system-x86_64"))
				.map((line) -> line.split(" ", 2)[0])
				.toList();
			assertThat(qemuParents).containsExactly("1", "1");
			assertThat(processes(app)).anyMatch((line) -> line.startsWith("0 ") && line.contains("JarLauncher"));

			// wait until the guest's shell runs, so that it answers the ACPI power button
			await().atMost(Duration.ofMinutes(2)).until(() -> consoleSaysReady(base));

			app.dockerStop(40);
			var state = app.state();
			String log = app.getLogs(OutputFrame.OutputType.STDOUT);
			assertThat(state.getExitCodeLong())
				.as("exit status (137: killed at the end of the grace period); log:%n%s", log)
				.isZero();
			assertThat(log).contains("Stopping 2 running domain(s)")
				.contains("VM 'guest' stopped: the guest powered off")
				.contains("VM 'demo' stopped: forced off");
		}
	}

	/**
	 * The guest's console through the app's own API: its serial log once the shell is up.
	 */
	private static boolean consoleSaysReady(String base) {
		try {
			return get(base + "/vms/guest/console").body().contains(TestGuest.READY_MARKER);
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/**
	 * A real OOM kill: the container's memory fills up (a process that only grows,
	 * {@code tail /dev/zero}), and the cgroup's OOM killer picks QEMU. Which process it
	 * picks depends on the sizes; the test makes it deterministic the way the kubelet
	 * does, with {@code oom_score_adj}: QEMU's raised to 1000, the filler's to 100, the
	 * JVM's left at 0 (raising one's own processes' scores needs no privilege). The
	 * kernel adds adj/1000 of the limit to each resident size: QEMU's score is above the
	 * limit, the filler's below it unless the JVM were tiny (at 300 the filler won here:
	 * 600 MiB + 30 % of 768 MiB against QEMU's 34 MiB + 768 MiB). Then the filler itself
	 * is killed once QEMU's memory is not enough (its score beats the JVM's while the JVM
	 * holds less than half the limit). Without /dev/kvm in the container: the entry point
	 * warns and the VM runs with TCG.
	 */
	@Test
	void oomKilledVmIsCrashedWithTheLimitThePodUnreadyAndDockerKillLeavesNothingOnTheHost() throws Exception {
		try (SampleAppContainer app = new SampleAppContainer(768 * MIB).withoutKvm()) {
			app.start();
			String base = "http://" + app.getHost() + ":" + app.getMappedPort(8080);
			assertThat(app.getLogs())
				.contains("qemu-embed: WARNING: no /dev/kvm in this container: VMs with accel auto "
						+ "run emulated (TCG), accel kvm is refused.");
			assertThat(get(base + "/vms/demo").body()).contains("running");
			ExecResult fill = app.execInContainer("sh", "-c",
					// by comm (truncated to 15 characters): this script's own command
					// line names QEMU too
					"for p in /proc/[0-9]*; do [ \"$(cat $p/comm 2>/dev/null)\" = qemu-system-x86 ] && echo 1000 > $p/oom_score_adj; done; "
							+ "echo 100 > /proc/self/oom_score_adj && exec tail /dev/zero");
			assertThat(fill.getExitCode()).as("the filler ends OOM-killed too: %s", fill).isEqualTo(137);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> get(base + "/actuator/health/readiness").statusCode() == 503);
			assertThat(get(base + "/actuator/health/readiness").body()).contains("\"demo\":\"shutoff (crashed)\"");
			assertThat(get(base + "/actuator/health/liveness").statusCode()).isEqualTo(200);
			HttpResponse<String> health = get(base + "/actuator/health");
			assertThat(health.statusCode()).isEqualTo(200);
			String oomKilled = "killed by signal 9, OOM-killed: the memory limit of 768 MiB (" + memoryLimitFile()
					+ ") was reached; the cgroup's oom_kill count went from 0 to ";
			assertThat(health.body()).contains("\"crashReasons\":{\"demo\":\"" + oomKilled);
			assertThat(app.getLogs()).contains("VM 'demo' crashed: " + oomKilled);
			// started again (the app's own API), then the whole container killed
			HttpResponse<String> start = http.send(HttpRequest.newBuilder(URI.create(base + "/vms/demo/start"))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(start.statusCode()).isEqualTo(200);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> get(base + "/actuator/health/readiness").statusCode() == 200);
			assertThat(get(base + "/actuator/health").body()).doesNotContain("crashReasons");
			ProcessHandle jvm = ProcessHandle.of(app.hostPid()).orElseThrow();
			// one QEMU, besides the launcher's spare wrapper (Perl) waiting for the next
			// start; every child dies with the container
			List<ProcessHandle> children = jvm.children().toList();
			assertThat(children).filteredOn((child) -> child.info().command().orElse("").endsWith("qemu-system-x86_64"))
				.hasSize(1);
			app.dockerKill();
			jvm.onExit().get();
			for (ProcessHandle child : children) {
				child.onExit().get();
			}
			assertThat(jvm.isAlive()).isFalse();
			assertThat(children).noneMatch(ProcessHandle::isAlive);
			assertThat(app.state().getRunning()).isFalse();
		}
	}

	/**
	 * SIGTERM while the declared domain is being started ({@code docker stop} right after
	 * the driver opened): the start ends, the VM is stopped, the app exits 0, and nothing
	 * is left on the host.
	 */
	@Test
	void dockerStopDuringStartExitsZeroAndLeavesNothing() throws Exception {
		try (SampleAppContainer app = new SampleAppContainer(768 * MIB)
			.waitingFor(Wait.forLogMessage(".*qemu-embed driver opened on root.*", 1)
				.withStartupTimeout(Duration.ofMinutes(3)))) {
			app.start();
			ProcessHandle jvm = ProcessHandle.of(app.hostPid()).orElseThrow();
			// whatever the app has started by now (QEMU, its setpriv wrapper), seen from
			// the host
			List<ProcessHandle> children = jvm.descendants().toList();
			app.dockerStop(30);
			jvm.onExit().get();
			var state = app.state();
			String log = app.getLogs();
			assertThat(state.getRunning()).isFalse();
			assertThat(state.getExitCodeLong())
				.as("exit status (137: killed at the end of the grace period); log:%n%s", log)
				.isZero();
			await().atMost(Duration.ofSeconds(30)).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
			assertThat(log).doesNotContain("Exception in thread").doesNotContain("APPLICATION FAILED TO START");
		}
	}

	/**
	 * The file of a container's memory limit as the driver inside names it: the
	 * containers have the host's cgroup version (Debian 12 boots with v2, these machines
	 * with v1).
	 */
	private static String memoryLimitFile() {
		boolean v2 = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
		return v2 ? "/sys/fs/cgroup/memory.max" : "/sys/fs/cgroup/memory/memory.limit_in_bytes";
	}

	@Test
	void aDomainLargerThanTheMemoryLimitIsRefusedNamingTheLimit() throws Exception {
		String big = "<domain type='qemu'><name>big</name><memory unit='MiB'>1024</memory><vcpu>1</vcpu>"
				+ "<os><type arch='x86_64' machine='q35'>hvm</type></os></domain>";
		try (SampleAppContainer app = new SampleAppContainer(512 * MIB)
			.withArguments("--qemu.embed.domains.demo.autostart=false", "--qemu.embed.domains.big.inline-xml=" + big,
					"--qemu.embed.domains.big.autostart=true")
			.waitingFor(Wait.forLogMessage(FAILED_TO_START, 1).withStartupTimeout(Duration.ofMinutes(3)))) {
			app.start();
			await().atMost(Duration.ofMinutes(1)).until(() -> !app.state().getRunning());
			assertThat(app.state().getExitCodeLong()).isNotZero();
			assertThat(app.getLogs()).contains(
					"Domain 'big' does not fit the memory limit of 512 MiB (" + memoryLimitFile() + ")",
					"1024 MiB guest memory + 128 MiB QEMU overhead");
		}
	}

	@Test
	void withoutUsableKvmAccelKvmIsRefused() {
		try (SampleAppContainer app = new SampleAppContainer(768 * MIB).withArguments("--qemu.embed.accel=kvm")
			.waitingFor(Wait.forLogMessage(FAILED_TO_START, 1).withStartupTimeout(Duration.ofMinutes(3)))) {
			app.start();
			await().atMost(Duration.ofMinutes(1)).until(() -> !app.state().getRunning());
			assertThat(app.state().getExitCodeLong()).isNotZero();
			assertThat(app.getLogs()).contains("qemu-embed: WARNING: /dev/kvm exists but user 10001")
				.contains("accel=kvm was requested but KVM is not usable here");
		}
	}

	@Test
	void readOnlyRootFilesystemRunsWithTheStateRootOnAVolumeAndAVcpuOverTheQuotaIsAWarning() throws Exception {
		try (SampleAppContainer app = new SampleAppContainer(768 * MIB)
			// 0.9 CPU: the demo's one vCPU is more than the quota
			.withCreateContainerCmdModifier(
					(cmd) -> cmd.getHostConfig().withReadonlyRootfs(true).withNanoCPUs(900_000_000L))
			.withTmpFs(Map.of("/tmp", "rw,exec"))) {
			app.start();
			String base = "http://" + app.getHost() + ":" + app.getMappedPort(8080);
			assertThat(get(base + "/actuator/health/readiness").statusCode()).isEqualTo(200);
			ExecResult write = app.execInContainer("sh", "-c", "touch /app/x");
			assertThat(write.getExitCode()).isNotZero();
			assertThat(app.getLogs())
				.contains("Domain 'demo' brings the running vCPUs to 1, more than the CPU quota of 0.9 CPU(s)");
		}
	}

	@Test
	void readOnlyRootFilesystemWithTheStateRootOffTheVolumeIsRefusedClearly() {
		try (SampleAppContainer app = new SampleAppContainer(768 * MIB)
			.withCreateContainerCmdModifier((cmd) -> cmd.getHostConfig().withReadonlyRootfs(true))
			.withTmpFs(Map.of("/tmp", "rw,exec"))
			.withArguments("--qemu.embed.root=/srv/qemu-embed")
			.waitingFor(Wait.forLogMessage(FAILED_TO_START, 1).withStartupTimeout(Duration.ofMinutes(3)))) {
			app.start();
			await().atMost(Duration.ofMinutes(1)).until(() -> !app.state().getRunning());
			assertThat(app.state().getExitCodeLong()).isNotZero();
			assertThat(app.getLogs()).contains("APPLICATION FAILED TO START")
				.contains(
						"Cannot create the root layout under /srv/qemu-embed (/srv/qemu-embed: Read-only file system)")
				.contains("writable volume");
		}
	}

	/**
	 * {@code PPID COMMAND-LINE} of each process in the container (the image has no ps).
	 */
	private static List<String> processes(SampleAppContainer app) throws IOException, InterruptedException {
		ExecResult result = app.execInContainer("sh", "-c",
				"for p in /proc/[0-9]*; do [ -r $p/stat ] && echo \"$(cut -d' ' -f4 $p/stat) $(tr '\\0' ' ' < $p/cmdline)\"; done");
		return result.getStdout().lines().toList();
	}

	private static HttpResponse<String> get(String uri) {
		try {
			return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).GET().build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
