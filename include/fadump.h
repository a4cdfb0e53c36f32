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
 *  - Thread safety: the library has no global state, so distinct contexts
 *    are independent and may be used from different threads at once. A
 *    context and every object made from it (reference counts are not
 *    atomic, and the last error message lives in the context) must be used
 *    by one thread at a time. The control lock (see the control
 *    operations) orders state changes between processes, not threads.
 *  - NULL arguments, one rule for every function: a NULL context or
 *    object makes a function return -EINVAL if it returns int, NULL if
 *    it returns a pointer, 0 (false, the enum's 0 value) if it returns a
 *    number, a flag or an enum, and do nothing if it returns void;
 *    *_ref(NULL) and *_unref(NULL) return NULL. Any other pointer
 *    argument may be NULL only where its description says "may be NULL"
 *    (and a buffer whose length is 0; userdata is handed to the callback
 *    untouched), and is otherwise refused the same way. No function
 *    dereferences a NULL it is given. tests/abi/ calls every exported
 *    function with each of its pointer arguments NULL, then all of them.
 *  - Functions that take a context clear its message first. A NULL
 *    context gives -EINVAL without a message; any other NULL they refuse
 *    comes with a message naming the argument.
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
#define FADUMP_VERSION_MINOR 5
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

/*
 * Log priorities are syslog's (LOG_ERR = 3 ... LOG_DEBUG = 7). @file,
 * @line and @fn are the place in the library's source that logged the
 * message; for an error, where the failure was found.
 */
typedef void (*fadump_log_fn)(void *userdata, int priority, const char *file,
			      int line, const char *fn, const char *format,
			      va_list args);

/**
 * fadump_ctx_new - create a library context
 * @root: directory every absolute path the library reads or writes is
 *        resolved under ("/sys/kernel/fadump/registered" becomes
 *        "<root>/sys/kernel/fadump/registered"); may be NULL, which is
 *        the live system, as "/" is.
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
 * nothing failed yet; NULL for a NULL @ctx (since 0.4; a crash before).
 * Since: 0.1
 */
const char *fadump_ctx_get_error(const struct fadump_ctx *ctx);

/**
 * fadump_ctx_set_log_fn - replace the log function
 * @fn: may be NULL: no logging
 * @userdata: handed to @fn
 *
 * Since: 0.1
 */
void fadump_ctx_set_log_fn(struct fadump_ctx *ctx, fadump_log_fn fn,
			   void *userdata);

/** fadump_ctx_set_log_priority - log messages of at most @priority. Since: 0.1 */
void fadump_ctx_set_log_priority(struct fadump_ctx *ctx, int priority);

/** fadump_ctx_get_log_priority - current log priority (-EINVAL for a NULL @ctx). Since: 0.1 */
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
 * @data: receives a pointer owned by @dt; may be NULL if only @len is wanted
 * @len: receives the length in bytes; may be NULL
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
 * @type: receives the section type (0x0001 CPU state, 0x0002 HPTE); may be NULL
 * @bytes: receives its size; may be NULL
 *
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
	/* Since 0.3: the project's kernel series (kernel/patches/) */
	bool release_range_available;	/* release_range attribute exists */
	bool crash_info_available;	/* crash_info attribute exists */
	/* Since 0.5: the OPAL core of a PowerNV capture boot */
	bool opalcore_present;		/* /sys/firmware/opal/mpipl/core exists */
	bool opalcore_release_available;/* its release_core attribute exists */
	int64_t opalcore_size;		/* the core's bytes, -1 without it */
};

/* Smallest size a caller may pass: the struct as of 0.1. */
#define FADUMP_STATUS_SIZE_V1 (offsetof(struct fadump_status, release_available) + sizeof(bool))
/* The struct as of 0.3. */
#define FADUMP_STATUS_SIZE_V2 (offsetof(struct fadump_status, crash_info_available) + sizeof(bool))
/* The struct as of 0.5. */
#define FADUMP_STATUS_SIZE_V3 (offsetof(struct fadump_status, opalcore_size) + sizeof(int64_t))

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
 * Since 0.5, the OPAL core (PowerNV): opalcore_present while the kernel
 * offers /sys/firmware/opal/mpipl/core (or the 5.4 /sys/firmware/opal/core),
 * opalcore_size its size in bytes (-1 without it), and
 * opalcore_release_available when release_core exists, which outlives
 * the core (fadump_opalcore_save(), fadump_opalcore_release()).
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
 *   -EBUSY   (since 0.3) another process held the control lock for 10 s
 * and the specific ones listed per function.
 *
 * Since 0.3 every control operation holds an exclusive flock() on
 * "<root>/run/fadump.lock" (created 0600, and <root>/run 0755 if
 * missing) while it reads, writes and reads back, so operations from
 * several processes never interleave. Status reads take no lock.
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
 * fadump_release_range - give one piece of the dump's memory back early
 * @start: physical address, a multiple of the kernel's page size
 * @size: bytes, a multiple of the page size, not 0
 *
 * Capture boot of a kernel with this project's release_range patch
 * (kernel/patches/0003): frees the pages before the whole dump is
 * saved; /proc/vmcore reads zeros there afterwards. Only for memory
 * whose bytes are already safely saved. fadump_release() must still be
 * called at the end. Returns 0, -EOPNOTSUPP (no release_range in this
 * boot), -EPERM (no active dump), -EINVAL (unaligned or empty range),
 * -ERANGE (not releasable crash memory: boot memory, the reserved dump
 * area, firmware-reserved ranges, the parameter area, beyond RAM),
 * -EBUSY (part of it was released before), -EACCES. Since: 0.3
 */
int fadump_release_range(struct fadump_ctx *ctx, uint64_t start,
			 uint64_t size);

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
 * @addr: receives X; may be NULL (to learn whether the line is there)
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

/**
 * fadump_regions_released - the "Released: B bytes in N ranges" line
 * @bytes, @ranges: either may be NULL
 *
 * Printed in the capture boot by kernels with this project's patch
 * (kernel/patches/0005): what release_range gave back so far (bytes as
 * written, ranges after merging neighbours). Returns 0, -ENOENT if the
 * report has no such line, -EINVAL for a NULL @regs. Since: 0.3
 */
int fadump_regions_released(const struct fadump_regions *regs,
			    uint64_t *bytes, unsigned int *ranges);

/* ------------------------------------------------------------------ */
/* vmcore: reading and saving crash dumps                             */
/* ------------------------------------------------------------------ */

/*
 * A vmcore is an ELF64 core file: /proc/vmcore in the capture boot, or a
 * copy saved from it; or (since 0.4) makedumpfile's kdump-compressed
 * file ("KDUMP   " signature, makedumpfile -c/-l/-p/-z or plain), read
 * through the same functions. Opening one validates the container (ELF
 * header, program headers, note framing; a kdump file's headers, bitmaps
 * and page descriptor table) against the file's size; the contents of
 * notes are decoded when asked for, so a damaged VMCOREINFO text does not
 * stop a dump from being saved. Physical addresses are the crashed
 * kernel's; numbers in the dump are converted to host byte order.
 *
 * A kdump file holds the crashed machine's memory page by page, each page
 * compressed (zlib, lzo, snappy, zstd) or not, and may leave pages out
 * (makedumpfile -d: zero, cache, user, free pages): such a page is
 * "excluded", which reads report apart from addresses where the machine
 * had no memory.
 */
struct fadump_vmcore;
struct fadump_ppc64_regs;

/**
 * fadump_vmcore_open - open and validate a vmcore
 * @path: a file to open as given (relative to the working directory, NOT
 *        under the context's root: it is the user's file); may be NULL,
 *        which is <root>/proc/vmcore
 * @vmp: receives the new object
 *
 * The format is recognised by the file's first bytes: an ELF64 core, or
 * (since 0.4) a kdump-compressed file of either byte order, header
 * version 1 to 6. The object keeps the file open and holds a reference
 * on @ctx. Returns 0, -ENOENT (no such file; for NULL: no dump in this
 * boot), -EBADMSG for anything in the file that is not a well-formed
 * ELF64 core or kdump file (the message says what and where: program
 * header N, note N, the kdump header field, bitmap or page table), -E2BIG
 * for more program headers, note bytes or memory ranges than any kernel
 * writes, -EOPNOTSUPP for an ELF32 core, a 32-bit kdump file, a split
 * kdump file (makedumpfile --split; reassemble it first), makedumpfile's
 * flattened format (-F; run makedumpfile -R first) or the old diskdump
 * format, -EACCES, -EIO, -ENOMEM. Since: 0.2
 */
int fadump_vmcore_open(struct fadump_ctx *ctx, const char *path,
		       struct fadump_vmcore **vmp);

struct fadump_vmcore *fadump_vmcore_ref(struct fadump_vmcore *vm);
struct fadump_vmcore *fadump_vmcore_unref(struct fadump_vmcore *vm);

/** fadump_vmcore_get_path - the path the file was opened by. Since: 0.2 */
const char *fadump_vmcore_get_path(const struct fadump_vmcore *vm);

/* The on-disk format of a vmcore. */
enum fadump_vmcore_format {
	FADUMP_VMCORE_FORMAT_ELF = 0,	/* ELF64 core: /proc/vmcore, cp, makedumpfile -E */
	FADUMP_VMCORE_FORMAT_KDUMP = 1,	/* makedumpfile's kdump-compressed file */
};

/**
 * fadump_vmcore_format_name - "elf", "kdump" or NULL for other values
 *
 * The names fadumpctl info --json and the Python bindings use. Since: 0.4
 */
const char *fadump_vmcore_format_name(enum fadump_vmcore_format format);

/*
 * For a kdump file the segments are the crashed machine's memory ranges
 * (runs of pages in its memory bitmap), memory_bytes their sum and
 * data_bytes the memory the file holds (the pages not excluded,
 * uncompressed).
 */
struct fadump_vmcore_info {
	size_t size;			/* set by the caller */
	bool big_endian;		/* EI_DATA: ELFDATA2MSB; kdump: the header's order */
	unsigned int machine;		/* e_machine: 21 ppc64, 62 x86_64, 183 aarch64 */
	uint64_t file_size;		/* bytes in the file, headers included */
	unsigned int segments;		/* PT_LOAD program headers; kdump: memory ranges */
	unsigned int notes;		/* notes in all PT_NOTE segments */
	unsigned int cpus;		/* NT_PRSTATUS notes: one per CPU */
	uint64_t memory_bytes;		/* sum of PT_LOAD p_memsz */
	uint64_t data_bytes;		/* sum of PT_LOAD p_filesz */
	/* Since 0.4 */
	enum fadump_vmcore_format format;
	int dump_level;			/* makedumpfile -d of a kdump file (0-31),
					 * -1 if the file does not say (ELF) */
};

#define FADUMP_VMCORE_INFO_SIZE_V1 \
	(offsetof(struct fadump_vmcore_info, data_bytes) + sizeof(uint64_t))
#define FADUMP_VMCORE_INFO_SIZE_V2 \
	(offsetof(struct fadump_vmcore_info, dump_level) + sizeof(int))

/**
 * fadump_vmcore_get_info - what the dump is
 *
 * Returns 0, -EINVAL for info->size below FADUMP_VMCORE_INFO_SIZE_V1.
 * Since: 0.2 (format and dump_level since 0.4)
 */
int fadump_vmcore_get_info(const struct fadump_vmcore *vm,
			   struct fadump_vmcore_info *info);

/**
 * fadump_machine_name - "ppc64", "x86_64", "aarch64", ... for an e_machine
 *
 * The name does not say the byte order ("ppc64" for ppc64le too). NULL
 * for machines the library does not name. Since: 0.2
 */
const char *fadump_machine_name(unsigned int machine);

struct fadump_vmcore_segment {
	size_t size;			/* set by the caller */
	uint64_t paddr;			/* p_paddr: physical address */
	uint64_t vaddr;			/* p_vaddr */
	uint64_t offset;		/* p_offset: where the data is in the file */
	uint64_t filesz;		/* bytes in the file */
	uint64_t memsz;			/* bytes of memory; beyond filesz reads as 0 */
	uint32_t flags;			/* p_flags (PF_R, PF_W, PF_X) */
};

#define FADUMP_VMCORE_SEGMENT_SIZE_V1 \
	(offsetof(struct fadump_vmcore_segment, flags) + sizeof(uint32_t))

/**
 * fadump_vmcore_segments_count - number of PT_LOAD segments
 *
 * For a kdump file (since 0.4), of memory ranges. Since: 0.2
 */
unsigned int fadump_vmcore_segments_count(const struct fadump_vmcore *vm);

/**
 * fadump_vmcore_get_segment - PT_LOAD number @idx, in program-header order
 *
 * For a kdump file (since 0.4), memory range number @idx in address
 * order: paddr and memsz whole pages, filesz the bytes of its pages the
 * file holds (not excluded, uncompressed), vaddr, offset and flags 0 (the
 * pages are not contiguous in the file). Returns 0, -ERANGE for a bad
 * @idx, -EINVAL for out->size below FADUMP_VMCORE_SEGMENT_SIZE_V1.
 * Since: 0.2
 */
int fadump_vmcore_get_segment(const struct fadump_vmcore *vm, unsigned int idx,
			      struct fadump_vmcore_segment *out);

/**
 * fadump_vmcore_read - read the crashed kernel's memory by physical address
 *
 * Reads may span adjacent segments (kdump: pages). Returns 0 when all
 * @len bytes were read, -ENXIO if any byte of the range is in no segment
 * (a hole, such as the reserved dump area, or past the end of memory; the
 * message names the first missing address), -EIO if the file is shorter
 * than when it was opened. For a kdump file (since 0.4) also -ENODATA if
 * a page of the range was excluded from the dump (the machine had the
 * memory but makedumpfile left it out, or an incomplete file never got
 * it: the message names the page's address and pfn), -EBADMSG for a page
 * descriptor or compressed page that is damaged (the message names the
 * pfn and what is wrong), -EOPNOTSUPP for a page compressed with a method
 * this build of the library lacks (zstd, lzo, snappy are optional: the
 * message names it).
 * Nothing is read as zeros in place of an excluded page. Since: 0.2
 */
int fadump_vmcore_read(struct fadump_vmcore *vm, uint64_t paddr, void *buf,
		       size_t len);

/**
 * fadump_vmcore_map - read a saved dump through a mapping of the file
 *
 * Later reads of @vm (by physical or virtual address, page classes) copy
 * from the mapping instead of calling pread(): many times faster for
 * small random reads. Only for a file nobody truncates while it is open:
 * reading a part of a mapped file that is gone kills the process with
 * SIGBUS, which the library cannot prevent; without the mapping such a
 * read fails with -EIO. Returns 0 (also if already mapped), -EOPNOTSUPP
 * for a file in /proc (/proc/vmcore is read, never mapped), -EFBIG,
 * -ENOMEM and the errors of mmap(2). Since: 0.4
 */
int fadump_vmcore_map(struct fadump_vmcore *vm);

struct fadump_vmcore_note {
	size_t size;			/* set by the caller */
	const char *name;		/* owner: "CORE", "VMCOREINFO", ... */
	uint32_t type;			/* n_type: 1 NT_PRSTATUS, 3 NT_PRPSINFO, ... */
	const void *desc;		/* the descriptor bytes as in the file,
					 * owned by the vmcore */
	size_t descsz;
	uint64_t offset;		/* file offset of desc */
};

#define FADUMP_VMCORE_NOTE_SIZE_V1 \
	(offsetof(struct fadump_vmcore_note, offset) + sizeof(uint64_t))

/** fadump_vmcore_notes_count - notes in all PT_NOTE segments. Since: 0.2 */
unsigned int fadump_vmcore_notes_count(const struct fadump_vmcore *vm);

/**
 * fadump_vmcore_get_note - note number @idx in file order, known or not
 *
 * name and desc point into @vm. Returns 0, -ERANGE, -EINVAL (out->size).
 * Since: 0.2
 */
int fadump_vmcore_get_note(const struct fadump_vmcore *vm, unsigned int idx,
			   struct fadump_vmcore_note *out);

/* struct elf_prstatus, the part every 64-bit Linux architecture shares. */
struct fadump_prstatus {
	size_t size;			/* set by the caller */
	unsigned int note;		/* index for fadump_vmcore_get_note() */
	int32_t pid;			/* pr_pid: 0 in fadump dumps (kernel FIXME) */
	int32_t ppid;
	int32_t pgrp;
	int32_t sid;
	int32_t signo;			/* pr_info.si_signo */
	int16_t cursig;			/* pr_cursig */
	const void *pr_reg;		/* elf_gregset_t in the dump's byte order,
					 * owned by the vmcore */
	size_t pr_reg_size;		/* 384 on ppc64 (48 doublewords) */
};

#define FADUMP_PRSTATUS_SIZE_V1 \
	(offsetof(struct fadump_prstatus, pr_reg_size) + sizeof(size_t))

/**
 * fadump_vmcore_get_prstatus - NT_PRSTATUS note of CPU number @cpu
 * @cpu: 0 .. info.cpus - 1, in note order (the kernel's CPU order; the
 *       notes carry no CPU number)
 *
 * Returns 0, -ERANGE for a bad @cpu, -EINVAL (out->size), -EBADMSG if the
 * note is too short for the common part or, on ppc64, is not the 504
 * bytes the kernel writes. Since: 0.2
 */
int fadump_vmcore_get_prstatus(const struct fadump_vmcore *vm, unsigned int cpu,
			       struct fadump_prstatus *out);

/**
 * fadump_vmcore_get_ppc64_regs - ppc64 registers of CPU number @cpu
 *
 * The first 44 doublewords of pr_reg decoded into @regs (regs->size set
 * by the caller). Returns 0, -EOPNOTSUPP if the dump is not ppc64, and
 * the errors of fadump_vmcore_get_prstatus(). Since: 0.2
 */
int fadump_vmcore_get_ppc64_regs(const struct fadump_vmcore *vm,
				 unsigned int cpu,
				 struct fadump_ppc64_regs *regs);

/* struct elf_prpsinfo (64-bit layout, 136 bytes). */
struct fadump_prpsinfo {
	size_t size;			/* set by the caller */
	unsigned int note;		/* index for fadump_vmcore_get_note() */
	char state;			/* pr_state: numeric process state */
	char sname;			/* pr_sname: 'R', 'S', ... */
	bool zombie;
	int8_t nice;
	uint64_t flag;			/* pr_flag: task flags */
	uint32_t uid, gid;
	int32_t pid, ppid, pgrp, sid;
	char fname[17];			/* pr_fname, NUL-terminated */
	char psargs[81];		/* pr_psargs, NUL-terminated */
};

#define FADUMP_PRPSINFO_SIZE_V1 \
	(offsetof(struct fadump_prpsinfo, psargs) + 81)

/**
 * fadump_vmcore_get_prpsinfo - the first NT_PRPSINFO note
 *
 * fadump itself writes none; kdump and makedumpfile output may. Returns
 * 0, -ENOENT if there is none, -EBADMSG if it is not 136 bytes, -EINVAL
 * (out->size). Since: 0.2
 */
int fadump_vmcore_get_prpsinfo(const struct fadump_vmcore *vm,
			       struct fadump_prpsinfo *out);

/**
 * fadump_vmcore_vmcoreinfo_count - KEY=VALUE lines of the VMCOREINFO note
 *
 * For a kdump file: the VMCOREINFO text its sub-header points at (header
 * version 3 on), else its VMCOREINFO note. Returns the count, -ENOENT if
 * the dump has no VMCOREINFO note,
 * -EBADMSG if its text is not KEY=VALUE lines (the message names the
 * line). The same errors come from the other vmcoreinfo functions.
 * Since: 0.2
 */
int fadump_vmcore_vmcoreinfo_count(const struct fadump_vmcore *vm);

/**
 * fadump_vmcore_vmcoreinfo_get - line number @idx, in note order
 *
 * @key, @value: receive strings owned by @vm (either may be NULL).
 * Returns 0, -ERANGE for a bad @idx. Since: 0.2
 */
int fadump_vmcore_vmcoreinfo_get(const struct fadump_vmcore *vm,
				 unsigned int idx, const char **key,
				 const char **value);

/**
 * fadump_vmcore_vmcoreinfo_lookup - value of the first line with @key
 * @value: receives the value, owned by @vm; may be NULL
 *
 * Keys are compared exactly: "OSRELEASE", "SYMBOL(init_uts_ns)".
 * Returns 0, -ENOENT if there is no such key. Since: 0.2
 */
int fadump_vmcore_vmcoreinfo_lookup(const struct fadump_vmcore *vm,
				    const char *key, const char **value);

/**
 * fadump_vmcore_page_size - the crashed kernel's PAGESIZE (VMCOREINFO)
 *
 * Returns 0, -ENOENT if absent, -EBADMSG if not a power of two of at
 * least 512 written in decimal. Since: 0.2
 */
int fadump_vmcore_page_size(const struct fadump_vmcore *vm, uint64_t *out);

/**
 * fadump_vmcore_crash_time - CRASHTIME (VMCOREINFO): seconds since 1970
 *
 * Returns 0, -ENOENT if absent, -EBADMSG if not a decimal integer.
 * Since: 0.2
 */
int fadump_vmcore_crash_time(const struct fadump_vmcore *vm, int64_t *out);

/* How the crashed kernel kept its log. */
enum fadump_dmesg_format {
	FADUMP_DMESG_UNKNOWN = 0,
	FADUMP_DMESG_LOCKLESS = 1,	/* 5.10+: printk_ringbuffer (prb) */
	FADUMP_DMESG_LOG_BUF = 2,	/* 3.5 - 5.9: log_buf of struct printk_log */
};

/* One record of the crashed kernel's log. */
struct fadump_dmesg_record {
	size_t size;			/* sizeof the library's struct */
	uint64_t seq;			/* printk_info.seq */
	uint64_t ts_nsec;		/* local_clock() at printk time */
	uint32_t caller_id;		/* 0x80000000 | CPU, or the task's PID */
	const char *text;		/* text_len bytes, not NUL-terminated,
					 * valid during the callback only */
	size_t text_len;
};

/* Return 0 to go on; a negative errno stops the walk and is returned. */
typedef int (*fadump_dmesg_fn)(void *userdata,
			       const struct fadump_dmesg_record *rec);

struct fadump_dmesg_summary {
	size_t size;			/* set by the caller */
	enum fadump_dmesg_format format;
	unsigned int records;		/* handed to the callback */
	unsigned int lost;		/* ids in the ring's window whose record
					 * was overwritten, unfinished or had
					 * no room: the kernel drops them too */
};

#define FADUMP_DMESG_SUMMARY_SIZE_V1 \
	(offsetof(struct fadump_dmesg_summary, lost) + sizeof(unsigned int))

/**
 * fadump_vmcore_dmesg - the crashed kernel's log, oldest record first
 * @sum: may be NULL
 *
 * Found through VMCOREINFO alone (SYMBOL(prb), or SYMBOL(log_buf) before
 * 5.10, and the SIZE/OFFSET keys of log_buf_vmcoreinfo_setup()), as
 * vmcore-dmesg does; log_buf records carry no sequence number, so seq
 * counts them from 0. Kernel virtual
 * addresses are translated as fadump_vmcore_read_virt() does (before
 * 0.4: the PT_LOADs' p_vaddr, or on ppc64 the linear map only); ring
 * sizes above 64 MiB are refused.
 *
 * Returns 0, -ENOENT if VMCOREINFO or a key is missing (the message names
 * it), -EBADMSG for a ring or log_buf whose header or records are
 * impossible (the message names the field or index), -ENXIO for an
 * address the kernel did not map or not in the dump, what @fn returned,
 * -EINVAL, -ENOMEM, -EIO. Since: 0.2
 */
int fadump_vmcore_dmesg(struct fadump_vmcore *vm, fadump_dmesg_fn fn,
			void *userdata, struct fadump_dmesg_summary *sum);

/**
 * fadump_vmcore_dmesg_text - the log as vmcore-dmesg prints it
 * @text: receives a NUL-terminated malloc()ed string the caller frees:
 *        "[%5lu.%06lu] text" lines, bytes other than printable ASCII,
 *        tab and newline written as \xNN
 * @len: may be NULL; receives strlen(*text)
 * @sum: as for fadump_vmcore_dmesg(); may be NULL
 *
 * Returns what fadump_vmcore_dmesg() returns. Since: 0.2
 */
int fadump_vmcore_dmesg_text(struct fadump_vmcore *vm, char **text,
			     size_t *len, struct fadump_dmesg_summary *sum);

/* One piece of the file, handed to a fadump_vmcore_stream() callback. */
struct fadump_vmcore_chunk {
	size_t size;			/* sizeof the library's struct */
	uint64_t offset;		/* file offset of data[0] */
	const void *data;		/* valid during the callback only */
	size_t len;
	uint64_t total;			/* file size */
};

/*
 * Return 0 to go on. A negative errno stops the stream and is returned
 * as is; any other value stops it with -ECANCELED.
 */
typedef int (*fadump_vmcore_chunk_fn)(void *userdata,
				      const struct fadump_vmcore_chunk *chunk);

/**
 * fadump_vmcore_stream - hand the whole file to @fn in order, in chunks
 * @chunk_size: bytes per chunk, a multiple of 4096 of at most 64 MiB
 *              (0: the default, 4 MiB); every chunk but the last is this
 *              long and chunk offsets are multiples of it
 *
 * Memory use is one chunk whatever the dump's size. Returns 0, -EINVAL
 * for a bad @chunk_size, -EIO if the file ends before the size it had
 * when opened, what @fn returned (see fadump_vmcore_chunk_fn). Since: 0.2
 */
int fadump_vmcore_stream(struct fadump_vmcore *vm, size_t chunk_size,
			 fadump_vmcore_chunk_fn fn, void *userdata);

/*
 * Called after each chunk with the bytes copied so far (not a file
 * offset: a range-wise release copies boot memory last) and the file's
 * size: return non-zero to cancel (-ECANCELED).
 */
typedef int (*fadump_progress_fn)(void *userdata, uint64_t done,
				  uint64_t total);

enum fadump_save_flags {
	/* Write zero blocks too: a full-size file instead of a sparse one. */
	FADUMP_SAVE_NO_SPARSE = 1 << 0,
	/*
	 * Since 0.3. Live dump only (/proc/vmcore under the context's
	 * root): once the copy is durable, give the dump's memory back
	 * (release_mem, as fadump_release()).
	 */
	FADUMP_SAVE_RELEASE = 1 << 1,
	/*
	 * Since 0.3; implies FADUMP_SAVE_RELEASE. While copying, every
	 * @release_batch bytes fdatasync() the copy and give the memory
	 * those bytes hold back through release_range, so memory returns
	 * as the copy progresses. Without the kernel attribute the release
	 * happens at the end only (result: FADUMP_RELEASE_AT_END).
	 */
	FADUMP_SAVE_RELEASE_RANGES = 1 << 2,
	/*
	 * Since 0.3: accept a destination directory that others may write
	 * to (group or world writable) or that belongs to another user
	 * than root or the caller. Refused by default: such a user could
	 * swap or read the dump while it is written.
	 */
	FADUMP_SAVE_ALLOW_UNSAFE_DEST = 1 << 3,
	/* Since 0.3: create @dest (its last component) with mode 0700. */
	FADUMP_SAVE_CREATE_DEST = 1 << 4,
};

struct fadump_save_opts {
	size_t size;			/* set by the caller */
	unsigned int flags;		/* enum fadump_save_flags */
	const char *name;		/* file name in the directory; NULL: "vmcore" */
	size_t chunk_size;		/* as for fadump_vmcore_stream(); 0: default */
	fadump_progress_fn progress;	/* may be NULL */
	void *userdata;			/* for @progress */
	/* Since 0.3 */
	uint64_t release_batch;		/* bytes per early release; 0: 64 MiB */
	/* Since 0.5 */
	unsigned int dump_level;	/* makedumpfile -d: enum fadump_dump_level
					 * bits; 0 keeps every page */
	unsigned int format;		/* enum fadump_save_format */
	unsigned int compression;	/* enum fadump_compression (kdump only) */
	unsigned int threads;		/* compression threads; 0: one per
					 * online CPU */
};

#define FADUMP_SAVE_OPTS_SIZE_V1 \
	(offsetof(struct fadump_save_opts, userdata) + sizeof(void *))
#define FADUMP_SAVE_OPTS_SIZE_V2 \
	(offsetof(struct fadump_save_opts, release_batch) + sizeof(uint64_t))
#define FADUMP_SAVE_OPTS_SIZE_V3 \
	(offsetof(struct fadump_save_opts, threads) + sizeof(unsigned int))

/*
 * Since 0.5: what a filtered save leaves out, makedumpfile's -d bits (the
 * same numbers, so "-d 31" means the same to both tools). Logically
 * offline and hardware-poisoned pages are left out at every level above
 * 0, as makedumpfile does: their contents are stale or unreadable.
 * Pages of class FADUMP_PAGE_UNKNOWN are always kept.
 */
enum fadump_dump_level {
	FADUMP_DUMP_ZERO = 1 << 0,		/* all-zero pages */
	FADUMP_DUMP_CACHE = 1 << 1,		/* page cache without private data */
	FADUMP_DUMP_CACHE_PRIVATE = 1 << 2,	/* page cache with private data */
	FADUMP_DUMP_USER = 1 << 3,		/* process memory, hugetlbfs */
	FADUMP_DUMP_FREE = 1 << 4,		/* free pages (buddy and per-CPU lists) */
};
#define FADUMP_DUMP_LEVEL_MAX 31

/* Since 0.5: the file fadump_vmcore_save() writes. */
enum fadump_save_format {
	/*
	 * An ELF core. At level 0, the source byte for byte (sparse); at
	 * other levels, only the kept pages' runs as PT_LOADs, as
	 * makedumpfile -E writes it.
	 */
	FADUMP_SAVE_FORMAT_ELF = 0,
	/* makedumpfile's kdump-compressed format, header version 6. */
	FADUMP_SAVE_FORMAT_KDUMP = 1,
};

/* Since 0.5: how each page of a kdump-compressed file is compressed. */
enum fadump_compression {
	FADUMP_COMPRESS_DEFAULT = 0,	/* zstd if this build has it, else zlib */
	FADUMP_COMPRESS_NONE = 1,
	FADUMP_COMPRESS_ZLIB = 2,	/* makedumpfile -c */
	FADUMP_COMPRESS_LZO = 3,	/* makedumpfile -l */
	FADUMP_COMPRESS_ZSTD = 4,	/* makedumpfile -z */
};

/**
 * fadump_compression_name - "default", "none", "zlib", "lzo", "zstd"
 *
 * NULL for other values. Since: 0.5
 */
const char *fadump_compression_name(unsigned int compression);

/**
 * fadump_compression_supported - can this build write (and read) @compression?
 *
 * Returns 1 if it can, 0 if this build of the library lacks it (zstd and
 * lzo are optional), -EINVAL for an unknown value. Since: 0.5
 */
int fadump_compression_supported(unsigned int compression);

/* Since 0.5: the slots of the per-class counts in struct fadump_save_result. */
#define FADUMP_SAVE_CLASS_SLOTS 16

/* How the dump's memory was given back by fadump_vmcore_save(). */
enum fadump_release_mode {
	FADUMP_RELEASE_NONE = 0,	/* not released */
	FADUMP_RELEASE_AT_END = 1,	/* release_mem after the copy */
	FADUMP_RELEASE_RANGES = 2,	/* release_range while copying, then release_mem */
};

struct fadump_save_result {
	size_t size;			/* set by the caller */
	uint64_t bytes_total;		/* size of the dump and of the copy */
	uint64_t bytes_written;		/* data written (non-zero blocks) */
	uint64_t zero_bytes_skipped;	/* left as holes */
	uint64_t nanoseconds;		/* from open of the copy to directory sync */
	/* Since 0.3 */
	unsigned int release_mode;	/* enum fadump_release_mode: what ran */
	bool released;			/* release_mem done: the dump is gone */
	uint32_t ranges_released;	/* release_range writes the kernel took */
	uint64_t bytes_released_early;	/* their bytes */
	uint32_t syncs;			/* fdatasync() calls made for them */
	/* Since 0.5: filtered saves (dump_level or format set) */
	unsigned int format;		/* enum fadump_save_format written */
	unsigned int compression;	/* enum fadump_compression used (never DEFAULT) */
	unsigned int threads;		/* compression threads that ran */
	uint64_t pages_total;		/* pages of memory in the dump */
	uint64_t pages_kept;		/* pages the file holds */
	/* per enum fadump_page_class; slots past FADUMP_PAGE_CLASS_COUNT are 0 */
	uint64_t class_kept[FADUMP_SAVE_CLASS_SLOTS];
	uint64_t class_excluded[FADUMP_SAVE_CLASS_SLOTS];
	/*
	 * Why pages were FADUMP_PAGE_UNKNOWN (kept), empty if none were:
	 * the first reason met, e.g. what VMCOREINFO lacks.
	 */
	char unknown_reason[160];
	/* Released through release_range before the copy started: the
	 * memory the dump does not contain. Also counted in the fields of
	 * range-wise release above. */
	uint32_t excluded_ranges_released;
	uint64_t excluded_bytes_released;
	uint64_t file_bytes;		/* size of the file written */
};

#define FADUMP_SAVE_RESULT_SIZE_V1 \
	(offsetof(struct fadump_save_result, nanoseconds) + sizeof(uint64_t))
#define FADUMP_SAVE_RESULT_SIZE_V2 \
	(offsetof(struct fadump_save_result, syncs) + sizeof(uint32_t))
#define FADUMP_SAVE_RESULT_SIZE_V3 \
	(offsetof(struct fadump_save_result, file_bytes) + sizeof(uint64_t))

/** fadump_release_mode_name - "none", "end" or "ranges". Since: 0.3 */
const char *fadump_release_mode_name(unsigned int mode);

/**
 * fadump_vmcore_save - copy the dump durably into directory @dest
 * @opts: may be NULL for the defaults
 * @res: may be NULL
 *
 * The copy is byte for byte the file (ELF layout kept, so every dump tool
 * reads it as the original), with all-zero blocks left as holes. It is
 * written to an unnamed file in @dest (O_TMPFILE, mode 0600: a dump holds
 * passwords and keys), fsync()ed, linked as "<dest>/<name>" without
 * replacing anything, and the directory is fsync()ed. On any failure, and
 * if the process is killed, nothing is left behind. A filesystem without
 * O_TMPFILE gets a named "<dest>/.vmcore.XXXXXX" instead (O_EXCL,
 * O_NOFOLLOW), removed on failure but left by a SIGKILL.
 *
 * @dest must be a directory, not a symbolic link, owned by root or the
 * caller and writable by its owner only, unless
 * FADUMP_SAVE_ALLOW_UNSAFE_DEST; FADUMP_SAVE_CREATE_DEST creates it 0700.
 *
 * With FADUMP_SAVE_RELEASE_RANGES the copy is "<dest>/<name>.partial"
 * from the start, and memory is released only after the bytes it holds
 * are fdatasync()ed. If the save then fails or is killed after a first
 * range was released, that file is kept: it holds every released byte at
 * its offset in the dump (the memory itself is gone). Without early
 * releases it is removed as usual.
 *
 * Free space is checked first against the bytes that must be written
 * whatever the contents (the headers and notes); how much of the memory
 * is zero is only known by reading it, so a full disk found later is
 * reported as -ENOSPC with how far the copy got.
 *
 * Since 0.5, a filtered save: with @opts->dump_level above 0 or
 * @opts->format FADUMP_SAVE_FORMAT_KDUMP, the page descriptors choose the
 * pages (enum fadump_dump_level) before anything is written, and the
 * file is makedumpfile's kdump-compressed format (header version 6, in
 * the crashed machine's byte order; each page compressed alone with
 * @opts->compression on @opts->threads threads, the file the same
 * whatever their number) or an ELF core of the kept pages' runs. Only
 * ELF sources (/proc/vmcore) are filtered (-EOPNOTSUPP otherwise). With
 * FADUMP_SAVE_RELEASE_RANGES the memory the dump leaves out is released
 * before the first page is written, and kept memory as the file holding
 * it becomes durable; a kept .partial kdump file is then a dump of the
 * pages it holds (marked incomplete). @res counts the pages per class
 * kept and left out. Level 0 in ELF format is the copy above.
 *
 * Returns 0, -EEXIST if <dest>/<name> (or, for range-wise release,
 * <name>.partial) already exists (a dump is never overwritten), -ENOSPC /
 * -EDQUOT, -ECANCELED if @opts->progress asked to stop, -ENOTDIR, -ELOOP
 * (@dest is a symlink), -EPERM (@dest is writable by others or owned by
 * another user), -EINVAL (bad name, sizes, flags; a release asked for a
 * file that is not the live /proc/vmcore; a dump level above 31, an
 * unknown format or compression), -EOPNOTSUPP (a compression this build
 * lacks, a filtered save of a non-ELF file), -EACCES, -EIO, the errors of
 * fadump_vmcore_stream() and, with a release, of fadump_release(): then
 * the copy is saved and @res says so (released false). Early releases
 * the kernel refuses are skipped and logged, never an error. Not
 * thread-safe with other calls on the same context. Since: 0.2 (flags
 * beyond FADUMP_SAVE_NO_SPARSE, result fields after nanoseconds: 0.3;
 * filtered saves, FADUMP_SAVE_OPTS_SIZE_V3, FADUMP_SAVE_RESULT_SIZE_V3:
 * 0.5)
 */
int fadump_vmcore_save(struct fadump_vmcore *vm, const char *dest,
		       const struct fadump_save_opts *opts,
		       struct fadump_save_result *res);

/**
 * fadump_opalcore_save - save the OPAL core durably into directory @dest
 * @opts: may be NULL for the defaults; @opts->name NULL is "opalcore"
 * @res: may be NULL
 *
 * PowerNV capture boot: the kernel's ELF core of OPAL's memory
 * (/sys/firmware/opal/mpipl/core, or /sys/firmware/opal/core on 5.4), read
 * and checked as any ELF dump, copied as fadump_vmcore_save() copies a
 * dump, with the same rules: an unnamed 0600 file fsync()ed and linked
 * as "<dest>/<name>" without replacing anything, the directory
 * fsync()ed, free space checked, progress and cancel, nothing left
 * behind on failure. The copy is the core byte for byte: a dump level
 * or the kdump format is -EINVAL, and so is FADUMP_SAVE_RELEASE_RANGES.
 *
 * With FADUMP_SAVE_RELEASE, once the copy is durable the OPAL core's
 * memory is given back through release_core (as
 * fadump_opalcore_release()); its errors are then returned with the
 * copy saved and @res saying so (released false).
 *
 * Returns 0, -ENOENT when this boot has no OPAL core (not PowerNV, not
 * a capture boot, CONFIG_OPAL_CORE off, or released), the errors of
 * fadump_vmcore_open() and of fadump_vmcore_save(). Since: 0.5
 */
int fadump_opalcore_save(struct fadump_ctx *ctx, const char *dest,
			 const struct fadump_save_opts *opts,
			 struct fadump_save_result *res);

/**
 * fadump_opalcore_release - give the OPAL core's memory back
 *
 * Writes "1" to /sys/firmware/opal/mpipl/release_core under the control
 * lock; the kernel then removes the core. Save it first
 * (fadump_opalcore_save() with FADUMP_SAVE_RELEASE does both in order).
 * Returns 0, -ENOENT without release_core (no OPAL core in this boot),
 * -EPERM when the core was already released, -EIO when the kernel took
 * the write but the core is still there, -EACCES, -EBUSY (the lock).
 * Since: 0.5
 */
int fadump_opalcore_release(struct fadump_ctx *ctx);

/* ------------------------------------------------------------------ */
/* What the crashed kernel knew: virtual addresses, page descriptors  */
/* ------------------------------------------------------------------ */

/*
 * Kernel virtual addresses of a ppc64 (Book3S-64) dump are translated the
 * way the crashed kernel did, from the dump alone, whatever the host's
 * byte order: the linear map (0xc000000000000000 + physical), and
 * vmalloc, I/O and vmemmap addresses through the kernel page tables
 * (SYMBOL(swapper_pg_dir); radix or hash MMU, 4 KiB or 64 KiB pages,
 * huge PUD and PMD leaves) or, for vmemmap under the hash MMU, the
 * kernel's vmemmap_list. Dumps of other machines translate through their
 * PT_LOADs' p_vaddr only. Nothing is walked without bound, and every
 * entry is checked before it is followed.
 */

/**
 * fadump_vmcore_virt_to_phys - the physical address of a kernel address
 *
 * Returns 0, -EFAULT if the kernel did not map @vaddr (not a kernel
 * address, an empty or not-present page-table entry, no vmemmap_list
 * entry), -ENXIO if a page table the walk needs is not in the dump,
 * -EBADMSG for an implausible entry or VMCOREINFO value, -ENOENT if
 * VMCOREINFO lacks a key the translation needs (SYMBOL(swapper_pg_dir),
 * PAGESIZE, NUMBER(RADIX_MMU)), -EOPNOTSUPP for a page size other than
 * 4 KiB and 64 KiB or a kernel older than the page-table layouts known
 * (radix: 4.11, hash: 5.2), -EINVAL for a NULL @paddr. The message names
 * the address and the level where the walk stopped. Since: 0.4
 */
int fadump_vmcore_virt_to_phys(struct fadump_vmcore *vm, uint64_t vaddr,
			       uint64_t *paddr);

/**
 * fadump_vmcore_read_virt - read the crashed kernel's memory by virtual
 * address
 *
 * Reads may cross pages, mapped anywhere. Returns 0 when all @len bytes
 * were read, the errors of fadump_vmcore_virt_to_phys() for the first
 * address that cannot be translated, and those of fadump_vmcore_read()
 * (-ENXIO: the memory behind it is not in the dump). Since: 0.4
 */
int fadump_vmcore_read_virt(struct fadump_vmcore *vm, uint64_t vaddr,
			    void *buf, size_t len);

/*
 * What a page of the crashed machine held, from its page descriptor
 * (struct page), found and decoded through VMCOREINFO alone. Values may
 * be added in later versions (FADUMP_PAGE_CLASS_COUNT is this header's
 * count); fadump_page_class_name() returns NULL for those it does not
 * know.
 */
enum fadump_page_class {
	FADUMP_PAGE_UNKNOWN = 0,	/* descriptor unreadable or implausible,
					 * or the kernel's encoding unknown:
					 * such a page must be kept */
	FADUMP_PAGE_FREE = 1,		/* in the buddy allocator */
	FADUMP_PAGE_CACHE = 2,		/* page cache, swap cache */
	FADUMP_PAGE_CACHE_PRIVATE = 3,	/* page cache with filesystem data
					 * (PG_private: buffer heads) */
	FADUMP_PAGE_ANON = 4,		/* anonymous memory of processes */
	FADUMP_PAGE_HUGETLB = 5,	/* hugetlbfs */
	FADUMP_PAGE_OFFLINE = 6,	/* logically offline (balloon): stale */
	FADUMP_PAGE_HWPOISON = 7,	/* hardware poisoned */
	FADUMP_PAGE_SLAB = 8,		/* slab allocator */
	FADUMP_PAGE_ZERO = 9,		/* all zero (FADUMP_PAGE_CHECK_ZERO) */
	FADUMP_PAGE_KERNEL = 10,	/* anything else the kernel used */
};
#define FADUMP_PAGE_CLASS_COUNT 11

/**
 * fadump_page_class_name - "unknown", "free", "cache", "cache_private",
 * "anon", "hugetlb", "offline", "hwpoison", "slab", "zero", "kernel"
 *
 * NULL for a value this library does not know. Since: 0.4
 */
const char *fadump_page_class_name(unsigned int cls);

enum fadump_page_flags {
	/*
	 * Read every page that is not free, poisoned, offline or unknown
	 * and report the all-zero ones as FADUMP_PAGE_ZERO: as slow as
	 * reading the dump.
	 */
	FADUMP_PAGE_CHECK_ZERO = 1 << 0,
};

/**
 * fadump_vmcore_page_class - the class of page frame number @pfn
 * @flags: enum fadump_page_flags
 * @cls: receives an enum fadump_page_class
 *
 * Pages are the crashed kernel's (PAGESIZE); a pfn is in the dump if any
 * byte of its page is. A page whose descriptor cannot be read or makes
 * no sense, or whose kernel encodes classes in a way this library does
 * not know (a LOG_WARNING names what VMCOREINFO lacks), is
 * FADUMP_PAGE_UNKNOWN: that is a class, not an error. Returns 0, -ENXIO
 * if @pfn is not in the dump, -ENOENT / -EBADMSG for a missing or bad
 * PAGESIZE, -EINVAL (unknown @flags, NULL @cls), -ENOMEM. Since: 0.4
 */
int fadump_vmcore_page_class(struct fadump_vmcore *vm, uint64_t pfn,
			     unsigned int flags, unsigned int *cls);

/* A run of pages of the same class, all in the dump. */
struct fadump_page_run {
	size_t size;			/* set by the caller */
	uint64_t pfn;			/* the first page frame number */
	uint64_t count;			/* pages */
	unsigned int page_class;	/* enum fadump_page_class */
};

#define FADUMP_PAGE_RUN_SIZE_V1 \
	(offsetof(struct fadump_page_run, page_class) + sizeof(unsigned int))

struct fadump_page_iter;

/**
 * fadump_page_iter_new - classify the dump's pages, run by run
 * @first_pfn, @end_pfn: the pages [first_pfn, end_pfn) that are in the
 *                       dump; 0 and UINT64_MAX for all of them
 * @flags: enum fadump_page_flags
 *
 * Descriptors are read in batches and free blocks skipped whole, so this
 * is the fast way over a whole dump. The iterator holds a reference on
 * @vm and uses its context: one thread at a time. Returns 0, -EINVAL
 * (@first_pfn above @end_pfn, unknown @flags), the PAGESIZE errors of
 * fadump_vmcore_page_class(), -ENOMEM. Since: 0.4
 */
int fadump_page_iter_new(struct fadump_vmcore *vm, uint64_t first_pfn,
			 uint64_t end_pfn, unsigned int flags,
			 struct fadump_page_iter **itp);

/**
 * fadump_page_iter_next - the next run, in pfn order
 *
 * Runs never span a hole of the dump and a run's class is the one
 * fadump_vmcore_page_class() gives each of its pages. Returns 1 with
 * @run filled (run->size set by the caller), 0 after the last run,
 * -EINVAL for run->size below FADUMP_PAGE_RUN_SIZE_V1. Since: 0.4
 */
int fadump_page_iter_next(struct fadump_page_iter *it,
			  struct fadump_page_run *run);

/** fadump_page_iter_free - free @it (NULL is fine). Since: 0.4 */
void fadump_page_iter_free(struct fadump_page_iter *it);

/* ------------------------------------------------------------------ */
/* Crash metadata: firmware dump structures and the crash-info header */
/* ------------------------------------------------------------------ */

/*
 * One CPU's registers as the 64-bit kernel's struct pt_regs / user_pt_regs
 * holds them (arch/powerpc/include/uapi/asm/ptrace.h): the first 44
 * doublewords of an NT_PRSTATUS pr_reg (elf_gregset_t, ELF_NGREG 48, the
 * last 4 are padding). Values are host-endian. Sources that do not carry
 * a register leave it 0, as the kernel's own note builders do.
 *
 * shared with the vmcore NT_PRSTATUS decoder
 */
struct fadump_ppc64_regs {
	size_t size;			/* set by the caller */
	uint64_t gpr[32];
	uint64_t nip;
	uint64_t msr;
	uint64_t orig_gpr3;
	uint64_t ctr;
	uint64_t link;
	uint64_t xer;
	uint64_t ccr;
	uint64_t softe;
	uint64_t trap;
	uint64_t dar;
	uint64_t dsisr;
	uint64_t result;
};

#define FADUMP_PPC64_REGS_SIZE_V1 \
	(offsetof(struct fadump_ppc64_regs, result) + sizeof(uint64_t))

/*
 * Byte order of a structure. Firmware structures are big-endian; the
 * crash-info header and the OPAL kernel metadata are in the crashed
 * kernel's own order, which the parsers report.
 */
enum fadump_byte_order {
	FADUMP_BYTE_ORDER_AUTO = 0,	/* parsers: detect it; results: undecided */
	FADUMP_BYTE_ORDER_BIG = 1,
	FADUMP_BYTE_ORDER_LITTLE = 2,
};

/** fadump_byte_order_name - "big-endian", "little-endian" or "unknown". Since: 0.1 */
const char *fadump_byte_order_name(enum fadump_byte_order order);

/*
 * What the capture kernel can make of a preserved dump, judged from the
 * firmware's and the kernel's metadata by the kernel's own rules.
 */
enum fadump_dump_verdict {
	FADUMP_DUMP_COMPLETE = 0,	/* every requested section copied in full, no error flag */
	FADUMP_DUMP_INCOMPLETE = 1,	/* something is short or flagged, but the
					 * kernel still builds a vmcore from it */
	FADUMP_DUMP_UNUSABLE = 2,	/* the kernel refuses the dump */
};

/** fadump_dump_verdict_name - "complete", "incomplete", "unusable". Since: 0.1 */
const char *fadump_dump_verdict_name(enum fadump_dump_verdict verdict);

/*
 * pseries: the dump memory structure (rtas_fadump_mem_struct) the kernel
 * registered with ibm,configure-kernel-dump and the firmware hands back,
 * filled in, as /rtas/ibm,kernel-dump in the capture boot. Big-endian.
 */

/* Section types (source_data_type; rtas-fadump.h, PAPR) */
#define FADUMP_PAPR_CPU_STATE		0x0001	/* register save area */
#define FADUMP_PAPR_HPTE		0x0002	/* hashed page table */
#define FADUMP_PAPR_BOOT_MEMORY		0x0011	/* "real-mode region": a copy of boot memory */
#define FADUMP_PAPR_PARAM_AREA		0x0100	/* OS-defined: bootargs_append (6.10+) */

#define FADUMP_PAPR_REQUEST_FLAG	0x00000001	/* request_flag: copy this section */

/* dump_status_flag bits (PAPR, as QEMU's spapr_fadump.h names them) */
#define FADUMP_PAPR_STATUS_PERFORMED	0x8000
#define FADUMP_PAPR_STATUS_TRIGGERED	0x4000
#define FADUMP_PAPR_STATUS_ERROR	0x2000	/* RTAS_FADUMP_ERROR_FLAG */

/* Section error_flags bits (PAPR, as QEMU's spapr_fadump.h names them) */
#define FADUMP_PAPR_ERR_INVALID_TYPE		0x8000
#define FADUMP_PAPR_ERR_INVALID_SOURCE		0x4000
#define FADUMP_PAPR_ERR_LENGTH_EXCEEDS_SOURCE	0x2000
#define FADUMP_PAPR_ERR_INVALID_DEST		0x1000
#define FADUMP_PAPR_ERR_DEST_TOO_SMALL		0x0800

enum fadump_papr_form {
	/*
	 * 3.4 - 6.9: header, CPU state, HPTE, one boot-memory section from
	 * address 0; 160 bytes. A 6.10+ kernel with one boot region and no
	 * param area registers the same bytes, so this form is judged by
	 * the rules of both generations.
	 */
	FADUMP_PAPR_FORM_FIXED = 1,
	/* 6.10+: header and up to 10 sections of any type, in any order. */
	FADUMP_PAPR_FORM_SECTIONS = 2,
};

struct fadump_papr_dump;

/**
 * fadump_papr_dump_parse - decode an ibm,kernel-dump property
 * @buf: the property bytes (copied), @len bytes
 *
 * Accepted lengths: the 40-byte header plus at least the dump_num_sections
 * sections, read from offset_first_dump_section (40 in every kernel; the
 * kernel itself ignores the field, this parser honours it). Both what
 * firmware may return are covered: the registered 40 + 40 * n bytes
 * (QEMU) and the whole 160- or 440-byte kernel struct.
 *
 * Returns 0, -EINVAL for NULL arguments, -EBADMSG for a property that is
 * not a dump structure: shorter than the header or than the sections it
 * announces, more than 10 sections (PAPR version 1), sections starting
 * inside the header, boot-memory sections that overlap, run out of
 * address order or overflow 64 bits (the kernel registers them in
 * ascending order); -EPROTONOSUPPORT for a
 * dump_format_version other than 1; -ENOMEM. The message names the field
 * and the section. Since: 0.1
 */
int fadump_papr_dump_parse(struct fadump_ctx *ctx, const void *buf, size_t len,
			   struct fadump_papr_dump **pdp);

/**
 * fadump_papr_dump_from_devtree - the same for @dt's /rtas/ibm,kernel-dump
 *
 * Returns -ENOENT (with a message) when the property is absent: no dump is
 * waiting, or this is not pseries. Since: 0.1
 */
int fadump_papr_dump_from_devtree(struct fadump_ctx *ctx,
				  const struct fadump_devtree *dt,
				  struct fadump_papr_dump **pdp);

struct fadump_papr_dump *fadump_papr_dump_ref(struct fadump_papr_dump *pd);
struct fadump_papr_dump *fadump_papr_dump_unref(struct fadump_papr_dump *pd);

struct fadump_papr_dump_header {
	size_t size;			/* set by the caller */
	uint32_t format_version;	/* dump_format_version, 1 */
	uint16_t num_sections;		/* dump_num_sections */
	uint16_t status_flags;		/* dump_status_flag, FADUMP_PAPR_STATUS_* */
	uint32_t offset_first_section;	/* offset_first_dump_section */
	uint32_t dd_block_size;		/* disk-dump fields: Linux writes 0 */
	uint64_t dd_block_offset;
	uint64_t dd_num_blocks;
	uint32_t dd_offset_disk_path;
	uint32_t max_time_auto;		/* 0: no automatic dump-reboot */
	enum fadump_papr_form form;
	size_t length;			/* bytes of the property */
};

#define FADUMP_PAPR_DUMP_HEADER_SIZE_V1 \
	(offsetof(struct fadump_papr_dump_header, length) + sizeof(size_t))

/** fadump_papr_dump_get_header - copy the header; -EINVAL for a short out->size. Since: 0.1 */
int fadump_papr_dump_get_header(const struct fadump_papr_dump *pd,
				struct fadump_papr_dump_header *out);

/** fadump_papr_dump_section_count - dump_num_sections. Since: 0.1 */
unsigned int fadump_papr_dump_section_count(const struct fadump_papr_dump *pd);

struct fadump_papr_section {
	size_t size;			/* set by the caller */
	uint32_t request_flag;
	uint16_t type;			/* source_data_type, FADUMP_PAPR_* */
	uint16_t error_flags;		/* FADUMP_PAPR_ERR_*; any bit: failed */
	uint64_t source_address;
	uint64_t source_len;		/* bytes requested */
	uint64_t bytes_dumped;		/* bytes the firmware copied */
	uint64_t destination_address;
	const char *type_name;		/* see fadump_papr_section_type_name() */
	bool complete;			/* no error flag and bytes_dumped == source_len */
	const char *problem;		/* NULL, or one line saying what is wrong */
};

#define FADUMP_PAPR_SECTION_SIZE_V1 \
	(offsetof(struct fadump_papr_section, problem) + sizeof(const char *))

/**
 * fadump_papr_dump_get_section - copy section @idx (0-based)
 *
 * Strings point into @pd. Returns 0, -ERANGE, -EINVAL. Since: 0.1
 */
int fadump_papr_dump_get_section(const struct fadump_papr_dump *pd,
				 unsigned int idx,
				 struct fadump_papr_section *out);

/**
 * fadump_papr_section_type_name - "CPU state", "HPTE", "boot memory",
 * "param area" or "unknown". Since: 0.1
 */
const char *fadump_papr_section_type_name(uint16_t type);

/*
 * What the capture kernel derives from the structure
 * (rtas_fadump_get_config() and rtas_fadump_process() in 7.2; the 3.4 -
 * 5.4 fadump.c computed the same values from its one boot region).
 */
struct fadump_papr_dump_summary {
	size_t size;			/* set by the caller */
	enum fadump_dump_verdict verdict;
	unsigned int boot_regions;	/* boot-memory sections */
	uint64_t boot_memory_size;	/* sum of their lengths */
	uint64_t boot_mem_top;		/* ... plus the holes between them:
					 * crash memory starts here */
	bool has_crashinfo_addr;	/* a boot section copies address 0 */
	uint64_t crashinfo_addr;	/* fadumphdr_addr: destination of the
					 * section from 0 + boot_memory_size */
	bool has_cpu_state;
	uint64_t cpu_state_addr;	/* destination of the CPU state section */
	uint64_t cpu_state_len;		/* bytes the firmware wrote there */
	bool has_param_area;
	uint64_t param_area_addr;
};

#define FADUMP_PAPR_DUMP_SUMMARY_SIZE_V1 \
	(offsetof(struct fadump_papr_dump_summary, param_area_addr) + sizeof(uint64_t))

/** fadump_papr_dump_get_summary - derived addresses and the verdict. Since: 0.1 */
int fadump_papr_dump_get_summary(const struct fadump_papr_dump *pd,
				 struct fadump_papr_dump_summary *out);

/**
 * fadump_papr_dump_problem - reason @idx why the dump is not complete
 *
 * One line each, naming the section; NULL past the last. A complete dump
 * has none. Since: 0.1
 */
const char *fadump_papr_dump_problem(const struct fadump_papr_dump *pd,
				     unsigned int idx);

/**
 * fadump_papr_dump_raw - the property bytes as given
 * @data, @len: receive the bytes, owned by @pd, and their count; either may be NULL
 *
 * Since: 0.1
 */
int fadump_papr_dump_raw(const struct fadump_papr_dump *pd, const void **data,
			 size_t *len);

/*
 * ibm,configure-kernel-dump-version: the lowest and highest dump format
 * version the firmware supports. No Linux version reads it. QEMU writes
 * two u16 in the host's byte order (spapr_dt_rtas_fadump()), so on an x86
 * host the bytes are little-endian.
 */
struct fadump_papr_versions {
	size_t size;			/* set by the caller */
	uint16_t min;
	uint16_t max;
	/*
	 * The order that gives 1 <= min <= max <= 255 (format versions
	 * are small; 1 is the only one); AUTO when neither does, and then
	 * min and max are the big-endian reading.
	 */
	enum fadump_byte_order byte_order;
};

/**
 * fadump_papr_versions_parse - decode the -version property's bytes
 *
 * Returns 0, -EBADMSG unless @len is 4, -EINVAL. Since: 0.1
 */
int fadump_papr_versions_parse(struct fadump_ctx *ctx, const void *buf,
			       size_t len, struct fadump_papr_versions *out);

/*
 * Per-CPU register sets left by the firmware: the pseries register save
 * area (CPU state section, PAPR "REGSAVE" format) or the powernv HDAT
 * thread register data (OPAL CPU tag). Each CPU's registers go into a
 * struct fadump_ppc64_regs exactly as the kernel's note builders map them
 * (rtas_fadump_set_regval(), opal_fadump_set_regval_regnum()); the other
 * entries are kept and can be listed.
 */
enum fadump_cpuregs_format {
	FADUMP_CPUREGS_RTAS = 1,	/* pseries register save area */
	FADUMP_CPUREGS_HDAT = 2,	/* powernv HDAT thread data */
};

/* No more CPUs than this are decoded: NR_CPUS is at most 8192 on ppc64. */
#define FADUMP_CPUREGS_MAX_CPUS 16384

struct fadump_cpuregs;

/**
 * fadump_cpuregs_parse_rtas - decode a pseries register save area
 * @buf: the CPU state section's contents (copied), @len bytes
 *
 * Layout (rtas-fadump.h): {be64 magic "REGSAVE", be32 version, be32
 * num_cpu_offset}, a be32 CPU count at num_cpu_offset, then per CPU
 * 16-byte {be64 id, be64 value} entries from "CPUSTRT" (low 32 bits of the
 * value: logical CPU number) to "CPUEND".
 *
 * Returns 0; -EBADMSG for a wrong magic (a byte-swapped one is named as
 * such), num_cpu_offset inside the header or past the end, a CPU block
 * not starting with CPUSTRT, a missing CPUEND (a CPUSTRT or the end of
 * the buffer comes first), a CPU count the buffer cannot hold; -E2BIG for
 * more than FADUMP_CPUREGS_MAX_CPUS CPUs; -EINVAL, -ENOMEM. Since: 0.1
 */
int fadump_cpuregs_parse_rtas(struct fadump_ctx *ctx, const void *buf,
			      size_t len, struct fadump_cpuregs **rsp);

/**
 * fadump_cpuregs_parse_hdat - decode powernv HDAT thread register data
 * @buf: the CPU region of the OPAL CPU metadata (region 0), @len bytes
 * @thread_size: cpu_data_size of that metadata: bytes per thread
 *
 * Threads are @thread_size apart, @len / @thread_size of them; each
 * starts with a 24-byte header {be32 pir, u8 core_state, 3 reserved, be32
 * offset, ecnt, esize, eactsz}; register entries {be32 type, be32 number,
 * be64 value} start at 8 + offset. As in opal_fadump_build_cpu_notes(),
 * the first thread's offset, count and entry size hold for all.
 *
 * Returns 0; -EBADMSG if @thread_size is 0, smaller than the thread
 * header or larger than @len, or if the entries do not fit in a thread
 * (the message gives the numbers); -E2BIG for more than
 * FADUMP_CPUREGS_MAX_CPUS threads; -EINVAL, -ENOMEM. Since: 0.1
 */
int fadump_cpuregs_parse_hdat(struct fadump_ctx *ctx, const void *buf,
			      size_t len, uint32_t thread_size,
			      struct fadump_cpuregs **rsp);

struct fadump_cpuregs *fadump_cpuregs_ref(struct fadump_cpuregs *rs);
struct fadump_cpuregs *fadump_cpuregs_unref(struct fadump_cpuregs *rs);

/** fadump_cpuregs_format - RTAS or HDAT. Since: 0.1 */
enum fadump_cpuregs_format fadump_cpuregs_format(const struct fadump_cpuregs *rs);

/**
 * fadump_cpuregs_version - RTAS: the save area header's version (QEMU
 * writes 0; the kernel does not look). HDAT: 0. Since: 0.1
 */
uint32_t fadump_cpuregs_version(const struct fadump_cpuregs *rs);

/** fadump_cpuregs_count - CPUs (RTAS) or threads (HDAT) decoded. Since: 0.1 */
unsigned int fadump_cpuregs_count(const struct fadump_cpuregs *rs);

struct fadump_cpu_state {
	size_t size;			/* set by the caller */
	uint32_t id;			/* RTAS: logical CPU number; HDAT: PIR */
	bool active;			/* HDAT: core_state is not 0x0F (the
					 * kernel skips inactive threads);
					 * RTAS: always true */
	uint8_t core_state;		/* HDAT only */
	unsigned int entries;		/* register entries (without CPUSTRT/CPUEND) */
	unsigned int ignored;		/* entries the kernel does not put in pt_regs */
	uint64_t offset;		/* where the CPU's data starts in the buffer */
};

#define FADUMP_CPU_STATE_SIZE_V1 \
	(offsetof(struct fadump_cpu_state, offset) + sizeof(uint64_t))

/** fadump_cpuregs_get_cpu - CPU @idx, in firmware order. -ERANGE, -EINVAL. Since: 0.1 */
int fadump_cpuregs_get_cpu(const struct fadump_cpuregs *rs, unsigned int idx,
			   struct fadump_cpu_state *out);

/** fadump_cpuregs_get_regs - CPU @idx's registers. -ERANGE, -EINVAL. Since: 0.1 */
int fadump_cpuregs_get_regs(const struct fadump_cpuregs *rs, unsigned int idx,
			    struct fadump_ppc64_regs *out);

/**
 * fadump_cpuregs_find - index of the first CPU with @id
 *
 * Returns the index, -ENOENT if there is none. Since: 0.1
 */
int fadump_cpuregs_find(const struct fadump_cpuregs *rs, uint32_t id);

struct fadump_reg_entry {
	size_t size;			/* set by the caller */
	uint64_t id;			/* RTAS: ASCII name packed big-end first
					 * ("GPR05" = 0x4750523035000000);
					 * HDAT: type << 32 | register number */
	uint64_t value;
	char name[24];			/* "GPR05", "MSR", "SPR9"...; RTAS ids that
					 * are not printable ASCII: "0x..." */
	bool used;			/* the kernel puts it in pt_regs */
};

#define FADUMP_REG_ENTRY_SIZE_V1 \
	(offsetof(struct fadump_reg_entry, used) + sizeof(bool))

/**
 * fadump_cpuregs_get_entry - register entry @entry of CPU @idx, as stored
 *
 * Returns 0, -ERANGE for either index, -EINVAL. Since: 0.1
 */
int fadump_cpuregs_get_entry(const struct fadump_cpuregs *rs, unsigned int idx,
			     unsigned int entry, struct fadump_reg_entry *out);

/*
 * powernv: the kernel's metadata (struct opal_fadump_mem_struct,
 * opal-fadump.h) that the OPAL KERNEL tag points to, in the last page of
 * the reservation: {u8 version 1, 3 reserved, u16 region_cnt, u16
 * registered_regions, u64 fadumphdr_addr, {src, dest, size}[128]}, 3088
 * bytes. 5.5 - 5.18 wrote every field, the regions included, in the
 * kernel's own byte order; since "powerpc/fadump: Fix fadump to work
 * with a different endian capture kernel" (5.19, also in 5.10.y and
 * 5.15.y stable) all are big-endian.
 */
struct fadump_opal_fdm;

/* Regions in the OPAL metadata: FADUMP_MAX_MEM_REGS. */
#define FADUMP_OPAL_MAX_REGIONS 128

/**
 * fadump_opal_fdm_parse - decode OPAL kernel metadata
 * @order: BIG (5.19+, or a big-endian kernel), LITTLE (a little-endian
 *         5.5 - 5.18 kernel) or AUTO: the order in which region_cnt is at
 *         most 128 (a count n in 1..128 read the other way round is
 *         n * 256)
 *
 * @len must cover the 16-byte header and region_cnt regions; more bytes
 * (the whole 3088-byte struct) are fine.
 *
 * Returns 0; -EPROTONOSUPPORT for a version other than 1; -EBADMSG for
 * region_cnt above 128 (in both orders, under AUTO), registered_regions
 * above region_cnt, a buffer too short for the regions, regions out of
 * address order or overflowing; -EINVAL, -ENOMEM. Since: 0.1
 */
int fadump_opal_fdm_parse(struct fadump_ctx *ctx, const void *buf, size_t len,
			  enum fadump_byte_order order,
			  struct fadump_opal_fdm **fdmp);

struct fadump_opal_fdm *fadump_opal_fdm_ref(struct fadump_opal_fdm *fdm);
struct fadump_opal_fdm *fadump_opal_fdm_unref(struct fadump_opal_fdm *fdm);

struct fadump_opal_fdm_info {
	size_t size;			/* set by the caller */
	uint8_t version;
	uint16_t region_cnt;
	uint16_t registered_regions;	/* regions registered for MPIPL */
	uint64_t crashinfo_addr;	/* fadumphdr_addr, as stored */
	enum fadump_byte_order byte_order;
	uint64_t boot_memory_size;	/* sum of the region sizes */
	uint64_t boot_mem_top;		/* ... plus holes (opal_fadump_get_config()) */
	enum fadump_dump_verdict verdict;
};

#define FADUMP_OPAL_FDM_INFO_SIZE_V1 \
	(offsetof(struct fadump_opal_fdm_info, verdict) + sizeof(enum fadump_dump_verdict))

/** fadump_opal_fdm_get_info - header fields, derived values, verdict. Since: 0.1 */
int fadump_opal_fdm_get_info(const struct fadump_opal_fdm *fdm,
			     struct fadump_opal_fdm_info *out);

struct fadump_opal_region {
	size_t size;			/* set by the caller */
	uint64_t source;
	uint64_t destination;
	uint64_t length;
	bool preserved;			/* index below registered_regions */
};

#define FADUMP_OPAL_REGION_SIZE_V1 \
	(offsetof(struct fadump_opal_region, preserved) + sizeof(bool))

/** fadump_opal_fdm_get_region - region @idx below region_cnt. -ERANGE, -EINVAL. Since: 0.1 */
int fadump_opal_fdm_get_region(const struct fadump_opal_fdm *fdm,
			       unsigned int idx, struct fadump_opal_region *out);

/** fadump_opal_fdm_problem - reason @idx the dump is not complete, NULL past the last. Since: 0.1 */
const char *fadump_opal_fdm_problem(const struct fadump_opal_fdm *fdm,
				    unsigned int idx);

/*
 * powernv: the firmware's CPU metadata (struct opal_mpipl_fadump,
 * opal-api.h) the OPAL CPU tag points to. Big-endian, packed: {u8 version
 * 1, 7 reserved, be32 crashing_pir, cpu_data_version, cpu_data_size,
 * region_cnt, {be64 src, dest, size}[region_cnt]}. Region 0 holds the
 * HDAT thread data for fadump_cpuregs_parse_hdat().
 */
struct fadump_opal_cpu_meta {
	size_t size;			/* set by the caller */
	uint8_t version;
	uint32_t crashing_pir;
	uint32_t cpu_data_version;	/* HDAT format, 1 */
	uint32_t cpu_data_size;		/* bytes per thread */
	uint32_t region_cnt;
	uint64_t cpu_data_addr;		/* region 0 destination */
	uint64_t cpu_data_len;		/* region 0 size */
};

#define FADUMP_OPAL_CPU_META_SIZE_V1 \
	(offsetof(struct fadump_opal_cpu_meta, cpu_data_len) + sizeof(uint64_t))

/**
 * fadump_opal_cpu_meta_parse - decode the OPAL CPU metadata into @out
 *
 * Returns 0; -EPROTONOSUPPORT for a version other than 1; -EBADMSG for a
 * buffer shorter than the header and its regions, no region, or a CPU
 * region the kernel would refuse (is_opal_fadump_cpu_data_valid(): zero
 * address, zero cpu_data_size, cpu_data_size larger than the region);
 * -E2BIG for more than 128 regions; -EINVAL. Since: 0.1
 */
int fadump_opal_cpu_meta_parse(struct fadump_ctx *ctx, const void *buf,
			       size_t len, struct fadump_opal_cpu_meta *out);

/*
 * The crash-info header (struct fadump_crash_info_header) the crashed
 * kernel wrote right after the boot-memory copy, in its own byte order
 * (reference: fadump-internal.h of each version):
 *   3.4 - 6.9  "FADMPINF": u64 magic, u64 elfcorehdr_addr, u32
 *              crashing_cpu, 4 bytes padding, struct pt_regs at 0x18,
 *              then a struct cpumask. Nothing gives the size of either;
 *              sizeof(struct pt_regs) was 352 (3.x), 368 and 384 bytes
 *              over the years, cpumask is NR_CPUS / 8.
 *   6.10+      "FADMPSIG", version 1: u64 magic, u32 version, u32
 *              crashing_cpu, u64 vmcoreinfo_raddr, u64 vmcoreinfo_size,
 *              u32 pt_regs_sz, u32 cpu_mask_sz, pt_regs at 0x28, cpumask.
 * The first 44 doublewords of every pt_regs are the same registers, so
 * they are always decoded; the cpumask of a FADMPINF header is found only
 * with a hint (below).
 */
enum fadump_crashinfo_layout {
	FADUMP_CRASHINFO_FADMPINF = 1,	/* 3.4 - 6.9, no version field */
	FADUMP_CRASHINFO_FADMPSIG = 2,	/* 6.10+, versioned */
};

#define FADUMP_CRASHINFO_MAGIC_OLD	0x4641444d50494e46ULL	/* "FADMPINF" */
#define FADUMP_CRASHINFO_MAGIC		0x4641444d50534947ULL	/* "FADMPSIG" */
#define FADUMP_CRASHINFO_VERSION	1	/* highest FADMPSIG version decoded */
#define FADUMP_CRASHINFO_CPU_UNKNOWN	0xffffffffU	/* no crash recorded */

/*
 * What the caller may know about where the bytes came from. Only needed
 * to find a FADMPINF header's cpumask.
 */
struct fadump_crashinfo_hint {
	size_t size;			/* set by the caller */
	/*
	 * Physical address the header was read from (fadumphdr_addr), 0
	 * if unknown. A FADMPINF header's elfcorehdr_addr is this address
	 * plus the header's size (init_fadump_header() in 3.4 - 6.9), which
	 * gives sizeof(pt_regs) + sizeof(cpumask); the split is taken when
	 * exactly one known pt_regs size leaves a power-of-two cpumask.
	 */
	uint64_t phys_addr;
	/* sizeof(struct pt_regs) of the crashed kernel, 0 if unknown. */
	uint32_t pt_regs_size;
};

#define FADUMP_CRASHINFO_HINT_SIZE_V1 \
	(offsetof(struct fadump_crashinfo_hint, pt_regs_size) + sizeof(uint32_t))

struct fadump_crashinfo;

/**
 * fadump_crashinfo_parse - decode a crash-info header from any buffer
 * @buf: at least the header (copied); longer buffers are fine
 * @hint: what the caller knows, see struct fadump_crashinfo_hint; may be NULL
 *
 * The byte order is the one in which the magic reads as FADMPINF or
 * FADMPSIG (the bytes of a little-endian kernel's header read "FNIPMDAF").
 *
 * Returns 0; -EBADMSG for a buffer too short for what the header
 * announces, an unknown magic, pt_regs_sz or cpu_mask_sz not a multiple
 * of 8 or outside [352, 4096] and [8, 8192] bytes (no allocation follows
 * from them), a hint's pt_regs_size likewise; -EPROTONOSUPPORT for a
 * FADMPSIG version above FADUMP_CRASHINFO_VERSION: the message gives the
 * version, the byte order and the bytes given, and nothing else is
 * decoded, as the layout of a later version is not known; -EINVAL,
 * -ENOMEM. Since: 0.1
 */
int fadump_crashinfo_parse(struct fadump_ctx *ctx, const void *buf, size_t len,
			   const struct fadump_crashinfo_hint *hint,
			   struct fadump_crashinfo **cip);

struct fadump_crashinfo *fadump_crashinfo_ref(struct fadump_crashinfo *ci);
struct fadump_crashinfo *fadump_crashinfo_unref(struct fadump_crashinfo *ci);

struct fadump_crashinfo_info {
	size_t size;			/* set by the caller */
	enum fadump_crashinfo_layout layout;
	uint32_t version;		/* FADMPSIG: the field; FADMPINF: 0 */
	enum fadump_byte_order byte_order;
	uint32_t crashing_cpu;		/* pseries: logical CPU; powernv: PIR;
					 * FADUMP_CRASHINFO_CPU_UNKNOWN */
	uint64_t elfcorehdr_addr;	/* FADMPINF only */
	uint64_t vmcoreinfo_addr;	/* FADMPSIG only: vmcoreinfo_raddr */
	uint64_t vmcoreinfo_size;	/* FADMPSIG only */
	uint32_t pt_regs_size;		/* 0 if unknown (FADMPINF without hint) */
	uint32_t cpu_mask_size;		/* 0 if unknown */
	size_t header_size;		/* bytes of the header, 0 if unknown */
};

#define FADUMP_CRASHINFO_INFO_SIZE_V1 \
	(offsetof(struct fadump_crashinfo_info, header_size) + sizeof(size_t))

/** fadump_crashinfo_get_info - the decoded fields. -EINVAL for a short out->size. Since: 0.1 */
int fadump_crashinfo_get_info(const struct fadump_crashinfo *ci,
			      struct fadump_crashinfo_info *out);

/**
 * fadump_crashinfo_get_regs - the crashing CPU's registers as saved by
 * the crashed kernel (crash_fadump()); all zero if it did not crash
 * through the kernel. Since: 0.1
 */
int fadump_crashinfo_get_regs(const struct fadump_crashinfo *ci,
			      struct fadump_ppc64_regs *out);

/**
 * fadump_crashinfo_cpu_in_mask - is @cpu set in the header's cpumask
 *
 * 6.10+ writes the possible CPUs at registration and the online ones at
 * the crash; the kernel emits notes only for CPUs in it. Returns 1 or 0,
 * -ENODATA if the mask could not be located (FADMPINF without a usable
 * hint), -ERANGE for @cpu beyond the mask. Since: 0.1
 */
int fadump_crashinfo_cpu_in_mask(const struct fadump_crashinfo *ci,
				 unsigned int cpu);

/**
 * fadump_crashinfo_raw - the header's bytes (header_size, or all given if unknown)
 * @data, @len: receive the bytes, owned by @ci, and their count; either may be NULL
 *
 * Since: 0.1
 */
int fadump_crashinfo_raw(const struct fadump_crashinfo *ci, const void **data,
			 size_t *len);

/*
 * Reading the structures in the capture boot. The crash-info header and
 * the register save area lie in the reserved dump area, which /proc/vmcore
 * leaves out; they are read from the running kernel's memory through
 * <root>/proc/kcore (CONFIG_PROC_KCORE; needs root: CAP_SYS_RAWIO), at the
 * physical addresses fadump_papr_dump_get_summary() derives as the kernel
 * does (pseries).
 */

/**
 * fadump_kcore_read - read physical memory of the running kernel
 *
 * Through <root>/proc/kcore: the PT_LOAD whose p_paddr covers @paddr, or
 * on ppc64 the one whose p_vaddr is its linear-map address. Returns 0,
 * -ENOENT (no kcore), -EACCES / -EPERM, -EBADMSG for a file that is not
 * an ELF64 core, -E2BIG for more program headers than 65536, -ENXIO for
 * an address in no PT_LOAD (the message names it), -EIO, -ENOMEM.
 * Since: 0.2
 */
int fadump_kcore_read(struct fadump_ctx *ctx, uint64_t paddr, void *buf,
		      size_t len);

/**
 * fadump_crashinfo_read - the crash-info header of the waiting dump
 * @pd: the dump structure (fadump_papr_dump_from_devtree())
 *
 * Since 0.3, when the kernel exports the header as it found it at boot
 * (/sys/kernel/fadump/crash_info, this project's kernel/patches/0004),
 * decodes that file. Otherwise reads the header at the summary's
 * crashinfo_addr through /proc/kcore (as much as a 6.10+ header says it
 * has, at most 16 KiB). Either way the address is the decoding hint.
 * Returns 0, -ENOENT if @pd gives no header address (and there is no
 * crash_info file), the errors of fadump_kcore_read(), of reading the
 * file and of fadump_crashinfo_parse(). Since: 0.2
 */
int fadump_crashinfo_read(struct fadump_ctx *ctx,
			  const struct fadump_papr_dump *pd,
			  struct fadump_crashinfo **cip);

/**
 * fadump_cpuregs_read - the firmware's register save area of the waiting dump
 * @pd: the dump structure
 *
 * Reads the CPU state section's destination (cpu_state_len bytes, at most
 * 16 MiB) and decodes it as fadump_cpuregs_parse_rtas() does. Returns 0,
 * -ENOENT if @pd has no CPU state section, -EBADMSG for an impossible
 * length, the errors of fadump_kcore_read() and the parser. Since: 0.2
 */
int fadump_cpuregs_read(struct fadump_ctx *ctx,
			const struct fadump_papr_dump *pd,
			struct fadump_cpuregs **rsp);

/**
 * fadump_opal_fdm_read - the OPAL kernel metadata of the waiting dump
 * @fdmp: receives the decoded metadata (fadump_opal_fdm_unref() it)
 * @addrp: receives its physical address; may be NULL
 *
 * PowerNV capture boot. The crashed kernel put its struct
 * opal_fadump_mem_struct in the last page of its reservation, whose boot
 * memory copy starts it: the reservation is [the first boot-memory
 * region's destination in the region report, + mem_reserved). The struct
 * is read through /proc/kcore at the end of it for 64 KiB and 4 KiB pages
 * and taken only if its regions are those of the kernel's region report.
 * Returns 0, -EOPNOTSUPP (not powernv), -ENOENT (no region report, no
 * boot-memory region in it, no mem_reserved, or no such struct there: the
 * message says where it looked), the errors of fadump_kcore_read() and
 * fadump_regions_read(). Since: 0.5
 */
int fadump_opal_fdm_read(struct fadump_ctx *ctx, struct fadump_opal_fdm **fdmp,
			 uint64_t *addrp);

/**
 * fadump_opal_crashinfo_read - the crash-info header of a PowerNV dump
 * @fdm: the OPAL kernel metadata (fadump_opal_fdm_read())
 *
 * As fadump_crashinfo_read(), at the metadata's fadumphdr_addr (as the
 * kernel takes it, opal_fadump_get_config()). Returns 0, -EINVAL for a
 * NULL @fdm, -ENOENT if fadumphdr_addr is 0 (and there is no crash_info
 * file), the errors of fadump_kcore_read() and fadump_crashinfo_parse().
 * Since: 0.5
 */
int fadump_opal_crashinfo_read(struct fadump_ctx *ctx,
			       const struct fadump_opal_fdm *fdm,
			       struct fadump_crashinfo **cip);

#ifdef __cplusplus
}
#endif

#endif /* FADUMP_H */
