// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vmcore notes: the ELF notes of a dump (an ELF core's PT_NOTE segments,
 * a kdump file's note section), every note kept (known or not), and the
 * decoders for the two kinds the kernel writes per task/CPU, NT_PRSTATUS
 * and NT_PRPSINFO.
 *
 * Layouts (include/linux/elfcore.h, every 64-bit architecture):
 *
 *   struct elf_prstatus          offset
 *     pr_info {signo,code,errno}   0  (3 ints)
 *     pr_cursig                   12  (short, then 2 bytes of padding)
 *     pr_sigpend, pr_sighold      16, 24 (unsigned long)
 *     pr_pid, ppid, pgrp, sid     32, 36, 40, 44 (pid_t)
 *     pr_utime ... pr_cstime      48 .. 111 (4 x struct timeval: 2 longs)
 *     pr_reg                     112  elf_gregset_t
 *     pr_fpvalid                      int, then padding to 8
 *
 * On ppc64 elf_gregset_t is ELF_NGREG = 48 doublewords
 * (arch/powerpc/include/uapi/asm/elf.h), so the note is 112 + 384 + 8 =
 * 504 bytes; the first 44 doublewords are user_pt_regs (gpr[32], nip,
 * msr, orig_gpr3, ctr, link, xer, ccr, softe, trap, dar, dsisr, result;
 * arch/powerpc/include/uapi/asm/ptrace.h). fadump fills pr_reg only
 * (fadump_regs_to_elf_notes(): "FIXME: How do i get PID?").
 *
 *   struct elf_prpsinfo: pr_state, pr_sname, pr_zomb, pr_nice (chars),
 *     padding, pr_flag 8 (unsigned long), pr_uid 16, pr_gid 20 (32-bit
 *     __kernel_uid_t), pr_pid 24, pr_ppid 28, pr_pgrp 32, pr_sid 36,
 *     pr_fname[16] 40, pr_psargs[80] 56: 136 bytes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "metadata.h"
#include "vmcore.h"

static int add_note(struct fadump_vmcore *vm, const struct vmcore_note *n)
{
	if (vm->nnotes == vm->notes_cap) {
		/* bounded: every note takes at least 12 of the capped bytes */
		unsigned int cap = vm->notes_cap ? 2 * vm->notes_cap : 64;
		struct vmcore_note *p = realloc(vm->notes, cap * sizeof(*p));

		if (!p)
			return fadump_fail(vm->ctx, -ENOMEM, "out of memory");
		vm->notes = p;
		vm->notes_cap = cap;
	}
	vm->notes[vm->nnotes++] = *n;
	return 0;
}

static bool all_zero(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

int vmcore_reserve_note_bytes(struct fadump_vmcore *vm, uint64_t len,
			      const char *where)
{
	if (len > VMCORE_MAX_NOTE_BYTES - vm->note_bytes)
		return fadump_fail(vm->ctx, -E2BIG,
			"%s: %s: %#" PRIx64 " more bytes of notes, over the %u "
			"any kernel writes", vm->path, where, len,
			VMCORE_MAX_NOTE_BYTES);
	vm->note_bytes += len;
	return 0;
}

/* Notes are 4-byte aligned in Linux cores, on 64-bit machines too. */
static size_t note_align(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

int vmcore_parse_notes(struct fadump_vmcore *vm, const unsigned char *buf,
		       size_t len, uint64_t offset, const char *where)
{
	size_t off = 0;

	while (off < len) {
		size_t left = len - off, name_off, desc_off, desc_end;
		uint32_t namesz, descsz, type;

		/*
		 * The kernel ends its note buffers with an empty note header
		 * and stops at a zero n_namesz (fs/proc/vmcore.c does the
		 * same); what follows is unused space.
		 */
		if (left < 12 && all_zero(buf + off, left))
			break;
		if (left < 12)
			return fadump_fail(vm->ctx, -EBADMSG,
				"%s: note %u (%s, offset %#zx): %zu bytes left "
				"for a 12-byte note header", vm->path,
				vm->nnotes, where, off, left);
		namesz = get_u32(buf + off, vm->order);
		descsz = get_u32(buf + off + 4, vm->order);
		type = get_u32(buf + off + 8, vm->order);
		if (namesz == 0)
			break;
		/* sizes below 2^32 and len below 2^63: no overflow */
		name_off = off + 12;
		desc_off = name_off + note_align(namesz);
		desc_end = desc_off + descsz;
		if (name_off + namesz > len || desc_end > len)
			return fadump_fail(vm->ctx, -EBADMSG,
				"%s: note %u (%s, offset %#zx): name of %u and "
				"descriptor of %u bytes run past the end of the "
				"segment (%zu bytes)", vm->path, vm->nnotes, where,
				off, namesz, descsz, len);
		if (buf[name_off + namesz - 1] != '\0' ||
		    strlen((const char *)buf + name_off) != namesz - 1)
			return fadump_fail(vm->ctx, -EBADMSG,
				"%s: note %u (%s, offset %#zx): its %u-byte name "
				"is not one NUL-terminated string", vm->path,
				vm->nnotes, where, off, namesz);
		if (add_note(vm, &(struct vmcore_note){
				.name = (const char *)buf + name_off,
				.type = type,
				.desc = buf + desc_off,
				.descsz = descsz,
				.offset = offset + desc_off,
			}) < 0)
			return -ENOMEM;
		/* the last note's padding may be missing */
		off = note_align(desc_end) < len ? note_align(desc_end) : len;
	}
	return 0;
}

static bool is_core(const struct vmcore_note *n, uint32_t type)
{
	return n->type == type && strcmp(n->name, "CORE") == 0;
}

int vmcore_index_notes(struct fadump_vmcore *vm)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < vm->nnotes; i++)
		n += is_core(&vm->notes[i], NT_PRSTATUS);
	vm->cpu_notes = calloc(n ? n : 1, sizeof(*vm->cpu_notes));
	if (!vm->cpu_notes)
		return fadump_fail(vm->ctx, -ENOMEM, "out of memory");
	for (unsigned int i = 0; i < vm->nnotes; i++)
		if (is_core(&vm->notes[i], NT_PRSTATUS))
			vm->cpu_notes[vm->ncpus++] = i;
	return 0;
}

void vmcore_free_notes(struct fadump_vmcore *vm)
{
	/* The note bytes themselves are the format's to free. */
	free(vm->notes);
	free(vm->cpu_notes);
}

FADUMP_EXPORT unsigned int fadump_vmcore_notes_count(const struct fadump_vmcore *vm)
{
	return vm ? vm->nnotes : 0;
}

FADUMP_EXPORT int fadump_vmcore_get_note(const struct fadump_vmcore *vm,
					 unsigned int idx,
					 struct fadump_vmcore_note *out)
{
	struct fadump_vmcore_note full = { .size = sizeof(full) };
	const struct vmcore_note *n;

	if (!vm || !out || out->size < FADUMP_VMCORE_NOTE_SIZE_V1)
		return -EINVAL;
	if (idx >= vm->nnotes)
		return -ERANGE;
	n = &vm->notes[idx];
	full.name = n->name;
	full.type = n->type;
	full.desc = n->desc;
	full.descsz = n->descsz;
	full.offset = n->offset;
	fadump_copy_out(out, &full, sizeof(full));
	return 0;
}

/* The NT_PRSTATUS note of CPU @cpu, its size checked. */
static int prstatus_note(const struct fadump_vmcore *vm, unsigned int cpu,
			 const struct vmcore_note **np)
{
	const struct vmcore_note *n;

	if (cpu >= vm->ncpus)
		return fadump_fail(vm->ctx, -ERANGE,
				   "%s: no CPU %u, the dump has %u", vm->path,
				   cpu, vm->ncpus);
	n = &vm->notes[vm->cpu_notes[cpu]];
	if (vm->machine == EM_PPC64 && n->descsz != PPC64_PRSTATUS_SIZE)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: NT_PRSTATUS note %u (CPU %u) has %zu bytes, a ppc64 "
			"kernel writes %u", vm->path, vm->cpu_notes[cpu], cpu,
			n->descsz, PPC64_PRSTATUS_SIZE);
	if (n->descsz < PRSTATUS_PR_REG + PRSTATUS_TAIL)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: NT_PRSTATUS note %u (CPU %u) has %zu bytes, too "
			"short for struct elf_prstatus (%u at least)", vm->path,
			vm->cpu_notes[cpu], cpu, n->descsz,
			PRSTATUS_PR_REG + PRSTATUS_TAIL);
	*np = n;
	return 0;
}

FADUMP_EXPORT int fadump_vmcore_get_prstatus(const struct fadump_vmcore *vm,
					     unsigned int cpu,
					     struct fadump_prstatus *out)
{
	struct fadump_prstatus full = { .size = sizeof(full) };
	const struct vmcore_note *n;
	int ret;

	if (!vm)
		return -EINVAL;
	fadump_clear_error(vm->ctx);
	if (!out || out->size < FADUMP_PRSTATUS_SIZE_V1)
		return -EINVAL;
	ret = prstatus_note(vm, cpu, &n);
	if (ret < 0)
		return ret;
	full.note = vm->cpu_notes[cpu];
	full.signo = (int32_t)get_u32(n->desc + PRSTATUS_SIGNO, vm->order);
	full.cursig = (int16_t)get_u16(n->desc + PRSTATUS_CURSIG, vm->order);
	full.pid = (int32_t)get_u32(n->desc + PRSTATUS_PID, vm->order);
	full.ppid = (int32_t)get_u32(n->desc + PRSTATUS_PPID, vm->order);
	full.pgrp = (int32_t)get_u32(n->desc + PRSTATUS_PGRP, vm->order);
	full.sid = (int32_t)get_u32(n->desc + PRSTATUS_SID, vm->order);
	full.pr_reg = n->desc + PRSTATUS_PR_REG;
	full.pr_reg_size = n->descsz - PRSTATUS_PR_REG - PRSTATUS_TAIL;
	fadump_copy_out(out, &full, sizeof(full));
	return 0;
}

FADUMP_EXPORT int fadump_vmcore_get_ppc64_regs(const struct fadump_vmcore *vm,
					       unsigned int cpu,
					       struct fadump_ppc64_regs *regs)
{
	struct fadump_ppc64_regs full = { .size = sizeof(full) };
	const struct vmcore_note *n;
	int ret;

	if (!vm)
		return -EINVAL;
	fadump_clear_error(vm->ctx);
	if (!regs || regs->size < FADUMP_PPC64_REGS_SIZE_V1)
		return -EINVAL;
	if (vm->machine != EM_PPC64)
		return fadump_fail(vm->ctx, -EOPNOTSUPP,
			"%s: not a ppc64 dump (machine %u): no ppc64 registers",
			vm->path, vm->machine);
	ret = prstatus_note(vm, cpu, &n);
	if (ret < 0)
		return ret;
	/* 504 bytes checked: the 352 of user_pt_regs are there */
	ppc64_regs_decode(n->desc + PRSTATUS_PR_REG, vm->order, &full);
	fadump_copy_out(regs, &full, sizeof(full));
	return 0;
}

/* A fixed char array of the note into a NUL-terminated string. */
static void copy_chars(char *dst, const unsigned char *src, size_t len)
{
	memcpy(dst, src, len);
	dst[len] = '\0';
}

FADUMP_EXPORT int fadump_vmcore_get_prpsinfo(const struct fadump_vmcore *vm,
					     struct fadump_prpsinfo *out)
{
	struct fadump_prpsinfo full = { .size = sizeof(full) };
	const struct vmcore_note *n = NULL;
	const unsigned char *d;
	unsigned int idx;

	if (!vm)
		return -EINVAL;
	fadump_clear_error(vm->ctx);
	if (!out || out->size < FADUMP_PRPSINFO_SIZE_V1)
		return -EINVAL;
	for (idx = 0; idx < vm->nnotes; idx++)
		if (is_core(&vm->notes[idx], NT_PRPSINFO)) {
			n = &vm->notes[idx];
			break;
		}
	if (!n)
		return fadump_fail(vm->ctx, -ENOENT, "%s: no NT_PRPSINFO note",
				   vm->path);
	if (n->descsz != PRPSINFO_SIZE)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: NT_PRPSINFO note %u has %zu bytes, expected %u",
			vm->path, idx, n->descsz, PRPSINFO_SIZE);
	d = n->desc;
	full.note = idx;
	full.state = (char)d[0];
	full.sname = (char)d[1];
	full.zombie = d[2] != 0;
	full.nice = (int8_t)d[3];
	full.flag = get_u64(d + 8, vm->order);
	full.uid = get_u32(d + 16, vm->order);
	full.gid = get_u32(d + 20, vm->order);
	full.pid = (int32_t)get_u32(d + 24, vm->order);
	full.ppid = (int32_t)get_u32(d + 28, vm->order);
	full.pgrp = (int32_t)get_u32(d + 32, vm->order);
	full.sid = (int32_t)get_u32(d + 36, vm->order);
	copy_chars(full.fname, d + 40, 16);
	copy_chars(full.psargs, d + 56, 80);
	fadump_copy_out(out, &full, sizeof(full));
	return 0;
}
