/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading fixed-width fields out of untrusted byte buffers.
 *
 * Firmware structures are big-endian, the crashed kernel's own ones are
 * in whatever order it ran in, and none of them is aligned for the host
 * (QEMU's register save area starts its entries at offset 20). So every
 * field is memcpy()ed out and converted; nothing is ever cast in place.
 * Callers check bounds first: these helpers trust @p, a pointer into
 * the buffer of whatever byte type it has. Every such field the library
 * reads goes through them.
 */
#ifndef FADUMP_BYTEORDER_H
#define FADUMP_BYTEORDER_H

#include <endian.h>
#include <stdint.h>
#include <string.h>

#include "fadump.h"

static inline uint16_t get_be16(const void *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return be16toh(v);
}

static inline uint32_t get_be32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return be32toh(v);
}

static inline uint64_t get_be64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return be64toh(v);
}

/* @order is BIG or LITTLE; anything else reads big-endian. */
static inline uint16_t get_u16(const void *p,
			       enum fadump_byte_order order)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return order == FADUMP_BYTE_ORDER_LITTLE ? le16toh(v) : be16toh(v);
}

static inline uint32_t get_u32(const void *p,
			       enum fadump_byte_order order)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return order == FADUMP_BYTE_ORDER_LITTLE ? le32toh(v) : be32toh(v);
}

static inline uint64_t get_u64(const void *p,
			       enum fadump_byte_order order)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return order == FADUMP_BYTE_ORDER_LITTLE ? le64toh(v) : be64toh(v);
}

/* Stores in @order, for the writers of dump files. */
static inline void put_u16(void *p, uint16_t v, enum fadump_byte_order order)
{
	v = order == FADUMP_BYTE_ORDER_LITTLE ? htole16(v) : htobe16(v);
	memcpy(p, &v, sizeof(v));
}

static inline void put_u32(void *p, uint32_t v, enum fadump_byte_order order)
{
	v = order == FADUMP_BYTE_ORDER_LITTLE ? htole32(v) : htobe32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void put_u64(void *p, uint64_t v, enum fadump_byte_order order)
{
	v = order == FADUMP_BYTE_ORDER_LITTLE ? htole64(v) : htobe64(v);
	memcpy(p, &v, sizeof(v));
}

/*
 * The kernel's fadump_str_to_u64(): up to 8 ASCII characters packed
 * first-character-highest, zero-padded on the right. "REGSAVE" is
 * 0x5245475341564500.
 */
static inline uint64_t fadump_str_to_u64(const char *str)
{
	uint64_t val = 0;

	for (size_t i = 0; i < sizeof(val); i++)
		val = *str ? (val << 8) | (unsigned char)*str++ : val << 8;
	return val;
}

#endif /* FADUMP_BYTEORDER_H */
