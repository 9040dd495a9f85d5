package io.github.qemuembed.it.pod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Device;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.ImagePullPolicy;
import org.testcontainers.utility.DockerImageName;

/**
 * The sample app's image ({@code dev/build-sample-image}) in a container: the app's port
 * published, a memory limit, {@code /dev/kvm} passed as a device. Never pulled (no
 * registry here; Ryuk is off, so {@link #stop()} removes the container and its anonymous
 * volume).
 */
final class SampleAppContainer extends GenericContainer<SampleAppContainer> {

	static final Path REPOSITORY = Path.of(System.getProperty("qemu.embed.repository.dir", ".."))
		.toAbsolutePath()
		.normalize();

	/**
	 * A tag of this checkout's own: builds from several checkouts on one Docker daemon
	 * (worktrees, CI jobs sharing a host) would otherwise replace each other's
	 * {@code latest} between a build and the container that should run it. Stable per
	 * checkout, so each build replaces its own.
	 */
	static final String IMAGE = System.getProperty("qemu.embed.sample.image",
			"qemu-embed/sample-app:it-" + Integer.toHexString(REPOSITORY.toString().hashCode()));

	private static final ImagePullPolicy NEVER_PULL = (image) -> false;

	private static boolean built;

	private final List<String> arguments = new ArrayList<>();

	SampleAppContainer(long memoryBytes) {
		super(DockerImageName.parse(IMAGE));
		buildImageOnce();
		withImagePullPolicy(NEVER_PULL);
		withExposedPorts(8080);
		withCreateContainerCmdModifier((cmd) -> cmd.getHostConfig()
			.withMemory(memoryBytes)
			.withMemorySwap(memoryBytes)
			.withDevices(new Device("rwm", "/dev/kvm", "/dev/kvm")));
		waitingFor(Wait.forHttp("/actuator/health/readiness")
			.forPort(8080)
			.forStatusCode(200)
			.withStartupTimeout(Duration.ofMinutes(3)));
		// the tests drive 'demo' over HTTP without a login, like a script of the
		// operator's: a rule lets
		// anonymous callers start and stop it (web requests are otherwise read-only:
		// docs/security.md)
		withArguments("--qemu.embed.access.rules[0].principals[0]=anonymous",
				"--qemu.embed.access.rules[0].permissions[0]=domain.start",
				"--qemu.embed.access.rules[0].permissions[1]=domain.stop",
				"--qemu.embed.access.rules[0].permissions[2]=domain.init_control",
				"--qemu.embed.access.rules[0].domains[0]=demo");
	}

	/**
	 * No /dev/kvm in the container at all (a node without KVM, a pod without the device
	 * plugin).
	 */
	SampleAppContainer withoutKvm() {
		return withCreateContainerCmdModifier((cmd) -> cmd.getHostConfig().withDevices(new Device[0]));
	}

	/** Application arguments ({@code --name=value}), after the image's entry point. */
	SampleAppContainer withArguments(String... arguments) {
		this.arguments.addAll(List.of(arguments));
		withCommand(this.arguments.toArray(String[]::new));
		return this;
	}

	/** A host file, read-only, at {@code containerPath}. */
	SampleAppContainer withFile(Path hostFile, String containerPath) {
		return withFileSystemBind(hostFile.toString(), containerPath, BindMode.READ_ONLY);
	}

	/**
	 * Builds the image with the repository's script: the base only when missing
	 * (mmdebstrap), the app's layers from sample-app's jar (built by the reactor before
	 * this module) each time.
	 */
	private static synchronized void buildImageOnce() {
		if (built) {
			return;
		}
		try {
			ProcessBuilder builder = new ProcessBuilder(REPOSITORY.resolve("dev/build-sample-image").toString())
				.directory(REPOSITORY.toFile())
				.redirectErrorStream(true);
			builder.environment().put("QEMU_EMBED_SAMPLE_IMAGE", IMAGE);
			Process process = builder.start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
				throw new IllegalStateException("dev/build-sample-image failed:\n" + output);
			}
			built = true;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run dev/build-sample-image", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The container's state, also once it has exited. */
	InspectContainerResponse.ContainerState state() {
		return getDockerClient().inspectContainerCmd(getContainerId()).exec().getState();
	}

	/**
	 * {@code docker stop -t SECONDS}: SIGTERM, then SIGKILL when the grace period is
	 * over.
	 */
	void dockerStop(int graceSeconds) {
		getDockerClient().stopContainerCmd(getContainerId()).withTimeout(graceSeconds).exec();
	}

	/** {@code docker kill}: SIGKILL to the app, no grace. */
	void dockerKill() {
		getDockerClient().killContainerCmd(getContainerId()).exec();
	}

	/** The app's host pid (the container's pid 1). */
	long hostPid() {
		return getDockerClient().inspectContainerCmd(getContainerId()).exec().getState().getPidLong();
	}

	/** Removes the container even when it has exited (Ryuk is off: nobody else does). */
	@Override
	public void stop() {
		try {
			super.stop();
		}
		catch (NotFoundException ex) {
			// already gone
		}
	}

}
