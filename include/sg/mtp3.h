/* MTP3 message codec: SIO and routing label (Q.704 §2.2, §14; T1.111.4 §14), signalling network
 * management (Q.704 §15; T1.111.4 §15) and signalling link test messages (Q.707 §2; T1.111.7). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <osmocom/core/utils.h>

#include <sg/pc.h>

/*
 * Conventions
 * - Decoders check every length before reading.  They return SG_MTP3_OK (0) or a positive
 *   enum sg_mtp3_err; on error the output struct holds what could be read (for logging).
 *   Spare bits are ignored on receipt.
 * - Encoders return the number of octets written, or 0 when the output buffer is too small or a
 *   field does not fit its coding (a point code too wide for the variant, SLC > 15, ...), or
 *   the message does not exist in the variant.  Spare bits are sent as 0.
 * - Multi-octet fields are sent least significant octet (and bit) first, Q.704 §14.1.
 */

/* Service indicator, Q.704 §14.2.1 (T1.111.4: SI 2 = special maintenance) */
enum sg_mtp3_si {
	SG_MTP3_SI_SNM = 0,		/* signalling network management */
	SG_MTP3_SI_MTN = 1,		/* signalling network testing and maintenance */
	SG_MTP3_SI_MTNS = 2,		/* ITU spare; ANSI special testing and maintenance */
	SG_MTP3_SI_SCCP = 3,
	SG_MTP3_SI_TUP = 4,
	SG_MTP3_SI_ISUP = 5,
	SG_MTP3_SI_DUP_CC = 6,
	SG_MTP3_SI_DUP_FAC = 7,
	SG_MTP3_SI_MTP_TEST = 8,
	SG_MTP3_SI_ISUP_B = 9,
	SG_MTP3_SI_ISUP_S = 10,
	SG_MTP3_SI_AAL2 = 12,
	SG_MTP3_SI_BICC = 13,
	SG_MTP3_SI_GCP = 14,
};
extern const struct value_string sg_mtp3_si_names[];
/* enum sg_mtp_ni (mtp_sap.h) */
extern const struct value_string sg_mtp3_ni_names[];
/* enum sg_pc_variant (config.h) */
extern const struct value_string sg_mtp3_variant_names[];

enum sg_mtp3_err {
	SG_MTP3_OK = 0,
	SG_MTP3_ERR_SHORT,		/* shorter than the SIO + label, heading or fixed part */
	SG_MTP3_ERR_UNKNOWN,		/* unknown or (in this variant) undefined H0/H1 */
	SG_MTP3_ERR_SI,			/* SIO's service indicator is not that of the message set */
	SG_MTP3_ERR_VARIANT,		/* message set not in this variant (TTC SNM and SLT) */
	SG_MTP3_ERR_LI,			/* SLTM/SLTA length indicator beyond the message */
};
extern const struct value_string sg_mtp3_err_names[];

/* Which variant, and its national options. */
struct sg_mtp3_fmt {
	enum sg_pc_variant variant;
	/* ANSI: 5-bit SLS option (T1.111.4 §14.2; the upper 3 bits of the SLS octet are spare);
	 * TTC: 5-bit SLS (upper 3 bits spare) instead of 4 */
	bool sls5;
};

/* Octets in the routing label: ITU 4, ANSI 7, China 7, TTC 5. */
unsigned int sg_mtp3_label_len(enum sg_pc_variant v);
/* SIO + routing label */
static inline unsigned int sg_mtp3_hdr_len(enum sg_pc_variant v)
{
	return 1 + sg_mtp3_label_len(v);
}
/* Number of SLS bits: ITU 4, ANSI 8 (5 with sls5), China 4, TTC 4 (5 with sls5). */
unsigned int sg_mtp3_sls_bits(const struct sg_mtp3_fmt *f);

/*
 * Routing label, Q.704 §2.2 (Fig. 3), T1.111.4 §2.2:
 *  ITU:   DPC 14 | OPC 14 | SLS 4 (one 32-bit word, LSB first)
 *  ANSI:  DPC 24 | OPC 24 | SLS 8 (or 5 + 3 spare); PCs member, cluster, network octets
 *  China: as ANSI, SLS 4 + 4 spare (GF 001-9001)
 *  TTC:   DPC 16 | OPC 16 | SLS 4 + 4 spare (or 5 + 3 spare) (JT-Q.704; see mtp3_label.c)
 */
struct sg_mtp3_label {
	uint32_t dpc;
	uint32_t opc;
	uint8_t sls;
};

int sg_mtp3_label_decode(struct sg_mtp3_label *l, const struct sg_mtp3_fmt *f,
			 const uint8_t *buf, size_t len);
size_t sg_mtp3_label_encode(uint8_t *buf, size_t size, const struct sg_mtp3_fmt *f,
			    const struct sg_mtp3_label *l);

/* SIO (Q.704 §14.2) and routing label: the first octets of every MSU's SIF. */
struct sg_mtp3_hdr {
	uint8_t si;		/* service indicator, bits D-A */
	uint8_t ni;		/* network indicator, bits H-G (enum sg_mtp_ni) */
	uint8_t prio;		/* bits F-E: ANSI priority, ITU national option; else spare */
	struct sg_mtp3_label label;
};

/* Decode SIO + label of an MSU (SIO onwards); the user part starts at sg_mtp3_hdr_len(). */
int sg_mtp3_hdr_decode(struct sg_mtp3_hdr *h, const struct sg_mtp3_fmt *f,
		       const uint8_t *msu, size_t len);
size_t sg_mtp3_hdr_encode(uint8_t *buf, size_t size, const struct sg_mtp3_fmt *f,
			  const struct sg_mtp3_hdr *h);

static inline uint8_t sg_mtp3_sio(uint8_t si, uint8_t ni, uint8_t prio)
{
	return (uint8_t)(((ni & 3) << 6) | ((prio & 3) << 4) | (si & 0xf));
}

/*
 * Signalling network management messages (SI = 0), Q.704 §15.  The value of each type is its
 * heading octet: H1 in bits 8-5, H0 (message group) in bits 4-1.
 */
#define SG_MTP3_H(h0, h1) (((h1) << 4) | (h0))
enum sg_mtp3_h0 {
	SG_MTP3_H0_CHM = 1,	/* changeover and changeback */
	SG_MTP3_H0_ECM = 2,	/* emergency changeover */
	SG_MTP3_H0_FCM = 3,	/* transfer-controlled and route set congestion */
	SG_MTP3_H0_TFM = 4,	/* transfer prohibited/allowed/restricted */
	SG_MTP3_H0_RSM = 5,	/* signalling-route-set-test */
	SG_MTP3_H0_MIM = 6,	/* management inhibit */
	SG_MTP3_H0_TRM = 7,	/* traffic restart */
	SG_MTP3_H0_DLM = 8,	/* signalling-data-link-connection */
	SG_MTP3_H0_UFC = 10,	/* user part flow control */
};
extern const struct value_string sg_mtp3_h0_names[];

enum sg_mtp3_snm_type {
	SG_MTP3_COO = SG_MTP3_H(1, 1),	/* changeover order */
	SG_MTP3_COA = SG_MTP3_H(1, 2),	/* changeover acknowledgement */
	SG_MTP3_XCO = SG_MTP3_H(1, 3),	/* extended changeover order */
	SG_MTP3_XCA = SG_MTP3_H(1, 4),	/* extended changeover acknowledgement */
	SG_MTP3_CBD = SG_MTP3_H(1, 5),	/* changeback declaration */
	SG_MTP3_CBA = SG_MTP3_H(1, 6),	/* changeback acknowledgement */
	SG_MTP3_ECO = SG_MTP3_H(2, 1),	/* emergency changeover order */
	SG_MTP3_ECA = SG_MTP3_H(2, 2),	/* emergency changeover acknowledgement */
	SG_MTP3_RCT = SG_MTP3_H(3, 1),	/* route set congestion test */
	SG_MTP3_TFC = SG_MTP3_H(3, 2),	/* transfer controlled */
	SG_MTP3_TFP = SG_MTP3_H(4, 1),	/* transfer prohibited */
	SG_MTP3_TCP = SG_MTP3_H(4, 2),	/* ANSI: transfer cluster prohibited */
	SG_MTP3_TFR = SG_MTP3_H(4, 3),	/* transfer restricted */
	SG_MTP3_TCR = SG_MTP3_H(4, 4),	/* ANSI: transfer cluster restricted */
	SG_MTP3_TFA = SG_MTP3_H(4, 5),	/* transfer allowed */
	SG_MTP3_TCA = SG_MTP3_H(4, 6),	/* ANSI: transfer cluster allowed */
	SG_MTP3_RST = SG_MTP3_H(5, 1),	/* route set test, prohibited dest. (ANSI: RSP) */
	SG_MTP3_RSR = SG_MTP3_H(5, 2),	/* route set test, restricted destination */
	SG_MTP3_RCP = SG_MTP3_H(5, 3),	/* ANSI: route set test, cluster prohibited */
	SG_MTP3_RCR = SG_MTP3_H(5, 4),	/* ANSI: route set test, cluster restricted */
	SG_MTP3_LIN = SG_MTP3_H(6, 1),	/* link inhibit */
	SG_MTP3_LUN = SG_MTP3_H(6, 2),	/* link uninhibit */
	SG_MTP3_LIA = SG_MTP3_H(6, 3),	/* link inhibit acknowledgement */
	SG_MTP3_LUA = SG_MTP3_H(6, 4),	/* link uninhibit acknowledgement */
	SG_MTP3_LID = SG_MTP3_H(6, 5),	/* link inhibit denied */
	SG_MTP3_LFU = SG_MTP3_H(6, 6),	/* link forced uninhibit */
	SG_MTP3_LLT = SG_MTP3_H(6, 7),	/* link local inhibit test (ANSI: LLI) */
	SG_MTP3_LRT = SG_MTP3_H(6, 8),	/* link remote inhibit test (ANSI: LRI) */
	SG_MTP3_TRA = SG_MTP3_H(7, 1),	/* traffic restart allowed */
	SG_MTP3_TRW = SG_MTP3_H(7, 2),	/* ANSI: traffic restart waiting */
	SG_MTP3_DLC = SG_MTP3_H(8, 1),	/* signalling data link connection order */
	SG_MTP3_CSS = SG_MTP3_H(8, 2),	/* connection successful */
	SG_MTP3_CNS = SG_MTP3_H(8, 3),	/* connection not successful */
	SG_MTP3_CNP = SG_MTP3_H(8, 4),	/* connection not possible */
	SG_MTP3_UPU = SG_MTP3_H(10, 1),	/* user part unavailable */
};
/* acronyms ("COO") and descriptions ("changeover order") */
extern const struct value_string sg_mtp3_snm_type_names[];
extern const struct value_string sg_mtp3_snm_type_descs[];

/* UPU unavailability cause, Q.704 §15.17.4 */
enum sg_mtp3_upu_cause {
	SG_MTP3_UPU_UNKNOWN = 0,
	SG_MTP3_UPU_UNEQUIPPED = 1,
	SG_MTP3_UPU_INACCESSIBLE = 2,
};
extern const struct value_string sg_mtp3_upu_cause_names[];

struct sg_mtp3_snm {
	uint8_t heading;	/* enum sg_mtp3_snm_type once decoded; the raw octet on UNKNOWN */
	/* Link-oriented messages (sg_mtp3_snm_link_oriented()): the signalling link code.
	 * ANSI carries it in the message; ITU/China in the label's SLS field (Q.704 §15.2):
	 * decoding copies it from the label, the MSU encoder writes it there. */
	uint8_t slc;
	uint32_t fsn;		/* COO/COA: 7 bits; XCO/XCA: 24 bits */
	uint8_t cbc;		/* CBD/CBA: changeback code */
	uint32_t dest;		/* TFC, TFP..TCA, RST..RCR, UPU: affected destination */
	uint8_t cong_status;	/* TFC: congestion status 0..3 (national option; ITU intl: 0) */
	uint16_t sdli;		/* DLC: signalling data link identity (ITU 12, ANSI 14 bits) */
	uint8_t upu_user;	/* UPU: user part identity (an SI value) */
	uint8_t upu_cause;	/* UPU: enum sg_mtp3_upu_cause */
};

/* Does the message concern one signalling link (carries an SLC)? */
bool sg_mtp3_snm_link_oriented(uint8_t heading);
/* Is the heading a message defined in this variant? */
bool sg_mtp3_snm_valid(const struct sg_mtp3_fmt *f, uint8_t heading);

/* Decode the SNM part that follows the routing label (heading first); label gives the SLC
 * for ITU/China link-oriented messages and may be NULL (slc then 0). */
int sg_mtp3_snm_decode(struct sg_mtp3_snm *m, const struct sg_mtp3_fmt *f,
		       const struct sg_mtp3_label *label, const uint8_t *buf, size_t len);
/* Encode heading and fields (without SIO and label). */
size_t sg_mtp3_snm_encode(uint8_t *buf, size_t size, const struct sg_mtp3_fmt *f,
			  const struct sg_mtp3_snm *m);
/* A whole SNM MSU (SIO onwards).  Decode checks SI = 0; encode sets SI = 0 and, in ITU/China,
 * the label's SLS to the SLC of link-oriented messages. */
int sg_mtp3_snm_msu_decode(struct sg_mtp3_hdr *h, struct sg_mtp3_snm *m,
			   const struct sg_mtp3_fmt *f, const uint8_t *msu, size_t len);
size_t sg_mtp3_snm_msu_encode(uint8_t *buf, size_t size, const struct sg_mtp3_fmt *f,
			      const struct sg_mtp3_hdr *h, const struct sg_mtp3_snm *m);

/*
 * Signalling link test messages, Q.707 §2.2 (SI = 1), T1.111.7 (SI = 1 or 2): heading
 * H0 = 1, H1 = 1 SLTM / 2 SLTA; then one octet with the length indicator (bits 8-5) and, in
 * ANSI, the SLC (bits 4-1; ITU: spare, SLC in the label's SLS); then 0..15 octets of pattern.
 */
#define SG_MTP3_SLT_H0 1
enum sg_mtp3_slt_type {
	SG_MTP3_SLTM = SG_MTP3_H(1, 1),
	SG_MTP3_SLTA = SG_MTP3_H(1, 2),
};
extern const struct value_string sg_mtp3_slt_type_names[];

#define SG_MTP3_SLT_PATTERN_MAX 15

struct sg_mtp3_slt {
	uint8_t heading;	/* enum sg_mtp3_slt_type once decoded; the raw octet on UNKNOWN */
	uint8_t slc;		/* ANSI: in the message; ITU/China: the label's SLS */
	uint8_t len;		/* length indicator: octets of test pattern, 0..15 */
	uint8_t pattern[SG_MTP3_SLT_PATTERN_MAX];
};

int sg_mtp3_slt_decode(struct sg_mtp3_slt *m, const struct sg_mtp3_fmt *f,
		       const struct sg_mtp3_label *label, const uint8_t *buf, size_t len);
size_t sg_mtp3_slt_encode(uint8_t *buf, size_t size, const struct sg_mtp3_fmt *f,
			  const struct sg_mtp3_slt *m);
/* Whole MSU: decode accepts SI 1 (and SI 2 in ANSI); encode uses h->si if it is one of those,
 * else SI 1; ITU/China: the label's SLS is set to the SLC. */
int sg_mtp3_slt_msu_decode(struct sg_mtp3_hdr *h, struct sg_mtp3_slt *m,
			   const struct sg_mtp3_fmt *f, const uint8_t *msu, size_t len);
size_t sg_mtp3_slt_msu_encode(uint8_t *buf, size_t size, const struct sg_mtp3_fmt *f,
			      const struct sg_mtp3_hdr *h, const struct sg_mtp3_slt *m);
