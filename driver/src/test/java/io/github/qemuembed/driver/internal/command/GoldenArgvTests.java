package io.github.qemuembed.driver.internal.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainType;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden files: {@code golden/NAME.xml} in, {@code NAME.argv} (one argument per line) and
 * {@code NAME.assigned.xml} (the definition written back after address assignment) out.
 * Regenerate with {@code -Dgolden.update=true} and review the diff.
 */
class GoldenArgvTests {

	static final Path GOLDEN = Path.of("src/test/resources/golden");

	static final Path ROOT = Path.of("/var/lib/qe");

	static Stream<String> names() throws IOException {
		try (Stream<Path> files = Files.list(GOLDEN)) {
			return files.map((file) -> file.getFileName().toString())
				.filter((name) -> name.endsWith(".xml") && !name.endsWith(".assigned.xml"))
				.map((name) -> name.substring(0, name.length() - 4))
				.sorted()
				.toList()
				.stream();
		}
	}

	/**
	 * The run context every golden file is built with: fixed paths and resolved secondary
	 * facts.
	 */
	static RunContext context(DomainDefinition def) {
		Path privateDir = ROOT.resolve("lib/qemu/domain-1-" + def.name());
		return RunContext
			.of(def.type() == DomainType.KVM ? Accel.KVM : Accel.TCG, Path.of("/usr/bin/qemu-system-x86_64"),
					privateDir, ROOT.resolve("run/qemu/" + def.name() + ".pid"),
					ROOT.resolve("log/qemu/" + def.name() + ".log"))
			.withVolume("default", "data.qcow2", ROOT.resolve("pools/default/data.qcow2"))
			.withBridge("default", "virbr0")
			.withSecretFile(UUID.fromString("0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f"),
					privateDir.resolve("secret-0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f"))
			.withVncPasswordFile(privateDir.resolve("vnc0.secret"))
			.withFirmware(FirmwareDescriptors.load(List.of(Path.of("src/test/resources/firmware"))))
			// fixed host pools, so that the goldens do not depend on this host's huge
			// pages
			.withHugePages(List.of(new HugePagePool(2048, 1024, Optional.of(Path.of("/dev/hugepages")), true),
					new HugePagePool(1048576, 0, Optional.empty(), false)));
	}

	@ParameterizedTest
	@MethodSource("names")
	void argvMatchesGoldenFile(String name) throws IOException {
		DomainDefinition def = DomainXml.parse(Files.readString(GOLDEN.resolve(name + ".xml")));
		QemuCommand command = QemuCommandBuilder.build(def, TestCapabilities.qemu72(), context(def));
		String argv = String.join("\n", command.argv()) + "\n";
		String assigned = DomainXml.write(command.definition(), false);
		if (Boolean.getBoolean("golden.update")) {
			Files.writeString(GOLDEN.resolve(name + ".argv"), argv, StandardCharsets.UTF_8);
			Files.writeString(GOLDEN.resolve(name + ".assigned.xml"), assigned, StandardCharsets.UTF_8);
		}
		assertThat(argv).isEqualTo(Files.readString(GOLDEN.resolve(name + ".argv")));
		assertThat(assigned).isEqualTo(Files.readString(GOLDEN.resolve(name + ".assigned.xml")));
		// Stable across restarts: building again from the written-back definition changes
		// nothing.
		DomainDefinition reparsed = DomainXml.parse(DomainXml.write(command.definition(), true));
		assertThat(QemuCommandBuilder.build(reparsed, TestCapabilities.qemu72(), context(reparsed)).argv())
			.isEqualTo(command.argv());
		assertThat(argv).doesNotContain("s3cret").doesNotContain("hunter2");
	}

}
