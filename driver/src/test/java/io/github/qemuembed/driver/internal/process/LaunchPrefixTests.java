package io.github.qemuembed.driver.internal.process;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which wrapper a child gets, for the tools a host has. */
class LaunchPrefixTests {

	private static final Optional<String> PERL = Optional.of("/usr/bin/perl");

	private static final Optional<String> SETPRIV = Optional.of("/usr/bin/setpriv");

	private static final Optional<String> SETSID = Optional.of("/usr/bin/setsid");

	@Test
	void perlAloneSetsTheSignalAndTheGroupWhereThePrctlNumberIsKnown() {
		List<String> prefix = LaunchPrefix.of(true, PERL, SETPRIV, SETSID, "amd64", 4242).orElseThrow();
		assertThat(prefix).hasSize(5).startsWith("/usr/bin/perl", "-e").endsWith("--", "4242");
		assertThat(prefix.get(2)).contains("syscall(157, 1, 9)", "syscall(157, 2, $signal)", "getppid() == $owner",
				"setpgrp(0, 0)", "exec { $ARGV[0] } @ARGV");
		assertThat(LaunchPrefix.of(true, PERL, SETPRIV, SETSID, "aarch64", 4242).orElseThrow().get(2))
			.contains("syscall(167, 1, 9)", "syscall(167, 2, $signal)");
	}

	@Test
	void unknownArchitectureKeepsSetprivForTheSignal() {
		assertThat(LaunchPrefix.of(true, PERL, SETPRIV, SETSID, "s390x", 4242).orElseThrow()).hasSize(8)
			.startsWith("/usr/bin/setpriv", "--pdeathsig", "KILL", "--", "/usr/bin/perl", "-e")
			.endsWith("--")
			.noneMatch((arg) -> arg.contains("syscall"));
		assertThat(LaunchPrefix.of(true, PERL, Optional.empty(), SETSID, "s390x", 4242)).isEmpty();
	}

	@Test
	void withoutPerlSetprivAndSetsid() {
		assertThat(LaunchPrefix.of(true, Optional.empty(), SETPRIV, SETSID, "amd64", 4242).orElseThrow())
			.containsExactly("/usr/bin/setpriv", "--pdeathsig", "KILL", "--", "/usr/bin/setsid");
		assertThat(LaunchPrefix.of(false, Optional.empty(), SETPRIV, SETSID, "amd64", 4242).orElseThrow())
			.containsExactly("/usr/bin/setsid");
		assertThat(LaunchPrefix.of(true, Optional.empty(), SETPRIV, Optional.empty(), "amd64", 4242)).isEmpty();
		assertThat(LaunchPrefix.of(true, Optional.empty(), Optional.empty(), SETSID, "amd64", 4242)).isEmpty();
	}

	@Test
	void childrenThatOutliveTheOwnerGetTheGroupOnly() {
		List<String> prefix = LaunchPrefix.of(false, PERL, SETPRIV, SETSID, "amd64", 4242).orElseThrow();
		assertThat(prefix).hasSize(4).startsWith("/usr/bin/perl", "-e").endsWith("--");
		assertThat(prefix.get(2)).contains("setpgrp(0, 0)").doesNotContain("syscall", "getppid");
		assertThat(LaunchPrefix.of(false, PERL, Optional.empty(), Optional.empty(), "s390x", 4242)).isPresent();
	}

	@Test
	void aSpareIsThePerlWrapperThatReadsItsArgvFromStdin() {
		List<String> spare = LaunchPrefix.spare(true, PERL, "amd64", 4242).orElseThrow();
		assertThat(spare).hasSize(5).startsWith("/usr/bin/perl", "-e").endsWith("--", "4242");
		assertThat(spare.get(2)).contains("syscall(157, 1, 9)", "getppid() == $owner", "setpgrp(0, 0)", "<STDIN>",
				"exec { $argv[0] } @argv");
		List<String> detached = LaunchPrefix.spare(false, PERL, "s390x", 4242).orElseThrow();
		assertThat(detached).hasSize(3);
		assertThat(detached.get(2)).contains("setpgrp(0, 0)", "<STDIN>").doesNotContain("syscall", "getppid");
	}

	@Test
	void noSpareWhereThePrefixIsNotPerlAlone() {
		assertThat(LaunchPrefix.spare(true, Optional.empty(), "amd64", 4242)).isEmpty();
		assertThat(LaunchPrefix.spare(false, Optional.empty(), "amd64", 4242)).isEmpty();
		assertThat(LaunchPrefix.spare(true, PERL, "s390x", 4242)).isEmpty();
	}

	@Test
	void prctlNumbersOfTheKnownArchitecturesOnly() {
		assertThat(LaunchPrefix.prctlSyscall("amd64")).hasValue(157);
		assertThat(LaunchPrefix.prctlSyscall("x86_64")).hasValue(157);
		assertThat(LaunchPrefix.prctlSyscall("aarch64")).hasValue(167);
		assertThat(LaunchPrefix.prctlSyscall("ppc64le")).isEmpty();
		assertThat(LaunchPrefix.prctlSyscall("")).isEmpty();
	}

}
