// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One lock per Python object that owns a libfadump context.
 *
 * The library allows one thread at a time per context, and the bindings
 * drop the GIL around file I/O, so two Python threads calling the same
 * System or Vmcore would otherwise meet inside the library (and race on
 * its error message). Waiting happens without the GIL, so the holder can
 * take the GIL back for a progress callback.
 *
 * The lock is not recursive: a progress callback that calls back into the
 * object whose save is running would wait on itself forever. The owner
 * field turns that into a RuntimeError. Only the holder writes it, and a
 * thread only compares it with its own ident, which it alone can have
 * stored, so reading it without the lock is safe.
 */
#include "pyfadump.h"

int pyfadump_lock_init(struct pyfadump_lock *l)
{
	l->owner = 0;
	l->lock = PyThread_allocate_lock();
	if (!l->lock) {
		PyErr_NoMemory();
		return -1;
	}
	return 0;
}

void pyfadump_lock_fini(struct pyfadump_lock *l)
{
	if (l->lock)
		PyThread_free_lock(l->lock);
	l->lock = NULL;
}

int pyfadump_lock_enter(struct pyfadump_lock *l)
{
	unsigned long me = PyThread_get_thread_ident();

	if (l->owner == me) {
		PyErr_SetString(PyExc_RuntimeError,
				"fadump object used from its own progress callback");
		return -1;
	}
	if (!PyThread_acquire_lock(l->lock, NOWAIT_LOCK)) {
		Py_BEGIN_ALLOW_THREADS
		PyThread_acquire_lock(l->lock, WAIT_LOCK);
		Py_END_ALLOW_THREADS
	}
	l->owner = me;
	return 0;
}

void pyfadump_lock_leave(struct pyfadump_lock *l)
{
	l->owner = 0;
	PyThread_release_lock(l->lock);
}
