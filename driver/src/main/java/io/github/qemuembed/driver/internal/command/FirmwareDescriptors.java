package io.github.qemuembed.driver.internal.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads QEMU's firmware descriptors the way libvirt does: every {@code *.json} of the
 * directories, a file name in an earlier directory hiding the same name in a later one,
 * ordered by file name (the number in front is the priority). Unreadable descriptors are
 * skipped, as libvirt skips them.
 */
final class FirmwareDescriptors {

	/**
	 * Where QEMU packages and administrators put descriptors, the administrator's first.
	 */
	public static final List<Path> SYSTEM_DIRECTORIES = List.of(Path.of("/etc/qemu/firmware"),
			Path.of("/usr/share/qemu/firmware"));

	private static volatile List<FirmwareDescriptor> system;

	private FirmwareDescriptors() {
	}

	/** The host's descriptors, read once. */
	public static List<FirmwareDescriptor> system() {
		List<FirmwareDescriptor> result = system;
		if (result == null) {
			result = load(SYSTEM_DIRECTORIES);
			system = result;
		}
		return result;
	}

	public static List<FirmwareDescriptor> load(List<Path> directories) {
		Map<String, Path> files = new TreeMap<>();
		for (Path directory : directories) {
			if (!Files.isDirectory(directory)) {
				continue;
			}
			try (Stream<Path> list = Files.list(directory)) {
				list.filter((file) -> file.getFileName().toString().endsWith(".json"))
					.forEach((file) -> files.putIfAbsent(file.getFileName().toString(), file));
			}
			catch (IOException ex) {
				// an unreadable directory offers no firmware
			}
		}
		List<FirmwareDescriptor> descriptors = new ArrayList<>();
		for (Path file : files.values()) {
			parse(file).ifPresent(descriptors::add);
		}
		return List.copyOf(descriptors);
	}

	static Optional<FirmwareDescriptor> parse(Path file) {
		try {
			if (Files.size(file) > 1024 * 1024) {
				return Optional.empty();
			}
			JsonNode root = JsonMapper.shared().readTree(Files.readString(file));
			JsonNode mapping = root.path("mapping");
			String device = mapping.path("device").asString("");
			JsonNode executable = mapping.path("executable");
			if (!executable.path("filename").isString()) {
				return Optional.empty();
			}
			Optional<Path> template = mapping.path("nvram-template").path("filename").isString()
					? Optional.of(Path.of(mapping.path("nvram-template").path("filename").asString()))
					: Optional.empty();
			List<String> targets = new ArrayList<>();
			for (JsonNode target : root.path("targets")) {
				String arch = target.path("architecture").asString("");
				for (JsonNode machine : target.path("machines")) {
					targets.add(arch + ":" + machine.asString(""));
				}
			}
			return Optional.of(new FirmwareDescriptor(file, strings(root.path("interface-types")), device,
					Path.of(executable.path("filename").asString()), executable.path("format").asString("raw"),
					template, targets, strings(root.path("features"))));
		}
		catch (IOException | RuntimeException ex) {
			return Optional.empty();
		}
	}

	private static Set<String> strings(JsonNode array) {
		Set<String> values = new LinkedHashSet<>();
		array.forEach((value) -> values.add(value.asString("")));
		return values;
	}

}
