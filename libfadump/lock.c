// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The control lock: one state change at a time, across processes.
 *
 * Every control operation reads the state, decides, writes an attribute
 * and reads the state back. Two of them interleaved (a boot-time
 * register racing an admin's unregister, two savers releasing) make the
 * read-back see the other's write and report a failure that did not
 * happen, or act on a state that is gone. An exclusive flock() on a file
 * under /run serialises them: the kernel drops it when the holder dies,
 * so a killed process never leaves the lock taken.
 *
 * The wait is bounded: a tool that runs after a crash must not hang
 * behind a stuck process, it must say who is in the way.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "control.h"

/* Poll interval while another process holds the lock. */
#define LOCK_POLL_MS 20

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * <root>/run exists on every running system (systemd and sysvinit both
 * mount it); an alternative root (a saved system, a test fixture) may
 * lack it, and creating it there is what tmpfiles would do.
 */
static int open_lock_file(struct fadump_ctx *ctx, char *path, size_t size)
{
	char dir[PATH_MAX];
	int fd, ret;

	ret = fadump_path(ctx, path, size, FADUMP_LOCK_PATH);
	if (ret < 0)
		return ret;
	for (int tries = 0; tries < 2; tries++) {
		fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			return fd;
		if (errno != ENOENT || tries)
			break;
		ret = fadump_path(ctx, dir, sizeof(dir), "/run");
		if (ret < 0)
			return ret;
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			break;
	}
	ret = -errno;
	if (ret == -EACCES || ret == -EROFS)
		return fadump_fail(ctx, -EACCES,
				   "cannot open the lock file %s: %s (changing fadump state needs root)",
				   path, strerror(-ret));
	return fadump_fail(ctx, ret, "cannot open the lock file %s: %s", path,
			   strerror(-ret));
}

int fadump_control_lock(struct fadump_ctx *ctx)
{
	char path[PATH_MAX];
	long waited = 0;
	int fd, ret;

	fd = open_lock_file(ctx, path, sizeof(path));
	if (fd < 0)
		return fd;
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		ret = -errno;
		if (ret == -EINTR)
			continue;
		if (ret != -EWOULDBLOCK) {
			close(fd);
			return fadump_fail(ctx, ret, "cannot lock %s: %s", path,
					   strerror(-ret));
		}
		if (waited >= FADUMP_LOCK_WAIT_MS) {
			close(fd);
			return fadump_fail(ctx, -EBUSY,
					   "another fadump operation holds %s (waited %ld s): try again when it has finished",
					   path, waited / 1000);
		}
		if (waited == 0)
			info(ctx, "waiting for %s", path);
		sleep_ms(LOCK_POLL_MS);
		waited += LOCK_POLL_MS;
	}
	dbg(ctx, "locked %s", path);
	return fd;
}

void fadump_control_unlock(int fd)
{
	/* Closing drops the flock(); the file stays for the next user. */
	if (fd >= 0)
		close(fd);
}
