/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A fixed pool of threads that run one function over items handed in in
 * order and hand them back in the same order (workers.c). All of the
 * library's threading is there.
 */
#ifndef FADUMP_WORKERS_H
#define FADUMP_WORKERS_H

/* Runs on a worker thread (@worker: 0 .. threads - 1) for each item. */
typedef void (*worker_fn)(void *item, unsigned int worker, void *arg);

struct workers;

/*
 * Start @threads threads (1: none, items run inline in
 * workers_submit()), taking at most @depth items at a time. Returns 0 or
 * -errno (nothing recorded).
 */
int workers_start(struct workers **wp, unsigned int threads,
		  unsigned int depth, worker_fn fn, void *arg);

/* Items submitted and not yet taken back by workers_next_done(). */
unsigned int workers_pending(const struct workers *w);

/* Queue @item; the caller keeps fewer than @depth pending. */
void workers_submit(struct workers *w, void *item);

/* The oldest pending item, once its function has run (waits for it). */
void *workers_next_done(struct workers *w);

/* Wait for the threads to finish what they took, and stop them. */
void workers_stop(struct workers *w);

/* Threads for @threads asked (0: the online CPUs, capped). */
unsigned int workers_count(unsigned int threads);

#endif /* FADUMP_WORKERS_H */
