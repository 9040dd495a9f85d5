package io.github.qemuembed.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.agent.GuestAgent;
import io.github.qemuembed.driver.agent.GuestExec;
import io.github.qemuembed.driver.agent.GuestExecResult;
import io.github.qemuembed.driver.cloudinit.CloudInitSeed;
import io.github.qemuembed.testsupport.guest.DebianGuest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The {@code debian} profile: a real Debian 12 service VM ({@code debian}) next to the
 * demo guest, from test-support's {@link DebianGuest} (built with mmdebstrap into
 * {@code ~/.cache/qemu-embed} on the first run: needs root and mmdebstrap, minutes once).
 * It boots on a throw-away qcow2 overlay with a cloud-init seed, SSH forwarded from a
 * host port the driver chooses; once the guest agent answers, this runs a command in the
 * guest through the agent and reads the SSH server's greeting through the forwarded port,
 * logs both and serves them on {@code GET /debian}.
 * <p>
 * The work runs on a thread of its own: the application is up at once, and
 * {@code /debian} says how far the VM got.
 */
@RestController
@Profile("debian")
class DebianDemo implements ApplicationRunner, DisposableBean {

	static final String NAME = "debian";

	private static final Log logger = LogFactory.getLog(DebianDemo.class);

	private static final Pattern SSH_PORT = Pattern.compile("<range start='(\\d+)' to='22'/>");

	/** A systemd + cloud-init boot under TCG on a busy machine. */
	private static final Duration BOOT = Duration.ofMinutes(10);

	private final QemuDriver driver;

	private final Map<String, Object> status = new LinkedHashMap<>();

	private Path work;

	DebianDemo(QemuDriver driver) {
		this.driver = driver;
		this.status.put("phase", "starting");
	}

	@Override
	public void run(ApplicationArguments args) {
		Thread thread = new Thread(this::demo, "debian-demo");
		thread.setDaemon(true);
		thread.start();
	}

	@GetMapping("/debian")
	synchronized Map<String, Object> status() {
		return new LinkedHashMap<>(this.status);
	}

	private void demo() {
		try {
			phase("preparing the image (the first run builds it with mmdebstrap: minutes)");
			DebianGuest debian = DebianGuest.standard();
			this.work = Files.createTempDirectory("qemu-embed-sample-debian");
			Path seed = CloudInitSeed.builder()
				.metaData("instance-id: sample-debian-1\nlocal-hostname: sample-debian\n")
				.userData("""
						#cloud-config
						write_files:
						  - path: /etc/qemu-embed/greeting
						    content: "hello from cloud-init\\n"
						runcmd:
						  - [ sh, -c, 'date -u > /var/tmp/first-boot' ]
						""")
				.build()
				.writeTo(this.work.resolve("seed.iso"));
			String xml = debian.domain(NAME)
				.disk(debian.overlay(this.work.resolve(NAME + ".qcow2")))
				.cloudInitSeed(seed)
				.forward(0, 22)
				.toXml();
			Domain vm = this.driver.createTransient(xml);
			phase("booting (systemd and cloud-init under TCG: a few minutes)");
			long started = System.nanoTime();
			GuestAgent agent = vm.guest().withTimeout(Duration.ofSeconds(30));
			agent.awaitReady(BOOT);
			logger.info("debian: the guest agent answers, " + Duration.ofNanos(System.nanoTime() - started).toSeconds()
					+ " s after the start");
			agent.exec(GuestExec.of("/usr/bin/cloud-init", "status", "--wait").timeout(BOOT));
			GuestExecResult exec = agent.exec(
					GuestExec.of("/bin/sh", "-c", "cat /etc/qemu-embed/greeting; uname -sr; cat /var/tmp/first-boot"));
			logger.info("debian: agent exec exit " + exec.exitCode().orElse(-1) + ": "
					+ exec.stdoutText().strip().replace("\n", " | "));
			int port = sshPort(vm);
			String banner = banner(port);
			logger.info("debian: SSH forwarded from 127.0.0.1:" + port + " answers " + banner);
			synchronized (this) {
				this.status.put("exec", Map.of("command", "cat /etc/qemu-embed/greeting; uname -sr; ...", "exitCode",
						exec.exitCode().orElse(-1), "stdout", exec.stdoutText()));
				this.status.put("sshPort", port);
				this.status.put("sshBanner", banner);
			}
			phase("ready");
		}
		catch (RuntimeException | IOException ex) {
			logger.error("debian: " + ex.getMessage(), ex);
			synchronized (this) {
				this.status.put("error", ex.getClass().getSimpleName() + ": " + ex.getMessage());
			}
			phase("failed");
		}
	}

	private synchronized void phase(String phase) {
		this.status.put("phase", phase);
		logger.info("debian: " + phase);
	}

	private static int sshPort(Domain vm) {
		Matcher chosen = SSH_PORT.matcher(vm.xml(false));
		if (!chosen.find()) {
			throw new IllegalStateException("the live XML of 'debian' shows no forwarded SSH port");
		}
		return Integer.parseInt(chosen.group(1));
	}

	/** The first line an SSH server sends: {@code SSH-2.0-OpenSSH_9.2p1 Debian-...}. */
	private static String banner(int port) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
			socket.setSoTimeout(30_000);
			return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
				.readLine();
		}
	}

	@Override
	public void destroy() {
		// the VMs are stopped by then (the starter's lifecycle ends before beans are
		// destroyed)
		if (this.work != null) {
			try (var files = Files.walk(this.work)) {
				files.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

}
