package io.github.qemuembed.driver.internal.core;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.github.qemuembed.driver.secondary.NetworkPort;

import io.github.qemuembed.driver.internal.process.ProcessIdentity;

/**
 * What {@code run/qemu/NAME.xml} records about a running domain, so that the next driver
 * on the same root can recognise the QEMU process (and only that process) and reconnect
 * to it or stop it.
 *
 * @param name domain name
 * @param uuid domain UUID
 * @param id the run's domain id
 * @param pid QEMU's pid
 * @param startTicks the process start time (see {@link ProcessIdentity})
 * @param commandLine the process's command line as the kernel reports it
 * @param monitorSocket QMP socket path
 * @param privateDir per-run private directory
 * @param serialSockets console sockets, in serial port order
 * @param startedAt epoch milliseconds of the start
 * @param persistent whether the domain had a persistent definition
 * @param networkPorts network ports reserved for the NICs, as
 * {@code network|portUuid|bridge|mac}
 * @param domainXml the live definition the process was started from (secrets included:
 * the file is 0600)
 * @param taps host taps the driver created for the run (as root), to delete when it ends;
 * absent in older records
 */
record RunState(String name, String uuid, int id, long pid, long startTicks, List<String> commandLine,
		String monitorSocket, String privateDir, List<String> serialSockets, long startedAt, boolean persistent,
		List<String> networkPorts, String domainXml, List<String> taps) {

	/** The taps to delete, none for a record written before taps were recorded. */
	List<String> tapList() {
		return (this.taps != null) ? this.taps : List.of();
	}

	static List<String> encodePorts(List<NetworkPort> ports) {
		return ports.stream()
			.filter(NetworkPort::reserved)
			.map((p) -> p.network() + "|" + p.uuid().orElseThrow() + "|" + p.bridge() + "|" + p.mac())
			.toList();
	}

	List<NetworkPort> ports() {
		if (this.networkPorts == null) {
			return List.of();
		}
		return this.networkPorts.stream()
			.map((encoded) -> encoded.split("\\|", -1))
			.filter((f) -> f.length == 4)
			.map((f) -> new NetworkPort(f[0], Optional.of(UUID.fromString(f[1])), f[2], f[3]))
			.toList();
	}

	ProcessIdentity identity() {
		return new ProcessIdentity(this.pid, this.startTicks,
				(this.commandLine != null) ? this.commandLine : List.of());
	}

}
