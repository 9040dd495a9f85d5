package io.github.qemuembed.testsupport.console;

import java.util.List;

/**
 * What a shell command run on a guest console did.
 *
 * @param command the command as given
 * @param exitCode its exit status ({@code $?})
 * @param output what it printed on the console, standard output and error interleaved as
 * the console showed them, with carriage returns removed; exactly as printed otherwise (a
 * trailing newline stays)
 */
public record ShellResult(String command, int exitCode, String output) {

	/** Whether the command exited with 0. */
	public boolean succeeded() {
		return this.exitCode == 0;
	}

	/** The output split into lines. */
	public List<String> lines() {
		return this.output.lines().toList();
	}

}
