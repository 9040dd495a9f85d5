package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * A disk's {@code <source>}: {@code file} for {@code type='file'}, {@code dev} for
 * {@code type='block'}, {@code pool} and {@code volume} for {@code type='volume'}
 * (resolved by the storage driver), {@code network} for {@code type='network'}.
 */
public record DiskSource(Optional<String> file, Optional<String> dev, Optional<String> pool, Optional<String> volume,
		Optional<NetworkSource> network) {

	public DiskSource(Optional<String> file, Optional<String> dev, Optional<String> pool, Optional<String> volume) {
		this(file, dev, pool, volume, Optional.empty());
	}

	public static DiskSource network(NetworkSource network) {
		return new DiskSource(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
				Optional.of(network));
	}

	public static DiskSource file(String file) {
		return new DiskSource(Optional.of(file), Optional.empty(), Optional.empty(), Optional.empty());
	}

}
