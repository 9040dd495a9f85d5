package io.github.qemuembed.driver.internal.command;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One of QEMU's firmware descriptors ({@code /usr/share/qemu/firmware/*.json}, QEMU's
 * {@code firmware.json} schema), reduced to what choosing a UEFI flash image needs.
 *
 * @param file the descriptor file
 * @param interfaceTypes {@code uefi}, {@code bios}, ...
 * @param device {@code flash}, {@code memory}, {@code kernel}
 * @param executable the firmware code image
 * @param executableFormat its format ({@code raw}, {@code qcow2})
 * @param nvramTemplate the variable store template, for flash firmware
 * @param targets {@code ARCH:MACHINE-GLOB} pairs, like {@code x86_64:pc-q35-*}
 * @param features {@code secure-boot}, {@code enrolled-keys}, {@code requires-smm},
 * {@code acpi-s3}, ...
 */
record FirmwareDescriptor(Path file, Set<String> interfaceTypes, String device, Path executable,
		String executableFormat, Optional<Path> nvramTemplate, List<String> targets, Set<String> features) {

	public FirmwareDescriptor {
		interfaceTypes = Set.copyOf(interfaceTypes);
		targets = List.copyOf(targets);
		features = Set.copyOf(features);
	}

	/** Whether it runs on the architecture and (canonical, versioned) machine type. */
	public boolean supports(String arch, String machine) {
		for (String target : this.targets) {
			int colon = target.indexOf(':');
			if (target.substring(0, colon).equals(arch) && machine.matches(glob(target.substring(colon + 1)))) {
				return true;
			}
		}
		return false;
	}

	private static String glob(String pattern) {
		StringBuilder regex = new StringBuilder();
		for (char c : pattern.toCharArray()) {
			regex.append((c == '*') ? ".*" : (c == '?') ? "." : Pattern.quote(String.valueOf(c)));
		}
		return regex.toString();
	}

}
