/* The input of the MTP3 fuzz targets: byte 0 selects the format (bits 1-0: enum
 * sg_pc_variant, bit 2: 5-bit SLS option), the rest is an MSU from its SIO on. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <sg/mtp3.h>

#include "fuzz.h"
#include "tests/unit/mtp3_eq.h"

/* A decoder's result rc for n octets of which a whole value needs need: true when decoded;
 * false when short, which must have been said (SG_MTP3_ERR_SHORT); any other outcome aborts. */
static inline bool fz_mtp3_decoded(int rc, size_t n, size_t need)
{
	if (n < need) {
		if (rc != SG_MTP3_ERR_SHORT)
			abort();
		return false;
	}
	if (rc != SG_MTP3_OK)
		abort();
	return true;
}

/* Take the format octet off the front of the input; false when there is none. */
static inline bool fz_mtp3_fmt(struct sg_mtp3_fmt *f, const uint8_t **data, size_t *size)
{
	if (*size < 1)
		return false;
	f->variant = (enum sg_pc_variant)(**data & 3);
	f->sls5 = **data & 4;
	(*data)++;
	(*size)--;
	return true;
}

/* The body of an MTP3 target: check(format, rest) for an input with a format octet. */
typedef void fz_mtp3_check(const struct sg_mtp3_fmt *f, const uint8_t *d, size_t n);
static inline int fz_mtp3_input(const uint8_t *data, size_t size, fz_mtp3_check *check)
{
	struct sg_mtp3_fmt f;

	if (fz_mtp3_fmt(&f, &data, &size))
		check(&f, data, size);
	return 0;
}
