package io.github.qemuembed.testsupport.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.QemuDriver;

/**
 * Booted test guests, saved once per JVM and per kind of VM, so that each test that asks
 * for a clean VM gets a restored copy instead of a boot: the first test that needs a kind
 * boots a template (a transient domain on its own driver), waits for its shell, and saves
 * it ({@link Domain#save}); every VM of that kind is then
 * {@link QemuDriver#restore(Path, String)} of that file under its own name, UUID and
 * fresh disk images. The kind is the domain XML the spec makes (name, UUID and disk paths
 * aside) and the emulator. The files live in one directory of this JVM, removed when it
 * exits.
 */
final class SavedGuests {

	private static final Pattern NAME = Pattern.compile("<name>([^<]*)</name>");

	private static final Pattern UUID_ELEMENT = Pattern.compile("<uuid>([^<]*)</uuid>");

	private static final Pattern SOURCE_FILE = Pattern.compile("<source file='([^']*)'");

	/** A saved template: its file and the live XML it was saved with. */
	record Saved(Path file, String liveXml, List<String> diskPaths) {
	}

	private static final Map<String, Saved> saved = new ConcurrentHashMap<>();

	private static final Map<String, Object> locks = new ConcurrentHashMap<>();

	private static Path directory;

	private SavedGuests() {
	}

	/**
	 * Restores a copy of the template for {@code spec} into {@code scope}'s driver,
	 * booting and saving that template first if this JVM has none yet.
	 */
	static Domain restore(VmScope scope, GuestVmSpec spec, List<Path> disks) {
		QemuDriver driver = scope.holder().driver();
		String xml = spec.toXml(disks);
		String key = driver.emulator().path() + " " + driver.emulator().version() + "\n"
				+ SOURCE_FILE.matcher(NAME.matcher(xml).replaceFirst("<name/>")).replaceAll("<source file=''");
		Saved template;
		synchronized (locks.computeIfAbsent(key, (k) -> new Object())) {
			template = saved.get(key);
			if (template == null) {
				template = boot(scope, spec, xml);
				saved.put(key, template);
			}
		}
		String copy = NAME.matcher(template.liveXml())
			.replaceFirst("<name>" + Matcher.quoteReplacement(spec.name()) + "</name>");
		copy = UUID_ELEMENT.matcher(copy).replaceFirst("<uuid>" + UUID.randomUUID() + "</uuid>");
		for (int i = 0; i < disks.size(); i++) {
			copy = copy.replace("<source file='" + template.diskPaths().get(i) + "'",
					"<source file='" + disks.get(i) + "'");
		}
		return driver.restore(template.file(), copy);
	}

	/**
	 * Boots the template on {@code scope}'s driver, waits for its shell, and saves it.
	 */
	private static Saved boot(VmScope scope, GuestVmSpec spec, String xml) {
		QemuDriver driver = scope.holder().driver();
		String name = "qe-template-" + Integer.toHexString(xml.hashCode());
		String templateXml = NAME.matcher(xml).replaceFirst("<name>" + name + "</name>");
		Path log = driver.root().resolve("log/qemu").resolve(name + ".log");
		long offset = GuestVm.logSize(log);
		Domain domain = driver.createTransient(templateXml);
		GuestVm template = new GuestVm(domain, log);
		try {
			template.awaitReadySince(offset, spec.readyTimeout());
			String live = domain.xml(true);
			List<String> diskPaths = SOURCE_FILE.matcher(live).results().map((m) -> m.group(1)).toList();
			Path file = directory().resolve(name + ".save");
			domain.save(file);
			return new Saved(file, live, diskPaths);
		}
		catch (RuntimeException ex) {
			VmDiagnostics.attach(ex, List.of(template));
			throw ex;
		}
		finally {
			template.dispose();
		}
	}

	private static synchronized Path directory() {
		if (directory == null) {
			try {
				directory = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "qe-saved-guests");
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot create a directory for saved test guests", ex);
			}
			Path created = directory;
			Runtime.getRuntime()
				.addShutdownHook(
						new Thread(() -> DriverHolder.deleteRecursively(created), "qemu-embed-saved-guests-cleanup"));
		}
		return directory;
	}

}
