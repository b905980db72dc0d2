/* Scripted Q.781 protocol tester (SP B) against one MTP2 link (SP A), in virtual time. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sg/hdlc.h>
#include <sg/mtp2.h>

/*
 * The line is modelled at signal-unit level: an SU of n octets occupies
 * (n + 2 FCS + 1 flag) * 8 bit times in each direction (64 kbit/s, or the
 * Annex A rate).  A pulls its next SU (sg_mtp2_tx_next) when the previous
 * one has been sent; B's SUs are delivered to A (sg_mtp2_rx_su) when they
 * have been received completely.  The virtual clock moves from one SU
 * boundary to the next, firing A's timers at their exact expiry.
 *
 * The tester stands where the HDLC receiver of A would be: an SU that B
 * corrupts is delivered as SG_MTP2_RX_SU_ERROR (a CRC error), a broken
 * B->A path as loss of alignment followed by one SG_MTP2_RX_OCTET_COUNT
 * per N = 16 octet times (Q.703 §4.1.4 octet counting).
 */

#define TST_MAX_IND	512
#define TST_MAX_RX	8192
#define TST_QLEN	8192

/* Kinds of SU seen on the line, as bits for masks. */
enum tst_kind {
	K_SIO, K_SIN, K_SIE, K_SIOS, K_SIPO, K_SIB, K_LSSU_SPARE,
	K_FISU, K_MSU,
};
#define KM(k)		(1u << (k))
#define KM_ALIGN	(KM(K_SIO) | KM(K_SIN) | KM(K_SIE))

struct tst_su {
	uint64_t t;		/* start of transmission (ns) */
	uint8_t raw[SG_MTP2_SU_MAX];
	size_t len;
	struct sg_mtp2_su su;	/* payload points into raw */
	enum tst_kind kind;
};

struct tst_ind {
	enum sg_mtp2_prim prim;
	struct sg_mtp2_param p;
	uint64_t t;
};

enum b_item_kind {
	BI_GOOD,	/* a correct SU */
	BI_ERR,		/* an SU with a CRC error */
	BI_OCTETS,	/* line break: N octets counted */
	BI_LOSS,	/* line break: loss of alignment */
	BI_ABORT,	/* HDLC mode: 7 ones inside the frame (Q.703 §3.2) */
};

struct b_item {
	enum b_item_kind kind;
	uint8_t raw[SG_MTP2_SU_MAX];
	size_t len;
};

struct tester {
	struct sg_mtp2_link *a;
	struct sg_mtp2_cfg cfg;
	uint64_t bit_ns;

	/* A -> B */
	uint64_t a_end;
	struct tst_su a_cur;		/* SU A is sending now */
	bool a_new;			/* a_cur was just pulled */
	unsigned long a_count[K_MSU + 1];	/* SUs of each kind sent by A */

	/* B -> A */
	uint64_t b_end;
	struct b_item b_cur;
	bool b_break, b_broken;
	unsigned int b_err_next;	/* corrupt the next n SUs */
	unsigned int b_err_every, b_err_cnt;	/* corrupt one SU in every n */
	int b_lssu;			/* repeated: LSSU status, or -1: FISU */
	uint8_t b_sf_len;
	uint16_t b_fsn, b_bsn;
	bool b_fib, b_bib;
	bool b_auto_ack;		/* B acknowledges A's in-sequence MSUs */
	bool b_auto_fib;		/* B follows A's NACKs (FIB := A's BIB) */
	bool b_auto_retrans;		/* ... and retransmits its MSUs */
	bool b_hold_ack;		/* B stops updating BSN */
	struct b_item *q;		/* one-shot SUs, sent before the repeat */
	unsigned int q_head, q_tail;
	uint16_t b_tag[4096];		/* tag of B's MSU with that FSN */
	unsigned long b_rx_msu;		/* A's MSUs accepted by B */
	uint16_t b_rx_tag[TST_MAX_RX];

	/* A's level 3 */
	struct tst_ind ind[TST_MAX_IND];
	unsigned int n_ind;
	uint16_t rx_tag[TST_MAX_RX];	/* MSUs delivered to A's L3, by tag */
	unsigned int n_rx;
	unsigned int n_retrieved;

	/* HDLC mode: B's SUs are sent as a bit stream (flags, zero insertion,
	 * FCS) built here and received by A through the software HDLC
	 * receiver (adapters/hdlc.c) */
	bool hdlc;
	struct sg_hdlc_rx arx;
	uint32_t lacc;
	unsigned int lnb;
	uint64_t lbits;
	unsigned int b_nflags;		/* flags between two frames, >= 1 */

	/* result of the last wait */
	struct tst_su hit;
	bool failed;
	char why[256];
};

struct tester *tst_new(const struct sg_mtp2_cfg *cfg);
void tst_free(struct tester *t);
uint64_t tst_now(void);
uint64_t tst_su_ns(const struct tester *t, size_t len);

/* record a failure (first one wins); returns false */
bool tst_fail(struct tester *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* simulation */
void tst_step(struct tester *t);
void tst_run(struct tester *t, uint64_t ns);
/* Run until A starts sending an SU whose kind is in mask; the SU being
 * sent at the call is not considered.  false on timeout. */
bool tst_wait(struct tester *t, unsigned int mask, uint64_t timeout_ns);
/* Run for ns; false (and failure) if A sends an SU whose kind is not in mask. */
bool tst_only(struct tester *t, unsigned int mask, uint64_t ns);
/* Run until A's L3 gets prim (counting from indication index from). */
bool tst_wait_ind(struct tester *t, enum sg_mtp2_prim prim, unsigned int from,
		  uint64_t timeout_ns);
/* Index of the first indication prim at or after from, or -1. */
int tst_find_ind(const struct tester *t, enum sg_mtp2_prim prim, unsigned int from);

/* A's level 3 orders */
void a_req(struct tester *t, enum sg_mtp2_prim prim);
void a_msu(struct tester *t, uint16_t tag, unsigned int len);

/* B */
void b_repeat_lssu(struct tester *t, enum sg_mtp2_lssu_status st);
void b_repeat_fisu(struct tester *t);
void b_queue_su(struct tester *t, const struct sg_mtp2_su *su, enum b_item_kind kind);
void b_queue_lssu(struct tester *t, uint8_t status);
void b_queue_fisu(struct tester *t, uint16_t fsn, bool fib, uint16_t bsn, bool bib);
/* a new MSU with the next FSN and B's current indicators */
void b_send_msu(struct tester *t, uint16_t tag, unsigned int len);
/* an MSU with explicit fields (fsn not remembered) */
void b_queue_msu(struct tester *t, uint16_t fsn, bool fib, uint16_t bsn, bool bib,
		 uint16_t tag, unsigned int len);
unsigned int b_queue_len(const struct tester *t);
/* any octets as one SU (lengths and contents not checked) */
void b_queue_raw(struct tester *t, const uint8_t *su, size_t len, enum b_item_kind kind);
/* switch B->A to the bit-level HDLC path (before any traffic) */
void tst_hdlc_mode(struct tester *t);

/* bring A to a state with B cooperating; false (and failure) if not reached */
bool tst_align(struct tester *t, bool emerg_a, bool emerg_b);
bool tst_in_service(struct tester *t);

enum tst_kind tst_kind_of(const struct sg_mtp2_su *su);
const char *tst_kind_name(enum tst_kind k);
