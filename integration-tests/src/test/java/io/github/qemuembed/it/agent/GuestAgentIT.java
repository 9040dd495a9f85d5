package io.github.qemuembed.it.agent;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainConsole;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.LeftoverPolicy;
import io.github.qemuembed.driver.OpenDriver;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.ShutdownMode;
import io.github.qemuembed.driver.access.Permission;
import io.github.qemuembed.driver.agent.FsFreezeState;
import io.github.qemuembed.driver.agent.GuestAgent;
import io.github.qemuembed.driver.agent.GuestAgentState;
import io.github.qemuembed.driver.agent.GuestExec;
import io.github.qemuembed.driver.agent.GuestExecResult;
import io.github.qemuembed.driver.agent.GuestNetworkInterface;
import io.github.qemuembed.driver.agent.GuestOsInfo;
import io.github.qemuembed.driver.error.AccessDeniedException;
import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.GuestAgentException;
import io.github.qemuembed.driver.error.GuestAgentUnresponsiveException;
import io.github.qemuembed.driver.error.GuestExecTimeoutException;
import io.github.qemuembed.driver.error.InvalidOperationException;
import io.github.qemuembed.testsupport.console.GuestConsole;
import io.github.qemuembed.testsupport.console.ShellResult;
import io.github.qemuembed.testsupport.guest.TestGuest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Layer 3: the guest agent client against the real {@code qemu-ga} (Debian's, in the
 * busybox test guest) over the virtio-serial channel of a TCG guest.
 */
class GuestAgentIT {

	private static final Duration BOOT = Duration.ofSeconds(120);

	private static final String MAC = "52:54:00:12:34:56";

	/** Permissions the test takes away at run time; everything else is allowed. */
	private final Set<Permission> denied = ConcurrentHashMap.newKeySet();

	@RegisterExtension
	final OpenDriver open = new OpenDriver(Accel.TCG, (request) -> !this.denied.contains(request.permission()));

	@Test
	void agentRunsCommandsCopiesFilesReportsTheGuestAndShutsItDown(@TempDir Path temp) throws Exception {
		// a static address on the user-mode NIC, and an ext2 file system on a disk for
		// fsfreeze (ramfs and
		// tmpfs cannot be frozen: with nothing to freeze, qemu-ga stays thawed)
		TestGuest guest = TestGuest.builder().guestAgent().initCommands("""
				ip addr add 10.0.2.15/24 dev eth0
				ip link set eth0 up
				for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vda ] && break; usleep 100000; done
				mke2fs -q /dev/vda && mount /dev/vda /mnt
				""").build();
		Path disk = temp.resolve("data.raw");
		try (var file = new RandomAccessFile(disk.toFile(), "rw")) {
			file.setLength(16 * 1024 * 1024);
		}
		Domain domain = this.open.driver()
			.define(guest.domain("agent")
				.memoryMiB(256)
				.guestAgentChannel()
				.device("<interface type='user'><mac address='" + MAC + "'/><model type='virtio'/></interface>")
				.device("<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='" + disk
						+ "'/><target dev='vda' bus='virtio'/></disk>")
				.toXml());
		assertThat(domain.info().guestAgent()).isEqualTo(GuestAgentState.DISCONNECTED);
		domain.start();
		GuestAgent agent = domain.guest();
		agent.awaitReady(BOOT);
		assertThat(domain.info().guestAgent()).isEqualTo(GuestAgentState.CONNECTED);
		agent.ping();

		// exit code, stdout and stderr apart
		GuestExecResult result = agent.exec(GuestExec.of("/bin/sh", "-c", "echo out; echo err >&2; exit 3"));
		assertThat(result.exitCode()).hasValue(3);
		assertThat(result.stdoutText()).isEqualTo("out\n");
		assertThat(result.stderrText()).isEqualTo("err\n");
		assertThat(result.succeeded()).isFalse();

		// environment and standard input
		GuestExecResult echoed = agent.exec(GuestExec.of("/bin/sh", "-c", "echo \"$GREETING\"; cat")
			.env("GREETING", "hello from the host")
			.stdin("line one\nline two\n"));
		assertThat(echoed.succeeded()).isTrue();
		assertThat(echoed.stdoutText()).isEqualTo("hello from the host\nline one\nline two\n");

		// a command that outlives its timeout is killed, and the agent keeps working
		assertThatExceptionOfType(GuestExecTimeoutException.class)
			.isThrownBy(() -> agent.exec(GuestExec.of("/bin/sleep", "100").timeout(Duration.ofSeconds(2))))
			.satisfies((ex) -> {
				assertThat(ex.code()).isEqualTo(ErrorCode.OPERATION_TIMEOUT);
				assertThat(ex.getMessage()).contains("/bin/sleep").contains("killed");
				GuestExecResult gone = agent.exec(GuestExec.of("/bin/sh", "-c", "kill -0 " + ex.pid()));
				assertThat(gone.exitCode()).as("the sleep is gone").isNotEqualTo(OptionalInt.of(0));
			});
		GuestExecResult sleeps = agent.exec(GuestExec.of("/bin/sh", "-c", "pidof sleep; echo done"));
		assertThat(sleeps.stdoutText()).as("no sleep left").isEqualTo("done\n");

		// several MiB in and out, byte for byte
		byte[] content = new byte[5 * 1024 * 1024 + 12345];
		new Random(16).nextBytes(content);
		Path source = temp.resolve("source.bin");
		Files.write(source, content);
		assertThat(agent.copyIn(source, "/tmp/copied.bin")).isEqualTo(content.length);
		assertThat(agent.exec(GuestExec.of("/bin/sh", "-c", "wc -c < /tmp/copied.bin")).stdoutText().strip())
			.isEqualTo(String.valueOf(content.length));
		Path back = temp.resolve("back.bin");
		assertThat(agent.copyOut("/tmp/copied.bin", back)).isEqualTo(content.length);
		assertThat(Files.readAllBytes(back)).isEqualTo(content);
		ByteArrayOutputStream streamed = new ByteArrayOutputStream();
		agent.copyOut("/etc/hostname", streamed);
		assertThat(streamed.toString()).isEqualTo("qemu-embed-guest\n");
		assertThatExceptionOfType(GuestAgentException.class)
			.isThrownBy(() -> agent.copyOut("/no/such/file", temp.resolve("never.bin")))
			.satisfies((ex) -> assertThat(ex.description()).contains("/no/such/file"));
		try (var left = Files.list(temp)) {
			assertThat(left).as("a failed copy leaves no host file")
				.extracting((p) -> p.getFileName().toString())
				.containsExactlyInAnyOrder("source.bin", "back.bin", "data.raw");
		}

		// the guest's view of its network and system
		List<GuestNetworkInterface> nics = agent.networkInterfaces();
		assertThat(nics).anySatisfy((nic) -> {
			assertThat(nic.name()).isEqualTo("lo");
			assertThat(nic.addresses()).extracting(GuestNetworkInterface.IpAddress::toString).contains("127.0.0.1/8");
		});
		assertThat(nics).anySatisfy((nic) -> {
			assertThat(nic.hardwareAddress()).hasValue(MAC);
			assertThat(nic.addresses()).extracting(GuestNetworkInterface.IpAddress::toString).contains("10.0.2.15/24");
		});
		GuestOsInfo os = agent.osInfo();
		assertThat(os.id()).hasValue("qemu-embed-test");
		assertThat(os.kernelRelease()).hasValue(guest.kernelRelease());
		assertThat(os.machine()).hasValue("x86_64");

		// file systems frozen and thawed
		assertThat(agent.fsFreezeState()).isEqualTo(FsFreezeState.THAWED);
		int frozen = agent.fsFreeze();
		assertThat(frozen).as("the ext2 file system on /mnt").isGreaterThanOrEqualTo(1);
		assertThat(agent.fsFreezeState()).isEqualTo(FsFreezeState.FROZEN);
		assertThat(agent.fsThaw()).isEqualTo(frozen);
		assertThat(agent.fsFreezeState()).isEqualTo(FsFreezeState.THAWED);

		// the access policy, with libvirt's permissions
		this.denied.add(Permission.DOMAIN_WRITE);
		assertThatExceptionOfType(AccessDeniedException.class).isThrownBy(agent::ping);
		assertThatExceptionOfType(AccessDeniedException.class).isThrownBy(() -> agent.exec(GuestExec.of("/bin/true")));
		assertThatExceptionOfType(AccessDeniedException.class)
			.isThrownBy(() -> agent.copyIn(source, "/tmp/denied.bin"));
		assertThatExceptionOfType(AccessDeniedException.class)
			.isThrownBy(() -> domain.shutdown(ShutdownMode.GUEST_AGENT, Duration.ofSeconds(5)));
		assertThat(agent.networkInterfaces()).as("domain.read is enough").isNotEmpty();
		this.denied.clear();
		this.denied.add(Permission.DOMAIN_FS_FREEZE);
		assertThatExceptionOfType(AccessDeniedException.class).isThrownBy(agent::fsFreeze);
		this.denied.clear();
		assertThat(agent.exec(GuestExec.of("/bin/sh", "-c", "test -e /tmp/denied.bin")).exitCode()).hasValue(1);

		// shutdown through the agent
		assertThat(domain.shutdown(ShutdownMode.GUEST_AGENT, Duration.ofSeconds(60))).as("powered off by itself")
			.isTrue();
		assertThat(domain.status()).hasToString("shutoff/shutdown");
		assertThat(domain.info().guestAgent()).isEqualTo(GuestAgentState.DISCONNECTED);
		assertThatExceptionOfType(InvalidOperationException.class).isThrownBy(agent::ping);
	}

	@Test
	void agentThatNeverAnswersFailsWithTheTypedTimeout() throws Exception {
		// the channel is there, but the guest has no agent
		Domain silent = this.open.driver().define(TestGuest.standard().domain("silent").guestAgentChannel().toXml());
		silent.start();
		GuestAgent quick = silent.guest().withTimeout(Duration.ofSeconds(2));
		assertThatExceptionOfType(GuestAgentUnresponsiveException.class).isThrownBy(quick::ping).satisfies((ex) -> {
			assertThat(ex.code()).isEqualTo(ErrorCode.AGENT_UNRESPONSIVE);
			assertThat(ex.getMessage()).contains("domain 'silent'")
				.contains("disconnected")
				.contains("qemu-guest-agent");
		});
		assertThatExceptionOfType(GuestAgentUnresponsiveException.class)
			.isThrownBy(() -> quick.awaitReady(Duration.ofSeconds(3)))
			.withMessageContaining("did not open the guest agent channel");
		// a wait for an agent ends when the domain does, not at its timeout
		CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> quick.awaitReady(Duration.ofMinutes(5)));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> Thread.getAllStackTraces()
				.keySet()
				.stream()
				.anyMatch((t) -> t.getState() == Thread.State.TIMED_WAITING
						&& Arrays.stream(t.getStackTrace()).anyMatch((f) -> f.getMethodName().equals("awaitOpen"))));
		silent.destroy();
		assertThat(waiting).failsWithin(Duration.ofSeconds(30))
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(InvalidOperationException.class)
			.withMessageContaining("stopped while waiting");

		// an agent that stops answering while it holds the channel open
		Domain stuck = this.open.driver()
			.define(TestGuest.builder()
				.guestAgent()
				.build()
				.domain("stuck")
				.memoryMiB(192)
				.guestAgentChannel()
				.toXml());
		stuck.start();
		GuestAgent agent = stuck.guest().withTimeout(Duration.ofSeconds(2));
		agent.awaitReady(BOOT);
		agent.exec(GuestExec.of("/bin/sh", "-c", "(sleep 1; kill -STOP $PPID) >/dev/null 2>&1 &"));
		await().atMost(Duration.ofSeconds(60)).ignoreExceptionsMatching((ex) -> false).until(() -> {
			try {
				agent.ping();
				return false;
			}
			catch (GuestAgentUnresponsiveException ex) {
				return true;
			}
		});
		assertThatExceptionOfType(GuestAgentUnresponsiveException.class).isThrownBy(agent::ping)
			.withMessageContaining("within 2000 ms")
			.withMessageContaining("connected");
		assertThat(stuck.info().guestAgent()).as("the port stays open").isEqualTo(GuestAgentState.CONNECTED);
		assertThatExceptionOfType(GuestAgentUnresponsiveException.class)
			.isThrownBy(() -> stuck.shutdown(ShutdownMode.GUEST_AGENT, Duration.ofSeconds(5)));
		assertThat(stuck.status().state()).as("nothing forced").isEqualTo(DomainState.RUNNING);
		stuck.destroy();
	}

	@Test
	void agentKilledMidTransferFailsTypedAndTheRestartedAgentAnswersAgain() throws Exception {
		Domain domain = this.open.driver()
			.define(TestGuest.builder()
				.guestAgent()
				.build()
				.domain("killed")
				.memoryMiB(256)
				.guestAgentChannel()
				.toXml());
		domain.start();
		GuestAgent agent = domain.guest().withTimeout(Duration.ofSeconds(5));
		agent.awaitReady(BOOT);
		assertThat(
				agent.exec(GuestExec.of("/bin/dd", "if=/dev/urandom", "of=/tmp/big", "bs=1M", "count=16")).exitCode())
			.hasValue(0);
		try (DomainConsole console = domain.openConsole();
				GuestConsole shell = new GuestConsole(console.output(), console.input())) {
			// the guest booted long ago (the agent answered): the ready marker is past,
			// the shell is there
			assertThat(shell.run("echo console-ok", Duration.ofSeconds(30)).output()).contains("console-ok");
			long[] received = new long[1];
			OutputStream killAfterFirstChunk = new OutputStream() {

				@Override
				public void write(int b) {
					write(new byte[] { (byte) b }, 0, 1);
				}

				@Override
				public void write(byte[] b, int off, int len) {
					if (received[0] == 0) {
						ShellResult kill = shell.run("kill -KILL $(pidof qemu-ga)", Duration.ofSeconds(30));
						assertThat(kill.exitCode()).isZero();
					}
					received[0] += len;
				}

			};
			assertThatExceptionOfType(GuestAgentException.class)
				.isThrownBy(() -> agent.copyOut("/tmp/big", killAfterFirstChunk));
			assertThat(received[0]).isPositive().isLessThan(16L * 1024 * 1024);
		}
		// init restarts the agent; the client resynchronises and goes on
		agent.awaitReady(Duration.ofSeconds(60));
		assertThat(agent.exec(GuestExec.of("/bin/sh", "-c", "wc -c < /tmp/big")).stdoutText().strip())
			.isEqualTo(String.valueOf(16 * 1024 * 1024));
		domain.destroy();
	}

	@Test
	void agentOfADetachedDomainAnswersTheNextDriver() throws Exception {
		Path root = GuestlessDomains.newRoot();
		long pid = -1;
		try {
			String xml = TestGuest.builder().guestAgent().build().domain("keeper").guestAgentChannel().toXml();
			try (QemuDriver first = QemuDriver
				.open(GuestlessDomains.config(root).accel(Accel.TCG).killWithOwner(false).build())) {
				Domain domain = first.define(xml);
				domain.start();
				pid = domain.info().pid().orElseThrow();
				domain.guest().awaitReady(BOOT);
				domain.guest().ping();
			}
			// the first driver let go of the channel (QEMU serves one client); the next
			// one cannot have seen the
			// guest open the port, and asks the agent instead
			try (QemuDriver second = QemuDriver
				.open(GuestlessDomains.config(root).leftovers(LeftoverPolicy.RECONNECT).build())) {
				Domain domain = second.lookup("keeper");
				assertThat(domain.info().pid()).hasValue(pid);
				domain.guest().awaitReady(Duration.ofSeconds(30));
				assertThat(domain.guest().exec(GuestExec.of("/bin/sh", "-c", "echo again")).stdoutText())
					.isEqualTo("again\n");
				domain.destroy();
			}
		}
		finally {
			if (pid > 0) {
				ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
			}
			GuestlessDomains.deleteTree(root);
		}
	}

	@Test
	void domainWithoutAgentChannelSaysWhatToAdd() {
		Domain plain = this.open.driver().define(TestGuest.standard().domain("plain").toXml());
		assertThat(plain.info().guestAgent()).isEqualTo(GuestAgentState.NONE);
		plain.start();
		assertThatExceptionOfType(InvalidOperationException.class).isThrownBy(plain.guest()::ping)
			.withMessageContaining("org.qemu.guest_agent.0");
		plain.destroy();
	}

}
