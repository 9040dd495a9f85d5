package io.github.qemuembed.driver.internal.xml;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * {@code <devices>}, grouped by element; within a group the order of the document is kept
 * (it decides device ids such as {@code net1} and the indexes in element paths such as
 * {@code interface[2]}). {@code audios} are the ids of {@code <audio type='none'>},
 * {@code spiceAudios} those of {@code <audio type='spice'>}.
 */
public record Devices(Optional<String> emulator, List<Disk> disks, List<Controller> controllers,
		List<NetInterface> interfaces, List<CharDevice> serials, List<CharDevice> consoles, List<Channel> channels,
		List<Graphics> graphics, List<Video> videos, List<Input> inputs, List<Rng> rngs,
		Optional<MemBalloon> memballoon, List<Watchdog> watchdogs, Optional<Vsock> vsock, List<Integer> audios,
		List<Panic> panics, List<Sound> sounds, List<Redirdev> redirdevs, List<Tpm> tpms, List<Filesystem> filesystems,
		List<Integer> spiceAudios) {

	public Devices(Optional<String> emulator, List<Disk> disks, List<Controller> controllers,
			List<NetInterface> interfaces, List<CharDevice> serials, List<CharDevice> consoles, List<Channel> channels,
			List<Graphics> graphics, List<Video> videos, List<Input> inputs, List<Rng> rngs,
			Optional<MemBalloon> memballoon, List<Watchdog> watchdogs, Optional<Vsock> vsock, List<Integer> audios,
			List<Panic> panics, List<Sound> sounds, List<Redirdev> redirdevs, List<Tpm> tpms,
			List<Filesystem> filesystems) {
		this(emulator, disks, controllers, interfaces, serials, consoles, channels, graphics, videos, inputs, rngs,
				memballoon, watchdogs, vsock, audios, panics, sounds, redirdevs, tpms, filesystems, List.of());
	}

	public static final Devices NONE = new Devices(Optional.empty(), List.of(), List.of(), List.of(), List.of(),
			List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), Optional.empty(), List.of(),
			Optional.empty(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

	public Devices(Optional<String> emulator, List<Disk> disks, List<Controller> controllers,
			List<NetInterface> interfaces, List<CharDevice> serials, List<CharDevice> consoles, List<Channel> channels,
			List<Graphics> graphics, List<Video> videos, List<Input> inputs, List<Rng> rngs,
			Optional<MemBalloon> memballoon, List<Watchdog> watchdogs, Optional<Vsock> vsock, List<Integer> audios,
			List<Panic> panics) {
		this(emulator, disks, controllers, interfaces, serials, consoles, channels, graphics, videos, inputs, rngs,
				memballoon, watchdogs, vsock, audios, panics, List.of(), List.of(), List.of(), List.of());
	}

	public Devices {
		disks = List.copyOf(disks);
		controllers = List.copyOf(controllers);
		interfaces = List.copyOf(interfaces);
		serials = List.copyOf(serials);
		consoles = List.copyOf(consoles);
		channels = List.copyOf(channels);
		graphics = List.copyOf(graphics);
		videos = List.copyOf(videos);
		inputs = List.copyOf(inputs);
		rngs = List.copyOf(rngs);
		watchdogs = List.copyOf(watchdogs);
		audios = List.copyOf(audios);
		panics = List.copyOf(panics);
		sounds = List.copyOf(sounds);
		redirdevs = List.copyOf(redirdevs);
		tpms = List.copyOf(tpms);
		filesystems = List.copyOf(filesystems);
		spiceAudios = List.copyOf(spiceAudios);
	}

	/** Every {@code <audio>} id, whatever its type, in increasing order. */
	public List<Integer> audioIds() {
		if (this.audios.isEmpty() && this.spiceAudios.isEmpty()) {
			return List.of();
		}
		List<Integer> ids = new ArrayList<>(this.audios.size() + this.spiceAudios.size());
		ids.addAll(this.audios);
		ids.addAll(this.spiceAudios);
		Collections.sort(ids);
		return Collections.unmodifiableList(ids);
	}

	/** {@code <emulator>} as a path. */
	public Optional<Path> emulatorPath() {
		return this.emulator.map(Path::of);
	}

	public Devices withDisks(List<Disk> disks) {
		return new Devices(this.emulator, disks, this.controllers, this.interfaces, this.serials, this.consoles,
				this.channels, this.graphics, this.videos, this.inputs, this.rngs, this.memballoon, this.watchdogs,
				this.vsock, this.audios, this.panics, this.sounds, this.redirdevs, this.tpms, this.filesystems,
				this.spiceAudios);
	}

	public Devices withControllers(List<Controller> controllers) {
		return new Devices(this.emulator, this.disks, controllers, this.interfaces, this.serials, this.consoles,
				this.channels, this.graphics, this.videos, this.inputs, this.rngs, this.memballoon, this.watchdogs,
				this.vsock, this.audios, this.panics, this.sounds, this.redirdevs, this.tpms, this.filesystems,
				this.spiceAudios);
	}

	public Devices withInterfaces(List<NetInterface> interfaces) {
		return new Devices(this.emulator, this.disks, this.controllers, interfaces, this.serials, this.consoles,
				this.channels, this.graphics, this.videos, this.inputs, this.rngs, this.memballoon, this.watchdogs,
				this.vsock, this.audios, this.panics, this.sounds, this.redirdevs, this.tpms, this.filesystems,
				this.spiceAudios);
	}

	public Devices withChannels(List<Channel> channels) {
		return new Devices(this.emulator, this.disks, this.controllers, this.interfaces, this.serials, this.consoles,
				channels, this.graphics, this.videos, this.inputs, this.rngs, this.memballoon, this.watchdogs,
				this.vsock, this.audios, this.panics, this.sounds, this.redirdevs, this.tpms, this.filesystems,
				this.spiceAudios);
	}

	public Devices withVideos(List<Video> videos) {
		return new Devices(this.emulator, this.disks, this.controllers, this.interfaces, this.serials, this.consoles,
				this.channels, this.graphics, videos, this.inputs, this.rngs, this.memballoon, this.watchdogs,
				this.vsock, this.audios, this.panics, this.sounds, this.redirdevs, this.tpms, this.filesystems,
				this.spiceAudios);
	}

	public Devices withInputs(List<Input> inputs) {
		return new Devices(this.emulator, this.disks, this.controllers, this.interfaces, this.serials, this.consoles,
				this.channels, this.graphics, this.videos, inputs, this.rngs, this.memballoon, this.watchdogs,
				this.vsock, this.audios, this.panics, this.sounds, this.redirdevs, this.tpms, this.filesystems,
				this.spiceAudios);
	}

	public Devices withRngs(List<Rng> rngs) {
		return new Devices(this.emulator, this.disks, this.controllers, this.interfaces, this.serials, this.consoles,
				this.channels, this.graphics, this.videos, this.inputs, rngs, this.memballoon, this.watchdogs,
				this.vsock, this.audios, this.panics, this.sounds, this.redirdevs, this.tpms, this.filesystems,
				this.spiceAudios);
	}

	public Devices withMemballoon(Optional<MemBalloon> memballoon) {
		return new Devices(this.emulator, this.disks, this.controllers, this.interfaces, this.serials, this.consoles,
				this.channels, this.graphics, this.videos, this.inputs, this.rngs, memballoon, this.watchdogs,
				this.vsock, this.audios, this.panics, this.sounds, this.redirdevs, this.tpms, this.filesystems,
				this.spiceAudios);
	}

	public Devices withWatchdogs(List<Watchdog> watchdogs) {
		return new Devices(this.emulator, this.disks, this.controllers, this.interfaces, this.serials, this.consoles,
				this.channels, this.graphics, this.videos, this.inputs, this.rngs, this.memballoon, watchdogs,
				this.vsock, this.audios, this.panics, this.sounds, this.redirdevs, this.tpms, this.filesystems,
				this.spiceAudios);
	}

	public Devices withVsock(Optional<Vsock> vsock) {
		return new Devices(this.emulator, this.disks, this.controllers, this.interfaces, this.serials, this.consoles,
				this.channels, this.graphics, this.videos, this.inputs, this.rngs, this.memballoon, this.watchdogs,
				vsock, this.audios, this.panics, this.sounds, this.redirdevs, this.tpms, this.filesystems,
				this.spiceAudios);
	}

	public Devices withSounds(List<Sound> sounds) {
		return new Devices(this.emulator, this.disks, this.controllers, this.interfaces, this.serials, this.consoles,
				this.channels, this.graphics, this.videos, this.inputs, this.rngs, this.memballoon, this.watchdogs,
				this.vsock, this.audios, this.panics, sounds, this.redirdevs, this.tpms, this.filesystems,
				this.spiceAudios);
	}

	public Devices withFilesystems(List<Filesystem> filesystems) {
		return new Devices(this.emulator, this.disks, this.controllers, this.interfaces, this.serials, this.consoles,
				this.channels, this.graphics, this.videos, this.inputs, this.rngs, this.memballoon, this.watchdogs,
				this.vsock, this.audios, this.panics, this.sounds, this.redirdevs, this.tpms, filesystems,
				this.spiceAudios);
	}

	public Devices withRedirdevs(List<Redirdev> redirdevs) {
		return new Devices(this.emulator, this.disks, this.controllers, this.interfaces, this.serials, this.consoles,
				this.channels, this.graphics, this.videos, this.inputs, this.rngs, this.memballoon, this.watchdogs,
				this.vsock, this.audios, this.panics, this.sounds, redirdevs, this.tpms, this.filesystems,
				this.spiceAudios);
	}

	public Devices withPanics(List<Panic> panics) {
		return new Devices(this.emulator, this.disks, this.controllers, this.interfaces, this.serials, this.consoles,
				this.channels, this.graphics, this.videos, this.inputs, this.rngs, this.memballoon, this.watchdogs,
				this.vsock, this.audios, panics, this.sounds, this.redirdevs, this.tpms, this.filesystems,
				this.spiceAudios);
	}

}
