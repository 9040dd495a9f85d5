#!/bin/sh
# Says at once, before the JVM starts, whether QEMU can use KVM here: a pod without /dev/kvm (or
# without access to it) still runs its VMs, emulated (TCG) and many times slower.
if [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	echo "qemu-embed: /dev/kvm is usable: VMs run with KVM"
elif [ -c /dev/kvm ]; then
	mode="$(stat -c %a /dev/kvm)"
	if [ "$(( 0$mode & 060 ))" -eq 48 ]; then
		fix="Add the device's group ($(stat -c %g /dev/kvm)) to the container (docker --group-add, pod securityContext.supplementalGroups)."
	else
		fix="The device is mode $mode (no group access): use a device plugin (devices.kubevirt.io/kvm) or make it group read-write on the host (udev: GROUP=\"kvm\", MODE=\"0660\")."
	fi
	echo "qemu-embed: WARNING: /dev/kvm exists but user $(id -u) (groups $(id -G)) may not read and write it:" \
		"VMs with accel auto run emulated (TCG), accel kvm is refused. $fix"
else
	echo "qemu-embed: WARNING: no /dev/kvm in this container: VMs with accel auto run emulated (TCG)," \
		"accel kvm is refused. Pass the device (docker --device /dev/kvm; Kubernetes: devices.kubevirt.io/kvm)."
fi
exec java ${JAVA_OPTS:-} org.springframework.boot.loader.launch.JarLauncher "$@"
