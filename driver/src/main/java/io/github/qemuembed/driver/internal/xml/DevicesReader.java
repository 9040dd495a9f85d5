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
		List<Disk> disks = node.readEach("disk", DiskReader::read);
		List<Controller> controllers = ControllerReader
			.assignIndexes(node.readEach("controller", (child) -> ControllerReader.read(child, family)));
		List<NetInterface> interfaces = node.readEach("interface", InterfaceReader::read);
		List<CharDevice> serials = node.readEach("serial", (child) -> CharDeviceReader.charDevice(child, false));
		List<CharDevice> consoles = node.readEach("console", (child) -> CharDeviceReader.charDevice(child, true));
		List<Channel> channels = node.readEach("channel", CharDeviceReader::channel);
		List<Graphics> graphics = node.readEach("graphics", GraphicsReader::graphics);
		List<Video> videos = node.readEach("video", GraphicsReader::video);
		List<Input> inputs = node.readEach("input", PlatformDeviceReader::input);
		List<Rng> rngs = node.readEach("rng", PlatformDeviceReader::rng);
		Optional<MemBalloon> memballoon = node.child("memballoon").map(PlatformDeviceReader::memballoon);
		List<Watchdog> watchdogs = node.readEach("watchdog", PlatformDeviceReader::watchdog);
		Optional<Vsock> vsock = node.child("vsock").map(PlatformDeviceReader::vsock);
		List<Panic> panics = node.readEach("panic", PlatformDeviceReader::panic);
		List<Sound> sounds = node.readEach("sound", PlatformDeviceReader::sound);
		List<Redirdev> redirdevs = node.readEach("redirdev", PlatformDeviceReader::redirdev);
		List<Filesystem> filesystems = node.readEach("filesystem", PlatformDeviceReader::filesystem);
		List<Tpm> tpms = node.readEach("tpm", PlatformDeviceReader::tpm);
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
