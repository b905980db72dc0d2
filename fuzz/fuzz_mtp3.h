/* The input of the MTP3 fuzz targets: byte 0 selects the format (bits 1-0: enum
 * sg_pc_variant, bit 2: 5-bit SLS option), the rest is an MSU from its SIO on. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sg/mtp3.h>

#include "fuzz.h"
#include "tests/unit/mtp3_eq.h"

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
