/* MTP3 signalling network management messages, Q.704 §15 (ITU, China), T1.111.4 §15 (ANSI). */

#include <string.h>
#include <osmocom/core/utils.h>

#include <sg/mtp3.h>
#include "mtp3_codec_int.h"

/*
 * Formats after the heading octet (H1 bits 8-5, H0 bits 4-1), Q.704 §15.3-§15.17 and the
 * corresponding T1.111.4 figures.  "PC" is the affected destination: ITU 14 bits + 2 spare
 * (2 octets), ANSI and China 24 bits (3 octets).  Multi-octet fields are LSB first.
 *
 *                 ITU / China                       ANSI
 *  COO, COA       FSN 7 + spare 1           (1)     SLC 4, FSN 7, spare 5          (2)
 *  XCO, XCA       FSN 24                    (3)     SLC 4, FSN 24, spare 4         (4)
 *  CBD, CBA       changeback code 8         (1)     SLC 4, CBC 8, spare 4          (2)
 *  ECO, ECA       -                                 SLC 4, spare 4                 (1)
 *  RCT            -                                 -
 *  TFC            ITU: PC 14, status 2      (2)     PC 24; status 2, spare 6       (4)
 *                 China: as ANSI            (4)
 *  TFP, TFR, TFA  PC                                PC 24 (also TCP, TCR, TCA)     (3)
 *  RST, RSR       PC                                PC 24 (also RCP, RCR)          (3)
 *  LIN..LRT       -                                 SLC 4, spare 4                 (1)
 *  TRA            -                                 - (also TRW)
 *  DLC            SDLI 12, spare 4          (2)     SLC 4, SDLI 14, spare 6        (3)
 *  CSS, CNS, CNP  -                                 SLC 4, spare 4                 (1)
 *  UPU            PC; user part 4, cause 4          PC 24; user part 4, cause 4    (4)
 *
 * ITU and China carry the SLC of link-oriented messages in the label's SLS field (Q.704 §15.2).
 * The ANSI CSS/CNS/CNP SLC octet follows the other ANSI link-oriented messages (we could not
 * read T1.111.4 itself; OpenSS7's MTP encodes it so, Wireshark skips the octet).
 * TCP/TCR/TCA, RCP/RCR and TRW exist in ANSI only; in ITU and China they are unknown headings.
 * Japan TTC management messages have another layout (a spare octet before the heading, TFP and
 * RST carrying a list of destinations): not supported, SG_MTP3_ERR_VARIANT.
 */

const struct value_string sg_mtp3_h0_names[] = {
	{ SG_MTP3_H0_CHM, "CHM" },
	{ SG_MTP3_H0_ECM, "ECM" },
	{ SG_MTP3_H0_FCM, "FCM" },
	{ SG_MTP3_H0_TFM, "TFM" },
	{ SG_MTP3_H0_RSM, "RSM" },
	{ SG_MTP3_H0_MIM, "MIM" },
	{ SG_MTP3_H0_TRM, "TRM" },
	{ SG_MTP3_H0_DLM, "DLM" },
	{ SG_MTP3_H0_UFC, "UFC" },
	{ 0, NULL }
};

const struct value_string sg_mtp3_snm_type_names[] = {
	{ SG_MTP3_COO, "COO" },
	{ SG_MTP3_COA, "COA" },
	{ SG_MTP3_XCO, "XCO" },
	{ SG_MTP3_XCA, "XCA" },
	{ SG_MTP3_CBD, "CBD" },
	{ SG_MTP3_CBA, "CBA" },
	{ SG_MTP3_ECO, "ECO" },
	{ SG_MTP3_ECA, "ECA" },
	{ SG_MTP3_RCT, "RCT" },
	{ SG_MTP3_TFC, "TFC" },
	{ SG_MTP3_TFP, "TFP" },
	{ SG_MTP3_TCP, "TCP" },
	{ SG_MTP3_TFR, "TFR" },
	{ SG_MTP3_TCR, "TCR" },
	{ SG_MTP3_TFA, "TFA" },
	{ SG_MTP3_TCA, "TCA" },
	{ SG_MTP3_RST, "RST" },
	{ SG_MTP3_RSR, "RSR" },
	{ SG_MTP3_RCP, "RCP" },
	{ SG_MTP3_RCR, "RCR" },
	{ SG_MTP3_LIN, "LIN" },
	{ SG_MTP3_LUN, "LUN" },
	{ SG_MTP3_LIA, "LIA" },
	{ SG_MTP3_LUA, "LUA" },
	{ SG_MTP3_LID, "LID" },
	{ SG_MTP3_LFU, "LFU" },
	{ SG_MTP3_LLT, "LLT" },
	{ SG_MTP3_LRT, "LRT" },
	{ SG_MTP3_TRA, "TRA" },
	{ SG_MTP3_TRW, "TRW" },
	{ SG_MTP3_DLC, "DLC" },
	{ SG_MTP3_CSS, "CSS" },
	{ SG_MTP3_CNS, "CNS" },
	{ SG_MTP3_CNP, "CNP" },
	{ SG_MTP3_UPU, "UPU" },
	{ 0, NULL }
};

const struct value_string sg_mtp3_snm_type_descs[] = {
	{ SG_MTP3_COO, "changeover order" },
	{ SG_MTP3_COA, "changeover acknowledgement" },
	{ SG_MTP3_XCO, "extended changeover order" },
	{ SG_MTP3_XCA, "extended changeover acknowledgement" },
	{ SG_MTP3_CBD, "changeback declaration" },
	{ SG_MTP3_CBA, "changeback acknowledgement" },
	{ SG_MTP3_ECO, "emergency changeover order" },
	{ SG_MTP3_ECA, "emergency changeover acknowledgement" },
	{ SG_MTP3_RCT, "signalling route set congestion test" },
	{ SG_MTP3_TFC, "transfer controlled" },
	{ SG_MTP3_TFP, "transfer prohibited" },
	{ SG_MTP3_TCP, "transfer cluster prohibited" },
	{ SG_MTP3_TFR, "transfer restricted" },
	{ SG_MTP3_TCR, "transfer cluster restricted" },
	{ SG_MTP3_TFA, "transfer allowed" },
	{ SG_MTP3_TCA, "transfer cluster allowed" },
	{ SG_MTP3_RST, "signalling route set test (prohibited)" },
	{ SG_MTP3_RSR, "signalling route set test (restricted)" },
	{ SG_MTP3_RCP, "signalling route set test (cluster prohibited)" },
	{ SG_MTP3_RCR, "signalling route set test (cluster restricted)" },
	{ SG_MTP3_LIN, "link inhibit" },
	{ SG_MTP3_LUN, "link uninhibit" },
	{ SG_MTP3_LIA, "link inhibit acknowledgement" },
	{ SG_MTP3_LUA, "link uninhibit acknowledgement" },
	{ SG_MTP3_LID, "link inhibit denied" },
	{ SG_MTP3_LFU, "link forced uninhibit" },
	{ SG_MTP3_LLT, "link local inhibit test" },
	{ SG_MTP3_LRT, "link remote inhibit test" },
	{ SG_MTP3_TRA, "traffic restart allowed" },
	{ SG_MTP3_TRW, "traffic restart waiting" },
	{ SG_MTP3_DLC, "signalling data link connection order" },
	{ SG_MTP3_CSS, "connection successful" },
	{ SG_MTP3_CNS, "connection not successful" },
	{ SG_MTP3_CNP, "connection not possible" },
	{ SG_MTP3_UPU, "user part unavailable" },
	{ 0, NULL }
};

const struct value_string sg_mtp3_upu_cause_names[] = {
	{ SG_MTP3_UPU_UNKNOWN, "unknown" },
	{ SG_MTP3_UPU_UNEQUIPPED, "unequipped remote user" },
	{ SG_MTP3_UPU_INACCESSIBLE, "inaccessible remote user" },
	{ 0, NULL }
};

bool sg_mtp3_snm_link_oriented(uint8_t heading)
{
	switch (heading & 0x0f) {
	case SG_MTP3_H0_CHM:
	case SG_MTP3_H0_ECM:
	case SG_MTP3_H0_MIM:
	case SG_MTP3_H0_DLM:
		return true;
	}
	return false;
}

static bool ansi_only(uint8_t heading)
{
	switch (heading) {
	case SG_MTP3_TCP:
	case SG_MTP3_TCR:
	case SG_MTP3_TCA:
	case SG_MTP3_RCP:
	case SG_MTP3_RCR:
	case SG_MTP3_TRW:
		return true;
	}
	return false;
}

bool sg_mtp3_snm_valid(const struct sg_mtp3_fmt *f, uint8_t heading)
{
	if (f->variant != SG_PC_ITU && f->variant != SG_PC_ANSI && f->variant != SG_PC_CHINA)
		return false;
	if (!get_value_string_or_null(sg_mtp3_snm_type_names, heading))
		return false;
	return f->variant == SG_PC_ANSI || !ansi_only(heading);
}

/* Octets after the heading; 0 for headings without fields or not defined. */
static unsigned int body_len(enum sg_pc_variant v, uint8_t heading)
{
	bool ansi = v == SG_PC_ANSI;
	unsigned int pco = mtp3_pc_octets(v);

	switch (heading) {
	case SG_MTP3_COO:
	case SG_MTP3_COA:
		return ansi ? 2 : 1;
	case SG_MTP3_XCO:
	case SG_MTP3_XCA:
		return ansi ? 4 : 3;
	case SG_MTP3_CBD:
	case SG_MTP3_CBA:
		return ansi ? 2 : 1;
	case SG_MTP3_TFC:
		/* ITU: status in the 2 spare bits of the PC; ANSI/China: own octet */
		return v == SG_PC_ITU ? 2 : pco + 1;
	case SG_MTP3_TFP:
	case SG_MTP3_TCP:
	case SG_MTP3_TFR:
	case SG_MTP3_TCR:
	case SG_MTP3_TFA:
	case SG_MTP3_TCA:
	case SG_MTP3_RST:
	case SG_MTP3_RSR:
	case SG_MTP3_RCP:
	case SG_MTP3_RCR:
		return pco;
	case SG_MTP3_DLC:
		return ansi ? 3 : 2;
	case SG_MTP3_UPU:
		return pco + 1;
	case SG_MTP3_ECO:
	case SG_MTP3_ECA:
	case SG_MTP3_LIN:
	case SG_MTP3_LUN:
	case SG_MTP3_LIA:
	case SG_MTP3_LUA:
	case SG_MTP3_LID:
	case SG_MTP3_LFU:
	case SG_MTP3_LLT:
	case SG_MTP3_LRT:
	case SG_MTP3_CSS:
	case SG_MTP3_CNS:
	case SG_MTP3_CNP:
		return ansi ? 1 : 0;	/* ANSI: SLC octet */
	}
	return 0;
}

int sg_mtp3_snm_decode(struct sg_mtp3_snm *m, const struct sg_mtp3_fmt *f,
		       const struct sg_mtp3_label *label, const uint8_t *buf, size_t len)
{
	enum sg_pc_variant v = f->variant;
	bool ansi = v == SG_PC_ANSI;
	unsigned int pco = mtp3_pc_octets(v);
	uint32_t w, pcm = mtp3_pc_mask(v);
	const uint8_t *p;

	memset(m, 0, sizeof(*m));
	if (v != SG_PC_ITU && v != SG_PC_ANSI && v != SG_PC_CHINA)
		return SG_MTP3_ERR_VARIANT;
	if (len < 1)
		return SG_MTP3_ERR_SHORT;
	m->heading = buf[0];
	if (!sg_mtp3_snm_valid(f, m->heading))
		return SG_MTP3_ERR_UNKNOWN;
	if (len - 1 < body_len(v, m->heading))
		return SG_MTP3_ERR_SHORT;
	p = buf + 1;
	if (!ansi && sg_mtp3_snm_link_oriented(m->heading) && label)
		m->slc = label->sls;

	switch (m->heading) {
	case SG_MTP3_COO:
	case SG_MTP3_COA:
		if (ansi) {
			w = mtp3_get_le(p, 2);
			m->slc = w & 0xf;
			m->fsn = (w >> 4) & 0x7f;
		} else {
			m->fsn = p[0] & 0x7f;
		}
		break;
	case SG_MTP3_XCO:
	case SG_MTP3_XCA:
		if (ansi) {
			w = mtp3_get_le(p, 4);
			m->slc = w & 0xf;
			m->fsn = (w >> 4) & 0xffffff;
		} else {
			m->fsn = mtp3_get_le(p, 3);
		}
		break;
	case SG_MTP3_CBD:
	case SG_MTP3_CBA:
		if (ansi) {
			w = mtp3_get_le(p, 2);
			m->slc = w & 0xf;
			m->cbc = (w >> 4) & 0xff;
		} else {
			m->cbc = p[0];
		}
		break;
	case SG_MTP3_TFC:
		if (v == SG_PC_ITU) {
			w = mtp3_get_le(p, 2);
			m->dest = w & 0x3fff;
			m->cong_status = (w >> 14) & 3;
		} else {
			m->dest = mtp3_get_le(p, 3);
			m->cong_status = p[3] & 3;
		}
		break;
	case SG_MTP3_TFP:
	case SG_MTP3_TCP:
	case SG_MTP3_TFR:
	case SG_MTP3_TCR:
	case SG_MTP3_TFA:
	case SG_MTP3_TCA:
	case SG_MTP3_RST:
	case SG_MTP3_RSR:
	case SG_MTP3_RCP:
	case SG_MTP3_RCR:
		m->dest = mtp3_get_le(p, pco) & pcm;
		break;
	case SG_MTP3_DLC:
		if (ansi) {
			w = mtp3_get_le(p, 3);
			m->slc = w & 0xf;
			m->sdli = (w >> 4) & 0x3fff;
		} else {
			m->sdli = mtp3_get_le(p, 2) & 0xfff;
		}
		break;
	case SG_MTP3_UPU:
		m->dest = mtp3_get_le(p, pco) & pcm;
		m->upu_user = p[pco] & 0xf;
		m->upu_cause = p[pco] >> 4;
		break;
	default:
		/* ECO, ECA, MIM, CSS, CNS, CNP: ANSI SLC octet; RCT, TRA, TRW: nothing */
		if (ansi && sg_mtp3_snm_link_oriented(m->heading))
			m->slc = p[0] & 0xf;
		break;
	}
	return SG_MTP3_OK;
}

/* Do the fields fit their coding in this variant? */
static bool snm_fields_ok(const struct sg_mtp3_fmt *f, const struct sg_mtp3_snm *m)
{
	bool ansi = f->variant == SG_PC_ANSI;
	uint32_t pcm = mtp3_pc_mask(f->variant);

	if (m->slc > 15)
		return false;
	switch (m->heading) {
	case SG_MTP3_COO:
	case SG_MTP3_COA:
		return m->fsn <= 0x7f;
	case SG_MTP3_XCO:
	case SG_MTP3_XCA:
		return m->fsn <= 0xffffff;
	case SG_MTP3_TFC:
		return !(m->dest & ~pcm) && m->cong_status <= 3;
	case SG_MTP3_DLC:
		return m->sdli <= (ansi ? 0x3fff : 0xfff);
	case SG_MTP3_UPU:
		return !(m->dest & ~pcm) && m->upu_user <= 15 && m->upu_cause <= 15;
	case SG_MTP3_TFP:
	case SG_MTP3_TCP:
	case SG_MTP3_TFR:
	case SG_MTP3_TCR:
	case SG_MTP3_TFA:
	case SG_MTP3_TCA:
	case SG_MTP3_RST:
	case SG_MTP3_RSR:
	case SG_MTP3_RCP:
	case SG_MTP3_RCR:
		return !(m->dest & ~pcm);
	}
	return true;
}

size_t sg_mtp3_snm_encode(uint8_t *buf, size_t size, const struct sg_mtp3_fmt *f,
			  const struct sg_mtp3_snm *m)
{
	enum sg_pc_variant v = f->variant;
	bool ansi = v == SG_PC_ANSI;
	unsigned int pco = mtp3_pc_octets(v), n;
	uint8_t *p;

	if (!sg_mtp3_snm_valid(f, m->heading) || !snm_fields_ok(f, m))
		return 0;
	n = body_len(v, m->heading);
	if (size < 1 + n)
		return 0;
	buf[0] = m->heading;
	p = buf + 1;

	switch (m->heading) {
	case SG_MTP3_COO:
	case SG_MTP3_COA:
		if (ansi)
			mtp3_put_le(p, m->slc | (m->fsn << 4), 2);
		else
			p[0] = (uint8_t)m->fsn;
		break;
	case SG_MTP3_XCO:
	case SG_MTP3_XCA:
		if (ansi)
			mtp3_put_le(p, m->slc | (m->fsn << 4), 4);
		else
			mtp3_put_le(p, m->fsn, 3);
		break;
	case SG_MTP3_CBD:
	case SG_MTP3_CBA:
		if (ansi)
			mtp3_put_le(p, m->slc | ((uint32_t)m->cbc << 4), 2);
		else
			p[0] = m->cbc;
		break;
	case SG_MTP3_TFC:
		if (v == SG_PC_ITU) {
			mtp3_put_le(p, m->dest | ((uint32_t)m->cong_status << 14), 2);
		} else {
			mtp3_put_le(p, m->dest, 3);
			p[3] = m->cong_status;
		}
		break;
	case SG_MTP3_TFP:
	case SG_MTP3_TCP:
	case SG_MTP3_TFR:
	case SG_MTP3_TCR:
	case SG_MTP3_TFA:
	case SG_MTP3_TCA:
	case SG_MTP3_RST:
	case SG_MTP3_RSR:
	case SG_MTP3_RCP:
	case SG_MTP3_RCR:
		mtp3_put_le(p, m->dest, pco);
		break;
	case SG_MTP3_DLC:
		if (ansi)
			mtp3_put_le(p, m->slc | ((uint32_t)m->sdli << 4), 3);
		else
			mtp3_put_le(p, m->sdli, 2);
		break;
	case SG_MTP3_UPU:
		mtp3_put_le(p, m->dest, pco);
		p[pco] = (uint8_t)(m->upu_user | (m->upu_cause << 4));
		break;
	default:
		if (ansi && sg_mtp3_snm_link_oriented(m->heading))
			p[0] = m->slc;
		break;
	}
	return 1 + n;
}

int sg_mtp3_snm_msu_decode(struct sg_mtp3_hdr *h, struct sg_mtp3_snm *m,
			   const struct sg_mtp3_fmt *f, const uint8_t *msu, size_t len)
{
	unsigned int hl = sg_mtp3_hdr_len(f->variant);
	int rc;

	memset(m, 0, sizeof(*m));
	rc = sg_mtp3_hdr_decode(h, f, msu, len);
	if (rc != SG_MTP3_OK)
		return rc;
	if (h->si != SG_MTP3_SI_SNM)
		return SG_MTP3_ERR_SI;
	return sg_mtp3_snm_decode(m, f, &h->label, msu + hl, len - hl);
}

size_t sg_mtp3_snm_msu_encode(uint8_t *buf, size_t size, const struct sg_mtp3_fmt *f,
			      const struct sg_mtp3_hdr *h, const struct sg_mtp3_snm *m)
{
	struct sg_mtp3_hdr hh = *h;
	size_t hl, n;

	hh.si = SG_MTP3_SI_SNM;
	if (!mtp3_slc_in_msg(f->variant) && sg_mtp3_snm_link_oriented(m->heading))
		hh.label.sls = m->slc;
	hl = sg_mtp3_hdr_encode(buf, size, f, &hh);
	if (!hl)
		return 0;
	n = sg_mtp3_snm_encode(buf + hl, size - hl, f, m);
	return n ? hl + n : 0;
}
