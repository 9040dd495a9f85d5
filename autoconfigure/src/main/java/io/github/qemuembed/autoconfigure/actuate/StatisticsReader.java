package io.github.qemuembed.autoconfigure.actuate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.github.qemuembed.autoconfigure.actuate.DomainStatistics.NetDevice;

/**
 * Reads the figures behind the network meters (block figures come from the driver).
 * <ul>
 * <li>Block: {@link io.github.qemuembed.driver.Domain#blockStats()}, per
 * {@code <target dev>}.</li>
 * <li>Network: QMP has no NIC counters. As libvirt does, the host side of each tap is
 * read: QEMU's open {@code /dev/net/tun} descriptors name their interface ({@code iff:}
 * in {@code /proc/PID/fdinfo}), whose counters are in
 * {@code /sys/class/net/TAP/statistics}. This finds taps of
 * {@code <interface type='ethernet'>} and of {@code bridge}/{@code network} interfaces
 * (tap made by the bridge helper) alike. What the host receives the guest sent: the
 * figures are swapped to the guest's view. {@code <interface type='user'>} (slirp) has no
 * host device and is not reported.</li>
 * </ul>
 */
final class StatisticsReader {

	private StatisticsReader() {
	}

	/**
	 * The taps QEMU process {@code pid} holds open, with their counters in the guest's
	 * view.
	 */
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
