/* MTP3 codec internals shared by mtp3_label.c, mtp3_snm.c and mtp3_sltm.c (Q.704 §14.1). */
#pragma once

#include <stdint.h>
#include <sg/mtp3.h>

/* Q.704 §14.1: fields are sent least significant octet first. */
static inline uint32_t mtp3_get_le(const uint8_t *p, unsigned int n)
{
	uint32_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

static inline void mtp3_put_le(uint8_t *p, uint32_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++, v >>= 8)
		p[i] = v & 0xff;
}

/* Width of a point code in octets as carried in SNM messages (ITU: 14 bits in 2 octets). */
static inline unsigned int mtp3_pc_octets(enum sg_pc_variant v)
{
	return (v == SG_PC_ANSI || v == SG_PC_CHINA) ? 3 : 2;
}

static inline uint32_t mtp3_pc_mask(enum sg_pc_variant v)
{
	switch (v) {
	case SG_PC_ITU:
		return 0x3fff;
	case SG_PC_ANSI:
	case SG_PC_CHINA:
		return 0xffffff;
	case SG_PC_TTC:
		return 0xffff;
	}
	return 0;
}

/* Does the variant carry the SLC inside link-oriented messages (ANSI) rather than in the
 * label's SLS field (ITU, China)? */
static inline bool mtp3_slc_in_msg(enum sg_pc_variant v)
{
	return v == SG_PC_ANSI;
}
