package io.github.qemuembed.driver.internal.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runnable driver jar: {@code java -jar qemu-embed-driver.jar COMMAND ARGS...}.
 * <ul>
 * <li>{@code validate [--json] [--summary] FILE...} — check domain XML, like
 * {@code virt-xml-validate};</li>
 * <li>{@code argv [--root DIR] FILE} — the QEMU command line, like
 * {@code virsh domxml-to-native qemu-argv};</li>
 * <li>{@code run ...} — run a domain until it stops, like {@code virt-qemu-run}.</li>
 * </ul>
 * Exit status: 0 success, 1 failure, 2 usage error. Bad input never produces a stack
 * trace.
 */
public final class QemuEmbedCli {

	private final Map<String, CliCommand> commands = new LinkedHashMap<>();

	/** A CLI whose {@code argv} command gets capabilities from {@code capabilities}. */
	public QemuEmbedCli(CapabilitiesSource capabilities) {
		this.commands.put("validate", new ValidateCommand());
		this.commands.put("argv", new ArgvCommand(capabilities, Optional.of(Path.of("/dev/kvm"))));
		this.commands.put("run", new CliCommand() {
			@Override
			public String usage() {
				return RunCommand.USAGE;
			}

			@Override
			public int run(List<String> args, PrintStream out, PrintStream err) {
				return new RunCommand(out, err).run(args);
			}
		});
	}

	public static void main(String[] args) {
		int status = new QemuEmbedCli(CapabilitiesSource.PROBE).run(args, System.out, System.err);
		System.out.flush();
		System.err.flush();
		// halt, not exit: a signal that arrives right after the command finished would
		// otherwise end the JVM
		// with 128+signal while System.exit waits behind the shutdown it started; every
		// command has closed
		// what it opened by now, and the CLI registers no shutdown hook of its own beyond
		// run's
		Runtime.getRuntime().halt(status);
	}

	/** Runs one command and returns its exit status. */
	public int run(String[] args, PrintStream out, PrintStream err) {
		if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
			PrintStream stream = (args.length == 0) ? err : out;
			stream.println("usage: java -jar qemu-embed-driver.jar COMMAND ...");
			this.commands.values().forEach((command) -> stream.println("  " + command.usage()));
			return (args.length == 0) ? 2 : 0;
		}
		CliCommand command = this.commands.get(args[0]);
		if (command == null) {
			err.println("unknown command '" + args[0] + "'; commands: " + String.join(", ", this.commands.keySet()));
			return 2;
		}
		try {
			return command.run(Arrays.asList(args).subList(1, args.length), out, err);
		}
		catch (RuntimeException ex) {
			// A bug, not bad input: one line, and the details only on request.
			err.println(args[0] + ": internal error: " + ex);
			if (Boolean.getBoolean("qemuembed.debug")) {
				ex.printStackTrace(err);
			}
			return 1;
		}
	}

}
