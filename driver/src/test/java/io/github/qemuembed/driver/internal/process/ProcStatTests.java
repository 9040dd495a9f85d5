package io.github.qemuembed.driver.internal.process;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcStatTests {

	@Test
	void parsesFieldsAfterACommandNameWithSpacesAndParentheses() {
		String line = "4242 (qemu (x) sys) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 5 0 987654 "
				+ "300000000 2048 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0";
		ProcStat stat = ProcStat.parse(line);
		assertThat(stat.state()).isEqualTo('S');
		assertThat(stat.utimeTicks()).isEqualTo(250);
		assertThat(stat.stimeTicks()).isEqualTo(50);
		assertThat(stat.startTicks()).isEqualTo(987654);
		assertThat(stat.rssPages()).isEqualTo(2048);
		assertThat(stat.cpuTime().toMillis()).isEqualTo(3000);
		assertThat(stat.residentBytes()).isEqualTo(2048L * 4096);
	}

	@Test
	void identityOfThisJvmMatchesItselfAndNotAnotherStartTime() {
		long pid = ProcessHandle.current().pid();
		ProcessIdentity self = ProcessIdentity.of(pid).orElseThrow();
		assertThat(self.isStillAlive()).isTrue();
		assertThat(self.commandLine().get(0)).contains("java");
		ProcessIdentity reused = new ProcessIdentity(pid, self.startTicks() + 1, self.commandLine());
		assertThat(reused.isStillAlive()).isFalse();
	}

}
