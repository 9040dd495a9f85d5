package io.github.qemuembed.it.guest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.ShutdownMode;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.agent.GuestAgent;
import io.github.qemuembed.driver.agent.GuestExec;
import io.github.qemuembed.driver.agent.GuestExecResult;
import io.github.qemuembed.driver.agent.GuestNetworkInterface;
import io.github.qemuembed.driver.agent.GuestOsInfo;
import io.github.qemuembed.driver.cloudinit.CloudInitSeed;
import io.github.qemuembed.driver.error.GuestAgentException;
import io.github.qemuembed.testsupport.guest.DebianGuest;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The Debian service VM from test-support (systemd, cloud-init, qemu-guest-agent,
 * OpenSSH; built once into the cache) booted under TCG through the driver, once for the
 * whole class (a systemd + cloud-init boot under TCG takes minutes): cloud-init applies
 * the seed's user-data, the agent runs commands and copies files, SSH logs in with the
 * user's key on a forwarded port, the agent reports the guest's address, an agent killed
 * in the middle of a copy fails it with a typed error and leaves no host file and no
 * agent process, and the agent powers the guest off.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebianGuestIT {

	/**
	 * Boot plus cloud-init's four stages, Python each time, under TCG on a shared host.
	 */
	private static final Duration BOOT = Duration.ofMinutes(10);

	private static final Pattern SSH_PORT = Pattern.compile("<range start='(\\d+)' to='22'/>");

	private static final String HELLO = "hello from cloud-init";

	private static Path root;

	private static Path work;

	private static QemuDriver driver;

	private static Domain vm;

	private static GuestAgent agent;

	private static KeyPair userKey;

	@BeforeAll
	static void bootOnce() throws Exception {
		DebianGuest debian = DebianGuest.standard();
		work = Files.createTempDirectory("debian-guest-it");
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		userKey = generator.generateKeyPair();
		Path seed = CloudInitSeed.builder()
			.metaData("instance-id: debian-it-1\nlocal-hostname: debian-it\n")
			.userData("""
					#cloud-config
					users:
					  - name: tester
					    shell: /bin/bash
					    sudo: ALL=(ALL) NOPASSWD:ALL
					    ssh_authorized_keys:
					      - %s
					write_files:
					  - path: /etc/qemu-embed/hello.txt
					    content: %s
					    permissions: '0644'
					runcmd:
					  - [ sh, -c, 'echo "runcmd as $(id -un)" > /var/tmp/runcmd-done' ]
					""".formatted(PublicKeyEntry.toString(userKey.getPublic()), HELLO))
			.build()
			.writeTo(work.resolve("seed.iso"));
		root = GuestlessDomains.newRoot();
		driver = QemuDriver
			.open(GuestlessDomains.config(root).accel(Accel.TCG).accessPolicy(AccessPolicy.allowAll()).build());
		vm = driver.define(debian.domain("debian")
			.disk(debian.overlay(work.resolve("debian.qcow2")))
			.cloudInitSeed(seed)
			.forward(0, 22)
			.toXml());
		vm.start();
		agent = vm.guest().withTimeout(Duration.ofSeconds(30));
		agent.awaitReady(BOOT);
		// the agent starts before cloud-init's last stages: the tests look at their
		// results.
		// boot-finished is written at the end of the last stage (asked for with a shell,
		// not
		// with 'cloud-init status --wait': each cloud-init command is a Python start,
		// half a
		// minute under TCG)
		await().atMost(BOOT)
			.pollInterval(Duration.ofSeconds(2))
			.until(() -> agent.exec(GuestExec.of("/usr/bin/test", "-f", "/var/lib/cloud/instance/boot-finished"))
				.exitCode()
				.orElse(-1) == 0);
	}

	@AfterAll
	static void tearDown() throws Exception {
		try {
			if (driver != null) {
				driver.close();
			}
		}
		finally {
			if (root != null) {
				GuestlessDomains.deleteTree(root);
			}
			if (work != null) {
				GuestlessDomains.deleteTree(work);
			}
		}
	}

	@Test
	@Order(1)
	void cloudInitAppliedTheUserDataUserFileAndRuncmd() {
		// cloud-init's own summary of the boot: the NoCloud seed was the source, nothing
		// failed
		assertThat(run("cat /run/cloud-init/result.json").stdoutText()).contains("DataSourceNoCloud")
			.containsPattern("\"errors\": \\[\\s*\\]");
		assertThat(run("getent passwd tester").stdoutText()).endsWith(":/home/tester:/bin/bash\n");
		assertThat(run("cat /home/tester/.ssh/authorized_keys").stdoutText())
			.contains(PublicKeyEntry.toString(userKey.getPublic()));
		assertThat(run("cat /etc/qemu-embed/hello.txt").stdoutText()).isEqualTo(HELLO);
		assertThat(run("cat /var/tmp/runcmd-done").stdoutText()).isEqualTo("runcmd as root\n");
		assertThat(run("hostname").stdoutText()).isEqualTo("debian-it\n");
	}

	@Test
	@Order(2)
	void agentExecReturnsExitCodeAndOutputAndTheGuestIsDebian12() {
		GuestExecResult result = agent
			.exec(GuestExec.of("/bin/sh", "-c", "echo out-$GREETING; cat; echo err >&2; exit 7")
				.env("GREETING", "hi")
				.stdin("from-stdin\n"));
		assertThat(result.exitCode()).hasValue(7);
		assertThat(result.stdoutText()).isEqualTo("out-hi\nfrom-stdin\n");
		assertThat(result.stderrText()).isEqualTo("err\n");
		GuestOsInfo os = agent.osInfo();
		assertThat(os.id()).hasValue("debian");
		assertThat(os.versionId()).hasValue("12");
		assertThat(os.kernelRelease()).hasValueSatisfying((r) -> assertThat(r).endsWith("-cloud-amd64"));
	}

	@Test
	@Order(3)
	void filesCopyInAndOutByteForByte() throws Exception {
		byte[] data = new byte[3 * 1024 * 1024 + 17];
		new Random(16).nextBytes(data);
		Path in = Files.write(work.resolve("in.bin"), data);
		assertThat(agent.copyIn(in, "/var/tmp/copied.bin")).isEqualTo(data.length);
		assertThat(run("sha256sum /var/tmp/copied.bin").stdoutText())
			.startsWith(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
		Path out = work.resolve("out.bin");
		assertThat(agent.copyOut("/var/tmp/copied.bin", out)).isEqualTo(data.length);
		assertThat(Files.readAllBytes(out)).isEqualTo(data);
	}

	@Test
	@Order(4)
	void sshLogsInWithTheUsersKeyOnTheForwardedPortAndNotWithAnother() throws Exception {
		Matcher chosen = SSH_PORT.matcher(vm.xml(false));
		assertThat(chosen.find()).as("the chosen host port in the live XML").isTrue();
		int port = Integer.parseInt(chosen.group(1));
		try (SshClient client = sshClient()) {
			assertThat(ssh(client, port, userKey, "id -un; cat /etc/qemu-embed/hello.txt; sudo -n id -u"))
				.isEqualTo("tester\n" + HELLO + "0\n");
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			KeyPair stranger = generator.generateKeyPair();
			assertThatExceptionOfType(org.apache.sshd.common.SshException.class)
				.isThrownBy(() -> ssh(client, port, stranger, "id"))
				.withMessageContaining("No more authentication methods available");
		}
	}

	@Test
	@Order(5)
	void guestAddressShowsThroughTheAgent() {
		List<GuestNetworkInterface> interfaces = agent.networkInterfaces();
		assertThat(interfaces).flatExtracting(GuestNetworkInterface::addresses)
			.extracting(GuestNetworkInterface.IpAddress::toString)
			.contains("10.0.2.15/24", "127.0.0.1/8");
		assertThat(interfaces)
			.filteredOn((i) -> i.addresses().stream().anyMatch((a) -> a.address().equals("10.0.2.15")))
			.singleElement()
			.satisfies((nic) -> assertThat(nic.hardwareAddress()).isPresent());
	}

	@Test
	@Order(6)
	void agentKilledMidCopyFailsTypedAndLeavesNoHostFileAndNoAgentProcess() throws Exception {
		// about half a minute of copying under TCG: the kill over SSH comes in seconds
		run("head -c 24M /dev/urandom > /var/tmp/big.bin");
		Path target = work.resolve("big.bin");
		int port = sshPort();
		String agentPid;
		try (SshClient client = sshClient()) {
			agentPid = ssh(client, port, userKey, "pgrep -x qemu-ga").strip();
			// a killed agent never answers the chunk in flight: a short bound ends the
			// wait
			GuestAgent quick = agent.withTimeout(Duration.ofSeconds(5));
			CompletableFuture<Long> copy = CompletableFuture
				.supplyAsync(() -> quick.copyOut("/var/tmp/big.bin", target));
			// the copy is under way once its temporary file has content
			await().atMost(Duration.ofMinutes(1))
				.until(() -> partFiles().anyMatch((p) -> size(p) > 0) || copy.isDone());
			assertThat(copy).as("still copying when the agent is killed").isNotDone();
			ssh(client, port, userKey, "sudo -n pkill -KILL -x qemu-ga; echo killed");
			assertThat(copy).failsWithin(Duration.ofMinutes(2))
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOf(GuestAgentException.class);
			assertThat(target).doesNotExist();
			assertThat(partFiles()).as("no temporary left").isEmpty();
		}
		// systemd restarts the agent (Restart=always): the killed one is gone, one new
		// one
		// answers
		agent.awaitReady(Duration.ofMinutes(2));
		assertThat(run("pgrep -x qemu-ga").stdoutText().strip()).matches("\\d+").isNotEqualTo(agentPid);
	}

	@Test
	@Order(7)
	void shutdownThroughTheAgentPowersTheGuestOff() {
		assertThat(vm.shutdown(ShutdownMode.GUEST_AGENT, Duration.ofMinutes(3))).as("powered off by itself").isTrue();
		assertThat(vm.status()).hasToString("shutoff/shutdown");
	}

	private static GuestExecResult run(String script) {
		GuestExecResult result = agent.exec(GuestExec.of("/bin/sh", "-c", script).timeout(Duration.ofMinutes(2)));
		assertThat(result.exitCode()).as(script + ": " + result).hasValue(0);
		return result;
	}

	private static int sshPort() {
		Matcher chosen = SSH_PORT.matcher(vm.xml(false));
		assertThat(chosen.find()).isTrue();
		return Integer.parseInt(chosen.group(1));
	}

	/**
	 * A client that accepts only the host key the guest's agent shows (ECDSA: MINA SSHD
	 * has no Ed25519 without an EdDSA provider).
	 */
	private static SshClient sshClient() {
		String hostKey = run("cut -d' ' -f1,2 /etc/ssh/ssh_host_ecdsa_key.pub").stdoutText().strip();
		SshClient client = SshClient.setUpDefaultClient();
		client.setServerKeyVerifier((session, address, key) -> PublicKeyEntry.toString(key).equals(hostKey));
		client.start();
		return client;
	}

	private static String ssh(SshClient client, int port, KeyPair key, String command) throws Exception {
		try (ClientSession session = client.connect("tester", "127.0.0.1", port)
			.verify(Duration.ofSeconds(30))
			.getSession()) {
			session.addPublicKeyIdentity(key);
			session.auth().verify(Duration.ofSeconds(30));
			ByteArrayOutputStream stdout = new ByteArrayOutputStream();
			ByteArrayOutputStream stderr = new ByteArrayOutputStream();
			session.executeRemoteCommand(command, stdout, stderr, StandardCharsets.UTF_8);
			return stdout.toString(StandardCharsets.UTF_8);
		}
	}

	private static Stream<Path> partFiles() throws IOException {
		try (Stream<Path> list = Files.list(work)) {
			return list.filter((p) -> p.getFileName().toString().endsWith(".part")).toList().stream();
		}
	}

	private static long size(Path file) {
		try {
			return Files.size(file);
		}
		catch (IOException ex) {
			return 0;
		}
	}

}
