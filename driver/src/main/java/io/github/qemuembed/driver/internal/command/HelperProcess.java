package io.github.qemuembed.driver.internal.command;

import java.nio.file.Path;
import java.util.List;

/**
 * A process QEMU needs running before it starts, like libvirt's swtpm for a TPM emulator:
 * started with the same launcher as QEMU (it dies with the driver's owner), ready once
 * its socket exists, gone when QEMU closes the socket ({@code swtpm --terminate}).
 *
 * @param name what it is, for messages ({@code swtpm})
 * @param argv its command line
 * @param socket the UNIX socket QEMU connects to
 * @param directories directories to create (mode 0700) before it starts: its persistent
 * state
 */
public record HelperProcess(String name, List<String> argv, Path socket, List<Path> directories) {

	public HelperProcess {
		argv = List.copyOf(argv);
		directories = List.copyOf(directories);
	}

}
