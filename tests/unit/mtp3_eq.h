/* Field-by-field equality of decoded MTP3 values (routing label, SIO + label, SNM, SLTM/SLTA),
 * for round-trip checks: tests/unit/test_mtp3_codec.c and the MTP3 fuzz targets. */
#pragma once

#include <stdbool.h>
#include <string.h>

#include <sg/mtp3.h>

static inline bool label_eq(const struct sg_mtp3_label *a, const struct sg_mtp3_label *b)
{
	return a->dpc == b->dpc && a->opc == b->opc && a->sls == b->sls;
}

static inline bool hdr_eq(const struct sg_mtp3_hdr *a, const struct sg_mtp3_hdr *b)
{
	return a->si == b->si && a->ni == b->ni && a->prio == b->prio &&
	       label_eq(&a->label, &b->label);
}

static inline bool snm_eq(const struct sg_mtp3_snm *a, const struct sg_mtp3_snm *b)
{
	return a->heading == b->heading && a->slc == b->slc && a->fsn == b->fsn &&
	       a->cbc == b->cbc && a->dest == b->dest && a->cong_status == b->cong_status &&
	       a->sdli == b->sdli && a->upu_user == b->upu_user && a->upu_cause == b->upu_cause;
}

static inline bool slt_eq(const struct sg_mtp3_slt *a, const struct sg_mtp3_slt *b)
{
	return a->heading == b->heading && a->slc == b->slc && a->len == b->len &&
	       !memcmp(a->pattern, b->pattern, a->len);
}
