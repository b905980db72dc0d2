/* Byte order and padding for the xUA codecs (sg/sigtran/xua_codec.c and its dialects). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <osmocom/core/utils.h>

static inline uint16_t ld16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t ld32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void st16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void st32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

static inline size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* get_value_string() formats unknown values into a static buffer, which is
 * not thread safe: unknown values get a constant name. */
static inline const char *sg_xua_vs_name(const struct value_string *vs, uint32_t v)
{
	const char *s = get_value_string_or_null(vs, v);

	return s ? s : "unknown";
}
