package io.github.qemuembed.driver.xml;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/** Reads {@code <os>}: machine, boot order, direct kernel boot, firmware loader and NVRAM. */
final class OsReader {

	private OsReader() {
	}

	static OsConfig read(XNode node) {
		XNode type = node.requiredChild("type");
		String arch = type.oneOf("arch", "x86_64", "x86_64", "i686");
		Optional<String> machine = type.attr("machine");
		if (machine.isPresent() && !machine.get().matches("[A-Za-z0-9_.\\-]{1,64}")) {
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
		Optional<Loader> loader = node.child("loader").map((child) -> {
			boolean readonly = child.yesNo("readonly", false);
			LoaderType loaderType = child.enumAttr("type", LoaderType.class, LoaderType.ROM);
			String path = XmlValues.absolutePath(child, child.requiredText());
			child.finish();
			return new Loader(path, readonly, loaderType);
		});
		Optional<Nvram> nvram = node.child("nvram").map((child) -> {
			Optional<String> template = child.attr("template");
			template.ifPresent((value) -> XmlValues.absolutePath(child, value));
			String text = child.text();
			if (text.isEmpty()) {
				throw new InvalidConfigurationException(child.path(),
						"give the path of the domain's variable store as the text of <nvram>");
			}
			String path = XmlValues.absolutePath(child, text);
			child.finish();
			return new Nvram(path, template);
		});
		node.finish();
		return new OsConfig(arch, machine, boot, kernel, initrd, cmdline, loader, nvram);
	}

}
