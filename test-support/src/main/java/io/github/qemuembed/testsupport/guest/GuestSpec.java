package io.github.qemuembed.testsupport.guest;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What goes into a test guest's initramfs beyond the fixed base.
 *
 * @param modules kernel modules to load at boot (dependencies are added)
 * @param extraFiles files to add, by absolute path in the guest
 * @param initCommands shell commands run by {@code /init} after the modules are loaded
 * @param hostname the guest's host name
 * @param guestAgent whether the QEMU guest agent is in the image and started at boot
 */
record GuestSpec(List<String> modules, Map<String, ExtraFile> extraFiles, String initCommands, String hostname,
		boolean guestAgent) {

	GuestSpec {
		modules = List.copyOf(modules);
		extraFiles = Map.copyOf(extraFiles);
		Objects.requireNonNull(initCommands, "initCommands");
		Objects.requireNonNull(hostname, "hostname");
	}

	/** A guest without the guest agent. */
	GuestSpec(List<String> modules, Map<String, ExtraFile> extraFiles, String initCommands, String hostname) {
		this(modules, extraFiles, initCommands, hostname, false);
	}

	/**
	 * A file added to the guest; compared by content so that equal specifications share
	 * an image.
	 */
	record ExtraFile(int permissions, byte[] content) {

		ExtraFile {
			content = content.clone();
		}

		@Override
		public byte[] content() {
			return this.content.clone();
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof ExtraFile that && this.permissions == that.permissions
					&& Arrays.equals(this.content, that.content);
		}

		@Override
		public int hashCode() {
			return 31 * this.permissions + Arrays.hashCode(this.content);
		}

		@Override
		public String toString() {
			return "ExtraFile[permissions=" + Integer.toOctalString(this.permissions) + ", " + this.content.length
					+ " bytes]";
		}

	}

}
