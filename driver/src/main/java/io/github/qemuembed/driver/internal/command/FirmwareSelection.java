package io.github.qemuembed.driver.internal.command;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.github.qemuembed.driver.error.UnsupportedConfigurationException;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.FirmwareRequest;
import io.github.qemuembed.driver.internal.xml.Loader;
import io.github.qemuembed.driver.internal.xml.LoaderType;
import io.github.qemuembed.driver.internal.xml.Nvram;
import io.github.qemuembed.driver.internal.xml.OsConfig;

/**
 * Fills in what libvirt fills in for UEFI: with {@code <os firmware='efi'>} and no
 * loader, the first firmware descriptor (in priority order) that is UEFI flash for this
 * architecture and machine and has the features asked for; an NVRAM store from its
 * template; an NVRAM path, when none is given, of {@code NVRAM_DIR/NAME_VARS.fd}. The
 * result is written back into the definition like the PCI addresses, so a guest keeps its
 * firmware.
 */
final class FirmwareSelection {

	private FirmwareSelection() {
	}

	static DomainDefinition resolve(DomainDefinition def, String machine, RunContext ctx) {
		OsConfig os = def.os();
		boolean efi = os.firmware().map(FirmwareRequest::efi).orElse(false);
		if (os.loader().isPresent()) {
			if (os.nvram().map(Nvram::derived).orElse(false)
					|| (efi && os.nvram().isEmpty() && os.loader().get().type() == LoaderType.PFLASH)) {
				Optional<String> template = os.nvram().flatMap(Nvram::template);
				return def
					.withOs(os.withFirmware(os.loader().get(), Optional.of(new Nvram(nvramPath(def, ctx), template))));
			}
			return def;
		}
		if (!efi) {
			return def;
		}
		String arch = os.arch();
		Map<String, Boolean> wishes = os.firmware().get().features();
		for (FirmwareDescriptor descriptor : ctx.firmware()) {
			if (!descriptor.interfaceTypes().contains("uefi") || !descriptor.device().equals("flash")
					|| !descriptor.executableFormat().equals("raw") || !descriptor.supports(arch, machine)) {
				continue;
			}
			boolean matches = wishes.entrySet()
				.stream()
				.allMatch((wish) -> descriptor.features().contains(wish.getKey()) == wish.getValue());
			if (!matches) {
				continue;
			}
			boolean secure = descriptor.features().contains("requires-smm");
			Loader loader = new Loader(descriptor.executable().toString(), true, LoaderType.PFLASH, secure);
			String path = os.nvram()
				.filter((nvram) -> !nvram.derived())
				.map(Nvram::path)
				.orElseGet(() -> nvramPath(def, ctx));
			Optional<String> template = os.nvram()
				.flatMap(Nvram::template)
				.or(() -> descriptor.nvramTemplate().map(Path::toString));
			return def.withOs(os.withFirmware(loader, Optional.of(new Nvram(path, template))));
		}
		String asked = wishes.isEmpty() ? ""
				: " with " + wishes.entrySet()
					.stream()
					.map((wish) -> wish.getKey() + "=" + (wish.getValue() ? "yes" : "no"))
					.collect(Collectors.joining(", "));
		throw new UnsupportedConfigurationException("/domain/os/@firmware", "no UEFI firmware for " + arch + " "
				+ machine + asked + " among QEMU's firmware descriptors (" + described(ctx.firmware()) + "); install "
				+ "the ovmf package, or give <loader readonly='yes' type='pflash'>CODE.fd</loader> and <nvram>");
	}

	private static String described(List<FirmwareDescriptor> descriptors) {
		if (descriptors.isEmpty()) {
			return "none in " + FirmwareDescriptors.SYSTEM_DIRECTORIES.stream()
				.map(Path::toString)
				.collect(Collectors.joining(", "));
		}
		return descriptors.stream().map((d) -> d.file().getFileName().toString()).collect(Collectors.joining(", "));
	}

	private static String nvramPath(DomainDefinition def, RunContext ctx) {
		return ctx.nvramDir().resolve(def.name() + "_VARS.fd").toString();
	}

}
