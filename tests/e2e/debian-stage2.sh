#!/bin/sh
# init= of the Debian guest's one-time second-stage boot
# (tests/e2e/debian-guest.sh): debootstrap --foreign ran on a machine that
# cannot execute ppc64el binaries, so the packages are configured here, in
# the guest, once; the image is cached afterwards.  Prints "E2E-STAGE2 ok"
# only when everything succeeded, then powers the guest off.  It stays in the
# image: deleting it while this shell reads it would keep the root busy (no
# read-only remount before the power-off).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
stage2_ok=1
/debootstrap/debootstrap --second-stage || stage2_ok=0
if [ "$stage2_ok" = 1 ]; then
    # the module index of the kernel the initramfs copied in: udev and kmod
    # read it
    for d in /lib/modules/*; do depmod "${d##*/}" || stage2_ok=0; done
    # a root login on the console without a password: a test guest
    passwd -d root || stage2_ok=0
    apt-get clean
fi
[ "$stage2_ok" = 1 ] || tail -40 /debootstrap/debootstrap.log 2>/dev/null
sync
mount -o remount,ro / && [ "$stage2_ok" = 1 ] && echo "E2E-STAGE2 ok" || echo "E2E-STAGE2 failed"
echo o >/proc/sysrq-trigger
sleep 30
