/* libFuzzer target: MTP3 SNM (Q.704 §15, T1.111.4 §15) and SLTM/SLTA (Q.707 §2) decoders. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sg/mtp3.h>

#include "fuzz_mtp3.h"

/*
 * Input: byte 0 selects the format (bits 1-0: enum sg_pc_variant, bit 2: 5-bit SLS option);
 * the rest is an MSU from its SIO on.  It is decoded as a whole SNM MSU and as a whole test
 * MSU, and the part after the label as an SNM and as a test message.  Whatever decodes must
 * encode again and decode to the same values; anything else must be a defined error.
 */

static void check_rc(int rc)
{
	if (rc < SG_MTP3_OK || rc > SG_MTP3_ERR_LI)
		abort();
}

static void check_snm_msu(const struct sg_mtp3_fmt *f, const uint8_t *d, size_t n)
{
	struct sg_mtp3_hdr h, h2;
	struct sg_mtp3_snm m, m2;
	uint8_t buf[64];
	size_t len;
	int rc;

	rc = sg_mtp3_snm_msu_decode(&h, &m, f, d, n);
	check_rc(rc);
	if (rc != SG_MTP3_OK)
		return;
	if (n < sg_mtp3_hdr_len(f->variant) + 1 || !sg_mtp3_snm_valid(f, m.heading))
		abort();
	len = sg_mtp3_snm_msu_encode(buf, sizeof(buf), f, &h, &m);
	if (!len || len > n)
		abort();
	if (sg_mtp3_snm_msu_decode(&h2, &m2, f, buf, len) != SG_MTP3_OK)
		abort();
	if (!hdr_eq(&h, &h2) || !snm_eq(&m, &m2))
		abort();
	if (sg_mtp3_snm_msu_encode(buf, len - 1, f, &h, &m) != 0)
		abort();
}

static void check_slt_msu(const struct sg_mtp3_fmt *f, const uint8_t *d, size_t n)
{
	struct sg_mtp3_hdr h, h2;
	struct sg_mtp3_slt m, m2;
	uint8_t buf[64];
	size_t len;
	int rc;

	rc = sg_mtp3_slt_msu_decode(&h, &m, f, d, n);
	check_rc(rc);
	if (rc != SG_MTP3_OK)
		return;
	if (m.len > SG_MTP3_SLT_PATTERN_MAX)
		abort();
	len = sg_mtp3_slt_msu_encode(buf, sizeof(buf), f, &h, &m);
	if (!len || len > n)
		abort();
	if (sg_mtp3_slt_msu_decode(&h2, &m2, f, buf, len) != SG_MTP3_OK)
		abort();
	if (!hdr_eq(&h, &h2) || !slt_eq(&m, &m2))
		abort();
}

static void check_bodies(const struct sg_mtp3_fmt *f, const uint8_t *d, size_t n)
{
	struct sg_mtp3_label l = { .sls = 5 };
	struct sg_mtp3_snm m, m2;
	struct sg_mtp3_slt s, s2;
	uint8_t buf[64];
	size_t len;
	int rc;

	rc = sg_mtp3_snm_decode(&m, f, &l, d, n);
	check_rc(rc);
	if (rc == SG_MTP3_OK) {
		len = sg_mtp3_snm_encode(buf, sizeof(buf), f, &m);
		if (!len || len > n || buf[0] != d[0])
			abort();
		if (sg_mtp3_snm_decode(&m2, f, &l, buf, len) != SG_MTP3_OK || !snm_eq(&m, &m2))
			abort();
	}
	rc = sg_mtp3_slt_decode(&s, f, &l, d, n);
	check_rc(rc);
	if (rc == SG_MTP3_OK) {
		len = sg_mtp3_slt_encode(buf, sizeof(buf), f, &s);
		if (len != 2U + s.len || len > n || buf[0] != d[0])
			abort();
		if (sg_mtp3_slt_decode(&s2, f, &l, buf, len) != SG_MTP3_OK || !slt_eq(&s, &s2))
			abort();
	}
}

/* the MSU as a whole SNM and a whole test MSU; what follows its label as either body */
static void check_msu(const struct sg_mtp3_fmt *f, const uint8_t *d, size_t n)
{
	size_t hl = sg_mtp3_hdr_len(f->variant);

	check_snm_msu(f, d, n);
	check_slt_msu(f, d, n);
	if (n > hl)
		check_bodies(f, d + hl, n - hl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_mtp3_input(data, size, check_msu);
}
