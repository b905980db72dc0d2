/* MTP2 signal unit codec (FISU, LSSU, MSU), Q.703 §2 and Annex A.2 (12-bit sequence numbers). */

#include <string.h>
#include <osmocom/core/utils.h>

#include <sg/mtp2.h>

const struct value_string sg_mtp2_su_type_names[] = {
	{ SG_MTP2_SU_FISU, "FISU" },
	{ SG_MTP2_SU_LSSU, "LSSU" },
	{ SG_MTP2_SU_MSU, "MSU" },
	{ 0, NULL }
};

/* Q.703 §11.1.2 */
const struct value_string sg_mtp2_lssu_status_names[] = {
	{ SG_MTP2_SIO, "SIO" },
	{ SG_MTP2_SIN, "SIN" },
	{ SG_MTP2_SIE, "SIE" },
	{ SG_MTP2_SIOS, "SIOS" },
	{ SG_MTP2_SIPO, "SIPO" },
	{ SG_MTP2_SIB, "SIB" },
	{ 6, "spare(6)" },
	{ 7, "spare(7)" },
	{ 0, NULL }
};

const struct value_string sg_mtp2_su_err_names[] = {
	{ SG_MTP2_SU_OK, "OK" },
	{ SG_MTP2_SU_ERR_SHORT, "too short" },
	{ SG_MTP2_SU_ERR_LONG, "too long" },
	{ SG_MTP2_SU_ERR_LI, "LI does not match the length" },
	{ 0, NULL }
};

/* Header length: BSN/BIB, FSN/FIB, LI (Fig. 2/Q.703, Fig. A.1/Q.703). */
static inline size_t hdr_len(bool ext_seq)
{
	return ext_seq ? 6 : 3;
}

/* Q.703 §2.3.3: with 7-bit sequence numbers the 6-bit LI saturates at 63
 * for SIF+SIO of 63 octets or more; Annex A's 9-bit LI is always exact. */
static unsigned int li_for(size_t n, bool ext_seq)
{
	if (ext_seq)
		return n;
	return n < 63 ? n : 63;
}

int sg_mtp2_su_decode(struct sg_mtp2_su *out, const uint8_t *su, size_t len,
		      bool ext_seq, uint16_t max_sif)
{
	size_t hl = hdr_len(ext_seq), n;

	memset(out, 0, sizeof(*out));
	/* Q.703 §4.1.4: too short to hold the header -> SU in error */
	if (len < hl)
		return SG_MTP2_SU_ERR_SHORT;
	n = len - hl;
	/* Q.703 §4.1.4: longer than the longest MSU -> SU in error */
	if (n > (size_t)max_sif + 1)
		return SG_MTP2_SU_ERR_LONG;

	if (ext_seq) {
		out->bsn = su[0] | ((su[1] & 0x0f) << 8);
		out->bib = su[1] >> 7;
		out->fsn = su[2] | ((su[3] & 0x0f) << 8);
		out->fib = su[3] >> 7;
		out->li = su[4] | ((su[5] & 0x01) << 8);
		out->spare = su[5] >> 1;
		/* Annex A.2: the LI is exact */
		if (out->li != n)
			return SG_MTP2_SU_ERR_LI;
	} else {
		out->bsn = su[0] & 0x7f;
		out->bib = su[0] >> 7;
		out->fsn = su[1] & 0x7f;
		out->fib = su[1] >> 7;
		out->li = su[2] & 0x3f;
		out->spare = su[2] >> 6;
		/* Q.703 §4.2: LI must agree with the octets received */
		if (out->li != li_for(n, false))
			return SG_MTP2_SU_ERR_LI;
	}

	switch (n) {
	case 0:
		out->type = SG_MTP2_SU_FISU;
		break;
	case 1:
	case 2:
		/* Q.703 §11.1: one or two octet status field, status in CBA */
		out->type = SG_MTP2_SU_LSSU;
		out->status = su[hl] & 0x07;
		out->sf_len = n;
		break;
	default:
		out->type = SG_MTP2_SU_MSU;
		out->payload = su + hl;
		out->payload_len = n;
		break;
	}
	return SG_MTP2_SU_OK;
}

size_t sg_mtp2_su_encode(uint8_t *buf, size_t max, const struct sg_mtp2_su *in, bool ext_seq)
{
	size_t hl = hdr_len(ext_seq), n;
	unsigned int li;

	switch (in->type) {
	case SG_MTP2_SU_FISU:
		n = 0;
		break;
	case SG_MTP2_SU_LSSU:
		n = in->sf_len == 2 ? 2 : 1;
		break;
	case SG_MTP2_SU_MSU:
		n = in->payload_len;
		if (n < 3 || n > SG_MTP2_MAX_SIF + 1)
			return 0;
		break;
	default:
		return 0;
	}
	if (hl + n > max)
		return 0;
	li = li_for(n, ext_seq);
	if (ext_seq) {
		buf[0] = in->bsn & 0xff;
		buf[1] = ((in->bsn >> 8) & 0x0f) | (in->bib ? 0x80 : 0);
		buf[2] = in->fsn & 0xff;
		buf[3] = ((in->fsn >> 8) & 0x0f) | (in->fib ? 0x80 : 0);
		buf[4] = li & 0xff;
		buf[5] = (li >> 8) & 0x01;
	} else {
		buf[0] = (in->bsn & 0x7f) | (in->bib ? 0x80 : 0);
		buf[1] = (in->fsn & 0x7f) | (in->fib ? 0x80 : 0);
		buf[2] = li & 0x3f;
	}
	if (in->type == SG_MTP2_SU_LSSU) {
		buf[hl] = in->status & 0x07;
		if (n == 2)
			buf[hl + 1] = 0;
	} else if (in->type == SG_MTP2_SU_MSU) {
		memcpy(buf + hl, in->payload, n);
	}
	return hl + n;
}
