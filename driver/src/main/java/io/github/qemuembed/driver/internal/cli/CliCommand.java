package io.github.qemuembed.driver.internal.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * One subcommand of {@link QemuEmbedCli}. Exit status: 0 success, 1 failure, 2 usage
 * error.
 */
interface CliCommand {

	/** One line: {@code usage: NAME ARGS...}. */
	String usage();

	int run(List<String> args, PrintStream out, PrintStream err);

}
