// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the firmware offers for fadump, as the device tree tells it.
 *
 * The kernel decides at early boot from the flattened tree
 * (early_init_dt_scan_fw_dump() in arch/powerpc/kernel/fadump.c, then
 * rtas_fadump_dt_scan() or opal_fadump_dt_scan()). This file repeats
 * those tests on the copy userspace sees, with the same properties and
 * the same rules, so that "firmware support" here means what the kernel's
 * fadump_supported means, and a machine the kernel would refuse is
 * refused here too.
 *
 * The object is plain data once read: it copies the few properties it
 * knows and keeps no reference to the context (its accessors cannot fail
 * in ways that need a message), so it may outlive the context.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "byteorder.h"
#include "devtree.h"

/*
 * Root-node properties the platform test needs. They are read like the
 * public ones but not exposed: they sit after FADUMP_DT_PROP_COUNT.
 */
enum {
	DT_ROOT_COMPATIBLE = FADUMP_DT_PROP_COUNT,
	DT_ROOT_DEVICE_TYPE,
	DT_PROP_ALL
};

/* What a property's bytes must look like to be used at all. */
enum dt_shape {
	DT_ANY,		/* presence is what counts, or nobody reads it */
	DT_CELL,	/* exactly one big-endian u32 */
	DT_DUMP_SIZES,	/* {type, size_hi, size_lo} u32 triples */
	DT_DUMP_STRUCT,	/* rtas_fadump_mem_struct: at least its header */
	DT_STRINGS,	/* NUL-terminated string list */
	DT_LOAD_AREAS,	/* {2-cell base, 2-cell size} ranges */
};

static const struct dt_prop_desc {
	const char *path;
	enum dt_shape shape;
} dt_props[DT_PROP_ALL] = {
	[FADUMP_DT_CONFIGURE_KERNEL_DUMP] = {
		"/rtas/ibm,configure-kernel-dump", DT_CELL },
	[FADUMP_DT_CONFIGURE_KERNEL_DUMP_SIZES] = {
		"/rtas/ibm,configure-kernel-dump-sizes", DT_DUMP_SIZES },
	/*
	 * No Linux version reads -version, and QEMU writes it as two
	 * host-endian u16s, so no layout can be required of it.
	 */
	[FADUMP_DT_CONFIGURE_KERNEL_DUMP_VERSION] = {
		"/rtas/ibm,configure-kernel-dump-version", DT_ANY },
	[FADUMP_DT_KERNEL_DUMP] = {
		"/rtas/ibm,kernel-dump", DT_DUMP_STRUCT },
	[FADUMP_DT_OPAL_DUMP_COMPATIBLE] = {
		"/ibm,opal/dump/compatible", DT_STRINGS },
	/* skiboot adds it empty: only its presence means anything. */
	[FADUMP_DT_OPAL_MPIPL_BOOT] = {
		"/ibm,opal/dump/mpipl-boot", DT_ANY },
	[FADUMP_DT_OPAL_FW_LOAD_AREA] = {
		"/ibm,opal/dump/fw-load-area", DT_LOAD_AREAS },
	[DT_ROOT_COMPATIBLE] = { "/compatible", DT_STRINGS },
	[DT_ROOT_DEVICE_TYPE] = { "/device_type", DT_STRINGS },
};

/* One ibm,configure-kernel-dump-sizes entry: three cells. */
#define DT_DUMP_SIZE_ENTRY 12
/* struct rtas_fadump_section_header, the fixed start of ibm,kernel-dump. */
#define DT_DUMP_HEADER_LEN 40
/* One fw-load-area range: 2-cell base and 2-cell size. */
#define DT_LOAD_AREA_ENTRY 16
/*
 * OPAL_FADUMP_MIN_BOOT_MEM in opal-fadump.h: firmware that loads itself
 * above 768 MB would overwrite memory fadump needs, so the kernel refuses
 * it.
 */
#define OPAL_FADUMP_MIN_BOOT_MEM 0x30000000ULL

struct dt_prop {
	bool present;
	char *data;	/* len bytes, then a NUL not counted in len */
	size_t len;
};

struct fadump_devtree {
	int refcount;
	enum fadump_dt_source source;	/* AUTO when there was no tree at all */
	enum fadump_platform platform;
	bool firmware_support;
	bool dump_present;
	struct dt_prop props[DT_PROP_ALL];
};

/* Refuse bytes that cannot be what firmware writes there. */
static int dt_check_shape(struct dt_loader *l, const struct dt_prop_desc *d,
			  const char *data, size_t len)
{
	switch (d->shape) {
	case DT_ANY:
		return 0;
	case DT_CELL:
		if (len != 4)
			return fadump_fail(l->ctx, -EBADMSG,
					   "%s%s: %zu bytes, expected 4 (one big-endian cell)",
					   l->origin, d->path, len);
		return 0;
	case DT_DUMP_SIZES:
		if (len % DT_DUMP_SIZE_ENTRY)
			return fadump_fail(l->ctx, -EBADMSG,
					   "%s%s: %zu bytes, not a multiple of %d ({type, size_hi, size_lo} cells)",
					   l->origin, d->path, len,
					   DT_DUMP_SIZE_ENTRY);
		/*
		 * The kernel reads the type as a full cell but matches it
		 * against the 16-bit source_data_type of the section it
		 * registers; a wider value names no section.
		 */
		for (size_t i = 0; i < len / DT_DUMP_SIZE_ENTRY; i++) {
			uint32_t type = get_be32(data + i * DT_DUMP_SIZE_ENTRY);

			if (type > 0xffff)
				return fadump_fail(l->ctx, -EBADMSG,
						   "%s%s: entry %zu has type 0x%08x, wider than a 16-bit section type",
						   l->origin, d->path, i, type);
		}
		return 0;
	case DT_DUMP_STRUCT:
		/* Sections are parsed later; the header must be whole now. */
		if (len < DT_DUMP_HEADER_LEN)
			return fadump_fail(l->ctx, -EBADMSG,
					   "%s%s: %zu bytes, shorter than the %d-byte dump header",
					   l->origin, d->path, len,
					   DT_DUMP_HEADER_LEN);
		return 0;
	case DT_STRINGS:
		/* The kernel strcmp()s these: the last byte must end a string. */
		if (len == 0 || data[len - 1] != '\0')
			return fadump_fail(l->ctx, -EBADMSG,
					   "%s%s: %zu bytes, not a NUL-terminated string",
					   l->origin, d->path, len);
		return 0;
	case DT_LOAD_AREAS:
		/*
		 * The kernel ignores a partial trailing range; a range cut
		 * short means the property is not what skiboot writes.
		 */
		if (len % DT_LOAD_AREA_ENTRY)
			return fadump_fail(l->ctx, -EBADMSG,
					   "%s%s: %zu bytes, not a multiple of %d ({2-cell base, 2-cell size} ranges)",
					   l->origin, d->path, len,
					   DT_LOAD_AREA_ENTRY);
		return 0;
	}
	return fadump_fail(l->ctx, -EINVAL, "%s%s: no shape", l->origin,
			   d->path);
}

/* For debug messages; fadump_platform_name() is status.c's. */
static const char *const dt_platform_names[] = {
	[FADUMP_PLATFORM_NONE] = "none",
	[FADUMP_PLATFORM_PSERIES] = "pseries",
	[FADUMP_PLATFORM_POWERNV] = "powernv",
};

/* of_device_is_compatible(): case-insensitive, any entry of the list. */
static bool dt_is_compatible(const struct dt_prop *p, const char *compat)
{
	const char *s, *end;

	if (!p->present)
		return false;
	/* The shape check guarantees the last string is terminated. */
	for (s = p->data, end = p->data + p->len; s < end; s += strlen(s) + 1)
		if (strcasecmp(s, compat) == 0)
			return true;
	return false;
}

/*
 * The machine probes, in the order the kernel runs them (powernv/ is
 * linked before pseries/ in arch/powerpc/platforms/Makefile):
 *  - pnv_probe(): root compatible "ibm,powernv";
 *  - pSeries_probe(): root device_type "chrp", except Cell blades, whose
 *    firmware claims chrp too ("IBM,CPBW-1.0", "IBM,CBEA").
 * QEMU pseries is compatible "qemu,pseries" with device_type "chrp";
 * PowerVM LPARs are device_type "chrp" with "IBM,<model>" compatibles.
 */
static enum fadump_platform dt_platform(const struct fadump_devtree *dt)
{
	const struct dt_prop *compat = &dt->props[DT_ROOT_COMPATIBLE];
	const struct dt_prop *type = &dt->props[DT_ROOT_DEVICE_TYPE];

	if (dt_is_compatible(compat, "ibm,powernv"))
		return FADUMP_PLATFORM_POWERNV;
	/* of_node_is_type() is a strcmp() of the first string. */
	if (type->present && strcmp(type->data, "chrp") == 0 &&
	    !dt_is_compatible(compat, "IBM,CPBW-1.0") &&
	    !dt_is_compatible(compat, "IBM,CBEA"))
		return FADUMP_PLATFORM_PSERIES;
	return FADUMP_PLATFORM_NONE;
}

/*
 * opal_fadump_dt_scan() refuses fadump if any fw-load-area range ends
 * above 768 MB. base + size is summed in a u64 as the kernel does, wrap
 * included, so the answer is the kernel's even for a corrupt range.
 */
static bool dt_opal_load_areas_ok(struct fadump_ctx *ctx,
				  const struct dt_prop *p)
{
	if (!p->present)
		return true;
	for (size_t i = 0; i + DT_LOAD_AREA_ENTRY <= p->len;
	     i += DT_LOAD_AREA_ENTRY) {
		uint64_t base = get_be64(p->data + i);
		uint64_t end = base + get_be64(p->data + i + 8);

		if (end > OPAL_FADUMP_MIN_BOOT_MEM) {
			info(ctx, "OPAL fw-load-area 0x%llx-0x%llx ends above 768 MB: the kernel refuses fadump with this firmware",
			     (unsigned long long)base, (unsigned long long)end);
			return false;
		}
	}
	return true;
}

/*
 * early_init_dt_scan_fw_dump() hands /rtas to the RTAS back end and
 * /ibm,opal to the OPAL one whatever the platform probe said, so support
 * is decided from those nodes alone, as there:
 *  - RTAS: the ibm,configure-kernel-dump token exists;
 *  - OPAL: /ibm,opal/dump is compatible "ibm,opal-dump" and no
 *    fw-load-area range ends above 768 MB.
 */
static bool dt_firmware_support(struct fadump_ctx *ctx,
				const struct fadump_devtree *dt)
{
	const struct dt_prop *opal = &dt->props[FADUMP_DT_OPAL_DUMP_COMPATIBLE];

	if (dt->props[FADUMP_DT_CONFIGURE_KERNEL_DUMP].present)
		return true;
	if (!opal->present)
		return false;
	if (!dt_is_compatible(opal, "ibm,opal-dump")) {
		info(ctx, "/ibm,opal/dump is not compatible \"ibm,opal-dump\": the kernel does not support fadump with this firmware");
		return false;
	}
	return dt_opal_load_areas_ok(ctx, &dt->props[FADUMP_DT_OPAL_FW_LOAD_AREA]);
}

static struct fadump_devtree *dt_new(enum fadump_dt_source source)
{
	struct fadump_devtree *dt = calloc(1, sizeof(*dt));

	if (dt) {
		dt->refcount = 1;
		dt->source = source;
	}
	return dt;
}

static void dt_free(struct fadump_devtree *dt)
{
	for (size_t i = 0; i < DT_PROP_ALL; i++)
		free(dt->props[i].data);
	free(dt);
}

static int dt_load(struct dt_loader *l, struct fadump_devtree **dtp)
{
	struct fadump_devtree *dt = dt_new(l->source);
	int ret;

	if (!dt)
		return fadump_fail(l->ctx, -ENOMEM, "out of memory");

	for (size_t i = 0; i < DT_PROP_ALL; i++) {
		const struct dt_prop_desc *d = &dt_props[i];
		char *data;
		size_t len;

		ret = l->get(l, d->path, &data, &len);
		if (ret == -ENOENT)
			continue;
		if (ret < 0)
			goto fail;
		ret = dt_check_shape(l, d, data, len);
		if (ret < 0) {
			free(data);
			goto fail;
		}
		dt->props[i] = (struct dt_prop){ true, data, len };
	}

	dt->platform = dt_platform(dt);
	dt->firmware_support = dt_firmware_support(l->ctx, dt);
	dt->dump_present = dt->props[FADUMP_DT_KERNEL_DUMP].present ||
			   dt->props[FADUMP_DT_OPAL_MPIPL_BOOT].present;
	dbg(l->ctx, "%s platform %s, firmware support %s, dump %s",
	    l->origin, dt_platform_names[dt->platform],
	    dt->firmware_support ? "yes" : "no",
	    dt->dump_present ? "present" : "absent");
	*dtp = dt;
	return 0;

fail:
	dt_free(dt);
	return ret;
}

/* AUTO without any tree: a machine that is not POWER, which is an answer. */
static int dt_none(struct fadump_ctx *ctx, struct fadump_devtree **dtp)
{
	dbg(ctx, "no device tree: not a POWER machine");
	*dtp = dt_new(FADUMP_DT_SOURCE_AUTO);
	return *dtp ? 0 : fadump_fail(ctx, -ENOMEM, "out of memory");
}

static int dt_no_dir(struct fadump_ctx *ctx)
{
	char proc[PATH_MAX], sys[PATH_MAX];
	int ret;

	ret = fadump_path(ctx, proc, sizeof(proc), "/proc/device-tree");
	if (ret == 0)
		ret = fadump_path(ctx, sys, sizeof(sys),
				  "/sys/firmware/devicetree/base");
	if (ret < 0)
		return ret;
	return fadump_fail(ctx, -ENOENT,
			   "no device-tree directory: neither %s nor %s exists",
			   proc, sys);
}

/* What both public readers check first. */
static int dt_read_start(struct fadump_ctx *ctx, struct fadump_devtree **dtp)
{
	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!dtp)
		return fadump_fail(ctx, -EINVAL, "no place for the result");
	*dtp = NULL;
	return 0;
}

/* Load from the loader @ret says was opened, and close it either way. */
static int dt_read_finish(struct dt_loader *l, int ret,
			  struct fadump_devtree **dtp)
{
	if (ret == 0)
		ret = dt_load(l, dtp);
	dt_loader_close(l);
	return ret;
}

FADUMP_EXPORT int fadump_devtree_read(struct fadump_ctx *ctx,
				      enum fadump_dt_source source,
				      struct fadump_devtree **dtp)
{
	struct dt_loader l = { .ctx = ctx };
	int ret;

	ret = dt_read_start(ctx, dtp);
	if (ret < 0)
		return ret;

	switch (source) {
	case FADUMP_DT_SOURCE_AUTO:
		ret = dt_dir_open(ctx, &l);
		if (ret != -ENOENT)
			break;
		if (fadump_path_exists(ctx, "/sys/firmware/fdt") < 0)
			return dt_none(ctx, dtp);
		ret = dt_fdt_open_file(ctx, &l);
		break;
	case FADUMP_DT_SOURCE_DIR:
		ret = dt_dir_open(ctx, &l);
		if (ret == -ENOENT)
			ret = dt_no_dir(ctx);
		break;
	case FADUMP_DT_SOURCE_FDT:
		ret = dt_fdt_open_file(ctx, &l);
		break;
	default:
		return fadump_fail(ctx, -EINVAL, "unknown device-tree source %d",
				   (int)source);
	}
	return dt_read_finish(&l, ret, dtp);
}

FADUMP_EXPORT int fadump_devtree_from_fdt(struct fadump_ctx *ctx,
					  const void *blob, size_t len,
					  struct fadump_devtree **dtp)
{
	struct dt_loader l = { .ctx = ctx };
	int ret;

	ret = dt_read_start(ctx, dtp);
	if (ret < 0)
		return ret;
	if (!blob)
		return fadump_fail(ctx, -EINVAL, "no FDT blob");

	ret = dt_fdt_open_blob(ctx, &l, blob, len);
	return dt_read_finish(&l, ret, dtp);
}

FADUMP_EXPORT struct fadump_devtree *fadump_devtree_ref(struct fadump_devtree *dt)
{
	if (dt)
		dt->refcount++;
	return dt;
}

FADUMP_EXPORT struct fadump_devtree *fadump_devtree_unref(struct fadump_devtree *dt)
{
	if (dt && --dt->refcount == 0)
		dt_free(dt);
	return NULL;
}

FADUMP_EXPORT enum fadump_platform
fadump_devtree_get_platform(const struct fadump_devtree *dt)
{
	return dt ? dt->platform : FADUMP_PLATFORM_NONE;
}

FADUMP_EXPORT bool fadump_devtree_firmware_support(const struct fadump_devtree *dt)
{
	return dt && dt->firmware_support;
}

FADUMP_EXPORT bool fadump_devtree_dump_present(const struct fadump_devtree *dt)
{
	return dt && dt->dump_present;
}

FADUMP_EXPORT enum fadump_dt_source
fadump_devtree_source(const struct fadump_devtree *dt)
{
	return dt ? dt->source : FADUMP_DT_SOURCE_AUTO;
}

FADUMP_EXPORT const char *fadump_dt_prop_path(enum fadump_dt_prop prop)
{
	/* Compare as unsigned: a negative enum value is unknown too. */
	if ((unsigned int)prop >= FADUMP_DT_PROP_COUNT)
		return NULL;
	return dt_props[prop].path;
}

FADUMP_EXPORT int fadump_devtree_get_prop(const struct fadump_devtree *dt,
					  enum fadump_dt_prop prop,
					  const void **data, size_t *len)
{
	const struct dt_prop *p;

	if (!dt || (unsigned int)prop >= FADUMP_DT_PROP_COUNT)
		return -EINVAL;
	p = &dt->props[prop];
	if (!p->present)
		return -ENOENT;
	if (data)
		*data = p->data;
	if (len)
		*len = p->len;
	return 0;
}

FADUMP_EXPORT int fadump_devtree_rtas_token(const struct fadump_devtree *dt,
					    uint32_t *token)
{
	const struct dt_prop *p;

	if (!dt || !token)
		return -EINVAL;
	p = &dt->props[FADUMP_DT_CONFIGURE_KERNEL_DUMP];
	if (!p->present)
		return -ENOENT;
	*token = get_be32(p->data);	/* exactly 4 bytes: checked on read */
	return 0;
}

FADUMP_EXPORT int fadump_devtree_dump_sizes_count(const struct fadump_devtree *dt)
{
	if (!dt)
		return -EINVAL;
	/* At most DT_PROP_MAX / 12 entries: fits an int. */
	return (int)(dt->props[FADUMP_DT_CONFIGURE_KERNEL_DUMP_SIZES].len /
		     DT_DUMP_SIZE_ENTRY);
}

FADUMP_EXPORT int fadump_devtree_dump_size(const struct fadump_devtree *dt,
					   unsigned int idx, uint16_t *type,
					   uint64_t *bytes)
{
	const struct dt_prop *p;
	const char *entry;

	if (!dt)
		return -EINVAL;
	p = &dt->props[FADUMP_DT_CONFIGURE_KERNEL_DUMP_SIZES];
	if (idx >= p->len / DT_DUMP_SIZE_ENTRY)
		return -ERANGE;
	entry = p->data + (size_t)idx * DT_DUMP_SIZE_ENTRY;
	/* The type was checked to fit 16 bits when the tree was read. */
	if (type)
		*type = (uint16_t)get_be32(entry);
	/* of_read_ulong(&cells[1], 2): size_hi then size_lo. */
	if (bytes)
		*bytes = (uint64_t)get_be32(entry + 4) << 32 | get_be32(entry + 8);
	return 0;
}
