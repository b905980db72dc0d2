/* ITU-T Q.781 (MTP level 2 test specification) suite for our Q.703 MTP2, in virtual time. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include <osmocom/core/application.h>

#include <sg/counter.h>
#include <sg/log.h>
#include <sg/timer.h>
#include "mtp2_tester.h"

/*
 * SP A is our MTP2 (the implementation under test), SP B the scripted
 * tester (mtp2_tester.c).  Every test follows the line of the same number in
 * doc/conformance/q781.md; where the sequence is derived or was open to
 * doubt (doc/conformance/README.md), the comment of the test says what Q.703
 * made us choose.  Timing windows are the Q.703 §12.3 ranges, measured on the
 * line (start of the SU that A sends), not read from A's configuration.
 */

#define MS SG_NS_PER_MS
#define SEC SG_NS_PER_S

#define CHECK(c, ...) do { if (!(c)) return tst_fail(t, __VA_ARGS__); } while (0)
#define WAIT(mask, ms, what) \
	CHECK(tst_wait(t, mask, (uint64_t)(ms) * MS), "no %s from A within %u ms", what, \
	      (unsigned int)(ms))
#define ONLY(mask, ms) do { if (!tst_only(t, mask, (uint64_t)(ms) * MS)) return false; } while (0)
#define WIN(dt, lo_ms, hi_ms, what) \
	CHECK((dt) >= (uint64_t)(lo_ms) * MS && (dt) <= (uint64_t)(hi_ms) * MS, \
	      "%s = %.3f s, outside %.3f..%.3f s", what, (dt) / 1e9, (lo_ms) / 1e3, (hi_ms) / 1e3)
#define IND_FROM(prim, from, ms) \
	CHECK(tst_wait_ind(t, prim, from, (uint64_t)(ms) * MS), "no %s indication within %u ms", \
	      #prim, (unsigned int)(ms))
#define IND(prim, ms) IND_FROM(prim, 0, ms)
#define UP() do { if (!tst_in_service(t)) return false; } while (0)
#define STATE(st) \
	CHECK(sg_mtp2_lsc_state(t->a) == (st), "A in LSC state %s, expected %s", \
	      get_value_string(sg_mtp2_lsc_state_names, sg_mtp2_lsc_state(t->a)), \
	      get_value_string(sg_mtp2_lsc_state_names, st))
#define CTR(c) sg_ctr_get(sg_mtp2_counters(t->a), c)

/* Q.703 §12.3 windows (ms) */
#define T1_LO 40000
#define T1_HI 50000
#define T2_LO 5000
#define T2_HI 150000
#define T3_LO 1000
#define T3_HI 1500
#define PN_LO 7500
#define PN_HI 9500
#define PE_LO 400
#define PE_HI 600
#define T5_LO 80
#define T5_HI 120
#define T6_LO 3000
#define T6_HI 6000
#define T7_LO 500
#define T7_HI 2000
/* one SU time of slack for "reaction" measurements (LSSU or FISU + 1 octet) */
#define SLACK 3

static bool oos_with(struct tester *t, unsigned int from, enum sg_mtp2_oos_reason r)
{
	int i = tst_find_ind(t, SG_MTP2_OUT_OF_SERVICE, from);

	if (i < 0)
		return tst_fail(t, "no out-of-service indication");
	if (t->ind[i].p.reason != r)
		return tst_fail(t, "out of service for %s, expected %s",
				get_value_string(sg_mtp2_oos_reason_names, t->ind[i].p.reason),
				get_value_string(sg_mtp2_oos_reason_names, r));
	return true;
}

static unsigned int count_ind(const struct tester *t, enum sg_mtp2_prim prim)
{
	unsigned int i, n = 0;

	for (i = 0; i < t->n_ind; i++)
		n += t->ind[i].prim == prim;
	return n;
}

/* After a failure: A must send SIOS and stay out of service (no re-alignment). */
static bool stays_oos(struct tester *t, unsigned int ms)
{
	ONLY(KM(K_SIOS), ms);
	STATE(SG_MTP2_LSC_OUT_OF_SERVICE);
	return true;
}

/* A is started and sends SIO; B answers SIO; A goes on to SIN (Q.703 §7.2: aligned). */
static bool start_to_sin(struct tester *t)
{
	a_req(t, SG_MTP2_START);
	WAIT(KM(K_SIO), 10, "SIO");
	b_repeat_lssu(t, SG_MTP2_SIO);
	WAIT(KM(K_SIN), 100, "SIN");
	return true;
}

/* A proves, sending the LSSU lssu, within wait_ms, then sends FISUs: the proving period what,
 * from t0 to the first FISU, within lo_ms..hi_ms. */
static bool proved(struct tester *t, enum tst_kind lssu, unsigned int wait_ms, uint64_t t0,
		   unsigned int lo_ms, unsigned int hi_ms, const char *what)
{
	WAIT(~KM(lssu), wait_ms, "end of proving");
	CHECK(t->hit.kind == K_FISU, "A sent %s", tst_kind_name(t->hit.kind));
	WIN(t->hit.t - t0, lo_ms, hi_ms, what);
	return true;
}

/* A has aborted proving n times (the alignment error rate monitor, Ca above Tin). */
static bool proving_aborts(struct tester *t, unsigned int n)
{
	CHECK(CTR(SG_MTP2_CTR_PROVING_ABORT) == n, "%lu aborts",
	      (unsigned long)CTR(SG_MTP2_CTR_PROVING_ABORT));
	return true;
}

/* ---------------------------------------------------------------------- */
/* 1. Link state control - expected signal units/orders                   */

/* 1.1: A powers on in OUT OF SERVICE and sends only SIOS until "start". */
static bool t1_1a(struct tester *t)
{
	b_repeat_lssu(t, SG_MTP2_SIOS);
	ONLY(KM(K_SIOS), 60000);
	STATE(SG_MTP2_LSC_OUT_OF_SERVICE);
	CHECK(t->n_ind == 0, "unexpected indication to L3");
	return true;
}

static bool t1_1b(struct tester *t)
{
	/* B is still powered off (no flags on the line), A is up */
	t->b_break = true;
	ONLY(KM(K_SIOS), 5000);
	t->b_break = false;
	b_repeat_lssu(t, SG_MTP2_SIOS);
	ONLY(KM(K_SIOS), 60000);
	CHECK(t->n_ind == 0, "unexpected indication to L3");
	/* and a normal alignment follows the start order */
	UP();
	return true;
}

/* 1.2: T2 from the first SIO to SIOS when B never answers. */
static bool t1_2(struct tester *t)
{
	unsigned int from = t->n_ind;
	uint64_t t0;

	a_req(t, SG_MTP2_START);
	WAIT(KM(K_SIO), 10, "SIO");
	t0 = t->hit.t;
	WAIT(~KM(K_SIO), T2_HI + 1000, "SU other than SIO");
	CHECK(t->hit.kind == K_SIOS, "A sent %s instead of SIOS", tst_kind_name(t->hit.kind));
	WIN(t->hit.t - t0, T2_LO, T2_HI, "T2");
	if (!oos_with(t, from, SG_MTP2_OOS_ALIGN_FAIL))
		return false;
	return stays_oos(t, 20000);
}

/* 1.3: T3 from the first SIN to SIOS when B keeps sending SIO. */
static bool t1_3(struct tester *t)
{
	unsigned int from = t->n_ind;
	uint64_t t0;

	if (!start_to_sin(t))
		return false;
	t0 = t->hit.t;
	WAIT(~KM(K_SIN), T3_HI + 100, "SU other than SIN");
	CHECK(t->hit.kind == K_SIOS, "A sent %s instead of SIOS", tst_kind_name(t->hit.kind));
	WIN(t->hit.t - t0, T3_LO, T3_HI + SLACK, "T3");
	return oos_with(t, from, SG_MTP2_OOS_ALIGN_FAIL) && stays_oos(t, 5000);
}

/* 1.4: proving period Pn (first SIN to first FISU), then T1 (FISU to SIOS). */
static bool t1_4(struct tester *t)
{
	unsigned int from = t->n_ind;
	uint64_t t0, t1;

	if (!start_to_sin(t))
		return false;
	t0 = t->hit.t;
	b_repeat_lssu(t, SG_MTP2_SIN);
	WAIT(~KM(K_SIN), PN_HI + 100, "end of proving");
	CHECK(t->hit.kind == K_FISU, "A sent %s after proving", tst_kind_name(t->hit.kind));
	t1 = t->hit.t;
	WIN(t1 - t0, PN_LO, PN_HI, "T4 (Pn)");
	WAIT(~KM(K_FISU), T1_HI + 1000, "end of aligned ready");
	CHECK(t->hit.kind == K_SIOS, "A sent %s instead of SIOS", tst_kind_name(t->hit.kind));
	WIN(t->hit.t - t1, T1_LO, T1_HI, "T1");
	return oos_with(t, from, SG_MTP2_OOS_T1) && stays_oos(t, 5000);
}

/* 1.5: normal alignment, in-service indication once, in service is held. */
static bool normal_alignment(struct tester *t, uint8_t sf_len)
{
	uint64_t t0;

	t->b_sf_len = sf_len;
	ONLY(KM(K_SIOS), 100);
	if (!start_to_sin(t))
		return false;
	t0 = t->hit.t;
	b_repeat_lssu(t, SG_MTP2_SIN);
	ONLY(KM(K_SIN), PN_LO - 10);
	WAIT(KM(K_FISU), PN_HI - PN_LO + 20, "FISU");
	WIN(t->hit.t - t0, PN_LO, PN_HI, "Pn");
	CHECK(t->hit.su.fsn == 127 && t->hit.su.bsn == 127 && t->hit.su.fib && t->hit.su.bib,
	      "first FISU not FSN/BSN 127 with indicators 1");
	b_repeat_fisu(t);
	IND(SG_MTP2_IN_SERVICE, 100);
	ONLY(KM(K_FISU), 120000);
	STATE(SG_MTP2_LSC_IN_SERVICE);
	CHECK(count_ind(t, SG_MTP2_IN_SERVICE) == 1 && t->n_ind == 1, "extra indications");
	return true;
}

static bool t1_5a(struct tester *t)
{
	return normal_alignment(t, 1);
}

static bool t1_5b(struct tester *t)
{
	return normal_alignment(t, 2);
}

/* 1.6: alignment completed by an MSU from B: in service first, then the
 * MSU is delivered once and acknowledged. */
static bool t1_6(struct tester *t)
{
	if (!tst_align(t, false, false))
		return false;
	b_send_msu(t, 0x601, 10);
	b_repeat_fisu(t);
	tst_run(t, 20 * MS);
	CHECK(t->n_ind >= 1 && t->ind[0].prim == SG_MTP2_IN_SERVICE, "no in-service first");
	CHECK(t->n_rx == 1 && t->rx_tag[0] == 0x601, "MSU delivered %u times", t->n_rx);
	WAIT(KM(K_FISU), 10, "FISU");
	CHECK(t->hit.su.bsn == 0 && t->hit.su.bib, "MSU not acknowledged (BSN %u)", t->hit.su.bsn);
	ONLY(KM(K_FISU), 5000);
	CHECK(t->n_rx == 1, "MSU delivered again");
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

/* 1.7: SIO during normal proving: back to aligned (A keeps SIN), proving
 * restarts on the next SIN; the FISU comes Pn after the last SIO. */
static bool t1_7(struct tester *t)
{
	uint64_t t0, tsin;

	if (!start_to_sin(t))
		return false;
	t0 = t->hit.t;
	b_repeat_lssu(t, SG_MTP2_SIN);
	ONLY(KM(K_SIN), 4100);
	b_repeat_lssu(t, SG_MTP2_SIO);
	ONLY(KM(K_SIN), 50);
	b_repeat_lssu(t, SG_MTP2_SIN);
	tsin = tst_now();
	ONLY(KM(K_SIN), PN_LO - 10);
	WAIT(KM(K_FISU), PN_HI - PN_LO + 20, "FISU");
	WIN(t->hit.t - tsin, PN_LO, PN_HI + SLACK, "Pn after the last SIO");
	CHECK(t->hit.t - t0 > PN_HI * MS, "proving was not restarted");
	b_repeat_fisu(t);
	IND(SG_MTP2_IN_SERVICE, 100);
	return true;
}

/* 1.8(a): LPO at A before alignment: A completes with SIPO; B's FISU puts
 * A into processor outage (in service as seen by L3), A keeps SIPO. */
static bool t1_8a(struct tester *t)
{
	a_req(t, SG_MTP2_LPO);
	if (!tst_align(t, false, false))
		return false;
	CHECK(t->hit.kind == K_SIPO, "A completed alignment with %s, not SIPO",
	      tst_kind_name(t->hit.kind));
	b_repeat_fisu(t);
	IND(SG_MTP2_IN_SERVICE, 100);
	ONLY(KM(K_SIPO), T1_HI + 5000);
	STATE(SG_MTP2_LSC_PROCESSOR_OUTAGE);
	CHECK(tst_find_ind(t, SG_MTP2_OUT_OF_SERVICE, 0) < 0, "link failed");
	return true;
}

/* 1.8(b): LPO at B: A>FISU, B>SIPO: remote processor outage, no failure. */
static bool t1_8b(struct tester *t)
{
	if (!tst_align(t, false, false))
		return false;
	CHECK(t->hit.kind == K_FISU, "A completed with %s", tst_kind_name(t->hit.kind));
	b_repeat_lssu(t, SG_MTP2_SIPO);
	IND(SG_MTP2_RPO, 100);
	ONLY(KM(K_FISU), T1_HI + 5000);
	STATE(SG_MTP2_LSC_PROCESSOR_OUTAGE);
	CHECK(tst_find_ind(t, SG_MTP2_OUT_OF_SERVICE, 0) < 0, "link failed");
	return true;
}

/* 1.9(a): as 1.8(a) completed by an MSU: not delivered, not acknowledged. */
static bool t1_9a(struct tester *t)
{
	a_req(t, SG_MTP2_LPO);
	if (!tst_align(t, false, false))
		return false;
	b_send_msu(t, 0x901, 12);
	b_repeat_fisu(t);
	IND(SG_MTP2_IN_SERVICE, 100);
	ONLY(KM(K_SIPO), 2000);
	CHECK(t->n_rx == 0, "MSU delivered during local processor outage");
	CHECK(t->a_cur.su.bsn == 127, "MSU acknowledged (BSN %u)", t->a_cur.su.bsn);
	STATE(SG_MTP2_LSC_PROCESSOR_OUTAGE);
	return true;
}

/* 1.9(b): LPO at B, an MSU queued at A before proving ends.  Decision
 * (Q.703 Fig. 8): in ALIGNED READY A sends FISUs only, so the MSU is not
 * sent while B reports SIPO; it goes out once B recovers. */
static bool t1_9b(struct tester *t)
{
	if (!start_to_sin(t))
		return false;
	b_repeat_lssu(t, SG_MTP2_SIN);
	tst_run(t, 2000 * MS);
	a_msu(t, 0x902, 10);
	WAIT(KM(K_FISU), PN_HI, "FISU");
	b_repeat_lssu(t, SG_MTP2_SIPO);
	IND(SG_MTP2_RPO, 100);
	ONLY(KM(K_FISU), 3000);
	b_repeat_fisu(t);
	IND(SG_MTP2_RPR, 100);
	WAIT(KM(K_MSU), 50, "held MSU");
	CHECK(t->hit.su.fsn == 0, "MSU FSN %u", t->hit.su.fsn);
	tst_run(t, 50 * MS);
	CHECK(t->b_rx_msu == 1, "B got %lu MSUs", t->b_rx_msu);
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

/* 1.10: LPO set and cleared before start: normal alignment, no SIPO. */
static bool t1_10(struct tester *t)
{
	a_req(t, SG_MTP2_LPO);
	a_req(t, SG_MTP2_LPR);
	UP();
	ONLY(KM(K_FISU), 1000);
	CHECK(t->a_count[K_SIPO] == 0, "SIPO sent");
	return true;
}

/* 1.11: both ends in processor outage while aligned not ready. */
static bool t1_11(struct tester *t)
{
	a_req(t, SG_MTP2_LPO);
	if (!tst_align(t, false, false))
		return false;
	CHECK(t->hit.kind == K_SIPO, "A completed with %s", tst_kind_name(t->hit.kind));
	b_repeat_lssu(t, SG_MTP2_SIPO);
	IND(SG_MTP2_RPO, 100);
	ONLY(KM(K_SIPO), T1_HI + 5000);
	STATE(SG_MTP2_LSC_PROCESSOR_OUTAGE);
	CHECK(sg_mtp2_poc_state(t->a) == SG_MTP2_POC_BOTH_PO, "POC not in both-PO");
	CHECK(tst_find_ind(t, SG_MTP2_OUT_OF_SERVICE, 0) < 0, "link failed");
	return true;
}

/* 1.12: SIOS while aligned not ready (a) / after B's SIPO (b). */
static bool t1_12a(struct tester *t)
{
	a_req(t, SG_MTP2_LPO);
	if (!tst_align(t, false, false))
		return false;
	CHECK(t->hit.kind == K_SIPO, "A completed with %s", tst_kind_name(t->hit.kind));
	b_repeat_lssu(t, SG_MTP2_SIOS);
	WAIT(KM(K_SIOS), 10, "SIOS");
	return oos_with(t, 0, SG_MTP2_OOS_SIOS) && stays_oos(t, 5000);
}

static bool t1_12b(struct tester *t)
{
	if (!tst_align(t, false, false))
		return false;
	b_repeat_lssu(t, SG_MTP2_SIPO);
	IND(SG_MTP2_RPO, 100);
	b_repeat_lssu(t, SG_MTP2_SIOS);
	WAIT(KM(K_SIOS), 10, "SIOS");
	return oos_with(t, 0, SG_MTP2_OOS_SIOS) && stays_oos(t, 5000);
}

/* 1.13: SIO while aligned not ready. */
static bool t1_13(struct tester *t)
{
	a_req(t, SG_MTP2_LPO);
	if (!tst_align(t, false, false))
		return false;
	CHECK(t->hit.kind == K_SIPO, "A completed with %s", tst_kind_name(t->hit.kind));
	b_repeat_lssu(t, SG_MTP2_SIO);
	WAIT(KM(K_SIOS), 10, "SIOS");
	return oos_with(t, 0, SG_MTP2_OOS_SIO_SIN_SIE) && stays_oos(t, 5000);
}

/* 1.14: LPO set and cleared during proving: alignment ends with FISU. */
static bool t1_14(struct tester *t)
{
	if (!start_to_sin(t))
		return false;
	b_repeat_lssu(t, SG_MTP2_SIN);
	ONLY(KM(K_SIN), 2000);
	a_req(t, SG_MTP2_LPO);
	ONLY(KM(K_SIN), 1000);
	a_req(t, SG_MTP2_LPR);
	WAIT(KM(K_FISU) | KM(K_SIPO), PN_HI, "end of proving");
	CHECK(t->hit.kind == K_FISU, "A sent %s", tst_kind_name(t->hit.kind));
	b_repeat_fisu(t);
	IND(SG_MTP2_IN_SERVICE, 100);
	ONLY(KM(K_FISU), 2000);
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

/* 1.15: LPO set and cleared in aligned ready: SIPO only while set. */
static bool t1_15(struct tester *t)
{
	if (!tst_align(t, false, false))
		return false;
	a_req(t, SG_MTP2_LPO);
	WAIT(KM(K_SIPO), 5, "SIPO");
	ONLY(KM(K_SIPO), 1000);
	a_req(t, SG_MTP2_LPR);
	WAIT(KM(K_FISU), 5, "FISU");
	ONLY(KM(K_FISU), 1000);
	b_repeat_fisu(t);
	IND(SG_MTP2_IN_SERVICE, 100);
	ONLY(KM(K_FISU), 2000);
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

/* 1.16: T1 in aligned not ready, measured from the first SIPO. */
static bool t1_16(struct tester *t)
{
	uint64_t t0;

	a_req(t, SG_MTP2_LPO);
	if (!tst_align(t, false, false))
		return false;
	CHECK(t->hit.kind == K_SIPO, "A completed with %s", tst_kind_name(t->hit.kind));
	t0 = t->hit.t;
	WAIT(~KM(K_SIPO), T1_HI + 1000, "end of aligned not ready");
	CHECK(t->hit.kind == K_SIOS, "A sent %s", tst_kind_name(t->hit.kind));
	WIN(t->hit.t - t0, T1_LO, T1_HI, "T1");
	return oos_with(t, 0, SG_MTP2_OOS_T1) && stays_oos(t, 5000);
}

/* 1.17: B skips SIO: SIN accepted in not aligned; FISU within T3+Pn. */
static bool t1_17(struct tester *t)
{
	uint64_t t0;

	a_req(t, SG_MTP2_START);
	WAIT(KM(K_SIO), 10, "SIO");
	b_repeat_lssu(t, SG_MTP2_SIN);
	t0 = tst_now();
	WAIT(KM(K_SIN), 100, "SIN");
	if (!proved(t, K_SIN, T3_HI + PN_HI, t0, PN_LO, T3_HI + PN_HI, "first SIN to FISU"))
		return false;
	b_repeat_fisu(t);
	IND(SG_MTP2_IN_SERVICE, 100);
	return true;
}

/* 1.18: emergency set and cancelled before start: SIN and Pn are used. */
static bool t1_18(struct tester *t)
{
	uint64_t t0;

	a_req(t, SG_MTP2_EMERGENCY);
	a_req(t, SG_MTP2_EMERGENCY_CEASES);
	a_req(t, SG_MTP2_START);
	WAIT(KM(K_SIO), 10, "SIO");
	b_repeat_lssu(t, SG_MTP2_SIO);
	WAIT(KM(K_SIN) | KM(K_SIE), 100, "SIN");
	CHECK(t->hit.kind == K_SIN, "A sent SIE");
	t0 = t->hit.t;
	b_repeat_lssu(t, SG_MTP2_SIN);
	if (!proved(t, K_SIN, PN_HI + 100, t0, PN_LO, PN_HI, "Pn"))
		return false;
	return true;
}

/* 1.19: emergency ordered in not aligned: A answers SIO with SIE; Pe. */
static bool t1_19(struct tester *t)
{
	uint64_t t0;

	a_req(t, SG_MTP2_START);
	WAIT(KM(K_SIO), 10, "SIO");
	ONLY(KM(K_SIO), 500);
	a_req(t, SG_MTP2_EMERGENCY);
	ONLY(KM(K_SIO), 500);
	b_repeat_lssu(t, SG_MTP2_SIO);
	WAIT(~KM(K_SIO), 100, "reply to SIO");
	CHECK(t->hit.kind == K_SIE, "A sent %s, not SIE", tst_kind_name(t->hit.kind));
	t0 = t->hit.t;
	b_repeat_lssu(t, SG_MTP2_SIE);
	if (!proved(t, K_SIE, PE_HI + 100, t0, PE_LO, PE_HI + SLACK, "Pe"))
		return false;
	return true;
}

/* 1.20: emergency ordered in aligned: A switches to SIE and Pe. */
static bool t1_20(struct tester *t)
{
	uint64_t t0;

	if (!start_to_sin(t))
		return false;
	ONLY(KM(K_SIN), 200);
	a_req(t, SG_MTP2_EMERGENCY);
	WAIT(~KM(K_SIN), 5, "SIE");
	CHECK(t->hit.kind == K_SIE, "A sent %s", tst_kind_name(t->hit.kind));
	b_repeat_lssu(t, SG_MTP2_SIN);
	t0 = tst_now();
	if (!proved(t, K_SIE, PE_HI + 100, t0, PE_LO, PE_HI + SLACK, "Pe"))
		return false;
	return true;
}

/* 1.21: emergency at both ends. */
static bool t1_21(struct tester *t)
{
	uint64_t t0;

	a_req(t, SG_MTP2_EMERGENCY);
	a_req(t, SG_MTP2_START);
	WAIT(KM(K_SIO), 10, "SIO");
	b_repeat_lssu(t, SG_MTP2_SIO);
	WAIT(~KM(K_SIO), 100, "reply to SIO");
	CHECK(t->hit.kind == K_SIE, "A sent %s, not SIE", tst_kind_name(t->hit.kind));
	b_repeat_lssu(t, SG_MTP2_SIE);
	t0 = tst_now();
	if (!proved(t, K_SIE, PE_HI + 100, t0, PE_LO, PE_HI + SLACK, "Pe"))
		return false;
	b_repeat_fisu(t);
	IND(SG_MTP2_IN_SERVICE, 100);
	return true;
}

/* 1.22: emergency at B only: A keeps sending SIN but proves for Pe. */
static bool t1_22(struct tester *t)
{
	uint64_t t0;

	if (!start_to_sin(t))
		return false;
	b_repeat_lssu(t, SG_MTP2_SIE);
	t0 = tst_now();
	if (!proved(t, K_SIN, PE_HI + 100, t0, PE_LO, PE_HI + SLACK, "Pe"))
		return false;
	return true;
}

/* 1.23: emergency ordered during normal proving: Pe from the order. */
static bool t1_23(struct tester *t)
{
	uint64_t t0;

	if (!start_to_sin(t))
		return false;
	b_repeat_lssu(t, SG_MTP2_SIN);
	ONLY(KM(K_SIN), 3000);
	t0 = tst_now();
	a_req(t, SG_MTP2_EMERGENCY);
	WAIT(~KM(K_SIN), 5, "SIE");
	CHECK(t->hit.kind == K_SIE, "A sent %s", tst_kind_name(t->hit.kind));
	if (!proved(t, K_SIE, PE_HI + 100, t0, PE_LO, PE_HI + SLACK, "Pe"))
		return false;
	return true;
}

/* 1.24: both in emergency, B skips SIO: SIE in not aligned. */
static bool t1_24(struct tester *t)
{
	uint64_t t0;

	a_req(t, SG_MTP2_EMERGENCY);
	a_req(t, SG_MTP2_START);
	WAIT(KM(K_SIO), 10, "SIO");
	b_repeat_lssu(t, SG_MTP2_SIE);
	t0 = tst_now();
	WAIT(~KM(K_SIO), 100, "reply to SIE");
	CHECK(t->hit.kind == K_SIE, "A sent %s, not SIE", tst_kind_name(t->hit.kind));
	if (!proved(t, K_SIE, PE_HI + 100, t0, PE_LO, PE_HI + SLACK, "Pe"))
		return false;
	return true;
}

/* 1.25-1.27: stop during alignment. */
static bool t1_25(struct tester *t)
{
	a_req(t, SG_MTP2_START);
	WAIT(KM(K_SIO), 10, "SIO");
	ONLY(KM(K_SIO), 2000);
	a_req(t, SG_MTP2_STOP);
	WAIT(KM(K_SIOS), 5, "SIOS");
	return stays_oos(t, T2_HI + 1000);
}

static bool t1_26(struct tester *t)
{
	if (!start_to_sin(t))
		return false;
	a_req(t, SG_MTP2_STOP);
	WAIT(KM(K_SIOS), 5, "SIOS");
	return stays_oos(t, 5000);
}

static bool t1_27(struct tester *t)
{
	a_req(t, SG_MTP2_LPO);
	if (!tst_align(t, false, false))
		return false;
	CHECK(t->hit.kind == K_SIPO, "A completed with %s", tst_kind_name(t->hit.kind));
	a_req(t, SG_MTP2_STOP);
	WAIT(KM(K_SIOS), 5, "SIOS");
	return stays_oos(t, 5000);
}

/* 1.28: SIO in service. */
static bool t1_28(struct tester *t)
{
	UP();
	b_repeat_lssu(t, SG_MTP2_SIO);
	WAIT(KM(K_SIOS), 10, "SIOS");
	return oos_with(t, 0, SG_MTP2_OOS_SIO_SIN_SIE) && stays_oos(t, 5000);
}

/* 1.29: SIOS in service (a) from B, (b) stop at A. */
static bool t1_29a(struct tester *t)
{
	UP();
	b_repeat_lssu(t, SG_MTP2_SIOS);
	WAIT(KM(K_SIOS), 10, "SIOS");
	return oos_with(t, 0, SG_MTP2_OOS_SIOS) && stays_oos(t, 5000);
}

static bool t1_29b(struct tester *t)
{
	UP();
	a_req(t, SG_MTP2_STOP);
	WAIT(KM(K_SIOS), 5, "SIOS");
	/* B keeps sending FISU: A stays out of service */
	return stays_oos(t, 20000);
}

/* 1.30: stop during local processor outage (a), SIOS after B's SIPO (b). */
static bool t1_30a(struct tester *t)
{
	UP();
	a_req(t, SG_MTP2_LPO);
	WAIT(KM(K_SIPO), 5, "SIPO");
	a_req(t, SG_MTP2_STOP);
	WAIT(KM(K_SIOS), 5, "SIOS");
	return stays_oos(t, 5000);
}

static bool t1_30b(struct tester *t)
{
	UP();
	b_repeat_lssu(t, SG_MTP2_SIPO);
	IND(SG_MTP2_RPO, 100);
	b_repeat_lssu(t, SG_MTP2_SIOS);
	WAIT(KM(K_SIOS), 10, "SIOS");
	return oos_with(t, 0, SG_MTP2_OOS_SIOS) && stays_oos(t, 5000);
}

/* 1.31: (a) stop during remote PO; (b) SIOS during local PO.  Decision for
 * (b): Q.703 Fig. 8 takes the link out of service on SIOS in PROCESSOR
 * OUTAGE and indicates it at once (OpenSS7 defers it; we follow Q.703). */
static bool t1_31a(struct tester *t)
{
	UP();
	b_repeat_lssu(t, SG_MTP2_SIPO);
	IND(SG_MTP2_RPO, 100);
	a_req(t, SG_MTP2_STOP);
	WAIT(KM(K_SIOS), 5, "SIOS");
	return stays_oos(t, 5000);
}

static bool t1_31b(struct tester *t)
{
	UP();
	a_req(t, SG_MTP2_LPO);
	WAIT(KM(K_SIPO), 5, "SIPO");
	b_repeat_lssu(t, SG_MTP2_SIOS);
	WAIT(KM(K_SIOS), 10, "SIOS");
	return oos_with(t, 0, SG_MTP2_OOS_SIOS) && stays_oos(t, 5000);
}

/* 1.32: stop during proving (a) by B with SIOS, (b) at A. */
static bool t1_32a(struct tester *t)
{
	if (!start_to_sin(t))
		return false;
	b_repeat_lssu(t, SG_MTP2_SIN);
	ONLY(KM(K_SIN), 3000);
	b_repeat_lssu(t, SG_MTP2_SIOS);
	WAIT(KM(K_SIOS), 10, "SIOS");
	return oos_with(t, 0, SG_MTP2_OOS_ALIGN_FAIL) && stays_oos(t, 20000);
}

static bool t1_32b(struct tester *t)
{
	if (!start_to_sin(t))
		return false;
	b_repeat_lssu(t, SG_MTP2_SIN);
	ONLY(KM(K_SIN), 3000);
	a_req(t, SG_MTP2_STOP);
	WAIT(KM(K_SIOS), 5, "SIOS");
	return stays_oos(t, 20000);
}

/* 1.33-1.35: SIO / SIOS / SIPO instead of FISU in aligned ready. */
static bool t1_33(struct tester *t)
{
	if (!tst_align(t, false, false))
		return false;
	b_repeat_lssu(t, SG_MTP2_SIO);
	WAIT(KM(K_SIOS), 10, "SIOS");
	return oos_with(t, 0, SG_MTP2_OOS_SIO_SIN_SIE) && stays_oos(t, 5000);
}

static bool t1_34(struct tester *t)
{
	if (!tst_align(t, false, false))
		return false;
	b_repeat_lssu(t, SG_MTP2_SIOS);
	WAIT(KM(K_SIOS), 10, "SIOS");
	return oos_with(t, 0, SG_MTP2_OOS_SIOS) && stays_oos(t, 5000);
}

static bool t1_35(struct tester *t)
{
	if (!tst_align(t, false, false))
		return false;
	b_repeat_lssu(t, SG_MTP2_SIPO);
	IND(SG_MTP2_RPO, 100);
	ONLY(KM(K_FISU), T1_HI + 5000);
	STATE(SG_MTP2_LSC_PROCESSOR_OUTAGE);
	CHECK(tst_find_ind(t, SG_MTP2_OUT_OF_SERVICE, 0) < 0, "link failed");
	return true;
}

/* ---------------------------------------------------------------------- */
/* 2. Link state control - unexpected signal units/orders                 */

/* B queues one of every SU in mask (each a few times) and an invalid LSSU. */
static void b_unexpected(struct tester *t, unsigned int mask)
{
	static const uint8_t st[] = {
		[K_SIO] = SG_MTP2_SIO, [K_SIN] = SG_MTP2_SIN, [K_SIE] = SG_MTP2_SIE,
		[K_SIOS] = SG_MTP2_SIOS, [K_SIPO] = SG_MTP2_SIPO, [K_SIB] = SG_MTP2_SIB,
		[K_LSSU_SPARE] = 6,
	};
	unsigned int k, i;

	for (k = K_SIO; k <= K_LSSU_SPARE; k++) {
		if (!(mask & KM(k)))
			continue;
		for (i = 0; i < 3; i++)
			b_queue_lssu(t, st[k]);
	}
	b_queue_lssu(t, 7);
	if (mask & KM(K_FISU))
		for (i = 0; i < 3; i++)
			b_queue_fisu(t, t->b_fsn, t->b_fib, t->b_bsn, t->b_bib);
	if (mask & KM(K_MSU))
		b_queue_msu(t, (t->b_fsn + 1) & 0x7f, t->b_fib, t->b_bsn, t->b_bib, 0x222, 12);
}

static bool t2_1(struct tester *t)
{
	b_unexpected(t, KM(K_SIO) | KM(K_SIN) | KM(K_SIE) | KM(K_SIPO) | KM(K_SIB) |
			KM(K_FISU) | KM(K_MSU));
	a_req(t, SG_MTP2_STOP);
	a_req(t, SG_MTP2_LPR);
	a_req(t, SG_MTP2_EMERGENCY_CEASES);
	a_req(t, SG_MTP2_CONTINUE);
	ONLY(KM(K_SIOS), 5000);
	CHECK(t->n_ind == 0 && t->n_rx == 0, "A reacted to unexpected SUs");
	UP();
	return true;
}

static bool t2_2(struct tester *t)
{
	uint64_t t0;

	a_req(t, SG_MTP2_START);
	WAIT(KM(K_SIO), 10, "SIO");
	t0 = t->hit.t;
	b_unexpected(t, KM(K_SIOS) | KM(K_SIPO) | KM(K_SIB) | KM(K_FISU) | KM(K_MSU));
	a_req(t, SG_MTP2_EMERGENCY_CEASES);
	a_req(t, SG_MTP2_LPR);
	ONLY(KM(K_SIO), 3000);
	CHECK(t->n_ind == 0 && t->n_rx == 0, "A reacted to unexpected SUs");
	/* T2 still runs from the first SIO */
	WAIT(~KM(K_SIO), T2_HI + 1000, "T2 expiry");
	CHECK(t->hit.kind == K_SIOS, "A sent %s", tst_kind_name(t->hit.kind));
	WIN(t->hit.t - t0, T2_LO, T2_HI, "T2");
	/* and a new start aligns normally */
	UP();
	return true;
}

static bool t2_3(struct tester *t)
{
	uint64_t t0;

	if (!start_to_sin(t))
		return false;
	b_unexpected(t, KM(K_SIO) | KM(K_SIPO) | KM(K_SIB) | KM(K_FISU) | KM(K_MSU));
	a_req(t, SG_MTP2_START);
	ONLY(KM(K_SIN), 300);
	b_repeat_lssu(t, SG_MTP2_SIN);
	t0 = tst_now();
	if (!proved(t, K_SIN, PN_HI + 100, t0, PN_LO, PN_HI + SLACK, "Pn from B's SIN"))
		return false;
	return true;
}

static bool t2_4(struct tester *t)
{
	uint64_t t0;

	if (!start_to_sin(t))
		return false;
	b_repeat_lssu(t, SG_MTP2_SIN);
	t0 = t->hit.t;
	ONLY(KM(K_SIN), 2000);
	b_unexpected(t, KM(K_SIPO) | KM(K_SIB) | KM(K_FISU) | KM(K_MSU));
	a_req(t, SG_MTP2_START);
	a_req(t, SG_MTP2_LPR);
	a_req(t, SG_MTP2_EMERGENCY_CEASES);
	if (!proved(t, K_SIN, PN_HI, t0, PN_LO, PN_HI, "Pn"))
		return false;
	return true;
}

static bool t2_5(struct tester *t)
{
	if (!tst_align(t, false, false))
		return false;
	b_unexpected(t, KM(K_SIB));
	a_req(t, SG_MTP2_EMERGENCY);
	a_req(t, SG_MTP2_EMERGENCY_CEASES);
	a_req(t, SG_MTP2_LPR);
	a_req(t, SG_MTP2_START);
	ONLY(KM(K_FISU), 1000);
	STATE(SG_MTP2_LSC_ALIGNED_READY);
	b_repeat_fisu(t);
	IND(SG_MTP2_IN_SERVICE, 100);
	return true;
}

static bool t2_6(struct tester *t)
{
	a_req(t, SG_MTP2_LPO);
	if (!tst_align(t, false, false))
		return false;
	CHECK(t->hit.kind == K_SIPO, "A completed with %s", tst_kind_name(t->hit.kind));
	b_unexpected(t, KM(K_SIB));
	a_req(t, SG_MTP2_EMERGENCY);
	a_req(t, SG_MTP2_EMERGENCY_CEASES);
	a_req(t, SG_MTP2_LPO);
	a_req(t, SG_MTP2_START);
	ONLY(KM(K_SIPO), 1000);
	STATE(SG_MTP2_LSC_ALIGNED_NOT_READY);
	b_repeat_fisu(t);
	IND(SG_MTP2_IN_SERVICE, 100);
	ONLY(KM(K_SIPO), 1000);
	STATE(SG_MTP2_LSC_PROCESSOR_OUTAGE);
	return true;
}

static bool t2_7(struct tester *t)
{
	unsigned int n;

	UP();
	n = t->n_ind;
	b_unexpected(t, KM(K_LSSU_SPARE));
	a_req(t, SG_MTP2_EMERGENCY);
	a_req(t, SG_MTP2_EMERGENCY_CEASES);
	a_req(t, SG_MTP2_LPR);
	a_req(t, SG_MTP2_START);
	ONLY(KM(K_FISU), 1000);
	a_msu(t, 0x207, 10);
	WAIT(KM(K_MSU), 10, "MSU");
	ONLY(KM(K_FISU), 1000);
	CHECK(t->b_rx_msu == 1, "MSU flow disturbed");
	CHECK(t->n_ind == n, "unexpected indication");
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

static bool t2_8(struct tester *t)
{
	unsigned int n;

	UP();
	a_req(t, SG_MTP2_LPO);
	WAIT(KM(K_SIPO), 5, "SIPO");
	n = t->n_ind;
	b_unexpected(t, KM(K_SIB) | KM(K_LSSU_SPARE));
	a_req(t, SG_MTP2_EMERGENCY);
	a_req(t, SG_MTP2_EMERGENCY_CEASES);
	a_req(t, SG_MTP2_START);
	ONLY(KM(K_SIPO), 2000);
	CHECK(t->n_ind == n, "unexpected indication");
	STATE(SG_MTP2_LSC_PROCESSOR_OUTAGE);
	return true;
}

/* ---------------------------------------------------------------------- */
/* 3. Transmission failure                                                 */

/* A line break is seen by A's receiver as loss of alignment and octet
 * counting (Q.703 §4.1.4); the SUERM (started at alignment complete,
 * Fig. 8) counts one error per 16 octets and fails at T = 64. */
static bool break_fails(struct tester *t, enum sg_mtp2_oos_reason reason)
{
	uint64_t t0 = tst_now();
	unsigned int from = t->n_ind;

	t->b_break = true;
	WAIT(KM(K_SIOS), 300, "SIOS after line break");
	/* 64 intervals of 16 octets = 128 ms at 64 kbit/s */
	WIN(t->hit.t - t0, 120, 140, "break to SIOS");
	return oos_with(t, from, reason) && stays_oos(t, 2000);
}

static bool abnormal_fib_fails(struct tester *t)
{
	unsigned int from = t->n_ind;

	t->b_auto_fib = false;
	t->b_fib = !t->b_fib;
	b_repeat_fisu(t);
	WAIT(KM(K_SIOS), 20, "SIOS after abnormal FIBs");
	CHECK(CTR(SG_MTP2_CTR_RX_ABN_FIB) == 2, "%lu abnormal FIBs counted",
	      (unsigned long)CTR(SG_MTP2_CTR_RX_ABN_FIB));
	return oos_with(t, from, SG_MTP2_OOS_ABNORMAL_FIB) && stays_oos(t, 2000);
}

static bool t3_1(struct tester *t)
{
	if (!tst_align(t, false, false))
		return false;
	return break_fails(t, SG_MTP2_OOS_SUERM);
}

static bool t3_2(struct tester *t)
{
	if (!tst_align(t, false, false))
		return false;
	return abnormal_fib_fails(t);
}

static bool t3_3(struct tester *t)
{
	a_req(t, SG_MTP2_LPO);
	if (!tst_align(t, false, false))
		return false;
	CHECK(t->hit.kind == K_SIPO, "A completed with %s", tst_kind_name(t->hit.kind));
	return break_fails(t, SG_MTP2_OOS_SUERM);
}

static bool t3_4(struct tester *t)
{
	a_req(t, SG_MTP2_LPO);
	if (!tst_align(t, false, false))
		return false;
	CHECK(t->hit.kind == K_SIPO, "A completed with %s", tst_kind_name(t->hit.kind));
	return abnormal_fib_fails(t);
}

static bool t3_5(struct tester *t)
{
	UP();
	return break_fails(t, SG_MTP2_OOS_SUERM);
}

static bool t3_6(struct tester *t)
{
	UP();
	return abnormal_fib_fails(t);
}

static bool t3_7(struct tester *t)
{
	UP();
	a_req(t, SG_MTP2_LPO);
	WAIT(KM(K_SIPO), 5, "SIPO");
	return break_fails(t, SG_MTP2_OOS_SUERM);
}

static bool t3_8(struct tester *t)
{
	UP();
	a_req(t, SG_MTP2_LPO);
	WAIT(KM(K_SIPO), 5, "SIPO");
	return abnormal_fib_fails(t);
}

/* ---------------------------------------------------------------------- */
/* 4. Processor outage control                                             */

static bool in_order(struct tester *t, const uint16_t *got, unsigned int n, uint16_t first,
		     unsigned int want, const char *who)
{
	unsigned int i;

	CHECK(n == want, "%s received %u MSUs, expected %u", who, n, want);
	for (i = 0; i < n; i++)
		CHECK(got[i] == first + i, "%s: MSU %u has tag %#x, expected %#x", who, i,
		      got[i], first + i);
	return true;
}

/* 4.1(a): LPO at A in service: SIPO at once, B's MSUs neither delivered nor
 * acknowledged during the outage; after LPR traffic resumes without loss
 * or duplication (B's MSUs come back by retransmission after A's NACK). */
static bool t4_1a(struct tester *t)
{
	unsigned int i;

	UP();
	for (i = 0; i < 3; i++) {
		a_msu(t, 0x100 + i, 10);
		b_send_msu(t, 0x200 + i, 10);
	}
	ONLY(KM(K_FISU) | KM(K_MSU), 100);
	a_req(t, SG_MTP2_LPO);
	WAIT(~(KM(K_FISU) | KM(K_MSU)), 5, "SIPO");
	CHECK(t->hit.kind == K_SIPO, "A sent %s", tst_kind_name(t->hit.kind));
	b_send_msu(t, 0x203, 10);
	a_msu(t, 0x103, 10);
	ONLY(KM(K_SIPO), 500);
	CHECK(t->n_rx == 3, "MSU delivered during LPO");
	CHECK(t->a_cur.su.bsn == 2, "MSU acknowledged during LPO (BSN %u)", t->a_cur.su.bsn);
	a_req(t, SG_MTP2_LPR);
	WAIT(KM(K_FISU) | KM(K_MSU), 5, "FISU/MSU after LPR");
	b_send_msu(t, 0x204, 10);
	tst_run(t, 500 * MS);
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return in_order(t, t->rx_tag, t->n_rx, 0x200, 5, "A") &&
	       in_order(t, t->b_rx_tag, t->b_rx_msu, 0x100, 4, "B");
}

/* 4.1(b): the outage is at B: A holds its MSUs while B sends SIPO. */
static bool t4_1b(struct tester *t)
{
	UP();
	a_msu(t, 0x100, 10);
	b_send_msu(t, 0x200, 10);
	tst_run(t, 50 * MS);
	b_repeat_lssu(t, SG_MTP2_SIPO);
	IND(SG_MTP2_RPO, 50);
	a_msu(t, 0x101, 10);
	ONLY(KM(K_FISU), 1000);
	b_repeat_fisu(t);
	IND(SG_MTP2_RPR, 50);
	b_send_msu(t, 0x201, 10);
	tst_run(t, 200 * MS);
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return in_order(t, t->rx_tag, t->n_rx, 0x200, 2, "A") &&
	       in_order(t, t->b_rx_tag, t->b_rx_msu, 0x100, 2, "B");
}

/* 4.2: remote outage while A's local outage is set; B recovers first. */
static bool t4_2(struct tester *t)
{
	UP();
	a_req(t, SG_MTP2_LPO);
	WAIT(KM(K_SIPO), 5, "SIPO");
	b_repeat_lssu(t, SG_MTP2_SIPO);
	IND(SG_MTP2_RPO, 50);
	CHECK(sg_mtp2_poc_state(t->a) == SG_MTP2_POC_BOTH_PO, "POC not both");
	b_repeat_fisu(t);
	IND(SG_MTP2_RPR, 50);
	ONLY(KM(K_SIPO), 1000);
	CHECK(sg_mtp2_poc_state(t->a) == SG_MTP2_POC_LOCAL_PO, "POC not local");
	STATE(SG_MTP2_LSC_PROCESSOR_OUTAGE);
	return true;
}

/* 4.3: LPR in both-PO: FISU, still remote outage; then B recovers. */
static bool t4_3(struct tester *t)
{
	UP();
	a_req(t, SG_MTP2_LPO);
	WAIT(KM(K_SIPO), 5, "SIPO");
	b_repeat_lssu(t, SG_MTP2_SIPO);
	IND(SG_MTP2_RPO, 50);
	a_req(t, SG_MTP2_LPR);
	WAIT(KM(K_FISU), 5, "FISU");
	a_msu(t, 0x301, 10);
	ONLY(KM(K_FISU), 500);
	STATE(SG_MTP2_LSC_PROCESSOR_OUTAGE);
	CHECK(sg_mtp2_poc_state(t->a) == SG_MTP2_POC_REMOTE_PO, "POC not remote");
	CHECK(tst_find_ind(t, SG_MTP2_RPR, 0) < 0, "RPR too early");
	b_repeat_fisu(t);
	IND(SG_MTP2_RPR, 50);
	WAIT(KM(K_MSU), 10, "held MSU");
	tst_run(t, 100 * MS);
	STATE(SG_MTP2_LSC_IN_SERVICE);
	CHECK(t->b_rx_msu == 1, "B got %lu MSUs", t->b_rx_msu);
	return true;
}

/* ---------------------------------------------------------------------- */
/* 5. SU delimitation, alignment, error detection and correction          */

/* These run B->A as a bit stream (tst_hdlc_mode): B's frames are built
 * bit by bit here (flags, zero insertion, FCS) and A receives them through
 * the software HDLC receiver (adapters/hdlc.c) in front of its MTP2. */

/* 5.1: seven ones inside an MSU: the frame is lost (loss of alignment,
 * counted by the SUERM), the link stays in service and the MSU comes back
 * by retransmission after A's negative acknowledgement. */
static bool t5_1(struct tester *t)
{
	struct sg_mtp2_su su;
	uint8_t pl[20], raw[SG_MTP2_SU_MAX];
	size_t len;

	tst_hdlc_mode(t);
	UP();
	b_send_msu(t, 0x510, 20);
	tst_run(t, 50 * MS);
	CHECK(t->n_rx == 1, "first MSU not delivered");
	/* B's second MSU, aborted on the line */
	memset(pl, 0x7f, sizeof(pl));
	pl[0] = 0x83;
	pl[1] = 0x11;
	pl[2] = 0x05;
	t->b_fsn = (t->b_fsn + 1) & 0x7f;
	t->b_tag[t->b_fsn] = 0x511;
	su = (struct sg_mtp2_su){ .type = SG_MTP2_SU_MSU, .fsn = t->b_fsn, .fib = t->b_fib,
				  .bsn = t->b_bsn, .bib = t->b_bib, .payload = pl,
				  .payload_len = sizeof(pl) };
	len = sg_mtp2_su_encode(raw, sizeof(raw), &su, false);
	b_queue_raw(t, raw, len, BI_ABORT);
	b_send_msu(t, 0x512, 20);
	tst_run(t, 300 * MS);
	CHECK(CTR(SG_MTP2_CTR_RX_SU_ERR) == 1, "%lu SU errors counted",
	      (unsigned long)CTR(SG_MTP2_CTR_RX_SU_ERR));
	CHECK(CTR(SG_MTP2_CTR_TX_NACK) == 1, "no negative acknowledgement");
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return in_order(t, t->rx_tag, t->n_rx, 0x510, 3, "A");
}

/* 5.2: an SU longer than m+7 octets between flags: lost (octet counting),
 * the link stays in service, the next MSU is accepted. */
static bool t5_2(struct tester *t)
{
	uint8_t raw[SG_MTP2_SU_MAX];
	unsigned long err0;

	tst_hdlc_mode(t);
	UP();
	err0 = CTR(SG_MTP2_CTR_RX_SU_ERR);
	memset(raw, 0x42, sizeof(raw));
	raw[0] = t->b_bsn | 0x80;
	raw[1] = ((t->b_fsn + 1) & 0x7f) | 0x80;
	raw[2] = 63;
	b_queue_raw(t, raw, sizeof(raw), BI_GOOD);	/* 279 + 2 FCS octets */
	tst_run(t, 50 * MS);
	CHECK(CTR(SG_MTP2_CTR_RX_SU_ERR) == err0 + 1, "too long SU not counted as error");
	CHECK(t->n_rx == 0, "too long SU delivered");
	b_send_msu(t, 0x521, 30);
	tst_run(t, 100 * MS);
	STATE(SG_MTP2_LSC_IN_SERVICE);
	CHECK(t->a_cur.su.bsn == 0, "MSU after the long SU not acknowledged");
	return in_order(t, t->rx_tag, t->n_rx, 0x521, 1, "A");
}

/* 5.3: an SU shorter than the minimum: discarded and counted, nothing
 * acknowledged, link in service. */
static bool t5_3(struct tester *t)
{
	uint8_t raw[2] = { 0xff, 0x80 };
	unsigned long err0, su0;

	tst_hdlc_mode(t);
	UP();
	err0 = CTR(SG_MTP2_CTR_RX_SU_ERR);
	su0 = CTR(SG_MTP2_CTR_RX_SU);
	b_queue_raw(t, raw, sizeof(raw), BI_GOOD);
	ONLY(KM(K_FISU), 50);
	CHECK(CTR(SG_MTP2_CTR_RX_SU_ERR) == err0 + 1, "short SU not counted as error");
	CHECK(CTR(SG_MTP2_CTR_RX_SU) > su0, "no SU received after the short one");
	CHECK(t->a_cur.su.bsn == 127, "BSN changed");
	ONLY(KM(K_FISU), 1000);
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

/* 5.4: one shared flag and several flags between FISUs, alternately: every
 * FISU is accepted and the SUERM sees no error. */
static bool t5_4(struct tester *t)
{
	unsigned long su0;
	unsigned int i;

	tst_hdlc_mode(t);
	UP();
	su0 = CTR(SG_MTP2_CTR_RX_SU);
	for (i = 0; i < 20; i++) {
		t->b_nflags = (i & 1) ? 1 : 2 + i;
		tst_run(t, 100 * MS);
	}
	CHECK(CTR(SG_MTP2_CTR_RX_SU) - su0 > 1000, "only %lu FISUs received",
	      (unsigned long)(CTR(SG_MTP2_CTR_RX_SU) - su0));
	CHECK(CTR(SG_MTP2_CTR_RX_SU_ERR) == 0, "errors counted");
	CHECK(sg_mtp2_suerm_count(t->a) == 0, "SUERM count %u", sg_mtp2_suerm_count(t->a));
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

/* 5.5: the same with MSUs: each delivered once, in order, acknowledged. */
static bool t5_5(struct tester *t)
{
	unsigned int i;

	tst_hdlc_mode(t);
	UP();
	for (i = 0; i < 60; i++) {
		t->b_nflags = (i & 1) ? 1 : 1 + i % 7;
		b_send_msu(t, 0x550 + i, 5 + i);
		tst_run(t, 30 * MS);
	}
	tst_run(t, 100 * MS);
	CHECK(CTR(SG_MTP2_CTR_RX_SU_ERR) == 0, "errors counted");
	CHECK(t->a_cur.su.bsn == 59, "last MSU not acknowledged (BSN %u)", t->a_cur.su.bsn);
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return in_order(t, t->rx_tag, t->n_rx, 0x550, 60, "A");
}

/* ---------------------------------------------------------------------- */
/* 6. SUERM                                                                */

/* Q.703 §10.2: +1 per SU in error, -1 per D = 256 SUs, failure at T = 64.
 * Errors are injected as CRC errors at A's receiver, at an exact rate, for
 * 8192 cycles of 256 SUs (about 26 minutes of FISUs at 64 kbit/s). */
static bool t6_1(struct tester *t)
{
	uint64_t dur;

	UP();
	t->b_err_every = 256;
	t->b_err_cnt = 0;
	dur = 8192ULL * 256 * tst_su_ns(t, 3);
	ONLY(KM(K_FISU), dur / MS);
	STATE(SG_MTP2_LSC_IN_SERVICE);
	CHECK(CTR(SG_MTP2_CTR_RX_SU_ERR) >= 8190, "only %lu errors injected",
	      (unsigned long)CTR(SG_MTP2_CTR_RX_SU_ERR));
	CHECK(sg_mtp2_suerm_count(t->a) <= 1, "SUERM count %u", sg_mtp2_suerm_count(t->a));
	return true;
}

static bool t6_2(struct tester *t)
{
	uint64_t t0, cycle, n;

	UP();
	t->b_err_every = 254;
	t->b_err_cnt = 0;
	t0 = tst_now();
	cycle = 254 * tst_su_ns(t, 3);
	WAIT(KM(K_SIOS), 8400ULL * cycle / MS, "SIOS");
	n = (t->hit.t - t0) / cycle;
	/* the bucket gains 1/128 per cycle: about 64 * 128 = 8192 cycles, less
	 * up to two counts (256 cycles) while decrements meet an empty bucket
	 * as the two periods slide past each other at the start */
	CHECK(n >= 8192 - 300 && n <= 8192, "failure after %lu cycles", (unsigned long)n);
	return oos_with(t, 0, SG_MTP2_OOS_SUERM) && stays_oos(t, 1000);
}

static bool t6_3(struct tester *t)
{
	UP();
	t->b_err_next = 1000;
	IND(SG_MTP2_OUT_OF_SERVICE, 1000);
	CHECK(CTR(SG_MTP2_CTR_RX_SU_ERR) == 64, "failed after %lu errored SUs",
	      (unsigned long)CTR(SG_MTP2_CTR_RX_SU_ERR));
	WAIT(KM(K_SIOS), 10, "SIOS");
	return oos_with(t, 0, SG_MTP2_OOS_SUERM) && stays_oos(t, 1000);
}

/* 6.4: a break shorter than 64 x 16 octet times (128 ms) is survived, a
 * longer one is not.  Decision: 80 ms (OpenSS7's value) must be survived;
 * after the bucket has leaked empty, a 200 ms break fails at 128 ms. */
static bool t6_4(struct tester *t)
{
	UP();
	t->b_break = true;
	tst_run(t, 80 * MS);
	t->b_break = false;
	ONLY(KM(K_FISU), 12000);
	STATE(SG_MTP2_LSC_IN_SERVICE);
	CHECK(sg_mtp2_suerm_count(t->a) == 0, "SUERM did not leak back to 0");
	return break_fails(t, SG_MTP2_OOS_SUERM);
}

/* ---------------------------------------------------------------------- */
/* 7. AERM                                                                 */

/* Bring A into normal (or emergency) proving; returns the start time. */
static uint64_t into_proving(struct tester *t, bool emerg)
{
	if (emerg)
		a_req(t, SG_MTP2_EMERGENCY);
	a_req(t, SG_MTP2_START);
	if (!tst_wait(t, KM(K_SIO), 10 * MS))
		return 0;
	b_repeat_lssu(t, SG_MTP2_SIO);
	if (!tst_wait(t, KM(K_SIN) | KM(K_SIE), 100 * MS))
		return 0;
	b_repeat_lssu(t, emerg ? SG_MTP2_SIE : SG_MTP2_SIN);
	tst_run(t, 5 * MS);
	return tst_now();
}

static bool t7_1(struct tester *t)
{
	uint64_t t0 = into_proving(t, false);

	CHECK(t0, "proving not reached");
	tst_run(t, 1000 * MS);
	t->b_err_next = 3;
	if (!proved(t, K_SIN, PN_HI, t0, PN_LO, PN_HI, "Pn"))
		return false;
	CHECK(CTR(SG_MTP2_CTR_PROVING_ABORT) == 0, "proving aborted");
	return true;
}

/* 7.2: Ca reaches Tin = 4: the period is aborted (Q.703 Fig. 9, further
 * proving) and a complete new period follows: FISU after about 2 Pn. */
static bool t7_2(struct tester *t)
{
	uint64_t t0 = into_proving(t, false);

	CHECK(t0, "proving not reached");
	tst_run(t, 1000 * MS);
	t->b_err_next = 4;
	if (!proved(t, K_SIN, 2 * PN_HI, t0, 2 * PN_LO, 2 * PN_HI, "two proving periods"))
		return false;
	return proving_aborts(t, 1);
}

/* 7.3: errors above Tin in every period: M = 5 aborts, then SIOS. */
static bool t7_3(struct tester *t)
{
	uint64_t t0 = into_proving(t, false);

	CHECK(t0, "proving not reached");
	t->b_err_every = 50;
	WAIT(~KM(K_SIN), 5 * PN_HI + 1000, "end of alignment");
	CHECK(t->hit.kind == K_SIOS, "A sent %s", tst_kind_name(t->hit.kind));
	if (!proving_aborts(t, 5))
		return false;
	/* the fifth abort falls early in the fifth period */
	WIN(t->hit.t - t0, 4 * PN_LO, 4 * PN_HI + 1000, "five proving attempts");
	return oos_with(t, 0, SG_MTP2_OOS_ALIGN_FAIL) && stays_oos(t, 1000);
}

static bool t7_4(struct tester *t)
{
	uint64_t t0 = into_proving(t, true);

	CHECK(t0, "proving not reached");
	tst_run(t, 100 * MS);
	t->b_err_next = 1;
	if (!proved(t, K_SIE, 2 * PE_HI, t0, 2 * PE_LO, 2 * PE_HI, "two emergency proving periods"))
		return false;
	return proving_aborts(t, 1);
}

/* ---------------------------------------------------------------------- */
/* 8. Transmission and reception control (basic error correction)        */

static bool t8_1(struct tester *t)
{
	UP();
	b_send_msu(t, 0x801, 20);
	WAIT(KM(K_FISU), 20, "FISU");
	tst_run(t, 10 * MS);
	CHECK(t->n_rx == 1 && t->rx_tag[0] == 0x801, "MSU not delivered once");
	CHECK(t->a_cur.su.bsn == 0, "BSN %u, expected 0", t->a_cur.su.bsn);
	a_msu(t, 0x802, 20);
	WAIT(KM(K_MSU), 10, "MSU");
	CHECK(t->hit.su.fsn == 0 && t->hit.su.fib, "MSU FSN %u FIB %u", t->hit.su.fsn,
	      t->hit.su.fib);
	/* acknowledged by B: no retransmission, no T7 expiry */
	ONLY(KM(K_FISU), 3 * T7_HI);
	CHECK(CTR(SG_MTP2_CTR_TX_RETRANS) == 0, "retransmission");
	CHECK(t->b_rx_msu == 1, "B received %lu MSUs", t->b_rx_msu);
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

static bool t8_2(struct tester *t)
{
	UP();
	t->b_auto_ack = false;
	a_msu(t, 0x821, 12);
	WAIT(KM(K_MSU), 10, "MSU");
	CHECK(t->hit.su.fsn == 0 && t->hit.su.fib, "first MSU FSN %u FIB %u", t->hit.su.fsn,
	      t->hit.su.fib);
	/* negative acknowledgement: BSN = n - 1 with BIB inverted */
	t->b_bib = false;
	WAIT(KM(K_MSU), 20, "retransmitted MSU");
	CHECK(t->hit.su.fsn == 0 && !t->hit.su.fib, "retransmission FSN %u FIB %u",
	      t->hit.su.fsn, t->hit.su.fib);
	CHECK(t->hit.su.payload[1] == 0x21, "different MSU retransmitted");
	t->b_bsn = 0;
	ONLY(KM(K_FISU), 3000);
	CHECK(t->a_cur.su.fib == false, "FIB not kept inverted");
	CHECK(CTR(SG_MTP2_CTR_RX_NACK) == 1 && CTR(SG_MTP2_CTR_TX_RETRANS) == 1,
	      "NACK/retransmission counters");
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

/* 8.3: at most N1 = 127 MSUs outstanding; the rest waits for B's ack. */
static bool t8_3(struct tester *t)
{
	unsigned int i;
	unsigned long sent;

	UP();
	t->b_hold_ack = true;
	for (i = 0; i < 200; i++)
		a_msu(t, i, 6);
	tst_run(t, 400 * MS);
	sent = t->a_count[K_MSU];
	CHECK(sent == 127, "%lu MSUs sent without acknowledgement", sent);
	ONLY(KM(K_FISU), 100);
	CHECK(sg_mtp2_rtb_len(t->a) == 127 && sg_mtp2_tb_len(t->a) == 73, "buffers %u/%u",
	      sg_mtp2_rtb_len(t->a), sg_mtp2_tb_len(t->a));
	t->b_hold_ack = false;
	t->b_bsn = 126;
	t->b_rx_msu = 127;
	tst_run(t, 400 * MS);
	CHECK(t->a_count[K_MSU] == 200, "%lu MSUs sent", t->a_count[K_MSU]);
	CHECK(t->b_rx_msu == 200, "B accepted %lu MSUs", t->b_rx_msu);
	CHECK(CTR(SG_MTP2_CTR_TX_RETRANS) == 0, "retransmission");
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

static bool t8_4(struct tester *t)
{
	UP();
	b_queue_msu(t, 0, false, t->b_bsn, t->b_bib, 0x841, 10);
	ONLY(KM(K_FISU), 50);
	CHECK(t->n_rx == 0, "MSU with wrong FIB delivered");
	b_send_msu(t, 0x842, 10);
	ONLY(KM(K_FISU), 50);
	CHECK(t->n_rx == 1 && t->rx_tag[0] == 0x842, "next MSU not accepted");
	CHECK(CTR(SG_MTP2_CTR_RX_ABN_FIB) == 1, "abnormal FIB not seen");
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

static bool t8_5(struct tester *t)
{
	UP();
	b_send_msu(t, 0x851, 10);
	b_queue_msu(t, t->b_fsn, t->b_fib, t->b_bsn, t->b_bib, 0x851, 10);
	ONLY(KM(K_FISU), 100);
	CHECK(t->n_rx == 1, "MSU delivered %u times", t->n_rx);
	CHECK(CTR(SG_MTP2_CTR_TX_NACK) == 0, "NACK for a duplicate");
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

static bool t8_6(struct tester *t)
{
	UP();
	b_send_msu(t, 0x861, 10);
	/* unrequested retransmission of the same MSU with FIB inverted */
	b_queue_msu(t, t->b_fsn, !t->b_fib, t->b_bsn, t->b_bib, 0x861, 10);
	ONLY(KM(K_FISU), 200);
	CHECK(t->n_rx == 1, "MSU delivered %u times", t->n_rx);
	CHECK(CTR(SG_MTP2_CTR_RX_ABN_FIB) == 1, "abnormal FIB not seen");
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

/* 8.7: consecutive FISUs with unrequested FIB inversion: the second one
 * fails the link (two out of three, Q.703 §5.3.2). */
static bool t8_7(struct tester *t)
{
	UP();
	return abnormal_fib_fails(t);
}

static bool t8_8(struct tester *t)
{
	UP();
	b_queue_fisu(t, t->b_fsn, !t->b_fib, t->b_bsn, t->b_bib);
	ONLY(KM(K_FISU), 1000);
	STATE(SG_MTP2_LSC_IN_SERVICE);
	CHECK(CTR(SG_MTP2_CTR_RX_ABN_FIB) == 1, "abnormal FIB not seen");
	return true;
}

static bool t8_9(struct tester *t)
{
	UP();
	b_queue_fisu(t, t->b_fsn, !t->b_fib, t->b_bsn, t->b_bib);
	b_repeat_lssu(t, SG_MTP2_SIPO);
	IND(SG_MTP2_RPO, 50);
	ONLY(KM(K_FISU), 500);
	b_repeat_fisu(t);
	IND(SG_MTP2_RPR, 50);
	ONLY(KM(K_FISU), 500);
	STATE(SG_MTP2_LSC_IN_SERVICE);
	b_send_msu(t, 0x891, 10);
	tst_run(t, 50 * MS);
	CHECK(t->n_rx == 1, "MSU after RPR not delivered");
	return true;
}

static bool t8_10(struct tester *t)
{
	UP();
	b_queue_msu(t, 0, t->b_fib, 50, t->b_bib, 0x8a1, 10);
	ONLY(KM(K_FISU), 50);
	CHECK(t->n_rx == 0, "MSU with abnormal BSN delivered");
	b_send_msu(t, 0x8a2, 10);
	ONLY(KM(K_FISU), 50);
	CHECK(t->n_rx == 1 && t->rx_tag[0] == 0x8a2, "next MSU not accepted");
	CHECK(CTR(SG_MTP2_CTR_RX_ABN_BSN) == 1, "abnormal BSN not seen");
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

static bool t8_11(struct tester *t)
{
	unsigned int from;

	UP();
	from = t->n_ind;
	b_queue_fisu(t, t->b_fsn, t->b_fib, 50, t->b_bib);
	b_queue_fisu(t, t->b_fsn, t->b_fib, 51, t->b_bib);
	WAIT(KM(K_SIOS), 20, "SIOS");
	return oos_with(t, from, SG_MTP2_OOS_ABNORMAL_BSN) && stays_oos(t, 1000);
}

static bool t8_12a(struct tester *t)
{
	uint64_t t0;

	UP();
	t->b_hold_ack = true;
	a_msu(t, 0x8c1, 10);
	WAIT(KM(K_MSU), 10, "MSU");
	t0 = t->hit.t;
	WAIT(KM(K_SIOS), T7_HI + 100, "SIOS");
	WIN(t->hit.t - t0, T7_LO, T7_HI + SLACK, "T7");
	return oos_with(t, 0, SG_MTP2_OOS_T7) && stays_oos(t, 1000);
}

/* 8.12(b): several MSUs: T7 runs from the oldest unacknowledged one. */
static bool t8_12b(struct tester *t)
{
	uint64_t t0;

	UP();
	t->b_hold_ack = true;
	a_msu(t, 0x8c1, 10);
	WAIT(KM(K_MSU), 10, "MSU");
	t0 = t->hit.t;
	tst_run(t, 300 * MS);
	a_msu(t, 0x8c2, 10);
	tst_run(t, 200 * MS);
	a_msu(t, 0x8c3, 10);
	WAIT(KM(K_SIOS), T7_HI + 100, "SIOS");
	WIN(t->hit.t - t0, T7_LO, T7_HI + SLACK, "T7");
	return oos_with(t, 0, SG_MTP2_OOS_T7);
}

static bool t8_13(struct tester *t)
{
	UP();
	a_req(t, SG_MTP2_STOP);
	WAIT(KM(K_SIOS), 5, "SIOS");
	CHECK(tst_find_ind(t, SG_MTP2_OUT_OF_SERVICE, 0) < 0, "OOS indication for a stop");
	return stays_oos(t, 5000);
}

/* ---------------------------------------------------------------------- */
/* 9. Preventive cyclic retransmission (run with ec = PCR)                 */

/* Wait for the next MSU from A; its FSN in *fsn. */
static bool next_msu(struct tester *t, uint16_t *fsn, unsigned int ms)
{
	if (!tst_wait(t, KM(K_MSU), (uint64_t)ms * MS))
		return tst_fail(t, "no MSU within %u ms", ms);
	*fsn = t->hit.su.fsn;
	return true;
}

#define NEXT_MSU(want) do { \
	uint16_t f_ = 0; \
	if (!next_msu(t, &f_, 20)) \
		return false; \
	CHECK(f_ == (want), "MSU FSN %u sent, expected %u", f_, (unsigned int)(want)); \
} while (0)

/* A in service, B holding its acknowledgements: A is given n MSUs of len octets (i, len) and
 * sends the first sent of them, FSN 0 up, once each. */
static bool msus_unacked(struct tester *t, unsigned int n, unsigned int len, unsigned int sent)
{
	unsigned int i;

	UP();
	t->b_hold_ack = true;
	for (i = 0; i < n; i++)
		a_msu(t, i, len);
	for (i = 0; i < sent; i++)
		NEXT_MSU(i);
	return true;
}

static bool t9_1(struct tester *t)
{
	unsigned int i;

	UP();
	t->b_hold_ack = true;
	a_msu(t, 0x911, 10);
	/* sent, then cyclically repeated while unacknowledged and idle */
	for (i = 0; i < 5; i++)
		NEXT_MSU(0);
	CHECK(t->hit.su.fib && t->hit.su.bib, "PCR indicator bits not 1");
	t->b_hold_ack = false;
	t->b_bsn = 0;
	t->b_rx_msu++;
	tst_run(t, 10 * MS);
	ONLY(KM(K_FISU), 500);
	b_send_msu(t, 0x912, 10);
	ONLY(KM(K_FISU), 50);
	CHECK(t->n_rx == 1 && t->a_cur.su.bsn == 0, "B's MSU not acknowledged");
	CHECK(CTR(SG_MTP2_CTR_TX_NACK) == 0, "NACK sent with PCR");
	return true;
}

/* 9.2: new MSUs before cyclic retransmission, FISU only when idle. */
static bool t9_2(struct tester *t)
{
	UP();
	t->b_hold_ack = true;
	a_msu(t, 0x921, 10);
	NEXT_MSU(0);
	NEXT_MSU(0);
	a_msu(t, 0x922, 10);
	a_msu(t, 0x923, 10);
	NEXT_MSU(1);
	NEXT_MSU(2);
	/* then cycling over 0, 1, 2 */
	NEXT_MSU(0);
	NEXT_MSU(1);
	NEXT_MSU(2);
	t->b_hold_ack = false;
	t->b_bsn = 2;
	tst_run(t, 10 * MS);
	ONLY(KM(K_FISU), 200);
	return true;
}

/* 9.3: N1 = 127 unacknowledged MSUs: no new MSU, forced retransmission of
 * the whole RTB (repeated while the condition persists). */
static bool t9_3(struct tester *t)
{
	unsigned int i;

	if (!msus_unacked(t, 200, 6, 127))
		return false;
	for (i = 0; i < 127; i++)
		NEXT_MSU(i);
	NEXT_MSU(0);
	t->b_hold_ack = false;
	t->b_bsn = 126;
	t->b_rx_msu = 127;
	if (!tst_wait(t, KM(K_MSU), 10 * MS))
		return tst_fail(t, "no MSU");
	while (t->hit.su.fsn != 127 && t->hit.su.fsn < 127)
		if (!tst_wait(t, KM(K_MSU), 10 * MS))
			return tst_fail(t, "no new MSU after acknowledgement");
	CHECK(t->hit.su.fsn == 127, "FSN %u", t->hit.su.fsn);
	tst_run(t, 500 * MS);
	CHECK(t->b_rx_msu == 200, "B accepted %lu", t->b_rx_msu);
	return true;
}

/* 9.4: N2 octets in the RTB (N2 = 500, MSUs of 50 octets: 10 MSUs). */
static bool t9_4(struct tester *t)
{
	unsigned int i;

	if (!msus_unacked(t, 20, 50, 10))
		return false;
	for (i = 0; i < 10; i++)
		NEXT_MSU(i);
	NEXT_MSU(0);
	return true;
}

/* 9.5: an acknowledgement during forced retransmission that brings the RTB
 * below N1/N2 ends it (decision, Q.703 §6.4): new MSUs follow at once. */
static bool t9_5(struct tester *t)
{
	if (!msus_unacked(t, 20, 50, 10))
		return false;
	NEXT_MSU(0);
	NEXT_MSU(1);
	t->b_bsn = 4;
	/* the current MSU still completes, then the new ones come */
	if (!tst_wait(t, KM(K_MSU), 10 * MS))
		return tst_fail(t, "no MSU");
	if (t->hit.su.fsn != 10)
		NEXT_MSU(10);
	NEXT_MSU(11);
	return true;
}

/* 9.6: B re-sends MSUs (its cyclic/forced retransmission): A delivers each
 * once and in order. */
static bool t9_6(struct tester *t)
{
	unsigned int i;

	UP();
	for (i = 0; i < 3; i++)
		b_send_msu(t, 0x960 + i, 10);
	for (i = 0; i < 3; i++)
		b_queue_msu(t, i, true, t->b_bsn, true, 0x960 + i, 10);
	for (i = 0; i < 3; i++)
		b_queue_msu(t, i, true, t->b_bsn, true, 0x960 + i, 10);
	ONLY(KM(K_FISU), 100);
	return in_order(t, t->rx_tag, t->n_rx, 0x960, 3, "A");
}

static bool t9_7(struct tester *t)
{
	UP();
	b_repeat_lssu(t, SG_MTP2_SIPO);
	IND(SG_MTP2_RPO, 50);
	a_msu(t, 0x971, 10);
	ONLY(KM(K_FISU), 1000);
	b_repeat_fisu(t);
	IND(SG_MTP2_RPR, 50);
	NEXT_MSU(0);
	tst_run(t, 20 * MS);
	CHECK(t->b_rx_msu == 1, "B got %lu", t->b_rx_msu);
	ONLY(KM(K_FISU), 200);
	return true;
}

static bool t9_8(struct tester *t)
{
	UP();
	b_queue_msu(t, 0, true, 60, true, 0x981, 10);
	ONLY(KM(K_FISU), 100);
	CHECK(t->n_rx == 0, "MSU with abnormal BSN delivered");
	b_send_msu(t, 0x982, 10);
	ONLY(KM(K_FISU), 50);
	CHECK(t->n_rx == 1, "next MSU not accepted");
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

static bool t9_9(struct tester *t)
{
	unsigned int from;

	UP();
	from = t->n_ind;
	b_queue_msu(t, 0, true, 60, true, 0x991, 10);
	b_queue_msu(t, 1, true, 61, true, 0x992, 10);
	WAIT(KM(K_SIOS), 20, "SIOS");
	return oos_with(t, from, SG_MTP2_OOS_ABNORMAL_BSN) && stays_oos(t, 500);
}

static bool t9_10(struct tester *t)
{
	UP();
	b_queue_msu(t, 1, true, t->b_bsn, true, 0x9a2, 10);
	ONLY(KM(K_FISU), 50);
	CHECK(t->n_rx == 0, "out-of-sequence MSU delivered");
	CHECK(t->a_cur.su.bib, "BIB inverted (NACK) with PCR");
	b_queue_msu(t, 0, true, t->b_bsn, true, 0x9a1, 10);
	b_queue_msu(t, 1, true, t->b_bsn, true, 0x9a2, 10);
	ONLY(KM(K_FISU), 50);
	return in_order(t, t->rx_tag, t->n_rx, 0x9a1, 2, "A");
}

static bool t9_11(struct tester *t)
{
	uint64_t t0;

	UP();
	t->b_hold_ack = true;
	a_msu(t, 0x9b1, 10);
	NEXT_MSU(0);
	t0 = t->hit.t;
	WAIT(KM(K_SIOS), T7_HI + 100, "SIOS");
	WIN(t->hit.t - t0, T7_LO, T7_HI + SLACK, "T7");
	return oos_with(t, 0, SG_MTP2_OOS_T7);
}

/* 9.12: a FISU with an FSN beyond the last accepted MSU: with PCR no NACK,
 * A waits for the cyclic retransmission. */
static bool t9_12(struct tester *t)
{
	UP();
	b_queue_fisu(t, 0, true, t->b_bsn, true);
	ONLY(KM(K_FISU), 100);
	CHECK(t->a_cur.su.bib && CTR(SG_MTP2_CTR_TX_NACK) == 0, "NACK sent");
	b_queue_msu(t, 0, true, t->b_bsn, true, 0x9c1, 10);
	ONLY(KM(K_FISU), 50);
	CHECK(t->n_rx == 1 && t->a_cur.su.bsn == 0, "MSU not accepted");
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

static bool t9_13(struct tester *t)
{
	UP();
	a_msu(t, 0x9d1, 10);
	tst_run(t, 10 * MS);
	a_req(t, SG_MTP2_STOP);
	WAIT(KM(K_SIOS), 5, "SIOS");
	return stays_oos(t, 2000);
}

/* ---------------------------------------------------------------------- */
/* 10. Level 2 flow control                                                */

/* 10.1: receive congestion at A (test hook): SIB every T5, BSN frozen;
 * after abatement SIB stops and the BSN catches up. */
static bool t10_1(struct tester *t)
{
	uint64_t last = 0, dt;
	unsigned long fisu0 = 0;
	unsigned int i;

	UP();
	b_send_msu(t, 0xa01, 10);
	tst_run(t, 20 * MS);
	sg_mtp2_force_rx_congestion(t->a, SG_MTP2_RXCONG_ACCEPT);
	for (i = 0; i < 10; i++) {
		WAIT(KM(K_SIB), T5_HI + 10, "SIB");
		if (i) {
			dt = t->hit.t - last;
			WIN(dt, T5_LO, T5_HI + SLACK, "SIB interval (T5)");
		}
		CHECK(t->hit.su.bsn == 0, "acknowledgement not withheld (BSN %u)", t->hit.su.bsn);
		last = t->hit.t;
		if (!i)
			fisu0 = t->a_count[K_FISU];
		if (i == 3)
			b_send_msu(t, 0xa02, 10);
	}
	/* between SIBs A goes on sending FISUs: about T5 / 0.75 ms of them */
	CHECK(t->a_count[K_FISU] - fisu0 > 9 * 100, "only %lu FISUs between SIBs",
	      t->a_count[K_FISU] - fisu0);
	sg_mtp2_force_rx_congestion(t->a, SG_MTP2_RXCONG_NONE);
	WAIT(KM(K_FISU), 10, "FISU");
	CHECK(t->hit.su.bsn == 1, "BSN %u after abatement, expected 1", t->hit.su.bsn);
	ONLY(KM(K_FISU), 1000);
	CHECK(t->n_rx == 2, "%u MSUs delivered", t->n_rx);
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

/* 10.2: T7 while B is busy: each SIB restarts T7 (Q.703 §9.3), so a busy
 * period longer than T7 does not fail the link; T7 runs again once SIBs
 * stop.  (a) acknowledgement after SIB, (b) none, (c) late one < T7. */
static bool sib_phase(struct tester *t)
{
	UP();
	t->b_hold_ack = true;
	a_msu(t, 0xa21, 10);
	WAIT(KM(K_MSU), 10, "MSU");
	tst_run(t, 100 * MS);
	b_repeat_lssu(t, SG_MTP2_SIB);
	ONLY(KM(K_FISU), 2500);
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

static bool t10_2a(struct tester *t)
{
	if (!sib_phase(t))
		return false;
	t->b_hold_ack = false;
	t->b_bsn = 0;
	b_repeat_fisu(t);
	ONLY(KM(K_FISU), 8000);
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

static bool t10_2b(struct tester *t)
{
	uint64_t t0;

	if (!sib_phase(t))
		return false;
	b_repeat_fisu(t);
	t0 = tst_now();
	WAIT(KM(K_SIOS), T7_HI + 100, "SIOS");
	WIN(t->hit.t - t0, T7_LO - 10, T7_HI + SLACK, "T7 after the last SIB");
	return oos_with(t, 0, SG_MTP2_OOS_T7);
}

static bool t10_2c(struct tester *t)
{
	if (!sib_phase(t))
		return false;
	b_repeat_fisu(t);
	tst_run(t, (T7_LO - 100) * MS);
	t->b_hold_ack = false;
	t->b_bsn = 0;
	ONLY(KM(K_FISU), 8000);
	STATE(SG_MTP2_LSC_IN_SERVICE);
	return true;
}

/* 10.3: B stays busy: the second MSU is held, T6 fails the link. */
static bool t10_3(struct tester *t)
{
	uint64_t t0;

	UP();
	t->b_hold_ack = true;
	a_msu(t, 0xa31, 10);
	WAIT(KM(K_MSU), 10, "MSU");
	b_repeat_lssu(t, SG_MTP2_SIB);
	t0 = tst_now();
	tst_run(t, 50 * MS);
	a_msu(t, 0xa32, 10);
	WAIT(~KM(K_FISU), T6_HI + 100, "end of remote congestion");
	CHECK(t->hit.kind == K_SIOS, "A sent %s during remote congestion",
	      tst_kind_name(t->hit.kind));
	WIN(t->hit.t - t0, T6_LO, T6_HI + SLACK, "T6");
	return oos_with(t, 0, SG_MTP2_OOS_T6);
}

/* ---------------------------------------------------------------------- */

enum cfg_kind { C_BASIC, C_PCR, C_PCR_N2 };

struct q781_case {
	const char *num;	/* Q.781 test number */
	const char *var;	/* variant or "" */
	const char *title;
	bool (*fn)(struct tester *t);
	enum cfg_kind cfg;
};

static const struct q781_case cases[] = {
	{ "1.1", "a", "Power-up initialisation - tester powered first", t1_1a },
	{ "1.1", "b", "Power-up initialisation - IUT powered first", t1_1b },
	{ "1.2", "", "Timer T2", t1_2 },
	{ "1.3", "", "Timer T3", t1_3 },
	{ "1.4", "", "Timer T1 & Timer T4 (Normal)", t1_4 },
	{ "1.5", "a", "Normal alignment procedure - correct procedure (FISU)", t1_5a },
	{ "1.5", "b", "Normal alignment procedure - correct procedure, 2-octet LSSU", t1_5b },
	{ "1.6", "", "Normal alignment procedure - correct procedure (MSU)", t1_6 },
	{ "1.7", "", "SIO received during normal proving period", t1_7 },
	{ "1.8", "a", "Normal alignment with PO set (FISU) - LPO at IUT", t1_8a },
	{ "1.8", "b", "Normal alignment with PO set (FISU) - LPO at tester", t1_8b },
	{ "1.9", "a", "Normal alignment with PO set (MSU) - LPO at IUT", t1_9a },
	{ "1.9", "b", "Normal alignment with PO set (MSU) - LPO at tester", t1_9b },
	{ "1.10", "", "Normal alignment with PO set and cleared", t1_10 },
	{ "1.11", "", "Set RPO when \"Aligned not ready\"", t1_11 },
	{ "1.12", "a", "SIOS received when \"Aligned not ready\" - LPO at IUT", t1_12a },
	{ "1.12", "b", "SIOS received when \"Aligned not ready\" - PO at tester", t1_12b },
	{ "1.13", "", "SIO received when \"Aligned not ready\"", t1_13 },
	{ "1.14", "", "Set and clear LPO while link in service (initial alignment)", t1_14 },
	{ "1.15", "", "Set and clear LPO while \"Aligned ready\"", t1_15 },
	{ "1.16", "", "Timer T1 in \"Aligned not ready\" state", t1_16 },
	{ "1.17", "", "No SIO sent during normal proving period", t1_17 },
	{ "1.18", "", "Set and cancel emergency procedure", t1_18 },
	{ "1.19", "", "Set emergency while in \"Not aligned\" state", t1_19 },
	{ "1.20", "", "Set emergency when \"Aligned\"", t1_20 },
	{ "1.21", "", "Both ends set emergency", t1_21 },
	{ "1.22", "", "Individual end sets emergency", t1_22 },
	{ "1.23", "", "Set emergency during normal proving", t1_23 },
	{ "1.24", "", "No SIO sent during emergency alignment", t1_24 },
	{ "1.25", "", "Deactivation during initial alignment", t1_25 },
	{ "1.26", "", "Deactivation during aligned state", t1_26 },
	{ "1.27", "", "Deactivation during aligned not ready", t1_27 },
	{ "1.28", "", "SIO received during link in service", t1_28 },
	{ "1.29", "a", "SIOS received during link in service", t1_29a },
	{ "1.29", "b", "Deactivation during link in service", t1_29b },
	{ "1.30", "a", "Deactivation during LPO", t1_30a },
	{ "1.30", "b", "SIOS received during RPO", t1_30b },
	{ "1.31", "a", "Deactivation during RPO", t1_31a },
	{ "1.31", "b", "SIOS received during LPO", t1_31b },
	{ "1.32", "a", "Deactivation during the proving period - by tester", t1_32a },
	{ "1.32", "b", "Deactivation during the proving period - by IUT", t1_32b },
	{ "1.33", "", "SIO received instead of FISUs", t1_33 },
	{ "1.34", "", "SIOS received instead of FISUs", t1_34 },
	{ "1.35", "", "SIPO received instead of FISUs", t1_35 },
	{ "2.1", "", "Unexpected signal units/orders in \"Out of service\" state", t2_1 },
	{ "2.2", "", "Unexpected signal units/orders in \"Not aligned\" state", t2_2 },
	{ "2.3", "", "Unexpected signal units/orders in \"Aligned\" state", t2_3 },
	{ "2.4", "", "Unexpected signal units/orders in \"Proving\" state", t2_4 },
	{ "2.5", "", "Unexpected signal units/orders in \"Aligned ready\" state", t2_5 },
	{ "2.6", "", "Unexpected signal units/orders in \"Aligned not ready\" state", t2_6 },
	{ "2.7", "", "Unexpected signal units/orders in \"In service\" state", t2_7 },
	{ "2.8", "", "Unexpected signal units/orders in \"Processor outage\" state", t2_8 },
	{ "3.1", "", "Link aligned ready (Break Tx path)", t3_1 },
	{ "3.2", "", "Link aligned ready (Corrupt FIBs - Basic)", t3_2 },
	{ "3.3", "", "Link aligned not ready (Break Tx path)", t3_3 },
	{ "3.4", "", "Link aligned not ready (Corrupt FIBs - Basic)", t3_4 },
	{ "3.5", "", "Link in service (Break Tx path)", t3_5 },
	{ "3.6", "", "Link in service (Corrupt FIBs - Basic)", t3_6 },
	{ "3.7", "", "Link in processor outage (Break Tx path)", t3_7 },
	{ "3.8", "", "Link in processor outage (Corrupt FIBs - Basic)", t3_8 },
	{ "4.1", "a", "Set and clear LPO while link in service - at IUT", t4_1a },
	{ "4.1", "b", "Set and clear LPO while link in service - at tester", t4_1b },
	{ "4.2", "", "RPO during LPO", t4_2 },
	{ "4.3", "", "Clear LPO when \"Both processor outage\"", t4_3 },
	{ "5.1", "", "SU delimitation - more than 6 consecutive 1s between flags", t5_1 },
	{ "5.2", "", "Greater than maximum signal unit length", t5_2 },
	{ "5.3", "", "Below minimum signal unit length", t5_3 },
	{ "5.4", "", "Reception of single and multiple flags between FISUs", t5_4 },
	{ "5.5", "", "Reception of single and multiple flags between MSUs", t5_5 },
	{ "6.1", "", "SUERM - error rate of 1 in 256 - link remains in service", t6_1 },
	{ "6.2", "", "SUERM - error rate of 1 in 254 - link out of service", t6_2 },
	{ "6.3", "", "SUERM - consecutive corrupted SUs", t6_3 },
	{ "6.4", "", "SUERM - time controlled break of the link", t6_4 },
	{ "7.1", "", "AERM - below the normal proving threshold", t7_1 },
	{ "7.2", "", "AERM - at the normal proving threshold", t7_2 },
	{ "7.3", "", "AERM - above the normal proving threshold", t7_3 },
	{ "7.4", "", "AERM - at the emergency proving threshold", t7_4 },
	{ "8.1", "", "MSU transmission and reception", t8_1 },
	{ "8.2", "", "Negative acknowledgement of an MSU", t8_2 },
	{ "8.3", "", "Check RTB full", t8_3 },
	{ "8.4", "", "Single MSU with erroneous FIB", t8_4 },
	{ "8.5", "", "Duplicated FSN", t8_5 },
	{ "8.6", "", "Erroneous retransmission - single MSU", t8_6 },
	{ "8.7", "", "Erroneous retransmission - multiple FISUs", t8_7 },
	{ "8.8", "", "Single FISU with corrupt FIB", t8_8 },
	{ "8.9", "", "Single FISU prior to RPO being set", t8_9 },
	{ "8.10", "", "Abnormal BSN - single MSU", t8_10 },
	{ "8.11", "", "Abnormal BSN - two consecutive FISUs", t8_11 },
	{ "8.12", "a", "Excessive delay of acknowledgement - single MSU", t8_12a },
	{ "8.12", "b", "Excessive delay of acknowledgement - multiple MSUs", t8_12b },
	{ "8.13", "", "Level 3 stop command", t8_13 },
	{ "9.1", "", "MSU transmission and reception (PCR)", t9_1, C_PCR },
	{ "9.2", "", "Priority control (PCR)", t9_2, C_PCR },
	{ "9.3", "", "Forced retransmission with the value N1", t9_3, C_PCR },
	{ "9.4", "", "Forced retransmission with the value N2", t9_4, C_PCR_N2 },
	{ "9.5", "", "Forced retransmission cancel", t9_5, C_PCR_N2 },
	{ "9.6", "", "Reception of forced retransmission", t9_6, C_PCR },
	{ "9.7", "", "MSU transmission while RPO set (PCR)", t9_7, C_PCR },
	{ "9.8", "", "Abnormal BSN - single MSU (PCR)", t9_8, C_PCR },
	{ "9.9", "", "Abnormal BSN - two MSUs (PCR)", t9_9, C_PCR },
	{ "9.10", "", "Unexpected FSN (PCR)", t9_10, C_PCR },
	{ "9.11", "", "Excessive delay of acknowledgement (PCR)", t9_11, C_PCR },
	{ "9.12", "", "FISU with FSN expected for MSU (PCR)", t9_12, C_PCR },
	{ "9.13", "", "Level 3 stop command (PCR)", t9_13, C_PCR },
	{ "10.1", "", "Congestion abatement", t10_1 },
	{ "10.2", "a", "Timer T7 - acknowledgement after SIB", t10_2a },
	{ "10.2", "b", "Timer T7 - no acknowledgement after SIB", t10_2b },
	{ "10.2", "c", "Timer T7 - late acknowledgement after SIB", t10_2c },
	{ "10.3", "", "Timer T6", t10_3 },
};

static bool run_case(const struct q781_case *c)
{
	struct sg_mtp2_cfg cfg;
	struct tester *t;
	bool ok;

	sg_mtp2_cfg_defaults(&cfg);
	if (c->cfg != C_BASIC)
		cfg.ec = SG_MTP2_EC_PCR;
	if (c->cfg == C_PCR_N2)
		cfg.n2 = 500;
	t = tst_new(&cfg);
	ok = c->fn(t) && !t->failed;
	printf("%s Q.781 %s%s%s%s %s%s%s (%.1f s virtual)\n", ok ? "PASS" : "FAIL", c->num,
	       *c->var ? "(" : "", c->var, *c->var ? ")" : "", c->title,
	       ok ? "" : ": ", ok ? "" : (t->failed ? t->why : "check failed"),
	       tst_now() / 1e9);
	fflush(stdout);
	tst_free(t);
	return ok;
}

int main(int argc, char **argv)
{
	const unsigned int n = ARRAY_SIZE(cases);
	unsigned int i, total = 0, automated = 0, passed = 0, failed = 0;
	const char *lvl = getenv("Q781_LOG");

	sg_log_init(NULL, SG_LOG_STDERR, false);
	/* per-category levels only apply with the target's global level at 0 */
	if (osmo_stderr_target)
		log_set_log_level(osmo_stderr_target, 0);
	sg_log_set_level(DMTP2, lvl ? sg_log_level_by_name(lvl) : LOGL_ERROR);

	/* one Q.781 test number may have several variant rows */
	for (i = 0; i < n; ) {
		unsigned int j = i;
		bool ok = true, is_auto = cases[i].fn != NULL;

		total++;
		for (; j < n && !strcmp(cases[j].num, cases[i].num); j++) {
			if (!cases[j].fn) {
				printf("not automated: Q.781 %s %s\n", cases[j].num, cases[j].title);
				continue;
			}
			if (argc > 1 && strcmp(argv[1], cases[j].num))
				continue;
			ok &= run_case(&cases[j]);
		}
		if (is_auto && (argc <= 1 || !strcmp(argv[1], cases[i].num))) {
			automated++;
			if (ok)
				passed++;
			else
				failed++;
		}
		i = j;
	}
	printf("Q.781: %u of %u tests automated\n", automated, total);
	printf("Q.781: %u passed, %u failed\n", passed, failed);
	sg_log_fini();
	return failed ? 1 : 0;
}
