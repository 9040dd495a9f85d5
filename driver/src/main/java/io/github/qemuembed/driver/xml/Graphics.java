package io.github.qemuembed.driver.xml;

import java.util.Optional;

/**
 * {@code <graphics type='vnc'>}: {@code port} with {@code autoport='no'}, or the first free port from
 * 5900 with {@code autoport='yes'}. {@code passwd} is a secret: written only on request and passed to
 * QEMU through a file.
 */
public record Graphics(String type, Optional<Integer> port, boolean autoport, String listen,
		Optional<String> passwd) {

	@Override
	public String toString() {
		return "Graphics[type=" + this.type + ", port=" + this.port + ", autoport=" + this.autoport + ", listen="
				+ this.listen + ", passwd=" + (this.passwd.isPresent() ? "(hidden)" : "none") + "]";
	}

}
