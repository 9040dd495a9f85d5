package io.github.qemuembed.benchmarks;

import java.util.List;

/** The systems compared, as they appear in {@code results.json}. */
public final class Systems {

	public static final String QEMU_EMBED = "qemu-embed";

	public static final String RAW_QEMU = "raw-qemu";

	public static final String LIBVIRT = "libvirt";

	/** Table column order. */
	public static final List<String> ALL = List.of(QEMU_EMBED, RAW_QEMU, LIBVIRT);

	private Systems() {
	}

	public static String title(String system) {
		return switch (system) {
			case QEMU_EMBED -> "qemu-embed";
			case RAW_QEMU -> "raw QEMU";
			case LIBVIRT -> "libvirt";
			default -> system;
		};
	}

}
