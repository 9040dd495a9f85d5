package io.github.qemuembed.it.secondary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.github.qemuembed.driver.internal.fs.FileTrees;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DriverConfig;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.error.QemuEmbedException;
import io.github.qemuembed.driver.error.SecondaryDriverException;
import io.github.qemuembed.driver.secondary.NetworkDriver;
import io.github.qemuembed.driver.secondary.SecondaryDriverFactory;
import io.github.qemuembed.driver.secondary.SecondaryDrivers;
import io.github.qemuembed.driver.secondary.SecretDriver;
import io.github.qemuembed.driver.secondary.StorageDriver;
import io.github.qemuembed.driver.secondary.embedded.EmbeddedSecretDriver;
import io.github.qemuembed.driver.secondary.embedded.SecretDefinition;
import io.github.qemuembed.driver.internal.remote.RemoteSecretDriver;
import io.github.qemuembed.driver.internal.rpc.LibvirtClient;
import io.github.qemuembed.driver.internal.rpc.RemoteObjects.SecretRef;
import io.github.qemuembed.driver.internal.rpc.RpcClientOptions;
import io.github.qemuembed.testsupport.disk.LuksImages;
import io.github.qemuembed.testsupport.libvirt.LibvirtContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Domains of the embedded driver (real QEMU, no guest) using a real libvirtd in a
 * container for what it does not do itself: a volume disk, LUKS disks whose passphrase
 * comes from the daemon or from the embedded secret driver, and a NIC on a network's
 * bridge. The pool's directory is shared with the container at the same path, so the
 * daemon's volume paths are valid here.
 */
class SecondaryDomainIT {

	private static final String PASSPHRASE = "luks-it-passphrase";

	/** Allowed in /etc/qemu/bridge.conf by dev/setup, for qemu-bridge-helper. */
	private static final String BRIDGE = "qe-br0";

	private static Path shared;

	private static LibvirtContainer daemon;

	private static Path luksImage;

	private static UUID daemonSecret;

	private Path root;

	private QemuDriver driver;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeAll
	static void startDaemonWithPoolAndSecret() throws Exception {
		shared = Files.createTempDirectory(Path.of("/tmp"), "qp");
		daemon = new LibvirtContainer().withSharedHostDirectory(shared);
		daemon.start();
		Path pool = Files.createDirectory(shared.resolve("pool"));
		daemon.virsh("storage", "pool-define-as", "qe-pool", "dir", "--target", pool.toString());
		daemon.virsh("storage", "pool-start", "qe-pool");
		daemon.virsh("storage", "vol-create-as", "qe-pool", "data.qcow2", "16M", "--format", "qcow2");
		daemon.virsh("storage", "vol-create-as", "qe-pool", "plain.raw", "8M", "--format", "raw");
		luksImage = shared.resolve("secure.luks");
		LuksImages.create(luksImage, 16, PASSPHRASE);
		daemonSecret = UUID.randomUUID();
		try (RemoteSecretDriver secrets = (RemoteSecretDriver) SecondaryDriverFactory
			.secretDriver(daemon.unixUri("secret"), null, AccessPolicy.denyAll(), CallerSupplier.NONE)) {
			LibvirtClient client = secrets.client();
			SecretRef secret = client.secretDefine("<secret ephemeral='no' private='no'><uuid>" + daemonSecret
					+ "</uuid><usage type='volume'><volume>" + luksImage + "</volume></usage></secret>");
			client.secretSetValue(secret, PASSPHRASE.getBytes(StandardCharsets.UTF_8));
		}
	}

	@AfterAll
	static void stopDaemon() throws IOException {
		try {
			if (daemon != null) {
				daemon.stop();
			}
		}
		finally {
			deleteTree(shared);
		}
	}

	@BeforeEach
	void newRoot() throws IOException {
		this.root = Files.createTempDirectory(Path.of("/tmp"), "qe");
	}

	@AfterEach
	void closeAll() throws Exception {
		try {
			if (this.driver != null) {
				this.driver.close(); // destroys every QEMU it started
			}
			for (AutoCloseable closeable : this.closeables) {
				closeable.close();
			}
		}
		finally {
			deleteTree(this.root);
		}
	}

	private QemuDriver open(Optional<NetworkDriver> network, Optional<StorageDriver> storage,
			Optional<SecretDriver> secret) {
		network.ifPresent(this.closeables::add);
		storage.ifPresent(this.closeables::add);
		secret.ifPresent(this.closeables::add);
		this.driver = QemuDriver.open(DriverConfig.builder(this.root)
			.accessPolicy(AccessPolicy.allowAll())
			.secondary(new SecondaryDrivers(network, storage, secret))
			.build());
		return this.driver;
	}

	private static String domainXml(String name, String devices) {
		return """
				<domain type='kvm'>
				  <name>%s</name>
				  <uuid>%s</uuid>
				  <memory unit='MiB'>64</memory>
				  <vcpu>1</vcpu>
				  <os><type arch='x86_64' machine='q35'>hvm</type></os>
				  <devices>
				%s
				  </devices>
				</domain>
				""".formatted(name, UUID.randomUUID(), devices);
	}

	private static String luksDisk(UUID secret) {
		return """
				<disk type='file' device='disk'>
				  <driver name='qemu' type='raw'/>
				  <source file='%s'/>
				  <target dev='vdb' bus='virtio'/>
				  <encryption format='luks'><secret type='passphrase' uuid='%s'/></encryption>
				</disk>""".formatted(luksImage, secret);
	}

	private static String blockNodes(Domain domain) {
		return domain.qmp("{\"execute\":\"query-named-block-nodes\"}");
	}

	@ParameterizedTest
	@EnumSource(Transport.class)
	void volumeDiskStartsWithTheVolumesPath(Transport transport) {
		QemuDriver qemu = open(Optional.empty(),
				Optional.of(SecondaryDriverFactory.storageDriver(transport.uri(daemon, "storage"))), Optional.empty());
		Domain domain = qemu.define(domainXml("vol-" + transport.name().toLowerCase(), """
				<disk type='volume' device='disk'>
				  <driver name='qemu' type='qcow2'/>
				  <source pool='qe-pool' volume='data.qcow2'/>
				  <target dev='vda' bus='virtio'/>
				</disk>
				<disk type='volume' device='disk'>
				  <driver name='qemu' type='raw'/>
				  <source pool='qe-pool' volume='plain.raw'/>
				  <target dev='vdb' bus='virtio'/>
				</disk>"""));
		domain.start();
		String nodes = blockNodes(domain);
		assertThat(nodes).contains(shared.resolve("pool/data.qcow2").toString())
			.contains(shared.resolve("pool/plain.raw").toString())
			.contains("\"drv\":\"qcow2\"");
	}

	@ParameterizedTest
	@EnumSource(Transport.class)
	void luksDiskOpensWithTheDaemonsSecret(Transport transport) {
		QemuDriver qemu = open(Optional.empty(), Optional.empty(), Optional.of(SecondaryDriverFactory
			.secretDriver(transport.uri(daemon, "secret"), null, AccessPolicy.denyAll(), CallerSupplier.NONE)));
		Domain domain = qemu.define(domainXml("luks-" + transport.name().toLowerCase(), luksDisk(daemonSecret)));
		domain.start();
		assertThat(blockNodes(domain)).contains("\"drv\":\"luks\"").contains(luksImage.toString());
		assertThat(commandLineOf(domain)).doesNotContain(PASSPHRASE);
	}

	@Test
	void luksDiskOpensWithAPrivateSecretOfTheEmbeddedDriver() {
		EmbeddedSecretDriver secrets = new EmbeddedSecretDriver(this.root, AccessPolicy.allowAll(),
				CallerSupplier.NONE);
		UUID uuid = UUID.randomUUID();
		secrets.define(SecretDefinition.forVolume(uuid, luksImage.toString() + "#embedded", true));
		secrets.setValue(uuid, PASSPHRASE.getBytes(StandardCharsets.UTF_8));
		QemuDriver qemu = open(Optional.empty(), Optional.empty(), Optional.of(secrets));
		Domain domain = qemu.define(domainXml("luks-embedded", luksDisk(uuid)));
		domain.start();
		assertThat(blockNodes(domain)).contains("\"drv\":\"luks\"");
	}

	@Test
	void wrongPassphraseKeepsTheLuksDiskShut() {
		EmbeddedSecretDriver secrets = new EmbeddedSecretDriver(this.root, AccessPolicy.allowAll(),
				CallerSupplier.NONE);
		UUID uuid = UUID.randomUUID();
		secrets.define(SecretDefinition.forVolume(uuid, luksImage.toString() + "#wrong", true));
		secrets.setValue(uuid, "not-the-passphrase".getBytes(StandardCharsets.UTF_8));
		QemuDriver qemu = open(Optional.empty(), Optional.empty(), Optional.of(secrets));
		Domain domain = qemu.define(domainXml("luks-wrong", luksDisk(uuid)));
		assertThatExceptionOfType(QemuEmbedException.class).isThrownBy(domain::start)
			.withMessageContaining("Invalid password")
			.withMessageNotContaining("not-the-passphrase");
	}

	@Test
	void privateSecretOfTheDaemonFailsTheStartWithTheFix() throws Exception {
		UUID uuid = UUID.randomUUID();
		RemoteSecretDriver secrets = (RemoteSecretDriver) SecondaryDriverFactory.secretDriver(daemon.tcpUri("secret"),
				null, AccessPolicy.denyAll(), CallerSupplier.NONE);
		SecretRef secret = secrets.client()
			.secretDefine("<secret ephemeral='no' private='yes'><uuid>" + uuid + "</uuid><usage type='volume'><volume>"
					+ luksImage + "#private</volume></usage></secret>");
		secrets.client().secretSetValue(secret, PASSPHRASE.getBytes(StandardCharsets.UTF_8));
		QemuDriver qemu = open(Optional.empty(), Optional.empty(), Optional.of(secrets));
		Domain domain = qemu.define(domainXml("luks-private", luksDisk(uuid)));
		assertThatExceptionOfType(SecondaryDriverException.class).isThrownBy(domain::start)
			.withMessageContaining("/domain/devices/disk[1]/encryption")
			.withMessageContaining("private='no'")
			.withMessageContaining("the embedded secret driver");
	}

	@Test
	void unreachableStorageDriverFailsTheStartNamingElementAndDriver() {
		Path wrongSocket = shared.resolve("no-such-sock");
		String uri = "storage:///system?socket=" + wrongSocket;
		QemuDriver qemu = open(Optional.empty(), Optional.of(SecondaryDriverFactory.storageDriver(uri)),
				Optional.empty());
		Domain domain = qemu.define(domainXml("vol-unreachable", """
				<disk type='volume' device='disk'>
				  <driver name='qemu' type='qcow2'/>
				  <source pool='qe-pool' volume='data.qcow2'/>
				  <target dev='vda' bus='virtio'/>
				</disk>"""));
		assertThatExceptionOfType(SecondaryDriverException.class).isThrownBy(domain::start)
			.withMessageContaining("<disk type='volume'>")
			.withMessageContaining("/domain/devices/disk[1]")
			.withMessageContaining("storage driver")
			.withMessageContaining(uri)
			.withMessageContaining("UNIX socket " + wrongSocket)
			.withMessageContaining("check the storage driver given to DriverConfig.secondary");
	}

	@ParameterizedTest
	@EnumSource(Transport.class)
	void nicJoinsTheNetworksBridge(Transport transport) throws Exception {
		String network = "hb-" + transport.name().toLowerCase();
		try (LibvirtClient client = LibvirtClient.connect(daemon.unixUri("network"),
				RpcClientOptions.defaults("network driver"))) {
			client.networkCreate(client.networkDefine("<network><name>" + network
					+ "</name><forward mode='bridge'/><bridge name='" + BRIDGE + "'/></network>"));
		}
		assertThat(bridgePorts()).isEmpty();
		QemuDriver qemu = open(Optional.of(SecondaryDriverFactory.networkDriver(transport.uri(daemon, "network"))),
				Optional.empty(), Optional.empty());
		Domain domain = qemu.define(domainXml("nic-" + transport.name().toLowerCase(), """
				<interface type='network'>
				  <mac address='52:54:00:5e:00:0%d'/>
				  <source network='%s'/>
				  <model type='virtio'/>
				</interface>""".formatted(transport.ordinal(), network)));
		domain.start();
		assertThat(bridgePorts()).hasSize(1);
		// the NIC holds a port reserved in the daemon's network driver while the domain
		// runs
		assertThat(daemonPorts(network)).hasSize(1);
		assertThat(domain.qmp("{\"execute\":\"query-rx-filter\"}")).contains("52:54:00:5e:00:0" + transport.ordinal());
		domain.destroy();
		assertThat(bridgePorts()).isEmpty();
		assertThat(daemonPorts(network)).isEmpty();
	}

	@BeforeAll
	static void createHostBridge() throws Exception {
		if (Files.exists(Path.of("/sys/class/net", BRIDGE))) {
			run("ip", "link", "del", BRIDGE); // left over from an interrupted run
		}
		run("ip", "link", "add", BRIDGE, "type", "bridge");
		run("ip", "link", "set", BRIDGE, "up");
	}

	@AfterAll
	static void deleteHostBridge() throws Exception {
		run("ip", "link", "del", BRIDGE);
	}

	private static List<String> daemonPorts(String network) {
		return daemon.virsh("network", "net-port-list", network)
			.lines()
			.map(String::strip)
			.filter((line) -> line.matches("[0-9a-f-]{36}.*"))
			.toList();
	}

	private static List<String> bridgePorts() {
		String[] ports = Path.of("/sys/class/net", BRIDGE, "brif").toFile().list();
		return (ports != null) ? List.of(ports) : List.of();
	}

	private static String commandLineOf(Domain domain) {
		try {
			return Files.readString(Path.of("/proc/" + domain.info().pid().getAsLong() + "/cmdline"))
				.replace('\0', ' ');
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void run(String... command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), output).isZero();
	}

	private static void deleteTree(Path directory) {
		if (directory != null) {
			FileTrees.deleteQuietly(directory);
		}
	}

}
