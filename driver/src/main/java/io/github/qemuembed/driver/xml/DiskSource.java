package io.github.qemuembed.driver.xml;

import java.util.Optional;

/**
 * A disk's {@code <source>}: {@code file} for {@code type='file'}, {@code dev} for {@code type='block'},
 * {@code pool} and {@code volume} for {@code type='volume'} (resolved by the storage driver).
 */
public record DiskSource(Optional<String> file, Optional<String> dev, Optional<String> pool,
		Optional<String> volume) {

	public static DiskSource file(String file) {
		return new DiskSource(Optional.of(file), Optional.empty(), Optional.empty(), Optional.empty());
	}

}
