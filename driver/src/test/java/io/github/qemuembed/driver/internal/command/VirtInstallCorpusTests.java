package io.github.qemuembed.driver.internal.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.error.ConfigurationException;
import io.github.qemuembed.driver.internal.hostnet.HostTaps;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import io.github.qemuembed.driver.internal.xml.InterfaceType;
import io.github.qemuembed.driver.internal.xml.NetInterface;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What virt-install 4.1 (Debian 12) writes for common x86 guests, unchanged:
 * {@code corpus/virt-install/NAME.xml} as {@code virt-install --print-xml --dry-run}
 * printed it (README there says how), the argv built for it ({@code NAME.argv}) and the
 * definition written back ({@code NAME.assigned.xml}), golden files regenerated with
 * {@code -Dgolden.update=true}. Each one is also started on the real QEMU, guest-less
 * under TCG: QEMU must accept every option. A file the driver refuses has its refusal in
 * {@code NAME.refused} instead.
 */
class VirtInstallCorpusTests {

	static final Path CORPUS = Path.of("src/test/resources/corpus/virt-install");

	/**
	 * The bridge the corpus's {@code virbr0} is mapped to for real starts (allowed in
	 * /etc/qemu/bridge.conf).
	 */
	static final String TEST_BRIDGE = "qe-br0";

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

	static RunContext context(DomainDefinition def) {
		return GoldenArgvTests.context(def).withBridge("default", "virbr0");
	}

	/**
	 * The definition as a driver running as root starts it: a multi-queue bridge NIC gets
	 * a tap the driver creates (qemu-bridge-helper, without root, opens one queue only),
	 * named in its {@code <target dev>} (RootTapTests prove the driver's part).
	 */
	static DomainDefinition asRoot(DomainDefinition def) {
		List<NetInterface> nics = new ArrayList<>(def.devices().interfaces());
		for (int i = 0; i < nics.size(); i++) {
			NetInterface nic = nics.get(i);
			if (nic.multiQueue() && nic.type() != InterfaceType.ETHERNET && nic.targetDev().isEmpty()) {
				nics.set(i, nic.withTargetDev("qetap" + i));
			}
		}
		return def.withDevices(def.devices().withInterfaces(nics));
	}

	/**
	 * What a file is refused with ({@code PATH: message}), kept in {@code NAME.refused}:
	 * a file the driver does not run yet stays in the corpus, and its test fails as soon
	 * as the verdict changes either way.
	 */
	static Optional<String> refusal(String name) throws IOException {
		Path file = CORPUS.resolve(name + ".refused");
		return Files.exists(file) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
	}

	private static void assertRefusedAsRecorded(String name, ThrowingCallable action) throws IOException {
		Throwable thrown = catchThrowable(action);
		if (Boolean.getBoolean("golden.update") && thrown instanceof ConfigurationException) {
			Files.writeString(CORPUS.resolve(name + ".refused"), thrown.getMessage() + "\n", StandardCharsets.UTF_8);
		}
		assertThat(thrown).isInstanceOf(ConfigurationException.class).hasMessage(refusal(name).orElse("(none)"));
	}

	@ParameterizedTest
	@MethodSource("names")
	void validatesAndBuildsTheGoldenArgv(String name) throws IOException {
		String xml = Files.readString(CORPUS.resolve(name + ".xml"));
		if (refusal(name).isPresent()) {
			assertRefusedAsRecorded(name, () -> {
				DomainDefinition def = asRoot(DomainXml.parse(xml));
				QemuCommandBuilder.build(def, TestCapabilities.qemu72(), context(def));
			});
			return;
		}
		DomainDefinition def = asRoot(DomainXml.parse(xml));
		QemuCommand command = QemuCommandBuilder.build(def, TestCapabilities.qemu72(), context(def));
		String argv = String.join("\n", command.argv()) + "\n";
		String assigned = DomainXml.write(command.definition(), false);
		if (Boolean.getBoolean("golden.update")) {
			Files.writeString(CORPUS.resolve(name + ".argv"), argv, StandardCharsets.UTF_8);
			Files.writeString(CORPUS.resolve(name + ".assigned.xml"), assigned, StandardCharsets.UTF_8);
		}
		assertThat(argv).isEqualTo(Files.readString(CORPUS.resolve(name + ".argv")));
		assertThat(assigned).isEqualTo(Files.readString(CORPUS.resolve(name + ".assigned.xml")));
		DomainDefinition reparsed = DomainXml.parse(DomainXml.write(command.definition(), true));
		assertThat(QemuCommandBuilder.build(reparsed, TestCapabilities.qemu72(), context(reparsed)).argv())
			.isEqualTo(command.argv());
	}

	@BeforeAll
	static void bridge() throws Exception {
		if (!Files.exists(Path.of("/sys/class/net/" + TEST_BRIDGE))) {
			createdBridge = RealQemuDeviceTests.run("ip", "link", "add", TEST_BRIDGE, "type", "bridge") == 0;
			assertThat(createdBridge).as("a bridge can be created (the tests run as root)").isTrue();
		}
	}

	@AfterAll
	static void removeBridge() throws Exception {
		if (createdBridge) {
			RealQemuDeviceTests.run("ip", "link", "del", TEST_BRIDGE);
		}
	}

	/**
	 * Starts the definition on the installed QEMU, paused before the firmware runs, with
	 * its files in a temporary directory: images created with qemu-img, installer ISOs
	 * and a kernel made up. Under TCG, where libvirt (and this driver) refuse
	 * {@code host-passthrough}, that one CPU mode becomes {@code maximum}: the brief of
	 * these tests is that QEMU accepts every other option as written (KVM's
	 * {@code -cpu host} aborts on some hosts).
	 */
	@ParameterizedTest
	@MethodSource("names")
	void startsOnRealQemuUnderTcg(String name) throws Exception {
		String xml = Files.readString(CORPUS.resolve(name + ".xml"));
		if (refusal(name).isPresent()) {
			assertRefusedAsRecorded(name, () -> RealQemu.start(xml, this.root, Accel.TCG).close());
			return;
		}
		startGuestless(this.root, name.replace("-install", ""), xml);
	}

	/**
	 * Starts a corpus definition on the installed QEMU, paused before the firmware runs,
	 * and checks what needs more than an argument (firmware, TPM emulator, virtiofsd,
	 * SPICE server). {@code xml} may quote its attributes either way (virt-install writes
	 * {@code "}, libvirt's dumpxml {@code '}).
	 */
	static void startGuestless(Path root, String domainName, String xml) throws Exception {
		Path images = Files.createDirectories(root.resolve("images"));
		for (String file : referencedFiles(xml, "/var/lib/libvirt/images/")) {
			Path target = images.resolve(file);
			if (file.endsWith(".qcow2")) {
				Process create = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", target.toString(), "16M")
					.redirectErrorStream(true)
					.start();
				create.getInputStream().readAllBytes();
				assertThat(create.waitFor()).isZero();
			}
			else {
				Files.write(target, new byte[2048]);
			}
		}
		Path boot = Files.createDirectories(root.resolve("boot"));
		for (String file : referencedFiles(xml, "/var/lib/libvirt/boot/")) {
			if (file.startsWith("vmlinuz")) {
				RealQemuDomainTests.multibootKernel(boot.resolve(file));
			}
			else {
				Files.write(boot.resolve(file), new byte[4096]);
			}
		}
		Path share = Files.createDirectories(root.resolve("share"));
		String local = xml.replace("/var/lib/libvirt/images/", images + "/")
			.replaceAll("([\"'])/srv/share([\"'])", "$1" + share + "$2")
			.replace("/var/lib/libvirt/boot/", boot + "/")
			.replaceAll("bridge=([\"'])virbr0([\"'])", "bridge=$1" + TEST_BRIDGE + "$2")
			.replaceAll("mode=([\"'])host-passthrough([\"'])", "mode=$1maximum$2");
		Optional<String> tap = Optional.empty();
		if (local.matches("(?s).*queues=[\"'][0-9]+[\"'].*")) {
			// QEMU runs here without the driver: the test creates the multi-queue tap on
			// the bridge the way the driver does as root
			tap = Optional.of(HostTaps.create(new HostTaps.Request(Optional.empty(), "52:54:00:00:00:01",
					Optional.empty(), Optional.of(TEST_BRIDGE), true), "the corpus NIC"));
			local = local.replaceFirst("(<source bridge=[\"']" + TEST_BRIDGE + "[\"']/>)",
					"$1<target dev='" + tap.get() + "'/>");
		}
		try (RealQemu qemu = RealQemu.start(local, root, Accel.TCG, (ctx) -> ctx.withBridge("default", TEST_BRIDGE))) {
			if (tap.isPresent()) {
				// one queue pair per tap queue, and the device's vectors for them
				assertThat(qemu.qmp("human-monitor-command", Map.of("command-line", "info network")).asString())
					.contains("hostnet0: index=3,type=tap,ifname=" + tap.get());
				assertThat(qemu.device("net0", "mq").asBoolean()).isTrue();
			}
			assertThat(qemu.qmp("query-status").get("status").asString()).isEqualTo("prelaunch");
			assertThat(qemu.qmp("query-name").get("name").asString()).isEqualTo(domainName);
			// the parts that need more than an argument: a firmware image, a TPM
			// emulator, a SPICE server
			if (xml.matches("(?s).*firmware=[\"']efi[\"'].*")) {
				assertThat(qemu.qomGet("/machine", "pflash0").asString()).isEqualTo("pflash0-format");
				String nvram = qemu.command().definition().os().nvram().get().path();
				assertThat(Path.of(nvram)).hasParent(root.resolve("lib/qemu/nvram")).isNotEmptyFile();
			}
			if (xml.contains("<tpm ")) {
				assertThat(qemu.qmp("query-tpm").get(0).get("model").asString()).isEqualTo("tpm-crb");
			}
			if (xml.contains("<filesystem ")) {
				assertThat(qemu.peripheralTypes()).contains("vhost-user-fs-pci");
			}
			if (xml.matches("(?s).*type=[\"']spice[\"'].*")) {
				assertThat(qemu.qmp("query-spice").get("enabled").asBoolean()).isTrue();
			}
		}
		finally {
			tap.ifPresent(HostTaps::delete);
		}
	}

	private static Set<String> referencedFiles(String xml, String directory) {
		Set<String> files = new TreeSet<>();
		Matcher matcher = Pattern.compile(Pattern.quote(directory) + "([A-Za-z0-9_.\\-]+)").matcher(xml);
		while (matcher.find()) {
			files.add(matcher.group(1));
		}
		return files;
	}

}
