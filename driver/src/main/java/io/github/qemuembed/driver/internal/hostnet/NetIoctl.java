package io.github.qemuembed.driver.internal.hostnet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

/**
 * The Linux ioctls a tap needs, through jnr-ffi (libc's {@code open}, {@code ioctl},
 * {@code socket}): no iproute2, no helper program. Request numbers are those of x86-64
 * and arm64 Linux ({@code <linux/if_tun.h>}, {@code <linux/sockios.h>});
 * {@code struct ifreq} is 40 bytes there: a 16-byte name, then a 24-byte union.
 */
final class NetIoctl {

	static final int TUNSETIFF = 0x400454ca;

	static final int TUNSETPERSIST = 0x400454cb;

	static final int SIOCGIFFLAGS = 0x8913;

	static final int SIOCSIFFLAGS = 0x8914;

	static final int SIOCGIFMTU = 0x8921;

	static final int SIOCSIFMTU = 0x8922;

	static final int SIOCSIFHWADDR = 0x8924;

	static final int SIOCGIFINDEX = 0x8933;

	static final int SIOCBRADDIF = 0x89a2;

	static final short IFF_UP = 0x1;

	static final short IFF_TAP = 0x0002;

	static final short IFF_NO_PI = 0x1000;

	static final short IFF_VNET_HDR = 0x4000;

	static final short IFF_MULTI_QUEUE = 0x0100;

	static final int IFREQ_SIZE = 40;

	static final int IFNAMSIZ = 16;

	private static final int O_RDWR = 2;

	private static final int O_CLOEXEC = 0x80000;

	private static final int AF_INET = 2;

	private static final int SOCK_DGRAM = 2;

	private static final short ARPHRD_ETHER = 1;

	/** libc, as jnr-ffi binds it; errno is kept after each call. */
	public interface LibC {

		@SaveError
		int open(String path, int flags);

		@SaveError
		int ioctl(int fd, long request, byte[] argument);

		/** For requests whose argument is the value itself ({@code TUNSETPERSIST}). */
		@SaveError
		int ioctl(int fd, long request, long value);

		@SaveError
		int socket(int domain, int type, int protocol);

		int close(int fd);

		String strerror(int errno);

	}

	private static final class Holder {

		static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

	}

	/** A failed call: the errno and what it means. */
	static final class NativeException extends Exception {

		private final int errno;

		NativeException(String call, int errno) {
			super(call + ": " + Holder.LIBC.strerror(errno) + " (errno " + errno + ")");
			this.errno = errno;
		}

		int errno() {
			return this.errno;
		}

	}

	static final int ENODEV = 19;

	static final int EINVAL = 22;

	static final int EBUSY = 16;

	static final int EEXIST = 17;

	private NetIoctl() {
	}

	static LibC libc() {
		return Holder.LIBC;
	}

	static int errno() {
		return Runtime.getRuntime(Holder.LIBC).getLastError();
	}

	static int openTun() throws NativeException {
		int fd = libc().open("/dev/net/tun", O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			throw new NativeException("open /dev/net/tun", errno());
		}
		return fd;
	}

	static int controlSocket() throws NativeException {
		int fd = libc().socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0) {
			throw new NativeException("socket", errno());
		}
		return fd;
	}

	static void ioctl(int fd, int request, byte[] ifreq, String what) throws NativeException {
		if (libc().ioctl(fd, request, ifreq) < 0) {
			throw new NativeException(what, errno());
		}
	}

	static void ioctlValue(int fd, int request, long value, String what) throws NativeException {
		if (libc().ioctl(fd, request, value) < 0) {
			throw new NativeException(what, errno());
		}
	}

	static byte[] ifreq(String name) {
		byte[] ifreq = new byte[IFREQ_SIZE];
		byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
		System.arraycopy(bytes, 0, ifreq, 0, Math.min(bytes.length, IFNAMSIZ - 1));
		return ifreq;
	}

	static String name(byte[] ifreq) {
		int end = 0;
		while (end < IFNAMSIZ && ifreq[end] != 0) {
			end++;
		}
		return new String(ifreq, 0, end, StandardCharsets.US_ASCII);
	}

	static void putShort(byte[] ifreq, short value) {
		ByteBuffer.wrap(ifreq).order(ByteOrder.nativeOrder()).putShort(IFNAMSIZ, value);
	}

	static short getShort(byte[] ifreq) {
		return ByteBuffer.wrap(ifreq).order(ByteOrder.nativeOrder()).getShort(IFNAMSIZ);
	}

	static void putInt(byte[] ifreq, int value) {
		ByteBuffer.wrap(ifreq).order(ByteOrder.nativeOrder()).putInt(IFNAMSIZ, value);
	}

	static int getInt(byte[] ifreq) {
		return ByteBuffer.wrap(ifreq).order(ByteOrder.nativeOrder()).getInt(IFNAMSIZ);
	}

	/** {@code ifr_hwaddr}: a sockaddr with family ARPHRD_ETHER and the six bytes. */
	static void putHardwareAddress(byte[] ifreq, byte[] mac) {
		ByteBuffer buffer = ByteBuffer.wrap(ifreq).order(ByteOrder.nativeOrder());
		buffer.putShort(IFNAMSIZ, ARPHRD_ETHER);
		System.arraycopy(mac, 0, ifreq, IFNAMSIZ + 2, 6);
	}

}
