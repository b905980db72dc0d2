/* MTP3 signalling link test messages SLTM/SLTA, Q.707 §2.2 (ITU, China), T1.111.7 §2 (ANSI). */

#include <string.h>
#include <osmocom/core/utils.h>

#include <sg/mtp3.h>
#include "mtp3_codec_int.h"

/*
 * After the label (Q.707 Fig. 1; T1.111.7 Fig. 1):
 *   heading: H0 = 0001 test messages (bits 4-1), H1 = 0001 SLTM, 0010 SLTA (bits 8-5)
 *   one octet: bits 4-1 ITU/China spare (the SLC is the label's SLS), ANSI the SLC;
 *              bits 8-5 length indicator = number of test pattern octets, 0..15
 *   test pattern: that many octets
 * ITU sends them with SI = 1; ANSI with SI = 1 (regular) or 2 (special).
 * Japan TTC uses different test messages (SRT/SRA): not supported.
 */

const struct value_string sg_mtp3_slt_type_names[] = {
	{ SG_MTP3_SLTM, "SLTM" },
	{ SG_MTP3_SLTA, "SLTA" },
	{ 0, NULL }
};

static bool slt_variant_ok(enum sg_pc_variant v)
{
	return v == SG_PC_ITU || v == SG_PC_ANSI || v == SG_PC_CHINA;
}

int sg_mtp3_slt_decode(struct sg_mtp3_slt *m, const struct sg_mtp3_fmt *f,
		       const struct sg_mtp3_label *label, const uint8_t *buf, size_t len)
{
	memset(m, 0, sizeof(*m));
	if (!slt_variant_ok(f->variant))
		return SG_MTP3_ERR_VARIANT;
	if (len < 1)
		return SG_MTP3_ERR_SHORT;
	m->heading = buf[0];
	if (m->heading != SG_MTP3_SLTM && m->heading != SG_MTP3_SLTA)
		return SG_MTP3_ERR_UNKNOWN;
	if (len < 2)
		return SG_MTP3_ERR_SHORT;
	if (mtp3_slc_in_msg(f->variant))
		m->slc = buf[1] & 0xf;
	else if (label)
		m->slc = label->sls;
	m->len = buf[1] >> 4;
	if (len - 2 < m->len) {
		m->len = 0;
		return SG_MTP3_ERR_LI;
	}
	memcpy(m->pattern, buf + 2, m->len);
	return SG_MTP3_OK;
}

size_t sg_mtp3_slt_encode(uint8_t *buf, size_t size, const struct sg_mtp3_fmt *f,
			  const struct sg_mtp3_slt *m)
{
	bool ansi = mtp3_slc_in_msg(f->variant);

	if (!slt_variant_ok(f->variant))
		return 0;
	if (m->heading != SG_MTP3_SLTM && m->heading != SG_MTP3_SLTA)
		return 0;
	if (m->len > SG_MTP3_SLT_PATTERN_MAX || m->slc > 15)
		return 0;
	if (size < 2U + m->len)
		return 0;
	buf[0] = m->heading;
	buf[1] = (uint8_t)((m->len << 4) | (ansi ? m->slc : 0));
	memcpy(buf + 2, m->pattern, m->len);
	return 2U + m->len;
}

static bool slt_si_ok(enum sg_pc_variant v, uint8_t si)
{
	return si == SG_MTP3_SI_MTN || (v == SG_PC_ANSI && si == SG_MTP3_SI_MTNS);
}

int sg_mtp3_slt_msu_decode(struct sg_mtp3_hdr *h, struct sg_mtp3_slt *m,
			   const struct sg_mtp3_fmt *f, const uint8_t *msu, size_t len)
{
	unsigned int hl = sg_mtp3_hdr_len(f->variant);
	int rc;

	memset(m, 0, sizeof(*m));
	rc = sg_mtp3_hdr_decode(h, f, msu, len);
	if (rc != SG_MTP3_OK)
		return rc;
	if (!slt_si_ok(f->variant, h->si))
		return SG_MTP3_ERR_SI;
	return sg_mtp3_slt_decode(m, f, &h->label, msu + hl, len - hl);
}

size_t sg_mtp3_slt_msu_encode(uint8_t *buf, size_t size, const struct sg_mtp3_fmt *f,
			      const struct sg_mtp3_hdr *h, const struct sg_mtp3_slt *m)
{
	struct sg_mtp3_hdr hh = *h;
	size_t hl, n;

	if (!slt_si_ok(f->variant, hh.si))
		hh.si = SG_MTP3_SI_MTN;
	if (!mtp3_slc_in_msg(f->variant))
		hh.label.sls = m->slc;
	hl = sg_mtp3_hdr_encode(buf, size, f, &hh);
	if (!hl)
		return 0;
	n = sg_mtp3_slt_encode(buf + hl, size - hl, f, m);
	return n ? hl + n : 0;
}
