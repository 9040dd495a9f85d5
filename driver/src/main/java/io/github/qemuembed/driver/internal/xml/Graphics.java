package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * {@code <graphics type='vnc'>}: {@code port} with {@code autoport='no'}, or the first
 * free port from 5900 with {@code autoport='yes'}. {@code <graphics type='spice'>}:
 * {@code port} with {@code autoport='no'}, or with {@code autoport='yes'} a UNIX socket
 * {@code spice.sock} in the per-run private directory (the driver reserves no TCP ports);
 * {@code <image compression>}. {@code passwd} is a secret: written only on request and
 * passed to QEMU through a file.
 */
public record Graphics(String type, Optional<Integer> port, boolean autoport, String listen, Optional<String> passwd,
		Optional<String> imageCompression) {

	public Graphics(String type, Optional<Integer> port, boolean autoport, String listen, Optional<String> passwd) {
		this(type, port, autoport, listen, passwd, Optional.empty());
	}

	public boolean isSpice() {
		return this.type.equals("spice");
	}

	@Override
	public String toString() {
		return "Graphics[type=" + this.type + ", port=" + this.port + ", autoport=" + this.autoport + ", listen="
				+ this.listen + ", passwd=" + (this.passwd.isPresent() ? "(hidden)" : "none") + "]";
	}

}
