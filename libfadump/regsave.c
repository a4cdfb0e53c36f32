// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The pseries register save area: what the firmware writes to the CPU
 * state section's destination when it takes the dump (PAPR "Register
 * Save Area"; rtas-fadump.h):
 *
 *	0x00 be64 magic_number		"REGSAVE" packed as a u64
 *	0x08 be32 version		QEMU writes 0; no kernel looks
 *	0x0c be32 num_cpu_offset	from the start of the area
 *	num_cpu_offset: be32 num_cpus
 *	then per CPU, 16-byte entries {be64 reg_id, be64 reg_value}:
 *	    "CPUSTRT" (value: 4 zero bytes, 4 bytes logical CPU id),
 *	    registers in any order, "CPUEND".
 *
 * The kernel turns each CPU into pt_regs (rtas_fadump_build_cpu_notes(),
 * rtas_fadump_read_regs(), rtas_fadump_set_regval() in 7.2) trusting the
 * firmware completely: it walks to CPUEND without a bound. Here every
 * step is checked against the buffer, and a block that runs into the next
 * CPUSTRT or off the end is an error naming the CPU and the offset.
 *
 * fadump_cpuregs_read() fetches the waiting dump's area for the decoder,
 * through /proc/kcore (kcore.c) at the CPU state section's destination.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "byteorder.h"
#include "cpuregs.h"
#include "metadata.h"

/* Read from memory: ~1.3 KiB per CPU, NR_CPUS is at most 8192. */
#define CPU_STATE_MAX		(16u << 20)
#define REGSAVE_HEADER_LEN	16
#define REGSAVE_ENTRY_LEN	16
/* RTAS_FADUMP_CPU_ID_MASK: the id is the low 32 bits of CPUSTRT's value. */
#define REGSAVE_CPU_ID_MASK	0xffffffffULL
/* RTAS_FADUMP_GPR_MASK: "GPR" in the top three bytes. */
#define REGSAVE_GPR_MASK	0xffffff0000000000ULL

/*
 * The kernel's rtas_fadump_gpr_index(): the two bytes after "GPR" go
 * through kstrtoint(..., 10, ...). That accepts "07", "7" (the second
 * byte NUL), "+7", "7\n" and "-0", and yields a negative number for
 * "-5", which the caller then does not treat as a GPR. The low three
 * bytes are not looked at. Returns the GPR number or -1.
 */
static int regsave_gpr_index(uint64_t id)
{
	char s[3];
	const char *p = s;
	bool neg = false;
	int v = 0;

	if ((id & REGSAVE_GPR_MASK) != fadump_str_to_u64("GPR"))
		return -1;
	s[0] = (char)(id >> 32);
	s[1] = (char)(id >> 24);
	s[2] = '\0';
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (*p++ - '0');
	if (*p == '\n')
		p++;
	if (*p)
		return -1;
	if (neg)
		v = -v;
	return v > 31 ? -1 : v;
}

/* rtas_fadump_set_regval(): true if @id lands in pt_regs. */
static bool regsave_set_regval(struct fadump_ppc64_regs *regs, uint64_t id,
			       uint64_t val)
{
	int i = regsave_gpr_index(id);

	if (i >= 0)
		regs->gpr[i] = val;
	else if (id == fadump_str_to_u64("NIA"))
		regs->nip = val;
	else if (id == fadump_str_to_u64("MSR"))
		regs->msr = val;
	else if (id == fadump_str_to_u64("CTR"))
		regs->ctr = val;
	else if (id == fadump_str_to_u64("LR"))
		regs->link = val;
	else if (id == fadump_str_to_u64("XER"))
		regs->xer = val;
	else if (id == fadump_str_to_u64("CR"))
		regs->ccr = val;
	else if (id == fadump_str_to_u64("DAR"))
		regs->dar = val;
	else if (id == fadump_str_to_u64("DSISR"))
		regs->dsisr = val;
	else
		return false;
	return true;
}

/*
 * An id as text: its ASCII characters if it is printable ASCII followed
 * only by NUL padding, as PAPR ids are; else the number in hex.
 */
static void regsave_id_name(uint64_t id, char *buf, size_t size)
{
	size_t n = 0;
	int shift;

	for (shift = 56; shift >= 0; shift -= 8) {
		unsigned char c = (unsigned char)(id >> shift);

		if (c < 0x21 || c > 0x7e)
			break;
		buf[n++] = (char)c;
	}
	/* The byte that stopped the loop and all after it must be zero. */
	if (n > 0 && (shift < 0 || (id & ((2ULL << (shift + 7)) - 1)) == 0)) {
		buf[n] = '\0';
		return;
	}
	snprintf(buf, size, "0x%016llx", (unsigned long long)id);
}

void regsave_describe_entry(const unsigned char *p,
			    struct fadump_reg_entry *out)
{
	struct fadump_ppc64_regs scratch = { .size = sizeof(scratch) };

	out->id = get_be64(p);
	out->value = get_be64(p + 8);
	regsave_id_name(out->id, out->name, sizeof(out->name));
	out->used = regsave_set_regval(&scratch, out->id, out->value);
}

static int regsave_check_header(struct fadump_ctx *ctx, const unsigned char *b,
				size_t len, uint32_t *num_cpu_offset)
{
	uint64_t magic;
	uint32_t off;

	if (len < REGSAVE_HEADER_LEN)
		return fadump_fail(ctx, -EBADMSG,
				   "register save area: %zu bytes, shorter than its %d-byte header",
				   len, REGSAVE_HEADER_LEN);
	magic = get_be64(b);
	if (magic != fadump_str_to_u64("REGSAVE")) {
		if (__builtin_bswap64(magic) == fadump_str_to_u64("REGSAVE"))
			return fadump_fail(ctx, -EBADMSG,
					   "register save area: magic is \"REGSAVE\" byte-swapped (0x%016llx): written little-endian, but firmware writes it big-endian",
					   (unsigned long long)magic);
		return fadump_fail(ctx, -EBADMSG,
				   "register save area: magic 0x%016llx is not \"REGSAVE\" (0x%016llx)",
				   (unsigned long long)magic,
				   (unsigned long long)fadump_str_to_u64("REGSAVE"));
	}
	off = get_be32(b + 12);
	/* The count must lie after the header and inside the buffer. */
	if (off < REGSAVE_HEADER_LEN || off > len - 4)
		return fadump_fail(ctx, -EBADMSG,
				   "register save area: num_cpu_offset %u is outside the %zu bytes given (the CPU count must follow the %d-byte header)",
				   off, len, REGSAVE_HEADER_LEN);
	*num_cpu_offset = off;
	return 0;
}

/*
 * Read one CPU's block starting at *@pos (its CPUSTRT). On success *@pos
 * is just past its CPUEND.
 */
static int regsave_read_cpu(struct fadump_ctx *ctx, const unsigned char *b,
			    size_t len, size_t *pos, unsigned int idx,
			    unsigned int ncpus, struct cpuregs_cpu *cpu)
{
	const uint64_t cpustrt = fadump_str_to_u64("CPUSTRT");
	const uint64_t cpuend = fadump_str_to_u64("CPUEND");
	size_t p = *pos, start = *pos;
	uint64_t id;

	if (len - p < REGSAVE_ENTRY_LEN)
		return fadump_fail(ctx, -EBADMSG,
				   "register save area: CPU %u of %u: the area ends at offset %zu, before its CPUSTRT",
				   idx, ncpus, p);
	id = get_be64(b + p);
	if (id != cpustrt) {
		char name[24];

		regsave_id_name(id, name, sizeof(name));
		return fadump_fail(ctx, -EBADMSG,
				   "register save area: CPU %u of %u: entry at offset %zu is %s, not CPUSTRT",
				   idx, ncpus, p, name);
	}
	cpu->id = (uint32_t)(get_be64(b + p + 8) & REGSAVE_CPU_ID_MASK);
	cpu->active = true;
	cpu->offset = p;
	p += REGSAVE_ENTRY_LEN;
	cpu->first_entry = p;
	cpu->entry_size = REGSAVE_ENTRY_LEN;

	for (;;) {
		if (len - p < REGSAVE_ENTRY_LEN)
			return fadump_fail(ctx, -EBADMSG,
					   "register save area: CPU %u of %u (id %u, CPUSTRT at offset %zu): no CPUEND before the end of the area at offset %zu",
					   idx, ncpus, cpu->id, start, len);
		id = get_be64(b + p);
		if (id == cpuend)
			break;
		if (id == cpustrt)
			return fadump_fail(ctx, -EBADMSG,
					   "register save area: CPU %u of %u (id %u, CPUSTRT at offset %zu): another CPUSTRT at offset %zu before its CPUEND",
					   idx, ncpus, cpu->id, start, p);
		if (!regsave_set_regval(&cpu->regs, id, get_be64(b + p + 8)))
			cpu->ignored++;
		cpu->entries++;
		p += REGSAVE_ENTRY_LEN;
	}
	*pos = p + REGSAVE_ENTRY_LEN;
	return 0;
}

FADUMP_EXPORT int fadump_cpuregs_parse_rtas(struct fadump_ctx *ctx,
					    const void *buf, size_t len,
					    struct fadump_cpuregs **rsp)
{
	const unsigned char *b = buf;
	struct fadump_cpuregs *rs;
	uint32_t off = 0, ncpus;
	size_t pos;
	int ret;

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!rsp || (!buf && len))
		return fadump_fail(ctx, -EINVAL,
				   "fadump_cpuregs_parse_rtas: NULL argument");
	*rsp = NULL;

	ret = regsave_check_header(ctx, b, len, &off);
	if (ret < 0)
		return ret;
	ncpus = get_be32(b + off);
	pos = (size_t)off + 4;
	if (ncpus > FADUMP_CPUREGS_MAX_CPUS)
		return fadump_fail(ctx, -E2BIG,
				   "register save area: %u CPUs, more than the %d any kernel supports",
				   ncpus, FADUMP_CPUREGS_MAX_CPUS);
	/* Every CPU needs at least its CPUSTRT and CPUEND entries. */
	if ((uint64_t)ncpus * 2 * REGSAVE_ENTRY_LEN > len - pos)
		return fadump_fail(ctx, -EBADMSG,
				   "register save area: %u CPUs need at least %llu bytes of entries after the count at offset %u, only %zu follow",
				   ncpus,
				   (unsigned long long)ncpus * 2 * REGSAVE_ENTRY_LEN,
				   off, len - pos);

	rs = cpuregs_new(FADUMP_CPUREGS_RTAS, ncpus);
	if (!rs)
		return fadump_fail(ctx, -ENOMEM, "out of memory");
	rs->version = get_be32(b + 8);
	for (unsigned int i = 0; i < ncpus; i++) {
		ret = regsave_read_cpu(ctx, b, len, &pos, i, ncpus,
				       &rs->cpus[i]);
		if (ret < 0)
			goto fail;
	}
	/* Keep what was decoded; firmware may leave padding after it. */
	if (cpuregs_keep_data(rs, buf, pos) < 0) {
		ret = fadump_fail(ctx, -ENOMEM, "out of memory");
		goto fail;
	}
	dbg(ctx, "register save area: version %u, %u CPUs in %zu of %zu bytes",
	    rs->version, ncpus, pos, len);
	*rsp = rs;
	return 0;

fail:
	cpuregs_free(rs);
	return ret;
}

FADUMP_EXPORT int fadump_cpuregs_read(struct fadump_ctx *ctx,
				      const struct fadump_papr_dump *pd,
				      struct fadump_cpuregs **rsp)
{
	struct fadump_papr_dump_summary s;
	unsigned char *buf;
	int ret;

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!rsp)
		return fadump_fail(ctx, -EINVAL, "fadump_cpuregs_read: rsp is NULL");
	*rsp = NULL;
	ret = papr_dump_summary(ctx, pd, &s);
	if (ret < 0)
		return ret;
	if (!s.has_cpu_state)
		return fadump_fail(ctx, -ENOENT,
			"ibm,kernel-dump: no CPU state section");
	if (s.cpu_state_len == 0 || s.cpu_state_len > CPU_STATE_MAX)
		return fadump_fail(ctx, -EBADMSG,
			"ibm,kernel-dump: CPU state section of %" PRIu64
			" bytes (expected 1 .. %u)", s.cpu_state_len, CPU_STATE_MAX);
	buf = malloc((size_t)s.cpu_state_len);
	if (!buf)
		return fadump_fail(ctx, -ENOMEM, "out of memory");
	ret = fadump_kcore_read(ctx, s.cpu_state_addr, buf,
				(size_t)s.cpu_state_len);
	if (ret == 0)
		ret = fadump_cpuregs_parse_rtas(ctx, buf, (size_t)s.cpu_state_len,
						rsp);
	free(buf);
	return ret;
}
