package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * The {@code <source protocol name>} of a {@code <disk type='network'>}: an NBD export or
 * an HTTP(S) image.
 *
 * @param protocol {@code nbd}, {@code http} or {@code https}
 * @param name the NBD export name, or the path of the HTTP(S) image
 * @param host the server: host name and port ({@code <host name port/>}), or for NBD a
 * UNIX socket ({@code <host transport='unix' socket='...'/>})
 * @param query the HTTP(S) URL's query ({@code query='...'})
 * @param sslVerify {@code <ssl verify='yes|no'/>} for https
 */
public record NetworkSource(String protocol, Optional<String> name, Host host, Optional<String> query,
		Optional<Boolean> sslVerify) {

	/** {@code <host>}: a TCP server ({@code name}, {@code port}) or a UNIX socket. */
	public record Host(Optional<String> name, Optional<Integer> port, Optional<String> socket) {
	}

}
