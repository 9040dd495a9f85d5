package io.github.qemuembed.autoconfigure.actuate;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import io.github.qemuembed.autoconfigure.actuate.DomainStatistics.BlockDevice;
import io.github.qemuembed.autoconfigure.actuate.DomainStatistics.NetDevice;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the figures behind the block and network meters.
 * <ul>
 * <li>Block: QMP {@code query-blockstats}. The driver attaches disks with {@code -blockdev}, so QEMU
 * names a disk by its device id (libvirt's alias: {@code virtio-disk0}, {@code sata0-0-1},
 * {@code scsi0-0-0-0}, {@code ide0-0-1}); the id is mapped back to the disk's {@code <target dev>}
 * through the live XML, the name users know (as {@code virsh domblkstat} uses).</li>
 * <li>Network: QMP has no NIC counters. As libvirt does, the host side of each tap is read:
 * QEMU's open {@code /dev/net/tun} descriptors name their interface ({@code iff:} in
 * {@code /proc/PID/fdinfo}), whose counters are in {@code /sys/class/net/TAP/statistics}. This finds
 * taps of {@code <interface type='ethernet'>} and of {@code bridge}/{@code network} interfaces (tap
 * made by the bridge helper) alike. What the host receives the guest sent: the figures are swapped
 * to the guest's view. {@code <interface type='user'>} (slirp) has no host device and is not
 * reported.</li>
 * </ul>
 */
final class StatisticsReader {

	private static final ObjectMapper JSON = JsonMapper.builder().build();

	private static final String PERIPHERAL = "/machine/peripheral/";

	private StatisticsReader() {
	}

	/** Block devices from a {@code query-blockstats} answer, named after the live XML's targets. */
	static List<BlockDevice> blockDevices(String blockstatsJson, String liveXml) {
		Map<String, String> targets = diskTargetsByAlias(liveXml);
		List<BlockDevice> devices = new ArrayList<>();
		for (JsonNode entry : JSON.readTree(blockstatsJson)) {
			String name = deviceName(entry, targets);
			if (name == null) {
				continue;
			}
			JsonNode stats = entry.path("stats");
			devices.add(new BlockDevice(name, stats.path("rd_bytes").asLong(0), stats.path("wr_bytes").asLong(0),
					stats.path("rd_operations").asLong(0), stats.path("wr_operations").asLong(0)));
		}
		return devices;
	}

	private static String deviceName(JsonNode entry, Map<String, String> targets) {
		String legacy = entry.path("device").asString("");
		if (!legacy.isEmpty()) {
			return legacy;
		}
		String qdev = entry.path("qdev").asString("");
		if (qdev.isEmpty()) {
			// a node that no guest device uses
			return null;
		}
		String id = qdev;
		if (qdev.startsWith(PERIPHERAL)) {
			id = qdev.substring(PERIPHERAL.length());
			int slash = id.indexOf('/');
			if (slash >= 0) {
				id = id.substring(0, slash);
			}
		}
		return targets.getOrDefault(id, id);
	}

	/**
	 * The disks' {@code <target dev>} by the device id the driver gives them (libvirt's aliases and
	 * drive addresses: an explicit {@code <address type='drive'>} or the one derived from the target).
	 */
	static Map<String, String> diskTargetsByAlias(String xml) {
		Map<String, String> targets = new HashMap<>();
		XMLInputFactory factory = XMLInputFactory.newFactory();
		factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
		factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
		try {
			XMLStreamReader reader = factory.createXMLStreamReader(new StringReader(xml));
			int depth = 0;
			boolean inDisk = false;
			String dev = null;
			String bus = null;
			Map<String, String> address = null;
			while (reader.hasNext()) {
				int event = reader.next();
				if (event == XMLStreamConstants.START_ELEMENT) {
					depth++;
					String element = reader.getLocalName();
					if (depth == 3 && "disk".equals(element)) {
						inDisk = true;
						dev = null;
						bus = null;
						address = null;
					}
					else if (inDisk && depth == 4 && "target".equals(element)) {
						dev = reader.getAttributeValue(null, "dev");
						bus = reader.getAttributeValue(null, "bus");
					}
					else if (inDisk && depth == 4 && "address".equals(element)
							&& "drive".equals(reader.getAttributeValue(null, "type"))) {
						address = new HashMap<>();
						for (int i = 0; i < reader.getAttributeCount(); i++) {
							address.put(reader.getAttributeLocalName(i), reader.getAttributeValue(i));
						}
					}
				}
				else if (event == XMLStreamConstants.END_ELEMENT) {
					if (depth == 3 && inDisk) {
						inDisk = false;
						String alias = alias(dev, bus, address);
						if (alias != null) {
							targets.put(alias, dev);
						}
					}
					depth--;
				}
			}
			reader.close();
		}
		catch (XMLStreamException ex) {
			// the driver produced the XML; without it, devices keep QEMU's ids
		}
		return targets;
	}

	private static String alias(String dev, String bus, Map<String, String> address) {
		int index = targetIndex(dev);
		if (index < 0) {
			return null;
		}
		if (bus == null) {
			bus = dev.startsWith("vd") ? "virtio" : dev.startsWith("hd") ? "ide" : "sata";
		}
		return switch (bus) {
			case "virtio" -> "virtio-disk" + index;
			case "sata" -> "sata0-0-" + number(address, "unit", index);
			case "scsi" -> "scsi0-0-" + number(address, "target", 0) + "-" + number(address, "unit", index);
			case "ide" -> "ide0-" + number(address, "bus", index / 2) + "-" + number(address, "unit", index % 2);
			default -> null;
		};
	}

	private static int number(Map<String, String> address, String name, int derived) {
		if (address == null || address.get(name) == null) {
			return derived;
		}
		try {
			return Integer.parseInt(address.get(name));
		}
		catch (NumberFormatException ex) {
			return derived;
		}
	}

	/** {@code vda} → 0, {@code sdb} → 1, {@code vdaa} → 26 (libvirt's disk name index). */
	static int targetIndex(String dev) {
		if (dev == null || dev.length() < 3) {
			return -1;
		}
		int index = 0;
		for (int i = 2; i < dev.length(); i++) {
			char c = dev.charAt(i);
			if (c < 'a' || c > 'z') {
				return -1;
			}
			index = index * 26 + (c - 'a' + 1);
		}
		return index - 1;
	}

	/** The taps QEMU process {@code pid} holds open, with their counters in the guest's view. */
	static List<NetDevice> netDevices(long pid) {
		return netDevices(Path.of("/proc", Long.toString(pid)), Path.of("/sys/class/net"));
	}

	static List<NetDevice> netDevices(Path process, Path sysClassNet) {
		List<NetDevice> devices = new ArrayList<>();
		for (String tap : taps(process)) {
			Path statistics = sysClassNet.resolve(tap).resolve("statistics");
			long hostReceived = readLong(statistics.resolve("rx_bytes"));
			long hostTransmitted = readLong(statistics.resolve("tx_bytes"));
			if (hostReceived >= 0 && hostTransmitted >= 0) {
				devices.add(new NetDevice(tap, hostTransmitted, hostReceived));
			}
		}
		return devices;
	}

	private static Set<String> taps(Path process) {
		Set<String> taps = new LinkedHashSet<>();
		try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
			for (Path fd : fds) {
				Path target;
				try {
					target = Files.readSymbolicLink(fd);
				}
				catch (IOException ex) {
					// closed meanwhile
					continue;
				}
				if (!"/dev/net/tun".equals(target.toString())) {
					continue;
				}
				List<String> fdinfo;
				try {
					fdinfo = Files.readAllLines(process.resolve("fdinfo").resolve(fd.getFileName()),
							StandardCharsets.UTF_8);
				}
				catch (IOException ex) {
					// closed meanwhile
					continue;
				}
				for (String line : fdinfo) {
					if (line.startsWith("iff:")) {
						String name = line.substring(4).trim();
						if (!name.isEmpty() && !name.contains("/")) {
							taps.add(name);
						}
					}
				}
			}
		}
		catch (IOException ex) {
			// process gone or not readable: no figures
		}
		return taps;
	}

	private static long readLong(Path file) {
		try {
			return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
		}
		catch (IOException | NumberFormatException ex) {
			return -1;
		}
	}

}
