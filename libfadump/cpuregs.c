// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Per-CPU register sets decoded from firmware data: the object and its
 * accessors. The decoding itself lives with each format (regsave.c for
 * pseries, hdat-regs.c for powernv); both leave a list of CPUs, each with
 * its registers mapped into pt_regs the way the kernel maps them, and a
 * copy of the bytes so every raw entry can still be listed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpuregs.h"

struct fadump_cpuregs *cpuregs_new(enum fadump_cpuregs_format format,
				   unsigned int ncpus)
{
	struct fadump_cpuregs *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return NULL;
	rs->refcount = 1;
	rs->format = format;
	if (ncpus) {
		rs->cpus = calloc(ncpus, sizeof(*rs->cpus));
		if (!rs->cpus) {
			free(rs);
			return NULL;
		}
	}
	rs->count = ncpus;
	for (unsigned int i = 0; i < ncpus; i++)
		rs->cpus[i].regs.size = sizeof(rs->cpus[i].regs);
	return rs;
}

int cpuregs_keep_data(struct fadump_cpuregs *rs, const void *buf, size_t len)
{
	/* malloc(0) may return NULL: keep one byte so NULL means failure. */
	rs->data = malloc(len ? len : 1);
	if (!rs->data)
		return -ENOMEM;
	memcpy(rs->data, buf, len);
	rs->len = len;
	return 0;
}

void cpuregs_free(struct fadump_cpuregs *rs)
{
	free(rs->cpus);
	free(rs->data);
	free(rs);
}

FADUMP_EXPORT struct fadump_cpuregs *fadump_cpuregs_ref(struct fadump_cpuregs *rs)
{
	if (rs)
		rs->refcount++;
	return rs;
}

FADUMP_EXPORT struct fadump_cpuregs *fadump_cpuregs_unref(struct fadump_cpuregs *rs)
{
	if (rs && --rs->refcount == 0)
		cpuregs_free(rs);
	return NULL;
}

FADUMP_EXPORT enum fadump_cpuregs_format
fadump_cpuregs_format(const struct fadump_cpuregs *rs)
{
	return rs ? rs->format : (enum fadump_cpuregs_format)0;
}

FADUMP_EXPORT uint32_t fadump_cpuregs_version(const struct fadump_cpuregs *rs)
{
	return rs ? rs->version : 0;
}

FADUMP_EXPORT unsigned int fadump_cpuregs_count(const struct fadump_cpuregs *rs)
{
	return rs ? rs->count : 0;
}

FADUMP_EXPORT int fadump_cpuregs_get_cpu(const struct fadump_cpuregs *rs,
					 unsigned int idx,
					 struct fadump_cpu_state *out)
{
	const struct cpuregs_cpu *c;
	struct fadump_cpu_state st;

	if (!rs || !out || out->size < FADUMP_CPU_STATE_SIZE_V1)
		return -EINVAL;
	if (idx >= rs->count)
		return -ERANGE;
	c = &rs->cpus[idx];
	st = (struct fadump_cpu_state){
		.id = c->id,
		.active = c->active,
		.core_state = c->core_state,
		.entries = c->entries,
		.ignored = c->ignored,
		.offset = c->offset,
	};
	fadump_copy_out(out, &st, sizeof(st));
	return 0;
}

FADUMP_EXPORT int fadump_cpuregs_get_regs(const struct fadump_cpuregs *rs,
					  unsigned int idx,
					  struct fadump_ppc64_regs *out)
{
	if (!rs || !out || out->size < FADUMP_PPC64_REGS_SIZE_V1)
		return -EINVAL;
	if (idx >= rs->count)
		return -ERANGE;
	fadump_copy_out(out, &rs->cpus[idx].regs, sizeof(rs->cpus[idx].regs));
	return 0;
}

FADUMP_EXPORT int fadump_cpuregs_find(const struct fadump_cpuregs *rs,
				      uint32_t id)
{
	if (!rs)
		return -EINVAL;
	for (unsigned int i = 0; i < rs->count; i++)
		if (rs->cpus[i].id == id)
			return (int)i;	/* count <= FADUMP_CPUREGS_MAX_CPUS */
	return -ENOENT;
}

FADUMP_EXPORT int fadump_cpuregs_get_entry(const struct fadump_cpuregs *rs,
					   unsigned int idx, unsigned int entry,
					   struct fadump_reg_entry *out)
{
	const struct cpuregs_cpu *c;
	struct fadump_reg_entry e = { .size = sizeof(e) };

	if (!rs || !out || out->size < FADUMP_REG_ENTRY_SIZE_V1)
		return -EINVAL;
	if (idx >= rs->count || entry >= rs->cpus[idx].entries)
		return -ERANGE;
	c = &rs->cpus[idx];
	/* The parsers checked that every entry lies inside rs->data. */
	if (rs->format == FADUMP_CPUREGS_RTAS)
		regsave_describe_entry(rs->data + c->first_entry +
				       (uint64_t)entry * c->entry_size, &e);
	else
		hdat_describe_entry(rs->data + c->first_entry +
				    (uint64_t)entry * c->entry_size, &e);
	fadump_copy_out(out, &e, sizeof(e));
	return 0;
}
