package io.github.qemuembed.driver.internal.command;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import io.github.qemuembed.driver.Accel;

/**
 * What the driver has resolved for one run of a domain, for {@link QemuCommandBuilder}.
 *
 * @param accel the accelerator to use ({@link Accel#KVM} or {@link Accel#TCG}, never
 * {@code AUTO})
 * @param emulator the QEMU binary (argv[0])
 * @param privateDir the per-run private directory {@code ROOT/lib/qemu/domain-ID-NAME}:
 * console and channel sockets are created there
 * @param monitorSocket the QMP socket
 * @param pidFile QEMU's pidfile
 * @param logFile the domain log; console output of {@code pty} serials is appended to it
 * by QEMU
 * @param volumes host paths of {@code <disk type='volume'>} sources, from the storage
 * driver
 * @param bridges host bridges of {@code <interface type='network'>} networks, from the
 * network driver
 * @param secretFiles files holding secret values by secret UUID, written by the driver
 * (mode 0600, in the private directory); QEMU reads them through
 * {@code -object secret,file=...}
 * @param vncPasswordFile file holding the VNC password, written by the driver like the
 * secret files, when the definition has a {@code passwd}
 * @param firmware QEMU's firmware descriptors, for {@code <os firmware='efi'>} (the
 * host's by default)
 * @param hostHugePages the host's huge page pools, for {@code <memoryBacking><hugepages>}
 * ({@link #hugePages()}; read from the host by default, on first use)
 */
public record RunContext(Accel accel, Path emulator, Path privateDir, Path monitorSocket, Path pidFile, Path logFile,
		Map<Volume, Path> volumes, Map<String, String> bridges, Map<UUID, Path> secretFiles,
		Optional<Path> vncPasswordFile, List<FirmwareDescriptor> firmware, Supplier<List<HugePagePool>> hostHugePages) {

	public RunContext(Accel accel, Path emulator, Path privateDir, Path monitorSocket, Path pidFile, Path logFile,
			Map<Volume, Path> volumes, Map<String, String> bridges, Map<UUID, Path> secretFiles,
			Optional<Path> vncPasswordFile, List<FirmwareDescriptor> firmware) {
		this(accel, emulator, privateDir, monitorSocket, pidFile, logFile, volumes, bridges, secretFiles,
				vncPasswordFile, firmware, HugePagePool.hostOnFirstUse());
	}

	/** A storage volume: pool and volume name. */
	public record Volume(String pool, String volume) {
	}

	public RunContext {
		Objects.requireNonNull(accel, "accel");
		if (accel == Accel.AUTO) {
			throw new IllegalArgumentException("The accelerator must be resolved (KVM or TCG), not AUTO");
		}
		Objects.requireNonNull(emulator, "emulator");
		Objects.requireNonNull(privateDir, "privateDir");
		Objects.requireNonNull(monitorSocket, "monitorSocket");
		Objects.requireNonNull(pidFile, "pidFile");
		Objects.requireNonNull(logFile, "logFile");
		volumes = Map.copyOf(volumes);
		bridges = Map.copyOf(bridges);
		secretFiles = Map.copyOf(secretFiles);
		Objects.requireNonNull(vncPasswordFile, "vncPasswordFile");
		firmware = List.copyOf(firmware);
		Objects.requireNonNull(hostHugePages, "hostHugePages");
	}

	/**
	 * The host's huge page pools. Read (sysfs, {@code /proc/mounts},
	 * {@code /proc/meminfo}) only when a definition asks for huge pages: most starts
	 * never need them, and the reads cost every start a fraction of a millisecond.
	 */
	public List<HugePagePool> hugePages() {
		return this.hostHugePages.get();
	}

	public RunContext(Accel accel, Path emulator, Path privateDir, Path monitorSocket, Path pidFile, Path logFile,
			Map<Volume, Path> volumes, Map<String, String> bridges, Map<UUID, Path> secretFiles,
			Optional<Path> vncPasswordFile) {
		this(accel, emulator, privateDir, monitorSocket, pidFile, logFile, volumes, bridges, secretFiles,
				vncPasswordFile, FirmwareDescriptors.system());
	}

	/**
	 * Where UEFI variable stores without a path go: {@code ROOT/lib/qemu/nvram}, beside
	 * the per-run private directories ({@code ROOT/lib/qemu/domain-ID-NAME}), as in
	 * libvirt's layout.
	 */
	public Path nvramDir() {
		Path parent = this.privateDir.toAbsolutePath().getParent();
		return (parent != null) ? parent.resolve("nvram") : this.privateDir.resolve("nvram");
	}

	public RunContext withFirmware(List<FirmwareDescriptor> firmware) {
		return new RunContext(this.accel, this.emulator, this.privateDir, this.monitorSocket, this.pidFile,
				this.logFile, this.volumes, this.bridges, this.secretFiles, this.vncPasswordFile, firmware,
				this.hostHugePages);
	}

	public RunContext withHugePages(List<HugePagePool> hugePages) {
		List<HugePagePool> pools = List.copyOf(hugePages);
		return new RunContext(this.accel, this.emulator, this.privateDir, this.monitorSocket, this.pidFile,
				this.logFile, this.volumes, this.bridges, this.secretFiles, this.vncPasswordFile, this.firmware,
				() -> pools);
	}

	/**
	 * A context with the usual file names in the private directory ({@code monitor.sock})
	 * and no secondary facts; add them with the {@code with...} methods.
	 */
	public static RunContext of(Accel accel, Path emulator, Path privateDir, Path pidFile, Path logFile) {
		return new RunContext(accel, emulator, privateDir, privateDir.resolve("monitor.sock"), pidFile, logFile,
				Map.of(), Map.of(), Map.of(), Optional.empty());
	}

	public RunContext withVolume(String pool, String volume, Path path) {
		Map<Volume, Path> volumes = new HashMap<>(this.volumes);
		volumes.put(new Volume(pool, volume), path);
		return new RunContext(this.accel, this.emulator, this.privateDir, this.monitorSocket, this.pidFile,
				this.logFile, volumes, this.bridges, this.secretFiles, this.vncPasswordFile, this.firmware,
				this.hostHugePages);
	}

	public RunContext withBridge(String network, String bridge) {
		Map<String, String> bridges = new HashMap<>(this.bridges);
		bridges.put(network, bridge);
		return new RunContext(this.accel, this.emulator, this.privateDir, this.monitorSocket, this.pidFile,
				this.logFile, this.volumes, bridges, this.secretFiles, this.vncPasswordFile, this.firmware,
				this.hostHugePages);
	}

	public RunContext withSecretFile(UUID secret, Path file) {
		Map<UUID, Path> files = new HashMap<>(this.secretFiles);
		files.put(secret, file);
		return new RunContext(this.accel, this.emulator, this.privateDir, this.monitorSocket, this.pidFile,
				this.logFile, this.volumes, this.bridges, files, this.vncPasswordFile, this.firmware,
				this.hostHugePages);
	}

	public RunContext withVncPasswordFile(Path file) {
		return new RunContext(this.accel, this.emulator, this.privateDir, this.monitorSocket, this.pidFile,
				this.logFile, this.volumes, this.bridges, this.secretFiles, Optional.of(file), this.firmware,
				this.hostHugePages);
	}

}
