/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private interface between the per-CPU register set object (cpuregs.c)
 * and the two firmware formats that fill it: the pseries register save
 * area (regsave.c) and the powernv HDAT thread data (hdat-regs.c).
 */
#ifndef FADUMP_CPUREGS_H
#define FADUMP_CPUREGS_H

#include <stdbool.h>
#include <stdint.h>

#include "internal.h"

struct cpuregs_cpu {
	uint32_t id;
	bool active;
	uint8_t core_state;
	unsigned int entries;
	unsigned int ignored;
	uint64_t offset;	/* start of the CPU's data in fadump_cpuregs.data */
	uint64_t first_entry;	/* offset of its first register entry */
	uint32_t entry_size;	/* distance between entries */
	struct fadump_ppc64_regs regs;
};

struct fadump_cpuregs {
	int refcount;
	enum fadump_cpuregs_format format;
	uint32_t version;
	unsigned int count;
	struct cpuregs_cpu *cpus;	/* count of them */
	unsigned char *data;		/* the decoded bytes, for the entries */
	size_t len;
};

/*
 * New object for @ncpus CPUs (zeroed, every regs.size set) and no data
 * yet. Returns NULL when out of memory.
 */
struct fadump_cpuregs *cpuregs_new(enum fadump_cpuregs_format format,
				   unsigned int ncpus);

/* Keep a copy of the first @len bytes of @buf. Returns 0 or -ENOMEM. */
int cpuregs_keep_data(struct fadump_cpuregs *rs, const void *buf, size_t len);

void cpuregs_free(struct fadump_cpuregs *rs);

/*
 * Describe the entry at @p (inside rs->data): fill out->id, value, name
 * and used. One per format.
 */
void regsave_describe_entry(const unsigned char *p,
			    struct fadump_reg_entry *out);
void hdat_describe_entry(const unsigned char *p, struct fadump_reg_entry *out);

#endif /* FADUMP_CPUREGS_H */
