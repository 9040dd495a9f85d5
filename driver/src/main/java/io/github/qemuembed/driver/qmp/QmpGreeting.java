package io.github.qemuembed.driver.qmp;

import java.util.List;

/**
 * The greeting QEMU sends when a client connects: {@code {"QMP": {"version": ...,
 * "capabilities": [...]}}}.
 *
 * @param major QEMU's major version
 * @param minor QEMU's minor version
 * @param micro QEMU's micro version
 * @param packageVersion the distribution's package string (e.g.
 * {@code Debian 1:7.2+dfsg-7}), possibly empty
 * @param capabilities the optional protocol capabilities the server offers (e.g.
 * {@code oob}); none is enabled
 */
public record QmpGreeting(int major, int minor, int micro, String packageVersion, List<String> capabilities) {

	public QmpGreeting {
		capabilities = List.copyOf(capabilities);
	}

	/** The version as {@code major.minor.micro}. */
	public String version() {
		return this.major + "." + this.minor + "." + this.micro;
	}

}
