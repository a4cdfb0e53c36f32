#!/bin/sh
# usage: check-abi.sh [--update] ABIDW ABIDIFF BASELINE_DIR LIBRARY HEADERS_DIR
#
# Describes the built library with the same abidw flags the baselines were
# made with (public types only, no locations) and compares it with the
# baseline of its architecture, BASELINE_DIR/libfadump-ARCH.abi, ARCH
# read from the library's ELF header: x86_64, ppc64le or ppc64. The ABI
# differs between architectures (type sizes, char signedness), so each
# has its own baseline, all made from the same release commit. A library
# of an architecture without one is an error, never a pass.
#
# Fails on any change abidiff reports except added symbols (those go in a
# new version node). A deliberate, compatible change, such as a member
# appended to a size-first struct, comes with regenerated baselines:
# --update writes the library's description to its baseline instead of
# comparing (see docs/abi.md). (Comparing the .so directly with
# --headers-dir2 filters out every change to the public structs, so it is
# not done that way.)
set -eu
update=0
if [ "${1-}" = --update ]; then
	update=1
	shift
fi
if [ $# -ne 5 ]; then
	echo "usage: check-abi.sh [--update] ABIDW ABIDIFF BASELINE_DIR LIBRARY HEADERS_DIR" >&2
	exit 2
fi
abidw=$1 abidiff=$2 baselines=$3 lib=$4 headers=$5

# The ELF identification and e_machine: bytes 0-5 and 18-19.
elf_arch() {
	# shellcheck disable=SC2046 # one word per byte
	set -- $(od -An -tu1 -N20 "$1")
	if [ $# -ne 20 ] || [ "$1 $2 $3 $4" != "127 69 76 70" ]; then
		echo "not an ELF file"
		return 1
	fi
	class=$5 data=$6
	if [ "$data" -eq 1 ]; then
		machine=$((${19} + 256 * ${20}))
	else
		machine=$((${19} * 256 + ${20}))
	fi
	case "$class.$data.$machine" in
	2.1.62) echo x86_64 ;;
	2.1.21) echo ppc64le ;;
	2.2.21) echo ppc64 ;;
	*)
		echo "ELF machine $machine, class $class, data $data"
		return 1
		;;
	esac
}

if ! arch=$(elf_arch "$lib"); then
	echo "check-abi.sh: $lib: $arch: no ABI baseline for it (there are $(cd "$baselines" && echo libfadump-*.abi))" >&2
	exit 1
fi
baseline=$baselines/libfadump-$arch.abi

describe() {
	"$abidw" --headers-dir "$headers" --drop-private-types --no-corpus-path \
		--no-show-locs --short-locs --no-comp-dir-path \
		--out-file "$1" "$lib"
}

if [ "$update" -eq 1 ]; then
	describe "$baseline"
	echo "check-abi.sh: wrote $baseline"
	exit 0
fi
if [ ! -f "$baseline" ]; then
	echo "check-abi.sh: $lib is $arch, and there is no $baseline: make it from the last release's commit (docs/abi.md)" >&2
	exit 1
fi

current=$(mktemp)
trap 'rm -f "$current"' EXIT
describe "$current"
if "$abidiff" --no-added-syms "$baseline" "$current"; then
	echo "check-abi.sh: $arch: no ABI change against $baseline"
	exit 0
else
	status=$?
fi
echo "ABI differs from $baseline (abidiff status $status)" >&2
exit 1
