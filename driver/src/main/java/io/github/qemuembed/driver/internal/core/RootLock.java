package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.qemuembed.driver.error.HostIoException;
import io.github.qemuembed.driver.error.RootLockedException;

/**
 * The exclusive hold on a root, taken the way libvirt takes its {@code driver.pid}: a
 * POSIX record lock ({@code fcntl(F_SETLK)}) on the first byte of
 * {@code run/qemu/driver.pid}, which then holds the holder's pid. Java's
 * {@link FileChannel#tryLock(long, long, boolean)} uses the same kind of lock on Linux,
 * so qemu-embed and {@code virsh -c qemu:///embed?root=DIR} exclude each other both ways.
 */
final class RootLock implements AutoCloseable {

	/**
	 * Pidfiles locked by this JVM. POSIX record locks belong to the process, and closing
	 * <em>any</em> descriptor of the file drops them, so a second driver in this JVM must
	 * be refused before it even opens the file.
	 */
	private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

	private final Path key;

	private final FileChannel channel;

	private final FileLock lock;

	private RootLock(Path key, FileChannel channel, FileLock lock) {
		this.key = key;
		this.channel = channel;
		this.lock = lock;
	}

	static RootLock acquire(RootLayout layout) {
		Path file = layout.driverPidFile();
		Path key;
		try {
			key = file.getParent().toRealPath().resolve(file.getFileName());
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot resolve " + file, ex);
		}
		if (!HELD_IN_THIS_JVM.add(key)) {
			throw new RootLockedException(layout.root(), OptionalLong.of(ProcessHandle.current().pid()));
		}
		FileChannel channel = null;
		try {
			channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
					StandardOpenOption.WRITE);
			FileLock lock;
			try {
				lock = channel.tryLock(0, 1, false);
			}
			catch (OverlappingFileLockException ex) {
				lock = null;
			}
			if (lock == null) {
				OptionalLong holder = readPid(file);
				channel.close();
				HELD_IN_THIS_JVM.remove(key);
				throw new RootLockedException(layout.root(), holder);
			}
			channel.truncate(0);
			// not forced to disk: the pid only names the holder while it holds the lock,
			// which does not survive a power loss either; readers see it in the page
			// cache. An fsync here cost the first open up to tens of milliseconds on a
			// busy disk (ext4 commits its whole journal)
			channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
					0);
			return new RootLock(key, channel, lock);
		}
		catch (IOException ex) {
			closeQuietly(channel);
			HELD_IN_THIS_JVM.remove(key);
			throw new HostIoException("Cannot lock " + file, ex);
		}
	}

	private static OptionalLong readPid(Path file) {
		try {
			String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
			return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
		}
		catch (IOException | NumberFormatException ex) {
			return OptionalLong.empty();
		}
	}

	private static void closeQuietly(FileChannel channel) {
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				// nothing more to do
			}
		}
	}

	@Override
	public void close() {
		try {
			// libvirt leaves an empty pidfile behind when it releases; do the same
			this.channel.truncate(0);
			this.lock.release();
		}
		catch (IOException ex) {
			// releasing on a closed channel: the lock is gone anyway
		}
		finally {
			closeQuietly(this.channel);
			HELD_IN_THIS_JVM.remove(this.key);
		}
	}

}
