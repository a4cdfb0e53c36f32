/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Ask a decoded register set everything: both cpuregs targets use it. */
#ifndef FADUMP_FUZZ_CPUREGS_WALK_H
#define FADUMP_FUZZ_CPUREGS_WALK_H

#include "fuzz-common.h"

static inline void cpuregs_walk(struct fadump_cpuregs *rs)
{
	unsigned int n = fadump_cpuregs_count(rs);

	fadump_cpuregs_format(rs);
	fadump_cpuregs_version(rs);
	for (unsigned int i = 0; i <= n; i++) {
		struct fadump_cpu_state cpu = { .size = sizeof(cpu) };
		struct fadump_ppc64_regs regs = { .size = sizeof(regs) };

		fadump_cpuregs_get_regs(rs, i, &regs);
		if (fadump_cpuregs_get_cpu(rs, i, &cpu) < 0)
			continue;
		fadump_cpuregs_find(rs, cpu.id);
		/* One past the last entry checks the range test too. */
		for (unsigned int e = 0; e <= cpu.entries; e++) {
			struct fadump_reg_entry ent = { .size = sizeof(ent) };

			if (fadump_cpuregs_get_entry(rs, i, e, &ent) == 0)
				fuzz_touch(ent.name);
		}
	}
}

#endif
