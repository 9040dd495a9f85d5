package io.github.qemuembed.testsupport.guest;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Reads the real Debian cloud kernel package (fetched into the cache on first use, then
 * reused): module dependencies from {@code .modinfo}, built-in modules, the release in
 * the bzImage header.
 */
class KernelAndModulesTests {

	private static GuestKernel kernel;

	private static KernelModules modules;

	@BeforeAll
	static void locateKernel() {
		kernel = TestGuest.standard().guestKernel();
		assertThat(kernel.modules()).as("modules of %s", kernel.image()).isPresent();
		modules = KernelModules.scan(kernel.modules().get());
	}

	@Test
	void theBzImageHeaderNamesTheSameReleaseAsThePackage() {
		assertThat(KernelLocator.bzImageRelease(kernel.image())).contains(kernel.release());
	}

	@Test
	void loadOrderPutsEveryDependencyBeforeTheModulesThatNeedIt() {
		List<String> order = modules.loadOrder(List.of("virtio_net", "virtio_blk", "virtio_scsi"));

		assertThat(order).containsOnlyOnce("virtio", "virtio_ring", "virtio_net", "virtio_blk", "virtio_scsi");
		for (String module : order) {
			for (String dependency : modules.dependencies(module)) {
				if (!modules.isBuiltin(dependency)) {
					assertThat(order.indexOf(dependency)).as("%s before %s", dependency, module)
						.isLessThan(order.indexOf(module));
				}
			}
		}
		assertThat(modules.dependencies("virtio_net")).contains("virtio", "virtio_ring");
	}

	@Test
	void dashesInFileNamesBecomeUnderscoresInModuleNames() {
		// The file is virtio-rng.ko; the kernel calls the module virtio_rng.
		assertThat(modules.loadOrder(List.of("virtio-rng"))).contains("virtio_rng");
	}

	@Test
	void builtInModulesAreNotLoadedAndUnknownOnesAreNamed() {
		assertThat(modules.isBuiltin("ext4")).isTrue();
		assertThat(modules.loadOrder(List.of("ext4"))).isEmpty();
		assertThatExceptionOfType(TestGuestException.class)
			.isThrownBy(() -> modules.loadOrder(List.of("no_such_module")))
			.withMessageContaining("no_such_module");
	}

	@Test
	void aKernelNamedBySystemPropertyIsUsedWithTheModulesNextToIt(@TempDir Path cache) {
		GuestKernel configured = withKernelProperty(kernel.image().toString(),
				() -> new KernelLocator(new GuestCache(cache)).locate());

		assertThat(configured.image()).isEqualTo(kernel.image());
		assertThat(configured.release()).isEqualTo(kernel.release());
		assertThat(configured.modules()).isEqualTo(kernel.modules());
	}

	@Test
	void aMissingConfiguredKernelIsReportedWithTheSettingToFix(@TempDir Path cache) {
		assertThatExceptionOfType(TestGuestException.class)
			.isThrownBy(() -> withKernelProperty(cache.resolve("no-vmlinuz").toString(),
					() -> new KernelLocator(new GuestCache(cache)).locate()))
			.withMessageContaining("no-vmlinuz")
			.withMessageContaining(KernelLocator.KERNEL_PROPERTY);
	}

	@Test
	void moduleFilesAreElfObjects() {
		assertThat(modules.content("button")).startsWith(0x7f, 'E', 'L', 'F');
	}

	private static <T> T withKernelProperty(String value, Supplier<T> action) {
		String previous = System.getProperty(KernelLocator.KERNEL_PROPERTY);
		System.setProperty(KernelLocator.KERNEL_PROPERTY, value);
		try {
			return action.get();
		}
		finally {
			if (previous == null) {
				System.clearProperty(KernelLocator.KERNEL_PROPERTY);
			}
			else {
				System.setProperty(KernelLocator.KERNEL_PROPERTY, previous);
			}
		}
	}

}
