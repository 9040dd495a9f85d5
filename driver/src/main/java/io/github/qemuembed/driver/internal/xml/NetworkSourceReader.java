package io.github.qemuembed.driver.internal.xml;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/**
 * Reads the {@code <source protocol>} of a {@code <disk type='network'>}: NBD and
 * HTTP(S); the rest is refused.
 */
final class NetworkSourceReader {

	private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9.:\\-]{1,253}");

	/** What the refused protocols would need, and what to write instead. */
	static final Map<String, String> REFUSED = Map.of("iscsi",
			"an iSCSI initiator in QEMU (libiscsi) with CHAP secrets, which this driver does not configure; "
					+ "log in on the host (iscsiadm) and give the LUN as <disk type='block'>",
			"rbd",
			"Ceph monitors, a ceph.conf and a cephx secret, which this driver does not configure; map the image "
					+ "on the host (rbd map) and give it as <disk type='block'>",
			"gluster",
			"a GlusterFS volume server (libgfapi), which this driver does not configure; mount the volume "
					+ "on the host and give the image as <disk type='file'>",
			"nfs",
			"QEMU's libnfs client, which this driver does not configure; mount the export on the host and "
					+ "give the image as <disk type='file'>",
			"ssh",
			"SSH host keys and agent authentication inside QEMU, which this driver does not configure; copy "
					+ "or mount (sshfs) the image and give it as <disk type='file'>",
			"ftp",
			"QEMU's curl driver over FTP, which this driver does not offer; serve the image over https or nbd, or download it and give <disk type='file'>",
			"ftps",
			"QEMU's curl driver over FTPS, which this driver does not offer; serve the image over https or nbd, or download it and give <disk type='file'>",
			"tftp",
			"QEMU's curl driver over TFTP, which this driver does not offer; serve the image over https or nbd, or download it and give <disk type='file'>",
			"sheepdog", "a Sheepdog cluster, which QEMU 7.2 no longer supports; give the image as <disk type='file'>",
			"vxhs", "a Veritas HyperScale server, which QEMU 7.2 no longer supports; give the image as "
					+ "<disk type='file'>");

	private NetworkSourceReader() {
	}

	static NetworkSource read(XNode node) {
		String protocol = node.requiredAttr("protocol");
		if (REFUSED.containsKey(protocol)) {
			throw new UnsupportedConfigurationException(node.attrPath("protocol"),
					"protocol '" + protocol + "' needs " + REFUSED.get(protocol));
		}
		node.oneOf("protocol", null, "nbd", "http", "https");
		boolean nbd = protocol.equals("nbd");
		if (node.attr("tls").isPresent()) {
			throw new UnsupportedConfigurationException(node.attrPath("tls"),
					"TLS for NBD needs x509 credentials, which this driver does not configure; remove tls");
		}
		node.refuse("auth", "authentication on a network disk needs a secret the driver does not pass yet; serve "
				+ "the image without authentication (on a private network) or give it as a local file");
		node.refuse("reconnect", "<reconnect> is not supported; remove it");
		Optional<String> name = node.attr("name");
		if (!nbd && name.isEmpty()) {
			throw new InvalidConfigurationException(node.attrPath("name"),
					"an http(s) source needs name='/path/of/the/image'");
		}
		name.filter((value) -> value.isEmpty() || value.chars().anyMatch((c) -> c < 0x20 || c == 0x7f))
			.ifPresent((value) -> {
				throw new InvalidConfigurationException(node.attrPath("name"),
						"'" + Numbers.abbreviate(value) + "' is not an export name or path");
			});
		Optional<String> query = node.attr("query");
		if (nbd && query.isPresent()) {
			throw new InvalidConfigurationException(node.attrPath("query"), "query is for http(s) sources only");
		}
		query.filter((value) -> value.chars().anyMatch((c) -> c <= 0x20 || c == '#' || c == 0x7f))
			.ifPresent((value) -> {
				throw new InvalidConfigurationException(node.attrPath("query"),
						"'" + Numbers.abbreviate(value) + "' is not a URL query");
			});
		List<XNode> hosts = node.children("host");
		if (hosts.isEmpty()) {
			throw new InvalidConfigurationException(node.path() + "/host", "a network disk needs a <host>");
		}
		if (hosts.size() > 1) {
			throw new UnsupportedConfigurationException(hosts.get(1).path(),
					"protocol '" + protocol + "' takes one <host>");
		}
		NetworkSource.Host host = host(hosts.get(0), nbd);
		Optional<Boolean> sslVerify = node.child("ssl").map((child) -> {
			if (!protocol.equals("https")) {
				throw new InvalidConfigurationException(child.path(), "<ssl> is for https sources only");
			}
			boolean verify = child.yesNo("verify", true);
			child.finish();
			return verify;
		});
		node.finish();
		return new NetworkSource(protocol, name, host, query, sslVerify);
	}

	private static NetworkSource.Host host(XNode host, boolean nbd) {
		String transport = host.oneOf("transport", "tcp", "tcp", "unix");
		if (transport.equals("unix")) {
			if (!nbd) {
				throw new UnsupportedConfigurationException(host.attrPath("transport"),
						"a UNIX socket is supported for nbd only");
			}
			String socket = XmlValues.absolutePath(host, host.requiredAttr("socket"));
			host.finish();
			return new NetworkSource.Host(Optional.empty(), Optional.empty(), Optional.of(socket));
		}
		String name = host.requiredAttr("name");
		if (!HOST_NAME.matcher(name).matches()) {
			throw new InvalidConfigurationException(host.attrPath("name"),
					"'" + Numbers.abbreviate(name) + "' is not a host name or address");
		}
		Optional<Integer> port = host.intAttr("port", 1, 65535);
		host.finish();
		return new NetworkSource.Host(Optional.of(name), port, Optional.empty());
	}

}
