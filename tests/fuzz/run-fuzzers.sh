#!/bin/sh
# Run the libFuzzer targets of a -Dfuzz=true build for a set time each.
#
# Usage: tests/fuzz/run-fuzzers.sh BUILD_DIR SECONDS [TARGET...]
#
# TARGET is a name as in tests/fuzz/meson.build (regions, vmcore, ...);
# none means all of them, one after the other. Each runs from its seed
# corpus tests/fuzz/corpus/TARGET/, which is only read: new inputs go to
# a scratch directory removed afterwards. Prints one line per target:
#
#   TARGET: execs N, exec/s N, cov N, time Ns, crashes N
#
# and exits non-zero if any target crashed, leaked, timed out or ran out
# of memory. The input that did it is kept in
# BUILD_DIR/fuzz-artifacts/TARGET/ (replay it with the target binary, or
# commit it under tests/fuzz/regressions/TARGET/ once fixed).
#
# FUZZ_ARGS adds libFuzzer options, e.g. FUZZ_ARGS=-runs=10000000.
set -u

if [ $# -lt 2 ]; then
	echo "usage: $0 BUILD_DIR SECONDS [TARGET...]" >&2
	exit 2
fi
build=$1
seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)

if [ $# -eq 0 ]; then
	# Every target the build has, in name order.
	set -- $(cd "$build/tests/fuzz" 2>/dev/null &&
		 ls fuzz-* 2>/dev/null | sed -n 's/^fuzz-\([a-z0-9-]*\)$/\1/p')
	if [ $# -eq 0 ]; then
		echo "$0: no fuzz targets in $build (configure it with CC=clang -Dfuzz=true)" >&2
		exit 2
	fi
fi

failed=0
for target in "$@"; do
	bin=$build/tests/fuzz/fuzz-$target
	corpus=$here/corpus/$target
	if [ ! -x "$bin" ]; then
		echo "$target: no $bin" >&2
		failed=1
		continue
	fi
	artifacts=$build/fuzz-artifacts/$target
	mkdir -p "$artifacts"
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/fadump-corpus-$target.XXXXXX")
	log=$build/fuzz-artifacts/$target.log
	stamp=$artifacts/.started
	: >"$stamp"

	# The scratch directory comes first: libFuzzer writes new inputs to
	# its first corpus directory and only reads the others.
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$artifacts/" \
		${FUZZ_ARGS:-} "$scratch" "$corpus" >"$log" 2>&1
	rc=$?
	rm -rf "$scratch"

	# "#123456 DONE cov: 812 ft: 2301 corp: 180/20Kb ... exec/s: 4115 ..."
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(printf '%s\n' "$done_line" | sed -n 's/.*exec\/s: \([0-9]*\).*/\1/p')
	cov=$(printf '%s\n' "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
	crashes=$(find "$artifacts" -maxdepth 1 -type f \
		  \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
		     -o -name 'oom-*' \) -newer "$stamp" 2>/dev/null | wc -l)
	if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then
		crashes=1	# died without an artifact: still a failure
	fi
	echo "$target: execs ${execs:-?}, exec/s ${rate:-?}, cov ${cov:-?}, time ${took:-?}s, crashes $crashes"
	if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
		failed=1
		echo "$target: libFuzzer exited $rc; log $log, inputs in $artifacts/" >&2
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -n 5 >&2
	fi
done
exit $failed
