package io.github.qemuembed.driver.internal.xml;

import java.util.ArrayList;
import java.util.List;

/**
 * Which secondary drivers a definition needs and where: the driver uses this to refuse,
 * at define time, a domain it could never start.
 */
public final class DomainRequirements {

	private DomainRequirements() {
	}

	/** Requirements in document order: disks (storage, then secret), then interfaces. */
	public static List<Requirement> of(DomainDefinition def) {
		List<Requirement> requirements = new ArrayList<>();
		List<Disk> disks = def.devices().disks();
		for (int i = 0; i < disks.size(); i++) {
			Disk disk = disks.get(i);
			String path = "/domain/devices/disk[" + (i + 1) + "]";
			if (disk.type() == DiskType.VOLUME) {
				requirements.add(new Requirement(SecondaryKind.STORAGE, path, "<disk type='volume'>"));
			}
			if (disk.encryption().isPresent()) {
				requirements.add(new Requirement(SecondaryKind.SECRET, path + "/encryption",
						"<encryption format='" + disk.encryption().get().format() + "'>"));
			}
		}
		List<NetInterface> interfaces = def.devices().interfaces();
		for (int i = 0; i < interfaces.size(); i++) {
			if (interfaces.get(i).type() == InterfaceType.NETWORK) {
				requirements.add(new Requirement(SecondaryKind.NETWORK, "/domain/devices/interface[" + (i + 1) + "]",
						"<interface type='network'>"));
			}
		}
		return List.copyOf(requirements);
	}

}
