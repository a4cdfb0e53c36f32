/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfadump - control and collect Linux firmware-assisted dumps on IBM POWER
 *
 * Conventions for every function in this header:
 *  - Functions returning int return 0 (or a non-negative count) on success
 *    and a negative errno value on failure. After a failure the context
 *    holds a one-line message, see fadump_ctx_get_error().
 *  - Objects are opaque and reference counted (*_ref / *_unref). Strings
 *    returned as "const char *" are owned by the object they came from and
 *    stay valid until it is released.
 *  - Structs passed in by the caller start with a "size" member that the
 *    caller sets to sizeof(the struct as the caller knows it). The library
 *    fills only what fits, so newer libraries work with older callers and
 *    the struct may grow at the end in later versions.
 *  - A context may be used by one thread at a time; distinct contexts are
 *    independent (the library has no global state).
 */
#ifndef FADUMP_H
#define FADUMP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FADUMP_VERSION_MAJOR 0
#define FADUMP_VERSION_MINOR 1
#define FADUMP_VERSION_MICRO 0
/* Comparable number: FADUMP_VERSION_NUMBER >= FADUMP_VERSION_ENCODE(0, 1, 0) */
#define FADUMP_VERSION_ENCODE(maj, min, mic) (((maj) << 16) | ((min) << 8) | (mic))
#define FADUMP_VERSION_NUMBER \
	FADUMP_VERSION_ENCODE(FADUMP_VERSION_MAJOR, FADUMP_VERSION_MINOR, FADUMP_VERSION_MICRO)

/**
 * fadump_version - version of the library actually loaded at run time
 *
 * Returns a static string such as "0.1.0". Since: 0.1
 */
const char *fadump_version(void);

/**
 * fadump_version_number - FADUMP_VERSION_NUMBER of the loaded library
 *
 * Since: 0.1
 */
unsigned int fadump_version_number(void);

/* ------------------------------------------------------------------ */
/* Context                                                            */
/* ------------------------------------------------------------------ */

struct fadump_ctx;

/* Log priorities are syslog's (LOG_ERR = 3 ... LOG_DEBUG = 7). */
typedef void (*fadump_log_fn)(void *userdata, int priority, const char *file,
			      int line, const char *fn, const char *format,
			      va_list args);

/**
 * fadump_ctx_new - create a library context
 * @root: directory every absolute path the library reads or writes is
 *        resolved under ("/sys/kernel/fadump/registered" becomes
 *        "<root>/sys/kernel/fadump/registered"); NULL or "/" for the live
 *        system.
 * @ctxp: receives the new context (reference count 1)
 *
 * The environment variable FADUMP_LOG ("err", "info", "debug" or a number)
 * sets the initial log priority; the default log function writes to stderr.
 *
 * Returns 0, -EINVAL for a NULL @ctxp or a relative/empty @root, -ENOENT or
 * -ENOTDIR if @root is not a directory, -ENOMEM. Since: 0.1
 */
int fadump_ctx_new(const char *root, struct fadump_ctx **ctxp);

/** fadump_ctx_ref - take a reference; returns @ctx. Since: 0.1 */
struct fadump_ctx *fadump_ctx_ref(struct fadump_ctx *ctx);

/**
 * fadump_ctx_unref - drop a reference; frees the context on the last one
 *
 * Returns NULL. NULL @ctx is allowed. Since: 0.1
 */
struct fadump_ctx *fadump_ctx_unref(struct fadump_ctx *ctx);

/** fadump_ctx_get_root - the root prefix ("/" for the live system). Since: 0.1 */
const char *fadump_ctx_get_root(const struct fadump_ctx *ctx);

/**
 * fadump_ctx_get_error - message describing the last failure on @ctx
 *
 * One line, no trailing newline, naming the file or value at fault where
 * there is one. Valid until the next call that takes @ctx. Empty string if
 * nothing failed yet. Since: 0.1
 */
const char *fadump_ctx_get_error(const struct fadump_ctx *ctx);

/** fadump_ctx_set_log_fn - replace the log function (NULL: no logging). Since: 0.1 */
void fadump_ctx_set_log_fn(struct fadump_ctx *ctx, fadump_log_fn fn,
			   void *userdata);

/** fadump_ctx_set_log_priority - log messages of at most @priority. Since: 0.1 */
void fadump_ctx_set_log_priority(struct fadump_ctx *ctx, int priority);

/** fadump_ctx_get_log_priority - current log priority. Since: 0.1 */
int fadump_ctx_get_log_priority(const struct fadump_ctx *ctx);

/* ------------------------------------------------------------------ */
/* Device tree: what the firmware offers                              */
/* ------------------------------------------------------------------ */

enum fadump_platform {
	FADUMP_PLATFORM_NONE = 0,	/* neither pseries nor powernv firmware */
	FADUMP_PLATFORM_PSERIES = 1,	/* PowerVM / QEMU pseries: RTAS */
	FADUMP_PLATFORM_POWERNV = 2,	/* bare metal: OPAL MPIPL */
};

/* Device-tree properties the library knows; raw bytes are big-endian. */
enum fadump_dt_prop {
	FADUMP_DT_CONFIGURE_KERNEL_DUMP = 0,	/* /rtas/ibm,configure-kernel-dump */
	FADUMP_DT_CONFIGURE_KERNEL_DUMP_SIZES,	/* /rtas/ibm,configure-kernel-dump-sizes */
	FADUMP_DT_CONFIGURE_KERNEL_DUMP_VERSION,/* /rtas/ibm,configure-kernel-dump-version */
	FADUMP_DT_KERNEL_DUMP,			/* /rtas/ibm,kernel-dump */
	FADUMP_DT_OPAL_DUMP_COMPATIBLE,		/* /ibm,opal/dump/compatible */
	FADUMP_DT_OPAL_MPIPL_BOOT,		/* /ibm,opal/dump/mpipl-boot */
	FADUMP_DT_OPAL_FW_LOAD_AREA,		/* /ibm,opal/dump/fw-load-area */
	FADUMP_DT_PROP_COUNT
};

enum fadump_dt_source {
	FADUMP_DT_SOURCE_AUTO = 0,	/* directory tree, else the FDT blob */
	FADUMP_DT_SOURCE_DIR = 1,	/* /proc/device-tree, else /sys/firmware/devicetree/base */
	FADUMP_DT_SOURCE_FDT = 2,	/* /sys/firmware/fdt through libfdt */
};

struct fadump_devtree;

/**
 * fadump_devtree_read - read the fadump-related device-tree properties
 * @source: where from, see enum fadump_dt_source
 * @dtp: receives the new object
 *
 * A machine with no device tree at all (not POWER) is not an error: the
 * result reports FADUMP_PLATFORM_NONE. Returns 0, -ENOENT if @source names
 * a tree that does not exist, -EBADMSG for a malformed FDT or a property of
 * impossible length (the message names it), -EIO, -ENOMEM. Since: 0.1
 */
int fadump_devtree_read(struct fadump_ctx *ctx, enum fadump_dt_source source,
			struct fadump_devtree **dtp);

/**
 * fadump_devtree_from_fdt - the same from a flattened device tree in memory
 * @blob: FDT blob, at most @len bytes are read (copied; @blob may be freed)
 *
 * Returns 0, -EBADMSG if the blob fails libfdt's full check, -ENOMEM. Since: 0.1
 */
int fadump_devtree_from_fdt(struct fadump_ctx *ctx, const void *blob,
			    size_t len, struct fadump_devtree **dtp);

struct fadump_devtree *fadump_devtree_ref(struct fadump_devtree *dt);
struct fadump_devtree *fadump_devtree_unref(struct fadump_devtree *dt);

/** fadump_devtree_get_platform - pseries, powernv or none. Since: 0.1 */
enum fadump_platform fadump_devtree_get_platform(const struct fadump_devtree *dt);

/**
 * fadump_devtree_firmware_support - firmware can do fadump
 *
 * pseries: /rtas/ibm,configure-kernel-dump exists; powernv: /ibm,opal/dump
 * is compatible "ibm,opal-dump" and no fw-load-area range ends above 768 MB
 * (the kernel's own test). Like the kernel, this looks at those nodes
 * whatever fadump_devtree_get_platform() says. Since: 0.1
 */
bool fadump_devtree_firmware_support(const struct fadump_devtree *dt);

/**
 * fadump_devtree_dump_present - firmware preserved a dump from the previous boot
 *
 * pseries: /rtas/ibm,kernel-dump exists; powernv: /ibm,opal/dump/mpipl-boot
 * exists. This is the capture-boot test kdump tooling uses. Since: 0.1
 */
bool fadump_devtree_dump_present(const struct fadump_devtree *dt);

/**
 * fadump_devtree_source - where the data came from (DIR or FDT)
 *
 * FADUMP_DT_SOURCE_AUTO if AUTO found no device tree at all. Since: 0.1
 */
enum fadump_dt_source fadump_devtree_source(const struct fadump_devtree *dt);

/**
 * fadump_devtree_get_prop - raw bytes of a known property
 * @data: receives a pointer owned by @dt (may be NULL if only @len is wanted)
 * @len: receives the length in bytes
 *
 * Returns 0, -ENOENT if the property is absent, -EINVAL for an unknown
 * @prop. Since: 0.1
 */
int fadump_devtree_get_prop(const struct fadump_devtree *dt,
			    enum fadump_dt_prop prop, const void **data,
			    size_t *len);

/** fadump_dt_prop_path - device-tree path of @prop, NULL if unknown. Since: 0.1 */
const char *fadump_dt_prop_path(enum fadump_dt_prop prop);

/**
 * fadump_devtree_rtas_token - the ibm,configure-kernel-dump RTAS token
 *
 * Returns 0, -ENOENT if absent. Since: 0.1
 */
int fadump_devtree_rtas_token(const struct fadump_devtree *dt, uint32_t *token);

/**
 * fadump_devtree_dump_sizes_count - entries in ibm,configure-kernel-dump-sizes
 *
 * Returns the count (0 if absent). A property whose length is not a
 * multiple of 12 bytes was already refused by fadump_devtree_read().
 * Since: 0.1
 */
int fadump_devtree_dump_sizes_count(const struct fadump_devtree *dt);

/**
 * fadump_devtree_dump_size - one {type, bytes} entry of the -sizes property
 *
 * @type: section type (0x0001 CPU state, 0x0002 HPTE)
 * Returns 0, -ERANGE if @idx is out of range. Since: 0.1
 */
int fadump_devtree_dump_size(const struct fadump_devtree *dt, unsigned int idx,
			     uint16_t *type, uint64_t *bytes);

/* ------------------------------------------------------------------ */
/* Status and control (sysfs)                                         */
/* ------------------------------------------------------------------ */

enum fadump_sysfs_layout {
	FADUMP_SYSFS_NONE = 0,		/* no fadump attributes at all */
	FADUMP_SYSFS_LEGACY = 1,	/* /sys/kernel/fadump_* files (3.4 - 5.6) */
	FADUMP_SYSFS_DIRECTORY = 2,	/* /sys/kernel/fadump/ (5.7 and later) */
};

/* A yes/no fact the kernel may not report (older kernel, no attribute). */
enum fadump_tristate {
	FADUMP_UNKNOWN = -1,
	FADUMP_NO = 0,
	FADUMP_YES = 1,
};

struct fadump_status {
	size_t size;			/* set by the caller: sizeof(struct fadump_status) */
	enum fadump_platform platform;
	bool firmware_support;		/* device tree advertises fadump */
	bool kernel_support;		/* the fadump sysfs interface exists */
	enum fadump_sysfs_layout sysfs_layout;
	enum fadump_tristate enabled;	/* fadump=on at boot and reservation worked */
	enum fadump_tristate registered;/* registered with firmware now */
	bool dump_active;		/* capture boot, dump not yet released */
	enum fadump_tristate hotplug_ready;	/* 6.10+: no re-register on hotplug */
	int64_t mem_reserved;		/* bytes, -1 if the kernel does not say */
	bool bootargs_append_supported;	/* the attribute exists */
	bool vmcore_present;		/* /proc/vmcore exists */
	bool release_available;		/* release_mem attribute exists */
};

/* Smallest size a caller may pass: the struct as of 0.1. */
#define FADUMP_STATUS_SIZE_V1 (offsetof(struct fadump_status, release_available) + sizeof(bool))

/**
 * fadump_status_read - read everything the kernel and firmware report
 * @st: caller's struct with st->size set
 *
 * Missing attributes are reported as unknown, not as errors: a machine
 * without fadump gives platform NONE and kernel_support false. Malformed
 * attribute contents are errors.
 *
 * dump_active is true when all three hold: the device tree says firmware
 * preserved a dump (pseries ibm,kernel-dump, powernv mpipl-boot), the
 * kernel offers release_mem, and /proc/vmcore exists. The device-tree
 * flag stays for the whole boot and release_mem outlives a release; only
 * /proc/vmcore goes when the dump is released or the kernel rejects it.
 *
 * Returns 0, -EINVAL if st->size is smaller than FADUMP_STATUS_SIZE_V1,
 * -EBADMSG for an attribute that does not hold what the kernel writes
 * there (the message names the file), -EISDIR for a directory in an
 * attribute's place, -EACCES, -EIO, -ENOMEM. Since: 0.1
 */
int fadump_status_read(struct fadump_ctx *ctx, struct fadump_status *st);

/** fadump_platform_name - "pseries", "powernv" or "none". Since: 0.1 */
const char *fadump_platform_name(enum fadump_platform platform);

/** fadump_sysfs_layout_name - "legacy", "directory" or "none". Since: 0.1 */
const char *fadump_sysfs_layout_name(enum fadump_sysfs_layout layout);

/*
 * Control operations. Each writes the kernel attribute, then reads state
 * back, because the kernel reports success for some writes that did
 * nothing (an unregister whose firmware call failed, 3.4-era registration).
 * Errors, common to all:
 *   -ENODEV  kernel without fadump (CONFIG_FA_DUMP off or no firmware support)
 *   -EACCES  not permitted to write the attribute (not root)
 *   -EPERM   the kernel refused: fadump not enabled at boot, or a dump is
 *            active and must be released first (the message says which)
 *   -EIO     the write appeared to succeed but the state did not change,
 *            or the firmware call failed
 * and the specific ones listed per function.
 */

/**
 * fadump_register - register with firmware; already registered is success
 *
 * Also: -EEXIST firmware says already registered by someone else, -EINVAL
 * firmware parameter error, -ETIMEDOUT firmware busy for over 60 s (7.x).
 * Since: 0.1
 */
int fadump_register(struct fadump_ctx *ctx);

/** fadump_unregister - unregister; not registered is success. Since: 0.1 */
int fadump_unregister(struct fadump_ctx *ctx);

/**
 * fadump_reregister - register again, e.g. after memory hotplug
 *
 * Tries the kernel's in-place re-registration (write 1 while registered);
 * on kernels that refuse that with -EINVAL (3.4 era) falls back to
 * unregister then register. Since: 0.1
 */
int fadump_reregister(struct fadump_ctx *ctx);

/**
 * fadump_release - give the memory that held the dump back to the system
 *
 * Capture boot only. /proc/vmcore disappears. Also -ENOENT: no active dump
 * (no release attribute in this boot), -EPERM: the dump was already
 * released. Since: 0.1
 */
int fadump_release(struct fadump_ctx *ctx);

/**
 * fadump_bootargs_append_get - extra capture-kernel arguments (6.10+, pseries)
 * @out: receives a malloc()ed string without trailing newline; free() it
 *
 * Returns 0, -EOPNOTSUPP if the kernel has no bootargs_append attribute.
 * Since: 0.1
 */
int fadump_bootargs_append_get(struct fadump_ctx *ctx, char **out);

/**
 * fadump_bootargs_append_set - replace the extra capture-kernel arguments
 *
 * Also: -EOPNOTSUPP no attribute, -EINVAL @args has a newline or is 2048
 * bytes or longer, -ENOSPC kernel command line plus @args too long.
 * Since: 0.1
 */
int fadump_bootargs_append_set(struct fadump_ctx *ctx, const char *args);

/* ------------------------------------------------------------------ */
/* debugfs region report                                              */
/* ------------------------------------------------------------------ */

enum fadump_region_type {
	FADUMP_REGION_CPU = 1,		/* "CPU" register save area */
	FADUMP_REGION_HPTE = 2,		/* "HPTE" hash page table */
	FADUMP_REGION_DUMP = 3,		/* "DUMP" boot-memory copy */
	FADUMP_REGION_HELD = 4,		/* 2011 unnamed line: memory held below the dump area */
	FADUMP_REGION_UNKNOWN = 5,	/* "Unknown region type N" */
};

struct fadump_region {
	size_t size;			/* set by the caller */
	enum fadump_region_type type;
	const char *name;		/* "CPU", "HPTE", "DUMP", "" (held), "UNKNOWN" */
	unsigned int raw_type;		/* firmware section type for UNKNOWN, else 0 */
	uint64_t start;			/* destination, where the data lives */
	uint64_t end;			/* inclusive, as the kernel prints it */
	uint64_t length;		/* bytes; always end == start + length - 1
					 * (mod 2^64), so 0 means an empty range
					 * (end = start - 1); UNKNOWN lines print
					 * no size and report 0 */
	uint64_t dumped;		/* bytes the firmware copied (0 before a crash) */
	bool has_source;		/* "Src:" printed (boot-memory regions) */
	uint64_t source;		/* source address if has_source */
};

#define FADUMP_REGION_SIZE_V1 (offsetof(struct fadump_region, source) + sizeof(uint64_t))

struct fadump_regions;

/**
 * fadump_regions_read - parse <debugfs>/powerpc/fadump_region
 *
 * debugfs is looked for at /sys/kernel/debug. Returns 0, -ENOENT if the
 * file does not exist (debugfs not mounted or no fadump), -EBADMSG if a
 * line cannot be parsed (the message names the line number and text),
 * -E2BIG if the file is larger than any kernel writes (64 KiB) or lists
 * more than 128 regions (the kernel's FADUMP_MAX_MEM_REGS), -EACCES,
 * -ENOMEM. Since: 0.1
 */
int fadump_regions_read(struct fadump_ctx *ctx, struct fadump_regions **regsp);

/**
 * fadump_regions_parse - the same for text already in memory
 *
 * @text need not be NUL-terminated; @len bytes are parsed. Since: 0.1
 */
int fadump_regions_parse(struct fadump_ctx *ctx, const char *text, size_t len,
			 struct fadump_regions **regsp);

struct fadump_regions *fadump_regions_ref(struct fadump_regions *regs);
struct fadump_regions *fadump_regions_unref(struct fadump_regions *regs);

/** fadump_regions_count - number of regions (an empty file has none). Since: 0.1 */
unsigned int fadump_regions_count(const struct fadump_regions *regs);

/**
 * fadump_regions_get - copy region @idx into @out (out->size set by caller)
 *
 * Returns 0, -ERANGE for a bad @idx, -EINVAL for out->size below
 * FADUMP_REGION_SIZE_V1. out->name points into @regs. Since: 0.1
 */
int fadump_regions_get(const struct fadump_regions *regs, unsigned int idx,
		       struct fadump_region *out);

/**
 * fadump_regions_reserved_above - the "Memory above X is reserved" address
 *
 * Printed by 5.5+ kernels in the capture boot. Returns 0, -ENOENT if the
 * report has no such line. Since: 0.1
 */
int fadump_regions_reserved_above(const struct fadump_regions *regs,
				  uint64_t *addr);

/**
 * fadump_regions_cmdline_append - the param-area line (6.10+ pseries)
 * @start, @end: its range (inclusive end); either may be NULL
 *
 * Returns the quoted arguments (owned by @regs), NULL if there is no such
 * line. Since: 0.1
 */
const char *fadump_regions_cmdline_append(const struct fadump_regions *regs,
					  uint64_t *start, uint64_t *end);

/* ------------------------------------------------------------------ */
/* vmcore: reading and saving crash dumps                             */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* Crash metadata: firmware dump structures and the crash-info header */
/* ------------------------------------------------------------------ */

#ifdef __cplusplus
}
#endif

#endif /* FADUMP_H */
