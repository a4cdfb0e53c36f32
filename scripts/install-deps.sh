#!/bin/sh
# Install the Debian packages libfadump needs to build and test.
# Usage: scripts/install-deps.sh [--e2e]   (as root, or with sudo available)
set -eu

pkgs="gcc meson ninja-build pkg-config
      libfdt-dev libelf-dev libjson-c-dev libcmocka-dev
      python3 python3-pytest abigail-tools"

if [ "${1:-}" = "--e2e" ]; then
	# QEMU and the kernel are built inside a trixie chroot (tests/e2e).
	pkgs="$pkgs debootstrap"
fi

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
