package io.github.qemuembed.testsupport.guest;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A kernel for the test guest.
 *
 * @param image the bootable kernel image ({@code vmlinuz})
 * @param release the kernel release ({@code uname -r}), or {@code "unknown"} when it
 * cannot be told
 * @param modules its {@code lib/modules/RELEASE} directory, if known
 */
public record GuestKernel(Path image, String release, Optional<Path> modules) {

	public GuestKernel {
		Objects.requireNonNull(image, "image");
		Objects.requireNonNull(release, "release");
		Objects.requireNonNull(modules, "modules");
	}

}
