package io.github.qemuembed.testsupport.guest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The loadable modules of one kernel release: a {@code lib/modules/RELEASE} directory as
 * a {@code linux-image} package ships it.
 * <p>
 * Packages do not ship {@code modules.dep} (the package's post-install step runs
 * {@code depmod}), so dependencies are read from each module's own {@code .modinfo}
 * section. A module's name is its file name without {@code .ko}, with dashes turned into
 * underscores, as the kernel names it. Modules listed in {@code modules.builtin} are part
 * of the kernel image and need no loading.
 */
final class KernelModules {

	private final Path directory;

	private final Map<String, Path> files;

	private final Set<String> builtin;

	private final Map<String, byte[]> contents = new HashMap<>();

	private KernelModules(Path directory, Map<String, Path> files, Set<String> builtin) {
		this.directory = directory;
		this.files = files;
		this.builtin = builtin;
	}

	/**
	 * Indexes the modules under {@code directory} (a {@code lib/modules/RELEASE}
	 * directory).
	 */
	static KernelModules scan(Path directory) {
		Map<String, Path> files = new HashMap<>();
		try (Stream<Path> walk = Files.walk(directory)) {
			walk.filter(Files::isRegularFile).forEach((file) -> {
				String fileName = file.getFileName().toString();
				int ko = fileName.indexOf(".ko");
				if (ko > 0 && isModuleSuffix(fileName.substring(ko))) {
					files.putIfAbsent(moduleName(fileName.substring(0, ko)), file);
				}
			});
			Set<String> builtin = new HashSet<>();
			Path builtinList = directory.resolve("modules.builtin");
			if (Files.isRegularFile(builtinList)) {
				for (String line : Files.readAllLines(builtinList)) {
					String fileName = line.substring(line.lastIndexOf('/') + 1);
					int ko = fileName.indexOf(".ko");
					if (ko > 0) {
						builtin.add(moduleName(fileName.substring(0, ko)));
					}
				}
			}
			return new KernelModules(directory, files, builtin);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read kernel modules in " + directory, ex);
		}
	}

	static String moduleName(String name) {
		return name.replace('-', '_');
	}

	private static boolean isModuleSuffix(String suffix) {
		return suffix.equals(".ko") || suffix.equals(".ko.gz") || suffix.equals(".ko.xz") || suffix.equals(".ko.zst");
	}

	boolean isBuiltin(String module) {
		return this.builtin.contains(moduleName(module));
	}

	boolean isAvailable(String module) {
		String name = moduleName(module);
		return this.builtin.contains(name) || this.files.containsKey(name);
	}

	/**
	 * The modules to load, dependencies first, for the wanted ones: built-in ones are
	 * left out, each module appears once.
	 * @throws TestGuestException if a wanted module or a dependency is neither a file nor
	 * built in
	 */
	List<String> loadOrder(Collection<String> wanted) {
		LinkedHashSet<String> order = new LinkedHashSet<>();
		for (String module : wanted) {
			visit(moduleName(module), order, new LinkedHashSet<>(), module);
		}
		return new ArrayList<>(order);
	}

	private void visit(String name, Set<String> order, Set<String> path, String wantedBy) {
		if (order.contains(name) || this.builtin.contains(name)) {
			return;
		}
		if (!path.add(name)) {
			throw new TestGuestException("kernel modules depend on each other in a cycle: " + path);
		}
		if (!this.files.containsKey(name)) {
			throw new TestGuestException(
					"kernel module '" + name + "'" + (wantedBy.equals(name) ? "" : " (needed by '" + wantedBy + "')")
							+ " is neither in " + this.directory + " nor built into the kernel (modules.builtin)");
		}
		for (String dependency : dependencies(name)) {
			visit(dependency, order, path, name);
		}
		path.remove(name);
		order.add(name);
	}

	/**
	 * The modules {@code name} needs, from the {@code depends=} entry of its
	 * {@code .modinfo}.
	 */
	List<String> dependencies(String name) {
		byte[] content = content(name);
		for (String info : ElfFile.parse(content, this.files.get(name).toString()).modinfo()) {
			if (info.startsWith("depends=")) {
				String list = info.substring("depends=".length()).trim();
				return list.isEmpty() ? List.of()
						: Arrays.stream(list.split(",")).map(String::trim).map(KernelModules::moduleName).toList();
			}
		}
		return List.of();
	}

	/**
	 * The uncompressed module file (busybox {@code insmod} takes plain {@code .ko}
	 * files).
	 */
	byte[] content(String module) {
		String name = moduleName(module);
		return this.contents.computeIfAbsent(name, (key) -> {
			Path file = this.files.get(key);
			if (file == null) {
				throw new TestGuestException("kernel module '" + key + "' is not in " + this.directory);
			}
			String fileName = file.getFileName().toString();
			try {
				if (fileName.endsWith(".ko")) {
					return Files.readAllBytes(file);
				}
				if (fileName.endsWith(".ko.gz")) {
					try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
						return in.readAllBytes();
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot read kernel module " + file, ex);
			}
			throw new TestGuestException("kernel module " + file + " is compressed in a format the test guest"
					+ " cannot unpack (only .ko and .ko.gz); use a kernel whose modules are not xz/zstd-compressed");
		});
	}

}
