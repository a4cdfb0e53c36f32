#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Writes the device-tree fixture roots next to this script, byte for byte.
# The trees are committed; this script is how they were made and the place
# to read their bytes in words. Where each value comes from: README.
# Re-running it reproduces the committed files exactly.
set -eu
cd "$(dirname "$0")"

# ---- byte helpers: every multi-byte value in a device tree is big-endian

hex=""
be16() { hex+=$(printf '%04x' "$1"); }
be32() { hex+=$(printf '%08x' "$1"); }
be64() { hex+=$(printf '%016x' "$1"); }

# Write the bytes accumulated in $hex to $1 and start afresh.
flush() {
	mkdir -p "$(dirname "$1")"
	# shellcheck disable=SC2059 # the format is the data
	printf "$(printf '%s' "$hex" | sed 's/../\\x&/g')" >"$1"
	hex=""
}

# cells FILE VALUE...: a property of big-endian u32 cells
cells() {
	local f=$1
	shift
	for c in "$@"; do be32 "$c"; done
	flush "$f"
}

# strings FILE STRING...: a string list, every string NUL-terminated
strings() {
	local f=$1
	shift
	mkdir -p "$(dirname "$f")"
	: >"$f"
	for s in "$@"; do printf '%s\0' "$s" >>"$f"; done
}

# empty FILE: a property with no value (presence is the information)
empty() {
	mkdir -p "$(dirname "$1")"
	: >"$1"
}

# ---- struct rtas_fadump_mem_struct pieces (kernel-interface.md 4.1)

# dump_header NUM_SECTIONS STATUS_FLAG: struct rtas_fadump_section_header
dump_header() {
	be32 1			# dump_format_version
	be16 "$1"		# dump_num_sections
	be16 "$2"		# dump_status_flag
	be32 0x28		# offset_first_dump_section
	be32 0			# dd_block_size
	be64 0			# dd_block_offset
	be64 0			# dd_num_blocks
	be32 0			# dd_offset_disk_path
	be32 0			# max_time_auto
}

# dump_section TYPE SOURCE LENGTH DUMPED DEST: struct rtas_fadump_section
dump_section() {
	be32 1			# request_flag: dump requested
	be16 "$1"		# source_data_type
	be16 0			# error_flags: none
	be64 "$2"		# source_address
	be64 "$3"		# source_len
	be64 "$4"		# bytes_dumped
	be64 "$5"		# destination_address
}

unused_section() {
	be32 0; be16 0; be16 0; be64 0; be64 0; be64 0; be64 0
}

# ---- values shared by the pseries trees

# QEMU: RTAS_TOKEN_BASE 0x2000 + 0x2D (RTAS_CONFIGURE_KERNEL_DUMP)
RTAS_TOKEN=0x202d
# QEMU spapr_dt_rtas_fadump(), 4 possible CPUs:
# 16 (reg save header) + 12 (padding) + 4 (num_cpus) + 4 * 79 * 16
CPU_STATE_SIZE=$((16 + 12 + 4 + 4 * 79 * 16))	# 5088 = 0x13e0
BOOT_MEM=0x40000000		# 1 GiB boot memory copied by firmware
RESERVE=0x40000000		# reserved area right above it
BOOT_DEST=0x40010000		# 5.19+: boot-memory copy page (64K) aligned

# pseries_root DIR: root node of a QEMU pseries guest
pseries_root() {
	strings "$1/compatible" "qemu,pseries"
	strings "$1/device_type" "chrp"
	strings "$1/model" "IBM pSeries (emulated by qemu)"
}

# pseries_rtas DIR: /rtas as QEMU 11 writes it before any crash
pseries_rtas() {
	strings "$1/rtas/name" "rtas"
	cells "$1/rtas/ibm,configure-kernel-dump" $RTAS_TOKEN
	cells "$1/rtas/ibm,configure-kernel-dump-sizes" \
		0x0001 0 $CPU_STATE_SIZE \
		0x0002 0 0
	# uint16_t fadump_versions[2] = { 1, 1 }, stored host-endian by
	# QEMU: these are the bytes an x86-64 (little-endian) host writes.
	hex=01000100
	flush "$1/rtas/ibm,configure-kernel-dump-version"
}

# ---- the trees

rm -rf pseries-qemu pseries-capture-160 pseries-capture-440 \
	pseries-no-fadump powernv powernv-mpipl powernv-fw-above-768m x86

# QEMU pseries, 6.x kernel, before a crash: sysfs tree, /proc symlink.
base=pseries-qemu/sys/firmware/devicetree/base
pseries_root $base
pseries_rtas $base
mkdir -p pseries-qemu/proc
ln -s ../sys/firmware/devicetree/base pseries-qemu/proc/device-tree

# Capture boot after a crash under a G1-G3 kernel (3 sections: CPU, HPTE,
# RMR). QEMU copies 40 + 40 * dump_num_sections bytes of the registered
# struct into ibm,kernel-dump, which is the kernel's 160-byte struct here.
# Only /proc/device-tree, as on kernels before sysfs had the tree (3.17).
base=pseries-capture-160/proc/device-tree
pseries_root $base
pseries_rtas $base
dump_header 3 0xc000		# QEMU: DUMP_TRIGGERED | DUMP_PERFORMED
dump_section 0x0001 0 $CPU_STATE_SIZE $CPU_STATE_SIZE $RESERVE
dump_section 0x0002 0 0 0 $((RESERVE + CPU_STATE_SIZE))
dump_section 0x0011 0 $BOOT_MEM $BOOT_MEM $BOOT_DEST
flush $base/rtas/ibm,kernel-dump

# Capture boot under a G4+ kernel: the full 440-byte struct (header and
# ten sections), four in use: CPU, HPTE, one boot region and the 6.10+
# param area (source == destination, 2048 bytes, in the 640-768 MB
# window). A firmware that hands back the whole registered buffer gives
# this length; QEMU would give 40 + 4 * 40 = 200.
base=pseries-capture-440/sys/firmware/devicetree/base
pseries_root $base
pseries_rtas $base
dump_header 4 0xc000
dump_section 0x0001 0 $CPU_STATE_SIZE $CPU_STATE_SIZE $RESERVE
dump_section 0x0002 0 0 0 $((RESERVE + CPU_STATE_SIZE))
dump_section 0x0011 0 $BOOT_MEM $BOOT_MEM $BOOT_DEST
dump_section 0x0100 0x2ff00000 0x800 0x800 0x2ff00000
for _ in 1 2 3 4 5 6; do unused_section; done
flush $base/rtas/ibm,kernel-dump
mkdir -p pseries-capture-440/proc
ln -s ../sys/firmware/devicetree/base pseries-capture-440/proc/device-tree

# A pseries guest whose firmware has no fadump (QEMU 10 and older: /rtas
# without ibm,configure-kernel-dump).
base=pseries-no-fadump/sys/firmware/devicetree/base
pseries_root $base
strings $base/rtas/name "rtas"

# QEMU powernv9 with skiboot's /ibm,opal/dump (core/opal-dump.c
# add_opal_dump_node()), before a crash. Only the sysfs name, to exercise
# the second directory the library tries.
base=powernv/sys/firmware/devicetree/base
strings $base/compatible "qemu,powernv9" "ibm,powernv"
strings $base/ibm,opal/dump/compatible "ibm,opal-dump"
# skiboot: kernel at 0x20000000 and initramfs at 0x28000000, 128 MiB each;
# the second ends exactly at 768 MB, which the kernel still accepts.
be64 0x20000000; be64 0x08000000
be64 0x28000000; be64 0x08000000
flush $base/ibm,opal/dump/fw-load-area

# The same machine booting after an MPIPL: skiboot adds mpipl-boot, a u64
# 1 (what QEMU 11.1's powernv10 with skiboot v7.1-106 showed; the kernel
# tests only that it exists).
cp -a powernv powernv-mpipl
be64 1
flush powernv-mpipl/sys/firmware/devicetree/base/ibm,opal/dump/mpipl-boot

# Hypothetical firmware loading itself above 768 MB: the kernel prints
# "F/W version not supported!" and offers no fadump.
cp -a powernv powernv-fw-above-768m
be64 0x20000000; be64 0x08000000
be64 0x30000000; be64 0x08000000
flush powernv-fw-above-768m/sys/firmware/devicetree/base/ibm,opal/dump/fw-load-area

# Not POWER: no /proc/device-tree, no /sys/firmware/devicetree, no fdt.
mkdir -p x86/sys/firmware/acpi
: >x86/sys/firmware/acpi/.keep
