/* MTP3 codec unit tests: routing label (Q.704 §2.2), SNM (Q.704 §15), SLTM (Q.707 §2), tshark. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sg/mtp_sap.h>
#include <sg/mtp3.h>
#include <sg/pcap.h>
#include "cu_main.h"
#include "mtp3_eq.h"

static const struct sg_mtp3_fmt fmt_itu = { .variant = SG_PC_ITU };
static const struct sg_mtp3_fmt fmt_ansi = { .variant = SG_PC_ANSI };
static const struct sg_mtp3_fmt fmt_ansi5 = { .variant = SG_PC_ANSI, .sls5 = true };
static const struct sg_mtp3_fmt fmt_china = { .variant = SG_PC_CHINA };
static const struct sg_mtp3_fmt fmt_ttc = { .variant = SG_PC_TTC };

/* ---- routing label and SIO ---- */

struct label_golden {
	const struct sg_mtp3_fmt *f;
	struct sg_mtp3_label l;
	uint8_t b[7];
	unsigned int len;
};

/*
 * Derivations (fields LSB first, Q.704 §14.1):
 * ITU: word = DPC | OPC << 14 | SLS << 28 = 0x2345 | 0x1abc << 14 | 9 << 28
 *      = 0x00002345 + 0x06af0000 + 0x90000000 = 0x96af2345 -> 45 23 af 96.
 * ITU all ones: DPC 0x3fff, OPC 0x3fff, SLS 15 -> 0xffffffff.
 * ITU DPC 1, OPC 0, SLS 0 -> 01 00 00 00; OPC 1 alone: 1 << 14 = 0x4000 -> 00 40 00 00.
 * ANSI (T1.111.4 Fig. 3): DPC 10-11-12 = 0x0a0b0c -> member 0c, cluster 0b, network 0a;
 *      OPC 1-2-3 = 0x010203 -> 03 02 01; SLS 0xe7 (8 bits) -> e7.
 * China: same PCs, SLS 4 bits: 7 -> 07.
 * TTC: DPC 0x0102 -> 02 01, OPC 0x0304 -> 04 03, SLS 5 -> 05.
 */
static const struct label_golden label_vectors[] = {
	{ &fmt_itu, { 0x2345, 0x1abc, 9 }, { 0x45, 0x23, 0xaf, 0x96 }, 4 },
	{ &fmt_itu, { 0x3fff, 0x3fff, 15 }, { 0xff, 0xff, 0xff, 0xff }, 4 },
	{ &fmt_itu, { 1, 0, 0 }, { 0x01, 0x00, 0x00, 0x00 }, 4 },
	{ &fmt_itu, { 0, 1, 0 }, { 0x00, 0x40, 0x00, 0x00 }, 4 },
	{ &fmt_ansi, { 0x0a0b0c, 0x010203, 0xe7 },
	  { 0x0c, 0x0b, 0x0a, 0x03, 0x02, 0x01, 0xe7 }, 7 },
	{ &fmt_ansi5, { 0x0a0b0c, 0x010203, 0x17 },
	  { 0x0c, 0x0b, 0x0a, 0x03, 0x02, 0x01, 0x17 }, 7 },
	{ &fmt_china, { 0x0a0b0c, 0x010203, 7 }, { 0x0c, 0x0b, 0x0a, 0x03, 0x02, 0x01, 0x07 }, 7 },
	{ &fmt_ttc, { 0x0102, 0x0304, 5 }, { 0x02, 0x01, 0x04, 0x03, 0x05 }, 5 },
};

static void test_label_golden(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(label_vectors); i++) {
		const struct label_golden *g = &label_vectors[i];
		struct sg_mtp3_label l;
		uint8_t buf[16];

		CU_ASSERT_EQUAL(sg_mtp3_label_len(g->f->variant), g->len);
		CU_ASSERT_EQUAL(sg_mtp3_label_encode(buf, sizeof(buf), g->f, &g->l), g->len);
		CU_ASSERT(!memcmp(buf, g->b, g->len));
		CU_ASSERT_EQUAL(sg_mtp3_label_decode(&l, g->f, g->b, g->len), SG_MTP3_OK);
		CU_ASSERT(label_eq(&l, &g->l));
		/* every shorter buffer is an error, never a read past the end */
		for (unsigned int n = 0; n < g->len; n++) {
			uint8_t *cp = malloc(n ? n : 1);

			memcpy(cp, g->b, n);
			CU_ASSERT_EQUAL(sg_mtp3_label_decode(&l, g->f, cp, n), SG_MTP3_ERR_SHORT);
			free(cp);
		}
		/* the output buffer must hold the label */
		CU_ASSERT_EQUAL(sg_mtp3_label_encode(buf, g->len - 1, g->f, &g->l), 0);
	}
}

static void test_label_spare_and_range(void)
{
	/* spare SLS bits are ignored on receipt */
	static const uint8_t ansi[7] = { 1, 0, 0, 2, 0, 0, 0xff };
	static const uint8_t ttc[5] = { 1, 0, 2, 0, 0xff };
	struct sg_mtp3_label l, bad;
	uint8_t buf[8];

	CU_ASSERT_EQUAL(sg_mtp3_label_decode(&l, &fmt_ansi, ansi, 7), SG_MTP3_OK);
	CU_ASSERT_EQUAL(l.sls, 0xff);
	CU_ASSERT_EQUAL(sg_mtp3_label_decode(&l, &fmt_ansi5, ansi, 7), SG_MTP3_OK);
	CU_ASSERT_EQUAL(l.sls, 0x1f);
	CU_ASSERT_EQUAL(sg_mtp3_label_decode(&l, &fmt_china, ansi, 7), SG_MTP3_OK);
	CU_ASSERT_EQUAL(l.sls, 0x0f);
	CU_ASSERT(l.dpc == 1 && l.opc == 2);
	CU_ASSERT_EQUAL(sg_mtp3_label_decode(&l, &fmt_ttc, ttc, 5), SG_MTP3_OK);
	CU_ASSERT(l.dpc == 1 && l.opc == 2 && l.sls == 0x0f);
	CU_ASSERT_EQUAL(sg_mtp3_sls_bits(&fmt_itu), 4);
	CU_ASSERT_EQUAL(sg_mtp3_sls_bits(&fmt_ansi), 8);
	CU_ASSERT_EQUAL(sg_mtp3_sls_bits(&fmt_ansi5), 5);

	/* fields too wide for the variant are refused, not truncated */
	bad = (struct sg_mtp3_label){ .dpc = 0x4000 };
	CU_ASSERT_EQUAL(sg_mtp3_label_encode(buf, sizeof(buf), &fmt_itu, &bad), 0);
	bad = (struct sg_mtp3_label){ .opc = 0x4000 };
	CU_ASSERT_EQUAL(sg_mtp3_label_encode(buf, sizeof(buf), &fmt_itu, &bad), 0);
	bad = (struct sg_mtp3_label){ .sls = 16 };
	CU_ASSERT_EQUAL(sg_mtp3_label_encode(buf, sizeof(buf), &fmt_itu, &bad), 0);
	CU_ASSERT_EQUAL(sg_mtp3_label_encode(buf, sizeof(buf), &fmt_china, &bad), 0);
	CU_ASSERT_EQUAL(sg_mtp3_label_encode(buf, sizeof(buf), &fmt_ansi, &bad), 7);
	bad = (struct sg_mtp3_label){ .sls = 32 };
	CU_ASSERT_EQUAL(sg_mtp3_label_encode(buf, sizeof(buf), &fmt_ansi5, &bad), 0);
	bad = (struct sg_mtp3_label){ .dpc = 0x1000000 };
	CU_ASSERT_EQUAL(sg_mtp3_label_encode(buf, sizeof(buf), &fmt_ansi, &bad), 0);
	bad = (struct sg_mtp3_label){ .opc = 0x10000 };
	CU_ASSERT_EQUAL(sg_mtp3_label_encode(buf, sizeof(buf), &fmt_ttc, &bad), 0);
}

static void test_hdr(void)
{
	/* SIO (Q.704 §14.2): NI bits 8-7, priority/spare bits 6-5, SI bits 4-1.
	 * ISUP (5), national (2), priority 1: 10 01 0101 = 0x95; then the ITU label above. */
	static const uint8_t golden[] = { 0x95, 0x45, 0x23, 0xaf, 0x96, 0xaa };
	struct sg_mtp3_hdr h = { .si = SG_MTP3_SI_ISUP, .ni = SG_NI_NATIONAL, .prio = 1,
				 .label = { 0x2345, 0x1abc, 9 } }, d;
	uint8_t buf[16];

	CU_ASSERT_EQUAL(sg_mtp3_hdr_len(SG_PC_ITU), 5);
	CU_ASSERT_EQUAL(sg_mtp3_hdr_len(SG_PC_ANSI), 8);
	CU_ASSERT_EQUAL(sg_mtp3_hdr_len(SG_PC_TTC), 6);
	CU_ASSERT_EQUAL(sg_mtp3_hdr_encode(buf, sizeof(buf), &fmt_itu, &h), 5);
	CU_ASSERT(!memcmp(buf, golden, 5));
	CU_ASSERT_EQUAL(sg_mtp3_hdr_decode(&d, &fmt_itu, golden, sizeof(golden)), SG_MTP3_OK);
	CU_ASSERT(hdr_eq(&d, &h));
	for (unsigned int n = 0; n < 5; n++)
		CU_ASSERT_EQUAL(sg_mtp3_hdr_decode(&d, &fmt_itu, golden, n), SG_MTP3_ERR_SHORT);
	CU_ASSERT_EQUAL(sg_mtp3_hdr_encode(buf, 4, &fmt_itu, &h), 0);
	CU_ASSERT_EQUAL(sg_mtp3_hdr_encode(buf, 0, &fmt_itu, &h), 0);
	h.si = 16;
	CU_ASSERT_EQUAL(sg_mtp3_hdr_encode(buf, sizeof(buf), &fmt_itu, &h), 0);
	h.si = 0;
	h.prio = 4;
	CU_ASSERT_EQUAL(sg_mtp3_hdr_encode(buf, sizeof(buf), &fmt_itu, &h), 0);

	CU_ASSERT_STRING_EQUAL(get_value_string(sg_mtp3_si_names, 3), "SCCP");
	CU_ASSERT_STRING_EQUAL(get_value_string(sg_mtp3_ni_names, 2), "national");
	CU_ASSERT_STRING_EQUAL(get_value_string(sg_mtp3_variant_names, SG_PC_TTC), "TTC");
	CU_ASSERT_STRING_EQUAL(get_value_string(sg_mtp3_err_names, SG_MTP3_ERR_UNKNOWN),
			       "unknown H0/H1");
}

/* ---- SNM golden vectors (the part after the label) ---- */

struct snm_golden {
	const struct sg_mtp3_fmt *f;
	struct sg_mtp3_snm m;
	uint8_t b[6];
	unsigned int len;
};

/*
 * Heading octet = H1 << 4 | H0 (Q.704 §15.2, Fig. 7): COO is H0 0001, H1 0001 -> 0x11.
 * ITU (Q.704 §15.4 ff.):
 *  COO FSN 0x5a: FSN in bits 7-1, bit 8 spare -> 5a
 *  XCO FSN 0x123456: 24 bits LSB first -> 56 34 12
 *  CBD code 0xa5 -> a5
 *  ECO, RCT, LIN..LRT, TRA, CSS, CNS, CNP: heading only
 *  TFC dest 0x0321, status 2: 0x0321 | 2 << 14 = 0x8321 -> 21 83
 *  TFP/TFR/TFA/RST/RSR dest 0x3fff, spare 00 -> ff 3f
 *  DLC SDLI 0xabc, 4 spare bits -> bc 0a
 *  UPU dest 0x0102 -> 02 01; user 5 (bits 4-1), cause 2 (bits 8-5) -> 25
 * ANSI (T1.111.4 §15):
 *  COO SLC 5, FSN 0x5a: 5 | 0x5a << 4 = 0x05a5 -> a5 05
 *  XCO SLC 5, FSN 0x123456: 5 | 0x123456 << 4 = 0x01234565 -> 65 45 23 01
 *  CBD SLC 5, CBC 0xa5: 5 | 0xa5 << 4 = 0x0a55 -> 55 0a
 *  ECO / LIN / CSS SLC 5 -> 05
 *  TFC dest 0x112233 -> 33 22 11; status 2 in bits 2-1 -> 02
 *  TFP / TCP / RST / RCR dest -> 3 octets LSB first
 *  DLC SLC 5, SDLI 0x2abc: 5 | 0x2abc << 4 = 0x02abc5 -> c5 ab 02
 *  UPU dest 0x112233 -> 33 22 11; user 5, cause 1 -> 15
 * China: ITU formats with 24-bit PCs, TFC status in its own octet as ANSI.
 */
static const struct snm_golden snm_vectors[] = {
	{ &fmt_itu, { .heading = SG_MTP3_COO, .fsn = 0x5a }, { 0x11, 0x5a }, 2 },
	{ &fmt_itu, { .heading = SG_MTP3_COA, .fsn = 0x7f }, { 0x21, 0x7f }, 2 },
	{ &fmt_itu, { .heading = SG_MTP3_XCO, .fsn = 0x123456 }, { 0x31, 0x56, 0x34, 0x12 }, 4 },
	{ &fmt_itu, { .heading = SG_MTP3_XCA, .fsn = 0xffffff }, { 0x41, 0xff, 0xff, 0xff }, 4 },
	{ &fmt_itu, { .heading = SG_MTP3_CBD, .cbc = 0xa5 }, { 0x51, 0xa5 }, 2 },
	{ &fmt_itu, { .heading = SG_MTP3_CBA, .cbc = 0x01 }, { 0x61, 0x01 }, 2 },
	{ &fmt_itu, { .heading = SG_MTP3_ECO }, { 0x12 }, 1 },
	{ &fmt_itu, { .heading = SG_MTP3_ECA }, { 0x22 }, 1 },
	{ &fmt_itu, { .heading = SG_MTP3_RCT }, { 0x13 }, 1 },
	{ &fmt_itu, { .heading = SG_MTP3_TFC, .dest = 0x321, .cong_status = 2 },
	  { 0x23, 0x21, 0x83 }, 3 },
	{ &fmt_itu, { .heading = SG_MTP3_TFP, .dest = 0x3fff }, { 0x14, 0xff, 0x3f }, 3 },
	{ &fmt_itu, { .heading = SG_MTP3_TFR, .dest = 0x0102 }, { 0x34, 0x02, 0x01 }, 3 },
	{ &fmt_itu, { .heading = SG_MTP3_TFA, .dest = 0x2001 }, { 0x54, 0x01, 0x20 }, 3 },
	{ &fmt_itu, { .heading = SG_MTP3_RST, .dest = 0x0102 }, { 0x15, 0x02, 0x01 }, 3 },
	{ &fmt_itu, { .heading = SG_MTP3_RSR, .dest = 0x0102 }, { 0x25, 0x02, 0x01 }, 3 },
	{ &fmt_itu, { .heading = SG_MTP3_LIN }, { 0x16 }, 1 },
	{ &fmt_itu, { .heading = SG_MTP3_LUN }, { 0x26 }, 1 },
	{ &fmt_itu, { .heading = SG_MTP3_LIA }, { 0x36 }, 1 },
	{ &fmt_itu, { .heading = SG_MTP3_LUA }, { 0x46 }, 1 },
	{ &fmt_itu, { .heading = SG_MTP3_LID }, { 0x56 }, 1 },
	{ &fmt_itu, { .heading = SG_MTP3_LFU }, { 0x66 }, 1 },
	{ &fmt_itu, { .heading = SG_MTP3_LLT }, { 0x76 }, 1 },
	{ &fmt_itu, { .heading = SG_MTP3_LRT }, { 0x86 }, 1 },
	{ &fmt_itu, { .heading = SG_MTP3_TRA }, { 0x17 }, 1 },
	{ &fmt_itu, { .heading = SG_MTP3_DLC, .sdli = 0xabc }, { 0x18, 0xbc, 0x0a }, 3 },
	{ &fmt_itu, { .heading = SG_MTP3_CSS }, { 0x28 }, 1 },
	{ &fmt_itu, { .heading = SG_MTP3_CNS }, { 0x38 }, 1 },
	{ &fmt_itu, { .heading = SG_MTP3_CNP }, { 0x48 }, 1 },
	{ &fmt_itu, { .heading = SG_MTP3_UPU, .dest = 0x0102, .upu_user = 5, .upu_cause = 2 },
	  { 0x1a, 0x02, 0x01, 0x25 }, 4 },

	{ &fmt_ansi, { .heading = SG_MTP3_COO, .slc = 5, .fsn = 0x5a }, { 0x11, 0xa5, 0x05 }, 3 },
	{ &fmt_ansi, { .heading = SG_MTP3_COA, .slc = 15, .fsn = 0x7f }, { 0x21, 0xff, 0x07 }, 3 },
	{ &fmt_ansi, { .heading = SG_MTP3_XCO, .slc = 5, .fsn = 0x123456 },
	  { 0x31, 0x65, 0x45, 0x23, 0x01 }, 5 },
	{ &fmt_ansi, { .heading = SG_MTP3_CBD, .slc = 5, .cbc = 0xa5 }, { 0x51, 0x55, 0x0a }, 3 },
	{ &fmt_ansi, { .heading = SG_MTP3_ECO, .slc = 5 }, { 0x12, 0x05 }, 2 },
	{ &fmt_ansi, { .heading = SG_MTP3_RCT }, { 0x13 }, 1 },
	{ &fmt_ansi, { .heading = SG_MTP3_TFC, .dest = 0x112233, .cong_status = 2 },
	  { 0x23, 0x33, 0x22, 0x11, 0x02 }, 5 },
	{ &fmt_ansi, { .heading = SG_MTP3_TFP, .dest = 0x112233 }, { 0x14, 0x33, 0x22, 0x11 }, 4 },
	{ &fmt_ansi, { .heading = SG_MTP3_TCP, .dest = 0x112200 }, { 0x24, 0x00, 0x22, 0x11 }, 4 },
	{ &fmt_ansi, { .heading = SG_MTP3_TCA, .dest = 0x112200 }, { 0x64, 0x00, 0x22, 0x11 }, 4 },
	{ &fmt_ansi, { .heading = SG_MTP3_RST, .dest = 0x112233 }, { 0x15, 0x33, 0x22, 0x11 }, 4 },
	{ &fmt_ansi, { .heading = SG_MTP3_RCR, .dest = 0x112200 }, { 0x45, 0x00, 0x22, 0x11 }, 4 },
	{ &fmt_ansi, { .heading = SG_MTP3_LIN, .slc = 5 }, { 0x16, 0x05 }, 2 },
	{ &fmt_ansi, { .heading = SG_MTP3_TRW }, { 0x27 }, 1 },
	{ &fmt_ansi, { .heading = SG_MTP3_DLC, .slc = 5, .sdli = 0x2abc },
	  { 0x18, 0xc5, 0xab, 0x02 }, 4 },
	{ &fmt_ansi, { .heading = SG_MTP3_CSS, .slc = 5 }, { 0x28, 0x05 }, 2 },
	{ &fmt_ansi, { .heading = SG_MTP3_UPU, .dest = 0x112233, .upu_user = 5, .upu_cause = 1 },
	  { 0x1a, 0x33, 0x22, 0x11, 0x15 }, 5 },

	{ &fmt_china, { .heading = SG_MTP3_COO, .fsn = 0x5a }, { 0x11, 0x5a }, 2 },
	{ &fmt_china, { .heading = SG_MTP3_TFC, .dest = 0x112233, .cong_status = 1 },
	  { 0x23, 0x33, 0x22, 0x11, 0x01 }, 5 },
	{ &fmt_china, { .heading = SG_MTP3_TFP, .dest = 0x112233 }, { 0x14, 0x33, 0x22, 0x11 }, 4 },
	{ &fmt_china, { .heading = SG_MTP3_DLC, .sdli = 0xabc }, { 0x18, 0xbc, 0x0a }, 3 },
	{ &fmt_china, { .heading = SG_MTP3_UPU, .dest = 0x112233, .upu_user = 3, .upu_cause = 1 },
	  { 0x1a, 0x33, 0x22, 0x11, 0x13 }, 5 },
};

static void test_snm_golden(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(snm_vectors); i++) {
		const struct snm_golden *g = &snm_vectors[i];
		struct sg_mtp3_snm d;
		uint8_t buf[16];
		size_t n;

		n = sg_mtp3_snm_encode(buf, sizeof(buf), g->f, &g->m);
		CU_ASSERT_EQUAL(n, g->len);
		if (n != g->len || memcmp(buf, g->b, g->len))
			printf("\n  vector %u (%s %s) differs", i,
			       get_value_string(sg_mtp3_variant_names, g->f->variant),
			       get_value_string(sg_mtp3_snm_type_names, g->m.heading));
		CU_ASSERT(!memcmp(buf, g->b, g->len));
		CU_ASSERT_EQUAL(sg_mtp3_snm_decode(&d, g->f, NULL, g->b, g->len), SG_MTP3_OK);
		CU_ASSERT(snm_eq(&d, &g->m));
		/* truncated: an error at every length, the heading included */
		for (unsigned int k = 0; k < g->len; k++) {
			uint8_t *cp = malloc(k ? k : 1);

			memcpy(cp, g->b, k);
			CU_ASSERT_EQUAL(sg_mtp3_snm_decode(&d, g->f, NULL, cp, k),
					SG_MTP3_ERR_SHORT);
			free(cp);
		}
		/* the output buffer must hold the whole message */
		CU_ASSERT_EQUAL(sg_mtp3_snm_encode(buf, g->len - 1, g->f, &g->m), 0);
	}
}

/* A message of type h with every field of the type set (non-zero where possible). */
static struct sg_mtp3_snm snm_fill(const struct sg_mtp3_fmt *f, uint8_t h, unsigned int seed)
{
	bool ansi = f->variant == SG_PC_ANSI;
	uint32_t pcm = f->variant == SG_PC_ITU ? 0x3fff : 0xffffff;
	struct sg_mtp3_snm m = { .heading = h };

	if (sg_mtp3_snm_link_oriented(h))
		m.slc = (seed * 7 + 3) & 0xf;
	switch (h) {
	case SG_MTP3_COO:
	case SG_MTP3_COA:
		m.fsn = (seed * 37 + 11) & 0x7f;
		break;
	case SG_MTP3_XCO:
	case SG_MTP3_XCA:
		m.fsn = (seed * 0x10101 + 0x345678) & 0xffffff;
		break;
	case SG_MTP3_CBD:
	case SG_MTP3_CBA:
		m.cbc = (seed * 29 + 0x81) & 0xff;
		break;
	case SG_MTP3_TFC:
		m.cong_status = (seed + 1) & 3;
		/* fall through */
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
		m.dest = (seed * 0x3579 + 0x123456) & pcm;
		/* ANSI cluster messages name a cluster: member octet 0 */
		if (h == SG_MTP3_TCP || h == SG_MTP3_TCR || h == SG_MTP3_TCA ||
		    h == SG_MTP3_RCP || h == SG_MTP3_RCR)
			m.dest &= 0xffff00;
		break;
	case SG_MTP3_DLC:
		m.sdli = (seed * 0x123 + 0xabc) & (ansi ? 0x3fff : 0xfff);
		break;
	case SG_MTP3_UPU:
		m.dest = (seed * 0x3579 + 0x123456) & pcm;
		m.upu_user = (seed + 3) & 0xf;
		m.upu_cause = (seed + 1) % 3;
		break;
	}
	return m;
}

static const struct sg_mtp3_fmt *all_fmts[] = { &fmt_itu, &fmt_ansi, &fmt_ansi5, &fmt_china };

static void test_snm_roundtrip_all(void)
{
	unsigned int count[4] = {};

	for (unsigned int fi = 0; fi < ARRAY_SIZE(all_fmts); fi++) {
		const struct sg_mtp3_fmt *f = all_fmts[fi];

		for (const struct value_string *vs = sg_mtp3_snm_type_names; vs->str; vs++) {
			uint8_t h = (uint8_t)vs->value;
			struct sg_mtp3_hdr hdr = { .ni = SG_NI_NATIONAL, .prio = 3,
						   .label = { .dpc = 0x1234, .opc = 0x2345,
							      .sls = 0xa } }, dh;
			unsigned int seed = fi * 40 + (unsigned int)(vs - sg_mtp3_snm_type_names);
			struct sg_mtp3_snm m = snm_fill(f, h, seed);
			struct sg_mtp3_snm d;
			uint8_t buf[32];
			size_t n;

			n = sg_mtp3_snm_msu_encode(buf, sizeof(buf), f, &hdr, &m);
			if (!sg_mtp3_snm_valid(f, h)) {
				/* ANSI-only messages do not exist in ITU/China */
				CU_ASSERT(f->variant != SG_PC_ANSI);
				CU_ASSERT_EQUAL(n, 0);
				continue;
			}
			CU_ASSERT(n > sg_mtp3_hdr_len(f->variant));
			CU_ASSERT_EQUAL(sg_mtp3_snm_msu_decode(&dh, &d, f, buf, n), SG_MTP3_OK);
			CU_ASSERT(snm_eq(&d, &m));
			CU_ASSERT_EQUAL(dh.si, SG_MTP3_SI_SNM);
			CU_ASSERT(dh.ni == hdr.ni && dh.prio == hdr.prio);
			CU_ASSERT(dh.label.dpc == 0x1234 && dh.label.opc == 0x2345);
			/* ITU/China: the SLC of a link-oriented message is the label's SLS */
			if (f->variant != SG_PC_ANSI && sg_mtp3_snm_link_oriented(h)) {
				CU_ASSERT_EQUAL(dh.label.sls, m.slc);
			} else {
				CU_ASSERT_EQUAL(dh.label.sls, 0xa);
			}
			/* every truncation is an error */
			for (size_t k = 0; k < n; k++)
				CU_ASSERT_EQUAL(sg_mtp3_snm_msu_decode(&dh, &d, f, buf, k),
						SG_MTP3_ERR_SHORT);
			/* the output buffer too */
			CU_ASSERT_EQUAL(sg_mtp3_snm_msu_encode(buf, n - 1, f, &hdr, &m), 0);
			count[fi]++;
		}
	}
	/* 35 message types in ANSI, 29 in ITU and China */
	CU_ASSERT_EQUAL(count[0], 29);
	CU_ASSERT_EQUAL(count[1], 35);
	CU_ASSERT_EQUAL(count[2], 35);
	CU_ASSERT_EQUAL(count[3], 29);
}

static void test_snm_unknown(void)
{
	unsigned int known[4] = {};

	/* every heading octet: a known message or SG_MTP3_ERR_UNKNOWN, never a crash */
	for (unsigned int fi = 0; fi < ARRAY_SIZE(all_fmts); fi++) {
		for (unsigned int h = 0; h < 256; h++) {
			uint8_t buf[8] = { (uint8_t)h, 0x11, 0x22, 0x33, 0x04 };
			struct sg_mtp3_snm d;
			int rc = sg_mtp3_snm_decode(&d, all_fmts[fi], NULL, buf, sizeof(buf));

			if (rc == SG_MTP3_OK) {
				known[fi]++;
			} else {
				CU_ASSERT_EQUAL(rc, SG_MTP3_ERR_UNKNOWN);
			}
			CU_ASSERT_EQUAL(d.heading, h);
		}
	}
	CU_ASSERT_EQUAL(known[0], 29);
	CU_ASSERT_EQUAL(known[1], 35);
	CU_ASSERT_EQUAL(known[3], 29);

	/* some by name: H0 = 0 / 9 / 11..15 are not groups; H1 out of the group's range */
	static const uint8_t unk[] = { 0x00, 0x10, 0x19, 0x1b, 0x1f, 0x71, 0x81, 0x32, 0x96, 0x37,
				       0x58, 0x2a, 0xff };
	for (unsigned int i = 0; i < ARRAY_SIZE(unk); i++) {
		struct sg_mtp3_snm d;

		CU_ASSERT_EQUAL(sg_mtp3_snm_decode(&d, &fmt_ansi, NULL, &unk[i], 1),
				SG_MTP3_ERR_UNKNOWN);
	}
	/* ANSI-only messages in ITU: unknown */
	{
		static const uint8_t tcp[] = { 0x24, 0x01, 0x02 }, trw[] = { 0x27 };
		struct sg_mtp3_snm d;

		CU_ASSERT_EQUAL(sg_mtp3_snm_decode(&d, &fmt_itu, NULL, tcp, 3),
				SG_MTP3_ERR_UNKNOWN);
		CU_ASSERT_EQUAL(sg_mtp3_snm_decode(&d, &fmt_itu, NULL, trw, 1),
				SG_MTP3_ERR_UNKNOWN);
		CU_ASSERT_EQUAL(sg_mtp3_snm_decode(&d, &fmt_ansi, NULL, trw, 1), SG_MTP3_OK);
		CU_ASSERT_EQUAL(sg_mtp3_snm_decode(&d, &fmt_ttc, NULL, trw, 1),
				SG_MTP3_ERR_VARIANT);
	}
	CU_ASSERT_STRING_EQUAL(get_value_string(sg_mtp3_snm_type_names, SG_MTP3_XCA), "XCA");
	CU_ASSERT_STRING_EQUAL(get_value_string(sg_mtp3_snm_type_descs, SG_MTP3_LFU),
			       "link forced uninhibit");
	CU_ASSERT_STRING_EQUAL(get_value_string(sg_mtp3_h0_names, SG_MTP3_H0_UFC), "UFC");
	CU_ASSERT_STRING_EQUAL(get_value_string(sg_mtp3_upu_cause_names, 1),
			       "unequipped remote user");
}

static void test_snm_msu(void)
{
	/* A whole ITU COO MSU on link SLC 9, FSN 0x5a, national: SIO 0x80 (NI 10, SI 0000);
	 * label DPC 0x2345, OPC 0x1abc, SLS = SLC 9 -> 45 23 af 96; heading 11; FSN 5a. */
	static const uint8_t coo[] = { 0x80, 0x45, 0x23, 0xaf, 0x96, 0x11, 0x5a };
	struct sg_mtp3_hdr h = { .ni = SG_NI_NATIONAL, .label = { 0x2345, 0x1abc, 0 } }, dh;
	struct sg_mtp3_snm m = { .heading = SG_MTP3_COO, .slc = 9, .fsn = 0x5a }, d;
	uint8_t buf[32], wrong_si[sizeof(coo)];

	CU_ASSERT_EQUAL(sg_mtp3_snm_msu_encode(buf, sizeof(buf), &fmt_itu, &h, &m), sizeof(coo));
	CU_ASSERT(!memcmp(buf, coo, sizeof(coo)));
	CU_ASSERT_EQUAL(sg_mtp3_snm_msu_decode(&dh, &d, &fmt_itu, coo, sizeof(coo)), SG_MTP3_OK);
	CU_ASSERT(snm_eq(&d, &m));
	CU_ASSERT_EQUAL(dh.label.sls, 9);
	/* trailing octets are ignored */
	memcpy(buf, coo, sizeof(coo));
	buf[sizeof(coo)] = 0xee;
	CU_ASSERT_EQUAL(sg_mtp3_snm_msu_decode(&dh, &d, &fmt_itu, buf, sizeof(coo) + 1),
			SG_MTP3_OK);
	CU_ASSERT(snm_eq(&d, &m));
	/* an MSU of another user part is not SNM */
	memcpy(wrong_si, coo, sizeof(coo));
	wrong_si[0] = 0x83;
	CU_ASSERT_EQUAL(sg_mtp3_snm_msu_decode(&dh, &d, &fmt_itu, wrong_si, sizeof(coo)),
			SG_MTP3_ERR_SI);
	/* out of range fields are refused */
	m.fsn = 0x80;
	CU_ASSERT_EQUAL(sg_mtp3_snm_msu_encode(buf, sizeof(buf), &fmt_itu, &h, &m), 0);
	m = (struct sg_mtp3_snm){ .heading = SG_MTP3_COO, .slc = 16 };
	CU_ASSERT_EQUAL(sg_mtp3_snm_msu_encode(buf, sizeof(buf), &fmt_ansi, &h, &m), 0);
	CU_ASSERT_EQUAL(sg_mtp3_snm_msu_encode(buf, sizeof(buf), &fmt_itu, &h, &m), 0);
	m = (struct sg_mtp3_snm){ .heading = SG_MTP3_TFP, .dest = 0x4000 };
	CU_ASSERT_EQUAL(sg_mtp3_snm_encode(buf, sizeof(buf), &fmt_itu, &m), 0);
	CU_ASSERT_EQUAL(sg_mtp3_snm_encode(buf, sizeof(buf), &fmt_ansi, &m), 4);
	m = (struct sg_mtp3_snm){ .heading = SG_MTP3_TFC, .cong_status = 4 };
	CU_ASSERT_EQUAL(sg_mtp3_snm_encode(buf, sizeof(buf), &fmt_itu, &m), 0);
	m = (struct sg_mtp3_snm){ .heading = SG_MTP3_DLC, .sdli = 0x1000 };
	CU_ASSERT_EQUAL(sg_mtp3_snm_encode(buf, sizeof(buf), &fmt_itu, &m), 0);
	CU_ASSERT_EQUAL(sg_mtp3_snm_encode(buf, sizeof(buf), &fmt_ansi, &m), 4);
	m = (struct sg_mtp3_snm){ .heading = SG_MTP3_UPU, .upu_cause = 16 };
	CU_ASSERT_EQUAL(sg_mtp3_snm_encode(buf, sizeof(buf), &fmt_itu, &m), 0);
	m = (struct sg_mtp3_snm){ .heading = 0x99 };
	CU_ASSERT_EQUAL(sg_mtp3_snm_encode(buf, sizeof(buf), &fmt_ansi, &m), 0);
	m = (struct sg_mtp3_snm){ .heading = SG_MTP3_TRA };
	CU_ASSERT_EQUAL(sg_mtp3_snm_encode(buf, sizeof(buf), &fmt_ttc, &m), 0);
	CU_ASSERT_EQUAL(sg_mtp3_snm_encode(buf, 0, &fmt_itu, &m), 0);
}

/* ---- SLTM / SLTA ---- */

static void test_slt(void)
{
	/* ITU SLTM (Q.707 §2.2): SIO 0x81 (national, SI 1); label DPC 0x2345, OPC 0x1abc,
	 * SLS = SLC 9 -> 45 23 af 96; heading H1 0001 H0 0001 = 11; length 4 in bits 8-5,
	 * spare bits 4-1 = 40; pattern 01 02 03 04. */
	static const uint8_t itu[] = { 0x81, 0x45, 0x23, 0xaf, 0x96, 0x11, 0x40, 1, 2, 3, 4 };
	/* ANSI SLTA (T1.111.7): SIO 0xb2 (national, priority 3, SI 2 special); DPC 0x0a0b0c,
	 * OPC 0x010203, SLS 5; heading 21; length 2 << 4 | SLC 5 = 25; pattern aa 55. */
	static const uint8_t ansi[] = { 0xb2, 0x0c, 0x0b, 0x0a, 0x03, 0x02, 0x01, 0x05,
					0x21, 0x25, 0xaa, 0x55 };
	struct sg_mtp3_hdr h = { .si = 1, .ni = SG_NI_NATIONAL, .label = { 0x2345, 0x1abc, 0 } };
	struct sg_mtp3_slt m = { .heading = SG_MTP3_SLTM, .slc = 9, .len = 4,
				 .pattern = { 1, 2, 3, 4 } }, d;
	struct sg_mtp3_hdr dh;
	uint8_t buf[40];

	CU_ASSERT_EQUAL(sg_mtp3_slt_msu_encode(buf, sizeof(buf), &fmt_itu, &h, &m), sizeof(itu));
	CU_ASSERT(!memcmp(buf, itu, sizeof(itu)));
	CU_ASSERT_EQUAL(sg_mtp3_slt_msu_decode(&dh, &d, &fmt_itu, itu, sizeof(itu)), SG_MTP3_OK);
	CU_ASSERT(slt_eq(&d, &m));
	CU_ASSERT_EQUAL(dh.si, 1);
	for (size_t k = 0; k < sizeof(itu); k++)
		CU_ASSERT_NOT_EQUAL(sg_mtp3_slt_msu_decode(&dh, &d, &fmt_itu, itu, k), SG_MTP3_OK);
	/* short: header and heading+LI octet; beyond that the LI points past the end */
	CU_ASSERT_EQUAL(sg_mtp3_slt_msu_decode(&dh, &d, &fmt_itu, itu, 4), SG_MTP3_ERR_SHORT);
	CU_ASSERT_EQUAL(sg_mtp3_slt_msu_decode(&dh, &d, &fmt_itu, itu, 6), SG_MTP3_ERR_SHORT);
	CU_ASSERT_EQUAL(sg_mtp3_slt_msu_decode(&dh, &d, &fmt_itu, itu, 7), SG_MTP3_ERR_LI);
	CU_ASSERT_EQUAL(sg_mtp3_slt_msu_decode(&dh, &d, &fmt_itu, itu, 10), SG_MTP3_ERR_LI);
	/* SI 2 is not a test message in ITU */
	memcpy(buf, itu, sizeof(itu));
	buf[0] = 0x82;
	CU_ASSERT_EQUAL(sg_mtp3_slt_msu_decode(&dh, &d, &fmt_itu, buf, sizeof(itu)),
			SG_MTP3_ERR_SI);
	/* unknown H0/H1 */
	buf[0] = 0x81;
	buf[5] = 0x31;
	CU_ASSERT_EQUAL(sg_mtp3_slt_msu_decode(&dh, &d, &fmt_itu, buf, sizeof(itu)),
			SG_MTP3_ERR_UNKNOWN);
	buf[5] = 0x12;
	CU_ASSERT_EQUAL(sg_mtp3_slt_msu_decode(&dh, &d, &fmt_itu, buf, sizeof(itu)),
			SG_MTP3_ERR_UNKNOWN);

	h = (struct sg_mtp3_hdr){ .si = 2, .ni = SG_NI_NATIONAL, .prio = 3,
				  .label = { 0x0a0b0c, 0x010203, 5 } };
	m = (struct sg_mtp3_slt){ .heading = SG_MTP3_SLTA, .slc = 5, .len = 2,
				  .pattern = { 0xaa, 0x55 } };
	CU_ASSERT_EQUAL(sg_mtp3_slt_msu_encode(buf, sizeof(buf), &fmt_ansi, &h, &m), sizeof(ansi));
	CU_ASSERT(!memcmp(buf, ansi, sizeof(ansi)));
	CU_ASSERT_EQUAL(sg_mtp3_slt_msu_decode(&dh, &d, &fmt_ansi, ansi, sizeof(ansi)),
			SG_MTP3_OK);
	CU_ASSERT(slt_eq(&d, &m));
	CU_ASSERT(hdr_eq(&dh, &h));
	for (size_t k = 0; k < sizeof(ansi); k++)
		CU_ASSERT_NOT_EQUAL(sg_mtp3_slt_msu_decode(&dh, &d, &fmt_ansi, ansi, k),
				    SG_MTP3_OK);

	/* every pattern length, all variants, both types */
	for (unsigned int fi = 0; fi < ARRAY_SIZE(all_fmts); fi++) {
		for (unsigned int len = 0; len <= SG_MTP3_SLT_PATTERN_MAX; len++) {
			struct sg_mtp3_slt s = { .heading = len & 1 ? SG_MTP3_SLTA : SG_MTP3_SLTM,
						 .slc = len, .len = len };
			size_t n;

			h = (struct sg_mtp3_hdr){ .si = 1, .label = { 1, 2, 3 } };
			for (unsigned int i = 0; i < len; i++)
				s.pattern[i] = (uint8_t)(0x30 + i * 7);
			n = sg_mtp3_slt_msu_encode(buf, sizeof(buf), all_fmts[fi], &h, &s);
			CU_ASSERT_EQUAL(n, sg_mtp3_hdr_len(all_fmts[fi]->variant) + 2 + len);
			CU_ASSERT_EQUAL(sg_mtp3_slt_msu_decode(&dh, &d, all_fmts[fi], buf, n),
					SG_MTP3_OK);
			CU_ASSERT(slt_eq(&d, &s));
			CU_ASSERT_EQUAL(sg_mtp3_slt_msu_encode(buf, n - 1, all_fmts[fi], &h, &s),
					0);
		}
	}
	/* encoder limits */
	m.len = 16;
	CU_ASSERT_EQUAL(sg_mtp3_slt_encode(buf, sizeof(buf), &fmt_itu, &m), 0);
	m.len = 1;
	m.slc = 16;
	CU_ASSERT_EQUAL(sg_mtp3_slt_encode(buf, sizeof(buf), &fmt_ansi, &m), 0);
	m.slc = 0;
	m.heading = 0x31;
	CU_ASSERT_EQUAL(sg_mtp3_slt_encode(buf, sizeof(buf), &fmt_itu, &m), 0);
	m.heading = SG_MTP3_SLTM;
	CU_ASSERT_EQUAL(sg_mtp3_slt_encode(buf, sizeof(buf), &fmt_ttc, &m), 0);
	CU_ASSERT_EQUAL(sg_mtp3_slt_decode(&d, &fmt_ttc, NULL, ansi + 8, 4), SG_MTP3_ERR_VARIANT);
	CU_ASSERT_STRING_EQUAL(get_value_string(sg_mtp3_slt_type_names, SG_MTP3_SLTA), "SLTA");
}

/* ---- independent check: Wireshark's MTP3 dissector (linktype 141) ---- */

enum tf {
	TF_DPC, TF_OPC, TF_SLS, TF_SI, TF_NI, TF_H0, TF_H1, TF_TH0, TF_TH1, TF_SLC, TF_FSN,
	TF_CBC, TF_APC, TF_NET, TF_CLU, TF_MEM, TF_STATUS, TF_LINK, TF_USER, TF_CAUSE, TF_TLEN,
	TF_PATTERN, TF_MALFORMED, TF_EXPERT, TF_NUM
};

static const char *const tf_names[TF_NUM] = {
	"mtp3.dpc", "mtp3.opc", "mtp3.sls", "mtp3.service_indicator", "mtp3.network_indicator",
	"mtp3mg.h0", "mtp3mg.h1", "mtp3mg.test.h0", "mtp3mg.test.h1", "mtp3mg.slc",
	"mtp3mg.fsn", "mtp3mg.cbc", "mtp3mg.apc", "mtp3mg.apc.network", "mtp3mg.apc.cluster",
	"mtp3mg.apc.member", "mtp3mg.status", "mtp3mg.link", "mtp3mg.user", "mtp3mg.cause",
	"mtp3mg.test.length", "mtp3mg.test_pattern", "_ws.malformed", "_ws.expert",
};

/* What we encoded, in the terms tshark reports. */
struct expect {
	bool set[TF_NUM];
	unsigned long val[TF_NUM];
	char pattern[2 * SG_MTP3_SLT_PATTERN_MAX + 1];
	char what[32];
};

static void ex(struct expect *e, enum tf f, unsigned long v)
{
	e->set[f] = true;
	e->val[f] = v;
}

static void expect_hdr(struct expect *e, const uint8_t *msu, const struct sg_mtp3_fmt *f)
{
	struct sg_mtp3_hdr h;

	/* the header as encoded (SLS may have been replaced by the SLC) */
	CU_ASSERT_EQUAL(sg_mtp3_hdr_decode(&h, f, msu, sg_mtp3_hdr_len(f->variant)), SG_MTP3_OK);
	ex(e, TF_DPC, h.label.dpc);
	ex(e, TF_OPC, h.label.opc);
	ex(e, TF_SLS, h.label.sls);
	ex(e, TF_SI, h.si);
	ex(e, TF_NI, h.ni);
}

static void expect_pc(struct expect *e, const struct sg_mtp3_fmt *f, uint32_t pc)
{
	if (f->variant == SG_PC_ITU) {
		ex(e, TF_APC, pc);
	} else {
		ex(e, TF_NET, pc >> 16);
		ex(e, TF_CLU, (pc >> 8) & 0xff);
		ex(e, TF_MEM, pc & 0xff);
	}
}

static void expect_snm(struct expect *e, const struct sg_mtp3_fmt *f, const struct sg_mtp3_snm *m)
{
	bool ansi = f->variant == SG_PC_ANSI;

	snprintf(e->what, sizeof(e->what), "%s %s", get_value_string(sg_mtp3_variant_names,
		 f->variant), get_value_string(sg_mtp3_snm_type_names, m->heading));
	ex(e, TF_H0, m->heading & 0xf);
	ex(e, TF_H1, m->heading >> 4);
	switch (m->heading) {
	case SG_MTP3_COO:
	case SG_MTP3_COA:
	case SG_MTP3_XCO:
	case SG_MTP3_XCA:
		ex(e, TF_FSN, m->fsn);
		break;
	case SG_MTP3_CBD:
	case SG_MTP3_CBA:
		ex(e, TF_CBC, m->cbc);
		break;
	case SG_MTP3_TFC:
		expect_pc(e, f, m->dest);
		ex(e, TF_STATUS, m->cong_status);
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
		expect_pc(e, f, m->dest);
		break;
	case SG_MTP3_DLC:
		ex(e, TF_LINK, m->sdli);
		break;
	case SG_MTP3_UPU:
		expect_pc(e, f, m->dest);
		ex(e, TF_USER, m->upu_user);
		ex(e, TF_CAUSE, m->upu_cause);
		break;
	}
	/* Wireshark decodes the ANSI SLC of all link-oriented messages but CSS/CNS/CNP */
	if (ansi && sg_mtp3_snm_link_oriented(m->heading) && (m->heading & 0xf) != SG_MTP3_H0_DLM)
		ex(e, TF_SLC, m->slc);
	if (ansi && m->heading == SG_MTP3_DLC)
		ex(e, TF_SLC, m->slc);
}

static void expect_slt(struct expect *e, const struct sg_mtp3_fmt *f, const struct sg_mtp3_slt *m)
{
	snprintf(e->what, sizeof(e->what), "%s %s", get_value_string(sg_mtp3_variant_names,
		 f->variant), get_value_string(sg_mtp3_slt_type_names, m->heading));
	ex(e, TF_TH0, m->heading & 0xf);
	ex(e, TF_TH1, m->heading >> 4);
	ex(e, TF_TLEN, m->len);
	if (f->variant == SG_PC_ANSI)
		ex(e, TF_SLC, m->slc);
	for (unsigned int i = 0; i < m->len; i++)
		snprintf(e->pattern + 2 * i, 3, "%02x", m->pattern[i]);
}

/* Split a tshark -T fields line on '|' (empty fields kept). */
static unsigned int split(char *line, char **f, unsigned int max)
{
	unsigned int n = 0;

	line[strcspn(line, "\r\n")] = 0;
	f[n++] = line;
	for (char *p = line; *p && n < max; p++) {
		if (*p == '|') {
			*p = 0;
			f[n++] = p + 1;
		}
	}
	return n;
}

static bool have_tshark(void)
{
	return system("command -v tshark >/dev/null 2>&1") == 0;
}

/* Encode every message of the variant into a linktype 141 pcap, decode it with tshark and
 * compare field by field.  Returns the number of frames that matched. */
static unsigned int tshark_check(const struct sg_mtp3_fmt *f, const char *standard)
{
	char path[] = "/tmp/test_mtp3_codec_XXXXXX";
	struct expect *exp = calloc(64, sizeof(*exp));
	unsigned int nexp = 0, lineno = 0, matched = 0;
	struct sg_pcap *pc;
	char cmd[1024], line[2048];
	size_t off;
	FILE *p;
	int fd;

	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	pc = sg_pcap_open(path, 141);
	CU_ASSERT_FATAL(pc != NULL);

	for (const struct value_string *vs = sg_mtp3_snm_type_names; vs->str; vs++) {
		struct sg_mtp3_hdr h = { .ni = SG_NI_NATIONAL,
					 .label = { .dpc = 0x1234, .opc = 0x2345, .sls = 6 } };
		struct sg_mtp3_snm m;
		uint8_t buf[32];
		size_t n;

		if (!sg_mtp3_snm_valid(f, (uint8_t)vs->value))
			continue;
		m = snm_fill(f, (uint8_t)vs->value, nexp + 1);
		n = sg_mtp3_snm_msu_encode(buf, sizeof(buf), f, &h, &m);
		CU_ASSERT_FATAL(n > 0);
		CU_ASSERT_EQUAL(sg_pcap_write(pc, buf, n), 0);
		expect_hdr(&exp[nexp], buf, f);
		expect_snm(&exp[nexp], f, &m);
		nexp++;
	}
	for (unsigned int i = 0; i < 2; i++) {
		struct sg_mtp3_hdr h = { .si = 1, .ni = SG_NI_NATIONAL,
					 .label = { .dpc = 0x0321, .opc = 0x0123, .sls = 0 } };
		struct sg_mtp3_slt m = { .heading = i ? SG_MTP3_SLTA : SG_MTP3_SLTM,
					 .slc = 11, .len = i ? 15 : 4,
					 .pattern = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7,
						      8, 9, 10, 11 } };
		uint8_t buf[40];
		size_t n = sg_mtp3_slt_msu_encode(buf, sizeof(buf), f, &h, &m);

		CU_ASSERT_FATAL(n > 0);
		CU_ASSERT_EQUAL(sg_pcap_write(pc, buf, n), 0);
		expect_hdr(&exp[nexp], buf, f);
		expect_slt(&exp[nexp], f, &m);
		nexp++;
	}
	sg_pcap_close(pc);

	off = snprintf(cmd, sizeof(cmd), "tshark -n -r %s -o 'mtp3.standard:%s' -T fields "
		       "-E separator='|' -E occurrence=f", path, standard);
	for (unsigned int i = 0; i < TF_NUM; i++)
		off += snprintf(cmd + off, sizeof(cmd) - off, " -e %s", tf_names[i]);
	snprintf(cmd + off, sizeof(cmd) - off, " 2>/dev/null");
	p = popen(cmd, "r");
	CU_ASSERT_FATAL(p != NULL);
	while (fgets(line, sizeof(line), p)) {
		char *fld[TF_NUM + 1];
		struct expect *e;
		bool ok = true;

		if (lineno >= nexp) {
			lineno++;
			continue;
		}
		e = &exp[lineno++];
		if (split(line, fld, TF_NUM + 1) != TF_NUM) {
			printf("\n  %s: tshark gave a short line", e->what);
			CU_FAIL("tshark output");
			continue;
		}
		for (unsigned int i = 0; i < TF_NUM; i++) {
			unsigned long v;
			char *end;

			if (i == TF_MALFORMED || i == TF_EXPERT) {
				if (fld[i][0]) {
					printf("\n  %s: tshark %s: %s", e->what, tf_names[i],
					       fld[i]);
					ok = false;
				}
				continue;
			}
			if (i == TF_PATTERN) {
				char hex[64] = "";
				unsigned int k = 0;

				for (const char *s = fld[i]; *s && k < sizeof(hex) - 1; s++)
					if (*s != ':')
						hex[k++] = *s;
				hex[k] = 0;
				if (strcmp(hex, e->pattern)) {
					printf("\n  %s: pattern %s, expected %s", e->what, hex,
					       e->pattern);
					ok = false;
				}
				continue;
			}
			if (!e->set[i])
				continue;
			v = strtoul(fld[i], &end, 0);
			if (!fld[i][0] || *end || v != e->val[i]) {
				printf("\n  %s: %s = '%s', expected %lu", e->what, tf_names[i],
				       fld[i], e->val[i]);
				ok = false;
			}
		}
		CU_ASSERT(ok);
		matched += ok;
	}
	CU_ASSERT_EQUAL(pclose(p), 0);
	CU_ASSERT_EQUAL(lineno, nexp);
	printf("\n  tshark (%s): %u of %u frames match", standard, matched, nexp);
	unlink(path);
	free(exp);
	return matched;
}

/* Routing labels of every variant and SLS option, carried with a spare SI (11) so that no
 * user part dissector runs: DPC, OPC, SLS, SI, NI (and ANSI priority) as tshark reads them. */
static unsigned int tshark_label_check(const struct sg_mtp3_fmt *f, const char *opts)
{
	char path[] = "/tmp/test_mtp3_label_XXXXXX";
	struct sg_mtp3_hdr exp[16];
	unsigned int nexp = 0, lineno = 0, matched = 0;
	uint32_t pcm = f->variant == SG_PC_ITU ? 0x3fff :
		       f->variant == SG_PC_TTC ? 0xffff : 0xffffff;
	unsigned int slsm = (1U << sg_mtp3_sls_bits(f)) - 1;
	struct sg_pcap *pc;
	char cmd[512], line[512];
	FILE *p;
	int fd;

	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	pc = sg_pcap_open(path, 141);
	CU_ASSERT_FATAL(pc != NULL);
	for (unsigned int i = 0; i < ARRAY_SIZE(exp); i++) {
		struct sg_mtp3_hdr *h = &exp[nexp];
		uint8_t buf[16] = { 0 };
		size_t n;

		/* the extremes first, then spread values */
		*h = (struct sg_mtp3_hdr){ .si = 11, .ni = i & 3, .prio = (i >> 2) & 3 };
		h->label.dpc = i == 0 ? 0 : i == 1 ? pcm : (i * 0x9e3779b1U >> 7) & pcm;
		h->label.opc = i == 0 ? pcm : i == 1 ? 0 : (i * 0x85ebca6bU >> 5) & pcm;
		h->label.sls = i == 0 ? slsm : i == 1 ? 0 : (i * 7) & slsm;
		n = sg_mtp3_hdr_encode(buf, sizeof(buf), f, h);
		CU_ASSERT_FATAL(n == sg_mtp3_hdr_len(f->variant));
		/* two octets of payload for the data dissector */
		CU_ASSERT_EQUAL(sg_pcap_write(pc, buf, n + 2), 0);
		nexp++;
	}
	sg_pcap_close(pc);
	snprintf(cmd, sizeof(cmd), "tshark -n -r %s %s -T fields -E separator='|' "
		 "-E occurrence=f -e mtp3.dpc -e mtp3.opc -e mtp3.sls -e mtp3.service_indicator "
		 "-e mtp3.network_indicator -e mtp3.priority -e _ws.malformed 2>/dev/null",
		 path, opts);
	p = popen(cmd, "r");
	CU_ASSERT_FATAL(p != NULL);
	while (fgets(line, sizeof(line), p)) {
		const struct sg_mtp3_hdr *h;
		char *fld[8];
		bool ok;

		if (lineno >= nexp) {
			lineno++;
			continue;
		}
		h = &exp[lineno++];
		if (split(line, fld, 8) != 7) {
			CU_FAIL("tshark output");
			continue;
		}
		ok = strtoul(fld[0], NULL, 0) == h->label.dpc &&
		     strtoul(fld[1], NULL, 0) == h->label.opc &&
		     strtoul(fld[2], NULL, 0) == h->label.sls &&
		     strtoul(fld[3], NULL, 0) == h->si && strtoul(fld[4], NULL, 0) == h->ni &&
		     !fld[6][0];
		if (f->variant == SG_PC_ANSI)
			ok = ok && fld[5][0] && strtoul(fld[5], NULL, 0) == h->prio;
		if (!ok)
			printf("\n  label %u (%s): tshark %s|%s|%s|%s|%s|%s|%s, expected %u %u %u",
			       lineno, opts, fld[0], fld[1], fld[2], fld[3], fld[4], fld[5], fld[6],
			       h->label.dpc, h->label.opc, h->label.sls);
		CU_ASSERT(ok);
		matched += ok;
	}
	CU_ASSERT_EQUAL(pclose(p), 0);
	CU_ASSERT_EQUAL(lineno, nexp);
	printf("\n  tshark labels (%s): %u of %u match", opts, matched, nexp);
	unlink(path);
	return matched;
}

static void test_tshark_labels(void)
{
	static const struct sg_mtp3_fmt fmt_ttc5 = { .variant = SG_PC_TTC, .sls5 = true };

	if (!have_tshark()) {
		printf("\n  SKIP: tshark not found, independent check not run\n  ");
		return;
	}
	CU_ASSERT_EQUAL(tshark_label_check(&fmt_itu, "-o mtp3.standard:ITU"), 16);
	CU_ASSERT_EQUAL(tshark_label_check(&fmt_ansi, "-o mtp3.standard:ANSI"), 16);
	CU_ASSERT_EQUAL(tshark_label_check(&fmt_ansi5, "-o mtp3.standard:ANSI "
					   "-o mtp3.ansi_5_bit_sls:TRUE"), 16);
	CU_ASSERT_EQUAL(tshark_label_check(&fmt_china, "-o 'mtp3.standard:Chinese ITU'"), 16);
	CU_ASSERT_EQUAL(tshark_label_check(&fmt_ttc, "-o mtp3.standard:Japan"), 16);
	CU_ASSERT_EQUAL(tshark_label_check(&fmt_ttc5, "-o mtp3.standard:Japan "
					   "-o mtp3.japan_5_bit_sls:TRUE"), 16);
	printf("\n  ");
}

static void test_tshark(void)
{
	if (!have_tshark()) {
		printf("\n  SKIP: tshark not found, independent check not run\n  ");
		return;
	}
	/* 29 SNM + 2 SLT (ITU, China), 35 + 2 (ANSI) */
	CU_ASSERT_EQUAL(tshark_check(&fmt_itu, "ITU"), 31);
	CU_ASSERT_EQUAL(tshark_check(&fmt_ansi, "ANSI"), 37);
	CU_ASSERT_EQUAL(tshark_check(&fmt_china, "Chinese ITU"), 31);
	printf("\n  ");
}

static const struct cu_test tests[] = {
	{ "label golden vectors and short buffers", test_label_golden },
	{ "label spare bits and ranges", test_label_spare_and_range },
	{ "SIO + label", test_hdr },
	{ "SNM golden vectors", test_snm_golden },
	{ "SNM round trip, every type, every variant", test_snm_roundtrip_all },
	{ "SNM unknown headings", test_snm_unknown },
	{ "SNM whole MSU", test_snm_msu },
	{ "SLTM/SLTA", test_slt },
	{ "tshark cross-check: labels", test_tshark_labels },
	{ "tshark cross-check: SNM and SLT", test_tshark },
	{ NULL, NULL }
};

int main(void)
{
	return cu_run_suite("mtp3_codec", tests, NULL, NULL);
}
