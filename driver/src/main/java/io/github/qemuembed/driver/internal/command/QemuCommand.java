package io.github.qemuembed.driver.internal.command;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.driver.internal.xml.DomainDefinition;

/**
 * The command line for one run of a domain.
 *
 * @param argv the arguments, {@code argv[0]} the emulator; contains no secret values
 * @param env extra environment variables ({@code qemu:env})
 * @param serialSockets the UNIX sockets (in the private directory) of the {@code pty}
 * serial ports and consoles, in port order: connect to them for a live console
 * @param definition the definition with pinned machine type, added controllers and
 * assigned PCI addresses, to be written back into the persistent definition so the guest
 * keeps its hardware across restarts
 * @param helpers processes to start, in order, before QEMU (the TPM emulator)
 */
public record QemuCommand(List<String> argv, Map<String, String> env, List<Path> serialSockets,
		DomainDefinition definition, List<HelperProcess> helpers) {

	public QemuCommand {
		argv = List.copyOf(argv);
		env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
		serialSockets = List.copyOf(serialSockets);
		helpers = List.copyOf(helpers);
	}

	public QemuCommand(List<String> argv, Map<String, String> env, List<Path> serialSockets,
			DomainDefinition definition) {
		this(argv, env, serialSockets, definition, List.of());
	}

}
