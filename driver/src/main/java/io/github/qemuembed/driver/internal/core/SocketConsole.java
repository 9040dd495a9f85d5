package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

import io.github.qemuembed.driver.error.HostIoException;
import io.github.qemuembed.driver.DomainConsole;
import io.github.qemuembed.driver.internal.io.ChannelStreams;
import io.github.qemuembed.driver.internal.io.UnixSockets;

/**
 * The live serial console: a connection to the UNIX socket that QEMU's serial chardev
 * listens on. QEMU also writes everything the guest prints to the domain log itself, so
 * nothing is lost while nobody is connected. QEMU serves one console client at a time.
 */
final class SocketConsole implements DomainConsole {

	private final ChannelStreams streams;

	private SocketConsole(ChannelStreams streams) {
		this.streams = streams;
	}

	static SocketConsole connect(Path socket) {
		try {
			return new SocketConsole(UnixSockets.open(socket));
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot connect to the console at " + socket, ex);
		}
	}

	@Override
	public InputStream output() {
		return this.streams.input();
	}

	@Override
	public OutputStream input() {
		return this.streams.output();
	}

	@Override
	public void close() throws IOException {
		this.streams.close();
	}

}
