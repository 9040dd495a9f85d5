package io.github.qemuembed.driver.internal.xml;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.qemuembed.driver.error.InvalidConfigurationException;

/**
 * Reads {@code <devices>}: hands each element to its reader and keeps the document order
 * within a kind.
 */
final class DevicesReader {

	private DevicesReader() {
	}

	static Devices read(XNode node, MachineFamily family) {
		Optional<String> emulator = node.child("emulator").map((child) -> {
			String path = XmlValues.absolutePath(child, child.requiredText());
			child.finish();
			return path;
		});
		List<Disk> disks = node.children("disk").stream().map(DiskReader::read).toList();
		List<Controller> controllers = ControllerReader.assignIndexes(
				node.children("controller").stream().map((child) -> ControllerReader.read(child, family)).toList());
		List<NetInterface> interfaces = node.children("interface").stream().map(InterfaceReader::read).toList();
		List<CharDevice> serials = node.children("serial")
			.stream()
			.map((child) -> CharDeviceReader.charDevice(child, false))
			.toList();
		List<CharDevice> consoles = node.children("console")
			.stream()
			.map((child) -> CharDeviceReader.charDevice(child, true))
			.toList();
		List<Channel> channels = node.children("channel").stream().map(CharDeviceReader::channel).toList();
		List<Graphics> graphics = node.children("graphics").stream().map(GraphicsReader::graphics).toList();
		List<Video> videos = node.children("video").stream().map(GraphicsReader::video).toList();
		List<Input> inputs = node.children("input").stream().map(PlatformDeviceReader::input).toList();
		List<Rng> rngs = node.children("rng").stream().map(PlatformDeviceReader::rng).toList();
		Optional<MemBalloon> memballoon = node.child("memballoon").map(PlatformDeviceReader::memballoon);
		List<Watchdog> watchdogs = node.children("watchdog").stream().map(PlatformDeviceReader::watchdog).toList();
		Optional<Vsock> vsock = node.child("vsock").map(PlatformDeviceReader::vsock);
		List<Panic> panics = node.children("panic").stream().map(PlatformDeviceReader::panic).toList();
		List<Sound> sounds = node.children("sound").stream().map(PlatformDeviceReader::sound).toList();
		List<Redirdev> redirdevs = node.children("redirdev").stream().map(PlatformDeviceReader::redirdev).toList();
		List<Filesystem> filesystems = node.children("filesystem")
			.stream()
			.map(PlatformDeviceReader::filesystem)
			.toList();
		List<Tpm> tpms = node.children("tpm").stream().map(PlatformDeviceReader::tpm).toList();
		List<Integer> audios = new ArrayList<>();
		List<Integer> spiceAudios = new ArrayList<>();
		for (XNode child : node.children("audio")) {
			String type = child.oneOf("type", null, "none", "spice");
			if (type == null) {
				throw new InvalidConfigurationException(child.attrPath("type"),
						"attribute 'type' of <audio> is required; supported: none, spice");
			}
			int id = child.intAttr("id", 1, 255)
				.orElseThrow(() -> new InvalidConfigurationException(child.attrPath("id"),
						"attribute 'id' of <audio> is required"));
			if (audios.contains(id) || spiceAudios.contains(id)) {
				throw new InvalidConfigurationException(child.attrPath("id"), "audio id " + id + " is used twice");
			}
			(type.equals("spice") ? spiceAudios : audios).add(id);
			child.finish();
		}
		node.finish();
		return new Devices(emulator, disks, controllers, interfaces, serials, consoles, channels, graphics, videos,
				inputs, rngs, memballoon, watchdogs, vsock, audios, panics, sounds, redirdevs, tpms, filesystems,
				spiceAudios);
	}

}
