package io.github.qemuembed.testsupport.guest;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * The domain XML both test guests share: a kernel and initrd booted directly, ACPI,
 * destroyed on power-off, the devices each guest lists, in its order (the order decides
 * PCI slots, and so the guest's device names).
 */
final class DirectBootXml {

	/** The serial console on a pty, as {@code <serial>} and its {@code <console>}. */
	static final List<String> SERIAL_CONSOLE = List.of("<serial type='pty'>\n      <target port='0'/>\n    </serial>",
			"<console type='pty'>\n      <target type='serial' port='0'/>\n    </console>");

	/** The guest agent's channel ({@code org.qemu.guest_agent.0}, a UNIX socket). */
	static final String GUEST_AGENT_CHANNEL = "<channel type='unix'>\n      <target type='virtio' name='org.qemu.guest_agent.0'/>\n"
			+ "    </channel>";

	private DirectBootXml() {
	}

	record Boot(Path kernel, Path initrd, String commandLine) {
	}

	/** The domain; {@code uuid} may be {@code null} (the driver then makes one up). */
	static String domain(String type, String name, UUID uuid, int memoryMiB, int vcpus, String machine, Boot boot,
			List<String> devices) {
		StringBuilder xml = new StringBuilder();
		xml.append("<domain type='").append(escape(type)).append("'>\n");
		xml.append("  <name>").append(escape(name)).append("</name>\n");
		if (uuid != null) {
			xml.append("  <uuid>").append(uuid).append("</uuid>\n");
		}
		xml.append("  <memory unit='MiB'>").append(memoryMiB).append("</memory>\n");
		xml.append("  <vcpu>").append(vcpus).append("</vcpu>\n");
		xml.append("  <os>\n");
		xml.append("    <type arch='x86_64' machine='").append(escape(machine)).append("'>hvm</type>\n");
		xml.append("    <kernel>").append(escape(boot.kernel().toString())).append("</kernel>\n");
		xml.append("    <initrd>").append(escape(boot.initrd().toString())).append("</initrd>\n");
		xml.append("    <cmdline>").append(escape(boot.commandLine())).append("</cmdline>\n");
		xml.append("  </os>\n");
		xml.append("  <features>\n    <acpi/>\n  </features>\n");
		xml.append("  <on_poweroff>destroy</on_poweroff>\n");
		xml.append("  <devices>\n");
		for (String device : devices) {
			xml.append("    ").append(device.strip()).append('\n');
		}
		xml.append("  </devices>\n");
		xml.append("</domain>\n");
		return xml.toString();
	}

	static String escape(String text) {
		StringBuilder out = new StringBuilder(text.length());
		for (char c : text.toCharArray()) {
			switch (c) {
				case '&' -> out.append("&amp;");
				case '<' -> out.append("&lt;");
				case '>' -> out.append("&gt;");
				case '\'' -> out.append("&apos;");
				case '"' -> out.append("&quot;");
				default -> out.append(c);
			}
		}
		return out.toString();
	}

}
