#!/bin/sh
# Install the Debian packages libfadump needs to build and test.
# Usage: scripts/install-deps.sh   (as root, or with sudo available)
#
# The end-to-end test (tests/e2e) needs only debootstrap and rsync from
# this machine: QEMU, the cross compilers and the kernel source are installed
# inside the trixie chroot it creates.
set -eu

pkgs="gcc meson ninja-build pkg-config
      libfdt-dev libelf-dev libjson-c-dev libcmocka-dev
      zlib1g-dev libzstd-dev liblzo2-dev libsnappy-dev
      python3 python3-dev python3-pytest abigail-tools
      elfutils python3-libkdumpfile time
      clang libclang-rt-14-dev device-tree-compiler
      debootstrap rsync
      valgrind strace scdoc systemd bash-completion man-db
      debhelper dh-python dpkg-dev fakeroot lintian rpm
      python3-venv python3-pip python3-mesonpy"

if [ "$(id -u)" -eq 0 ]; then
	sudo=
elif command -v sudo >/dev/null; then
	sudo=sudo
else
	echo "install-deps.sh: run as root (or install sudo)" >&2
	exit 1
fi

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing
