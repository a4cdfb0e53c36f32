#!/usr/bin/env python3
"""Host-side checks of what tests/e2e/guest-init.sh saved on the output disk.

usage: check.py [--arch le|be] [--mode require|raw] DIR

DIR holds boot1/ (first boot) and boot2/ (capture boot) as the guest wrote them.
Prints one line per check and a closing 'N passed, N failed' line; exits 1 when any
check failed.  Uses only the standard library and binutils' readelf.
"""

import argparse
import json
import os
import re
import subprocess
import sys

passed = 0
failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {what}")
    else:
        failed += 1
        print(f"FAIL {what}" + (f": {detail}" if detail else ""))
    return ok


def read(path, default=None):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return default


def load_json(d, name):
    """(rc, parsed or None, error text) of a `run NAME fadumpctl --json ...` step."""
    rc = read(os.path.join(d, name + ".rc"))
    text = read(os.path.join(d, name + ".out"))
    err = read(os.path.join(d, name + ".err"), "")
    if rc is None or text is None:
        return None, None, "step did not run"
    try:
        rc = int(rc)
    except ValueError:
        return None, None, f"exit-code file holds {rc[:16]!r} (corrupted on the guest's disk?)"
    try:
        return rc, json.loads(text), err
    except ValueError as e:
        return rc, None, f"not JSON ({e}): {text[:200]!r} {err[:200]!r}"


def check_status(d, name, expect, label):
    rc, j, err = load_json(d, name)
    if not check(rc == 0 and isinstance(j, dict), f"{label}: fadumpctl --json status", f"rc={rc} {err}"):
        return None
    for key in ("platform", "firmware_support", "kernel_support", "enabled", "registered",
                "dump_active", "mem_reserved", "hotplug_ready", "bootargs_append", "sysfs_layout"):
        check(key in j, f"{label}: status has key '{key}'")
    for key, want in expect.items():
        check(j.get(key) == want, f"{label}: status {key} == {want!r}", f"got {j.get(key)!r}")
    return j


def regions_list(j):
    if isinstance(j, list):
        return j
    if isinstance(j, dict):
        for key in ("regions", "sections"):
            if isinstance(j.get(key), list):
                return j[key]
    return None


def check_regions(d, name, label, dumped):
    rc, j, err = load_json(d, name)
    regs = regions_list(j)
    if not check(rc == 0 and regs, f"{label}: fadumpctl --json regions non-empty", f"rc={rc} {err} {j!r}"[:300]):
        return
    names = [r.get("name") for r in regs]
    # OPAL registers boot memory only (opal_fadump_region_show(): DUMP lines);
    # the CPU state data is the firmware's own, outside the kernel's area
    for want in ("CPU", "HPTE", "DUMP") if PLATFORM == "pseries" else ("DUMP",):
        check(want in names, f"{label}: regions include {want}", f"names {names}")
    for r in regs:
        n = r.get("name")
        ok = all(isinstance(r.get(k), int) for k in ("start", "end", "size", "dumped"))
        # the kernel prints [start, start + size - 1]; a 0-byte HPTE region (radix
        # guest, firmware asks for no HPTE space) shows end == start - 1
        check(ok and r["size"] >= 0 and r["end"] == r["start"] + r["size"] - 1
              and (r["size"] > 0 or n == "HPTE"),
              f"{label}: region {n} has consistent start/end/size", repr(r))
        if ok and dumped is not None:
            want = r["size"] if dumped else 0
            check(r["dumped"] == want, f"{label}: region {n} dumped == {'size' if dumped else 0}",
                  f"dumped {r['dumped']:#x} size {r['size']:#x}")
        if n == "DUMP":
            check(isinstance(r.get("source"), int), f"{label}: DUMP region has an integer source")


# pseries or powernv (--platform): where the firmware's dump interface is
PLATFORM = "pseries"


def check_devtree(d, name, label):
    rc, j, err = load_json(d, name)
    check(rc == 0 and j, f"{label}: fadumpctl --json devtree", f"rc={rc} {err}")
    text = read(os.path.join(d, name.replace("-json", "") + ".out"), "")
    want = "configure-kernel-dump" if PLATFORM == "pseries" else "ibm,opal"
    check(want in (text + json.dumps(j)), f"{label}: devtree mentions {want}")


def check_raw(d, label, capture):
    raw = os.path.join(d, "raw" if not capture else "raw-capture")
    sysfs = os.path.join(raw, "sysfs")
    check(read(os.path.join(sysfs, "enabled"), "").strip() == "1", f"{label}: raw sysfs enabled == 1")
    region = read(os.path.join(raw, "fadump_region"), "")
    first = "CPU :[" if PLATFORM == "pseries" else "DUMP: Src: "
    check(region.startswith(first), f"{label}: raw fadump_region starts with '{first}'", region[:80])
    if capture:
        check("Memory above" in region, f"{label}: raw fadump_region has the 'Memory above' line")
    check(os.path.getsize(os.path.join(raw, "fdt.dtb")) > 0 if os.path.exists(os.path.join(raw, "fdt.dtb")) else False,
          f"{label}: FDT blob saved")
    if PLATFORM == "powernv":
        # /ibm,opal/dump: "compatible" always, "mpipl-boot" in the capture boot
        props = read(os.path.join(raw, "opal-dump-props.txt"), "")
        check("compatible " in props, f"{label}: /ibm,opal/dump present", props[:200])
        check(("mpipl-boot " in props) == capture,
              f"{label}: /ibm,opal/dump/mpipl-boot {'present' if capture else 'absent'}", props[:200])
        return
    props = read(os.path.join(raw, "rtas-props.txt"), "")
    check("ibm,configure-kernel-dump " in props, f"{label}: /rtas/ibm,configure-kernel-dump present")
    check(("ibm,kernel-dump " in props) == capture,
          f"{label}: /rtas/ibm,kernel-dump {'present' if capture else 'absent'}")


def readelf(args, path):
    p = subprocess.run(["readelf", "-W"] + args + [path], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def pt_loads(path):
    """(offset, paddr, filesz) of each PT_LOAD, as readelf -l lists them."""
    rc, ph = readelf(["-l"], path)
    loads = re.findall(r"^\s+LOAD\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", ph, re.M)
    return rc, ph, [(int(off, 16), int(pa, 16), int(fs, 16)) for off, _, pa, fs, _ in loads]


def check_vmcore(d, arch, osrelease):
    path = os.path.join(d, "vmcore")
    if not check(os.path.exists(path), "vmcore saved"):
        return
    size = os.path.getsize(path)
    check(size > 512 << 20, "vmcore larger than 512 MiB", f"{size} bytes")
    ls = read(os.path.join(d, "raw-capture", "vmcore.ls"), "")
    m = re.search(r"\s(\d+)\s+\w+\s+\d+\s+[\d:]+\s+/proc/vmcore", ls)
    if m:
        check(int(m.group(1)) == size, "vmcore size == size of /proc/vmcore", f"{size} vs {m.group(1)}")

    rc, h = readelf(["-h"], path)
    check(rc == 0, "readelf -h", h[:300])
    check(re.search(r"Class:\s+ELF64", h) is not None, "vmcore is ELF64")
    check(re.search(r"Type:\s+CORE", h) is not None, "vmcore is ET_CORE")
    check(re.search(r"Machine:\s+PowerPC64", h) is not None, "vmcore is EM_PPC64")
    endian = "little endian" if arch == "le" else "big endian"
    check(endian in h, f"vmcore data is {endian}")

    rc, ph, loads = pt_loads(path)
    check(rc == 0, "readelf -l", ph[:300])
    notes = len(re.findall(r"^\s+NOTE\s", ph, re.M))
    check(notes == 1, "vmcore has one PT_NOTE", f"{notes}")
    check(len(loads) >= 2, "vmcore has >= 2 PT_LOAD (boot memory + the rest)", f"{len(loads)}")
    if loads:
        first_paddr = loads[0][1]
        check(first_paddr == 0, "first PT_LOAD starts at physical 0", f"{first_paddr:#x}")
        end = max(off + fs for off, _, fs in loads)
        check(end <= size, "every PT_LOAD lies inside the file", f"end {end:#x} size {size:#x}")

    rc, nt = readelf(["-n"], path)
    check(rc == 0, "readelf -n", nt[:300])
    prstatus = len(re.findall(r"NT_PRSTATUS", nt))
    check(prstatus >= 1, "vmcore has NT_PRSTATUS notes", f"{prstatus}")
    check(prstatus == 2, "one NT_PRSTATUS per CPU (-smp 2)", f"{prstatus}")
    check("VMCOREINFO" in nt, "vmcore has a VMCOREINFO note")
    # the note's text: readelf does not print it; find it in the file's first pages
    with open(path, "rb") as f:
        head = f.read(1 << 20)
    i = head.find(b"OSRELEASE=")
    check(i >= 0, "VMCOREINFO text found")
    if i >= 0:
        rel = head[i + 10:head.index(b"\n", i)].decode()
        print(f"     VMCOREINFO OSRELEASE={rel}")
        if osrelease:
            check(rel == osrelease, "VMCOREINFO OSRELEASE == uname -r of the crashed kernel", f"{rel} vs {osrelease}")
        check(b"CRASHTIME=" in head, "VMCOREINFO has CRASHTIME")
        m = re.search(rb"PAGESIZE=(\d+)", head)
        if m:
            print(f"     VMCOREINFO PAGESIZE={m.group(1).decode()}")


def check_host_info(fctl, path, arch, osrelease, live):
    """fadumpctl info on the saved copy, on the host; must agree with the guest's view."""
    helptext = subprocess.run([fctl, "--help"], capture_output=True, text=True).stdout
    if not re.search(r"^\s+info\b", helptext, re.M):
        print("     (host fadumpctl has no info command yet)")
        return
    p = subprocess.run([fctl, "--json", "info", path], capture_output=True, text=True)
    d = os.path.dirname(path)
    with open(os.path.join(d, "host-info.json"), "w") as f:
        f.write(p.stdout)
    t = subprocess.run([fctl, "info", path], capture_output=True, text=True)
    with open(os.path.join(d, "host-info.txt"), "w") as f:
        f.write(t.stdout + t.stderr)
    try:
        j = json.loads(p.stdout)
    except ValueError:
        j = None
    if not check(p.returncode == 0 and isinstance(j, dict), "host: fadumpctl --json info on the saved vmcore",
                 f"rc={p.returncode} {p.stderr[:300]}"):
        return
    check(j.get("machine") == "ppc64", "host info: machine ppc64", repr(j.get("machine")))
    check(j.get("byte_order") == ("little" if arch == "le" else "big"), "host info: byte order",
          repr(j.get("byte_order")))
    check(j.get("cpus") == 2, "host info: 2 CPUs", repr(j.get("cpus")))
    if osrelease:
        check(j.get("osrelease") == osrelease, "host info: osrelease of the crashed kernel", repr(j.get("osrelease")))
    check(isinstance(j.get("crash_time"), int), "host info: crash_time")
    if isinstance(live, dict):
        for key in ("byte_order", "machine", "page_size", "osrelease", "crash_time", "cpus", "notes", "vmcoreinfo"):
            check(j.get(key) == live.get(key), f"host info == guest info of /proc/vmcore: {key}",
                  f"{j.get(key)!r:.120} vs {live.get(key)!r:.120}")
        segs_h = [(x.get("paddr"), x.get("filesz"), x.get("memsz")) for x in j.get("segments", [])]
        segs_g = [(x.get("paddr"), x.get("filesz"), x.get("memsz")) for x in live.get("segments", [])]
        check(segs_h == segs_g, "host info == guest info: segments (paddr, filesz, memsz)")


def check_host_dmesg(fctl, path, console):
    """fadumpctl dmesg on the saved copy: the crashed kernel's log, read
    through VMCOREINFO, must end in the panic and agree with what the
    first boot printed on its console (the messages at console loglevel)."""
    helptext = subprocess.run([fctl, "--help"], capture_output=True, text=True).stdout
    if not re.search(r"^\s+dmesg\b", helptext, re.M):
        print("     (host fadumpctl has no dmesg command yet)")
        return
    d = os.path.dirname(path)
    t = subprocess.run([fctl, "dmesg", path], capture_output=True, text=True)
    with open(os.path.join(d, "host-dmesg.txt"), "w") as f:
        f.write(t.stdout)
    if not check(t.returncode == 0, "host: fadumpctl dmesg on the saved vmcore",
                 f"rc={t.returncode} {t.stderr[:300]}"):
        return
    if t.stderr:
        print(f"     {t.stderr.strip()}")
    lines = t.stdout.splitlines()
    texts = [re.sub(r"^\[\s*\d+\.\d{6}\] ", "", x) for x in lines]
    check(all(re.match(r"^\[\s*\d+\.\d{6}\] ", x) for x in lines),
          "host dmesg: every line is '[%5lu.%06lu] text'")
    check("sysrq: Trigger a crash" in texts, "host dmesg: has 'sysrq: Trigger a crash'")
    panic = [i for i, x in enumerate(texts) if x.startswith("Kernel panic - not syncing:")]
    check(bool(panic), "host dmesg: has 'Kernel panic - not syncing:'")
    if panic:
        print(f"     {lines[panic[0]]}")
        check(panic[0] == len(texts) - 1, "host dmesg: the panic is the last record",
              f"{len(texts) - 1 - panic[0]} records after it")
    if "sysrq: Trigger a crash" in texts and panic:
        check(texts.index("sysrq: Trigger a crash") < panic[0], "host dmesg: sysrq line before the panic")
    j = subprocess.run([fctl, "--json", "dmesg", path], capture_output=True, text=True)
    try:
        jj = json.loads(j.stdout)
    except ValueError:
        jj = None
    if check(j.returncode == 0 and isinstance(jj, dict), "host: fadumpctl --json dmesg"):
        check(jj.get("format") == "lockless" and jj.get("records") == len(lines),
              "host dmesg json: lockless ring, records == text lines",
              f"{jj.get('format')} {jj.get('records')} vs {len(lines)}")
        seqs = [r.get("seq") for r in jj.get("log", [])]
        check(seqs == sorted(seqs) and len(set(seqs)) == len(seqs), "host dmesg json: seq strictly increasing")
    # The first boot's console, up to its panic, against the dump's log:
    # KERN_DEBUG records never reach the console, and the console may print
    # records of different CPUs in another order than their sequence
    # numbers, so the check is that most records are there and the last
    # ones (sysrq, panic) are there in order.
    con = read(console, "") or ""
    end = con.find("Kernel panic - not syncing:")
    if not check(end >= 0, "console log of the first boot has the panic"):
        return
    con = con[:end + 200]
    found = sum(1 for x in texts if x and x in con)
    check(found >= len(texts) * 3 // 4, "host dmesg: most records were on the first boot's console",
          f"{found} of {len(texts)}")
    print(f"     {found} of {len(texts)} dmesg records found on the first boot's console")
    if panic and "sysrq: Trigger a crash" in texts:
        i = con.find("sysrq: Trigger a crash")
        check(0 <= i < con.find(texts[panic[0]]), "host dmesg: console has the same sysrq and panic lines, in order")


REG_NAMES = ("nip", "msr", "orig_gpr3", "ctr", "link", "xer", "ccr", "softe", "trap",
             "dar", "dsisr", "result")


def reg_diff(a, b):
    """Names of the registers that differ between two REGS objects."""
    diff = [f"r{i}" for i in range(32) if a["gpr"][i] != b["gpr"][i]]
    return diff + [n for n in REG_NAMES if a.get(n) != b.get(n)]


def check_crashinfo(d):
    """The capture boot's fadumpctl crashinfo: the crash-info header and the
    firmware's register save area, read through /proc/kcore."""
    rc, j, err = load_json(d, "capture-crashinfo-json")
    if rc is None and err == "step did not run":
        return None
    if not check(rc == 0 and isinstance(j, dict), "capture boot: fadumpctl crashinfo through /proc/kcore",
                 f"rc={rc} {err} {j!r}"[:400]):
        return None
    ci, cs = j.get("crashinfo") or {}, j.get("cpu_state") or {}
    check(ci.get("magic") == "FADMPSIG" and ci.get("version") == 1,
          "kcore: crash-info header magic FADMPSIG version 1", f"{ci.get('magic')} {ci.get('version')}")
    check(isinstance(ci.get("crashing_cpu"), int), "kcore: crash-info header names the crashing CPU",
          repr(ci.get("crashing_cpu")))
    check(ci.get("cpu_mask") == [0, 1], "kcore: crash-info cpumask is CPUs 0-1 (-smp 2)", repr(ci.get("cpu_mask")))
    check(len(cs.get("cpus", [])) == 2, "kcore: register save area has 2 CPUs", repr(cs.get("cpus"))[:200])
    print(f"     crash-info header: {ci.get('magic')} v{ci.get('version')} {ci.get('byte_order')}, "
          f"crashing CPU {ci.get('crashing_cpu')}, pt_regs {ci.get('pt_regs_size')} B, "
          f"cpumask {ci.get('cpu_mask_size')} B; save area CPUs "
          f"{[c.get('id') for c in cs.get('cpus', [])]}")
    return j


def opal_report(b2, fctl):
    """powernv: check, metadata and crashinfo read the OPAL metadata and
    the crash-info header from memory; the OPAL core: its presence and
    size in the capture boot, its copy (DEST/opalcore, an ELF core) and
    its release after the save."""
    rc, j, err = load_json(b2, "capture-check-json")
    check(rc == 0 and isinstance(j, dict) and j.get("verdict") == "complete",
          "capture boot (powernv): fadumpctl check says complete", f"rc={rc} {j!r} {err}"[:400])
    hdr = (j or {}).get("crash_info_header") or {}
    check(hdr.get("magic") == "FADMPSIG" and hdr.get("version") == 1,
          "capture boot (powernv): check verified the crash-info header in memory", repr(hdr)[:200])
    rc, m, err = load_json(b2, "capture-metadata-json")
    fdm = (m or {}).get("opal_kernel_metadata") or {}
    want = read(os.path.join(b2, "opal-kernel-metadata.addr"), "").strip()
    check(rc == 0 and fdm.get("verdict") == "complete" and want and fdm.get("address") == int(want, 16),
          "capture boot (powernv): metadata decodes the OPAL kernel metadata at the address the first boot logged",
          f"rc={rc} address={fdm.get('address')!r} logged={want} {err}"[:300])
    regs = fdm.get("regions") or []
    check([(r.get("source"), r.get("length")) for r in regs] == [(0, 0x30000000)] and fdm.get("boot_mem_top") == 0x30000000,
          "capture boot (powernv): metadata: one boot region {0, 768 MiB}, boot_mem_top 768 MiB", repr(regs)[:200])
    rc, ci, err = load_json(b2, "capture-crashinfo-json")
    cih = (ci or {}).get("crashinfo") or {}
    check(rc == 0 and cih.get("magic") == "FADMPSIG" and isinstance(cih.get("crashing_cpu"), int),
          "capture boot (powernv): crashinfo decodes the crash-info header from memory", f"rc={rc} {err}"[:300])
    ls = read(os.path.join(b2, "opal-mpipl.ls"), "")
    sizes = {}
    for line in ls.splitlines():
        f = line.split()
        if len(f) >= 9:
            sizes[f[8]] = int(f[4]) if f[4].isdigit() else None
    check("core" in sizes and (sizes["core"] or 0) > 0,
          "capture boot: /sys/firmware/opal/mpipl/core present, non-empty", ls.strip()[:300])
    check("release_core" in sizes, "capture boot: /sys/firmware/opal/mpipl/release_core present")
    head = read_bytes_file(os.path.join(b2, "opalcore-head.bin"))
    check(len(head) >= 64 and head[:4] == b"\x7fELF" and head[4] == 2 and head[16:18] in (b"\x04\x00", b"\x00\x04"),
          "capture boot: the OPAL core is an ELF64 core file", repr(head[:20]))
    print(f"     OPAL core: {sizes.get('core')} bytes")
    rc, st, err = load_json(b2, "capture-status-json")
    check(isinstance(st, dict) and st.get("opalcore_present") is True and st.get("opalcore_size") == sizes.get("core"),
          "capture boot: status reports the OPAL core and its size", repr({k: (st or {}).get(k) for k in
                                                                        ("opalcore_present", "opalcore_size")}))
    rc, sv, err = load_json(b2, "save")
    oc = (sv or {}).get("opalcore") or {}
    check(oc.get("bytes_total") == sizes.get("core") and oc.get("released") is True,
          "save: DEST/opalcore copied whole, then released", repr(oc)[:300])
    path = os.path.join(b2, "opalcore")
    check(os.path.exists(path) and os.path.getsize(path) == sizes.get("core"),
          "save: DEST/opalcore has the core's size")
    check(read(os.path.join(b2, "opal-mpipl-after-save.ls"), "").find(" core") < 0,
          "save: /sys/firmware/opal/mpipl/core gone after the release", read(os.path.join(b2, "opal-mpipl-after-save.ls"), "")[:200])
    rc, st, err = load_json(b2, "after-save-status-json")
    check(isinstance(st, dict) and st.get("opalcore_present") is False,
          "after the save: status says no OPAL core", repr((st or {}).get("opalcore_present")))
    if os.path.exists(path):
        p = subprocess.run(["eu-readelf", "-h", "-l", "-n", path], capture_output=True, text=True)
        check(p.returncode == 0 and "CORE (Core file)" in p.stdout and "PowerPC64" in p.stdout
              and "PRSTATUS" in p.stdout,
              "OPAL core copy: eu-readelf reads an ELF core of PowerPC64 with NT_PRSTATUS notes",
              (p.stdout + p.stderr)[-300:])
        if fctl:
            p = subprocess.run([fctl, "--json", "info", path], capture_output=True, text=True)
            try:
                j = json.loads(p.stdout)
            except ValueError:
                j = None
            check(p.returncode == 0 and isinstance(j, dict), "OPAL core copy: fadumpctl info reads it",
                  (p.stderr or p.stdout)[-300:])


def read_bytes_file(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def check_regs_crosscheck(fctl, path, kc):
    """The cross-check of issue 5: the NT_PRSTATUS notes of the saved vmcore
    against what the capture kernel built them from. The kernel
    (rtas_fadump_build_cpu_notes()) walks the save area's CPUs in order and
    writes one note per CPU in the header's cpumask: the crashing CPU's from
    the pt_regs crash_fadump() saved in the header, every other CPU's from
    the firmware's save area (rtas_fadump_read_regs(): GPRs, NIA, MSR, CTR,
    LR, XER, CR, DAR, DSISR; the rest 0)."""
    p = subprocess.run([fctl, "--json", "info", "--registers", path], capture_output=True, text=True)
    try:
        regs = json.loads(p.stdout).get("registers")
    except (ValueError, AttributeError):
        regs = None
    if not check(p.returncode == 0 and isinstance(regs, list),
                 "host: fadumpctl --json info --registers on the saved vmcore", f"rc={p.returncode} {p.stderr[:300]}"):
        return
    ci, cs = kc.get("crashinfo") or {}, kc.get("cpu_state") or {}
    mask = set(ci.get("cpu_mask") or [])
    cpus = [c for c in cs.get("cpus", []) if c.get("id") in mask]
    if not check(len(cpus) == len(regs), "notes: one NT_PRSTATUS per save-area CPU in the cpumask",
                 f"{len(regs)} notes, {len(cpus)} CPUs"):
        return
    for note, c in zip(regs, cpus):
        if c.get("id") == ci.get("crashing_cpu"):
            d = reg_diff(ci["regs"], note)
            check(not d, f"note {note['cpu']} (crashing CPU {c['id']}) == the header's pt_regs",
                  f"differ: {d}")
            sd = reg_diff(c["regs"], note)
            print(f"     crashing CPU {c['id']}: save area vs note differ in {len(sd)} registers "
                  f"(expected: the kernel uses the header's regs), e.g. {sd[:6]}")
        else:
            d = reg_diff(c["regs"], note)
            check(not d, f"note {note['cpu']} (CPU {c['id']}) == the firmware's register save area",
                  f"differ: {d}")
            print(f"     CPU {c['id']}: nip {note['nip']:#x} msr {note['msr']:#x} "
                  f"r1 {note['gpr'][1]:#x}: save area and note agree in all 44 registers"
                  if not d else f"     CPU {c['id']}: {d}")


def read_env(path):
    """KEY=VALUE words of the guest's rr/env, integers only."""
    env = {}
    for word in (read(path, "") or "").split():
        k, sep, v = word.partition("=")
        if sep and re.fullmatch(r"\d+", v):
            env[k] = int(v)
    return env


def read_int(path):
    """The decimal number a file holds, -1 if it holds anything else."""
    v = (read(path, "") or "").strip()
    return int(v) if re.fullmatch(r"\d{1,20}", v) else -1


def step(d, name):
    """(rc or None, stdout, stderr) of a step the guest ran with `run`."""
    rc = read(os.path.join(d, name + ".rc"))
    try:
        rc = int(rc) if rc is not None else None
    except ValueError:
        rc = None
    return rc, read(os.path.join(d, name + ".out"), ""), read(os.path.join(d, name + ".err"), "")


def check_release_range(b2):
    """The capture boot's release_range checks (guest-init.sh
    release_range_checks): a range of marked pages above boot memory released
    with `fadumpctl release --range`, then read back through read() and mmap()
    of /proc/vmcore, the debugfs Released line, and the refusals."""
    rr = os.path.join(b2, "rr")
    rc, st, err = load_json(b2, "capture-status-json")
    if isinstance(st, dict):
        check(st.get("release_range_available") is True, "capture boot: status release_range_available true",
              repr(st.get("release_range_available")))
        check(st.get("crash_info_available") is True, "capture boot: status crash_info_available true",
              repr(st.get("crash_info_available")))
    if not check(os.path.isdir(rr) and not os.path.exists(os.path.join(rr, "skipped")),
                 "release_range: the capture boot ran the checks",
                 read(os.path.join(rr, "skipped"), "no rr/ folder").strip()):
        return None
    env = read_env(os.path.join(rr, "env"))
    keys = ("page", "boot_top", "start", "size", "offset", "keep_start", "keep_offset")
    if not check(all(k in env for k in keys), "release_range: rr/env has the numbers", repr(env)):
        return None
    page, start, size = env["page"], env["start"], env["size"]
    print(f"     released {size:#x} bytes at paddr {start:#x} (file offset {env['offset']:#x}), "
          f"page size {page}, boot memory top {env['boot_top']:#x}")
    check(page == 65536, "release_range: the guest's page size is 64 KiB", str(page))
    check(start % page == 0 and size % page == 0 and size > 0 and start >= env["boot_top"],
          "release_range: a page-aligned range above boot memory")
    nz_before = read_int(os.path.join(rr, "before.nonzero"))
    nz_after = read_int(os.path.join(rr, "after.nonzero"))
    check(nz_before > 0, "release_range: the range held data before (read() of /proc/vmcore)", str(nz_before))
    rc, out, err = step(rr, "rr-mmap-before")
    check(rc == 1, "release_range: mmap of the range before the release is not all zeros", f"rc={rc} {out}{err}")
    rc, out, err = step(rr, "rr-release")
    check(rc == 0, "release_range: fadumpctl release --range START SIZE exit 0", f"rc={rc} {err}")
    check(nz_after == 0, "release_range: read() of /proc/vmcore gives zeros for the released range",
          f"{nz_after} non-zero bytes")
    rc, out, err = step(rr, "rr-mmap-after")
    check(rc == 0, "release_range: mmap of /proc/vmcore maps zeros over the released range", f"rc={rc} {out}{err}")
    rc, out, err = step(rr, "rr-mmap-keep")
    m = re.search(r"(\d+) non-zero", out)
    check(rc == 0 and m and int(m.group(1)) > 0,
          "release_range: an unreleased range of data reads the same through mmap as through read()",
          f"rc={rc} {out}{err}")
    rc, out, err = step(rr, "rr-regions-json")
    try:
        j = json.loads(out)
    except ValueError:
        j = None
    if check(rc == 0 and isinstance(j, dict), "release_range: regions --json after the release", f"rc={rc} {err}"):
        check(j.get("released_bytes") == size and j.get("released_ranges") == 1,
              "release_range: regions --json released_bytes == SIZE, released_ranges == 1",
              f"{j.get('released_bytes')!r} {j.get('released_ranges')!r}")
    text = read(os.path.join(rr, "fadump_region"), "")
    m = re.search(r"^Released: (0x[0-9a-f]+|0) bytes in (\d+) ranges$", text, re.M)
    check(m is not None and int(m.group(1), 16) == size and m.group(2) == "1",
          "release_range: debugfs fadump_region says 'Released: SIZE bytes in 1 ranges'", text.strip()[-200:])
    rc, j0, err = load_json(b2, "capture-regions-json")
    if isinstance(j0, dict):
        check(j0.get("released_bytes") == 0 and j0.get("released_ranges") == 0,
              "release_range: regions --json before any release: 0 bytes in 0 ranges",
              f"{j0.get('released_bytes')!r} {j0.get('released_ranges')!r}")
    for name, what in (("rr-again", "the same range again (EBUSY)"),
                       ("rr-boot", "a range in boot memory (ERANGE)"),
                       ("rr-unaligned", "a range not page aligned (EINVAL)")):
        rc, out, err = step(rr, name)
        check(rc == 1 and err.strip().startswith("fadumpctl:"),
              f"release_range: releasing {what} fails: exit 1 and a message", f"rc={rc} {err.strip()[:200]}")
        if err.strip():
            print(f"     {err.strip()[:160]}")
    rc, out, err = step(rr, "rr-regions-after-json")
    try:
        j = json.loads(out)
    except ValueError:
        j = None
    check(isinstance(j, dict) and j.get("released_bytes") == size and j.get("released_ranges") == 1,
          "release_range: the refused releases released nothing", repr(j)[:200])
    first = env.get("first_start")
    a = -(-env.get("seg_paddr", 0) // page) * page     # the segment's first whole page
    rc, out, err = step(rr, "rr-first-page")
    check(rc == 0 and first is not None and first % page == 0 and a <= first and first + page <= a + (1 << 20),
          "release_range: a page in the segment's first MiB released before the save",
          f"rc={rc} first={first!r} {err.strip()[:200]}")
    return env


def check_saved_ranges(b2, env):
    """The copy saved after the release: zeros where the range was released
    before the save, the marked pages where it was not."""
    path = os.path.join(b2, "vmcore")
    if not env or not os.path.exists(path):
        return
    with open(path, "rb") as f:
        f.seek(env["offset"])
        rel = f.read(env["size"])
        f.seek(env["keep_offset"])
        keep = f.read(env["page"])
        f.seek(env.get("first_offset", 0))
        first = f.read(env["page"]) if "first_offset" in env else b""
    check(len(rel) == env["size"] and rel.count(0) == len(rel),
          "saved vmcore: the range released before the save is zeros in the copy")
    check(len(first) == env["page"] and first.count(0) == len(first),
          "saved vmcore: the page released in the segment's first MiB is zeros in the copy")
    check(keep.startswith(b"E2E-FILL"), "saved vmcore: the unreleased marked pages are in the copy", repr(keep[:16]))


PPC64_PAGE_OFFSET = 0xC000000000000000   # arch/powerpc/include/asm/page.h
PPC64_LINEAR_END = 0xC008000000000000    # radix: the linear map's end (pgtable.h)


def kcore_view(b1):
    """The first boot's (vaddr, bytes) read through /proc/kcore (kcore-peek)."""
    out = []
    for line in (read(os.path.join(b1, "kcore-view.txt")) or "").splitlines():
        va, n, data = line.split()
        out.append((int(va, 16), bytes.fromhex(data)))
        assert len(out[-1][1]) == int(n)
    return out


def read_paddr(path, paddr, size):
    """Bytes at a physical address of an ELF vmcore, through readelf's
    program headers: the check's own reader, not the library's."""
    rc, _, loads = pt_loads(path)
    for off, pa, fs in loads:
        if pa <= paddr and paddr + size <= pa + fs:
            with open(path, "rb") as f:
                f.seek(off + paddr - pa)
                return f.read(size)
    return None


def check_kcore_view(b1, b2, osrelease):
    """What the crashed kernel saw at its linear-map addresses (through
    /proc/kcore, before the crash) is in the dump at vaddr - PAGE_OFFSET:
    init_uts_ns's name, and the mem_section root near the top of RAM, which
    firmware that clobbers the top of RAM in the capture boot (SLOF did)
    would have overwritten."""
    view = kcore_view(b1)
    if not check(len(view) == 4, "first boot: kcore view of 4 kernel addresses recorded",
                 (read(os.path.join(b1, "kcore-view.err")) or "")[:300]):
        return view
    uts = view[0][1]
    check(osrelease is not None and uts[130:195].rstrip(b"\0").decode("ascii", "replace") == osrelease,
          "kcore view: init_uts_ns.name.release is the kernel's uname -r", repr(uts[130:195]))
    env = dict(kv.split("=") for kv in (read(os.path.join(b1, "kcore-view.env")) or "").split())
    mem = int(env.get("mem_bytes", 0))
    root = view[1][0] - PPC64_PAGE_OFFSET
    check(mem > 0 and root >= mem * 3 // 4, "kcore view: the mem_section root lies in the top quarter of RAM",
          f"{root:#x} of {mem:#x}")
    path = os.path.join(b2, "vmcore")
    if not os.path.exists(path):
        return view
    for va, data in view[:2]:
        got = read_paddr(path, va - PPC64_PAGE_OFFSET, len(data))
        check(got == data, f"saved vmcore: {len(data)} bytes at {va:#x} (linear map) equal the first boot's /proc/kcore",
              first_difference(data, got))
    return view


def first_difference(want, got):
    if got is None:
        return "not in the dump"
    i = next((i for i in range(min(len(want), len(got))) if want[i] != got[i]), min(len(want), len(got)))
    return f"first difference at +{i}: {want[i:i + 16].hex()} != {got[i:i + 16].hex()}"


def fctl_json(fctl, *args):
    p = subprocess.run([fctl, "--json"] + list(args), capture_output=True, text=True)
    try:
        return p.returncode, json.loads(p.stdout), p.stderr
    except ValueError:
        return p.returncode, None, p.stderr + p.stdout[:200]


def check_virtual_reads(fctl, path, view, osrelease):
    """The library's address translation against the kernel's own view:
    every address the first boot read through /proc/kcore (linear map and
    vmemmap, the latter through the radix page tables), read from the dump
    with `fadumpctl read --virt`; and init_uts_ns by its VMCOREINFO name."""
    for va, data in view:
        rc, j, err = fctl_json(fctl, "read", "--virt", hex(va), str(len(data)), path)
        got = bytes.fromhex(j["hex"]) if rc == 0 and isinstance(j, dict) else None
        check(got == data, f"host: read --virt {va:#x} {len(data)} equals the first boot's /proc/kcore",
              err.strip()[:300] if got is None else first_difference(data, got))
    rc, j, err = fctl_json(fctl, "read", "init_uts_ns+130", "65", path)
    rel = bytes.fromhex(j["hex"]).rstrip(b"\0").decode("ascii", "replace") if rc == 0 and j else None
    check(rel is not None and rel == osrelease, "host: read init_uts_ns+130 65 is OSRELEASE", f"{rel!r} {err.strip()[:200]}")


def check_page_classes(fctl, path, fill_bytes):
    """Every page of the dump has a class (they add up to the dump's pages,
    counted here from readelf's PT_LOADs), none is unknown (the section map
    and struct pages at the top of RAM survived the capture boot's
    firmware), and the classes are the ones the first boot left: free
    memory, slab, the kernel's own, and the marked tmpfs pages in the page
    cache."""
    rc, j, err = fctl_json(fctl, "info", "--pages", path)
    pages = (j or {}).get("pages") if isinstance(j, dict) else None
    if not check(rc == 0 and isinstance(pages, dict), "host: info --pages on the saved vmcore", err.strip()[:300]):
        return
    ps = pages["page_size"]
    _, _, loads = pt_loads(path)
    pfns = set()
    for _, pa, fs in loads:
        pfns.update(range(pa // ps, (pa + fs + ps - 1) // ps))
    classes = pages["classes"]
    fill_pages = fill_bytes // ps
    check(sum(classes.values()) == pages["total"] == len(pfns),
          "host: page classes add up to the dump's pages", f"{sum(classes.values())} {pages['total']} {len(pfns)}")
    check(classes.get("unknown") == 0, "host: no page of unknown class", repr(classes))
    check(classes.get("free", 0) > len(pfns) // 4, "host: more than a quarter of the pages are free", repr(classes))
    check(classes.get("cache", 0) >= fill_pages, f"host: at least the {fill_pages} marked tmpfs pages are page cache",
          repr(classes))
    check(classes.get("slab", 0) > 0 and classes.get("kernel", 0) > 0, "host: slab and kernel pages present",
          repr(classes))


def check_save_json(b2):
    """`fadumpctl save --release=ranges --json` of the CI path."""
    mode = (read(os.path.join(b2, "save-mode"), "") or "").strip()
    if "--release=ranges" not in mode:
        check(False, "capture boot: saved with --release=ranges", repr(mode))
        return
    rc, j, err = load_json(b2, "save")
    if not check(rc == 0 and isinstance(j, dict), "save --release=ranges --json: exit 0, JSON", f"rc={rc} {err}"[:300]):
        return
    for key in ("source", "dest", "bytes_total", "bytes_written", "zero_bytes_skipped", "seconds", "mb_per_s",
                "released", "release_mode", "bytes_released_early", "ranges_released", "syncs"):
        check(key in j, f"save json: has '{key}'")
    check(j.get("release_mode") == "ranges", "save json: release_mode == 'ranges'", repr(j.get("release_mode")))
    check(j.get("released") is True, "save json: released", repr(j.get("released")))
    early = j.get("bytes_released_early")
    check(isinstance(early, int) and early > 0, "save json: bytes_released_early > 0", repr(early))
    check(isinstance(early, int) and isinstance(j.get("bytes_total"), int) and early <= j["bytes_total"],
          "save json: bytes_released_early <= bytes_total")
    check(isinstance(j.get("ranges_released"), int) and j["ranges_released"] > 0, "save json: ranges_released > 0",
          repr(j.get("ranges_released")))
    print(f"     save: {j.get('bytes_total')} bytes, {j.get('bytes_written')} written, {j.get('seconds')} s, "
          f"{early} released early in {j.get('ranges_released')} ranges, {j.get('syncs')} syncs")
    # Boot memory (the first PT_LOAD) is refused from its first page: all
    # of it after its first MiB is copied once the rest is done.
    kept = [(int(a, 16), int(b, 16)) for a, b in
            re.findall(r"file bytes \[(0x[0-9a-f]+), (0x[0-9a-f]+)\) are copied last", err)]
    rc, _, loads = pt_loads(os.path.join(b2, "vmcore"))
    if loads:
        off, _, filesz = loads[0]
        want = [(off + (1 << 20), off + filesz)]
        what = "boot memory after its first MiB is copied last, and nothing else"
        if PLATFORM == "powernv" and len(loads) >= 3:
            # and the gap between boot memory and the reserved area, which
            # skiboot's reserved-ranges cover (the kernel refuses it: ERANGE)
            off2, _, filesz2 = loads[1]
            want.append((off2 + (1 << 20), off2 + filesz2))
            what = "boot memory and the firmware's gap after their first MiB are copied last, and nothing else"
        check(kept == want, "save: " + what,
              f"{[(hex(a), hex(b)) for a, b in kept]} vs {[(hex(a), hex(b)) for a, b in want]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", default="le")
    ap.add_argument("--mode", default="require")
    ap.add_argument("--platform", default="pseries", choices=("pseries", "powernv"))
    ap.add_argument("--fadumpctl", help="native fadumpctl to run `info` on the saved vmcore")
    ap.add_argument("--fill", type=int, default=0, help="MiB of marked tmpfs pages the first boot left (e2e.fill)")
    ap.add_argument("dir")
    a = ap.parse_args()
    global PLATFORM
    PLATFORM = a.platform
    b1 = os.path.join(a.dir, "boot1")
    b2 = os.path.join(a.dir, "boot2")
    cli = a.mode == "require"

    check(os.path.isdir(b1), "first boot wrote its results")
    check((read(os.path.join(b1, "crash-requested")) or "") != "", "first boot reached the crash")
    check(os.path.isdir(b2), "capture boot wrote its results")
    res = (read(os.path.join(a.dir, "result")) or "").strip()
    check((read(os.path.join(a.dir, "boots")) or "").strip() == "2", "the guest booted exactly twice",
          (read(os.path.join(a.dir, "boots")) or "").strip())
    check(res.startswith("PASS"), "guest verdict PASS", res + " " + (read(os.path.join(b2, "failures")) or "")
          + (read(os.path.join(b1, "failures")) or ""))

    uname = (read(os.path.join(b1, "raw", "uname")) or "").split()
    osrelease = uname[2] if len(uname) > 2 else None

    if os.path.isdir(b1):
        check_raw(b1, "first boot", capture=False)
    if os.path.isdir(b2):
        check_raw(b2, "capture boot", capture=True)
        rel = read(os.path.join(b2, "raw-released", "vmcore.ls"))
        check(rel is None, "/proc/vmcore gone after release")
        check(read(os.path.join(b2, "raw-reregistered", "sysfs", "registered"), "").strip() == "1",
              "raw sysfs registered == 1 after re-register")
        fill = read(os.path.join(b2, "fill.txt"), "")
        check("non-zero bytes after re-register: 0\n" in fill,
              "re-register after release_mem wrote nothing into freed memory", fill.strip()[:600])

    if cli:
        common = {"platform": PLATFORM, "firmware_support": True, "kernel_support": True,
                  "enabled": True, "sysfs_layout": "directory"}
        j = check_status(b1, "boot1-status-json", dict(common, registered=True, dump_active=False), "first boot")
        if j:
            check(isinstance(j.get("mem_reserved"), int) and j["mem_reserved"] > 0,
                  "first boot: mem_reserved is a positive integer", repr(j.get("mem_reserved")))
            check(j.get("hotplug_ready") is True, "first boot: hotplug_ready true (7.2 kernel)")
        check_regions(b1, "boot1-regions-json", "first boot", dumped=False)
        check_devtree(b1, "boot1-devtree-json", "first boot")

        check_status(b2, "capture-status-json", dict(common, dump_active=True), "capture boot")
        check_regions(b2, "capture-regions-json", "capture boot", dumped=True)
        check_devtree(b2, "capture-devtree-json", "capture boot")
        rr_env = check_release_range(b2)
        check_save_json(b2)
        rc, j, err = load_json(b2, "released-regions-json")
        if isinstance(j, dict):
            check("released_bytes" in j and j["released_bytes"] is None,
                  "after release: regions --json released_bytes null (no dump, no Released line)",
                  repr(j.get("released_bytes")))
        check_status(b2, "released-status-json", dict(common, dump_active=False), "after release")
        check_status(b2, "reregistered-status-json", dict(common, dump_active=False, registered=True),
                     "after re-register")
        check_regions(b2, "reregistered-regions-json", "after re-register", dumped=False)
        for step in ("save", "release", "register"):
            rc = read(os.path.join(b2, step + ".rc"))
            if rc is not None:
                check(rc.strip() == "0", f"capture boot: step '{step}' exit 0", repr(rc))
        # every exit-code file must hold a number: a page freed by release_mem and
        # then rewritten by the kernel shows up here first
        for b in (b1, b2):
            for f in sorted(os.listdir(b)) if os.path.isdir(b) else []:
                if f.endswith(".rc"):
                    v = read(os.path.join(b, f), "")
                    check(re.fullmatch(r"\d+\n", v) is not None, f"{os.path.basename(b)}/{f} is intact", repr(v))

        # commands of later issues, when the guest's fadumpctl had them
        rc, j, err = load_json(b2, "capture-check-json")
        if PLATFORM == "powernv":
            opal_report(b2, a.fadumpctl)
        elif rc is not None or err != "step did not run":
            check(rc == 0 and isinstance(j, dict) and j.get("verdict") == "complete",
                  "capture boot: fadumpctl check says complete", f"rc={rc} {j!r} {err}"[:400])
            hdr = (j or {}).get("crash_info_header") or {}
            check(hdr.get("magic") == "FADMPSIG" and hdr.get("version") == 1,
                  "capture boot: fadumpctl check verified the crash-info header through /proc/kcore",
                  repr(hdr))
        rc, j, err = load_json(b2, "capture-metadata-json")
        if PLATFORM == "pseries" and (rc is not None or err != "step did not run"):
            check(rc == 0 and j, "capture boot: fadumpctl --json metadata", f"rc={rc} {err}"[:300])
        rc, live, err = load_json(b2, "capture-info-json")
        if rc is not None or err != "step did not run":
            check(rc == 0 and isinstance(live, dict), "capture boot: fadumpctl --json info /proc/vmcore",
                  f"rc={rc} {err}"[:300])
        else:
            live = None
        kc = check_crashinfo(b2) if PLATFORM == "pseries" else None
        if kc and isinstance(live, dict) and "crashing_cpu" in live:
            check(live["crashing_cpu"] == (kc.get("crashinfo") or {}).get("crashing_cpu"),
                  "capture boot: info /proc/vmcore names the header's crashing CPU",
                  f"{live['crashing_cpu']!r}")
        if isinstance(live, dict) and "panic" in live:
            check((live["panic"] or "").startswith("Kernel panic - not syncing:"),
                  "capture boot: info /proc/vmcore shows the panic message", repr(live["panic"]))
        rc = read(os.path.join(b2, "capture-dmesg.rc"))
        if rc is not None:
            out = read(os.path.join(b2, "capture-dmesg.out"), "")
            check(rc.strip() == "0" and "Kernel panic - not syncing:" in out,
                  "capture boot: fadumpctl dmesg of /proc/vmcore shows the panic", f"rc={rc.strip()}")
        if a.fadumpctl and os.path.exists(os.path.join(b2, "vmcore")):
            check_host_info(a.fadumpctl, os.path.join(b2, "vmcore"), a.arch, osrelease, live)
            if kc:
                check_regs_crosscheck(a.fadumpctl, os.path.join(b2, "vmcore"), kc)
            check_host_dmesg(a.fadumpctl, os.path.join(b2, "vmcore"),
                             os.path.join(a.dir, "console.log"))

    check_vmcore(b2, a.arch, osrelease)
    if cli:
        check_saved_ranges(b2, rr_env)
    view = check_kcore_view(b1, b2, osrelease)
    vmcore = os.path.join(b2, "vmcore")
    if cli and a.fadumpctl and os.path.exists(vmcore):
        check_virtual_reads(a.fadumpctl, vmcore, view, osrelease)
        check_page_classes(a.fadumpctl, vmcore, fill_bytes=a.fill << 20)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
