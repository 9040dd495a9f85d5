package io.github.qemuembed.testsupport.guest;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The initramfs image and its cache (content-keyed, safe when built concurrently) and the
 * domain XML; no guest is booted here.
 */
class TestGuestImageTests {

	/**
	 * Images go to a cache of their own; the kernel comes from the standard cache
	 * (fetched once).
	 */
	@TempDir
	Path cacheDirectory;

	private static GuestKernel kernel;

	@BeforeAll
	static void locateKernel() {
		kernel = TestGuest.standard().guestKernel();
	}

	@Test
	void equalSpecificationsShareAnImageAndAChangedScriptGivesANewOne() throws Exception {
		InitramfsBuilder builder = new InitramfsBuilder(new GuestCache(this.cacheDirectory));
		Path first = builder.build(kernel, spec(""));
		long firstModified = Files.getLastModifiedTime(first).toMillis();
		Path again = builder.build(kernel, spec(""));
		Path changed = builder.build(kernel, spec("echo changed"));

		assertThat(again).isEqualTo(first);
		assertThat(Files.getLastModifiedTime(again).toMillis()).as("reused, not rewritten").isEqualTo(firstModified);
		assertThat(changed).isNotEqualTo(first).hasParent(first.getParent());
		assertThat(first.getFileName().toString()).matches("initramfs-[0-9a-f]{64}\\.cpio\\.gz");
	}

	@Test
	void theImageIsAGzippedNewcArchiveWithBusyboxInitAndTheModules() throws Exception {
		Path image = new InitramfsBuilder(new GuestCache(this.cacheDirectory)).build(kernel, spec(""));

		byte[] cpio;
		try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(image))) {
			cpio = in.readAllBytes();
		}
		String archive = new String(cpio, StandardCharsets.ISO_8859_1);
		assertThat(archive).startsWith(CpioNewcWriter.MAGIC).contains(CpioNewcWriter.TRAILER);
		assertThat(archive).contains("bin/busybox\0", "bin/sh\0", "sbin/acpid\0", "init\0", "etc/inittab\0",
				"etc/acpi/PWRF/00000080\0", "lib/modules/button.ko\0", "lib/modules/virtio_pci.ko\0", "dev/console\0");
		assertThat(archive).contains(TestGuest.READY_MARKER, TestGuest.POWEROFF_MARKER);
	}

	@Test
	void severalBuildersRacingForOneCacheAllGetTheSameCompleteImage() throws Exception {
		GuestSpec spec = spec("");
		int builders = 3;
		CyclicBarrier start = new CyclicBarrier(builders);
		ExecutorService pool = Executors.newFixedThreadPool(builders);
		try {
			List<Future<Path>> results = new ArrayList<>();
			for (int i = 0; i < builders; i++) {
				Callable<Path> build = () -> {
					start.await(10, TimeUnit.SECONDS);
					// A builder of its own each, as separate JVMs would have.
					return new InitramfsBuilder(new GuestCache(this.cacheDirectory)).build(kernel, spec);
				};
				results.add(pool.submit(build));
			}
			Set<Path> images = new HashSet<>();
			for (Future<Path> result : results) {
				images.add(result.get(2, TimeUnit.MINUTES));
			}
			assertThat(images).hasSize(1);
			Path image = images.iterator().next();
			try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(image))) {
				assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).contains(CpioNewcWriter.TRAILER);
			}
			try (Stream<Path> left = Files.list(image.getParent())) {
				assertThat(left).containsExactly(image);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void domainXmlBootsTheKernelWithAcpiAndASerialConsole() throws Exception {
		TestGuest guest = TestGuest.standard();

		String xml = guest.domain("vm-<1>").memoryMiB(256).vcpus(2).kernelArguments("foo=bar").toXml();

		DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
		factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
		Document doc = factory.newDocumentBuilder()
			.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
		XPath xpath = XPathFactory.newInstance().newXPath();
		assertThat(xpath.evaluate("/domain/@type", doc)).isEqualTo("qemu");
		assertThat(xpath.evaluate("/domain/name", doc)).isEqualTo("vm-<1>");
		assertThat(xpath.evaluate("/domain/memory[@unit='MiB']", doc)).isEqualTo("256");
		assertThat(xpath.evaluate("/domain/vcpu", doc)).isEqualTo("2");
		assertThat(xpath.evaluate("/domain/os/type[@arch='x86_64'][@machine='q35']", doc)).isEqualTo("hvm");
		assertThat(xpath.evaluate("/domain/os/kernel", doc)).isEqualTo(guest.kernel().toString());
		assertThat(xpath.evaluate("/domain/os/initrd", doc)).isEqualTo(guest.initramfs().toString());
		assertThat(xpath.evaluate("/domain/os/cmdline", doc)).startsWith("console=ttyS0").endsWith(" foo=bar");
		assertThat(xpath.evaluate("count(/domain/features/acpi)", doc)).isEqualTo("1");
		assertThat(xpath.evaluate("/domain/on_poweroff", doc)).isEqualTo("destroy");
		assertThat(xpath.evaluate("/domain/devices/serial[@type='pty']/target/@port", doc)).isEqualTo("0");
		assertThat(xpath.evaluate("/domain/devices/console[@type='pty']/target/@type", doc)).isEqualTo("serial");
	}

	@Test
	void guestAgentImageHoldsTheAgentItsLibrariesAndTheLoaderAndHasItsOwnKey() {
		InitramfsBuilder builder = new InitramfsBuilder(new GuestCache(this.cacheDirectory));
		GuestSpec withAgent = new GuestSpec(TestGuest.DEFAULT_MODULES, Map.of(), "", "image-test", true);
		InitramfsTree tree = builder.tree(kernel, withAgent);
		assertThat(tree.contains("usr/sbin/qemu-ga")).isTrue();
		Set<Path> libraries = GuestAgentFiles.libraries(GuestAgentFiles.qemuGa());
		assertThat(libraries).extracting((p) -> p.getFileName().toString())
			.anyMatch((name) -> name.startsWith("ld-linux"))
			.anyMatch((name) -> name.startsWith("libglib-2.0.so"))
			.anyMatch((name) -> name.startsWith("libc.so"));
		for (Path library : libraries) {
			assertThat(tree.contains(library.toString().substring(1))).as(library.toString()).isTrue();
		}
		assertThat(tree.contains("sbin/qemu-ga-start")).isTrue();
		assertThat(tree.contains("sbin/shutdown")).isTrue();
		assertThat(tree.contains("etc/os-release")).isTrue();
		assertThat(GuestScripts.inittab(true)).contains("::respawn:/sbin/qemu-ga-start");
		assertThat(GuestScripts.inittab(false)).doesNotContain("qemu-ga");
		// a cached image without the agent is never taken for one with it
		assertThat(tree.contentHash()).isNotEqualTo(builder.tree(kernel, spec("")).contentHash());
		assertThat(builder.tree(kernel, spec("")).contains("usr/sbin/qemu-ga")).isFalse();
	}

	@Test
	void guestAgentChannelIsLibvirtsChannel() throws Exception {
		TestGuest guest = TestGuest.builder().cacheDirectory(this.cacheDirectory).build();
		Document doc = DocumentBuilderFactory.newInstance()
			.newDocumentBuilder()
			.parse(new ByteArrayInputStream(
					guest.domain("agent").guestAgentChannel().toXml().getBytes(StandardCharsets.UTF_8)));
		XPath xpath = XPathFactory.newInstance().newXPath();
		assertThat(xpath.evaluate("/domain/devices/channel[@type='unix']/target[@type='virtio']/@name", doc))
			.isEqualTo("org.qemu.guest_agent.0");
	}

	private static GuestSpec spec(String initCommands) {
		return new GuestSpec(TestGuest.DEFAULT_MODULES, Map.of(), initCommands, "image-test");
	}

}
