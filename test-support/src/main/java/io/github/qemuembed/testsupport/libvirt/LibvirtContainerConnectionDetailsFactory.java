package io.github.qemuembed.testsupport.libvirt;

import io.github.qemuembed.autoconfigure.secondary.LibvirtConnectionDetails;

import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;

/**
 * {@link LibvirtConnectionDetails} from a {@link LibvirtContainer} annotated with
 * {@code @ServiceConnection}: its daemon's network, storage and secret drivers, reached
 * over the daemon's UNIX socket (bind-mounted to this host, so it needs no published port
 * and no Docker proxy). Registered in {@code META-INF/spring.factories}; Boot skips it
 * when Testcontainers, Boot's Testcontainers support or qemu-embed's auto-configuration
 * is missing from the classpath.
 */
class LibvirtContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<LibvirtContainer, LibvirtConnectionDetails> {

	@Override
	protected LibvirtConnectionDetails getContainerConnectionDetails(
			ContainerConnectionSource<LibvirtContainer> source) {
		return new LibvirtContainerConnectionDetails(source);
	}

	/** Read from the container when asked: it is started by then. */
	static final class LibvirtContainerConnectionDetails extends ContainerConnectionDetails<LibvirtContainer>
			implements LibvirtConnectionDetails {

		LibvirtContainerConnectionDetails(ContainerConnectionSource<LibvirtContainer> source) {
			super(source);
		}

		@Override
		public String getNetworkUri() {
			return getContainer().unixUri("network");
		}

		@Override
		public String getStorageUri() {
			return getContainer().unixUri("storage");
		}

		@Override
		public String getSecretUri() {
			return getContainer().unixUri("secret");
		}

	}

}
