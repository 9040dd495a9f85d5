package io.github.qemuembed.testsupport.guest;

/** The shell scripts and configuration files inside the test guest. */
final class GuestScripts {

	private GuestScripts() {
	}

	/** First stage, run by the kernel as PID 1; ends by handing PID 1 to busybox init. */
	static String init(GuestSpec spec) {
		return """
				#!/bin/sh
				# qemu-embed test guest, first stage (PID 1).
				export PATH=/sbin:/bin:/usr/sbin:/usr/bin
				mount -t proc proc /proc
				mount -t sysfs sysfs /sys
				mount -t devtmpfs devtmpfs /dev
				mkdir -p /dev/pts /dev/shm
				mount -t devpts devpts /dev/pts
				mount -t tmpfs tmpfs /run
				mount -t tmpfs tmpfs /tmp
				# Kernel messages would land in the middle of command output on the serial console.
				dmesg -n 1
				while read -r module; do
					insmod "/lib/modules/$module.ko" || echo "qemu-embed guest: cannot load module $module"
				done < /etc/qemu-embed/modules
				hostname -F /etc/hostname
				ip link set lo up
				""" + spec.initCommands() + (spec.initCommands().endsWith("\n") ? "" : "\n") + """
				exec /sbin/init
				""";
	}

	/**
	 * busybox init: the ACPI daemon and a login shell on the serial console, both
	 * respawned.
	 */
	static String inittab() {
		return inittab(false);
	}

	/**
	 * {@link #inittab()}, and the guest agent (respawned too) when {@code guestAgent}.
	 */
	static String inittab(boolean guestAgent) {
		return """
				::respawn:/sbin/acpid -f -l /dev/null
				ttyS0::respawn:-/bin/sh
				::ctrlaltdel:/sbin/reboot
				""" + (guestAgent ? "::respawn:/sbin/qemu-ga-start\n" : "");
	}

	/**
	 * Waits for the agent's virtio-serial port and runs qemu-ga on it, logging to a file:
	 * the agent's messages must not land on the serial console that tests read. Without
	 * the port (a domain without the channel) it idles instead of ending, since init
	 * would restart it at once.
	 */
	static String guestAgentStart() {
		return """
				#!/bin/sh
				tries=0
				while [ $tries -lt 200 ]; do
					for port in /sys/class/virtio-ports/*; do
						if [ "$(cat "$port/name" 2>/dev/null)" = org.qemu.guest_agent.0 ]; then
							mkdir -p /run/qemu-ga
							exec /usr/sbin/qemu-ga -m virtio-serial -p "/dev/${port##*/}" -t /run/qemu-ga \\
								-l /var/log/qemu-ga.log </dev/null >/dev/null 2>&1
						fi
					done
					tries=$((tries + 1))
					usleep 50000
				done
				exec sleep 2147483647
				""";
	}

	/**
	 * What qemu-ga runs for {@code guest-shutdown}
	 * ({@code shutdown -P|-H|-r +0 MESSAGE}).
	 */
	static String shutdown() {
		return """
				#!/bin/sh
				for arg in "$@"; do
					if [ "$arg" = -r ]; then
						exec /bin/busybox reboot -f
					fi
				done
				exec /sbin/poweroff -f
				""";
	}

	/** For {@code guest-get-osinfo}. */
	static String osRelease() {
		return """
				ID=qemu-embed-test
				NAME="qemu-embed test guest"
				PRETTY_NAME="qemu-embed test guest (busybox)"
				VERSION_ID=1
				""";
	}

	/**
	 * The login shell's profile. Echo goes off because busybox's shell then reads plain
	 * lines (no line editing, no terminal queries) and does not repeat what a test types:
	 * the console shows only the prompt and what commands print. {@code stty echo} brings
	 * it back for a human.
	 */
	static String profile() {
		return """
				export PATH=/sbin:/bin:/usr/sbin:/usr/bin
				export HOME=/root
				export PS1='# '
				cd /root
				stty -echo
				echo %s
				""".formatted(TestGuest.READY_MARKER);
	}

	/** busybox acpid runs this on the power button (event PWRF, code 00000080). */
	static String powerButton() {
		return """
				#!/bin/sh
				exec /sbin/poweroff -f
				""";
	}

	/**
	 * Wraps busybox poweroff so that every power-off, forced or through init, prints the
	 * marker.
	 */
	static String poweroff() {
		return """
				#!/bin/sh
				echo %s > /dev/console
				sync
				exec /bin/busybox poweroff "$@"
				""".formatted(TestGuest.POWEROFF_MARKER);
	}

}
