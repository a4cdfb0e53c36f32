// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fadumpctl check: one line saying whether a waiting dump is complete and
 * usable; exit 0 only if it is (or, on powernv without a region report,
 * if the kernel published it and nothing shows it incomplete).
 *
 * What is checked:
 *  - pseries: /rtas/ibm,kernel-dump, judged by the kernel's own rules
 *    (fadump_papr_dump_get_summary()): firmware error flags, bytes
 *    dumped against bytes requested, the sections the kernel needs;
 *  - powernv: the kernel's OPAL metadata, read from memory through
 *    /proc/kcore (fadump_opal_fdm_read()), judged as the kernel does
 *    (registered regions), and the crash-info header it points to.
 *    Without /proc/kcore, the kernel's region report (debugfs) shows
 *    which boot-memory regions were preserved (Dumped equals Size only
 *    for those);
 *  - both: /proc/vmcore, which the kernel publishes only after its own
 *    checks pass, the crash-info header's magic among them. Its absence
 *    while firmware still shows a dump means the kernel refused it or it
 *    was released;
 *  - pseries, where /proc/kcore can be read (the live capture boot): the
 *    crash-info header itself, at the address ibm,kernel-dump gives. A
 *    bad magic or an unknown version makes the dump unusable. Without
 *    /proc/kcore (a saved root, no CONFIG_PROC_KCORE) it is not checked
 *    and "crash_info_header" is null.
 *
 * JSON shape (add keys, never rename):
 *   { "verdict": "complete" | "incomplete" | "unusable" | "unverified" |
 *                "none",
 *     "complete": bool | null, "usable": bool,
 *     "platform", "dump_present", "vmcore_present",
 *     "problems": [ string ... ],
 *     "crash_info_header": null | { "magic", "version", "byte_order",
 *                                   "crashing_cpu" (null if unknown) },
 *     "message": the one line }
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fadumpctl.h"
#include "json.h"

#define MAX_PROBLEMS 16

struct check {
	const char *verdict;
	int complete;			/* 1, 0, -1 unknown */
	bool usable;
	bool header_checked;		/* crash-info header read and decoded */
	bool header_problem;		/* ... and found wrong */
	struct fadump_crashinfo_info header;
	unsigned int nproblems;
	char *problems[MAX_PROBLEMS];
	char message[1024];
};

static void add_problem(struct check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_problem(struct check *c, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (c->nproblems == MAX_PROBLEMS)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		cli_oom();
	va_end(ap);
	c->problems[c->nproblems++] = s;
}

static void set_message(struct check *c, const char *what)
{
	if (c->nproblems > 1)
		snprintf(c->message, sizeof(c->message),
			 "%s: %s (and %u more, see 'fadumpctl metadata')",
			 c->verdict, what, c->nproblems - 1);
	else
		snprintf(c->message, sizeof(c->message), "%s: %s", c->verdict,
			 what);
}

/*
 * The header the crashed kernel wrote, read through /proc/kcore. -ENOENT
 * means there is no kcore to read it through (the dump structure gave an
 * address, or the verdict would not be complete): not checked, no problem.
 */
static void check_header(struct cli *cli, const struct fadump_papr_dump *pd,
			 const struct fadump_opal_fdm *fdm, struct check *c)
{
	struct fadump_crashinfo *ci;
	int ret;

	ret = fdm ? fadump_opal_crashinfo_read(cli->ctx, fdm, &ci) :
		    fadump_crashinfo_read(cli->ctx, pd, &ci);
	if (ret == -ENOENT)
		return;
	if (ret < 0) {
		c->header_problem = true;
		add_problem(c, "crash-info header: %s",
			    fadump_ctx_get_error(cli->ctx));
		return;
	}
	c->header.size = sizeof(c->header);
	ret = fadump_crashinfo_get_info(ci, &c->header);
	fadump_crashinfo_unref(ci);
	if (ret < 0) {
		c->header_problem = true;
		add_problem(c, "crash-info header: %s",
			    fadump_ctx_get_error(cli->ctx));
		return;
	}
	c->header_checked = true;
}

/*
 * The verdict from the firmware structure's @v (pseries ibm,kernel-dump,
 * powernv OPAL kernel metadata), the crash-info header and whether the
 * kernel published /proc/vmcore; @what is a complete dump's line.
 */
static void judge(struct check *c, enum fadump_dump_verdict v, bool vmcore,
		  const char *what)
{
	if (c->header_problem) {
		c->verdict = "unusable";
		c->complete = 0;
		set_message(c, c->problems[c->nproblems - 1]);
		return;
	}
	c->complete = v == FADUMP_DUMP_COMPLETE;
	c->usable = v != FADUMP_DUMP_UNUSABLE && vmcore;
	if (v == FADUMP_DUMP_UNUSABLE) {
		c->verdict = "unusable";
		set_message(c, c->problems[0]);
	} else if (!vmcore) {
		c->verdict = "unusable";
		add_problem(c, "the kernel published no /proc/vmcore: it refused the dump (see its log) or the dump was released");
		set_message(c, c->problems[c->nproblems - 1]);
	} else if (v == FADUMP_DUMP_INCOMPLETE) {
		c->verdict = "incomplete";
		set_message(c, c->problems[0]);
	} else {
		c->verdict = "complete";
		set_message(c, what);
	}
}

static int check_pseries(struct cli *cli, const struct fadump_devtree *dt,
			 bool vmcore, struct check *c)
{
	struct fadump_papr_dump_summary s = { .size = sizeof(s) };
	char size[SIZE_STR_MAX], what[160];
	struct fadump_papr_dump *pd;
	unsigned int nsec;
	const char *p;
	int ret;

	ret = fadump_papr_dump_from_devtree(cli->ctx, dt, &pd);
	if (ret < 0) {
		c->verdict = "unusable";
		c->complete = 0;
		add_problem(c, "%s", fadump_ctx_get_error(cli->ctx));
		set_message(c, c->problems[0]);
		return 0;
	}
	ret = fadump_papr_dump_get_summary(pd, &s);
	if (ret < 0) {
		fadump_papr_dump_unref(pd);
		return ret;
	}
	nsec = fadump_papr_dump_section_count(pd);
	for (unsigned int i = 0; (p = fadump_papr_dump_problem(pd, i)); i++)
		add_problem(c, "%s", p);
	if (s.verdict != FADUMP_DUMP_UNUSABLE && vmcore)
		check_header(cli, pd, NULL, c);
	fadump_papr_dump_unref(pd);

	snprintf(what, sizeof(what),
		 "%u sections copied in full (%s of boot memory)%s, /proc/vmcore is ready",
		 nsec, format_size(size, s.boot_memory_size),
		 c->header_checked ? ", crash-info header valid" : "");
	judge(c, s.verdict, vmcore, what);
	return 0;
}

/*
 * The OPAL kernel metadata read from memory (fadump_opal_fdm_read()):
 * its verdict and the crash-info header it points to. 1 if it decided,
 * 0 if it could not be read (no /proc/kcore, no region report: the
 * region report alone then decides), negative for an error.
 */
static int check_opal_metadata(struct cli *cli, bool vmcore, struct check *c)
{
	struct fadump_opal_fdm_info in = { .size = sizeof(in) };
	struct fadump_opal_fdm *fdm;
	char what[256], size[SIZE_STR_MAX];
	uint64_t addr;
	const char *p;
	int ret;

	ret = fadump_opal_fdm_read(cli->ctx, &fdm, &addr);
	if (ret == -ENOENT || ret == -EACCES || ret == -EPERM)
		return 0;
	if (ret < 0)
		return ret;
	fadump_opal_fdm_get_info(fdm, &in);
	for (unsigned int i = 0; (p = fadump_opal_fdm_problem(fdm, i)); i++)
		add_problem(c, "%s", p);
	if (in.verdict != FADUMP_DUMP_UNUSABLE && vmcore)
		check_header(cli, NULL, fdm, c);
	fadump_opal_fdm_unref(fdm);

	snprintf(what, sizeof(what),
		 "%u boot-memory regions preserved (%s, OPAL kernel metadata at 0x%llx)%s, /proc/vmcore is ready",
		 in.registered_regions, format_size(size, in.boot_memory_size),
		 (unsigned long long)addr,
		 c->header_checked ? ", crash-info header valid" : "");
	judge(c, in.verdict, vmcore, what);
	return 1;
}

static int check_powernv(struct cli *cli, bool vmcore, struct check *c)
{
	struct fadump_regions *regs;
	unsigned int n, boot = 0, lost = 0;
	char what[256];
	int ret;

	ret = check_opal_metadata(cli, vmcore, c);
	if (ret != 0)
		return ret < 0 ? ret : 0;
	ret = fadump_regions_read(cli->ctx, &regs);
	if (ret < 0 && ret != -ENOENT)
		return ret;
	n = ret < 0 ? 0 : fadump_regions_count(regs);
	for (unsigned int i = 0; i < n; i++) {
		struct fadump_region r = { .size = sizeof(r) };

		if (fadump_regions_get(regs, i, &r) < 0 ||
		    r.type != FADUMP_REGION_DUMP)
			continue;
		boot++;
		if (r.dumped != r.length) {
			lost++;
			add_problem(c, "boot-memory region %u (source 0x%llx, 0x%llx bytes) was not preserved (kernel region report)",
				    boot - 1, (unsigned long long)r.source,
				    (unsigned long long)r.length);
		}
	}
	if (ret == 0)
		fadump_regions_unref(regs);

	c->usable = vmcore;
	c->complete = boot ? lost == 0 : -1;
	if (!vmcore) {
		c->verdict = "unusable";
		add_problem(c, "the kernel published no /proc/vmcore: it refused the dump (see its log) or the dump was released");
		set_message(c, c->problems[c->nproblems - 1]);
	} else if (lost) {
		c->verdict = "incomplete";
		set_message(c, c->problems[0]);
	} else if (boot) {
		c->verdict = "complete";
		snprintf(what, sizeof(what),
			 "%u boot-memory regions preserved, /proc/vmcore is ready",
			 boot);
		set_message(c, what);
	} else {
		c->verdict = "unverified";
		set_message(c, "/proc/vmcore is ready; the preserved regions cannot be checked without the kernel's region report (debugfs), the OPAL metadata being in memory");
	}
	return 0;
}

static void check_json(const struct check *c, const struct fadump_status *st,
		       const struct fadump_devtree *dt)
{
	struct json_object *o = jobj_new(), *arr = jarr_new();

	jadd_str(o, "verdict", c->verdict);
	if (c->complete < 0)
		jadd_null(o, "complete");
	else
		jadd_bool(o, "complete", c->complete);
	jadd_bool(o, "usable", c->usable);
	jadd_str(o, "platform", fadump_platform_name(fadump_devtree_get_platform(dt)));
	jadd_bool(o, "dump_present", fadump_devtree_dump_present(dt));
	jadd_bool(o, "vmcore_present", st->vmcore_present);
	jadd(o, "problems", arr);
	for (unsigned int i = 0; i < c->nproblems; i++)
		jarr_add(arr, json_object_new_string(c->problems[i]));
	if (c->header_checked) {
		struct json_object *h = jobj_new();

		jadd_str(h, "magic", c->header.layout == FADUMP_CRASHINFO_FADMPSIG ?
			 "FADMPSIG" : "FADMPINF");
		jadd_u64(h, "version", c->header.version);
		jadd_str(h, "byte_order", fadump_byte_order_name(c->header.byte_order));
		if (c->header.crashing_cpu == FADUMP_CRASHINFO_CPU_UNKNOWN)
			jadd_null(h, "crashing_cpu");
		else
			jadd_u64(h, "crashing_cpu", c->header.crashing_cpu);
		jadd(o, "crash_info_header", h);
	} else {
		jadd_null(o, "crash_info_header");
	}
	jadd_str(o, "message", c->message);
	json_print(o);
}

int cmd_check(struct cli *cli, int argc, char **argv)
{
	struct fadump_status st = { .size = sizeof(st) };
	struct check c = { .verdict = "none", .complete = -1 };
	struct fadump_devtree *dt;
	enum fadump_platform plat;
	int ret, status;

	if (argc > 0)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	ret = fadump_devtree_read(cli->ctx, FADUMP_DT_SOURCE_AUTO, &dt);
	if (ret < 0)
		return cli_fail(cli, ret);
	ret = fadump_status_read(cli->ctx, &st);
	if (ret < 0) {
		fadump_devtree_unref(dt);
		return cli_fail(cli, ret);
	}
	plat = fadump_devtree_get_platform(dt);
	if (!fadump_devtree_firmware_support(dt) && !fadump_devtree_dump_present(dt)) {
		fadump_devtree_unref(dt);
		fprintf(stderr, "fadumpctl: %s: no fadump firmware interface on this machine\n",
			cli->cmd);
		return EXIT_UNSUPPORTED;
	}

	if (!fadump_devtree_dump_present(dt)) {
		snprintf(c.message, sizeof(c.message),
			 "none: the firmware preserved no dump (no %s)",
			 plat == FADUMP_PLATFORM_POWERNV ?
			 "/ibm,opal/dump/mpipl-boot" : "/rtas/ibm,kernel-dump");
	} else {
		/* ibm,kernel-dump decides for pseries wherever it is found */
		const void *data;

		if (fadump_devtree_get_prop(dt, FADUMP_DT_KERNEL_DUMP, &data, NULL) == 0)
			ret = check_pseries(cli, dt, st.vmcore_present, &c);
		else
			ret = check_powernv(cli, st.vmcore_present, &c);
		if (ret < 0) {
			fadump_devtree_unref(dt);
			return cli_fail(cli, ret);
		}
	}

	if (cli->json)
		check_json(&c, &st, dt);
	else
		printf("%s\n", c.message);
	status = strcmp(c.verdict, "complete") == 0 ||
		 strcmp(c.verdict, "unverified") == 0 ? EXIT_OK : EXIT_FAILED;
	for (unsigned int i = 0; i < c.nproblems; i++)
		free(c.problems[i]);
	fadump_devtree_unref(dt);
	return status;
}
