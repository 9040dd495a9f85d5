package io.github.qemuembed.testsupport.guest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts the QEMU guest agent into the test guest: the host's {@code qemu-ga} (Debian's
 * {@code qemu-guest-agent} package, built for the same libraries as the host's QEMU),
 * every shared library it loads and the dynamic loader, at the paths the host has them,
 * so that it runs in the guest unchanged. {@code ldd} (from libc-bin, always installed)
 * names the libraries.
 * <p>
 * The agent is started by init through {@code /sbin/qemu-ga-start}, which waits for the
 * {@code org.qemu.guest_agent.0} virtio-serial port (it appears shortly after
 * {@code virtio_console} loads) and runs the agent on its {@code /dev/vportNpM} node;
 * busybox init restarts it if it dies. {@code /sbin/shutdown}, which the agent runs for
 * {@code guest-shutdown}, powers off or reboots through busybox.
 */
final class GuestAgentFiles {

	static final String QEMU_GA_PROPERTY = "qemu.embed.test.qemu-ga";

	static final String QEMU_GA_ENV = "QEMU_EMBED_TEST_QEMU_GA";

	static final Path DEFAULT_QEMU_GA = Path.of("/usr/sbin/qemu-ga");

	/**
	 * {@code libfoo.so.1 => /lib/x86_64-linux-gnu/libfoo.so.1 (0x...)}, or the loader:
	 * {@code /lib64/ld-... (0x...)}.
	 */
	private static final Pattern LDD_LINE = Pattern
		.compile("^\\s*(?:\\S+\\s+=>\\s+)?(/\\S+)\\s+\\(0x[0-9a-f]+\\)\\s*$");

	private GuestAgentFiles() {
	}

	static void addTo(InitramfsTree tree) {
		Path agent = qemuGa();
		tree.file("usr/sbin/qemu-ga", 0755, read(agent));
		for (Path library : libraries(agent)) {
			tree.file(library.toString().substring(1), 0755, read(library));
		}
		tree.directory("etc/qemu");
		tree.textFile("sbin/qemu-ga-start", 0755, GuestScripts.guestAgentStart());
		tree.textFile("sbin/shutdown", 0755, GuestScripts.shutdown());
		tree.textFile("etc/os-release", 0644, GuestScripts.osRelease());
	}

	static Path qemuGa() {
		String configured = Settings.get(QEMU_GA_PROPERTY, QEMU_GA_ENV);
		Path agent = (configured != null) ? Path.of(configured) : DEFAULT_QEMU_GA;
		if (!Files.isRegularFile(agent)) {
			throw new TestGuestException("the test guest with a guest agent needs qemu-ga at " + agent
					+ ": install it with `apt-get install qemu-guest-agent` (dev/setup does), or point -D"
					+ QEMU_GA_PROPERTY + " (or " + QEMU_GA_ENV + ") at one");
		}
		return agent;
	}

	/**
	 * The shared libraries and the loader {@code agent} needs, as {@code ldd} resolves
	 * them on this host.
	 */
	static Set<Path> libraries(Path agent) {
		HostCommand.Result result = HostCommand.run(List.of("ldd", agent.toString()), null, Duration.ofSeconds(30));
		if (!result.succeeded()) {
			throw new TestGuestException("`ldd " + agent + "` failed: " + result.output().strip()
					+ "; the guest agent must be a dynamically linked program of this host's architecture");
		}
		Set<Path> libraries = new LinkedHashSet<>();
		for (String line : result.output().lines().toList()) {
			if (line.contains("not found")) {
				throw new TestGuestException(agent + " needs a library this host does not have: " + line.strip()
						+ "; install the missing package (apt-get install qemu-guest-agent pulls them in)");
			}
			Matcher matcher = LDD_LINE.matcher(line);
			if (matcher.matches()) {
				libraries.add(Path.of(matcher.group(1)));
			}
		}
		if (libraries.stream().noneMatch((p) -> p.getFileName().toString().startsWith("ld-linux"))) {
			throw new TestGuestException("`ldd " + agent + "` named no dynamic loader: " + result.output().strip());
		}
		return libraries;
	}

	private static byte[] read(Path file) {
		try {
			return Files.readAllBytes(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + file + " for the test guest", ex);
		}
	}

}
