package io.github.qemuembed.driver.internal.xml;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A disk's {@code <iotune>}: I/O limits by libvirt's element names
 * ({@code total_bytes_sec}, {@code read_iops_sec_max}, {@code size_iops_sec}, ...), and
 * the {@code group_name} whose disks share them.
 */
public record IoTune(Map<String, Long> limits, Optional<String> group) {

	public IoTune {
		limits = Collections.unmodifiableMap(new TreeMap<>(limits));
	}

}
