#!/bin/sh
# Build libfadump twice (plain, and with AddressSanitizer + UBSan) and run
# the whole test suite in both. Prints one closing line
# "tests: N passed, N failed" and exits non-zero on any failure.
#
# Usage: tests/run-all.sh           (from the source tree; build dirs are
#                                    build/ and build-asan/)
set -u
cd "$(dirname "$0")/.."

failed=0

run_suite() {
	dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" || return 1
	else
		meson configure "$dir" "$@" >/dev/null || return 1
	fi
	ninja -C "$dir" || return 1
	meson test -C "$dir" --print-errorlogs --num-processes 2
}

count() {
	# meson's JSON log: one object per test with a "result" field.
	python3 - "$1/meson-logs/testlog.json" <<'PY'
import json, sys
ok = bad = 0
try:
    for line in open(sys.argv[1]):
        r = json.loads(line)["result"]
        if r in ("OK", "EXPECTEDFAIL"):
            ok += 1
        elif r != "SKIP":
            bad += 1
except FileNotFoundError:
    pass
print(ok, bad)
PY
}

total_ok=0
total_bad=0
for variant in plain asan; do
	case $variant in
	plain) dir=build; opts="-Dabi-check=enabled" ;;
	asan) dir=build-asan; opts="-Db_sanitize=address,undefined -Db_lundef=false" ;;
	esac
	# shellcheck disable=SC2086
	if ! run_suite "$dir" $opts; then
		failed=1
	fi
	set -- $(count "$dir")
	total_ok=$((total_ok + ${1:-0}))
	total_bad=$((total_bad + ${2:-0}))
done

# A build failure counts as a failure even though no test log says so.
[ $failed -ne 0 ] && [ $total_bad -eq 0 ] && total_bad=1
echo "tests: $total_ok passed, $total_bad failed"
[ $failed -eq 0 ] && [ $total_bad -eq 0 ]
