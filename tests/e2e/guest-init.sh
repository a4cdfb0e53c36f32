#!/bin/sh
# /init of the libfadump end-to-end guest (busybox + fadumpctl in an initramfs).
#
# Runs twice under QEMU pseries or powernv (MPIPL), with the same kernel command line both times:
#   first boot   (no dump active): check fadump is enabled and registered, save
#                status/regions/devtree and raw kernel files, then crash the kernel
#                with sysrq-c;
#   capture boot (dump active):   check dump_active, save /proc/vmcore, release the
#                memory, re-register, save everything again, power off.
# Everything goes to an ext2 file system on the first virtio disk (/dev/vda), which
# tests/e2e/run.sh creates before and reads after the run; run.sh makes the real
# assertions, this script records outputs and exit codes and does the obvious checks.
#
# Kernel command line switches (all optional):
#   e2e.fadumpctl=require   fadumpctl must be in the initramfs and every step uses it
#                           (default; a missing binary or a failing command fails);
#   e2e.fadumpctl=raw       development mode: plain shell reads/writes of sysfs
#                           where fadumpctl is missing;
#   e2e.save=auto|cli|raw   how /proc/vmcore is saved: `fadumpctl save --release`
#                           (cli), busybox cat (raw), or cli when `fadumpctl save
#                           --help` works (auto, default).
#   e2e.fill=MIB            the first boot writes MIB MiB of marked pages
#                           (memfill) to a tmpfs before the crash (default 16):
#                           the release_range checks release some of them
#   e2e.known=MIB           the first boot leaves MIB MiB (default 16) of each
#                           other kind of memory a dump level filters, each with
#                           its own marker: a live process's anonymous memory
#                           (E2E-ANON), page cache of a file on the ext2 disk
#                           (E2E-PCAC), a process that exited (E2E-FREE) and a
#                           deleted tmpfs file (E2E-DELF): free memory; and a
#                           printk record.  0: none (and no filtered saves)
#   e2e.runs=N              filtered saves of each tool and compressor in the
#                           capture boot (default 3, alternating; see
#                           compare_saves)
#   e2e.platform=pseries|powernv
#                           the machine (default pseries): where the firmware's
#                           dump interface is (/rtas or /ibm,opal/dump), how a
#                           capture boot shows (/rtas/ibm,kernel-dump or
#                           /ibm,opal/dump/mpipl-boot).  powernv also runs
#                           an unregister/register cycle in the first boot,
#                           records the OPAL core (/sys/firmware/opal/mpipl/)
#                           in the capture boot and skips the filtered saves
#   e2e.proof=1             the release proof (run.sh --release-proof): the
#                           capture boot prints "E2E-MARK ready", reads
#                           "E2E-MODE ranges|end|auto|filtered|mdf-end" from
#                           the console, saves while sampling MemAvailable
#                           every 100 ms, and powers off: ranges, end, auto:
#                           `fadumpctl save --release=MODE` of the whole dump;
#                           filtered: `save --level 31 --format kdump
#                           --release=ranges`; mdf-end: `makedumpfile -d 31 -c`
#                           then `fadumpctl release`.  The first boot's fill
#                           is then half shmem, half a live process's
#                           anonymous memory (E2E-HELD).
#
# PID 1 must never exit (the kernel would panic, and a panic is a crash that fadump
# would catch), so every path ends in `poweroff -f`.

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

OUT=/out
FADUMP_SYSFS=/sys/kernel/fadump
REGION_FILE=/sys/kernel/debug/powerpc/fadump_region
failures=0

mark() { echo "E2E-MARK $*"; }
log() { echo "e2e: $*"; }

finish() {
    # $1: PASS | FAIL
    status=$1
    shift
    if [ -n "$BOOTDIR" ] && [ -d "$BOOTDIR" ]; then
        dmesg >"$BOOTDIR/dmesg.txt" 2>&1
        echo "$status $*" >"$BOOTDIR/result"
    fi
    echo "$status $*" >"$OUT/result" 2>/dev/null
    sync
    umount "$OUT" 2>/dev/null
    sync
    mark "result $status $*"
    poweroff -f
    sleep 30
    echo 1 >/proc/sys/kernel/sysrq 2>/dev/null
    echo o >/proc/sysrq-trigger 2>/dev/null
    while :; do sleep 3600; done
}

fail() {
    failures=$((failures + 1))
    log "FAIL: $*"
    echo "FAIL: $*" >>"$BOOTDIR/failures"
}

# run NAME CMD...: stdout to NAME.out, stderr to NAME.err, exit code to NAME.rc and
# steps.log; returns the command's exit code.
run() {
    name=$1
    shift
    "$@" >"$BOOTDIR/$name.out" 2>"$BOOTDIR/$name.err"
    rc=$?
    echo "$rc" >"$BOOTDIR/$name.rc"
    echo "$name rc=$rc: $*" >>"$BOOTDIR/steps.log"
    log "$name: rc=$rc ($*)"
    if [ -s "$BOOTDIR/$name.err" ]; then sed 's/^/    stderr: /' "$BOOTDIR/$name.err" | head -5; fi
    return $rc
}

# fadumpctl with --json: the contract is `fadumpctl [--json] COMMAND`; also accept
# `COMMAND --json` from builds that only know the trailing form.
fctl_json() {
    fadumpctl --json "$@" || fadumpctl "$@" --json
}

have_fadumpctl() { command -v fadumpctl >/dev/null 2>&1; }
# fadumpctl --help lists its commands as "  NAME ARGS   help"
fctl_has() { have_fadumpctl && fadumpctl --help 2>&1 | grep -Eq "^[[:space:]]+$1([[:space:]]|\$)"; }

json_true() {
    # json_true FILE KEY: KEY is true in FILE (flat check, good enough for the guest;
    # run.sh parses the JSON properly)
    grep -Eq "\"$2\"[[:space:]]*:[[:space:]]*true" "$1"
}

# collect DIR: raw copies of everything the kernel and firmware expose, for fixtures
collect_raw() {
    d=$BOOTDIR/$1
    mkdir -p "$d/sysfs"
    ls -la /sys/kernel/ >"$d/sys-kernel.ls" 2>&1
    ls -la "$FADUMP_SYSFS"/ >"$d/sysfs.ls" 2>&1
    for f in "$FADUMP_SYSFS"/* /sys/kernel/fadump_*; do
        [ -e "$f" ] || continue
        n=$(basename "$f")
        if [ -r "$f" ] && cat "$f" >"$d/sysfs/$n" 2>"$d/sysfs/$n.err"; then
            rm -f "$d/sysfs/$n.err"
        else
            echo "(not readable)" >"$d/sysfs/$n.unreadable"
            rm -f "$d/sysfs/$n"
        fi
    done
    cat "$REGION_FILE" >"$d/fadump_region" 2>"$d/fadump_region.err" || true
    cat /sys/firmware/fdt >"$d/fdt.dtb" 2>/dev/null || true
    # the firmware's dump node: /rtas (pseries) or /ibm,opal/dump (powernv),
    # as rtas.tar / opal-dump.tar and a "NAME BYTES" list of its properties
    (cd /proc/device-tree && tar -cf "$d/$fw_tag.tar" "$fw_node") 2>"$d/$fw_tag.tar.err"
    for p in /proc/device-tree/"$fw_node"/*; do
        [ -f "$p" ] || continue
        printf '%s %s\n' "$(basename "$p")" "$(wc -c <"$p")"
    done >"$d/$fw_tag-props.txt"
    if [ "$platform" = powernv ]; then
        # the OPAL core (CONFIG_OPAL_CORE): core and release_core, capture boot only
        ls -l /sys/firmware/opal/mpipl/ >"$d/opal-mpipl.ls" 2>&1
        ls /proc/device-tree/ibm,opal/ >"$d/ibm,opal.ls" 2>&1
    fi
    cat /proc/cmdline >"$d/cmdline"
    cat /proc/meminfo >"$d/meminfo"
    cat /proc/iomem >"$d/iomem" 2>/dev/null
    uname -a >"$d/uname"
    if [ -e /proc/vmcore ]; then ls -l /proc/vmcore >"$d/vmcore.ls"; fi
    dmesg | grep -i -E 'fadump|dump|crash|rtas' >"$d/dmesg-fadump.txt" 2>&1
}

# collect_cli TAG: fadumpctl views of the system, as JSON and as text
collect_cli() {
    t=$1
    if have_fadumpctl; then
        run "$t-status-json" fctl_json status
        run "$t-status" fadumpctl status
        run "$t-regions-json" fctl_json regions
        run "$t-regions" fadumpctl regions
        run "$t-devtree-json" fctl_json devtree
        run "$t-devtree" fadumpctl devtree
        # powernv: check and metadata too, in every state (the capture
        # boot runs them below); not through fctl_json: their exit status
        # is an answer (no dump), and a retry would print twice
        if [ "$platform" = powernv ] && [ "$t" != capture ]; then
            run "$t-check-json" fadumpctl --json check
            run "$t-metadata-json" fadumpctl --json metadata
        fi
    else
        run "$t-status-raw" sh -c "grep -H . $FADUMP_SYSFS/* 2>/dev/null"
    fi
}

# json_num FILE KEY: the first number KEY has in FILE (fadumpctl's JSON: one
# key per line or not; run.sh parses the JSON properly), empty if none
json_num() {
    tr ',{}[]' '\n\n\n\n\n' <"$1" |
        sed -n "s/^[[:space:]]*\"$2\"[[:space:]]*:[[:space:]]*\([0-9][0-9]*\)[[:space:]]*\$/\1/p" | head -1
}

# json_segments FILE: "PADDR OFFSET FILESZ" per segment of `fadumpctl --json info`
json_segments() {
    tr ',{}[]' '\n\n\n\n\n' <"$1" | awk -F: '
        { gsub(/[" \t]/, "") }
        $1 == "paddr" { p = $2 }
        $1 == "offset" { o = $2 }
        $1 == "filesz" { if (p != "" && o != "") print p, o, $2; p = ""; o = "" }'
}

uptime_s() { cut -d' ' -f1 /proc/uptime; }

# nonzero_bytes OFFSET LENGTH PAGE: non-zero bytes read() gives in that part of
# /proc/vmcore (busybox dd; OFFSET and LENGTH multiples of PAGE)
nonzero_bytes() {
    dd if=/proc/vmcore bs="$3" skip=$(($1 / $3)) count=$(($2 / $3)) 2>/dev/null | tr -d '\000' | wc -c
}

# What the running kernel sees at a few of its own virtual addresses, read
# through /proc/kcore (kcore-peek: no page-table walk of ours), for check.py
# to compare with `fadumpctl read --virt` of the dump.  Chosen to hold still
# until the crash and to need every kind of translation: init_uts_ns's name
# (linear map, kernel data), the mem_section root (linear map, near the top
# of RAM, where firmware clobbering would show), and the struct pages of
# pfn 0 and of the page holding that root (vmemmap, walked through the page
# tables on radix).  Lines "VADDR LEN HEX" in $BOOTDIR/kcore-view.txt.
kcore_view() {
    command -v kcore-peek >/dev/null 2>&1 || { fail "kcore-peek missing in the initramfs"; return; }
    kv=$BOOTDIR/kcore-view.txt
    kcore-peek vmcoreinfo >"$BOOTDIR/vmcoreinfo.txt" 2>"$BOOTDIR/kcore-view.err" ||
        { fail "kcore-peek vmcoreinfo failed: $(cat "$BOOTDIR/kcore-view.err")"; return; }
    vi() { sed -n "s/^$1=//p" "$BOOTDIR/vmcoreinfo.txt"; }
    uts=$(vi 'SYMBOL(init_uts_ns)')
    name_off=$(vi 'OFFSET(uts_namespace.name)')
    root=$(vi 'SYMBOL(mem_section)')
    vmemmap=$(vi 'SYMBOL(vmemmap)')
    page_size=$(vi 'SIZE(page)')
    psz=$(vi PAGESIZE)
    if [ -z "$uts" ] || [ -z "$name_off" ] || [ -z "$root" ] || [ -z "$vmemmap" ] ||
       [ -z "$page_size" ] || [ -z "$psz" ]; then
        fail "kcore view: a VMCOREINFO line is missing (uts=$uts name=$name_off mem_section=$root vmemmap=$vmemmap page=$page_size pagesize=$psz)"
        return
    fi
    root_pfn=$(( (0x$root - 0xc000000000000000) / psz ))
    {
        kcore-peek read $(( 0x$uts + name_off )) 390
        kcore-peek read "0x$root" 256
        kcore-peek read "0x$vmemmap" "$page_size"
        kcore-peek read $(( 0x$vmemmap + root_pfn * page_size )) "$page_size"
    } >"$kv" 2>>"$BOOTDIR/kcore-view.err" || fail "kcore-peek read failed: $(cat "$BOOTDIR/kcore-view.err")"
    echo "root_pfn=$root_pfn mem_bytes=$(awk '/^MemTotal/ { print $2 * 1024 }' /proc/meminfo)" >"$BOOTDIR/kcore-view.env"
    log "kcore view: $(wc -l <"$kv") ranges recorded"
}

# Memory of known kind when the kernel crashes, for the filtered saves'
# checks (check-filtered.py): memfill's marked pages, one marker per kind,
# e2e.known MiB each (the tmpfs pages of e2e.fill are the shmem kind), and a
# printk record.  The freed kinds go last: the allocator hands out the
# memory freed last first, and the kinds that stay would take it.  What was
# written is in $BOOTDIR/known.txt ("MARK PAGES" lines) and printk-marker.
known_memory() {
    [ "$known_mib" -gt 0 ] || return 0
    command -v memfill >/dev/null 2>&1 || { fail "memfill missing in the initramfs"; return; }
    run known-anon memfill hold "$known_mib" E2E-ANON || fail "memfill hold (anonymous) failed"
    # the disk's page cache: written back (sync), then clean until the crash
    run known-pcache memfill fill "$OUT/pcache.fill" "$known_mib" E2E-PCAC || fail "memfill fill (page cache) failed"
    sync
    # both freed at the end: neither takes the memory the other freed
    run known-deleted memfill fill /tmp/deleted "$known_mib" E2E-DELF || fail "memfill fill (deleted) failed"
    run known-free memfill anon "$known_mib" E2E-FREE || fail "memfill anon (freed) failed"
    rm -f /tmp/deleted
    pages=$(( known_mib * 1048576 / $(mmap-zero pagesize) ))
    {
        echo "E2E-FILL $(( fill_mib * 1048576 / $(mmap-zero pagesize) ))"
        for m in E2E-FREE E2E-DELF E2E-ANON E2E-PCAC; do echo "$m $pages"; done
    } >"$BOOTDIR/known.txt"
    line="E2E-PRINTK $(cat /proc/sys/kernel/random/uuid)"
    echo "$line" >/dev/kmsg
    echo "$line" >"$BOOTDIR/printk-marker"
    log "known memory: $known_mib MiB of each kind, printk '$line'"
}

# The options of the plain copy (the raw dump, byte for byte): a fadumpctl
# with the filtered save writes a level-31 kdump file unless told otherwise
plain_copy() {
    if fadumpctl save --help 2>&1 | grep -q -- '--level'; then echo "--level 0 --format elf"; fi
}

# seconds_since T0: seconds from uptime T0 to now
seconds_since() { awk "BEGIN{print $(uptime_s) - $1}"; }

# powernv: the firmware's CPU metadata (struct opal_mpipl_fadump, tag CPU;
# its address is in opal-core.c's pr_debug line, printed with dyndbg) and
# the CPU state data its first region points at (HDAT register entries),
# read through /proc/kcore: the kernel's own decode of them (PIR, R1, NIP
# per CPU, also dyndbg) is in the same log, an oracle for the library's
# decoders.  opal-cpu-meta.hex / opal-cpu-state.hex: "VADDR LEN HEX" lines
opal_cpu_state() {
    caddr=$(dmesg | sed -n 's/.*CPU metadata addr: \([0-9a-f]*\).*/\1/p' | head -1)
    [ -n "$caddr" ] || { fail "no 'CPU metadata addr' line (dyndbg of opal-core.c)"; return; }
    echo "0x$caddr" >"$BOOTDIR/opal-cpu-meta.addr"
    kcore-peek read $((0xc000000000000000 + 0x$caddr)) 256 >"$BOOTDIR/opal-cpu-meta.hex" ||
        { fail "kcore-peek of the CPU metadata at 0x$caddr failed"; return; }
    # big-endian: version u8, reserved[7], crashing_pir, cpu_data_version,
    # cpu_data_size, region_cnt (u32 each), then { src, dest, size } u64s
    hex=$(cut -d' ' -f3 "$BOOTDIR/opal-cpu-meta.hex")
    dest=$((0x${hex:64:16}))
    size=$((0x${hex:80:16}))
    echo "dest=$dest size=$size" >"$BOOTDIR/opal-cpu-state.env"
    [ "$size" -gt 0 ] && [ "$size" -le 1048576 ] || { fail "CPU state data size $size"; return; }
    off=0
    : >"$BOOTDIR/opal-cpu-state.hex"
    while [ "$off" -lt "$size" ]; do
        n=$((size - off)); [ "$n" -le 4096 ] || n=4096
        kcore-peek read $((0xc000000000000000 + dest + off)) "$n" >>"$BOOTDIR/opal-cpu-state.hex" ||
            { fail "kcore-peek of the CPU state data at $((dest + off)) failed"; return; }
        off=$((off + n))
    done
}

# The filtered saves, before anything is released: Debian's makedumpfile (the
# peer) at -d 31 with -c (zlib) and -l (lzo), and `fadumpctl save --level 31
# --format kdump` with zstd (its default), zlib and lzo for like for like;
# e2e.runs rounds, alternating, so that a slow moment of the shared host
# does not fall on one tool only.  Times and sizes in $BOOTDIR/compare.txt
# ("TOOL COMPRESSION RUN SECONDS BYTES"); the first round's files are kept
# (dump-d31-c.kdump, dump-d31-l.kdump; flt-zstd.kdump, ...) with their
# reports (makedumpfile-c.out/err: its excluded pages per class, message
# level 23 = the default 7 and the report 16; flt-zstd.out: the JSON).
compare_saves() {
    ours=1
    if [ "$known_mib" = 0 ]; then
        ours=0
    elif ! fadumpctl save --help 2>&1 | grep -q -- '--level'; then
        echo "fadumpctl has no 'save --level'" >"$BOOTDIR/flt-skipped"
        ours=0
    fi
    have_peer=0
    if command -v makedumpfile >/dev/null 2>&1; then
        have_peer=1
        makedumpfile -v >"$BOOTDIR/makedumpfile.version" 2>&1
    fi
    : >"$BOOTDIR/compare.txt"
    mark "filtered-start"
    r=1
    while [ "$r" -le "$cmp_runs" ]; do
        for c in c l; do
            [ "$have_peer" = 1 ] || break
            f=$BOOTDIR/dump-d31-$c.kdump
            [ "$r" = 1 ] || f=$BOOTDIR/mdf-run.kdump
            rm -f "$f"
            t0=$(uptime_s)
            step=makedumpfile-$c
            [ "$r" = 1 ] || step=makedumpfile-$c-$r
            run "$step" makedumpfile --message-level 23 -d 31 -$c /proc/vmcore "$f" ||
                fail "makedumpfile -d 31 -$c failed (run $r)"
            sync
            echo "makedumpfile $c $r $(seconds_since "$t0") $(wc -c <"$f")" >>"$BOOTDIR/compare.txt"
            [ "$r" = 1 ] || rm -f "$f"
        done
        for c in zstd zlib lzo; do
            [ "$ours" = 1 ] || break
            d=$BOOTDIR/flt-$c-$r
            mkdir -p "$d"
            t0=$(uptime_s)
            run "flt-$c-$r" fadumpctl save --level 31 --format kdump --compress "$c" --json "$d" ||
                fail "fadumpctl save --level 31 --format kdump --compress $c failed (run $r)"
            # the save syncs what it wrote: no sync of ours in its time
            secs=$(seconds_since "$t0")
            f=$(find "$d" -type f | head -1)   # DEST/vmcore
            [ ! -f "$f" ] || echo "fadumpctl $c $r $secs $(wc -c <"$f")" >>"$BOOTDIR/compare.txt"
            if [ "$r" = 1 ]; then
                [ ! -f "$f" ] || mv "$f" "$BOOTDIR/flt-$c.kdump"
                for x in out err rc; do mv "$BOOTDIR/flt-$c-1.$x" "$BOOTDIR/flt-$c.$x"; done
            fi
            rm -rf "$d"
        done
        r=$((r + 1))
    done
    sync
    mark "filtered-end"
    log "filtered saves: $(wc -l <"$BOOTDIR/compare.txt") runs"
}

# ---------------------------------------------------------------- bring-up
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /tmp /out
mount -t tmpfs tmpfs /tmp
echo 1 >/proc/sys/kernel/sysrq

mode=require
save_mode=auto
fill_mib=16
known_mib=16
cmp_runs=3
proof=0
platform=pseries
rereg=
for arg in $(cat /proc/cmdline); do
    case "$arg" in
        e2e.fadumpctl=*) mode=${arg#*=} ;;
        e2e.save=*) save_mode=${arg#*=} ;;
        e2e.fill=*) fill_mib=${arg#*=} ;;
        e2e.proof=*) proof=${arg#*=} ;;
        e2e.known=*) known_mib=${arg#*=} ;;
        e2e.runs=*) cmp_runs=${arg#*=} ;;
        e2e.platform=*) platform=${arg#*=} ;;
        e2e.rereg=*) rereg=${arg#*=} ;;
    esac
done

# the firmware's dump interface, and what it adds in a capture boot
case "$platform" in
    powernv) fw_node=ibm,opal/dump fw_tag=opal-dump fw_capture=/proc/device-tree/ibm,opal/dump/mpipl-boot ;;
    *) fw_node=rtas fw_tag=rtas fw_capture=/proc/device-tree/rtas/ibm,kernel-dump ;;
esac

BOOTDIR=
if ! mount -t ext2 /dev/vda "$OUT"; then
    log "cannot mount the output disk /dev/vda"
    finish FAIL "no output disk"
fi

# a run boots exactly twice; a third boot means the capture kernel panicked (an
# oops is a panic here: panic_on_oops=1) or rebooted: record it and stop
boots=$(( $(cat "$OUT/boots" 2>/dev/null || echo 0) + 1 ))
echo "$boots" >"$OUT/boots"
if [ "$boots" -gt 2 ]; then
    BOOTDIR=$OUT/boot$boots
    mkdir -p "$BOOTDIR"
    collect_raw raw
    fail "unexpected boot number $boots: the capture kernel crashed or rebooted (see the console log)"
    finish FAIL "boot $boots"
fi

if [ -e "$fw_capture" ] || [ -e /proc/vmcore ]; then
    boot=capture
    BOOTDIR=$OUT/boot2
else
    boot=first
    BOOTDIR=$OUT/boot1
fi
mark "$boot-init"
log "$boot boot, fadumpctl mode $mode, save mode $save_mode, kernel $(uname -r)"

if [ "$boot" = first ] && [ -e "$OUT/boot1/crash-requested" ]; then
    # we crashed the kernel in the first boot, but this boot has no dump
    BOOTDIR=$OUT/boot2
    mkdir -p "$BOOTDIR"
    collect_raw raw
    fail "booted again after the crash, but no dump is active (no $fw_capture, no /proc/vmcore)"
    finish FAIL "no capture boot"
fi
if [ "$boot" = capture ] && [ ! -e "$OUT/boot1/crash-requested" ]; then
    mkdir -p "$BOOTDIR"
    collect_raw raw
    fail "a dump is active but this run never crashed the first boot"
    finish FAIL "unexpected dump"
fi
mkdir -p "$BOOTDIR"

if have_fadumpctl; then
    log "fadumpctl: $(fadumpctl --version 2>&1)"
    fadumpctl --version >"$BOOTDIR/fadumpctl-version" 2>&1
elif [ "$mode" = require ]; then
    fail "fadumpctl is not in the initramfs (e2e.fadumpctl=require)"
    finish FAIL "no fadumpctl"
else
    log "WARNING: no fadumpctl, development mode: raw sysfs only"
fi

# ---------------------------------------------------------------- first boot
if [ "$boot" = first ]; then
    [ -d "$FADUMP_SYSFS" ] || fail "$FADUMP_SYSFS missing: kernel without CONFIG_FA_DUMP or no firmware support"
    if [ "$platform" = powernv ]; then
        [ -d /proc/device-tree/ibm,opal/dump ] || fail "firmware does not offer MPIPL (no /ibm,opal/dump)"
    else
        [ -e /proc/device-tree/rtas/ibm,configure-kernel-dump ] || fail "firmware does not offer ibm,configure-kernel-dump"
    fi
    [ "$(cat $FADUMP_SYSFS/enabled 2>/dev/null)" = 1 ] || fail "fadump not enabled (fadump=on missing, or reservation failed)"

    collect_cli before
    if [ "$(cat $FADUMP_SYSFS/registered 2>/dev/null)" != 1 ]; then
        log "kernel did not register at boot: registering"
        if have_fadumpctl; then
            run register fadumpctl register || fail "fadumpctl register failed"
        else
            run register sh -c "echo 1 > $FADUMP_SYSFS/registered" || fail "echo 1 > registered failed"
        fi
    fi
    [ "$(cat $FADUMP_SYSFS/registered 2>/dev/null)" = 1 ] || fail "fadump is not registered"

    collect_cli boot1
    if have_fadumpctl; then
        json_true "$BOOTDIR/boot1-status-json.out" registered || fail "status --json does not say registered"
    fi
    [ -n "$rereg" ] || { rereg=0; [ "$platform" = powernv ] && rereg=1; }
    if [ "$rereg" = 1 ] && have_fadumpctl; then
        # the OPAL registration round trip: unregister, register again
        run unregister fadumpctl unregister || fail "fadumpctl unregister failed"
        [ "$(cat $FADUMP_SYSFS/registered 2>/dev/null)" = 0 ] || fail "still registered after unregister"
        collect_cli unregistered
        run reregister1 fadumpctl register || fail "fadumpctl register after unregister failed"
        [ "$(cat $FADUMP_SYSFS/registered 2>/dev/null)" = 1 ] || fail "not registered after register"
        collect_cli boot1-rereg
    fi
    collect_raw raw

    # marked pages in RAM when the kernel crashes (memfill: see its header):
    # shmem (a tmpfs file); for the release proof, half of it is a live
    # process's anonymous memory instead, so that the machine in use the
    # filtered save faces holds both kinds of data a level-31 dump leaves out
    if [ "$fill_mib" -gt 0 ] && command -v memfill >/dev/null 2>&1; then
        shm_mib=$fill_mib
        [ "$proof" = 1 ] && shm_mib=$((fill_mib / 2))
        mkdir -p /marked
        mount -t tmpfs -o size=$((shm_mib + 8))m marked /marked
        t0=$(uptime_s)
        run memfill memfill fill /marked/pages "$shm_mib" || fail "memfill fill $shm_mib MiB failed"
        if [ "$shm_mib" != "$fill_mib" ]; then
            run memfill-hold memfill hold $((fill_mib - shm_mib)) E2E-HELD ||
                fail "memfill hold $((fill_mib - shm_mib)) MiB failed"
        fi
        echo "$fill_mib MiB ($shm_mib MiB shmem) in $(awk "BEGIN{print $(uptime_s) - $t0}") s" >>"$BOOTDIR/memfill.out"
    fi

    known_memory

    kcore_view

    if [ "$failures" != 0 ]; then
        finish FAIL "first boot checks failed"
    fi
    echo "crash requested at uptime $(cut -d' ' -f1 /proc/uptime)" >"$BOOTDIR/crash-requested"
    sync
    # read-only rather than unmounted: an unmount would evict the page cache
    # of the disk's files, which known_memory left there for the dump
    mount -o remount,ro "$OUT" || umount "$OUT"
    sync
    mark "crash"
    echo c >/proc/sysrq-trigger
    # not reached when fadump works
    sleep 5
    mount -t ext2 /dev/vda "$OUT" && fail "still alive 5 s after sysrq-c"
    finish FAIL "sysrq-c did not crash the kernel"
fi

# ---------------------------------------------------------------- capture boot


# release_range for real (kernel/patches/0003, `fadumpctl release --range`):
# release a range of marked pages above boot memory, then check what /proc/vmcore
# shows there through read() and mmap(), the debugfs Released line, and the
# refusals (again: EBUSY; boot memory: ERANGE; unaligned: EINVAL).  Results in
# $BOOTDIR/rr/ (env: the numbers; *.rc/out/err per step); check.py re-checks
# them and the saved copy.
release_range_checks() {
    rr=$BOOTDIR/rr
    mkdir -p "$rr"
    if ! fadumpctl --help 2>&1 | grep -q -- '--range'; then
        echo "fadumpctl has no 'release --range'" >"$rr/skipped"
        fail "fadumpctl has no 'release --range' (needed for the release_range checks)"
        return
    fi
    for t in memfill mmap-zero; do
        command -v $t >/dev/null 2>&1 || { fail "$t missing in the initramfs"; return; }
    done
    page=$(mmap-zero pagesize)
    top=$(json_num "$BOOTDIR/capture-regions-json.out" reserved_above)
    [ -n "$top" ] || { fail "regions --json has no reserved_above"; return; }
    # the first PT_LOAD above boot memory; its first page-aligned address.
    # powernv: the last one.  There the first one above boot memory is the
    # gap between boot memory (768 MiB) and the reserved area, which
    # skiboot's reserved-ranges (its code, heap, data, stacks, dump and
    # register areas at 0x30000000) cover almost whole: the kernel keeps it
    # until release_mem (ERANGE); the memory above the reserved area is
    # what release_range can give back
    # shellcheck disable=SC2046 # three numbers, split on purpose
    set -- $(json_segments "$BOOTDIR/capture-info-json.out" | while read -r p o f; do
        [ "$p" -ge "$top" ] || continue
        echo "$p $o $f"
        [ "$platform" = powernv ] || break
    done | tail -1)
    [ $# = 3 ] || { fail "info --json has no PT_LOAD above boot memory ($top)"; return; }
    seg_paddr=$1 seg_off=$2 seg_size=$3
    a=$(( (seg_paddr + page - 1) / page * page ))
    foff=$(( seg_off + a - seg_paddr ))
    len=$(( seg_paddr + seg_size - a ))
    [ $((foff % page)) = 0 ] || { fail "PT_LOAD at $seg_paddr: file offset $foff of a page-aligned address is not page aligned"; return; }
    # two runs of 4 marked pages: one to release, one that stays
    pages=4
    runs=$(memfill find /proc/vmcore "$foff" "$len" $pages 2)
    [ "$(echo "$runs" | wc -l)" = 2 ] || { pages=1; runs=$(memfill find /proc/vmcore "$foff" "$len" 1 2); }
    set -- $runs
    [ $# = 2 ] || { fail "memfill found no 2 runs of marked pages above boot memory (found: $runs)"; return; }
    r_off=$(($1)) k_off=$(($2))
    size=$((pages * page))
    start=$((a + r_off - foff))
    keep=$((a + k_off - foff))
    {
        echo "page=$page"
        echo "boot_top=$top"
        echo "seg_paddr=$seg_paddr seg_off=$seg_off seg_size=$seg_size"
        echo "start=$start size=$size offset=$r_off"
        echo "keep_start=$keep keep_offset=$k_off"
    } >"$rr/env"
    log "release_range: $size bytes at paddr $start (file offset $r_off), page size $page"

    nonzero_bytes "$r_off" "$size" "$page" >"$rr/before.nonzero"
    run rr-mmap-before mmap-zero zero /proc/vmcore "$r_off" "$size"
    [ "$(cat "$rr/before.nonzero")" -gt 0 ] || fail "release_range: the marked range reads as zeros before its release"
    run rr-release fadumpctl release --range "$start" "$size" || fail "fadumpctl release --range $start $size failed"
    nonzero_bytes "$r_off" "$size" "$page" >"$rr/after.nonzero"
    [ "$(cat "$rr/after.nonzero")" = 0 ] || fail "release_range: $(cat "$rr/after.nonzero") non-zero bytes read() from the released range"
    run rr-mmap-after mmap-zero zero /proc/vmcore "$r_off" "$size" || fail "release_range: mmap of the released range is not all zeros"
    run rr-mmap-keep mmap-zero same /proc/vmcore "$k_off" "$size" || fail "release_range: mmap and read() of an unreleased range differ"
    run rr-regions-json fctl_json regions
    cat "$REGION_FILE" >"$rr/fadump_region" 2>&1
    run rr-again fadumpctl release --range "$start" "$size" && fail "releasing the same range twice succeeded"
    run rr-boot fadumpctl release --range "$page" "$page" && fail "releasing a range in boot memory succeeded"
    run rr-unaligned fadumpctl release --range "$((keep + 4096))" "$page" && fail "releasing an unaligned range succeeded"
    run rr-regions-after-json fctl_json regions
    [ "$(json_num "$BOOTDIR/rr-regions-after-json.out" released_bytes)" = "$size" ] ||
        fail "regions --json released_bytes is not $size after the refused releases"
    # One page more, in the first MiB of the segment, where the saver first
    # asks for memory back: the kernel then refuses that MiB with EBUSY (part
    # released before), which the saver must not take for boot memory's
    # ERANGE. Any page but the two runs'.
    first=$a
    while :; do
        o=$((foff + first - a))
        if [ "$o" -lt $((r_off + size)) ] && [ "$r_off" -lt $((o + page)) ]; then :
        elif [ "$o" -lt $((k_off + size)) ] && [ "$k_off" -lt $((o + page)) ]; then :
        else break
        fi
        first=$((first + page))
    done
    echo "first_start=$first first_offset=$o" >>"$rr/env"
    run rr-first-page fadumpctl release --range "$first" "$page" ||
        fail "fadumpctl release --range $first $page (the segment's first MiB) failed"
    # move the step files into rr/ (run writes them to $BOOTDIR)
    for f in "$BOOTDIR"/rr-*; do mv "$f" "$rr/"; done
}

# The release proof (run.sh --release-proof): wait for the host's answer, save
# with that release mode while sampling memory, power off.  The host migrates
# the VM to a file at "ready" and resumes it twice, so both saves see the same
# crashed memory.
sampler() {
    while [ ! -e /tmp/sampler.stop ]; do
        read -r up rest </proc/uptime
        # shellcheck disable=SC2034 # u: the unit, read to keep it out of v
        while read -r k v u; do
            case $k in
                MemFree:) free=$v ;;
                MemAvailable:) avail=$v; break ;;
            esac
        done </proc/meminfo
        echo "$up $avail $free"
        usleep 100000
    done >"$1"
}

proof_capture() {
    P=$BOOTDIR/proof
    mkdir -p "$P"
    sync
    mark "ready"
    log "waiting for 'E2E-MODE ranges|end|auto|filtered|mdf-end' on the console"
    pmode=
    while read -r w m rest; do
        [ "$w" = E2E-MODE ] && { pmode=$m; break; }
    done
    mark "mode $pmode"
    echo "$pmode" >"$P/mode"
    case "$pmode" in
        ranges|end) opt="--release=$pmode $(plain_copy)" ;;
        auto) opt="--release $(plain_copy)" ;;
        filtered) opt="--release=ranges --level 31 --format kdump" ;;
        mdf-end) command -v makedumpfile >/dev/null 2>&1 || fail "proof: no makedumpfile in the initramfs" ;;
        *) fail "proof: bad mode '$pmode' from the console"; mark "done"; finish FAIL "proof mode" ;;
    esac
    collect_cli proof-before
    rm -f /tmp/sampler.stop
    sampler "$P/mem.txt" &
    spid=$!
    sleep 1
    echo "save_start $(uptime_s)" >"$P/times"
    mark save-start
    if [ "$pmode" = mdf-end ]; then
        # what a distribution does today: the peer writes its level-31
        # file, then all the memory goes back at once (release_mem)
        run proof-mdf sh -c "makedumpfile -d 31 -c /proc/vmcore '$BOOTDIR/vmcore' && sync" ||
            fail "proof: makedumpfile -d 31 -c failed"
        run proof-release fadumpctl release || fail "proof: fadumpctl release failed"
    else
        run proof-save fadumpctl save $opt --json "$BOOTDIR" || fail "proof: fadumpctl save $opt failed"
    fi
    echo "save_end $(uptime_s)" >>"$P/times"
    mark save-end
    sleep 1
    touch /tmp/sampler.stop
    wait $spid
    echo "sampler_end $(uptime_s)" >>"$P/times"
    collect_cli proof-after
    collect_raw raw-proof-after
    mark "done"
    if [ "$failures" != 0 ]; then
        finish FAIL "proof capture boot"
    fi
    finish PASS proof
}

collect_cli capture
collect_raw raw-capture
if have_fadumpctl; then
    json_true "$BOOTDIR/capture-status-json.out" dump_active || fail "status --json does not say dump_active"
fi
if [ "$proof" = 1 ]; then
    proof_capture
fi
[ -e /proc/vmcore ] || fail "no /proc/vmcore in the capture boot"
# added by kernel/patches (release_range, crash_info): present in the capture boot
for f in release_range crash_info; do
    [ -e "$FADUMP_SYSFS/$f" ] || fail "no $FADUMP_SYSFS/$f in the capture boot"
done
# commands from later issues: run when this fadumpctl has them (run.sh checks them)
# powernv: check, metadata and crashinfo read the OPAL metadata and the
# crash-info header from memory (/proc/kcore), as on pseries they read
# the device tree's ibm,kernel-dump; judged the same way
opal_lenient=0
if fctl_has check; then
    run capture-check-json fctl_json check || [ "$opal_lenient" = 1 ] ||
        fail "fadumpctl check: rc $(cat "$BOOTDIR/capture-check-json.rc")"
    run capture-check fadumpctl check
fi
if fctl_has metadata; then
    run capture-metadata-json fctl_json metadata || [ "$opal_lenient" = 1 ] || fail "fadumpctl metadata failed"
    run capture-metadata fadumpctl metadata
fi
if fctl_has info; then
    run capture-info-json fctl_json info || fail "fadumpctl info /proc/vmcore failed"
    run capture-info fadumpctl info
fi
# the structures in the reserved area, through /proc/kcore (run.sh cross-checks
# them against the saved vmcore's NT_PRSTATUS notes)
if fctl_has crashinfo; then
    run capture-crashinfo-json fctl_json crashinfo || [ "$opal_lenient" = 1 ] ||
        fail "fadumpctl crashinfo (through /proc/kcore) failed"
    run capture-crashinfo fadumpctl crashinfo
fi
if fctl_has dmesg; then
    run capture-dmesg fadumpctl dmesg || fail "fadumpctl dmesg /proc/vmcore failed"
fi
# the peer and our filtered save, before anything is released; run.sh puts
# the peer (Debian's makedumpfile for ppc64el) and its libraries in the
# initramfs; the host reads the files with fadumpctl and libkdumpfile
rm -f "$OUT/pcache.fill"   # the first boot's page-cache file (in the dump)
if [ "$platform" = powernv ]; then
    # the OPAL core: an ELF core of OPAL's memory at the crash; its first
    # 64 KiB (headers and notes) for the fixtures
    mp=/sys/firmware/opal/mpipl
    ls -l "$mp" >"$BOOTDIR/opal-mpipl.ls" 2>&1 || fail "no $mp in the capture boot (CONFIG_OPAL_CORE)"
    [ -e "$mp/core" ] || fail "no $mp/core in the capture boot"
    [ -e "$mp/release_core" ] || fail "no $mp/release_core in the capture boot"
    head -c 65536 "$mp/core" >"$BOOTDIR/opalcore-head.bin" 2>"$BOOTDIR/opalcore-head.err"
    # the crashed kernel's OPAL metadata (struct opal_fadump_mem_struct):
    # the first boot printed its address when it registered ("Kernel
    # metadata addr: X", the last page of the reservation, the same in
    # this boot); read through /proc/kcore at its linear-map address
    maddr=$(sed -n 's/.*Kernel metadata addr: \([0-9a-f]*\).*/\1/p' "$OUT/boot1/raw/dmesg-fadump.txt" | head -1)
    if [ -n "$maddr" ]; then
        echo "0x$maddr" >"$BOOTDIR/opal-kernel-metadata.addr"
        kcore-peek read $((0xc000000000000000 + 0x$maddr)) 4096 >"$BOOTDIR/opal-kernel-metadata.hex" \
            2>"$BOOTDIR/opal-kernel-metadata.err" || fail "kcore-peek of the OPAL kernel metadata at 0x$maddr failed"
    else
        fail "the first boot printed no 'Kernel metadata addr'"
    fi
    opal_cpu_state
    dmesg | grep -i -E 'opal|mpipl|fadump' >"$BOOTDIR/dmesg-opal.txt" 2>&1
else
    compare_saves
fi
if [ "$mode" = require ] && [ -e "$FADUMP_SYSFS/release_range" ]; then
    release_range_checks
fi

if [ "$save_mode" = auto ]; then
    if fctl_has save && fadumpctl save --help >/dev/null 2>&1; then
        save_mode=cli
    else
        save_mode=raw
    fi
fi
save_release=
save_log=
if [ "$save_mode" = cli ] && fadumpctl --help 2>&1 | grep -q -- '--release\[=MODE\]'; then
    # range-wise release while saving (the release_range checks above released
    # one range already: the save must skip it, and copy zeros there); the
    # info messages say which segments the kernel keeps and go last
    save_release="--release=ranges --json $(plain_copy)"
    save_log=FADUMP_LOG=info
elif [ "$save_mode" = cli ] && fadumpctl save --help 2>&1 | grep -q -- '--release'; then
    save_release=--release
fi
log "saving /proc/vmcore ($save_mode $save_release)"
echo "$save_mode $save_release" >"$BOOTDIR/save-mode"
released=0
mark "save-start"
case "$save_mode" in
    cli)
        # fadumpctl save DEST writes DEST/vmcore
        run save env $save_log fadumpctl save $save_release "$BOOTDIR" && [ -n "$save_release" ] && released=1
        ;;
    *)
        run save sh -c "cat /proc/vmcore > '$BOOTDIR/vmcore' && sync" ;;
esac
rc=$(cat "$BOOTDIR/save.rc")
sync
mark "save-end"
if [ "$platform" = powernv ]; then
    # the save copied the OPAL core to DEST/opalcore and, being durable,
    # released it (release_core): the kernel then removes core
    ls -l "$BOOTDIR/opalcore" >"$BOOTDIR/opalcore.saved.ls" 2>&1 || fail "the save wrote no DEST/opalcore"
    ls -l /sys/firmware/opal/mpipl/ >"$BOOTDIR/opal-mpipl-after-save.ls" 2>&1
    [ -e /sys/firmware/opal/mpipl/core ] && fail "/sys/firmware/opal/mpipl/core still there after save --release"
    run after-save-status-json fctl_json status
fi
[ "$rc" = 0 ] || fail "saving /proc/vmcore failed (rc $rc)"
ls -l "$BOOTDIR/vmcore" >"$BOOTDIR/vmcore.saved.ls" 2>&1

mark "release-start"
if [ "$released" = 0 ]; then
    if fctl_has release; then
        run release fadumpctl release || fail "fadumpctl release failed"
    elif [ "$mode" = require ]; then
        fail "fadumpctl has no release command"
    else
        run release sh -c "echo 1 > $FADUMP_SYSFS/release_mem" || fail "echo 1 > release_mem failed"
    fi
fi
mark "release-end"
# release_mem must give back only memory the kernel no longer uses.  Fill the free
# memory with zeros in a tmpfs file, re-register (the kernel then writes its
# crash-info header into the reserved area), and look for bytes that changed.
free_kb=$(sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p' /proc/meminfo)
fill_mb=$(( free_kb / 1024 - 96 ))
mkdir -p /fill
mount -t tmpfs -o size=${fill_mb}m fill /fill
log "filling ${fill_mb} MiB of free memory with zeros"
dd if=/dev/zero of=/fill/zero bs=1M count="$fill_mb" 2>/dev/null
echo "MemFree ${free_kb} kB, filled ${fill_mb} MiB" >"$BOOTDIR/fill.txt"

[ -e /proc/vmcore ] && fail "/proc/vmcore still present after release"
collect_cli released
collect_raw raw-released

if have_fadumpctl; then
    run register fadumpctl register || fail "fadumpctl register after release failed"
else
    run register sh -c "echo 1 > $FADUMP_SYSFS/registered" || fail "echo 1 > registered failed"
fi

nonzero=$(tr -d '\000' </fill/zero | wc -c)
echo "non-zero bytes after re-register: $nonzero" >>"$BOOTDIR/fill.txt"
if [ "$nonzero" != 0 ]; then
    tr -d '\000' </fill/zero | head -c 256 | od -A d -t x1z >>"$BOOTDIR/fill.txt"
    fail "re-registering wrote $nonzero bytes into memory that release_mem had freed"
fi
rm -f /fill/zero
umount /fill
[ "$(cat $FADUMP_SYSFS/registered 2>/dev/null)" = 1 ] || fail "not registered after re-registration"
collect_cli reregistered
collect_raw raw-reregistered

if [ "$failures" != 0 ]; then
    finish FAIL "capture boot checks failed"
fi
finish PASS
