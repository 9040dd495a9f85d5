package io.github.qemuembed.driver.internal.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.Sysinfo;

/**
 * {@code <os><smbios mode='sysinfo'/>} with {@code <sysinfo type='smbios'>}: one
 * {@code -smbios type=N,...} per block, as libvirt writes them (types 0 BIOS, 1 system, 2
 * base board, 3 chassis, 11 OEM strings). Without {@code mode='sysinfo'} QEMU's own
 * tables stay, as in libvirt.
 */
final class SmbiosTables {

	private SmbiosTables() {
	}

	static List<String> args(DomainDefinition def) {
		List<String> args = new ArrayList<>();
		if (def.os().smbiosMode().filter("sysinfo"::equals).isEmpty() || def.sysinfo().isEmpty()) {
			return args;
		}
		Sysinfo sysinfo = def.sysinfo().get();
		table(args, 0, sysinfo.bios());
		table(args, 1, sysinfo.system());
		table(args, 2, sysinfo.baseBoard());
		table(args, 3, sysinfo.chassis());
		if (!sysinfo.oemStrings().isEmpty()) {
			StringBuilder arg = new StringBuilder("type=11");
			sysinfo.oemStrings().forEach((value) -> arg.append(",value=").append(escape(value)));
			args.add("-smbios");
			args.add(arg.toString());
		}
		return args;
	}

	private static void table(List<String> args, int type, Map<String, String> entries) {
		if (entries.isEmpty()) {
			return;
		}
		StringBuilder arg = new StringBuilder("type=").append(type);
		entries.forEach((key, value) -> arg.append(',').append(key).append('=').append(escape(value)));
		args.add("-smbios");
		args.add(arg.toString());
	}

	/** QEMU's option syntax: a comma inside a value is written twice. */
	private static String escape(String value) {
		return value.replace(",", ",,");
	}

}
