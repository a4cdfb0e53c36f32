// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fadumpctl metadata: the firmware's dump structures as the library
 * decodes them, from the device tree; on powernv, whose metadata is in
 * memory, the kernel's OPAL metadata and the crash-info header read
 * through /proc/kcore (fadump_opal_fdm_read()).
 * fadumpctl decode TYPE FILE [ARGS]: the same decoders on bytes from a
 * file, for structures found elsewhere (read from memory, a firmware
 * dump, a bug report). FILE is used as given, not under --root.
 *
 * JSON shape of "metadata" (add keys, never rename):
 *   {
 *     "platform": "pseries" | "powernv" | "none",
 *     "dump_present": bool,
 *     "kernel_dump": null | KERNEL_DUMP,
 *     "dump_versions": null | { "min", "max", "byte_order": "big-endian" |
 *                               "little-endian" | "unknown", "hex" },
 *     powernv with a dump waiting only:
 *     "opal_kernel_metadata": null | OPAL_FDM + "address",
 *     "opal_kernel_metadata_error": null | string (why it was not read),
 *     "crash_info_header": null | CRASHINFO, "crash_info_header_error"
 *   }
 *   OPAL_FDM and CRASHINFO are what "decode opal-fdm" and "decode
 *   crashinfo" print.
 *   KERNEL_DUMP = {
 *     "length", "format_version", "num_sections", "status_flags",
 *     "offset_first_section", "dd_block_size", "dd_block_offset",
 *     "dd_num_blocks", "dd_offset_disk_path", "max_time_auto",
 *     "form": "fixed" | "sections",
 *     "sections": [ { "index", "type", "type_name", "request_flag",
 *                     "error_flags", "source_address", "source_len",
 *                     "bytes_dumped", "destination_address", "complete",
 *                     "problem": string | null } ... ],
 *     "boot_regions", "boot_memory_size", "boot_mem_top",
 *     "crashinfo_addr", "cpu_state_addr", "cpu_state_len",
 *     "param_area_addr": integer | null (each, when absent),
 *     "verdict": "complete" | "incomplete" | "unusable",
 *     "problems": [ string ... ]
 *   }
 * "decode" prints one object per TYPE: KERNEL_DUMP for kernel-dump,
 * { "format", "version", "cpus": [ { "id", "active", "core_state",
 * "entries", "ignored", "offset", "regs": REGS, "entries_list" (with
 * --verbose) } ] } for regsave and hdat, and the decoded fields for
 * crashinfo, opal-fdm and opal-cpu. REGS = { "gpr": [32 integers], "nip",
 * "msr", "orig_gpr3", "ctr", "link", "xer", "ccr", "softe", "trap",
 * "dar", "dsisr", "result" }.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fadumpctl.h"
#include "json.h"

/* Largest FILE decode reads: far more than any of these structures. */
#define DECODE_FILE_MAX (64 * 1024 * 1024)

static void jadd_opt_u64(struct json_object *o, const char *key, bool has,
			 uint64_t v)
{
	if (has)
		jadd_u64(o, key, v);
	else
		jadd_null(o, key);
}

static const char *form_name(enum fadump_papr_form form)
{
	return form == FADUMP_PAPR_FORM_FIXED ? "fixed" : "sections";
}

/* ---- ibm,kernel-dump ------------------------------------------------ */

static int kernel_dump_json(struct cli *cli, const struct fadump_papr_dump *pd,
			    struct json_object **out)
{
	struct fadump_papr_dump_header h = { .size = sizeof(h) };
	struct fadump_papr_dump_summary s = { .size = sizeof(s) };
	struct json_object *o, *secs, *probs;
	const char *p;
	int ret;

	ret = fadump_papr_dump_get_header(pd, &h);
	if (ret == 0)
		ret = fadump_papr_dump_get_summary(pd, &s);
	if (ret < 0)
		return cli_fail(cli, ret);
	o = jobj_new();
	jadd_u64(o, "length", h.length);
	jadd_u64(o, "format_version", h.format_version);
	jadd_u64(o, "num_sections", h.num_sections);
	jadd_u64(o, "status_flags", h.status_flags);
	jadd_u64(o, "offset_first_section", h.offset_first_section);
	jadd_u64(o, "dd_block_size", h.dd_block_size);
	jadd_u64(o, "dd_block_offset", h.dd_block_offset);
	jadd_u64(o, "dd_num_blocks", h.dd_num_blocks);
	jadd_u64(o, "dd_offset_disk_path", h.dd_offset_disk_path);
	jadd_u64(o, "max_time_auto", h.max_time_auto);
	jadd_str(o, "form", form_name(h.form));
	secs = jarr_new();
	jadd(o, "sections", secs);
	for (unsigned int i = 0; i < fadump_papr_dump_section_count(pd); i++) {
		struct fadump_papr_section sec = { .size = sizeof(sec) };
		struct json_object *e;

		ret = fadump_papr_dump_get_section(pd, i, &sec);
		if (ret < 0) {
			json_object_put(o);
			return cli_fail(cli, ret);
		}
		e = jobj_new();
		jarr_add(secs, e);
		jadd_u64(e, "index", i);
		jadd_u64(e, "type", sec.type);
		jadd_str(e, "type_name", sec.type_name);
		jadd_u64(e, "request_flag", sec.request_flag);
		jadd_u64(e, "error_flags", sec.error_flags);
		jadd_u64(e, "source_address", sec.source_address);
		jadd_u64(e, "source_len", sec.source_len);
		jadd_u64(e, "bytes_dumped", sec.bytes_dumped);
		jadd_u64(e, "destination_address", sec.destination_address);
		jadd_bool(e, "complete", sec.complete);
		if (sec.problem)
			jadd_str(e, "problem", sec.problem);
		else
			jadd_null(e, "problem");
	}
	jadd_u64(o, "boot_regions", s.boot_regions);
	jadd_u64(o, "boot_memory_size", s.boot_memory_size);
	jadd_u64(o, "boot_mem_top", s.boot_mem_top);
	jadd_opt_u64(o, "crashinfo_addr", s.has_crashinfo_addr, s.crashinfo_addr);
	jadd_opt_u64(o, "cpu_state_addr", s.has_cpu_state, s.cpu_state_addr);
	jadd_opt_u64(o, "cpu_state_len", s.has_cpu_state, s.cpu_state_len);
	jadd_opt_u64(o, "param_area_addr", s.has_param_area, s.param_area_addr);
	jadd_str(o, "verdict", fadump_dump_verdict_name(s.verdict));
	probs = jarr_new();
	jadd(o, "problems", probs);
	for (unsigned int i = 0; (p = fadump_papr_dump_problem(pd, i)); i++)
		jarr_add(probs, json_object_new_string(p));
	*out = o;
	return EXIT_OK;
}

static int kernel_dump_print(struct cli *cli, const struct fadump_papr_dump *pd)
{
	struct fadump_papr_dump_header h = { .size = sizeof(h) };
	struct fadump_papr_dump_summary s = { .size = sizeof(s) };
	char size[SIZE_STR_MAX];
	const char *p;
	int ret;

	ret = fadump_papr_dump_get_header(pd, &h);
	if (ret == 0)
		ret = fadump_papr_dump_get_summary(pd, &s);
	if (ret < 0)
		return cli_fail(cli, ret);
	printf("dump structure:      %zu bytes, format version %" PRIu32 ", %s\n",
	       h.length, h.format_version,
	       h.form == FADUMP_PAPR_FORM_FIXED ?
	       "3-section form (3.4 - 6.9, or 6.10+ with one boot region and no param area)" :
	       "section form (6.10+)");
	printf("status flags:        0x%04" PRIx16 "%s%s%s\n", h.status_flags,
	       h.status_flags & FADUMP_PAPR_STATUS_PERFORMED ? " performed" : "",
	       h.status_flags & FADUMP_PAPR_STATUS_TRIGGERED ? " triggered" : "",
	       h.status_flags & FADUMP_PAPR_STATUS_ERROR ? " ERROR" : "");
	printf("first section at:    %" PRIu32 "\n", h.offset_first_section);
	printf("disk dump fields:    block size %" PRIu32 ", offset 0x%" PRIx64
	       ", blocks %" PRIu64 ", path offset %" PRIu32 "\n",
	       h.dd_block_size, h.dd_block_offset, h.dd_num_blocks,
	       h.dd_offset_disk_path);
	printf("max_time_auto:       %" PRIu32 "\n", h.max_time_auto);
	printf("sections:            %u\n", fadump_papr_dump_section_count(pd));
	if (fadump_papr_dump_section_count(pd))
		printf("  %-2s %-12s %-6s %-6s %-18s %-18s %-18s %s\n", "#",
		       "TYPE", "REQ", "ERRORS", "SOURCE", "LENGTH", "DUMPED",
		       "DESTINATION");
	for (unsigned int i = 0; i < fadump_papr_dump_section_count(pd); i++) {
		struct fadump_papr_section sec = { .size = sizeof(sec) };
		char type[24];

		ret = fadump_papr_dump_get_section(pd, i, &sec);
		if (ret < 0)
			return cli_fail(cli, ret);
		if (strcmp(sec.type_name, "unknown") == 0)
			snprintf(type, sizeof(type), "0x%04" PRIx16, sec.type);
		else
			snprintf(type, sizeof(type), "%s", sec.type_name);
		printf("  %-2u %-12s 0x%-4" PRIx32 " 0x%04" PRIx16 " 0x%016" PRIx64
		       " 0x%016" PRIx64 " 0x%016" PRIx64 " 0x%016" PRIx64 "\n",
		       i, type, sec.request_flag, sec.error_flags,
		       sec.source_address, sec.source_len, sec.bytes_dumped,
		       sec.destination_address);
	}
	printf("boot memory:         %u region%s, %s (0x%" PRIx64 "), top 0x%016"
	       PRIx64 "\n", s.boot_regions, s.boot_regions == 1 ? "" : "s",
	       format_size(size, s.boot_memory_size), s.boot_memory_size,
	       s.boot_mem_top);
	if (s.has_crashinfo_addr)
		printf("crash-info header:   0x%016" PRIx64 "\n", s.crashinfo_addr);
	else
		printf("crash-info header:   unknown (no boot region from 0)\n");
	if (s.has_cpu_state)
		printf("CPU state data:      0x%016" PRIx64 ", 0x%" PRIx64 " bytes\n",
		       s.cpu_state_addr, s.cpu_state_len);
	if (s.has_param_area)
		printf("param area:          0x%016" PRIx64 "\n", s.param_area_addr);
	printf("verdict:             %s\n", fadump_dump_verdict_name(s.verdict));
	for (unsigned int i = 0; (p = fadump_papr_dump_problem(pd, i)); i++)
		printf("  %s\n", p);
	return EXIT_OK;
}

/* ---- fadumpctl metadata -------------------------------------------- */

static int versions_decode(struct cli *cli, const struct fadump_devtree *dt,
			   struct fadump_papr_versions *v, const void **data,
			   size_t *len)
{
	int ret = fadump_devtree_get_prop(dt, FADUMP_DT_CONFIGURE_KERNEL_DUMP_VERSION,
					  data, len);

	if (ret < 0)
		return ret;	/* -ENOENT: absent */
	v->size = sizeof(*v);
	ret = fadump_papr_versions_parse(cli->ctx, *data, *len, v);
	return ret < 0 ? 1 : 0;		/* 1: present but not decodable */
}

static struct json_object *crashinfo_json(const struct fadump_crashinfo *ci);
static void crashinfo_print(const struct fadump_crashinfo *ci);
static struct json_object *opal_fdm_show(const struct fadump_opal_fdm *fdm,
					 bool json);

/*
 * powernv: the kernel's OPAL metadata and the crash-info header it points
 * to, read from memory (fadump_opal_fdm_read()), or why they could not be.
 */
struct opal_mem {
	struct fadump_opal_fdm *fdm;
	uint64_t addr;
	struct fadump_crashinfo *ci;
	char *fdm_why, *ci_why;		/* the library's message, or NULL */
};

static char *error_copy(const struct cli *cli);

static void opal_mem_read(struct cli *cli, struct opal_mem *m)
{
	if (fadump_opal_fdm_read(cli->ctx, &m->fdm, &m->addr) < 0) {
		m->fdm_why = error_copy(cli);
		return;
	}
	if (fadump_opal_crashinfo_read(cli->ctx, m->fdm, &m->ci) < 0)
		m->ci_why = error_copy(cli);
}

static void opal_mem_free(struct opal_mem *m)
{
	fadump_opal_fdm_unref(m->fdm);
	fadump_crashinfo_unref(m->ci);
	free(m->fdm_why);
	free(m->ci_why);
}

static void jadd_opt_str(struct json_object *o, const char *key, const char *v)
{
	if (v)
		jadd_str(o, key, v);
	else
		jadd_null(o, key);
}

static void opal_mem_json(struct json_object *o, const struct opal_mem *m)
{
	if (m->fdm) {
		struct json_object *f = opal_fdm_show(m->fdm, true);

		jadd_u64(f, "address", m->addr);
		jadd(o, "opal_kernel_metadata", f);
	} else {
		jadd_null(o, "opal_kernel_metadata");
	}
	jadd_opt_str(o, "opal_kernel_metadata_error", m->fdm_why);
	if (m->ci)
		jadd(o, "crash_info_header", crashinfo_json(m->ci));
	else
		jadd_null(o, "crash_info_header");
	jadd_opt_str(o, "crash_info_header_error", m->ci_why);
}

static void opal_mem_print(const struct opal_mem *m)
{
	if (!m->fdm) {
		printf("OPAL kernel metadata: not read: %s\n", m->fdm_why);
		return;
	}
	printf("\nfrom memory, at 0x%016" PRIx64 ":\n", m->addr);
	opal_fdm_show(m->fdm, false);
	if (m->ci) {
		printf("\n");
		crashinfo_print(m->ci);
	} else {
		printf("crash-info header: not read: %s\n", m->ci_why);
	}
}

static int metadata_json(struct cli *cli, const struct fadump_devtree *dt,
			 const struct fadump_papr_dump *pd)
{
	struct fadump_papr_versions v;
	struct json_object *o = jobj_new(), *kd, *vo;
	const void *data;
	size_t len;
	int ret;

	jadd_str(o, "platform",
		 fadump_platform_name(fadump_devtree_get_platform(dt)));
	jadd_bool(o, "dump_present", fadump_devtree_dump_present(dt));
	if (pd) {
		ret = kernel_dump_json(cli, pd, &kd);
		if (ret != EXIT_OK) {
			json_object_put(o);
			return ret;
		}
		jadd(o, "kernel_dump", kd);
	} else {
		jadd_null(o, "kernel_dump");
	}
	ret = versions_decode(cli, dt, &v, &data, &len);
	if (ret < 0) {
		jadd_null(o, "dump_versions");
	} else {
		vo = jobj_new();
		jadd(o, "dump_versions", vo);
		if (ret == 0) {
			jadd_u64(vo, "min", v.min);
			jadd_u64(vo, "max", v.max);
			jadd_str(vo, "byte_order", fadump_byte_order_name(v.byte_order));
		} else {
			jadd_null(vo, "min");
			jadd_null(vo, "max");
			jadd_str(vo, "byte_order", "unknown");
		}
		jadd(vo, "hex", jval_hex(data, len));
	}
	/* PowerNV only: its metadata is in memory, not in the device tree. */
	if (!pd && fadump_devtree_get_platform(dt) == FADUMP_PLATFORM_POWERNV &&
	    fadump_devtree_dump_present(dt)) {
		struct opal_mem m = { 0 };

		opal_mem_read(cli, &m);
		opal_mem_json(o, &m);
		opal_mem_free(&m);
	}
	json_print(o);
	return EXIT_OK;
}

static int metadata_print(struct cli *cli, const struct fadump_devtree *dt,
			  const struct fadump_papr_dump *pd)
{
	enum fadump_platform plat = fadump_devtree_get_platform(dt);
	struct fadump_papr_versions v;
	const void *data;
	size_t len;
	int ret;

	printf("platform:            %s\n", fadump_platform_name(plat));
	ret = versions_decode(cli, dt, &v, &data, &len);
	if (ret == 0 && v.byte_order != FADUMP_BYTE_ORDER_AUTO)
		printf("dump versions:       %u to %u (%s%s)\n", v.min, v.max,
		       fadump_byte_order_name(v.byte_order),
		       v.byte_order == FADUMP_BYTE_ORDER_LITTLE ?
		       ", as QEMU on a little-endian host writes them" : "");
	else if (ret >= 0) {
		printf("dump versions:       undecodable: ");
		print_hex(stdout, data, len, 21);
	}
	if (pd)
		return kernel_dump_print(cli, pd);
	if (plat == FADUMP_PLATFORM_POWERNV) {
		struct opal_mem m = { 0 };

		printf("dump waiting:        %s\n",
		       yes_no(fadump_devtree_dump_present(dt)));
		if (!fadump_devtree_dump_present(dt))
			return EXIT_OK;
		opal_mem_read(cli, &m);
		opal_mem_print(&m);
		opal_mem_free(&m);
		return EXIT_OK;
	}
	printf("dump waiting:        no (no /rtas/ibm,kernel-dump)\n");
	return EXIT_OK;
}

int cmd_metadata(struct cli *cli, int argc, char **argv)
{
	struct fadump_papr_dump *pd = NULL;
	struct fadump_devtree *dt;
	int ret;

	if (argc > 0)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	ret = fadump_devtree_read(cli->ctx, FADUMP_DT_SOURCE_AUTO, &dt);
	if (ret < 0)
		return cli_fail(cli, ret);
	if (fadump_devtree_get_platform(dt) == FADUMP_PLATFORM_NONE &&
	    !fadump_devtree_firmware_support(dt)) {
		fadump_devtree_unref(dt);
		fprintf(stderr, "fadumpctl: %s: no fadump firmware interface on this machine\n",
			cli->cmd);
		return EXIT_UNSUPPORTED;
	}
	ret = fadump_papr_dump_from_devtree(cli->ctx, dt, &pd);
	if (ret < 0 && ret != -ENOENT) {
		fadump_devtree_unref(dt);
		return cli_fail(cli, ret);
	}
	ret = cli->json ? metadata_json(cli, dt, pd) : metadata_print(cli, dt, pd);
	fadump_papr_dump_unref(pd);
	fadump_devtree_unref(dt);
	return ret;
}

/* ---- registers ------------------------------------------------------ */

static struct json_object *regs_json(const struct fadump_ppc64_regs *r)
{
	struct json_object *o = jobj_new(), *gpr = jarr_new();

	jadd(o, "gpr", gpr);
	for (int i = 0; i < 32; i++)
		jarr_add(gpr, jval_u64(r->gpr[i]));
	jadd_u64(o, "nip", r->nip);
	jadd_u64(o, "msr", r->msr);
	jadd_u64(o, "orig_gpr3", r->orig_gpr3);
	jadd_u64(o, "ctr", r->ctr);
	jadd_u64(o, "link", r->link);
	jadd_u64(o, "xer", r->xer);
	jadd_u64(o, "ccr", r->ccr);
	jadd_u64(o, "softe", r->softe);
	jadd_u64(o, "trap", r->trap);
	jadd_u64(o, "dar", r->dar);
	jadd_u64(o, "dsisr", r->dsisr);
	jadd_u64(o, "result", r->result);
	return o;
}

/* The kernel's show_regs() layout, four GPRs a line. */
static void regs_print(const struct fadump_ppc64_regs *r, int indent)
{
	printf("%*sNIP:  %016" PRIx64 " LR:  %016" PRIx64 " CTR: %016" PRIx64 "\n",
	       indent, "", r->nip, r->link, r->ctr);
	printf("%*sMSR:  %016" PRIx64 " CR:  %08" PRIx64 "         XER: %08" PRIx64 "\n",
	       indent, "", r->msr, r->ccr, r->xer);
	printf("%*sDAR:  %016" PRIx64 " DSISR: %08" PRIx64 " TRAP: %" PRIx64
	       " SOFTE: %" PRIu64 " ORIG_GPR3: %016" PRIx64 "\n", indent, "",
	       r->dar, r->dsisr, r->trap, r->softe, r->orig_gpr3);
	for (int i = 0; i < 32; i += 4)
		printf("%*sGPR%02d: %016" PRIx64 " %016" PRIx64 " %016" PRIx64
		       " %016" PRIx64 "\n", indent, "", i, r->gpr[i], r->gpr[i + 1],
		       r->gpr[i + 2], r->gpr[i + 3]);
}

static int cpuregs_show(struct cli *cli, const struct fadump_cpuregs *rs)
{
	bool hdat = fadump_cpuregs_format(rs) == FADUMP_CPUREGS_HDAT;
	struct json_object *o = NULL, *cpus = NULL;
	unsigned int n = fadump_cpuregs_count(rs);
	int ret;

	if (cli->json) {
		o = jobj_new();
		jadd_str(o, "format", hdat ? "hdat" : "rtas");
		jadd_u64(o, "version", fadump_cpuregs_version(rs));
		cpus = jarr_new();
		jadd(o, "cpus", cpus);
	} else {
		if (hdat)
			printf("HDAT thread register data, %u threads\n", n);
		else
			printf("register save area version %u, %u CPUs\n",
			       fadump_cpuregs_version(rs), n);
	}
	for (unsigned int i = 0; i < n; i++) {
		struct fadump_cpu_state c = { .size = sizeof(c) };
		struct fadump_ppc64_regs r = { .size = sizeof(r) };
		struct json_object *e = NULL, *list = NULL;

		ret = fadump_cpuregs_get_cpu(rs, i, &c);
		if (ret == 0)
			ret = fadump_cpuregs_get_regs(rs, i, &r);
		if (ret < 0) {
			if (o)
				json_object_put(o);
			return cli_fail(cli, ret);
		}
		if (o) {
			e = jobj_new();
			jarr_add(cpus, e);
			jadd_u64(e, "id", c.id);
			jadd_bool(e, "active", c.active);
			if (hdat)
				jadd_u64(e, "core_state", c.core_state);
			jadd_u64(e, "entries", c.entries);
			jadd_u64(e, "ignored", c.ignored);
			jadd_u64(e, "offset", c.offset);
			jadd(e, "regs", regs_json(&r));
			if (cli->verbose) {
				list = jarr_new();
				jadd(e, "entries_list", list);
			}
		} else {
			if (hdat)
				printf("thread %u (PIR 0x%x)%s", i, c.id,
				       c.active ? "" : " inactive");
			else
				printf("CPU %u (logical CPU %u)", i, c.id);
			printf(": %u entries, %u not used by the kernel, at offset %" PRIu64 "\n",
			       c.entries, c.ignored, c.offset);
			regs_print(&r, 2);
		}
		for (unsigned int k = 0; cli->verbose && k < c.entries; k++) {
			struct fadump_reg_entry re = { .size = sizeof(re) };

			if (fadump_cpuregs_get_entry(rs, i, k, &re) < 0)
				break;
			if (list) {
				struct json_object *x = jobj_new();

				jarr_add(list, x);
				jadd_str(x, "name", re.name);
				jadd_u64(x, "id", re.id);
				jadd_u64(x, "value", re.value);
				jadd_bool(x, "used", re.used);
			} else {
				printf("    %-20s %016" PRIx64 "%s\n", re.name,
				       re.value, re.used ? "" : "  (not used)");
			}
		}
	}
	if (o)
		json_print(o);
	return EXIT_OK;
}

/* The decoded header: JSON object (CRASHINFO) or text. */
static struct json_object *crashinfo_json(const struct fadump_crashinfo *ci)
{
	struct json_object *o = jobj_new(), *mask;
	struct fadump_crashinfo_info in = { .size = sizeof(in) };
	struct fadump_ppc64_regs r = { .size = sizeof(r) };
	bool unknown_cpu;

	fadump_crashinfo_get_info(ci, &in);
	fadump_crashinfo_get_regs(ci, &r);
	unknown_cpu = in.crashing_cpu == FADUMP_CRASHINFO_CPU_UNKNOWN;

	jadd_str(o, "magic", in.layout == FADUMP_CRASHINFO_FADMPSIG ?
			     "FADMPSIG" : "FADMPINF");
	jadd_u64(o, "version", in.version);
	jadd_str(o, "byte_order", fadump_byte_order_name(in.byte_order));
	jadd_opt_u64(o, "crashing_cpu", !unknown_cpu, in.crashing_cpu);
	if (in.layout == FADUMP_CRASHINFO_FADMPINF) {
		jadd_u64(o, "elfcorehdr_addr", in.elfcorehdr_addr);
	} else {
		jadd_u64(o, "vmcoreinfo_addr", in.vmcoreinfo_addr);
		jadd_u64(o, "vmcoreinfo_size", in.vmcoreinfo_size);
	}
	jadd_opt_u64(o, "pt_regs_size", in.pt_regs_size, in.pt_regs_size);
	jadd_opt_u64(o, "cpu_mask_size", in.cpu_mask_size, in.cpu_mask_size);
	jadd_opt_u64(o, "header_size", in.header_size, in.header_size);
	jadd(o, "regs", regs_json(&r));
	if (in.cpu_mask_size) {
		mask = jarr_new();
		for (unsigned int c = 0; c < in.cpu_mask_size * 8; c++)
			if (fadump_crashinfo_cpu_in_mask(ci, c) == 1)
				jarr_add(mask, jval_u64(c));
		jadd(o, "cpu_mask", mask);
	} else {
		jadd_null(o, "cpu_mask");
	}
	return o;
}

static void crashinfo_print(const struct fadump_crashinfo *ci)
{
	struct fadump_crashinfo_info in = { .size = sizeof(in) };
	struct fadump_ppc64_regs r = { .size = sizeof(r) };
	bool unknown_cpu;

	fadump_crashinfo_get_info(ci, &in);
	fadump_crashinfo_get_regs(ci, &r);
	unknown_cpu = in.crashing_cpu == FADUMP_CRASHINFO_CPU_UNKNOWN;
	printf("magic:               %s%s, %s\n",
	       in.layout == FADUMP_CRASHINFO_FADMPSIG ? "FADMPSIG" : "FADMPINF",
	       in.layout == FADUMP_CRASHINFO_FADMPSIG ? " version 1" : " (3.4 - 6.9)",
	       fadump_byte_order_name(in.byte_order));
	if (unknown_cpu)
		printf("crashing CPU:        unknown (the kernel recorded no crash)\n");
	else
		printf("crashing CPU:        %" PRIu32 "\n", in.crashing_cpu);
	if (in.layout == FADUMP_CRASHINFO_FADMPINF)
		printf("ELF core header:     0x%016" PRIx64 "\n", in.elfcorehdr_addr);
	else
		printf("vmcoreinfo:          0x%016" PRIx64 ", %" PRIu64 " bytes\n",
		       in.vmcoreinfo_addr, in.vmcoreinfo_size);
	if (in.header_size)
		printf("sizes:               pt_regs %" PRIu32 ", cpumask %" PRIu32
		       ", header %zu bytes\n", in.pt_regs_size,
		       in.cpu_mask_size, in.header_size);
	else
		printf("sizes:               unknown (give the header's address or sizeof(pt_regs))\n");
	printf("registers:\n");
	regs_print(&r, 2);
	if (in.cpu_mask_size) {
		printf("CPUs in mask:       ");
		for (unsigned int c = 0; c < in.cpu_mask_size * 8; c++)
			if (fadump_crashinfo_cpu_in_mask(ci, c) == 1)
				printf(" %u", c);
		printf("\n");
	}
}

/* ---- fadumpctl crashinfo --------------------------------------------- */

/*
 * The capture boot's view of the structures in the reserved area, read
 * through /proc/kcore: the crash-info header and the firmware's register
 * save area. JSON (add keys, never rename):
 *   { "crashinfo": CRASHINFO | null, "crashinfo_error": string | null,
 *     "cpu_state": { "format": "rtas", "version", "cpus": [ { "id",
 *                    "entries", "regs": REGS } ] } | null,
 *     "cpu_state_error": string | null }
 * Exit 1 when either could not be read or decoded.
 */
static struct json_object *cpu_state_json(const struct fadump_cpuregs *rs)
{
	struct json_object *o = jobj_new(), *cpus = jarr_new();

	jadd_str(o, "format", "rtas");
	jadd_u64(o, "version", fadump_cpuregs_version(rs));
	jadd(o, "cpus", cpus);
	for (unsigned int i = 0; i < fadump_cpuregs_count(rs); i++) {
		struct fadump_cpu_state c = { .size = sizeof(c) };
		struct fadump_ppc64_regs r = { .size = sizeof(r) };
		struct json_object *e;

		if (fadump_cpuregs_get_cpu(rs, i, &c) < 0 ||
		    fadump_cpuregs_get_regs(rs, i, &r) < 0)
			break;		/* i < count: cannot happen */
		e = jobj_new();
		jarr_add(cpus, e);
		jadd_u64(e, "id", c.id);
		jadd_u64(e, "entries", c.entries);
		jadd(e, "regs", regs_json(&r));
	}
	return o;
}

static char *error_copy(const struct cli *cli)
{
	const char *e = fadump_ctx_get_error(cli->ctx);
	char *s = strdup(e && *e ? e : "unknown error");

	if (!s)
		cli_oom();
	return s;
}

/*
 * powernv: the crash-info header through the OPAL kernel metadata. The
 * CPU state data (HDAT) is the firmware's, at an address only the kernel
 * is told (OPAL_MPIPL_TAG_CPU); its registers are in the notes of
 * /proc/vmcore and of the OPAL core.
 */
static int crashinfo_powernv(struct cli *cli)
{
	struct opal_mem m = { 0 };
	int ret;

	opal_mem_read(cli, &m);
	if (cli->json) {
		struct json_object *o = jobj_new();
		struct json_object *f = m.fdm ? opal_fdm_show(m.fdm, true) : NULL;

		if (f)
			jadd_u64(f, "address", m.addr);
		jadd(o, "crashinfo", m.ci ? crashinfo_json(m.ci) : NULL);
		jadd_opt_str(o, "crashinfo_error", m.fdm_why ? m.fdm_why : m.ci_why);
		jadd_null(o, "cpu_state");
		jadd_null(o, "cpu_state_error");
		jadd(o, "opal_kernel_metadata", f);
		json_print(o);
	} else {
		printf("crash-info header (through the OPAL kernel metadata and /proc/kcore):\n");
		if (m.ci)
			crashinfo_print(m.ci);
		else
			printf("unreadable:          %s\n",
			       m.fdm_why ? m.fdm_why : m.ci_why);
		printf("\nCPU state data: the firmware's (OPAL); the registers are in the\n"
		       "NT_PRSTATUS notes of /proc/vmcore and of the OPAL core (fadumpctl info --registers)\n");
	}
	if (!m.ci)
		fprintf(stderr, "fadumpctl: %s: crash-info header: %s\n", cli->cmd,
			m.fdm_why ? m.fdm_why : m.ci_why);
	ret = m.ci ? EXIT_OK : EXIT_FAILED;
	opal_mem_free(&m);
	return ret;
}

int cmd_crashinfo(struct cli *cli, int argc, char **argv)
{
	struct fadump_papr_dump *pd = NULL;
	struct fadump_crashinfo *ci = NULL;
	struct fadump_cpuregs *rs = NULL;
	char *ci_err = NULL, *rs_err = NULL;
	struct fadump_devtree *dt;
	int ret;

	if (argc > 0)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	ret = fadump_devtree_read(cli->ctx, FADUMP_DT_SOURCE_AUTO, &dt);
	if (ret < 0)
		return cli_fail(cli, ret);
	if (fadump_devtree_get_platform(dt) == FADUMP_PLATFORM_POWERNV &&
	    fadump_devtree_dump_present(dt)) {
		fadump_devtree_unref(dt);
		return crashinfo_powernv(cli);
	}
	ret = fadump_papr_dump_from_devtree(cli->ctx, dt, &pd);
	fadump_devtree_unref(dt);
	if (ret < 0)
		return cli_fail(cli, ret);
	if (fadump_crashinfo_read(cli->ctx, pd, &ci) < 0)
		ci_err = error_copy(cli);
	if (fadump_cpuregs_read(cli->ctx, pd, &rs) < 0)
		rs_err = error_copy(cli);
	fadump_papr_dump_unref(pd);

	if (cli->json) {
		struct json_object *o = jobj_new();

		if (ci)
			jadd(o, "crashinfo", crashinfo_json(ci));
		else
			jadd_null(o, "crashinfo");
		if (ci_err)
			jadd_str(o, "crashinfo_error", ci_err);
		else
			jadd_null(o, "crashinfo_error");
		if (rs)
			jadd(o, "cpu_state", cpu_state_json(rs));
		else
			jadd_null(o, "cpu_state");
		if (rs_err)
			jadd_str(o, "cpu_state_error", rs_err);
		else
			jadd_null(o, "cpu_state_error");
		json_print(o);
	} else {
		printf("crash-info header (through /proc/kcore):\n");
		if (ci)
			crashinfo_print(ci);
		else
			printf("unreadable:          %s\n", ci_err);
		printf("\nregister save area (through /proc/kcore):\n");
		if (rs) {
			printf("version %u, %u CPUs\n", fadump_cpuregs_version(rs),
			       fadump_cpuregs_count(rs));
			for (unsigned int i = 0; i < fadump_cpuregs_count(rs); i++) {
				struct fadump_cpu_state c = { .size = sizeof(c) };
				struct fadump_ppc64_regs r = { .size = sizeof(r) };

				if (fadump_cpuregs_get_cpu(rs, i, &c) < 0 ||
				    fadump_cpuregs_get_regs(rs, i, &r) < 0)
					break;
				printf("CPU %u (logical CPU %u), %u entries:\n", i,
				       c.id, c.entries);
				regs_print(&r, 2);
			}
		} else {
			printf("unreadable:          %s\n", rs_err);
		}
	}
	/* one line per failure on stderr too, for scripts reading the text */
	if (ci_err)
		fprintf(stderr, "fadumpctl: %s: crash-info header: %s\n", cli->cmd, ci_err);
	if (rs_err)
		fprintf(stderr, "fadumpctl: %s: register save area: %s\n", cli->cmd, rs_err);
	ret = ci_err || rs_err ? EXIT_FAILED : EXIT_OK;
	free(ci_err);
	free(rs_err);
	fadump_crashinfo_unref(ci);
	fadump_cpuregs_unref(rs);
	return ret;
}

/* ---- fadumpctl decode ----------------------------------------------- */

static int read_whole(const struct cli *cli, const char *path, void **bufp,
		      size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "fadumpctl: %s: %s: %s\n", cli->cmd, path,
			strerror(errno));
		return EXIT_FAILED;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			unsigned char *nb;

			/* The byte past the limit was there: too large. */
			if (len > DECODE_FILE_MAX) {
				fclose(f);
				free(buf);
				fprintf(stderr, "fadumpctl: %s: %s: larger than %d bytes\n",
					cli->cmd, path, DECODE_FILE_MAX);
				return EXIT_FAILED;
			}
			/* Room for one byte more than allowed, to find out. */
			cap = cap ? cap * 2 : 4096;
			if (cap > DECODE_FILE_MAX)
				cap = (size_t)DECODE_FILE_MAX + 1;
			nb = realloc(buf, cap);
			if (!nb)
				cli_oom();
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "fadumpctl: %s: %s: read error\n", cli->cmd, path);
		fclose(f);
		free(buf);
		return EXIT_FAILED;
	}
	fclose(f);
	*bufp = buf;
	*lenp = len;
	return EXIT_OK;
}

/* A number as C writes it (0x.. or decimal), all of @s. */
static int parse_number(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

/* For the structures that take no ARGS after FILE. */
static int refuse_args(struct cli *cli, int argc, char **argv)
{
	return argc ? cli_usage_error(cli, "unexpected argument '%s'", argv[0]) :
		      EXIT_OK;
}

static int decode_kernel_dump(struct cli *cli, const void *buf, size_t len,
			      int argc, char **argv)
{
	struct fadump_papr_dump *pd;
	struct json_object *o;
	int ret = refuse_args(cli, argc, argv);

	if (ret != EXIT_OK)
		return ret;
	ret = fadump_papr_dump_parse(cli->ctx, buf, len, &pd);
	if (ret < 0)
		return cli_fail(cli, ret);
	if (cli->json) {
		ret = kernel_dump_json(cli, pd, &o);
		if (ret == EXIT_OK)
			json_print(o);
	} else {
		ret = kernel_dump_print(cli, pd);
	}
	fadump_papr_dump_unref(pd);
	return ret;
}

static int decode_crashinfo(struct cli *cli, const void *buf, size_t len,
			    int argc, char **argv)
{
	struct fadump_crashinfo_hint hint = { .size = sizeof(hint) };
	struct fadump_crashinfo *ci;
	uint64_t v;
	int ret;

	if (argc > 0) {
		if (parse_number(argv[0], &v) < 0)
			return cli_usage_error(cli, "'%s' is not an address", argv[0]);
		hint.phys_addr = v;
	}
	if (argc > 1) {
		if (parse_number(argv[1], &v) < 0 || v > UINT32_MAX)
			return cli_usage_error(cli, "'%s' is not a pt_regs size", argv[1]);
		hint.pt_regs_size = (uint32_t)v;
	}
	if (argc > 2)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[2]);
	ret = fadump_crashinfo_parse(cli->ctx, buf, len, &hint, &ci);
	if (ret < 0)
		return cli_fail(cli, ret);
	if (cli->json)
		json_print(crashinfo_json(ci));
	else
		crashinfo_print(ci);
	fadump_crashinfo_unref(ci);
	return EXIT_OK;
}

/* The OPAL kernel metadata: a JSON object, or printed (NULL). */
static struct json_object *opal_fdm_show(const struct fadump_opal_fdm *fdm,
					 bool json)
{
	struct fadump_opal_fdm_info in = { .size = sizeof(in) };
	struct json_object *o = NULL, *arr = NULL, *probs;
	const char *p;

	fadump_opal_fdm_get_info(fdm, &in);
	if (json) {
		o = jobj_new();
		jadd_u64(o, "version", in.version);
		jadd_str(o, "byte_order", fadump_byte_order_name(in.byte_order));
		jadd_u64(o, "region_cnt", in.region_cnt);
		jadd_u64(o, "registered_regions", in.registered_regions);
		jadd_u64(o, "crashinfo_addr", in.crashinfo_addr);
		jadd_u64(o, "boot_memory_size", in.boot_memory_size);
		jadd_u64(o, "boot_mem_top", in.boot_mem_top);
		jadd_str(o, "verdict", fadump_dump_verdict_name(in.verdict));
		arr = jarr_new();
		jadd(o, "regions", arr);
	} else {
		printf("OPAL kernel metadata version %u, %s\n", in.version,
		       fadump_byte_order_name(in.byte_order));
		printf("regions:             %u, %u registered for MPIPL\n",
		       in.region_cnt, in.registered_regions);
		printf("crash-info header:   0x%016" PRIx64 "\n", in.crashinfo_addr);
		printf("boot memory:         0x%" PRIx64 " bytes, top 0x%016" PRIx64 "\n",
		       in.boot_memory_size, in.boot_mem_top);
	}
	for (unsigned int i = 0; i < in.region_cnt; i++) {
		struct fadump_opal_region r = { .size = sizeof(r) };

		if (fadump_opal_fdm_get_region(fdm, i, &r) < 0)
			break;
		if (arr) {
			struct json_object *e = jobj_new();

			jarr_add(arr, e);
			jadd_u64(e, "source", r.source);
			jadd_u64(e, "destination", r.destination);
			jadd_u64(e, "length", r.length);
			jadd_bool(e, "preserved", r.preserved);
		} else {
			printf("  %3u  src 0x%016" PRIx64 "  dest 0x%016" PRIx64
			       "  size 0x%" PRIx64 "%s\n", i, r.source,
			       r.destination, r.length,
			       r.preserved ? "" : "  (not preserved)");
		}
	}
	if (o) {
		probs = jarr_new();
		jadd(o, "problems", probs);
		for (unsigned int i = 0; (p = fadump_opal_fdm_problem(fdm, i)); i++)
			jarr_add(probs, json_object_new_string(p));
		return o;
	}
	printf("verdict:             %s\n", fadump_dump_verdict_name(in.verdict));
	for (unsigned int i = 0; (p = fadump_opal_fdm_problem(fdm, i)); i++)
		printf("  %s\n", p);
	return NULL;
}

static int decode_opal_fdm(struct cli *cli, const void *buf, size_t len,
			   int argc, char **argv)
{
	enum fadump_byte_order order = FADUMP_BYTE_ORDER_AUTO;
	struct fadump_opal_fdm *fdm;
	struct json_object *o;
	int ret;

	if (argc > 0 && strcmp(argv[0], "be") == 0)
		order = FADUMP_BYTE_ORDER_BIG;
	else if (argc > 0 && strcmp(argv[0], "le") == 0)
		order = FADUMP_BYTE_ORDER_LITTLE;
	else if (argc > 0)
		return cli_usage_error(cli, "byte order '%s' is not be or le", argv[0]);
	if (argc > 1)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[1]);
	ret = fadump_opal_fdm_parse(cli->ctx, buf, len, order, &fdm);
	if (ret < 0)
		return cli_fail(cli, ret);
	o = opal_fdm_show(fdm, cli->json);
	if (o)
		json_print(o);
	fadump_opal_fdm_unref(fdm);
	return EXIT_OK;
}

static int decode_opal_cpu(struct cli *cli, const void *buf, size_t len,
			   int argc, char **argv)
{
	struct fadump_opal_cpu_meta m = { .size = sizeof(m) };
	int ret = refuse_args(cli, argc, argv);

	if (ret != EXIT_OK)
		return ret;
	ret = fadump_opal_cpu_meta_parse(cli->ctx, buf, len, &m);
	if (ret < 0)
		return cli_fail(cli, ret);
	if (cli->json) {
		struct json_object *o = jobj_new();

		jadd_u64(o, "version", m.version);
		jadd_u64(o, "crashing_pir", m.crashing_pir);
		jadd_u64(o, "cpu_data_version", m.cpu_data_version);
		jadd_u64(o, "cpu_data_size", m.cpu_data_size);
		jadd_u64(o, "region_cnt", m.region_cnt);
		jadd_u64(o, "cpu_data_addr", m.cpu_data_addr);
		jadd_u64(o, "cpu_data_len", m.cpu_data_len);
		json_print(o);
	} else {
		printf("OPAL CPU metadata version %u\n", m.version);
		printf("crashing PIR:        0x%" PRIx32 "\n", m.crashing_pir);
		printf("CPU data:            version %" PRIu32 ", 0x%016" PRIx64
		       ", 0x%" PRIx64 " bytes, %" PRIu32 " bytes per thread\n",
		       m.cpu_data_version, m.cpu_data_addr, m.cpu_data_len,
		       m.cpu_data_size);
		printf("regions:             %" PRIu32 "\n", m.region_cnt);
	}
	return EXIT_OK;
}

static int decode_cpuregs(struct cli *cli, const void *buf, size_t len,
			  bool hdat, int argc, char **argv)
{
	struct fadump_cpuregs *rs;
	uint64_t tsize = 0;
	int ret;

	if (hdat) {
		if (argc < 1)
			return cli_usage_error(cli, "hdat needs THREAD_SIZE (cpu_data_size)");
		if (parse_number(argv[0], &tsize) < 0 || tsize > UINT32_MAX)
			return cli_usage_error(cli, "'%s' is not a thread size", argv[0]);
		argc--;
		argv++;
	}
	if (argc > 0)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	if (hdat)
		ret = fadump_cpuregs_parse_hdat(cli->ctx, buf, len,
						(uint32_t)tsize, &rs);
	else
		ret = fadump_cpuregs_parse_rtas(cli->ctx, buf, len, &rs);
	if (ret < 0)
		return cli_fail(cli, ret);
	ret = cpuregs_show(cli, rs);
	fadump_cpuregs_unref(rs);
	return ret;
}

static int decode_regsave(struct cli *cli, const void *buf, size_t len,
			  int argc, char **argv)
{
	return decode_cpuregs(cli, buf, len, false, argc, argv);
}

static int decode_hdat(struct cli *cli, const void *buf, size_t len,
		       int argc, char **argv)
{
	return decode_cpuregs(cli, buf, len, true, argc, argv);
}

/* decode's TYPEs: FILE's bytes and the ARGS after it go to @decode. */
static const struct decoder {
	const char *type;
	int (*decode)(struct cli *cli, const void *buf, size_t len, int argc,
		      char **argv);
} decoders[] = {
	{ "kernel-dump", decode_kernel_dump },
	{ "regsave", decode_regsave },
	{ "hdat", decode_hdat },
	{ "crashinfo", decode_crashinfo },
	{ "opal-fdm", decode_opal_fdm },
	{ "opal-cpu", decode_opal_cpu },
};

static const struct decoder *find_decoder(const char *type)
{
	for (size_t i = 0; i < sizeof(decoders) / sizeof(decoders[0]); i++)
		if (strcmp(type, decoders[i].type) == 0)
			return &decoders[i];
	return NULL;
}

int cmd_decode(struct cli *cli, int argc, char **argv)
{
	const struct decoder *d;
	char types[128] = "";
	size_t len;
	void *buf;
	int ret;

	if (argc < 2) {
		for (size_t i = 0; i < sizeof(decoders) / sizeof(decoders[0]); i++)
			snprintf(types + strlen(types), sizeof(types) - strlen(types),
				 "%s%s", i ? ", " : "", decoders[i].type);
		return cli_usage_error(cli, "usage: decode TYPE FILE [ARGS] (TYPE: %s)",
				       types);
	}
	d = find_decoder(argv[0]);
	if (!d)
		return cli_usage_error(cli, "unknown structure type '%s'", argv[0]);
	ret = read_whole(cli, argv[1], &buf, &len);
	if (ret != EXIT_OK)
		return ret;
	ret = d->decode(cli, buf, len, argc - 2, argv + 2);
	free(buf);
	return ret;
}
