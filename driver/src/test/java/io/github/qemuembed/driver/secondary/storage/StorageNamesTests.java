package io.github.qemuembed.driver.secondary.storage;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.StorageException;
import io.github.qemuembed.driver.error.StorageException.Problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class StorageNamesTests {

	@ParameterizedTest
	@ValueSource(strings = { "base.qcow2", "vm-1_disk+2.img", "a", "Debian12.raw" })
	void plainFileNamesAreVolumeNames(String name) {
		assertThat(StorageNames.volume(name)).isEqualTo(name);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", ".", "..", "../x", "a/b", "/etc/passwd", ".hidden", "-rf", "a..b", "x\u0000y",
			"with space", "a\nb", "ünïcode" })
	void pathsAndOddNamesAreRefused(String name) {
		assertThatExceptionOfType(StorageException.class).isThrownBy(() -> StorageNames.volume(name))
			.withMessageContaining("invalid volume name")
			.withMessageContaining("without '..' or '/'")
			.satisfies((ex) -> {
				assertThat(ex.problem()).isEqualTo(Problem.INVALID_NAME);
				assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_ARG);
				assertThat(ex.getMessage()).doesNotContain("\n").doesNotContain("\u0000");
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "..", "a/b" })
	void poolNamesFollowTheSameRule(String name) {
		assertThatExceptionOfType(StorageException.class).isThrownBy(() -> StorageNames.pool(name))
			.withMessageContaining("invalid pool name");
	}

}
