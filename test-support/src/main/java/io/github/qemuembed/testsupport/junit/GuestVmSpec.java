package io.github.qemuembed.testsupport.junit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.github.qemuembed.driver.cloudinit.CloudInitSeed;
import io.github.qemuembed.testsupport.guest.TestGuest;

/**
 * What VM to start in a {@link QemuSandbox}: the test guest with some settings, or given
 * domain XML. The programmatic counterpart of {@link TestVm}. <pre>{@code
 * GuestVm vm = sandbox.start(GuestVmSpec.testGuest("big").memoryMiB(512).vcpus(2).diskMiB(64));
 * }</pre>
 */
public final class GuestVmSpec {

	private final String name;

	private final String xml;

	private TestGuest guest;

	private int memoryMiB = 128;

	private int vcpus = 1;

	private String kernelArguments = "";

	private final List<Integer> disksMiB = new ArrayList<>();

	private final List<String> devices = new ArrayList<>();

	private boolean start = true;

	private boolean awaitReady = true;

	private Duration readyTimeout = Duration.ofSeconds(120);

	private boolean persistent;

	private CloudInitSeed cloudInit;

	private boolean boot;

	private GuestVmSpec(String name, String xml) {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("a VM needs a name");
		}
		this.name = name;
		this.xml = xml;
	}

	/** The {@linkplain TestGuest#standard() standard test guest}, named {@code name}. */
	public static GuestVmSpec testGuest(String name) {
		return new GuestVmSpec(name, null);
	}

	/**
	 * A VM from domain XML, whose {@code ${name}}, {@code ${kernel}}, {@code ${initrd}}
	 * and {@code ${cmdline}} are replaced with {@code name} and the test guest's files
	 * and command line.
	 */
	public static GuestVmSpec fromXml(String name, String xml) {
		return new GuestVmSpec(name, Objects.requireNonNull(xml, "xml"));
	}

	/**
	 * A test guest built with other settings ({@link TestGuest#builder()}) instead of the
	 * standard one.
	 */
	public GuestVmSpec guest(TestGuest guest) {
		this.guest = Objects.requireNonNull(guest, "guest");
		return this;
	}

	public GuestVmSpec memoryMiB(int memoryMiB) {
		this.memoryMiB = memoryMiB;
		return this;
	}

	public GuestVmSpec vcpus(int vcpus) {
		this.vcpus = vcpus;
		return this;
	}

	/** Added to the test guest's kernel command line. */
	public GuestVmSpec kernelArguments(String kernelArguments) {
		this.kernelArguments = Objects.requireNonNull(kernelArguments, "kernelArguments");
		return this;
	}

	/**
	 * Attaches an empty raw disk of this size (the first is {@code vda}, then
	 * {@code vdb}, ...).
	 */
	public GuestVmSpec diskMiB(int sizeMiB) {
		if (sizeMiB < 1) {
			throw new IllegalArgumentException("a disk needs at least 1 MiB");
		}
		this.disksMiB.add(sizeMiB);
		return this;
	}

	/** Adds device XML inside {@code <devices>} of the test guest. */
	public GuestVmSpec device(String deviceXml) {
		this.devices.add(Objects.requireNonNull(deviceXml, "deviceXml"));
		return this;
	}

	/**
	 * Whether to start the VM (default); if not, it is defined as a persistent domain
	 * only.
	 */
	public GuestVmSpec start(boolean start) {
		this.start = start;
		return this;
	}

	/** Whether to wait for {@link TestGuest#READY_MARKER} after starting (default). */
	public GuestVmSpec awaitReady(boolean awaitReady) {
		this.awaitReady = awaitReady;
		return this;
	}

	public GuestVmSpec readyTimeout(Duration readyTimeout) {
		this.readyTimeout = Objects.requireNonNull(readyTimeout, "readyTimeout");
		return this;
	}

	/** Define then start a persistent domain instead of creating a transient one. */
	public GuestVmSpec persistent(boolean persistent) {
		this.persistent = persistent;
		return this;
	}

	/**
	 * Attaches a cloud-init NoCloud seed (an ISO 9660 image labelled {@code cidata},
	 * written next to the test's disks) as a read-only CD-ROM.
	 */
	public GuestVmSpec cloudInit(CloudInitSeed seed) {
		this.cloudInit = Objects.requireNonNull(seed, "seed");
		return this;
	}

	CloudInitSeed cloudInitSeed() {
		return this.cloudInit;
	}

	/**
	 * Whether the test guest boots (a real boot, as from power-on) rather than being
	 * restored from a saved boot of the same kind of VM (the default, see
	 * {@link TestVm#boot()}).
	 */
	public GuestVmSpec boot(boolean boot) {
		this.boot = boot;
		return this;
	}

	/**
	 * Whether the VM is a restored copy of a saved boot: the test guest (not XML of one's
	 * own), started, ready awaited, transient, without a cloud-init seed (the saved boot
	 * has no CD-ROM), and no real boot asked for.
	 */
	boolean restores() {
		return !this.boot && this.xml == null && this.cloudInit == null && this.start && this.awaitReady
				&& !this.persistent;
	}

	static GuestVmSpec of(String name, TestVm annotation, String resourceXml) {
		GuestVmSpec spec = (resourceXml != null) ? fromXml(name, resourceXml) : testGuest(name);
		spec.memoryMiB(annotation.memoryMiB()).vcpus(annotation.vcpus()).kernelArguments(annotation.kernelArguments());
		for (int size : annotation.disksMiB()) {
			spec.diskMiB(size);
		}
		if (!annotation.cloudInitMetaData().isEmpty() || !annotation.cloudInitUserData().isEmpty()) {
			spec.cloudInit(CloudInitSeed.builder()
				.metaData(annotation.cloudInitMetaData())
				.userData(annotation.cloudInitUserData())
				.build());
		}
		return spec.start(annotation.start())
			.awaitReady(annotation.awaitReady())
			.readyTimeout(Duration.ofSeconds(annotation.readyTimeoutSeconds()))
			.persistent(annotation.persistent())
			.boot(annotation.boot());
	}

	String name() {
		return this.name;
	}

	boolean isStart() {
		return this.start;
	}

	boolean isAwaitReady() {
		return this.awaitReady;
	}

	Duration readyTimeout() {
		return this.readyTimeout;
	}

	boolean isPersistent() {
		return this.persistent || !this.start;
	}

	List<Integer> disksMiB() {
		return List.copyOf(this.disksMiB);
	}

	/** The domain XML, with {@code diskFiles} (one per {@link #diskMiB}) attached. */
	String toXml(List<Path> diskFiles) {
		if (this.xml != null && !this.xml.contains("${kernel}") && !this.xml.contains("${initrd}")
				&& !this.xml.contains("${cmdline}")) {
			return this.xml.replace("${name}", this.name);
		}
		TestGuest testGuest = (this.guest != null) ? this.guest : TestGuest.standard();
		if (this.xml != null) {
			return this.xml.replace("${name}", this.name)
				.replace("${kernel}", testGuest.kernel().toString())
				.replace("${initrd}", testGuest.initramfs().toString())
				.replace("${cmdline}", testGuest.kernelCommandLine(this.kernelArguments));
		}
		var domain = testGuest.domain(this.name)
			.memoryMiB(this.memoryMiB)
			.vcpus(this.vcpus)
			.kernelArguments(this.kernelArguments);
		for (int i = 0; i < diskFiles.size(); i++) {
			domain.device("<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='"
					+ diskFiles.get(i) + "'/><target dev='vd" + (char) ('a' + i) + "' bus='virtio'/></disk>");
		}
		this.devices.forEach(domain::device);
		return domain.toXml();
	}

	@Override
	public String toString() {
		return "GuestVmSpec[" + this.name + ((this.xml != null) ? ", from XML" : ", test guest") + "]";
	}

}
