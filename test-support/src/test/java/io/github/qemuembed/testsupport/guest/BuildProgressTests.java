package io.github.qemuembed.testsupport.guest;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.testsupport.guest.BuildProgress.Phase;
import io.github.qemuembed.testsupport.guest.BuildProgress.Step;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * mmdebstrap's verbose lines, in the order and form it prints them, become phases and a
 * percentage that only grows.
 */
class BuildProgressTests {

	@Test
	void phasesAndPackageCountsGiveAGrowingPercentage() {
		BuildProgress progress = new BuildProgress();
		List<Step> steps = new ArrayList<>();
		feed(progress, steps, "I: chroot architecture amd64 is equal to the host's architecture",
				"I: running apt-get update...", "Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]",
				"I: downloading packages with apt...", "0 upgraded, 2 newly installed, 0 to remove and 0 not upgraded.",
				"Get:1 http://deb.debian.org/debian bookworm/main amd64 gcc-12-base amd64 12.2.0-14 [37.5 kB]",
				"Get:2 http://deb.debian.org/debian bookworm/main amd64 libc6 amd64 2.36-9 [2757 kB]",
				"I: extracting archives...", "I: installing essential packages...",
				"Unpacking gcc-12-base:amd64 (12.2.0-14) ...", "Unpacking libc6:amd64 (2.36-9) ...",
				"Setting up gcc-12-base:amd64 (12.2.0-14) ...", "Setting up libc6:amd64 (2.36-9) ...",
				"I: installing remaining packages inside the chroot...",
				"0 upgraded, 1 newly installed, 0 to remove and 0 not upgraded.",
				"Get:1 http://deb.debian.org/debian bookworm/main amd64 cloud-init all 22.4.2-1 [1064 kB]",
				"Unpacking cloud-init (22.4.2-1) ...", "Setting up cloud-init (22.4.2-1) ...",
				"I: cleaning package lists and apt cache...", "I: success in 110.0984 seconds");
		steps.add(progress.enter(Phase.FILESYSTEM));
		steps.add(progress.enter(Phase.QCOW2));

		assertThat(steps).extracting(Step::phase)
			.containsSubsequence(Phase.DOWNLOAD, Phase.EXTRACT, Phase.ESSENTIAL, Phase.INSTALL, Phase.CLEANUP,
					Phase.FILESYSTEM, Phase.QCOW2);
		assertThat(steps).extracting(Step::percent).isSorted();
		assertThat(steps).extracting(Step::toString)
			.contains("3% downloading essential packages", "8% downloading essential packages",
					"40% installing essential packages", "88% downloading and installing packages",
					"97% converting to qcow2");
		assertThat(steps).as("the index download before the package count is not a package")
			.noneMatch((s) -> s.phase() == Phase.RESOLVE && s.percent() > 0);
	}

	@Test
	void linesBeforeTheCountOrOfOtherToolsMoveNothing() {
		BuildProgress progress = new BuildProgress();
		assertThat(progress.line("I: downloading packages with apt...")).isPresent();
		assertThat(progress.line("Get:1 http://deb.debian.org/debian bookworm/main amd64 libc6 [2757 kB]"))
			.as("no count announced yet")
			.isEmpty();
		assertThat(progress.line("W: something odd")).isEmpty();
		assertThat(progress.line("I: downloading packages with apt...")).as("a phase is entered once").isEmpty();
		assertThat(progress.current()).isEqualTo(new Step(Phase.DOWNLOAD, 3));
	}

	private static void feed(BuildProgress progress, List<Step> steps, String... lines) {
		for (String line : lines) {
			progress.line(line).ifPresent(steps::add);
		}
	}

}
