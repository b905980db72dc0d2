/* MTP3 service information octet and routing label, Q.704 §2.2, §14.2; T1.111.4 §2.2, §14.2. */

#include <string.h>
#include <osmocom/core/utils.h>

#include <sg/mtp_sap.h>
#include <sg/mtp3.h>
#include "mtp3_codec_int.h"

/*
 * Label layouts (first octet sent first, bit 1 = least significant):
 *
 * ITU (Q.704 Fig. 3): one 32-bit word sent LSB first: DPC bits 1-14, OPC bits 15-28,
 *   SLS bits 29-32.
 * ANSI (T1.111.4 Fig. 3): DPC member, cluster, network octets; OPC likewise; one SLS octet
 *   (8-bit SLS, or 5-bit SLS with 3 spare bits).  As a 24-bit integer a PC is
 *   network << 16 | cluster << 8 | member.
 * China (GF 001-9001): as ANSI with a 4-bit SLS and 4 spare bits.
 * Japan TTC (JT-Q.704): DPC 16 bits, OPC 16 bits, each sent LSB first, then an octet with a
 *   4-bit SLS and 4 spare bits (or 5-bit SLS + 3 spare).  We could not get the JT-Q.704 text;
 *   this layout is the one Wireshark's MTP3 dissector implements for "Japan" (packet-mtp3.c,
 *   JAPAN_ROUTING_LABEL_LENGTH 5, 4/5-bit SLS masks), which is what we checked against.  In
 *   TTC the SLS of management messages splits into an SLC and an A/B bit; not handled here.
 */

const struct value_string sg_mtp3_si_names[] = {
	{ SG_MTP3_SI_SNM, "SNM" },
	{ SG_MTP3_SI_MTN, "MTN" },
	{ SG_MTP3_SI_MTNS, "MTNS" },
	{ SG_MTP3_SI_SCCP, "SCCP" },
	{ SG_MTP3_SI_TUP, "TUP" },
	{ SG_MTP3_SI_ISUP, "ISUP" },
	{ SG_MTP3_SI_DUP_CC, "DUP-CC" },
	{ SG_MTP3_SI_DUP_FAC, "DUP-FAC" },
	{ SG_MTP3_SI_MTP_TEST, "MTP-TEST" },
	{ SG_MTP3_SI_ISUP_B, "B-ISUP" },
	{ SG_MTP3_SI_ISUP_S, "S-ISUP" },
	{ 11, "spare(11)" },
	{ SG_MTP3_SI_AAL2, "AAL2" },
	{ SG_MTP3_SI_BICC, "BICC" },
	{ SG_MTP3_SI_GCP, "GCP" },
	{ 15, "spare(15)" },
	{ 0, NULL }
};

const struct value_string sg_mtp3_ni_names[] = {
	{ SG_NI_INTERNATIONAL, "international" },
	{ SG_NI_INTERNATIONAL_SPARE, "international-spare" },
	{ SG_NI_NATIONAL, "national" },
	{ SG_NI_NATIONAL_SPARE, "national-spare" },
	{ 0, NULL }
};

const struct value_string sg_mtp3_variant_names[] = {
	{ SG_PC_ITU, "ITU" },
	{ SG_PC_ANSI, "ANSI" },
	{ SG_PC_CHINA, "China" },
	{ SG_PC_TTC, "TTC" },
	{ 0, NULL }
};

const struct value_string sg_mtp3_err_names[] = {
	{ SG_MTP3_OK, "OK" },
	{ SG_MTP3_ERR_SHORT, "message too short" },
	{ SG_MTP3_ERR_UNKNOWN, "unknown H0/H1" },
	{ SG_MTP3_ERR_SI, "wrong service indicator" },
	{ SG_MTP3_ERR_VARIANT, "not supported in this variant" },
	{ SG_MTP3_ERR_LI, "length indicator beyond the message" },
	{ 0, NULL }
};

unsigned int sg_mtp3_label_len(enum sg_pc_variant v)
{
	switch (v) {
	case SG_PC_ITU:
		return 4;
	case SG_PC_ANSI:
	case SG_PC_CHINA:
		return 7;
	case SG_PC_TTC:
		return 5;
	}
	return 0;
}

unsigned int sg_mtp3_sls_bits(const struct sg_mtp3_fmt *f)
{
	switch (f->variant) {
	case SG_PC_ITU:
	case SG_PC_CHINA:
		return 4;
	case SG_PC_ANSI:
		return f->sls5 ? 5 : 8;
	case SG_PC_TTC:
		return f->sls5 ? 5 : 4;
	}
	return 0;
}

static uint8_t sls_mask(const struct sg_mtp3_fmt *f)
{
	return (uint8_t)((1U << sg_mtp3_sls_bits(f)) - 1);
}

int sg_mtp3_label_decode(struct sg_mtp3_label *l, const struct sg_mtp3_fmt *f,
			 const uint8_t *buf, size_t len)
{
	unsigned int ll = sg_mtp3_label_len(f->variant);
	uint32_t w;

	memset(l, 0, sizeof(*l));
	if (!ll)
		return SG_MTP3_ERR_VARIANT;
	if (len < ll)
		return SG_MTP3_ERR_SHORT;
	switch (f->variant) {
	case SG_PC_ITU:
		w = mtp3_get_le(buf, 4);
		l->dpc = w & 0x3fff;
		l->opc = (w >> 14) & 0x3fff;
		l->sls = (uint8_t)(w >> 28);
		break;
	case SG_PC_ANSI:
	case SG_PC_CHINA:
		l->dpc = mtp3_get_le(buf, 3);
		l->opc = mtp3_get_le(buf + 3, 3);
		l->sls = buf[6] & sls_mask(f);
		break;
	case SG_PC_TTC:
		l->dpc = mtp3_get_le(buf, 2);
		l->opc = mtp3_get_le(buf + 2, 2);
		l->sls = buf[4] & sls_mask(f);
		break;
	}
	return SG_MTP3_OK;
}

size_t sg_mtp3_label_encode(uint8_t *buf, size_t size, const struct sg_mtp3_fmt *f,
			    const struct sg_mtp3_label *l)
{
	unsigned int ll = sg_mtp3_label_len(f->variant);
	uint32_t pcm = mtp3_pc_mask(f->variant);

	if (!ll || size < ll)
		return 0;
	if ((l->dpc & ~pcm) || (l->opc & ~pcm) || (l->sls & ~sls_mask(f)))
		return 0;
	switch (f->variant) {
	case SG_PC_ITU:
		mtp3_put_le(buf, l->dpc | (l->opc << 14) | ((uint32_t)l->sls << 28), 4);
		break;
	case SG_PC_ANSI:
	case SG_PC_CHINA:
		mtp3_put_le(buf, l->dpc, 3);
		mtp3_put_le(buf + 3, l->opc, 3);
		buf[6] = l->sls;
		break;
	case SG_PC_TTC:
		mtp3_put_le(buf, l->dpc, 2);
		mtp3_put_le(buf + 2, l->opc, 2);
		buf[4] = l->sls;
		break;
	}
	return ll;
}

int sg_mtp3_hdr_decode(struct sg_mtp3_hdr *h, const struct sg_mtp3_fmt *f,
		       const uint8_t *msu, size_t len)
{
	memset(h, 0, sizeof(*h));
	if (!sg_mtp3_label_len(f->variant))
		return SG_MTP3_ERR_VARIANT;
	if (len < 1)
		return SG_MTP3_ERR_SHORT;
	h->si = msu[0] & 0x0f;
	h->prio = (msu[0] >> 4) & 3;
	h->ni = msu[0] >> 6;
	return sg_mtp3_label_decode(&h->label, f, msu + 1, len - 1);
}

size_t sg_mtp3_hdr_encode(uint8_t *buf, size_t size, const struct sg_mtp3_fmt *f,
			  const struct sg_mtp3_hdr *h)
{
	size_t n;

	if (size < 1 || h->si > 15 || h->ni > 3 || h->prio > 3)
		return 0;
	n = sg_mtp3_label_encode(buf + 1, size - 1, f, &h->label);
	if (!n)
		return 0;
	buf[0] = sg_mtp3_sio(h->si, h->ni, h->prio);
	return n + 1;
}
