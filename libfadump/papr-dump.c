// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * pseries: the dump memory structure in /rtas/ibm,kernel-dump.
 *
 * The kernel registers a struct rtas_fadump_mem_struct with the
 * ibm,configure-kernel-dump RTAS call; after a crash the firmware copies
 * the requested sections, fills in error_flags and bytes_dumped, and
 * hands the structure back to the next boot in the device tree. All
 * fields are big-endian (rtas-fadump.h):
 *
 *	header, 40 bytes: be32 dump_format_version (1), be16
 *	dump_num_sections, be16 dump_status_flag, be32
 *	offset_first_dump_section (40), be32 dd_block_size, be64
 *	dd_block_offset, be64 dd_num_blocks, be32 dd_offset_disk_path, be32
 *	max_time_auto;
 *	sections, 40 bytes each: be32 request_flag, be16 source_data_type,
 *	be16 error_flags, be64 source_address, be64 source_len, be64
 *	bytes_dumped, be64 destination_address.
 *
 * 3.4 - 6.9 registered exactly {header, CPU state, HPTE, boot memory from
 * address 0}, 160 bytes; 6.10+ registers the header and 40 bytes per used
 * section (up to 7 boot regions and an OS param area), out of a
 * header + rgn[10] struct of 440 bytes. QEMU returns 40 + 40 * n bytes.
 *
 * The capture kernel reads the structure in rtas_fadump_get_config() and
 * judges it in rtas_fadump_process() (7.2); 3.4 - 6.9 used a fixed rule
 * set on the three sections (process_fadump(), later the 5.5 - 6.9
 * rtas_fadump_process()). Both are repeated here to say whether the
 * capture kernel will build a vmcore from this dump.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "metadata.h"

#define PAPR_HEADER_LEN		40
#define PAPR_SECTION_LEN	40
#define PAPR_MAX_SECTIONS	10	/* format version 1 */
#define PAPR_FORMAT_VERSION	1
#define PAPR_FIXED_LEN		160	/* 3.4 - 6.9; 6.10+ with 3 sections */

#define PROP "ibm,kernel-dump"

struct fadump_papr_dump {
	int refcount;
	unsigned char *raw;
	size_t len;
	struct fadump_papr_dump_header hdr;
	unsigned int nsec;
	struct fadump_papr_section sec[PAPR_MAX_SECTIONS];
	char *sec_problem[PAPR_MAX_SECTIONS];	/* owned; sec[i].problem */
	struct fadump_papr_dump_summary sum;
	struct problems problems;
};

/* One judgement on a section or the whole structure. */
enum papr_severity {
	PAPR_OK,
	PAPR_INCOMPLETE,	/* the kernel goes on */
	PAPR_FATAL,		/* the kernel refuses the dump */
};

FADUMP_EXPORT const char *fadump_papr_section_type_name(uint16_t type)
{
	switch (type) {
	case FADUMP_PAPR_CPU_STATE:
		return "CPU state";
	case FADUMP_PAPR_HPTE:
		return "HPTE";
	case FADUMP_PAPR_BOOT_MEMORY:
		return "boot memory";
	case FADUMP_PAPR_PARAM_AREA:
		return "param area";
	default:
		return "unknown";
	}
}

/* error_flags as words, e.g. "invalid source address, 0x0004". */
static void papr_error_words(uint16_t flags, char *buf, size_t size)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} bits[] = {
		{ FADUMP_PAPR_ERR_INVALID_TYPE, "invalid source data type" },
		{ FADUMP_PAPR_ERR_INVALID_SOURCE, "invalid source address" },
		{ FADUMP_PAPR_ERR_LENGTH_EXCEEDS_SOURCE, "length exceeds source" },
		{ FADUMP_PAPR_ERR_INVALID_DEST, "invalid destination address" },
		{ FADUMP_PAPR_ERR_DEST_TOO_SMALL, "destination too small" },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(bits) && n < size; i++) {
		if (!(flags & bits[i].bit))
			continue;
		n += snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
			      bits[i].name);
		flags &= ~bits[i].bit;
	}
	if (flags && n < size)
		snprintf(buf + n, size - n, "%s0x%04x", n ? ", " : "", flags);
}

static void papr_free(struct fadump_papr_dump *pd)
{
	for (unsigned int i = 0; i < PAPR_MAX_SECTIONS; i++)
		free(pd->sec_problem[i]);
	problems_free(&pd->problems);
	free(pd->raw);
	free(pd);
}

static int papr_check_header(struct fadump_ctx *ctx, const unsigned char *b,
			     size_t len)
{
	uint32_t version, off;
	uint16_t n;
	uint64_t need;

	if (len < PAPR_HEADER_LEN)
		return fadump_fail(ctx, -EBADMSG,
				   PROP ": %zu bytes, shorter than the %d-byte section header",
				   len, PAPR_HEADER_LEN);
	version = get_be32(b);
	if (version != PAPR_FORMAT_VERSION)
		return fadump_fail(ctx, -EPROTONOSUPPORT,
				   PROP ": dump_format_version %u, only version %d is known (%zu bytes not decoded)",
				   version, PAPR_FORMAT_VERSION, len);
	n = get_be16(b + 4);
	if (n > PAPR_MAX_SECTIONS)
		return fadump_fail(ctx, -EBADMSG,
				   PROP ": dump_num_sections %u, more than the %d of format version 1",
				   n, PAPR_MAX_SECTIONS);
	off = get_be32(b + 8);
	if (off < PAPR_HEADER_LEN)
		return fadump_fail(ctx, -EBADMSG,
				   PROP ": offset_first_dump_section %u points inside the %d-byte header",
				   off, PAPR_HEADER_LEN);
	need = off + (uint64_t)n * PAPR_SECTION_LEN;
	if (need > len)
		return fadump_fail(ctx, -EBADMSG,
				   PROP ": %u sections from offset %u need %llu bytes, the property has %zu",
				   n, off, (unsigned long long)need, len);
	return 0;
}

/*
 * The 3.4 - 6.9 form: exactly the three fixed sections in their order.
 * A 6.10+ kernel with one boot region and no param area writes the same.
 */
static bool papr_is_fixed_form(const struct fadump_papr_dump *pd)
{
	return pd->len == PAPR_FIXED_LEN && pd->nsec == 3 &&
	       pd->hdr.offset_first_section == PAPR_HEADER_LEN &&
	       pd->sec[0].type == FADUMP_PAPR_CPU_STATE &&
	       pd->sec[1].type == FADUMP_PAPR_HPTE &&
	       pd->sec[2].type == FADUMP_PAPR_BOOT_MEMORY &&
	       pd->sec[2].source_address == 0;
}

static void papr_read_sections(struct fadump_papr_dump *pd)
{
	const unsigned char *b = pd->raw;

	pd->hdr = (struct fadump_papr_dump_header){
		.size = sizeof(pd->hdr),
		.format_version = get_be32(b),
		.num_sections = get_be16(b + 4),
		.status_flags = get_be16(b + 6),
		.offset_first_section = get_be32(b + 8),
		.dd_block_size = get_be32(b + 12),
		.dd_block_offset = get_be64(b + 16),
		.dd_num_blocks = get_be64(b + 24),
		.dd_offset_disk_path = get_be32(b + 32),
		.max_time_auto = get_be32(b + 36),
		.length = pd->len,
	};
	pd->nsec = pd->hdr.num_sections;
	for (unsigned int i = 0; i < pd->nsec; i++) {
		const unsigned char *s = b + pd->hdr.offset_first_section +
					 i * PAPR_SECTION_LEN;
		struct fadump_papr_section *sec = &pd->sec[i];

		*sec = (struct fadump_papr_section){
			.size = sizeof(*sec),
			.request_flag = get_be32(s),
			.type = get_be16(s + 4),
			.error_flags = get_be16(s + 6),
			.source_address = get_be64(s + 8),
			.source_len = get_be64(s + 16),
			.bytes_dumped = get_be64(s + 24),
			.destination_address = get_be64(s + 32),
		};
		sec->type_name = fadump_papr_section_type_name(sec->type);
		sec->complete = sec->error_flags == 0 &&
				sec->bytes_dumped == sec->source_len;
	}
	pd->hdr.form = papr_is_fixed_form(pd) ? FADUMP_PAPR_FORM_FIXED :
						FADUMP_PAPR_FORM_SECTIONS;
}

/*
 * How the capture kernel takes section @i: 7.2's rtas_fadump_process()
 * refuses CPU state, HPTE and boot-memory sections with error flags or
 * short copies, drops a failed param area, skips unknown types. The
 * 3.4 - 6.9 rules (fixed form only) refuse error flags on CPU state and
 * boot memory, a short boot-memory copy and an empty CPU state copy,
 * and do not look at the HPTE; a fixed-form dump is refused if either
 * generation would refuse it, since its bytes do not say which wrote it.
 */
static enum papr_severity papr_judge_section(const struct fadump_papr_dump *pd,
					     unsigned int i, const char **why)
{
	const struct fadump_papr_section *s = &pd->sec[i];

	*why = NULL;
	switch (s->type) {
	case FADUMP_PAPR_CPU_STATE:
		if (!s->complete)
			*why = "the kernel refuses the dump";
		else if (s->bytes_dumped == 0)
			*why = "no register save area: the kernel refuses the dump";
		return *why ? PAPR_FATAL : PAPR_OK;
	case FADUMP_PAPR_HPTE:
	case FADUMP_PAPR_BOOT_MEMORY:
		if (s->complete)
			return PAPR_OK;
		*why = "the kernel refuses the dump";
		return PAPR_FATAL;
	case FADUMP_PAPR_PARAM_AREA:
		if (s->complete)
			return PAPR_OK;
		*why = "the kernel drops the extra capture arguments (bootargs_append)";
		return PAPR_INCOMPLETE;
	default:
		if (s->complete)
			return PAPR_OK;
		*why = "an unknown type, which the kernel skips";
		return PAPR_INCOMPLETE;
	}
}

static int papr_section_problem(struct fadump_ctx *ctx,
				struct fadump_papr_dump *pd, unsigned int i,
				enum papr_severity *worst)
{
	struct fadump_papr_section *s = &pd->sec[i];
	char flags[160] = "", copied[96] = "";
	enum papr_severity sev;
	const char *why;

	sev = papr_judge_section(pd, i, &why);
	if (sev == PAPR_OK)
		return 0;
	if (sev > *worst)
		*worst = sev;
	if (s->error_flags) {
		char words[128];

		papr_error_words(s->error_flags, words, sizeof(words));
		snprintf(flags, sizeof(flags), "firmware error flags 0x%04x (%s)",
			 s->error_flags, words);
	}
	if (s->bytes_dumped != s->source_len || !s->error_flags)
		snprintf(copied, sizeof(copied),
			 "0x%llx of 0x%llx bytes dumped",
			 (unsigned long long)s->bytes_dumped,
			 (unsigned long long)s->source_len);
	if (asprintf(&pd->sec_problem[i], "%s%s%s%s", flags,
		     *flags && *copied ? ", " : "", copied,
		     (s->request_flag & FADUMP_PAPR_REQUEST_FLAG) ? "" :
		     " (not requested)") < 0) {
		pd->sec_problem[i] = NULL;
		return fadump_fail(ctx, -ENOMEM, "out of memory");
	}
	s->problem = pd->sec_problem[i];
	return problems_add(ctx, &pd->problems, "section %u (%s, type 0x%04x): %s: %s",
			    i, s->type_name, s->type, s->problem, why);
}

/*
 * What rtas_fadump_get_config() derives: boot memory size and top from
 * the boot sections in order, the crash-info header right after the copy
 * of the region that starts at 0, the CPU state and param area
 * destinations (the last of each type wins, as there).
 */
static int papr_summarise(struct fadump_ctx *ctx, struct fadump_papr_dump *pd)
{
	struct fadump_papr_dump_summary *sum = &pd->sum;
	struct boot_mem bm = { 0 };
	uint64_t boot_dest = 0;
	bool from_zero = false;

	*sum = (struct fadump_papr_dump_summary){ .size = sizeof(*sum) };
	for (unsigned int i = 0; i < pd->nsec; i++) {
		const struct fadump_papr_section *s = &pd->sec[i];
		char what[48];
		int ret;

		switch (s->type) {
		case FADUMP_PAPR_CPU_STATE:
			sum->has_cpu_state = true;
			sum->cpu_state_addr = s->destination_address;
			sum->cpu_state_len = s->bytes_dumped;
			break;
		case FADUMP_PAPR_BOOT_MEMORY:
			snprintf(what, sizeof(what), PROP ": section %u", i);
			ret = boot_mem_add(ctx, &bm, s->source_address,
					   s->source_len, what);
			if (ret < 0)
				return ret;
			if (s->source_address == 0) {
				from_zero = true;
				boot_dest = s->destination_address;
			}
			break;
		case FADUMP_PAPR_PARAM_AREA:
			sum->has_param_area = true;
			sum->param_area_addr = s->destination_address;
			break;
		}
	}
	sum->boot_regions = bm.regions;
	sum->boot_memory_size = bm.size;
	sum->boot_mem_top = bm.top;
	if (from_zero) {
		sum->has_crashinfo_addr = true;
		/* rtas_fadump_update_config(), unsigned like the kernel's */
		sum->crashinfo_addr = boot_dest + bm.size;
	}
	return 0;
}

static int papr_judge(struct fadump_ctx *ctx, struct fadump_papr_dump *pd)
{
	enum papr_severity worst = PAPR_OK;
	bool fixed = pd->hdr.form == FADUMP_PAPR_FORM_FIXED;
	uint16_t status = pd->hdr.status_flags;
	int ret = 0;

	if (pd->hdr.offset_first_section != PAPR_HEADER_LEN) {
		worst = PAPR_FATAL;
		ret = problems_add(ctx, &pd->problems,
				   "offset_first_dump_section is %u: the kernel reads sections from offset %d regardless and misreads them",
				   pd->hdr.offset_first_section,
				   PAPR_HEADER_LEN);
	}
	/* 3.4 - 6.9 compared the whole flag word with the error flag. */
	if (ret == 0 && (status & FADUMP_PAPR_STATUS_ERROR)) {
		bool fatal = fixed && status == FADUMP_PAPR_STATUS_ERROR;

		if ((fatal ? PAPR_FATAL : PAPR_INCOMPLETE) > worst)
			worst = fatal ? PAPR_FATAL : PAPR_INCOMPLETE;
		ret = problems_add(ctx, &pd->problems,
				   "dump_status_flag 0x%04x: the firmware reports a dump error%s",
				   status,
				   fatal ? " and the 3.4 - 6.9 kernels refuse the dump" : "");
	}
	for (unsigned int i = 0; ret == 0 && i < pd->nsec; i++)
		ret = papr_section_problem(ctx, pd, i, &worst);
	if (ret == 0 && !pd->sum.has_cpu_state) {
		worst = PAPR_FATAL;
		ret = problems_add(ctx, &pd->problems,
				   "no CPU state section: the kernel finds no register save area and refuses the dump");
	}
	if (ret == 0 && !pd->sum.has_crashinfo_addr) {
		worst = PAPR_FATAL;
		ret = problems_add(ctx, &pd->problems,
				   "no boot-memory section copies address 0: the kernel cannot locate the crash-info header and refuses the dump");
	}
	if (ret < 0)
		return ret;
	pd->sum.verdict = worst == PAPR_FATAL ? FADUMP_DUMP_UNUSABLE :
			  worst == PAPR_INCOMPLETE ? FADUMP_DUMP_INCOMPLETE :
						     FADUMP_DUMP_COMPLETE;
	return 0;
}

FADUMP_EXPORT int fadump_papr_dump_parse(struct fadump_ctx *ctx,
					 const void *buf, size_t len,
					 struct fadump_papr_dump **pdp)
{
	struct fadump_papr_dump *pd;
	int ret;

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!pdp || (!buf && len))
		return fadump_fail(ctx, -EINVAL,
				   "fadump_papr_dump_parse: NULL argument");
	*pdp = NULL;
	ret = papr_check_header(ctx, buf, len);
	if (ret < 0)
		return ret;

	pd = calloc(1, sizeof(*pd));
	if (pd)
		pd->raw = malloc(len);
	if (!pd || !pd->raw) {
		free(pd);
		return fadump_fail(ctx, -ENOMEM, "out of memory");
	}
	pd->refcount = 1;
	memcpy(pd->raw, buf, len);
	pd->len = len;
	papr_read_sections(pd);
	ret = papr_summarise(ctx, pd);
	if (ret == 0)
		ret = papr_judge(ctx, pd);
	if (ret < 0) {
		papr_free(pd);
		return ret;
	}
	dbg(ctx, PROP ": %zu bytes, %u sections, %s form, dump %s", len,
	    pd->nsec, pd->hdr.form == FADUMP_PAPR_FORM_FIXED ? "fixed" : "sections",
	    fadump_dump_verdict_name(pd->sum.verdict));
	*pdp = pd;
	return 0;
}

FADUMP_EXPORT int fadump_papr_dump_from_devtree(struct fadump_ctx *ctx,
						const struct fadump_devtree *dt,
						struct fadump_papr_dump **pdp)
{
	const void *data;
	size_t len;
	int ret;

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!dt || !pdp)
		return fadump_fail(ctx, -EINVAL,
				   "fadump_papr_dump_from_devtree: NULL argument");
	ret = fadump_devtree_get_prop(dt, FADUMP_DT_KERNEL_DUMP, &data, &len);
	if (ret == -ENOENT)
		return fadump_fail(ctx, -ENOENT,
				   "no /rtas/" PROP " in the device tree: no dump is waiting (or not pseries)");
	if (ret < 0)
		return fadump_fail(ctx, ret, "/rtas/" PROP ": cannot get it");
	return fadump_papr_dump_parse(ctx, data, len, pdp);
}

FADUMP_EXPORT struct fadump_papr_dump *fadump_papr_dump_ref(struct fadump_papr_dump *pd)
{
	if (pd)
		pd->refcount++;
	return pd;
}

FADUMP_EXPORT struct fadump_papr_dump *fadump_papr_dump_unref(struct fadump_papr_dump *pd)
{
	if (pd && --pd->refcount == 0)
		papr_free(pd);
	return NULL;
}

FADUMP_EXPORT int fadump_papr_dump_get_header(const struct fadump_papr_dump *pd,
					      struct fadump_papr_dump_header *out)
{
	if (!pd || !out || out->size < FADUMP_PAPR_DUMP_HEADER_SIZE_V1)
		return -EINVAL;
	fadump_copy_out(out, &pd->hdr, sizeof(pd->hdr));
	return 0;
}

FADUMP_EXPORT unsigned int fadump_papr_dump_section_count(const struct fadump_papr_dump *pd)
{
	return pd ? pd->nsec : 0;
}

FADUMP_EXPORT int fadump_papr_dump_get_section(const struct fadump_papr_dump *pd,
					       unsigned int idx,
					       struct fadump_papr_section *out)
{
	if (!pd || !out || out->size < FADUMP_PAPR_SECTION_SIZE_V1)
		return -EINVAL;
	if (idx >= pd->nsec)
		return -ERANGE;
	fadump_copy_out(out, &pd->sec[idx], sizeof(pd->sec[idx]));
	return 0;
}

FADUMP_EXPORT int fadump_papr_dump_get_summary(const struct fadump_papr_dump *pd,
					       struct fadump_papr_dump_summary *out)
{
	if (!pd || !out || out->size < FADUMP_PAPR_DUMP_SUMMARY_SIZE_V1)
		return -EINVAL;
	fadump_copy_out(out, &pd->sum, sizeof(pd->sum));
	return 0;
}

int papr_dump_summary(struct fadump_ctx *ctx, const struct fadump_papr_dump *pd,
		      struct fadump_papr_dump_summary *s)
{
	s->size = sizeof(*s);
	if (!pd)
		return fadump_fail(ctx, -EINVAL, "no dump structure given");
	return fadump_papr_dump_get_summary(pd, s);
}

FADUMP_EXPORT const char *fadump_papr_dump_problem(const struct fadump_papr_dump *pd,
						   unsigned int idx)
{
	return pd ? problems_get(&pd->problems, idx) : NULL;
}

FADUMP_EXPORT int fadump_papr_dump_raw(const struct fadump_papr_dump *pd,
				       const void **data, size_t *len)
{
	if (!pd)
		return -EINVAL;
	if (data)
		*data = pd->raw;
	if (len)
		*len = pd->len;
	return 0;
}

FADUMP_EXPORT int fadump_papr_versions_parse(struct fadump_ctx *ctx,
					     const void *buf, size_t len,
					     struct fadump_papr_versions *out)
{
	const unsigned char *b = buf;
	struct fadump_papr_versions v = { .size = sizeof(v) };
	uint16_t lmin, lmax;

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!out || out->size < offsetof(struct fadump_papr_versions, byte_order) +
				sizeof(enum fadump_byte_order) || (!buf && len))
		return fadump_fail(ctx, -EINVAL,
				   "fadump_papr_versions_parse: NULL argument or short struct");
	if (len != 4)
		return fadump_fail(ctx, -EBADMSG,
				   "ibm,configure-kernel-dump-version: %zu bytes, expected 4 (two 16-bit versions)",
				   len);
	v.min = get_be16(b);
	v.max = get_be16(b + 2);
	lmin = (uint16_t)(b[1] << 8 | b[0]);
	lmax = (uint16_t)(b[3] << 8 | b[2]);
	/* Plausible: 1 <= min <= max <= 255. At most one reading is. */
	if (v.min >= 1 && v.min <= v.max && v.max <= 0xff) {
		v.byte_order = FADUMP_BYTE_ORDER_BIG;
	} else if (lmin >= 1 && lmin <= lmax && lmax <= 0xff) {
		v.byte_order = FADUMP_BYTE_ORDER_LITTLE;
		v.min = lmin;
		v.max = lmax;
	}
	fadump_copy_out(out, &v, sizeof(v));
	return 0;
}
