#!/bin/sh
# /init of the Debian guest's initramfs (tests/e2e/debian-guest.sh): what a
# distribution's initramfs does, and no more.  Loads the modules the root
# file system needs (the list /load-order, dependencies first), waits for
# root=, mounts it (rw or ro as the command line says), puts the kernel's
# modules where the root's udev and kmod look for them, and hands over to
# init= (default /sbin/init: systemd).  Any failure prints a line naming
# what failed and powers the guest off (the host's run then ends at once).
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

fail() { echo "E2E-INITRAMFS failed: $*"; echo o >/proc/sysrq-trigger; sleep 60; }

rootdev='' init=/sbin/init mode=ro
for arg in $(cat /proc/cmdline); do
    case "$arg" in
        root=*) rootdev=${arg#root=} ;;
        init=*) init=${arg#init=} ;;
        rw) mode=rw ;;
        ro) mode=ro ;;
    esac
done
[ -n "$rootdev" ] || fail "no root= on the command line"

while read -r ko; do
    insmod "$ko" || fail "insmod $ko"
done </load-order
echo "E2E-INITRAMFS loaded: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"

tries=0
while [ ! -b "$rootdev" ]; do
    tries=$((tries + 1))
    [ "$tries" -le 100 ] || fail "$rootdev did not appear in 10 s"
    sleep 0.1
done
mount -t ext4 -o "$mode" "$rootdev" /newroot || fail "mount -t ext4 $rootdev"

release=$(uname -r)
if [ "$mode" = rw ] && [ ! -e "/newroot/lib/modules/$release/modules.order" ]; then
    mkdir -p /newroot/lib/modules
    cp -a "/lib/modules/$release" /newroot/lib/modules/ || fail "cannot copy the modules into the root"
fi

# /dev is handed over (the root's init finds its console there); proc and
# sysfs are mounted afresh by the root's init
mount --move /dev /newroot/dev || fail "mount --move /dev"
umount /sys /proc
exec switch_root /newroot "$init"
