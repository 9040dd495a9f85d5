package io.github.qemuembed.driver.internal.monitor;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

import io.github.qemuembed.driver.internal.io.JsonTrees;
import io.github.qemuembed.driver.qmp.QmpClient;
import io.github.qemuembed.driver.qmp.QmpClientOptions;
import io.github.qemuembed.driver.qmp.QmpError;
import io.github.qemuembed.driver.qmp.QmpEventListener;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The monitor of one running QEMU as the domain layer uses it: one typed method per QMP
 * command the driver sends, as libvirt's {@code qemu_monitor.c} has, so that command
 * names and argument shapes live here and nowhere else in the domain code. Every method
 * throws the driver's typed errors ({@link QmpErrors}); only {@link #passthrough} takes a
 * command by name, for {@code Domain.qmp}.
 */
public final class DomainMonitor implements AutoCloseable {

	private final QmpClient client;

	private DomainMonitor(QmpClient client) {
		this.client = client;
	}

	/**
	 * Connects to the monitor socket of a QEMU; with {@code qemu}, gives up as soon as it
	 * exits.
	 * @param qemu the process serving the socket, or {@code null} (a process adopted from
	 * an earlier driver)
	 */
	public static DomainMonitor connect(Path socket, QmpClientOptions options, QmpEventListener listener,
			ProcessHandle qemu) {
		return new DomainMonitor(call(() -> QmpClient.connect(socket, options, listener, qemu)));
	}

	// ---- lifecycle ----

	/** {@code system_powerdown}: presses the ACPI power button. */
	public void powerdown() {
		execute("system_powerdown");
	}

	/** {@code system_reset}: a hard reset of the machine. */
	public void reset() {
		execute("system_reset");
	}

	/** {@code stop}: pauses the vCPUs. */
	public void stop() {
		execute("stop");
	}

	/**
	 * {@code cont}: lets the vCPUs run; returns once QEMU says they do ({@code RESUME},
	 * which it sends before its reply; the callers only resume paused VMs, where nothing
	 * else can resume them meanwhile).
	 */
	public void cont() {
		call(() -> {
			this.client.executeUntilEvent("cont", "RESUME");
			return null;
		});
	}

	/** What {@code query-status} says. */
	public record RunStatus(boolean running, String status) {
	}

	/** {@code query-status}. */
	public RunStatus queryStatus() {
		JsonNode status = execute("query-status");
		return new RunStatus(status.path("running").asBoolean(false), status.path("status").asString(""));
	}

	/** {@code balloon}: sets the guest's memory target. */
	public void setBalloon(long bytes) {
		execute("balloon", Map.of("value", bytes));
	}

	// ---- block ----

	/** {@code query-blockstats}: the block devices' I/O counters. */
	public JsonNode queryBlockStats() {
		return execute("query-blockstats");
	}

	/** {@code query-block}: the block devices and their inserted media. */
	public JsonNode queryBlock() {
		return execute("query-block");
	}

	/** {@code query-named-block-nodes}. */
	public JsonNode queryNamedBlockNodes() {
		return execute("query-named-block-nodes");
	}

	/** {@code blockdev-add} of a node given as the command line's JSON. */
	public void blockdevAdd(JsonNode node) {
		execute("blockdev-add", node);
	}

	/** {@code blockdev-del}. */
	public void blockdevDel(String nodeName) {
		execute("blockdev-del", Map.of("node-name", nodeName));
	}

	/**
	 * {@code blockdev-snapshot}: {@code overlay} (added, without backing) goes on top of
	 * {@code node}.
	 */
	public void blockdevSnapshot(String node, String overlay) {
		execute("blockdev-snapshot", Map.of("node", node, "overlay", overlay));
	}

	/** {@code block-commit} of {@code top} into {@code base} as job {@code job}. */
	public void blockCommit(String job, String device, String top, String base) {
		execute("block-commit", Map.of("job-id", job, "device", device, "top-node", top, "base-node", base));
	}

	/** {@code block-job-complete}: pivots a ready job. */
	public void blockJobComplete(String job) {
		execute("block-job-complete", Map.of("device", job));
	}

	// ---- devices and their back ends ----

	/** {@code device_add} of a device given as the command line's JSON. */
	public void deviceAdd(JsonNode device) {
		execute("device_add", device);
	}

	/**
	 * {@code device_del}: asks the guest to release the device ({@code DEVICE_DELETED}
	 * follows).
	 */
	public void deviceDel(String id) {
		execute("device_del", Map.of("id", id));
	}

	/** {@code object-add}. */
	public void objectAdd(JsonNode object) {
		execute("object-add", object);
	}

	/** {@code object-del}. */
	public void objectDel(String id) {
		execute("object-del", Map.of("id", id));
	}

	/** {@code netdev_add}. */
	public void netdevAdd(JsonNode netdev) {
		execute("netdev_add", netdev);
	}

	/** {@code netdev_del}. */
	public void netdevDel(String id) {
		execute("netdev_del", Map.of("id", id));
	}

	/** {@code chardev-add}. */
	public void chardevAdd(JsonNode chardev) {
		execute("chardev-add", chardev);
	}

	/** {@code chardev-remove}. */
	public void chardevRemove(String id) {
		execute("chardev-remove", Map.of("id", id));
	}

	/** {@code qom-list}: the children and properties of a QOM path. */
	public JsonNode qomList(String path) {
		return execute("qom-list", Map.of("path", path));
	}

	/** {@code qom-get}: one property of a QOM object. */
	public JsonNode qomGet(String path, String property) {
		return execute("qom-get", Map.of("path", path, "property", property));
	}

	// ---- migration (save and restore) ----

	/** {@code getfd}: hands {@code fd} to QEMU under {@code name}. */
	public void getfd(String name, int fd) {
		call(() -> this.client.executeWithFd("getfd", JsonTrees.object().put("fdname", name), fd));
	}

	/** {@code migrate-set-parameters max-bandwidth}. */
	public void setMigrationBandwidth(long bytesPerSecond) {
		execute("migrate-set-parameters", Map.of("max-bandwidth", bytesPerSecond));
	}

	/** {@code migrate}: starts writing the state to {@code uri}. */
	public void migrate(String uri) {
		execute("migrate", Map.of("uri", uri));
	}

	/** {@code query-migrate}. */
	public JsonNode queryMigrate() {
		return execute("query-migrate");
	}

	/** {@code migrate_cancel}. */
	public void migrateCancel() {
		execute("migrate_cancel");
	}

	/** {@code migrate-incoming}: a QEMU started with {@code -incoming defer} loads. */
	public void migrateIncoming(String uri) {
		execute("migrate-incoming", Map.of("uri", uri));
	}

	// ---- any command ----

	/**
	 * A command the caller names ({@code Domain.qmp}); returns its {@code return} member.
	 */
	public JsonNode passthrough(String command, ObjectNode arguments) {
		return call(() -> this.client.execute(command, arguments));
	}

	/** Closes the connection (QEMU keeps running). */
	@Override
	public void close() {
		this.client.close();
	}

	private JsonNode execute(String command) {
		return call(() -> this.client.execute(command));
	}

	private JsonNode execute(String command, JsonNode arguments) {
		return call(() -> this.client.execute(command, arguments));
	}

	private JsonNode execute(String command, Map<String, ?> arguments) {
		return call(() -> this.client.execute(command, arguments));
	}

	private static <T> T call(Supplier<T> command) {
		try {
			return command.get();
		}
		catch (QmpError ex) {
			throw QmpErrors.toDriver(ex);
		}
	}

}
