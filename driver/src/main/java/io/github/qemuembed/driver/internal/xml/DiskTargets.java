package io.github.qemuembed.driver.internal.xml;

/**
 * Disk target names ({@code vda}, {@code sdb}, ...) and their indexes, as libvirt
 * computes them.
 */
final class DiskTargets {

	private DiskTargets() {
	}

	/** The prefix a bus's target names start with. */
	public static String prefix(DiskBus bus) {
		return switch (bus) {
			case VIRTIO -> "vd";
			case SATA, SCSI, USB -> "sd";
			case IDE -> "hd";
			case FDC -> "fd";
		};
	}

	/**
	 * Index of a target name ({@code vda} 0 ... {@code vdz} 25, {@code vdaa} 26), or -1
	 * if it is not one.
	 */
	public static int index(String dev) {
		if (dev == null || dev.length() < 3 || dev.length() > 6) {
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

}
