#!/bin/sh
# init= of the Debian guest's one-time second-stage boot
# (tests/e2e/debian-guest.sh): debootstrap --foreign ran on a machine that
# cannot execute ppc64el binaries, so the packages are configured here, in
# the guest, once; the image is cached afterwards.  Prints "E2E-STAGE2 ok"
# only when everything succeeded, then powers the guest off.
#
# Run twice as PID 1: the second stage replaces the shell and the libc this
# very process maps, whose deleted inodes would keep the root busy (no
# read-only remount); the "finish" pass runs in a fresh exec of the new ones.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
if [ "${1:-}" != finish ]; then
    mount -t proc proc /proc
    mount -t tmpfs tmpfs /run
    mount -t tmpfs tmpfs /tmp
    stage2_ok=1
    /debootstrap/debootstrap --second-stage || stage2_ok=0
    if [ "$stage2_ok" = 1 ]; then
        # the module index of the kernel the initramfs copied in: udev and
        # kmod read it
        for d in /lib/modules/*; do depmod "${d##*/}" || stage2_ok=0; done
        # a root login on the console without a password: a test guest
        passwd -d root || stage2_ok=0
        apt-get clean
    fi
    [ "$stage2_ok" = 1 ] || tail -40 /debootstrap/debootstrap.log 2>/dev/null
    exec /bin/sh /e2e-stage2 finish "$stage2_ok"
fi
# debootstrap unmounts the /proc it found; the power-off needs one
mountpoint -q /proc || mount -t proc proc /proc
umount /run /tmp 2>/dev/null
sync
if mount -o remount,ro / && [ "${2:-0}" = 1 ]; then
    echo "E2E-STAGE2 ok"
else
    echo "E2E-STAGE2 failed"
fi
echo o >/proc/sysrq-trigger
sleep 30
