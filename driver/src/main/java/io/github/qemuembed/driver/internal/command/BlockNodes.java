package io.github.qemuembed.driver.internal.command;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.github.qemuembed.driver.internal.xml.BackingImage;
import io.github.qemuembed.driver.internal.xml.DiskFormat;
import io.github.qemuembed.driver.internal.xml.DiskType;
import io.github.qemuembed.driver.internal.xml.IoTune;
import io.github.qemuembed.driver.internal.xml.NetworkSource;

/**
 * The block nodes of a disk beyond its own storage and format nodes: a network source's
 * storage node (NBD, curl), the images of a spelled-out backing chain (a storage and a
 * format node each, innermost first, as QEMU needs a backing node before the node naming
 * it), and the throttle filter of {@code <iotune>} with its throttle group. One instance
 * per command line: disks of one {@code group_name} share one group object.
 */
final class BlockNodes {

	/** libvirt's names for the limits, and QEMU's ({@code ThrottleLimits}). */
	static final Map<String, String> LIMITS = Map.ofEntries(Map.entry("total_bytes_sec", "bps-total"),
			Map.entry("read_bytes_sec", "bps-read"), Map.entry("write_bytes_sec", "bps-write"),
			Map.entry("total_iops_sec", "iops-total"), Map.entry("read_iops_sec", "iops-read"),
			Map.entry("write_iops_sec", "iops-write"), Map.entry("size_iops_sec", "iops-size"));

	private final Set<String> groups = new HashSet<>();

	/**
	 * The storage node of a network source: {@code nbd} (TCP or UNIX socket) or the curl
	 * driver's {@code http(s)}.
	 */
	static Json networkStorage(NetworkSource source) {
		NetworkSource.Host host = source.host();
		if (source.protocol().equals("nbd")) {
			Json server = host.socket().isPresent() ? Json.object().put("type", "unix").put("path", host.socket().get())
					: Json.object()
						.put("type", "inet")
						.put("host", host.name().get())
						.put("port", String.valueOf(host.port().orElse(10809)));
			return Json.object().put("driver", "nbd").put("server", server).put("export", source.name().orElse(null));
		}
		String name = host.name().get();
		StringBuilder url = new StringBuilder(source.protocol()).append("://")
			.append(name.contains(":") ? "[" + name + "]" : name);
		host.port().ifPresent((port) -> url.append(':').append(port));
		String path = source.name().get();
		url.append(path.startsWith("/") ? "" : "/").append(path);
		source.query().ifPresent((query) -> url.append('?').append(query));
		return Json.object()
			.put("driver", source.protocol())
			.put("url", url.toString())
			.put("sslverify", source.sslVerify().orElse(null));
	}

	/**
	 * The nodes of a backing chain, innermost first, named
	 * {@code ID-bN-storage}/{@code ID-bN-format} ({@code N} from 1 below the disk's
	 * source); the name of the outermost format node is what the disk's format node gives
	 * as {@code backing}.
	 */
	static List<String> backingChain(String id, List<BackingImage> chain, boolean terminated) {
		List<String> args = new ArrayList<>();
		for (int i = chain.size() - 1; i >= 0; i--) {
			BackingImage image = chain.get(i);
			String prefix = id + "-b" + (i + 1);
			boolean block = image.type() == DiskType.BLOCK;
			args.add("-blockdev");
			args.add(Json.object()
				.put("driver", block ? "host_device" : "file")
				.put("filename", image.path())
				.put("node-name", prefix + "-storage")
				.put("auto-read-only", true)
				.toString());
			Json format = Json.object()
				.put("node-name", prefix + "-format")
				.put("read-only", true)
				.put("driver", image.format().xmlName())
				.put("file", prefix + "-storage");
			if (i < chain.size() - 1) {
				format.put("backing", id + "-b" + (i + 2) + "-format");
			}
			else if (terminated && image.format() == DiskFormat.QCOW2) {
				format.putNull("backing");
			}
			args.add("-blockdev");
			args.add(format.toString());
		}
		return args;
	}

	/** The backing of the disk's own format node, if the XML decides it. */
	static Optional<String> backingOf(String id, List<BackingImage> chain) {
		return chain.isEmpty() ? Optional.empty() : Optional.of(id + "-b1-format");
	}

	/**
	 * The throttle group (once per group) and the throttle filter node
	 * {@code ID-throttle} on top of {@code below}; the device then uses the filter.
	 */
	List<String> throttle(String id, IoTune iotune, String below) {
		List<String> args = new ArrayList<>();
		String group = "throttle-" + iotune.group().orElse(id);
		if (this.groups.add(group)) {
			Json limits = Json.object();
			iotune.limits().forEach((name, value) -> limits.put(qemuLimit(name), value));
			args.add("-object");
			args.add(Json.object().put("qom-type", "throttle-group").put("id", group).put("limits", limits).toString());
		}
		args.add("-blockdev");
		args.add(Json.object()
			.put("driver", "throttle")
			.put("node-name", id + "-throttle")
			.put("throttle-group", group)
			.put("file", below)
			.toString());
		return args;
	}

	static String qemuLimit(String libvirtName) {
		if (libvirtName.endsWith("_max_length")) {
			return LIMITS.get(libvirtName.substring(0, libvirtName.length() - "_max_length".length())) + "-max-length";
		}
		if (libvirtName.endsWith("_max")) {
			return LIMITS.get(libvirtName.substring(0, libvirtName.length() - "_max".length())) + "-max";
		}
		return LIMITS.get(libvirtName);
	}

}
