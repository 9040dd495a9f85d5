package io.github.qemuembed.driver.internal.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.qemuembed.driver.error.ConfigurationException;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What a real libvirtd 9.0 writes back for the virt-install corpus:
 * {@code corpus/virsh-dumpxml/NAME.xml} is {@code virsh dumpxml --inactive} of
 * {@code corpus/virt-install/NAME.xml} after {@code virsh define} ({@code regenerate.sh}
 * there), with the addresses, controllers, models and defaults libvirt adds. Every one
 * must validate and build its argv (golden {@code NAME.argv}, {@code NAME.assigned.xml};
 * {@code -Dgolden.update=true} regenerates them); a sample starts on the real QEMU. A
 * file refused on purpose keeps its refusal in {@code NAME.refused}.
 */
class DumpxmlCorpusTests {

	static final Path CORPUS = Path.of("src/test/resources/corpus/virsh-dumpxml");

	private static boolean createdBridge;

	@TempDir
	Path root;

	static Stream<String> names() throws IOException {
		try (Stream<Path> files = Files.list(CORPUS)) {
			return files.map((file) -> file.getFileName().toString())
				.filter((name) -> name.endsWith(".xml") && !name.endsWith(".assigned.xml"))
				.map((name) -> name.substring(0, name.length() - 4))
				.sorted()
				.toList()
				.stream();
		}
	}

	static Optional<String> refusal(String name) throws IOException {
		Path file = CORPUS.resolve(name + ".refused");
		return Files.exists(file) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
	}

	@ParameterizedTest
	@MethodSource("names")
	void validatesAndBuildsTheGoldenArgv(String name) throws IOException {
		String xml = Files.readString(CORPUS.resolve(name + ".xml"));
		if (refusal(name).isPresent() || Boolean.getBoolean("golden.update")) {
			Throwable thrown = catchThrowable(() -> {
				DomainDefinition def = VirtInstallCorpusTests.asRoot(DomainXml.parse(xml));
				QemuCommandBuilder.build(def, TestCapabilities.qemu72(), VirtInstallCorpusTests.context(def));
			});
			if (Boolean.getBoolean("golden.update") && thrown instanceof ConfigurationException) {
				Files.writeString(CORPUS.resolve(name + ".refused"), thrown.getMessage() + "\n",
						StandardCharsets.UTF_8);
			}
			if (thrown != null || refusal(name).isPresent()) {
				assertThat(thrown).isInstanceOf(ConfigurationException.class)
					.hasMessage(refusal(name).orElse("(none)"));
				return;
			}
		}
		DomainDefinition def = VirtInstallCorpusTests.asRoot(DomainXml.parse(xml));
		QemuCommand command = QemuCommandBuilder.build(def, TestCapabilities.qemu72(),
				VirtInstallCorpusTests.context(def));
		String argv = String.join("\n", command.argv()) + "\n";
		String assigned = DomainXml.write(command.definition(), false);
		if (Boolean.getBoolean("golden.update")) {
			Files.writeString(CORPUS.resolve(name + ".argv"), argv, StandardCharsets.UTF_8);
			Files.writeString(CORPUS.resolve(name + ".assigned.xml"), assigned, StandardCharsets.UTF_8);
		}
		assertThat(argv).isEqualTo(Files.readString(CORPUS.resolve(name + ".argv")));
		assertThat(assigned).isEqualTo(Files.readString(CORPUS.resolve(name + ".assigned.xml")));
		DomainDefinition reparsed = DomainXml.parse(DomainXml.write(command.definition(), true));
		assertThat(
				QemuCommandBuilder.build(reparsed, TestCapabilities.qemu72(), VirtInstallCorpusTests.context(reparsed))
					.argv())
			.isEqualTo(command.argv());
	}

	/**
	 * libvirt's own addresses and defaults are what differ from virt-install's output, so
	 * the written-back definition keeps every PCI address libvirt gave: the guest sees
	 * the same hardware under either driver.
	 */
	@ParameterizedTest
	@MethodSource("names")
	void keepsTheAddressesLibvirtAssigned(String name) throws IOException {
		if (refusal(name).isPresent()) {
			return;
		}
		String xml = Files.readString(CORPUS.resolve(name + ".xml"));
		String assigned = Files.readString(CORPUS.resolve(name + ".assigned.xml"));
		Matcher matcher = Pattern.compile(
				"<address type='pci' domain='0x0000' bus='(0x[0-9a-f]+)' slot='(0x[0-9a-f]+)' function='(0x[0-9a-f]+)'")
			.matcher(xml);
		int count = 0;
		while (matcher.find()) {
			count++;
			assertThat(assigned).contains("bus='" + matcher.group(1) + "' slot='" + matcher.group(2) + "' function='"
					+ matcher.group(3) + "'");
		}
		assertThat(count).isPositive();
	}

	@BeforeAll
	static void bridge() throws Exception {
		if (!Files.exists(Path.of("/sys/class/net/" + VirtInstallCorpusTests.TEST_BRIDGE))) {
			createdBridge = RealQemuDeviceTests.run("ip", "link", "add", VirtInstallCorpusTests.TEST_BRIDGE, "type",
					"bridge") == 0;
			assertThat(createdBridge).as("a bridge can be created (the tests run as root)").isTrue();
		}
	}

	@AfterAll
	static void removeBridge() throws Exception {
		if (createdBridge) {
			RealQemuDeviceTests.run("ip", "link", "del", VirtInstallCorpusTests.TEST_BRIDGE);
		}
	}

	/**
	 * A sample covering each kind: i440fx, UEFI + TPM + SPICE, Windows (Hyper-V), USB 2,
	 * virtiofs, kernel boot, qxl.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "freebsd13-i440fx", "fedora37-uefi", "win11", "centos7-usb2", "fedora37-virtiofs",
			"linux-kernel-boot", "debian11-agent", "ubuntu-spice" })
	void aSampleStartsOnRealQemuUnderTcg(String name) throws Exception {
		assertThat(refusal(name)).isEmpty();
		VirtInstallCorpusTests.startGuestless(this.root, name.replace("-install", ""),
				Files.readString(CORPUS.resolve(name + ".xml")));
	}

}
