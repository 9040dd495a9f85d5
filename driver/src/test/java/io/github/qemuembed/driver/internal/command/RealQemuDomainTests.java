package io.github.qemuembed.driver.internal.command;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.HostCpuProbe;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Domain-level elements proven on a real QEMU started paused with the builder's argv,
 * checked over QMP.
 */
class RealQemuDomainTests {

	@TempDir
	Path root;

	static String domain(String type, String inside) {
		return "<domain type='" + type + "' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>" + inside
				+ "</domain>";
	}

	@Test
	void nameUuidMemoryVcpusMachineAndAcpi() throws Exception {
		String xml = domain("kvm", "<name>basics</name><uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0</uuid>"
				+ "<memory unit='MiB'>192</memory><currentMemory unit='MiB'>128</currentMemory>"
				+ "<vcpu placement='static' current='2'>3</vcpu>"
				+ "<os><type arch='x86_64' machine='q35'>hvm</type></os><features><acpi/><apic/><pae/></features>");
		try (RealQemu qemu = RealQemu.start(xml, this.root, RealQemu.guestlessAccel())) {
			assertThat(qemu.qmp("query-name").get("name").asString()).isEqualTo("basics");
			assertThat(qemu.qmp("query-uuid").get("UUID").asString()).isEqualTo("4dea22b3-1d52-d8f3-2516-782e98ab3fa0");
			assertThat(qemu.qmp("query-memory-size-summary").get("base-memory").asLong()).isEqualTo(192L << 20);
			assertThat(qemu.qmp("query-cpus-fast")).hasSize(2);
			assertThat(qemu.qmp("query-hotpluggable-cpus")).hasSize(3);
			assertThat(qemu.qomGet("/machine", "type").asString()).isEqualTo("pc-q35-7.2-machine");
			assertThat(qemu.qomGet("/machine", "acpi").asString()).isEqualTo("on");
			assertThat(qemu.qmp("query-status").get("status").asString()).isEqualTo("prelaunch");
			assertThat(qemu.qmp("query-kvm").get("enabled").asBoolean())
				.isEqualTo(RealQemu.guestlessAccel() == Accel.KVM);
		}
	}

	@Test
	void withoutAcpiFeatureAcpiIsOffAndTheTypeQemuRunsTcg() throws Exception {
		String xml = domain("qemu", "<name>noacpi</name><memory unit='MiB'>64</memory>"
				+ "<os><type machine='pc-i440fx-7.1'>hvm</type></os>");
		try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
			assertThat(qemu.qomGet("/machine", "acpi").asString()).isEqualTo("off");
			assertThat(qemu.qomGet("/machine", "type").asString()).isEqualTo("pc-i440fx-7.1-machine");
			assertThat(qemu.qmp("query-kvm").get("enabled").asBoolean()).isFalse();
		}
	}

	@Test
	void customCpuModelFeaturesAndTopology() throws Exception {
		String xml = domain("qemu", "<name>cpu</name><memory unit='MiB'>64</memory><vcpu current='2'>4</vcpu>"
				+ "<os><type machine='q35'>hvm</type></os><cpu mode='custom' match='exact'>"
				+ "<model fallback='forbid'>qemu64</model><topology sockets='1' dies='1' cores='2' threads='2'/>"
				+ "<feature policy='require' name='sse4.2'/><feature policy='disable' name='svm'/></cpu>");
		try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
			JsonNode cpus = qemu.qmp("query-cpus-fast");
			assertThat(cpus).hasSize(2);
			String cpu = cpus.get(0).get("qom-path").asString();
			assertThat(qemu.qomGet(cpu, "type").asString()).isEqualTo("qemu64-x86_64-cpu");
			assertThat(qemu.qomGet(cpu, "sse4.2").asBoolean()).isTrue();
			assertThat(qemu.qomGet(cpu, "svm").asBoolean()).isFalse();
			assertThat(cpus.get(1).get("props").get("thread-id").asInt()).isEqualTo(1);
			JsonNode slots = qemu.qmp("query-hotpluggable-cpus");
			assertThat(slots).hasSize(4);
			assertThat(slots.valueStream().map((slot) -> slot.get("props").get("core-id").asInt()).distinct())
				.containsExactlyInAnyOrder(0, 1);
		}
	}

	/**
	 * {@code host-passthrough} and {@code host-model} depend on the host: see
	 * {@code HostCpuModeTests}.
	 */
	@Test
	void maximumCpu() throws Exception {
		String maximum = domain("qemu", "<name>cpumax</name><memory unit='MiB'>64</memory>"
				+ "<os><type machine='q35'>hvm</type></os><cpu mode='maximum'/>");
		try (RealQemu qemu = RealQemu.start(maximum, this.root, Accel.TCG)) {
			String cpu = qemu.qmp("query-cpus-fast").get(0).get("qom-path").asString();
			assertThat(qemu.qomGet(cpu, "type").asString()).isEqualTo("max-x86_64-cpu");
		}
	}

	/**
	 * Hyper-V enlightenments, paravirtual clocks and EOI are vCPU properties; the boot
	 * menu a machine one (TCG).
	 */
	@Test
	void hypervEnlightenmentsTimersApicEoiAndBootMenu() throws Exception {
		String xml = domain("qemu", "<name>hyperv</name><memory unit='MiB'>64</memory>"
				+ "<os><type machine='q35'>hvm</type><bootmenu enable='yes' timeout='2500'/></os>"
				+ "<features><acpi/><apic eoi='off'/><hyperv mode='custom'><relaxed state='on'/><vapic state='on'/>"
				+ "<spinlocks state='on' retries='8191'/><synic state='on'/>"
				+ "<vendor_id state='on' value='QemuEmbed'/></hyperv></features>"
				+ "<clock offset='utc'><timer name='hypervclock' present='yes'/><timer name='kvmclock' present='no'/>"
				+ "</clock>");
		try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
			String cpu = qemu.qmp("query-cpus-fast").get(0).get("qom-path").asString();
			assertThat(qemu.qomGet(cpu, "hv-relaxed").asBoolean()).isTrue();
			assertThat(qemu.qomGet(cpu, "hv-vapic").asBoolean()).isTrue();
			assertThat(qemu.qomGet(cpu, "hv-spinlocks").asLong()).isEqualTo(8191);
			assertThat(qemu.qomGet(cpu, "hv-synic").asBoolean()).isTrue();
			assertThat(qemu.qomGet(cpu, "hv-time").asBoolean()).isTrue();
			assertThat(qemu.qomGet(cpu, "hv-vendor-id").asString()).isEqualTo("QemuEmbed");
			assertThat(qemu.qomGet(cpu, "kvmclock").asBoolean()).isFalse();
			assertThat(qemu.qomGet(cpu, "kvm-pv-eoi").asBoolean()).isFalse();
			JsonNode boot = qemu.qomGet("/machine", "boot");
			assertThat(boot.get("menu").asBoolean()).isTrue();
			assertThat(boot.get("splash-time").asLong()).isEqualTo(2500);
		}
		// vpindex is the one enlightenment QEMU refuses under TCG: refused before QEMU
		// runs, saying so
		String vpindex = xml.replace("<synic state='on'/>", "<vpindex state='on'/><synic state='on'/>")
			.replace("<name>hyperv</name>", "<name>vpindex</name>");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> RealQemu.start(vpindex, this.root, Accel.TCG))
			.withMessageContaining("needs KVM");
		// TCG would drop KVM's paravirtual EOI and kvmclock with a warning: refused
		// instead of ignored
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> RealQemu.start(xml.replace("eoi='off'", "eoi='on'"), this.root, Accel.TCG))
			.withMessageContaining("KVM");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> RealQemu.start(
					xml.replace("name='kvmclock' present='no'", "name='kvmclock' present='yes'"), this.root, Accel.TCG))
			.withMessageContaining("KVM");
	}

	/**
	 * An empty {@code <backingStore/>}: the overlay is opened alone, although its header
	 * names a backing file.
	 */
	@Test
	void emptyBackingStoreOpensTheImageWithoutItsBackingFile() throws Exception {
		Path base = this.root.resolve("base.qcow2");
		Path overlay = this.root.resolve("overlay.qcow2");
		assertThat(
				new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", base.toString(), "16M").start().waitFor())
			.isZero();
		assertThat(new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", "qcow2",
				overlay.toString())
			.start()
			.waitFor()).isZero();
		String xml = domain("qemu",
				"<name>backing</name><memory unit='MiB'>64</memory>"
						+ "<os><type machine='q35'>hvm</type></os><devices><disk type='file' device='disk'>"
						+ "<driver name='qemu' type='qcow2'/><source file='" + overlay + "'/><backingStore/>"
						+ "<target dev='vda' bus='virtio'/></disk></devices>");
		try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
			JsonNode image = qemu.qmp("query-block").get(0).get("inserted").get("image");
			// QEMU names an image opened against its header by its options
			assertThat(image.get("filename").asString()).contains("\"backing\": null").contains(overlay.toString());
			assertThat(image.has("backing-image")).isFalse();
		}
		try (RealQemu qemu = RealQemu.start(xml.replace("<backingStore/>", "").replace("backing<", "chain<"), this.root,
				Accel.TCG)) {
			JsonNode image = qemu.qmp("query-block").get(0).get("inserted").get("image");
			assertThat(image.get("backing-image").get("filename").asString()).isEqualTo(base.toString());
		}
	}

	@Test
	void cpuCacheModes() throws Exception {
		String passthrough = domain("qemu", "<name>cachepass</name><memory unit='MiB'>64</memory>"
				+ "<os><type machine='q35'>hvm</type></os><cpu mode='maximum'><cache mode='passthrough'/></cpu>");
		try (RealQemu qemu = RealQemu.start(passthrough, this.root, Accel.TCG)) {
			String cpu = qemu.qmp("query-cpus-fast").get(0).get("qom-path").asString();
			assertThat(qemu.qomGet(cpu, "host-cache-info").asBoolean()).isTrue();
		}
		String emulate = domain("qemu",
				"<name>cacheemu</name><memory unit='MiB'>64</memory>"
						+ "<os><type machine='q35'>hvm</type></os><cpu mode='custom'><model>qemu64</model>"
						+ "<cache level='3' mode='emulate'/></cpu>");
		try (RealQemu qemu = RealQemu.start(emulate, this.root, Accel.TCG)) {
			String cpu = qemu.qmp("query-cpus-fast").get(0).get("qom-path").asString();
			assertThat(qemu.qomGet(cpu, "l3-cache").asBoolean()).isTrue();
		}
		try (RealQemu qemu = RealQemu.start(
				emulate.replace("<cache level='3' mode='emulate'/>", "<cache mode='disable'/>"), this.root,
				Accel.TCG)) {
			String cpu = qemu.qmp("query-cpus-fast").get(0).get("qom-path").asString();
			assertThat(qemu.qomGet(cpu, "l3-cache").asBoolean()).isFalse();
		}
	}

	@Test
	void directKernelBootLoadsKernelInitrdAndCommandLine() throws Exception {
		Path kernel = multibootKernel(this.root.resolve("kernel.elf"));
		Path initrd = Files.write(this.root.resolve("initrd.img"), new byte[4096]);
		String xml = domain("qemu",
				"<name>kernel</name><memory unit='MiB'>64</memory>" + "<os><type machine='pc'>hvm</type><kernel>"
						+ kernel + "</kernel><initrd>" + initrd
						+ "</initrd><cmdline>console=ttyS0 quiet</cmdline></os>");
		try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
			assertThat(qemu.qomGet("/machine", "kernel").asString()).isEqualTo(kernel.toString());
			assertThat(qemu.qomGet("/machine", "initrd").asString()).isEqualTo(initrd.toString());
			assertThat(qemu.qomGet("/machine", "append").asString()).isEqualTo("console=ttyS0 quiet");
		}
	}

	@Test
	void romLoaderAndBootOrder() throws Exception {
		Path bios = Path.of("/usr/share/seabios/bios-256k.bin");
		assertThat(bios).as("SeaBIOS from qemu-system-x86").exists();
		String xml = domain("qemu",
				"<name>rom</name><memory unit='MiB'>64</memory>"
						+ "<os><type machine='pc'>hvm</type><loader type='rom'>" + bios + "</loader>"
						+ "<boot dev='cdrom'/><boot dev='hd'/></os>");
		try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
			assertThat(qemu.qomGet("/machine", "firmware").asString()).isEqualTo(bios.toString());
			assertThat(qemu.qomGet("/machine", "boot").get("order").asString()).isEqualTo("dc");
		}
	}

	@Test
	void pflashLoaderAndNvram() throws Exception {
		Path code = Files.write(this.root.resolve("CODE.fd"), new byte[1024 * 1024]);
		Path vars = Files.write(this.root.resolve("VARS.fd"), new byte[128 * 1024]);
		String xml = domain("kvm",
				"<name>uefi</name><memory unit='MiB'>64</memory>"
						+ "<os><type machine='q35'>hvm</type><loader readonly='yes' type='pflash'>" + code + "</loader>"
						+ "<nvram>" + vars + "</nvram></os>");
		try (RealQemu qemu = RealQemu.start(xml, this.root, RealQemu.guestlessAccel())) {
			assertThat(qemu.qomGet("/machine", "pflash0").asString()).isEqualTo("pflash0-format");
			assertThat(qemu.qomGet("/machine", "pflash1").asString()).isEqualTo("pflash1-format");
			Map<String, JsonNode> nodes = new HashMap<>();
			qemu.qmp("query-named-block-nodes").forEach((node) -> nodes.put(node.get("node-name").asString(), node));
			assertThat(nodes.get("pflash0-format").get("ro").asBoolean()).isTrue();
			assertThat(nodes.get("pflash0-storage").get("file").asString()).isEqualTo(code.toString());
			assertThat(nodes.get("pflash1-format").get("ro").asBoolean()).isFalse();
			assertThat(nodes.get("pflash1-storage").get("file").asString()).isEqualTo(vars.toString());
		}
	}

	@Test
	void localtimeClockOffsetAndQemuCommandlineEnvAndArgs() throws Exception {
		// With TZ set for QEMU through qemu:env, a localtime RTC starts at local (UTC+9)
		// time.
		String xml = domain("kvm",
				"<name>clock</name><memory unit='MiB'>64</memory>"
						+ "<os><type machine='q35'>hvm</type></os><clock offset='localtime'/>"
						+ "<qemu:commandline><qemu:arg value='-object'/><qemu:arg value='iothread,id=extra0'/>"
						+ "<qemu:env name='TZ' value='JST-9'/></qemu:commandline>");
		try (RealQemu qemu = RealQemu.start(xml, this.root, RealQemu.guestlessAccel())) {
			assertThat(qemu.qmp("query-iothreads").valueStream().map((t) -> t.get("id").asString())).contains("extra0");
			String environ = Files.readString(Path.of("/proc/" + qemu.process().pid() + "/environ"));
			assertThat(List.of(environ.split("\0"))).contains("TZ=JST-9");
			JsonNode date = qemu.qomGet(qemu.builtin("mc146818rtc"), "date");
			int utcHour = ZonedDateTime.now(ZoneOffset.UTC).getHour();
			int rtcHour = date.get("tm_hour").asInt();
			assertThat(Math.floorMod(rtcHour - utcHour, 24)).isIn(8, 9, 10);
		}
		String utc = domain("kvm",
				"<name>clockutc</name><memory unit='MiB'>64</memory>"
						+ "<os><type machine='q35'>hvm</type></os><clock offset='utc'/>"
						+ "<qemu:commandline><qemu:env name='TZ' value='JST-9'/></qemu:commandline>");
		try (RealQemu qemu = RealQemu.start(utc, this.root, RealQemu.guestlessAccel())) {
			int utcHour = ZonedDateTime.now(ZoneOffset.UTC).getHour();
			int rtcHour = qemu.qomGet(qemu.builtin("mc146818rtc"), "date").get("tm_hour").asInt();
			assertThat(Math.floorMod(rtcHour - utcHour, 24)).isIn(0, 1, 23);
		}
	}

	/**
	 * A definition as virt-install writes it, with the disk pointed at a real image,
	 * under KVM (the in-kernel PIT needs it). Its {@code host-passthrough} CPU runs where
	 * the host allows it (checked first with a raw QEMU); elsewhere QEMU's refusal is
	 * asserted and the rest is proven with a named CPU model.
	 */
	@Test
	void virtInstallStyleDefinitionWithTimersPmVmportAndMigratableCpu() throws Exception {
		assertThat(RealQemu.kvmUsable()).as("the in-kernel PIT needs KVM, which these machines have").isTrue();
		Path image = this.root.resolve("debian12.qcow2");
		Process create = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "16M").start();
		assertThat(create.waitFor()).isZero();
		String xml = Files.readString(Path.of("src/test/resources/golden/q35-virt-install.xml"))
			.replace("/var/lib/libvirt/images/debian12.qcow2", image.toString());
		HostCpuProbe.Answer host = HostCpuProbe.kvmCpu("host");
		if (!host.works()) {
			assertThatExceptionOfType(RealQemu.QemuDidNotStart.class)
				.isThrownBy(() -> RealQemu.start(xml, this.root, Accel.KVM).close())
				.withMessageContaining(host.errorLine());
		}
		String runnable = host.works() ? xml : xml.replaceAll("<cpu mode='host-passthrough'[^/]*/>",
				"<cpu mode='custom' match='exact'><model fallback='allow'>qemu64</model></cpu>");
		try (RealQemu qemu = RealQemu.start(runnable, this.root, Accel.KVM)) {
			assertThat(qemu.qomGet("/machine", "vmport").asString()).isEqualTo("off");
			assertThat(qemu.qomGet("/machine", "hpet").asBoolean()).isFalse();
			assertThat(qemu.qomGet(qemu.builtin("mc146818rtc"), "lost_tick_policy").asString()).isEqualTo("slew");
			assertThat(qemu.qomGet(qemu.builtin("kvm-pit"), "lost_tick_policy").asString()).isEqualTo("delay");
			assertThat(qemu.qomGet(qemu.builtin("ICH9-LPC"), "disable_s3").asInt()).isEqualTo(1);
			assertThat(qemu.qomGet(qemu.builtin("ICH9-LPC"), "disable_s4").asInt()).isEqualTo(1);
			String cpu = qemu.qmp("query-cpus-fast").get(0).get("qom-path").asString();
			if (host.works()) {
				assertThat(qemu.qomGet(cpu, "migratable").asBoolean()).isTrue();
			}
			assertThat(qemu.pci("net0").bus()).isEqualTo("pci.1");
			assertThat(qemu.pci("rng0").bus()).isEqualTo("pci.6");
			assertThat(qemu.pci("pci.5").function()).isEqualTo(4);
			assertThat(qemu.device("input0", "port").asString()).isEqualTo("1");
		}
	}

	@Test
	void i440fxPowerManagementAndBuiltinControllers() throws Exception {
		String xml = domain("qemu", "<name>pcpm</name><memory unit='MiB'>64</memory>"
				+ "<os><type machine='pc'>hvm</type></os><features><acpi/><vmport state='on'/></features>"
				+ "<clock offset='utc'><timer name='hpet' present='yes'/><timer name='rtc' tickpolicy='delay'/></clock>"
				+ "<pm><suspend-to-mem enabled='yes'/><suspend-to-disk enabled='no'/></pm><devices>"
				+ "<controller type='usb' index='0' model='piix3-uhci'/><controller type='ide' index='0'>"
				+ "<address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x1'/></controller>"
				+ "<input type='tablet' bus='usb'/></devices>");
		try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
			assertThat(qemu.qomGet("/machine", "vmport").asString()).isEqualTo("on");
			assertThat(qemu.qomGet("/machine", "hpet").asBoolean()).isTrue();
			// libvirt runs an rtc with tickpolicy 'delay' as driftfix=none, which is
			// QEMU's 'discard' policy
			assertThat(qemu.qomGet(qemu.builtin("mc146818rtc"), "lost_tick_policy").asString()).isEqualTo("discard");
			assertThat(qemu.qomGet(qemu.builtin("PIIX4_PM"), "disable_s3").asInt()).isEqualTo(0);
			assertThat(qemu.qomGet(qemu.builtin("PIIX4_PM"), "disable_s4").asInt()).isEqualTo(1);
			RealQemu.PciFunction usb = qemu.pci("usb");
			assertThat(usb.slot()).isEqualTo(1);
			assertThat(usb.function()).isEqualTo(2);
			assertThat(usb.type()).isEqualTo("piix3-usb-uhci");
		}
	}

	/**
	 * What libvirt 9.0 itself wrote for q35-minimal.xml ({@code virsh define} then
	 * {@code dumpxml --inactive}).
	 */
	@Test
	void libvirtsOwnDumpxmlRunsWithItsAddresses() throws Exception {
		String xml = Files.readString(Path.of("src/test/resources/golden/libvirt-dumpxml-q35.xml"));
		try (RealQemu qemu = RealQemu.start(xml, this.root, RealQemu.guestlessAccel())) {
			assertThat(qemu.pci("pci.1").slot()).isEqualTo(1);
			assertThat(qemu.pci("pci.3").function()).isEqualTo(2);
			assertThat(qemu.pci("usb").bus()).isEqualTo("pci.1");
			assertThat(qemu.pci("usb").type()).isEqualTo("qemu-xhci");
			assertThat(qemu.pci("balloon0").bus()).isEqualTo("pci.2");
			assertThat(qemu.device("serial0", "chardev").asString()).isEqualTo("charserial0");
			assertThat(qemu.command().argv()).contains("{\"id\":\"audio1\",\"driver\":\"none\"}");
		}
	}

	@Test
	void onRebootDestroyMakesQemuExitOnReset() throws Exception {
		String xml = domain("kvm", "<name>noreboot</name><memory unit='MiB'>64</memory>"
				+ "<os><type machine='q35'>hvm</type></os><on_reboot>destroy</on_reboot>");
		try (RealQemu qemu = RealQemu.start(xml, this.root, RealQemu.guestlessAccel())) {
			qemu.qmp("system_reset");
			assertThat(qemu.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
		}
		String restart = domain("kvm", "<name>reboot</name><memory unit='MiB'>64</memory>"
				+ "<os><type machine='q35'>hvm</type></os><on_reboot>restart</on_reboot>");
		try (RealQemu qemu = RealQemu.start(restart, this.root, RealQemu.guestlessAccel())) {
			qemu.qmp("system_reset");
			assertThat(qemu.qmp("query-status").get("status").asString()).isIn("prelaunch", "paused");
			assertThat(qemu.process().isAlive()).isTrue();
		}
	}

	/**
	 * The smallest multiboot kernel QEMU loads: a header with load addresses, padded to 8
	 * KiB.
	 */
	static Path multibootKernel(Path file) throws IOException {
		ByteBuffer image = ByteBuffer.allocate(8192).order(ByteOrder.LITTLE_ENDIAN);
		int magic = 0x1BADB002;
		int flags = 0x00010000;
		image.putInt(magic).putInt(flags).putInt(-(magic + flags));
		image.putInt(0x100000).putInt(0x100000).putInt(0).putInt(0).putInt(0x100020);
		return Files.write(file, image.array());
	}

}
