#!/bin/sh
# usage: check-abi.sh ABIDW ABIDIFF BASELINE.abi LIBRARY HEADERS_DIR
#
# Describes the built library with the same abidw flags the baseline was
# made with (public types only, no locations) and compares the two.
# Fails on any change abidiff reports except added symbols (those go in a
# new version node). A deliberate, compatible change, such as a member
# appended to a size-first struct, comes with a regenerated baseline:
# see docs/abi.md. (Comparing the .so directly with --headers-dir2 filters
# out every change to the public structs, so it is not done that way.)
set -eu
abidw=$1 abidiff=$2 baseline=$3 lib=$4 headers=$5
current=$(mktemp)
trap 'rm -f "$current"' EXIT
"$abidw" --headers-dir "$headers" --drop-private-types --no-corpus-path \
	--no-show-locs --short-locs --no-comp-dir-path \
	--out-file "$current" "$lib"
if "$abidiff" --no-added-syms "$baseline" "$current"; then
	exit 0
else
	status=$?
fi
echo "ABI differs from $baseline (abidiff status $status)" >&2
exit 1
