package io.github.qemuembed.driver.agent;

import java.util.Optional;

/**
 * The guest's operating system, from {@code guest-get-osinfo} ({@code /etc/os-release}
 * and {@code uname} on Linux). Every member is optional: the agent leaves out what it
 * cannot find.
 *
 * @param id {@code ID} of os-release, such as {@code debian}
 * @param name {@code NAME}
 * @param prettyName {@code PRETTY_NAME}
 * @param version {@code VERSION}
 * @param versionId {@code VERSION_ID}
 * @param kernelRelease {@code uname -r}
 * @param kernelVersion {@code uname -v}
 * @param machine {@code uname -m}, such as {@code x86_64}
 */
public record GuestOsInfo(Optional<String> id, Optional<String> name, Optional<String> prettyName,
		Optional<String> version, Optional<String> versionId, Optional<String> kernelRelease,
		Optional<String> kernelVersion, Optional<String> machine) {

}
