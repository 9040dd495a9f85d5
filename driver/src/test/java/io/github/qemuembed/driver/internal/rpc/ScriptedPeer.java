package io.github.qemuembed.driver.internal.rpc;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiFunction;

/**
 * The daemon's side of the wire for protocol tests: accepts TCP connections, records
 * every packet it receives, and answers calls through a handler (which may return
 * {@code null} to stay silent). Real daemons are exercised by the integration tests; this
 * checks the client's bytes and reactions.
 */
final class ScriptedPeer implements AutoCloseable {

	/**
	 * What the peer answers to one call: status and payload, or {@code null} for no
	 * answer.
	 */
	record Answer(MessageStatus status, byte[] payload) {

		static Answer ok(XdrEncoder encoder) {
			return new Answer(MessageStatus.OK, encoder.toByteArray());
		}

		static Answer error(RemoteError error) {
			XdrEncoder encoder = new XdrEncoder();
			error.encode(encoder);
			return new Answer(MessageStatus.ERROR, encoder.toByteArray());
		}

	}

	private final ServerSocket server;

	private final BiFunction<ScriptedPeer, Packet, Answer> handler;

	final BlockingQueue<Packet> received = new LinkedBlockingQueue<>();

	final List<Socket> connections = new CopyOnWriteArrayList<>();

	private final Thread acceptor;

	ScriptedPeer(BiFunction<ScriptedPeer, Packet, Answer> handler) throws IOException {
		this.server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
		this.handler = handler;
		this.acceptor = new Thread(this::acceptLoop, "scripted-peer");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/**
	 * The usual handshake answers (auth none, open OK, keepalive supported), else the
	 * handler.
	 */
	static BiFunction<ScriptedPeer, Packet, Answer> withHandshake(BiFunction<ScriptedPeer, Packet, Answer> handler) {
		return (peer, packet) -> {
			int procedure = packet.header().procedure();
			if (procedure == RemoteProcedure.AUTH_LIST.number()) {
				return Answer.ok(new XdrEncoder().writeInt(1).writeInt(0));
			}
			if (procedure == RemoteProcedure.CONNECT_OPEN.number()
					|| procedure == RemoteProcedure.CONNECT_CLOSE.number()) {
				return Answer.ok(new XdrEncoder());
			}
			if (procedure == RemoteProcedure.CONNECT_SUPPORTS_FEATURE.number()) {
				return Answer.ok(new XdrEncoder().writeInt(1));
			}
			return handler.apply(peer, packet);
		};
	}

	int port() {
		return this.server.getLocalPort();
	}

	String uri() {
		return "network+tcp://127.0.0.1:" + port() + "/system";
	}

	private void acceptLoop() {
		while (!this.server.isClosed()) {
			try {
				Socket socket = this.server.accept();
				this.connections.add(socket);
				Thread serve = new Thread(() -> serve(socket), "scripted-peer-conn");
				serve.setDaemon(true);
				serve.start();
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			while (true) {
				Packet packet = Packet.read(socket.getInputStream());
				this.received.add(packet);
				if (packet.header().type() != MessageType.CALL) {
					continue;
				}
				Answer answer = this.handler.apply(this, packet);
				if (answer != null) {
					MessageHeader call = packet.header();
					send(socket, new Packet(new MessageHeader(call.program(), call.version(), call.procedure(),
							MessageType.REPLY, call.serial(), answer.status()), answer.payload()));
				}
			}
		}
		catch (IOException ex) {
			// client went away
		}
	}

	static void send(Socket socket, Packet packet) throws IOException {
		synchronized (socket) {
			OutputStream out = socket.getOutputStream();
			out.write(packet.encode());
			out.flush();
		}
	}

	/** Drops every open connection, as a daemon restart does. */
	void dropConnections() throws IOException {
		for (Socket socket : this.connections) {
			socket.close();
		}
		this.connections.clear();
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		dropConnections();
	}

}
