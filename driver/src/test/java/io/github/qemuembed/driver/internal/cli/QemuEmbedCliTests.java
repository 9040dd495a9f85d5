package io.github.qemuembed.driver.internal.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.driver.internal.command.TestCapabilities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class QemuEmbedCliTests {

	static final String VALID = "<domain type='kvm'><name>ok</name><memory>65536</memory>"
			+ "<os><type machine='q35'>hvm</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator>"
			+ "<interface type='network'><source network='default'/></interface>"
			+ "<disk type='volume'><source pool='p' volume='v'/><target dev='vda'/></disk></devices></domain>";

	@TempDir
	Path dir;

	final ByteArrayOutputStream out = new ByteArrayOutputStream();

	final ByteArrayOutputStream err = new ByteArrayOutputStream();

	int run(String... args) {
		QemuEmbedCli cli = new QemuEmbedCli((emulator) -> TestCapabilities.qemu72());
		return cli.run(args, new PrintStream(this.out, true, StandardCharsets.UTF_8),
				new PrintStream(this.err, true, StandardCharsets.UTF_8));
	}

	String out() {
		return this.out.toString(StandardCharsets.UTF_8);
	}

	String err() {
		return this.err.toString(StandardCharsets.UTF_8);
	}

	Path file(String name, String content) throws IOException {
		return Files.writeString(this.dir.resolve(name), content);
	}

	@Test
	@SuppressWarnings("unchecked")
	void validateReportsEachFileAsJson() throws IOException {
		Path valid = file("valid.xml", VALID);
		Path unsupported = file("smartcard.xml",
				VALID.replace("</devices>", "<smartcard mode='passthrough'/></devices>"));
		Path invalid = file("broken.xml", "<domain type='kvm'><name>x</nam");
		int status = run("validate", "--json", valid.toString(), unsupported.toString(), invalid.toString());
		assertThat(status).isEqualTo(1);
		List<String> lines = out().lines().toList();
		assertThat(lines).hasSize(3);
		Map<?, ?> first = JsonMapper.shared().readValue(lines.get(0), Map.class);
		assertThat(first.get("status")).isEqualTo("valid");
		assertThat(first.get("file")).isEqualTo(valid.toString());
		assertThat((List<Object>) first.get("requirements")).containsExactly(
				Map.of("driver", "storage", "path", "/domain/devices/disk[1]", "element", "<disk type='volume'>"),
				Map.of("driver", "network", "path", "/domain/devices/interface[1]", "element",
						"<interface type='network'>"));
		Map<?, ?> second = JsonMapper.shared().readValue(lines.get(1), Map.class);
		assertThat(second.get("status")).isEqualTo("unsupported");
		assertThat(second.get("path")).isEqualTo("/domain/devices/smartcard[1]");
		assertThat((String) second.get("message")).startsWith("element <smartcard> is not supported")
			.contains("supported:");
		Map<?, ?> third = JsonMapper.shared().readValue(lines.get(2), Map.class);
		assertThat(third.get("status")).isEqualTo("invalid");
		assertThat(err()).isEmpty();
	}

	@Test
	void validateExitsZeroWhenAllValid() throws IOException {
		Path valid = file("valid.xml", VALID);
		assertThat(run("validate", valid.toString(), valid.toString())).isEqualTo(0);
		assertThat(out()).contains(valid + ": valid").contains("needs the network driver");
	}

	@Test
	void validateNeverPrintsAStackTrace() throws IOException {
		Path binary = this.dir.resolve("binary.xml");
		Files.write(binary, new byte[] { (byte) 0xff, (byte) 0xfe, 0, 1, 2 });
		Path missing = this.dir.resolve("missing.xml");
		Path directory = Files.createDirectory(this.dir.resolve("adir"));
		Path xxe = file("xxe.xml", "<!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><domain>&x;</domain>");
		assertThat(run("validate", binary.toString(), missing.toString(), directory.toString(), xxe.toString()))
			.isEqualTo(1);
		assertThat(out().lines()).hasSize(4).allMatch((line) -> line.contains(": invalid"));
		assertThat(out() + err()).doesNotContain("\tat ").doesNotContain("Exception:");
	}

	@Test
	@SuppressWarnings("unchecked")
	void validateSummarizesVerdictsDriversAndRefusals() throws IOException {
		Path valid = file("valid.xml", VALID);
		Path local = file("local.xml", VALID.replaceAll("(?s)<disk type='volume'.*?</disk>", "")
			.replaceAll("(?s)<interface type='network'.*?</interface>", ""));
		Path card1 = file("card1.xml", VALID.replace("</devices>", "<smartcard mode='passthrough'/></devices>"));
		Path card2 = file("card2.xml", VALID.replace("</devices>", "<smartcard mode='host'/></devices>"));
		Path broken = file("broken.xml", "<domain");
		assertThat(run("validate", "--json", "--summary", valid.toString(), local.toString(), card1.toString(),
				card2.toString(), broken.toString()))
			.isEqualTo(1);
		List<String> lines = out().lines().toList();
		assertThat(lines).hasSize(6);
		Map<String, Object> summary = (Map<String, Object>) JsonMapper.shared()
			.readValue(lines.get(5), Map.class)
			.get("summary");
		assertThat(summary).containsEntry("files", 5)
			.containsEntry("valid", 2)
			.containsEntry("unsupported", 2)
			.containsEntry("invalid", 1)
			.containsEntry("error", 0);
		assertThat((Map<String, Object>) summary.get("needs")).containsOnlyKeys("network", "storage")
			.containsEntry("storage", List.of(valid.toString()));
		assertThat((List<Map<String, Object>>) summary.get("refusals")).first()
			.isEqualTo(Map.of("status", "unsupported", "path", "/domain/devices/smartcard", "files", 2));
		this.out.reset();
		run("validate", "--summary", valid.toString(), card1.toString());
		assertThat(out()).contains("summary: 2 files: 1 valid, 1 unsupported, 0 invalid")
			.contains("the network driver is needed by 1 file: " + valid)
			.contains("1 unsupported at /domain/devices/smartcard");
	}

	/**
	 * What once crashed the reader (a controller without a model) is in the middle; every
	 * file gets its line.
	 */
	@Test
	@SuppressWarnings("unchecked")
	void validateOverManyFilesGivesEveryFileOneVerdict() throws IOException {
		List<String> args = new ArrayList<>(List.of("validate", "--json"));
		String[] devices = { "<controller type='usb' index='0'/>", "<controller type='pci' index='0'/>",
				"<controller type='scsi' index='0'/>", "<controller type='usb'/>", "<controller/>", "<sound/>",
				"<disk/>", "<interface/>", "<video/>", "<input/>", "<serial/>", "<channel/>", "<rng/>" };
		for (int i = 0; i < 40; i++) {
			String xml = VALID.replace("</devices>", devices[i % devices.length] + "</devices>")
				.replace("'q35'", (i % 2 == 0) ? "'q35'" : "'pc'");
			args.add(file("f" + i + ".xml", xml).toString());
		}
		run(args.toArray(String[]::new));
		List<String> lines = out().lines().toList();
		assertThat(lines).hasSize(40);
		for (int i = 0; i < 40; i++) {
			Map<?, ?> result = JsonMapper.shared().readValue(lines.get(i), Map.class);
			assertThat(result.get("file")).isEqualTo(this.dir.resolve("f" + i + ".xml").toString());
			assertThat((String) result.get("status")).isIn("valid", "unsupported", "invalid");
		}
		assertThat(JsonMapper.shared().readValue(lines.get(0), Map.class).get("status")).isEqualTo("valid");
		assertThat(JsonMapper.shared().readValue(lines.get(2), Map.class).get("message").toString())
			.contains("model='virtio-scsi'");
		assertThat(err()).isEmpty();
	}

	@Test
	void usageErrorsExitTwo() {
		assertThat(run()).isEqualTo(2);
		assertThat(run("validate")).isEqualTo(2);
		assertThat(run("validate", "--yaml", "x")).isEqualTo(2);
		assertThat(run("argv")).isEqualTo(2);
		assertThat(run("frobnicate")).isEqualTo(2);
		assertThat(err()).contains("usage: validate [--json] [--summary] FILE...")
			.contains("unknown command 'frobnicate'");
	}

	@Test
	void argvPrintsOneArgumentPerLine() throws IOException {
		Path xml = file("vm.xml", "<domain type='kvm'><name>vm</name><memory>65536</memory><os><type machine='q35'>hvm"
				+ "</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator><serial type='pty'/></devices>"
				+ "</domain>");
		assertThat(run("argv", "--root", "/srv/qe", xml.toString())).isEqualTo(0);
		List<String> lines = out().lines().toList();
		assertThat(lines.get(0)).isEqualTo("/usr/bin/qemu-system-x86_64");
		assertThat(lines).contains("-S", "-nodefaults", "pc-q35-7.2,usb=off,acpi=off",
				"socket,id=monitor,path=/srv/qe/lib/qemu/domain-1-vm/monitor.sock,server=on,wait=off");
	}

	@Test
	void argvRefusesWhatNeedsASecondaryDriver() throws IOException {
		Path xml = file("valid.xml", VALID);
		assertThat(run("argv", xml.toString())).isEqualTo(1);
		assertThat(err()).contains("/domain/devices/disk[1]").doesNotContain("\tat ");
	}

}
