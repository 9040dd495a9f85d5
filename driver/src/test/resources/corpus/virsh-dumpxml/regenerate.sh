#!/bin/sh
# Regenerates this corpus: every virt-install definition of ../virt-install is defined in a real libvirtd
# (qemu:///system), dumped with `virsh dumpxml --inactive` (libvirt adds addresses, controllers, aliases,
# defaults) and undefined again. Run as root on a Debian 12 machine with libvirt-daemon-system installed:
#   mkdir -p /var/log/libvirt && libvirtd -d
#   sh driver/src/test/resources/corpus/virsh-dumpxml/regenerate.sh
# A define that libvirt refuses leaves NAME.libvirt-refused with libvirt's message instead.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../virt-install"
uri=qemu:///system
for xml in "$src"/*.xml; do
	case "$xml" in *.assigned.xml) continue ;; esac
	name=$(basename "$xml" .xml)
	# the name inside the file is virt-install's; the dump is keyed by the file name
	domain=$(sed -n 's:.*<name>\(.*\)</name>.*:\1:p' "$xml" | head -n 1)
	virsh -c "$uri" undefine --nvram "$domain" >/dev/null 2>&1
	if out=$(virsh -c "$uri" define "$xml" 2>&1); then
		virsh -c "$uri" dumpxml --inactive "$domain" >"$here/$name.xml"
		rm -f "$here/$name.libvirt-refused"
		virsh -c "$uri" undefine --nvram "$domain" >/dev/null 2>&1 || virsh -c "$uri" undefine "$domain" >/dev/null
		echo "$name: dumped"
	else
		echo "$out" >"$here/$name.libvirt-refused"
		rm -f "$here/$name.xml"
		echo "$name: refused by libvirt: $out"
	fi
done
