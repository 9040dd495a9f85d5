package io.github.qemuembed.driver.internal.xml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/**
 * Reads {@code <os>}: machine, boot order, direct kernel boot, firmware loader and NVRAM.
 */
final class OsReader {

	private static final Pattern MACHINE = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

	private OsReader() {
	}

	static OsConfig read(XNode node) {
		XNode type = node.requiredChild("type");
		String arch = type.oneOf("arch", "x86_64", "x86_64", "i686");
		Optional<String> machine = type.attr("machine");
		if (machine.isPresent() && !MACHINE.matcher(machine.get()).matches()) {
			throw new InvalidConfigurationException(type.attrPath("machine"),
					"'" + Numbers.abbreviate(machine.get()) + "' is not a machine type name");
		}
		machine.ifPresent(MachineFamily::of);
		String hvm = type.requiredText();
		if (!hvm.equals("hvm")) {
			throw new UnsupportedConfigurationException(type.path(),
					"OS type '" + Numbers.abbreviate(hvm) + "' is not supported; supported: hvm");
		}
		type.finish();
		List<BootDevice> boot = new ArrayList<>();
		for (XNode entry : node.children("boot")) {
			BootDevice device = entry.enumAttr("dev", BootDevice.class)
				.orElseThrow(() -> new InvalidConfigurationException(entry.attrPath("dev"),
						"attribute 'dev' of <boot> is required"));
			if (boot.contains(device)) {
				throw new InvalidConfigurationException(entry.attrPath("dev"),
						"boot device '" + device.xmlName() + "' is listed twice");
			}
			boot.add(device);
			entry.finish();
		}
		Optional<String> kernel = node.child("kernel").map((child) -> XmlValues.pathText(child));
		Optional<String> initrd = node.child("initrd").map((child) -> XmlValues.pathText(child));
		Optional<String> cmdline = node.child("cmdline").map((child) -> {
			String text = child.text();
			child.finish();
			return text;
		});
		Optional<String> firmwareType = Optional.ofNullable(node.oneOf("firmware", null, "efi", "bios"));
		Map<String, Boolean> wishes = new LinkedHashMap<>();
		node.child("firmware").ifPresent((child) -> {
			if (firmwareType.isEmpty()) {
				throw new InvalidConfigurationException(child.path(), "<firmware> needs <os firmware='efi'>");
			}
			for (XNode feature : child.children("feature")) {
				String name = feature.oneOf("name", null, "secure-boot", "enrolled-keys");
				if (name == null) {
					throw new InvalidConfigurationException(feature.attrPath("name"),
							"give <feature enabled='yes|no' name='secure-boot|enrolled-keys'/>");
				}
				if (feature.attr("enabled").isEmpty()) {
					throw new InvalidConfigurationException(feature.attrPath("enabled"),
							"give <feature enabled='yes|no' name='" + name + "'/>");
				}
				if (wishes.put(name, feature.yesNo("enabled", false)) != null) {
					throw new InvalidConfigurationException(feature.attrPath("name"), "'" + name + "' is listed twice");
				}
				feature.finish();
			}
			child.finish();
		});
		Optional<FirmwareRequest> firmware = firmwareType.map((value) -> new FirmwareRequest(value, wishes));
		Optional<Loader> loader = node.child("loader").map((child) -> {
			boolean readonly = child.yesNo("readonly", false);
			LoaderType loaderType = child.enumAttr("type", LoaderType.class, LoaderType.ROM);
			boolean secure = child.yesNo("secure", false);
			if (secure && loaderType != LoaderType.PFLASH) {
				throw new InvalidConfigurationException(child.attrPath("secure"), "secure='yes' needs type='pflash'");
			}
			String path = XmlValues.absolutePath(child, child.requiredText());
			child.finish();
			return new Loader(path, readonly, loaderType, secure);
		});
		Optional<Nvram> nvram = node.child("nvram").map((child) -> {
			Optional<String> template = child.attr("template");
			template.ifPresent((value) -> XmlValues.absolutePath(child, value));
			String text = child.text();
			// empty: the path is derived at start from the root and the name, as libvirt
			// does
			String path = text.isEmpty() ? "" : XmlValues.absolutePath(child, text);
			child.finish();
			return new Nvram(path, template);
		});
		Optional<OsConfig.BootMenu> bootMenu = node.child("bootmenu").map((child) -> {
			if (child.attr("enable").isEmpty()) {
				throw new InvalidConfigurationException(child.attrPath("enable"), "give <bootmenu enable='yes|no'/>");
			}
			boolean enable = child.yesNo("enable", false);
			Optional<Integer> timeout = child.intAttr("timeout", 0, 65535);
			child.finish();
			return new OsConfig.BootMenu(enable, timeout);
		});
		Optional<String> smbiosMode = node.child("smbios").map((child) -> {
			String mode = child.attr("mode")
				.orElseThrow(() -> new InvalidConfigurationException(child.attrPath("mode"),
						"give <smbios mode='sysinfo|emulate'/>"));
			if (mode.equals("host")) {
				// libvirt copies the host's SMBIOS (dmidecode); a guest of an embedding
				// application gets its own
				throw new UnsupportedConfigurationException(child.attrPath("mode"), "mode='host' (the host's SMBIOS "
						+ "strings) is not supported; give the strings in <sysinfo type='smbios'> with mode='sysinfo'");
			}
			child.oneOf("mode", null, "sysinfo", "emulate");
			child.finish();
			return mode;
		});
		node.finish();
		return new OsConfig(arch, machine, boot, kernel, initrd, cmdline, loader, nvram, firmware, bootMenu,
				smbiosMode);
	}

}
