package io.github.qemuembed.testsupport.libvirt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.images.ImagePullPolicy;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

import io.github.qemuembed.driver.internal.fs.FileTrees;

/**
 * A libvirt daemon ({@code libvirtd --listen}: network, storage and secret drivers, no
 * QEMU driver) in a container built locally by {@code dev/build-libvirt-image}. Its
 * {@code /run/libvirt} is a host directory, so the daemon's UNIX socket is reachable from
 * this JVM; TCP 16509 (auth none) is published on a fixed free host port, so that the
 * port stays the same when the daemon is stopped and started again.
 *
 * <p>
 * The image is never pulled (no registry is reachable here): build it first with
 * {@code dev/setup}. Ryuk is off on these machines, so {@link #stop()} also removes the
 * container.
 *
 * <p>
 * In a Spring Boot test, {@code @ServiceConnection} on a field of this type gives the
 * auto-configured driver the daemon's network, storage and secret drivers (over its UNIX
 * socket) with no {@code qemu.embed.secondary.*} property. Needs
 * {@code org.testcontainers:testcontainers} (and, for {@code @ServiceConnection},
 * {@code spring-boot-testcontainers}) on the test classpath: this module declares them
 * optional.
 */
public class LibvirtContainer extends GenericContainer<LibvirtContainer> {

	/**
	 * The image {@code dev/build-libvirt-image} builds; override with
	 * {@code -Dqemu.embed.libvirt.image=…}.
	 */
	public static final String IMAGE = System.getProperty("qemu.embed.libvirt.image", "qemu-embed/libvirtd:bookworm");

	public static final int TCP_PORT = 16509;

	/** Never pulls: the image only exists locally. */
	private static final ImagePullPolicy NEVER_PULL = (image) -> false;

	/**
	 * The daemon's configuration: TCP without auth, the UNIX socket open to the (root)
	 * test user, and keepalive pings every second so that the tests see clients that do
	 * not answer dropped.
	 */
	private static final String LIBVIRTD_CONF = """
			listen_tls = 0
			listen_tcp = 1
			auth_tcp = "none"
			auth_unix_rw = "none"
			auth_unix_ro = "none"
			unix_sock_rw_perms = "0777"
			unix_sock_ro_perms = "0777"
			keepalive_interval = 1
			keepalive_count = 2
			""";

	private final Path runDirectory;

	private final int hostTcpPort;

	public LibvirtContainer() {
		super(DockerImageName.parse(IMAGE));
		try {
			// short: the socket path inside must stay below 107 bytes
			this.runDirectory = Files.createTempDirectory(Path.of("/tmp"), "lv");
			this.hostTcpPort = freePort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		withImagePullPolicy(NEVER_PULL);
		withCommand("/usr/sbin/libvirtd", "--listen");
		withCopyToContainer(Transferable.of(LIBVIRTD_CONF), "/etc/libvirt/libvirtd.conf");
		withFileSystemBind(this.runDirectory.toString(), "/run/libvirt", BindMode.READ_WRITE);
		withExposedPorts(TCP_PORT);
		setPortBindings(List.of(this.hostTcpPort + ":" + TCP_PORT));
		// --privileged fails on these machines; these two are what bridges and mounts
		// need
		withCreateContainerCmdModifier(
				(cmd) -> cmd.getHostConfig().withCapAdd(Capability.NET_ADMIN, Capability.SYS_ADMIN));
		waitingFor(new DaemonSocketWaitStrategy().withStartupTimeout(Duration.ofSeconds(30)));
	}

	/** Fails early, with the fix, when the image was not built (it cannot be pulled). */
	@Override
	protected void configure() {
		super.configure();
		try {
			getDockerClient().inspectImageCmd(IMAGE).exec();
		}
		catch (NotFoundException ex) {
			throw new IllegalStateException("Docker image " + IMAGE + " does not exist; build it with "
					+ "dev/build-libvirt-image (dev/setup runs it)", ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Mounts a host directory at the same path in the container, so that paths the daemon
	 * reports (e.g. of volumes in a pool there) are valid for QEMU on the host too.
	 */
	public LibvirtContainer withSharedHostDirectory(Path directory) {
		return withFileSystemBind(directory.toString(), directory.toString(), BindMode.READ_WRITE);
	}

	/** The host directory mounted at the daemon's {@code /run/libvirt}. */
	public Path runDirectory() {
		return this.runDirectory;
	}

	/** The daemon's UNIX socket, seen from the host. */
	public Path socketPath() {
		return this.runDirectory.resolve("libvirt-sock");
	}

	/** {@code DRIVER:///system?socket=HOSTPATH}. */
	public String unixUri(String driver) {
		return driver + ":///system?socket=" + socketPath();
	}

	/** {@code DRIVER+tcp://localhost:PORT/system}. */
	public String tcpUri(String driver) {
		return driver + "+tcp://localhost:" + this.hostTcpPort + "/system";
	}

	/**
	 * Runs {@code virsh} in the container against the given driver; fails the test if
	 * virsh does.
	 */
	public String virsh(String driver, String... args) {
		String[] command = Stream.concat(Stream.of("virsh", "-q", "-c", driver + ":///system"), Stream.of(args))
			.toArray(String[]::new);
		try {
			ExecResult result = execInContainer(command);
			if (result.getExitCode() != 0) {
				throw new AssertionError(
						"virsh " + String.join(" ", args) + " failed: " + result.getStderr() + result.getStdout());
			}
			return result.getStdout();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Stops the daemon's container (it keeps its state and mounts), as a daemon crash or
	 * restart would.
	 */
	public void stopDaemon() {
		getDockerClient().stopContainerCmd(getContainerId()).withTimeout(2).exec();
	}

	/** Starts the stopped container again and waits for the daemon's socket. */
	public void startDaemon() {
		getDockerClient().startContainerCmd(getContainerId()).exec();
		new DaemonSocketWaitStrategy().withStartupTimeout(Duration.ofSeconds(30)).waitUntilReady(this);
	}

	/**
	 * Freezes the daemon ({@code docker pause}): connections stay open, nothing answers.
	 */
	public void pauseDaemon() {
		getDockerClient().pauseContainerCmd(getContainerId()).exec();
	}

	public void unpauseDaemon() {
		getDockerClient().unpauseContainerCmd(getContainerId()).exec();
	}

	/**
	 * Starts the daemon; when that fails (no Docker, no image), the host directory is
	 * removed too.
	 */
	@Override
	public void start() {
		try {
			super.start();
		}
		catch (RuntimeException ex) {
			FileTrees.deleteQuietly(this.runDirectory);
			throw ex;
		}
	}

	/**
	 * Removes the container and the host directory (Ryuk is off here: nobody else cleans
	 * up).
	 */
	@Override
	public void stop() {
		try {
			super.stop();
		}
		finally {
			FileTrees.deleteQuietly(this.runDirectory);
		}
	}

	/**
	 * Ready when the daemon accepts on its UNIX socket. A TCP connect would not tell:
	 * Docker's proxy accepts on the published port even while nothing listens inside.
	 */
	private static final class DaemonSocketWaitStrategy extends AbstractWaitStrategy {

		private LibvirtContainer container;

		@Override
		public void waitUntilReady(org.testcontainers.containers.wait.strategy.WaitStrategyTarget target) {
			this.container = (LibvirtContainer) target;
			super.waitUntilReady(target);
		}

		@Override
		protected void waitUntilReady() {
			long deadline = System.nanoTime() + this.startupTimeout.toNanos();
			Path socket = this.container.socketPath();
			while (System.nanoTime() < deadline) {
				if (Files.exists(socket)) {
					try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
						channel.connect(UnixDomainSocketAddress.of(socket));
						return;
					}
					catch (IOException ex) {
						// not listening yet (or a stale socket of the previous run)
					}
				}
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
			throw new IllegalStateException("libvirtd did not open " + socket + " within " + this.startupTimeout
					+ "; container log:\n" + this.container.getLogs());
		}

	}

}
