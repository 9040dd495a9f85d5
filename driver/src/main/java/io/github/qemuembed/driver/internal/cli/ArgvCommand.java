package io.github.qemuembed.driver.internal.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.internal.capabilities.EmulatorLocator;
import io.github.qemuembed.driver.internal.capabilities.QemuCapabilities;
import io.github.qemuembed.driver.internal.command.QemuCommand;
import io.github.qemuembed.driver.internal.command.QemuCommandBuilder;
import io.github.qemuembed.driver.internal.command.RunContext;
import io.github.qemuembed.driver.error.QemuEmbedException;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainNames;
import io.github.qemuembed.driver.internal.xml.DomainType;
import io.github.qemuembed.driver.internal.xml.DomainXml;

/**
 * {@code argv [--root DIR] FILE}: like {@code virsh domxml-to-native qemu-argv}, prints
 * the command line the driver would run (one argument per line), with the capabilities of
 * the definition's {@code <emulator>} or of {@code qemu-system-x86_64} on {@code PATH}.
 * Paths are those of domain id 1 under the root (default {@value #DEFAULT_ROOT}).
 * Definitions that need a secondary driver (network, storage, secret) are refused: there
 * is none here to resolve them.
 */
final class ArgvCommand implements CliCommand {

	static final String DEFAULT_ROOT = "/var/lib/qemu-embed";

	private final CapabilitiesSource capabilities;

	private final Optional<Path> kvmDevice;

	ArgvCommand(CapabilitiesSource capabilities, Optional<Path> kvmDevice) {
		this.capabilities = capabilities;
		this.kvmDevice = kvmDevice;
	}

	@Override
	public String usage() {
		return "usage: argv [--root DIR] FILE";
	}

	@Override
	public int run(List<String> args, PrintStream out, PrintStream err) {
		Path root = Path.of(DEFAULT_ROOT);
		Path file = null;
		for (int i = 0; i < args.size(); i++) {
			String arg = args.get(i);
			if (arg.equals("--root") && i + 1 < args.size()) {
				root = Path.of(args.get(++i)).toAbsolutePath();
			}
			else if (arg.startsWith("-") || file != null) {
				err.println("argv: unexpected argument " + arg);
				err.println(usage());
				return 2;
			}
			else {
				file = Path.of(arg);
			}
		}
		if (file == null) {
			err.println("argv: no file given");
			err.println(usage());
			return 2;
		}
		try {
			DomainDefinition def = DomainXml.parse(Files.readString(file));
			DomainNames.checkSocketPathFits(root, def.name());
			Path emulator = def.emulator().orElseGet(() -> new EmulatorLocator().locate(Optional.empty()));
			QemuCapabilities caps = this.capabilities.capabilities(emulator);
			Accel accel = (def.type() == DomainType.KVM && caps.accelerators().contains("kvm") && kvmUsable())
					? Accel.KVM : Accel.TCG;
			Path privateDir = DomainNames.privateDir(root, 1, def.name());
			RunContext context = RunContext.of(accel, emulator, privateDir,
					root.resolve("run/qemu/" + def.name() + ".pid"), root.resolve("log/qemu/" + def.name() + ".log"));
			if (def.devices().graphics().stream().anyMatch((g) -> g.passwd().isPresent())) {
				context = context.withVncPasswordFile(privateDir.resolve("vnc0.secret"));
			}
			QemuCommand command = QemuCommandBuilder.build(def, caps, context);
			command.env().forEach((name, value) -> out.println(name + "=" + value));
			command.argv().forEach(out::println);
			return 0;
		}
		catch (IOException ex) {
			err.println("argv: cannot read " + file + ": " + ex.getMessage());
			return 1;
		}
		catch (QemuEmbedException ex) {
			err.println("argv: " + file + ": " + ex.getMessage());
			return 1;
		}
	}

	private boolean kvmUsable() {
		return this.kvmDevice.map((device) -> Files.isReadable(device) && Files.isWritable(device)).orElse(false);
	}

}
