package io.github.qemuembed.driver.internal.xml;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code <qemu:commandline>} (namespace {@value #NAMESPACE}): extra arguments appended to
 * QEMU's command line and extra environment variables. The documented escape hatch; the
 * driver does not check them.
 */
public record QemuCommandline(List<String> args, Map<String, String> env) {

	public static final String NAMESPACE = "http://libvirt.org/schemas/domain/qemu/1.0";

	public static final QemuCommandline EMPTY = new QemuCommandline(List.of(), Map.of());

	public QemuCommandline {
		args = List.copyOf(args);
		env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
	}

	public boolean isEmpty() {
		return this.args.isEmpty() && this.env.isEmpty();
	}

}
