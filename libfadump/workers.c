// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library's only threads: a pool that runs one function over items
 * in a ring. The caller submits items in order and takes them back in
 * the same order, so whatever the items become (compressed pages) is
 * written in order by the caller's one thread, and the output is the
 * same whatever the number of threads. The ring is @depth items long:
 * the caller's memory for items is bounded, and a slow disk stops the
 * workers instead of queueing without limit.
 *
 * One mutex guards the ring; items are big (hundreds of pages), so the
 * lock is taken a few thousand times a second at most.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "workers.h"

/* Beyond this, a saver's reading and writing cannot keep up anyway. */
#define WORKERS_MAX	64

struct slot {
	void *item;
	bool done;
};

struct workers {
	worker_fn fn;
	void *arg;
	unsigned int nthreads;		/* 0: inline */
	pthread_t threads[WORKERS_MAX];
	pthread_mutex_t lock;
	pthread_cond_t work;		/* an item to take, or stopping */
	pthread_cond_t finished;	/* an item is done */
	struct slot *ring;
	unsigned int depth;
	unsigned long head;		/* the oldest pending item */
	unsigned long taken;		/* items below were taken by a worker */
	unsigned long tail;		/* the next free slot */
	bool stopping;
};

unsigned int workers_count(unsigned int threads)
{
	long cpus;

	if (threads)
		return threads < WORKERS_MAX ? threads : WORKERS_MAX;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 1)
		return 1;
	return cpus < WORKERS_MAX ? (unsigned int)cpus : WORKERS_MAX;
}

static void *worker_main(void *data)
{
	struct workers *w = data;
	unsigned int id;

	pthread_mutex_lock(&w->lock);
	id = 0;
	for (unsigned int i = 0; i < w->nthreads; i++)
		if (pthread_equal(w->threads[i], pthread_self()))
			id = i;
	for (;;) {
		struct slot *s;

		while (w->taken == w->tail && !w->stopping)
			pthread_cond_wait(&w->work, &w->lock);
		if (w->taken == w->tail)
			break;
		s = &w->ring[w->taken++ % w->depth];
		pthread_mutex_unlock(&w->lock);
		w->fn(s->item, id, w->arg);
		pthread_mutex_lock(&w->lock);
		s->done = true;
		pthread_cond_broadcast(&w->finished);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int workers_start(struct workers **wp, unsigned int threads,
		  unsigned int depth, worker_fn fn, void *arg)
{
	struct workers *w = calloc(1, sizeof(*w));
	int ret;

	*wp = NULL;
	if (!w)
		return -ENOMEM;
	w->fn = fn;
	w->arg = arg;
	w->depth = depth ? depth : 1;
	w->ring = calloc(w->depth, sizeof(*w->ring));
	if (!w->ring) {
		free(w);
		return -ENOMEM;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->finished, NULL);
	threads = workers_count(threads);
	/* The lock keeps the threads from reading threads[] half written. */
	pthread_mutex_lock(&w->lock);
	for (unsigned int i = 0; threads > 1 && i < threads; i++) {
		ret = pthread_create(&w->threads[i], NULL, worker_main, w);
		if (ret) {
			pthread_mutex_unlock(&w->lock);
			workers_stop(w);
			return -ret;
		}
		w->nthreads++;
	}
	pthread_mutex_unlock(&w->lock);
	*wp = w;
	return 0;
}

unsigned int workers_pending(const struct workers *w)
{
	return (unsigned int)(w->tail - w->head);
}

void workers_submit(struct workers *w, void *item)
{
	struct slot *s = &w->ring[w->tail % w->depth];

	if (!w->nthreads) {
		w->fn(item, 0, w->arg);
		*s = (struct slot){ .item = item, .done = true };
		w->tail++;
		w->taken = w->tail;
		return;
	}
	pthread_mutex_lock(&w->lock);
	*s = (struct slot){ .item = item };
	w->tail++;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->lock);
}

void *workers_next_done(struct workers *w)
{
	struct slot *s = &w->ring[w->head % w->depth];
	void *item;

	if (w->head == w->tail)
		return NULL;
	if (w->nthreads) {
		pthread_mutex_lock(&w->lock);
		while (!s->done)
			pthread_cond_wait(&w->finished, &w->lock);
		pthread_mutex_unlock(&w->lock);
	}
	item = s->item;
	w->head++;
	return item;
}

void workers_stop(struct workers *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_broadcast(&w->work);
	pthread_mutex_unlock(&w->lock);
	for (unsigned int i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i], NULL);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->work);
	pthread_cond_destroy(&w->finished);
	free(w->ring);
	free(w);
}
