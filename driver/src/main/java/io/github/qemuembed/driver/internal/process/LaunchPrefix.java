package io.github.qemuembed.driver.internal.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The wrapper command put in front of every child's argv (see {@link QemuLauncher} for
 * why): a process group of its own and, with {@code killWithOwner}, SIGKILL when the
 * launching thread goes away. Every wrapper execs the next command in place, so the pid
 * started stays the child's (the start checks it against QEMU's pidfile). A pure function
 * of the tools found and the architecture.
 * <p>
 * Preferred: one Perl process that does both ({@code prctl(PR_SET_PDEATHSIG)} through
 * Perl's {@code syscall}, then {@code setpgrp}). Each exec before QEMU costs about a
 * millisecond of the launch (docs/performance.md, launch), and Perl replaces
 * {@code setpriv --pdeathsig KILL} followed by Perl. Perl's {@code syscall} takes the raw
 * system call number, which differs between architectures, so it is used only where the
 * number is known; elsewhere {@code setpriv} sets the signal, as without Perl, where
 * {@code setsid} makes the group. None of them forks: the child is never a process-group
 * leader when it starts, so {@code setsid} does not need to.
 */
final class LaunchPrefix {

	/** {@code prctl} options, from linux/prctl.h. */
	private static final int PR_SET_PDEATHSIG = 1;

	private static final int PR_GET_PDEATHSIG = 2;

	private static final int SIGKILL = 9;

	/**
	 * A new process group, then the argv exec'd in place: the block form of {@code exec}
	 * never goes through a shell.
	 */
	private static final String NEW_GROUP = "setpgrp(0, 0) or die \"setpgrp: $!\\n\"; "
			+ "exec { $ARGV[0] } @ARGV or die \"cannot execute $ARGV[0]: $!\\n\"";

	private LaunchPrefix() {
	}

	/**
	 * What a spare wrapper does once the request arrives on its stdin (see
	 * {@link SpareRequest} for the layout, and {@link QemuLauncher} for why): set the
	 * environment it names, take stdin from /dev/null and stdout and stderr from the log
	 * (Perl keeps the numbers 0 to 2 when it reopens them), then exec the argv in place.
	 * An empty stdin is the launcher closing: exit quietly. A request cut short (the JVM
	 * died while writing it) lacks its last NUL or has fewer fields than it announces:
	 * exit without running anything.
	 */
	private static final String SERVE_REQUEST = "my $request = do { local $/; <STDIN> }; "
			+ "defined $request && length $request or exit 0; "
			+ "$request =~ s/\\0\\z// or die \"incomplete request\\n\"; "
			+ "my ($count, @fields) = split /\\0/, $request, -1; "
			+ "$count eq scalar(@fields) or die \"incomplete request\\n\"; " + "my ($log, $pairs, @argv) = @fields; "
			+ "for (1 .. $pairs) { my $key = shift @argv; $ENV{$key} = shift @argv; } "
			+ "open STDIN, '<', '/dev/null' or die \"stdin: $!\\n\"; "
			+ "open STDOUT, '>>', $log or die \"cannot open $log: $!\\n\"; "
			+ "open STDERR, '>&', \\*STDOUT or die \"stderr: $!\\n\"; "
			+ "exec { $argv[0] } @argv or die \"cannot execute $argv[0]: $!\\n\"";

	/**
	 * The number of {@code prctl} on an architecture ({@code os.arch}), where known:
	 * x86-64's own table, and the generic table of arm64.
	 */
	static OptionalInt prctlSyscall(String arch) {
		return switch (arch) {
			case "amd64", "x86_64" -> OptionalInt.of(157);
			case "aarch64", "arm64" -> OptionalInt.of(167);
			default -> OptionalInt.empty();
		};
	}

	/**
	 * The Perl program that asks for SIGKILL on the parent's death, checks that the
	 * kernel took it (a wrong system call number could not pass: it would have to store 9
	 * where {@code PR_GET_PDEATHSIG} does) and that the parent is still the owner
	 * ({@code $ARGV[0]}: had the owner died before the request, the child would have been
	 * handed to another parent and never get the signal), then continues as
	 * {@link #NEW_GROUP}.
	 */
	static String dieWithOwner(int prctl) {
		return askForSignal(prctl) + NEW_GROUP;
	}

	private static String askForSignal(int prctl) {
		return "my $owner = shift; " + "syscall(" + prctl + ", " + PR_SET_PDEATHSIG + ", " + SIGKILL + ") == 0 "
				+ "or die \"prctl(PR_SET_PDEATHSIG): $!\\n\"; " + "my $signal = pack(\"i\", 0); " + "syscall(" + prctl
				+ ", " + PR_GET_PDEATHSIG + ", $signal) == 0 && unpack(\"i\", $signal) == " + SIGKILL
				+ " or die \"prctl(PR_SET_PDEATHSIG) did not take effect\\n\"; "
				+ "getppid() == $owner or die \"the process that started this one ($owner) is gone\\n\"; ";
	}

	/**
	 * The command of a spare wrapper: the same Perl process as the prefix of {@link #of},
	 * which sets itself up (the signal, the parent check, the group) at once, but then
	 * waits for its argv on stdin instead of taking it from its own. Empty where the
	 * prefix would not be Perl alone (no Perl, or the signal wanted on an architecture
	 * whose {@code prctl} number is unknown): no spares then.
	 */
	static Optional<List<String>> spare(boolean killWithOwner, Optional<String> perl, String arch, long owner) {
		OptionalInt prctl = prctlSyscall(arch);
		if (perl.isEmpty() || (killWithOwner && prctl.isEmpty())) {
			return Optional.empty();
		}
		String group = "setpgrp(0, 0) or die \"setpgrp: $!\\n\"; ";
		return Optional
			.of(killWithOwner ? List.of(perl.get(), "-e", askForSignal(prctl.getAsInt()) + group + SERVE_REQUEST, "--",
					Long.toString(owner)) : List.of(perl.get(), "-e", group + SERVE_REQUEST));
	}

	/**
	 * The prefix for the tools found.
	 * @param killWithOwner whether the child gets SIGKILL when the launching thread ends
	 * @param perl Perl's path, if installed
	 * @param setpriv setpriv's path (util-linux), if installed
	 * @param setsid setsid's path (util-linux), if installed
	 * @param arch the JVM's {@code os.arch}
	 * @param owner the pid of this JVM, the child's parent
	 * @return the prefix, or empty if a tool it needs is missing
	 */
	static Optional<List<String>> of(boolean killWithOwner, Optional<String> perl, Optional<String> setpriv,
			Optional<String> setsid, String arch, long owner) {
		OptionalInt prctl = prctlSyscall(arch);
		if (perl.isPresent() && (!killWithOwner || prctl.isPresent())) {
			return Optional.of(killWithOwner
					? List.of(perl.get(), "-e", dieWithOwner(prctl.getAsInt()), "--", Long.toString(owner))
					: List.of(perl.get(), "-e", NEW_GROUP, "--"));
		}
		List<String> prefix = new ArrayList<>();
		if (killWithOwner) {
			if (setpriv.isEmpty()) {
				return Optional.empty();
			}
			prefix.addAll(List.of(setpriv.get(), "--pdeathsig", "KILL", "--"));
		}
		if (perl.isPresent()) {
			prefix.addAll(List.of(perl.get(), "-e", NEW_GROUP, "--"));
		}
		else if (setsid.isPresent()) {
			prefix.add(setsid.get());
		}
		else {
			return Optional.empty();
		}
		return Optional.of(List.copyOf(prefix));
	}

}
