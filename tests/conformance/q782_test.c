/* Q.782 (MTP level 3 test specification) checklist for our Q.704/Q.707 MTP3, in virtual time. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>
#include <osmocom/core/application.h>
#include <osmocom/core/utils.h>

#include <sg/counter.h>
#include <sg/log.h>
#include <sg/m3ua.h>
#include <sg/m3ua_sg.h>
#include <sg/msg.h>
#include <sg/mtp3_core.h>
#include <sg/nif.h>
#include <sg/timer.h>

#include "q782_net.h"

/*
 * The implementation under test (IUT) is one MTP3 instance, PC 1 (ITU, national), with up to
 * three linksets to scripted signalling points B (PC 2), C (PC 3), D (PC 4) over real MTP2
 * links; X (PC 9) is a destination behind them.  The scripted SPs answer SLTMs; every check
 * decodes what the IUT put on the wire with the MTP3 codec.  Test IDs are the rows of
 * doc/conformance/q782.md (a checklist derived from Q.704/Q.707, with the Q.782 numbers
 * known to match).  Timing windows are the Q.704 §16.8 / Q.707 ranges.
 */

#define PC_IUT 1
#define PC_B 2
#define PC_C 3
#define PC_D 4
#define PC_X 9
#define SI_USER 5

static char fail_msg[256];

static bool tfail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool tfail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fail_msg, sizeof(fail_msg), fmt, ap);
	va_end(ap);
	return false;
}

#define CHECK(c, ...) do { if (!(c)) return tfail(__VA_ARGS__); } while (0)
#define WIN(dt_ns, lo_ms, hi_ms, what) \
	CHECK((dt_ns) >= (uint64_t)(lo_ms) * SG_NS_PER_MS && \
	      (dt_ns) <= (uint64_t)(hi_ms) * SG_NS_PER_MS, "%s = %.3f s, outside %.3f..%.3f s", \
	      what, (double)(dt_ns) / 1e9, (lo_ms) / 1e3, (hi_ms) / 1e3)

/* ---- fixture ---- */

struct uev {
	enum sg_mtp_prim prim;
	struct sg_mtp_param p;
	uint32_t seq;
	uint64_t t;
};

static struct fx {
	struct sg_mtp3 *m;
	struct sg_mtp3_linkset *ls[3];
	struct sg_mtp3_link *l[3][4];
	struct q_end *iut[3][4], *pt[3][4];
	unsigned int nls, nl[3];
	struct uev ev[4096];
	unsigned int nev;
} F;

static void user_cb(struct sg_mtp3 *m, enum sg_mtp_prim prim, const struct sg_mtp_param *p,
		    struct msgb *msg, void *priv)
{
	struct uev *e = F.nev < ARRAY_SIZE(F.ev) ? &F.ev[F.nev++] : NULL;

	if (e) {
		e->prim = prim;
		e->p = *p;
		e->t = sg_now();
		e->seq = 0;
		if (msg && msgb_l4len(msg) >= 4)
			memcpy(&e->seq, msgb_l4(msg), 4);
	}
	msgb_free(msg);
}

static const struct sg_mtp_user test_user = { .name = "test", .prim_cb = user_cb };

static int count_ev(enum sg_mtp_prim prim, uint32_t dpc)
{
	int n = 0;

	for (unsigned int i = 0; i < F.nev; i++)
		if (F.ev[i].prim == prim && F.ev[i].p.dpc == dpc)
			n++;
	return n;
}

/* MTP2 configuration of the cables (NULL: Q.703 defaults) */
static const struct sg_mtp2_cfg *fx_mtp2;
/* national option of congestion priorities (Q.704 §3.8.2.2) for the IUT */
static bool fx_cong_prio;
/* national option of TFR sending (Q.704 §13.4, cfg.tfr) for the IUT */
static bool fx_tfr;
/* TFP in answer to MSUs for a DPC without a route (cfg.tfp_unknown) for the IUT */
static bool fx_tfp_unknown;
/* destination of x_stream() (reset by fx_teardown) */
static uint32_t x_dpc = PC_X;

/* nl[i] links on linkset i towards PC 2+i */
static void fx_setup(unsigned int nls, const unsigned int *nl, bool stp)
{
	struct sg_mtp3_cfg cfg;
	static const char *lsn[] = { "B", "C", "D" };

	memset(&F, 0, sizeof(F));
	q_net_init();
	sg_mtp3_cfg_defaults(&cfg);
	cfg.name = "iut";
	cfg.pc = PC_IUT;
	cfg.stp = stp;
	cfg.cong_prio = fx_cong_prio;
	cfg.tfr = fx_tfr;
	cfg.tfp_unknown = fx_tfp_unknown;
	F.m = sg_mtp3_alloc(NULL, &cfg);
	sg_mtp3_user_register(F.m, SG_MTP_SI_BIT(SI_USER), &test_user);
	F.nls = nls;
	for (unsigned int i = 0; i < nls; i++) {
		F.ls[i] = sg_mtp3_linkset_add(F.m, lsn[i], PC_B + i);
		F.nl[i] = nl[i];
		for (unsigned int j = 0; j < nl[i]; j++) {
			char name[16];

			snprintf(name, sizeof(name), "%s-%u", lsn[i], j + 1);
			F.l[i][j] = sg_mtp3_link_add(F.ls[i], name, j);
			F.iut[i][j] = q_end_mtp3(F.m, F.l[i][j]);
			F.pt[i][j] = q_end_script(PC_B + i, PC_IUT, j);
			q_cable(F.iut[i][j], F.pt[i][j], fx_mtp2);
			if (fx_mtp2 && fx_mtp2->ext_seq)
				sg_mtp3_link_set_ext_seq(F.l[i][j], true);
		}
	}
}

static void fx_teardown(void)
{
	sg_mtp3_free(F.m);
	F.m = NULL;
	x_dpc = PC_X;
	q_net_fini();
}

static bool all_available(void *arg)
{
	for (unsigned int i = 0; i < F.nls; i++)
		for (unsigned int j = 0; j < F.nl[i]; j++)
			if (sg_mtp3_link_state(F.l[i][j]) != SG_MTP3_LINK_AVAILABLE)
				return false;
	return true;
}

/* Start everything, scripted ends with emergency proving; TRA from each adjacent SP. */
static bool fx_up(bool tra)
{
	struct sg_mtp3_snm s = { .heading = SG_MTP3_TRA };

	sg_mtp3_start(F.m);
	for (unsigned int i = 0; i < F.nls; i++)
		for (unsigned int j = 0; j < F.nl[i]; j++) {
			sg_mtp2_l3_req(F.pt[i][j]->mtp2, SG_MTP2_EMERGENCY, NULL, NULL);
			sg_mtp2_l3_req(F.pt[i][j]->mtp2, SG_MTP2_START, NULL, NULL);
		}
	CHECK(q_run_until(all_available, NULL, 20000), "links not available within 20 s");
	q_run(20);
	if (tra)
		for (unsigned int i = 0; i < F.nls; i++)
			q_script_tx_snm(F.pt[i][0], PC_IUT, &s);
	q_run(50);
	return true;
}

static int iut_send_prio(uint32_t dpc, uint8_t sls, uint32_t seq, uint8_t prio)
{
	struct sg_mtp_param p = { .dpc = dpc, .sls = sls, .si = SI_USER, .prio = prio };
	struct msgb *msg = sg_msgb_alloc(256, "user");

	msgb_reserve(msg, 64);
	msg->l4h = msgb_put(msg, 4);
	memcpy(msg->l4h, &seq, 4);
	return sg_mtp3_transfer_req(F.m, &p, msg);
}

static void iut_send(uint32_t dpc, uint8_t sls, uint32_t seq)
{
	iut_send_prio(dpc, sls, seq, 0);
}

static uint32_t msu_seq(const struct q_msu *q)
{
	uint32_t seq;

	memcpy(&seq, q->data + sg_mtp3_hdr_len(SG_PC_ITU), 4);
	return seq;
}

/* user MSUs (SI_USER) received by scripted end e from index from on, in order */
static unsigned int user_msus(struct q_end *e, unsigned int from, struct q_msu **out,
			      unsigned int max)
{
	unsigned int n = 0, i = 0;
	struct q_msu *q;

	llist_for_each_entry(q, &e->rx, list) {
		if (i++ < from || q->rc || q->h.si != SI_USER)
			continue;
		if (n < max)
			out[n] = q;
		n++;
	}
	/* max == 0: just count; else never more than fit in out[] */
	if (max && n > max)
		n = max;
	return n;
}

static uint64_t ctr(enum sg_mtp3_ctr c)
{
	return sg_ctr_get(sg_mtp3_counters(F.m), c);
}

/* ---- L3-SLM: signalling link management and link test ---- */

static bool t_slm_01(void)
{
	static const unsigned int nl[] = { 1 };
	struct q_end *pt;
	struct sg_mtp3_slt s;
	struct sg_mtp3_snm n;
	struct q_msu *q;
	unsigned int from = 0;

	fx_setup(1, nl, false);
	pt = F.pt[0][0];
	pt->auto_slta = false;
	sg_mtp3_start(F.m);
	sg_mtp2_l3_req(pt->mtp2, SG_MTP2_EMERGENCY, NULL, NULL);
	sg_mtp2_l3_req(pt->mtp2, SG_MTP2_START, NULL, NULL);
	q_run(3000);
	/* emergency proving (Pe 0.4-0.6 s) rather than normal (Pn 7.5-9.5 s): no other link */
	CHECK(pt->in_service, "link not in service within 3 s: no emergency alignment");
	CHECK(sg_mtp3_link_state(F.l[0][0]) == SG_MTP3_LINK_TESTING, "link %s, expected TESTING",
	      get_value_string(sg_mtp3_link_state_names, sg_mtp3_link_state(F.l[0][0])));
	q = q_find_slt(pt, &from, SG_MTP3_SLTM, &s);
	CHECK(q, "no SLTM from the IUT");
	CHECK(q->h.label.dpc == PC_B && q->h.label.opc == PC_IUT && q->h.label.sls == 0 &&
	      s.slc == 0, "SLTM label %u->%u SLS %u", q->h.label.opc, q->h.label.dpc,
	      q->h.label.sls);
	CHECK(s.len >= 1 && s.len <= 15, "SLTM pattern length %u", s.len);
	CHECK(q->t - pt->in_service_at < 200 * SG_NS_PER_MS, "SLTM late after in service");
	CHECK(count_ev(SG_MTP_RESUME, PC_B) == 0, "MTP-RESUME before SLT");
	/* answer with SLTA: link available, TRA sent to the adjacent SP */
	{
		struct sg_mtp3_hdr h = { .si = SG_MTP3_SI_MTN, .ni = SG_NI_NATIONAL,
					 .label = { .dpc = PC_IUT, .opc = PC_B, .sls = 0 } };
		uint8_t buf[64];

		s.heading = SG_MTP3_SLTA;
		q_script_tx(pt, buf, sg_mtp3_slt_msu_encode(buf, sizeof(buf), &q_fmt, &h, &s));
	}
	q_run(100);
	CHECK(sg_mtp3_link_state(F.l[0][0]) == SG_MTP3_LINK_AVAILABLE,
	      "link not available after SLTA");
	from = 0;
	CHECK(q_find_snm(pt, &from, SG_MTP3_TRA, &n), "no TRA from the IUT");
	CHECK(count_ev(SG_MTP_RESUME, PC_B) == 0, "MTP-RESUME before the adjacent SP's TRA");
	n = (struct sg_mtp3_snm){ .heading = SG_MTP3_TRA };
	q_script_tx_snm(pt, PC_IUT, &n);
	q_run(50);
	CHECK(count_ev(SG_MTP_RESUME, PC_B) == 1, "no MTP-RESUME(B) after TRA");
	return true;
}

static bool t_slm_03(void)
{
	static const unsigned int nl[] = { 2 };
	struct sg_mtp3_snm s;
	struct q_msu *u[64];
	unsigned int from = 0, n;

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	q_rx_clear(F.pt[0][1]);
	sg_mtp3_link_deactivate(F.l[0][0]);
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_B, i, i);
	q_run(50);
	CHECK(q_find_snm(F.pt[0][1], &from, SG_MTP3_COO, &s), "no COO on B-2");
	CHECK(s.slc == 0, "COO for SLC %u", s.slc);
	CHECK(!F.pt[0][0]->in_service, "B-1 still in service");
	{
		uint16_t bsnt;
		struct sg_mtp3_snm a = { .heading = SG_MTP3_COA, .slc = 0 };

		CHECK(q_script_bsnt(F.pt[0][0], &bsnt), "PT BSNT");
		a.fsn = bsnt;
		q_script_tx_snm(F.pt[0][1], PC_IUT, &a);
	}
	q_run(100);
	n = user_msus(F.pt[0][1], 0, u, 64);
	CHECK(n == 16, "%u of 16 MSUs on B-2 after changeover", n);
	q_run(3000);
	CHECK(sg_mtp3_link_state(F.l[0][0]) == SG_MTP3_LINK_INACTIVE, "deactivated link restarted");
	return true;
}

static bool t_slm_04(void)
{
	static const unsigned int nl[] = { 2 };
	struct q_end *iut;
	uint64_t t0;

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	iut = F.iut[0][0];
	q_fail(iut);
	t0 = sg_now();
	for (unsigned int i = 0;
	     i < 3000 && sg_mtp2_lsc_state(iut->mtp2) == SG_MTP2_LSC_OUT_OF_SERVICE; i++)
		q_run(1);
	WIN(sg_now() - t0, 800, 1500 + 5, "restart after failure (T17)");
	/* the PT restarts too: link back with SLT and changeback */
	sg_mtp2_l3_req(F.pt[0][0]->mtp2, SG_MTP2_START, NULL, NULL);
	CHECK(q_run_until(all_available, NULL, 15000), "link not restored");
	return true;
}

static bool t_slm_05(void)
{
	static const unsigned int nl[] = { 2 };

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	CHECK(count_ev(SG_MTP_RESUME, PC_B) == 1, "no MTP-RESUME(B)");
	sg_mtp3_link_deactivate(F.l[0][0]);
	sg_mtp3_link_deactivate(F.l[0][1]);
	q_run(3000);
	CHECK(count_ev(SG_MTP_PAUSE, PC_B) == 1, "no MTP-PAUSE(B) after deactivating the linkset");
	CHECK(!sg_mtp3_dpc_accessible(F.m, PC_B), "B still accessible");
	CHECK(!F.pt[0][0]->in_service && !F.pt[0][1]->in_service, "links still in service");
	return true;
}

static bool wait_sltm(struct q_end *pt, unsigned int *from, struct q_msu **q, unsigned int ms)
{
	struct sg_mtp3_slt s;

	for (unsigned int i = 0; i < ms; i++) {
		unsigned int f = *from;

		*q = q_find_slt(pt, &f, SG_MTP3_SLTM, &s);
		if (*q) {
			*from = f;
			return true;
		}
		q_run(1);
	}
	return false;
}

static bool t_slm_06(void)
{
	static const unsigned int nl[] = { 1 };
	struct q_msu *a, *b;
	unsigned int from = 0;

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	CHECK(wait_sltm(F.pt[0][0], &from, &a, 1000), "no first SLTM");
	CHECK(wait_sltm(F.pt[0][0], &from, &b, 100000), "no periodic SLTM within 100 s");
	WIN(b->t - a->t, 30000, 90000 + 20, "SLTM period (Q.707 T2)");
	CHECK(sg_mtp3_link_state(F.l[0][0]) == SG_MTP3_LINK_AVAILABLE, "link not available");
	return true;
}

static bool t_slm_07(void)
{
	static const unsigned int nl[] = { 1 };
	struct q_end *pt;
	struct q_msu *a, *b, *c;
	unsigned int from = 0;
	uint64_t t;

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	pt = F.pt[0][0];
	CHECK(wait_sltm(pt, &from, &a, 1000), "no first SLTM");
	pt->auto_slta = false;
	CHECK(wait_sltm(pt, &from, &a, 100000), "no periodic SLTM");
	CHECK(wait_sltm(pt, &from, &b, 15000), "SLTM not repeated");
	WIN(b->t - a->t, 4000, 12000 + 20, "SLTM repetition (Q.707 T1)");
	t = sg_now();
	for (unsigned int i = 0; i < 15000 && pt->in_service; i++)
		q_run(1);
	CHECK(!pt->in_service, "link not restarted after the second failed test");
	WIN(pt->oos_at - b->t, 4000, 12000 + 20, "restart after second SLTM (Q.707 T1)");
	(void)t;
	CHECK(sg_ctr_get(sg_mtp3_link_counters(F.l[0][0]), SG_MTP3_CTR_SLT_FAIL) == 2,
	      "slt:fail = %llu", (unsigned long long)sg_ctr_get(sg_mtp3_link_counters(F.l[0][0]),
								  SG_MTP3_CTR_SLT_FAIL));
	CHECK(count_ev(SG_MTP_PAUSE, PC_B) == 1, "no MTP-PAUSE(B)");
	(void)c;
	return true;
}

static bool t_slm_08(void)
{
	static const unsigned int nl[] = { 1 };
	struct q_end *pt;
	struct q_msu *a, *b;
	struct sg_mtp3_slt s;
	unsigned int from = 0, f;
	struct sg_mtp3_hdr h = { .si = SG_MTP3_SI_MTN, .ni = SG_NI_NATIONAL,
				 .label = { .dpc = PC_IUT, .opc = PC_B, .sls = 0 } };
	uint8_t buf[64];

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	pt = F.pt[0][0];
	CHECK(wait_sltm(pt, &from, &a, 1000), "no first SLTM");
	pt->auto_slta = false;
	CHECK(wait_sltm(pt, &from, &a, 100000), "no periodic SLTM");
	f = from - 1;
	q_find_slt(pt, &f, SG_MTP3_SLTM, &s);
	s.heading = SG_MTP3_SLTA;
	s.pattern[0] ^= 0xff;
	q_script_tx(pt, buf, sg_mtp3_slt_msu_encode(buf, sizeof(buf), &q_fmt, &h, &s));
	CHECK(wait_sltm(pt, &from, &b, 200), "SLTA with a wrong pattern not taken as failed test");
	CHECK(sg_ctr_get(sg_mtp3_link_counters(F.l[0][0]), SG_MTP3_CTR_SLT_FAIL) == 1,
	      "slt:fail not counted");
	return true;
}

static bool t_slm_09(void)
{
	static const unsigned int nl[] = { 1 };
	struct q_end *pt;
	struct sg_mtp3_slt s = { .heading = SG_MTP3_SLTM, .slc = 0, .len = 5,
				 .pattern = { 1, 2, 3, 4, 5 } }, r;
	struct sg_mtp3_hdr h = { .si = SG_MTP3_SI_MTN, .ni = SG_NI_NATIONAL,
				 .label = { .dpc = PC_IUT, .opc = PC_B, .sls = 0 } };
	uint8_t buf[64];
	unsigned int from = 0;
	struct q_msu *q;

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	pt = F.pt[0][0];
	q_rx_clear(pt);
	q_script_tx(pt, buf, sg_mtp3_slt_msu_encode(buf, sizeof(buf), &q_fmt, &h, &s));
	q_run(50);
	q = q_find_slt(pt, &from, SG_MTP3_SLTA, &r);
	CHECK(q, "SLTM not answered");
	CHECK(r.slc == 0 && r.len == 5 && !memcmp(r.pattern, s.pattern, 5) &&
	      q->h.label.dpc == PC_B && q->h.label.opc == PC_IUT, "SLTA does not match the SLTM");
	/* an SLTM from another OPC is not answered */
	h.label.opc = 7;
	q_script_tx(pt, buf, sg_mtp3_slt_msu_encode(buf, sizeof(buf), &q_fmt, &h, &s));
	q_run(50);
	CHECK(!q_find_slt(pt, &from, SG_MTP3_SLTA, &r), "SLTM from a wrong OPC answered");
	return true;
}

/* ---- L3-SMH: message handling ---- */

static bool t_smh_01(void)
{
	static const unsigned int nl[] = { 1 };

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	F.nev = 0;
	q_script_tx_user(F.pt[0][0], SI_USER, PC_IUT, 11, 4711, 20);
	q_run(50);
	CHECK(F.nev == 1 && F.ev[0].prim == SG_MTP_TRANSFER, "no MTP-TRANSFER indication");
	CHECK(F.ev[0].p.opc == PC_B && F.ev[0].p.dpc == PC_IUT && F.ev[0].p.sls == 11 &&
	      F.ev[0].p.si == SI_USER && F.ev[0].seq == 4711, "wrong TRANSFER parameters");
	return true;
}

static bool upu_test(bool registered)
{
	static const unsigned int nl[] = { 1 };
	struct sg_mtp3_snm s;
	unsigned int from = 0;
	struct q_msu *q;

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	if (registered)
		sg_mtp3_user_available(F.m, SI_USER, false);
	q_rx_clear(F.pt[0][0]);
	q_script_tx_user(F.pt[0][0], registered ? SI_USER : SG_MTP3_SI_TUP, PC_IUT, 3, 1, 4);
	q_run(50);
	q = q_find_snm(F.pt[0][0], &from, SG_MTP3_UPU, &s);
	CHECK(q, "no UPU");
	CHECK(q->h.label.dpc == PC_B && s.dest == PC_IUT &&
	      s.upu_user == (registered ? SI_USER : SG_MTP3_SI_TUP) &&
	      s.upu_cause == (registered ? SG_MTP3_UPU_INACCESSIBLE : SG_MTP3_UPU_UNEQUIPPED),
	      "UPU dest %u user %u cause %u", s.dest, s.upu_user, s.upu_cause);
	CHECK(ctr(SG_MTP3_CTR_UPU_TX) == 1, "tx:upu not counted");
	return true;
}

static bool t_smh_02(void)
{
	return upu_test(false);
}

static bool t_smh_03(void)
{
	return upu_test(true);
}

static bool t_smh_04(void)
{
	static const unsigned int nl[] = { 1 };
	uint64_t d;

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	q_rx_clear(F.pt[0][0]);
	d = ctr(SG_MTP3_CTR_RX_DISCARD);
	q_script_tx_user(F.pt[0][0], SI_USER, PC_X, 3, 1, 4);
	q_run(50);
	CHECK(ctr(SG_MTP3_CTR_RX_DISCARD) == d + 1, "not counted as discarded");
	CHECK(F.pt[0][0]->nrx == 0, "something sent back");
	return true;
}

static bool t_smh_05(void)
{
	static const unsigned int nl[] = { 1 };
	uint8_t buf[16] = { 0 };
	struct sg_mtp3_hdr h = { .si = SI_USER, .ni = SG_NI_INTERNATIONAL,
				 .label = { .dpc = PC_IUT, .opc = PC_B, .sls = 1 } };
	uint64_t d;

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	F.nev = 0;
	d = ctr(SG_MTP3_CTR_RX_DISCARD);
	sg_mtp3_hdr_encode(buf, sizeof(buf), &q_fmt, &h);
	q_script_tx(F.pt[0][0], buf, 9);
	q_run(50);
	CHECK(F.nev == 0, "MSU with a wrong NI delivered");
	CHECK(ctr(SG_MTP3_CTR_RX_DISCARD) == d + 1, "not counted as discarded");
	return true;
}

static bool t_smh_06(void)
{
	static const unsigned int nl[] = { 1, 1 };
	struct q_msu *u[4];

	fx_setup(2, nl, true);
	if (!fx_up(true))
		return false;
	q_rx_clear(F.pt[1][0]);
	q_script_tx_user(F.pt[0][0], SI_USER, PC_C, 5, 99, 268);
	q_run(50);
	CHECK(user_msus(F.pt[1][0], 0, u, 4) == 1, "MSU not transferred to C");
	CHECK(u[0]->len == 1 + 4 + 268 && u[0]->h.label.opc == PC_B && u[0]->h.label.dpc == PC_C &&
	      u[0]->h.label.sls == 5 && msu_seq(u[0]) == 99, "transferred MSU changed");
	for (unsigned int i = 4; i < 268; i++)
		CHECK(u[0]->data[5 + i] == (uint8_t)(i * 7), "payload octet %u changed", i);
	return true;
}

static bool t_smh_07(void)
{
	static const unsigned int nl[] = { 1, 1 };
	struct sg_mtp3_snm s = { .heading = SG_MTP3_TFP, .dest = PC_X }, r;
	struct q_end *b;
	unsigned int from = 0;
	struct q_msu *q, *q2;

	fx_setup(2, nl, true);
	sg_mtp3_route_add(F.m, PC_X, F.ls[1], 0);
	if (!fx_up(true))
		return false;
	b = F.pt[0][0];
	q_script_tx_snm(F.pt[1][0], PC_IUT, &s);
	q_run(50);
	q_rx_clear(b);
	q_script_tx_user(b, SI_USER, PC_X, 1, 1, 4);
	q_run(50);
	q = q_find_snm(b, &from, SG_MTP3_TFP, &r);
	CHECK(q && r.dest == PC_X && q->h.label.dpc == PC_B, "no TFP(X) in response");
	q_script_tx_user(b, SI_USER, PC_X, 1, 2, 4);
	q_run(200);
	CHECK(!q_find_snm(b, &from, SG_MTP3_TFP, &r), "second TFP within T8");
	for (unsigned int i = 0; i < 1500 && !(q2 = q_find_snm(b, &from, SG_MTP3_TFP, &r));
	     i += 10) {
		q_script_tx_user(b, SI_USER, PC_X, 1, 3, 4);
		q_run(10);
	}
	CHECK(q2, "no TFP after T8");
	WIN(q2->t - q->t, 800, 1200 + 30, "TFP inhibition (T8)");
	return true;
}

static bool t_smh_08(void)
{
	static const unsigned int nl[] = { 2 };
	struct q_msu *u[128];
	int on[16];
	unsigned int n;

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	for (unsigned int r = 0; r < 3; r++)
		for (unsigned int s = 0; s < 16; s++)
			iut_send(PC_B, s, r * 16 + s);
	q_run(200);
	memset(on, -1, sizeof(on));
	for (unsigned int j = 0; j < 2; j++) {
		n = user_msus(F.pt[0][j], 0, u, 128);
		for (unsigned int i = 0; i < n; i++) {
			unsigned int s = u[i]->h.label.sls;

			CHECK(on[s] == -1 || on[s] == (int)j, "SLS %u on both links", s);
			on[s] = j;
		}
		CHECK(n == 24, "%u MSUs on link %u, expected 24 (even split)", n, j);
	}
	return true;
}

static bool t_smh_09(void)
{
	static const unsigned int nl[] = { 1, 1 };
	struct q_msu *u[64];
	unsigned int n0, n1;

	fx_setup(2, nl, false);
	sg_mtp3_route_add(F.m, PC_X, F.ls[0], 0);
	sg_mtp3_route_add(F.m, PC_X, F.ls[1], 0);
	if (!fx_up(true))
		return false;
	for (unsigned int s = 0; s < 16; s++)
		iut_send(PC_X, s, s);
	q_run(100);
	n0 = user_msus(F.pt[0][0], 0, u, 64);
	n1 = user_msus(F.pt[1][0], 0, u, 64);
	CHECK(n0 == 8 && n1 == 8, "combined linkset split %u/%u", n0, n1);
	return true;
}

static bool t_smh_10(void)
{
	static const unsigned int nl[] = { 1, 1 };
	struct q_msu *u[64];
	struct sg_mtp3_snm s = { .heading = SG_MTP3_TFP, .dest = PC_X };

	fx_setup(2, nl, false);
	sg_mtp3_route_add(F.m, PC_X, F.ls[0], 0);
	sg_mtp3_route_add(F.m, PC_X, F.ls[1], 1);
	if (!fx_up(true))
		return false;
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_X, i, i);
	q_run(100);
	CHECK(user_msus(F.pt[0][0], 0, u, 64) == 16 && user_msus(F.pt[1][0], 0, u, 64) == 0,
	      "traffic not on the priority route");
	q_script_tx_snm(F.pt[0][0], PC_IUT, &s);
	q_run(50);
	q_rx_clear(F.pt[0][0]);
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_X, i, i);
	q_run(100);
	CHECK(user_msus(F.pt[0][0], 0, u, 64) == 0 && user_msus(F.pt[1][0], 0, u, 64) == 16,
	      "traffic not on the alternative route after TFP");
	return true;
}

static bool t_smh_11(void)
{
	static const unsigned int nl[] = { 1, 1 };
	struct sg_mtp3_slt s = { .heading = SG_MTP3_SLTM, .slc = 0, .len = 2, .pattern = { 1, 2 } };
	struct sg_mtp3_hdr h = { .si = SG_MTP3_SI_MTN, .ni = SG_NI_NATIONAL,
				 .label = { .dpc = PC_C, .opc = PC_B, .sls = 0 } };
	uint8_t buf[64];

	fx_setup(2, nl, true);
	if (!fx_up(true))
		return false;
	q_rx_clear(F.pt[1][0]);
	q_script_tx(F.pt[0][0], buf, sg_mtp3_slt_msu_encode(buf, sizeof(buf), &q_fmt, &h, &s));
	q_run(50);
	CHECK(F.pt[1][0]->nrx == 0, "SLTM for another SP forwarded");
	return true;
}

/* ---- L3-CO: changeover ---- */

/* 2-link linkset B up; user traffic on all 16 SLS; returns seq base */
static bool co_setup(void)
{
	static const unsigned int nl[] = { 2 };

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	for (unsigned int s = 0; s < 16; s++)
		iut_send(PC_B, s, s);
	q_run(100);
	return true;
}

/* MSUs of the even SLS (home B-1) must reach the PT once each, in order */
static bool check_seq(unsigned int first, unsigned int last, unsigned int nlinks)
{
	struct q_msu *u[512];
	unsigned int seen[512] = { 0 };

	for (unsigned int j = 0; j < nlinks; j++) {
		unsigned int n = user_msus(F.pt[0][j], 0, u, 512);
		uint32_t prev[16];

		memset(prev, 0, sizeof(prev));
		for (unsigned int i = 0; i < n; i++) {
			uint32_t seq = msu_seq(u[i]);

			CHECK(seq < 512, "bad seq");
			seen[seq]++;
			CHECK(seq >= prev[u[i]->h.label.sls], "SLS %u out of sequence on link %u",
			      u[i]->h.label.sls, j);
			prev[u[i]->h.label.sls] = seq;
		}
	}
	for (unsigned int s = first; s <= last; s++)
		CHECK(seen[s] == 1, "MSU %u received %u times", s, seen[s]);
	return true;
}

static bool t_co_01(void)
{
	struct q_end *p1, *p2;
	struct sg_mtp3_snm s, a = { .heading = SG_MTP3_COA, .slc = 0 };
	unsigned int from = 0;
	uint16_t bsnt;
	struct q_msu *q;

	if (!co_setup())
		return false;
	p1 = F.pt[0][0];
	p2 = F.pt[0][1];
	/* MSUs 16..31 go out; B-1's far end drops them without acknowledging */
	sg_mtp2_force_rx_congestion(p1->mtp2, SG_MTP2_RXCONG_DISCARD);
	for (unsigned int s2 = 0; s2 < 16; s2++)
		iut_send(PC_B, s2, 16 + s2);
	q_run(30);
	q_fail(p1);
	sg_mtp2_force_rx_congestion(p1->mtp2, SG_MTP2_RXCONG_NONE);
	for (unsigned int s2 = 0; s2 < 16; s2++)
		iut_send(PC_B, s2, 32 + s2);
	q_run(50);
	q = q_find_snm(p2, &from, SG_MTP3_COO, &s);
	CHECK(q, "no COO on B-2");
	CHECK(s.slc == 0 && q->h.label.sls == 0, "COO SLC %u", s.slc);
	CHECK(s.fsn == ((p1->tx_msu - 1) & 0x7f), "COO FSN %u, last MSU sent by the PT had FSN %u",
	      s.fsn, (p1->tx_msu - 1) & 0x7f);
	CHECK(q_script_bsnt(p1, &bsnt), "PT BSNT not retrievable");
	a.fsn = bsnt;
	q_script_tx_snm(p2, PC_IUT, &a);
	q_run(200);
	if (!check_seq(0, 47, 2))
		return false;
	CHECK(ctr(SG_MTP3_CTR_CHANGEOVER) == 1, "changeover not counted");
	return true;
}

static bool t_co_02(void)
{
	struct q_end *p1, *p2;
	struct sg_mtp3_snm s = { .heading = SG_MTP3_COO, .slc = 0 }, r;
	unsigned int from = 0;
	uint16_t bsnt;
	struct q_msu *q;

	if (!co_setup())
		return false;
	p1 = F.pt[0][0];
	p2 = F.pt[0][1];
	for (unsigned int i = 0; i < 5; i++)
		q_script_tx_user(p1, SI_USER, PC_IUT, 0, 1000 + i, 4);
	q_run(50);
	q_fail(p1);
	CHECK(q_script_bsnt(p1, &bsnt), "PT BSNT not retrievable");
	s.fsn = bsnt;
	q_script_tx_snm(p2, PC_IUT, &s);
	q_run(100);
	q = q_find_snm(p2, &from, SG_MTP3_COA, &r);
	CHECK(q, "no COA from the IUT");
	CHECK(r.slc == 0 && r.fsn == ((p1->tx_msu - 1) & 0x7f),
	      "COA SLC %u FSN %u, expected FSN %u", r.slc, r.fsn, (p1->tx_msu - 1) & 0x7f);
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_B, i, 16 + i);
	q_run(100);
	return check_seq(0, 31, 2);
}

static bool t_co_03(void)
{
	struct q_end *p1, *p2;
	struct sg_mtp3_snm s, o = { .heading = SG_MTP3_COO, .slc = 0 };
	unsigned int from = 0;
	uint16_t bsnt;
	struct q_msu *q, *u[64];
	unsigned int n, n0;

	if (!co_setup())
		return false;
	p1 = F.pt[0][0];
	p2 = F.pt[0][1];
	q_fail(p1);
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_B, i, 16 + i);
	q_run(30);
	q = q_find_snm(p2, &from, SG_MTP3_COO, &s);
	CHECK(q, "no COO from the IUT");
	n0 = user_msus(p2, 0, u, 64);
	/* crossing COO from the PT: acknowledges the IUT's COO */
	CHECK(q_script_bsnt(p1, &bsnt), "PT BSNT");
	o.fsn = bsnt;
	q_script_tx_snm(p2, PC_IUT, &o);
	q_run(100);
	n = user_msus(p2, 0, u, 64);
	CHECK(n >= n0 + 8, "held traffic not released after crossing COO (before T2)");
	return check_seq(0, 31, 2);
}

static bool t_co_04(void)
{
	struct q_end *p1, *p2;
	struct sg_mtp3_snm s;
	unsigned int from = 0, n0;
	struct q_msu *q, *u[64];

	if (!co_setup())
		return false;
	p1 = F.pt[0][0];
	p2 = F.pt[0][1];
	q_fail(p1);
	q_run(30);
	q = q_find_snm(p2, &from, SG_MTP3_COO, &s);
	CHECK(q, "no COO from the IUT");
	n0 = user_msus(p2, 0, u, 64);
	iut_send(PC_B, 0, 100);
	for (unsigned int i = 0; i < 2500 && user_msus(p2, 0, u, 64) == n0; i++)
		q_run(1);
	CHECK(user_msus(p2, 0, u, 64) == n0 + 1, "diverted MSU not sent");
	WIN(u[n0]->t - q->t, 700, 2000 + 5, "changeover without COA (T2)");
	return true;
}

static bool t_co_07(void)
{
	struct q_end *p1, *p2;
	struct sg_mtp3_snm s = { .heading = SG_MTP3_ECO, .slc = 0 }, r;
	unsigned int from = 0;

	if (!co_setup())
		return false;
	p1 = F.pt[0][0];
	p2 = F.pt[0][1];
	q_fail(p1);
	q_script_tx_snm(p2, PC_IUT, &s);
	q_run(100);
	CHECK(q_find_snm(p2, &from, 0, &r), "no answer to ECO");
	CHECK((r.heading == SG_MTP3_COA || r.heading == SG_MTP3_ECA) && r.slc == 0,
	      "ECO answered with %s SLC %u", get_value_string(sg_mtp3_snm_type_names, r.heading),
	      r.slc);
	return true;
}

static bool t_co_09(void)
{
	struct sg_mtp3_snm a = { .heading = SG_MTP3_COA, .slc = 0, .fsn = 5 };
	struct q_msu *u[64];

	if (!co_setup())
		return false;
	q_script_tx_snm(F.pt[0][1], PC_IUT, &a);
	q_run(50);
	CHECK(sg_mtp3_link_state(F.l[0][0]) == SG_MTP3_LINK_AVAILABLE &&
	      sg_mtp3_link_co_state(F.l[0][0]) == SG_MTP3_CO_NONE, "unexpected COA changed state");
	q_rx_clear(F.pt[0][0]);
	iut_send(PC_B, 0, 1);
	q_run(50);
	CHECK(user_msus(F.pt[0][0], 0, u, 64) == 1, "traffic left B-1");
	return true;
}

/* Q.782 3.20: changeover between two of our MTP3s, traffic both ways, no loss/dup/reorder. */
struct peer_rx {
	uint32_t next[16];
	unsigned int lost, dup, ooo, n;
};

static void peer_user_cb(struct sg_mtp3 *m, enum sg_mtp_prim prim, const struct sg_mtp_param *p,
			 struct msgb *msg, void *priv)
{
	struct peer_rx *r = priv;
	uint32_t seq;

	if (prim == SG_MTP_TRANSFER && msg && msgb_l4len(msg) >= 4) {
		memcpy(&seq, msgb_l4(msg), 4);
		r->n++;
		if (seq == r->next[p->sls])
			r->next[p->sls]++;
		else if (seq < r->next[p->sls])
			r->dup++;
		else {
			r->lost += seq - r->next[p->sls];
			r->ooo++;
			r->next[p->sls] = seq + 1;
		}
	}
	msgb_free(msg);
}

static void send_from(struct sg_mtp3 *m, uint32_t dpc, uint8_t sls, uint32_t seq)
{
	struct sg_mtp_param p = { .dpc = dpc, .sls = sls, .si = SI_USER };
	struct msgb *msg = sg_msgb_alloc(256, "user");

	msgb_reserve(msg, 64);
	msg->l4h = msgb_put(msg, 4);
	memcpy(msg->l4h, &seq, 4);
	sg_mtp3_transfer_req(m, &p, msg);
}

static bool t_co_11(void)
{
	struct sg_mtp3_cfg cfg;
	struct sg_mtp3 *m[2];
	struct sg_mtp3_link *l[2][2];
	struct q_end *e[2][2];
	static struct peer_rx rx[2];
	static struct sg_mtp_user users[2];
	uint32_t seq[2][16] = { { 0 } };
	uint64_t co0[2], cb0[2];
	bool ok = true;

	q_net_init();
	memset(rx, 0, sizeof(rx));
	for (int i = 0; i < 2; i++) {
		struct sg_mtp3_linkset *ls;

		sg_mtp3_cfg_defaults(&cfg);
		cfg.name = i ? "b" : "a";
		cfg.pc = i ? PC_B : PC_IUT;
		m[i] = sg_mtp3_alloc(NULL, &cfg);
		users[i] = (struct sg_mtp_user){ "peer", peer_user_cb, &rx[i] };
		sg_mtp3_user_register(m[i], SG_MTP_SI_BIT(SI_USER), &users[i]);
		ls = sg_mtp3_linkset_add(m[i], "ls", i ? PC_IUT : PC_B);
		for (int j = 0; j < 2; j++) {
			l[i][j] = sg_mtp3_link_add(ls, j ? "l2" : "l1", j);
			e[i][j] = q_end_mtp3(m[i], l[i][j]);
		}
	}
	for (int j = 0; j < 2; j++)
		q_cable(e[0][j], e[1][j], NULL);
	sg_mtp3_start(m[0]);
	sg_mtp3_start(m[1]);
	q_run(15000);
	if (!sg_mtp3_dpc_accessible(m[0], PC_B) || !sg_mtp3_dpc_accessible(m[1], PC_IUT)) {
		tfail("SPs not accessible to each other");
		ok = false;
		goto out;
	}
	/* (bringing the linkset up may itself change traffic back onto the second link) */
	for (int i = 0; i < 2; i++) {
		co0[i] = sg_ctr_get(sg_mtp3_counters(m[i]), SG_MTP3_CTR_CHANGEOVER);
		cb0[i] = sg_ctr_get(sg_mtp3_counters(m[i]), SG_MTP3_CTR_CHANGEBACK);
	}
	for (unsigned int t = 0; t < 20000; t++) {
		if (t == 2000)
			q_fail(e[1][0]);
		if (t % 3 == 0)
			for (int i = 0; i < 2; i++) {
				uint8_t s = (t / 3) % 16;

				send_from(m[i], i ? PC_IUT : PC_B, s, seq[i][s]++);
			}
		q_run(1);
	}
	q_run(3000);
	for (int i = 0; i < 2; i++) {
		unsigned int sent = 0, tail = 0;

		for (int s = 0; s < 16; s++) {
			sent += seq[i][s];
			tail += seq[i][s] - rx[!i].next[s];
		}
		if (rx[!i].lost || rx[!i].dup || rx[!i].ooo || tail || rx[!i].n != sent) {
			tfail("direction %d: %u sent, %u received, lost %u dup %u ooo %u missing "
			      "%u",
			      i, sent, rx[!i].n, rx[!i].lost, rx[!i].dup, rx[!i].ooo, tail);
			ok = false;
		}
	}
	/* one failure of link 1 and its automatic restoration: exactly one changeover and one
	 * changeback at each end */
	for (int i = 0; ok && i < 2; i++) {
		uint64_t co = sg_ctr_get(sg_mtp3_counters(m[i]), SG_MTP3_CTR_CHANGEOVER) - co0[i];
		uint64_t cb = sg_ctr_get(sg_mtp3_counters(m[i]), SG_MTP3_CTR_CHANGEBACK) - cb0[i];

		if (co != 1 || cb != 1) {
			tfail("%s: %llu changeovers and %llu changebacks, expected 1 and 1",
			      i ? "B" : "IUT", (unsigned long long)co, (unsigned long long)cb);
			ok = false;
		}
	}
out:
	sg_mtp3_free(m[0]);
	sg_mtp3_free(m[1]);
	q_net_fini();
	F.m = NULL;
	return ok;
}

/* ---- L3-CB: changeback ---- */

/* after co_setup: fail B-1 with a crossing changeover, then restore it */
static bool cb_prepare(struct q_msu **cbd, struct sg_mtp3_snm *s, bool *ok)
{
	struct q_end *p1 = F.pt[0][0], *p2 = F.pt[0][1];
	struct sg_mtp3_snm a = { .heading = SG_MTP3_COA, .slc = 0 };
	unsigned int from = 0;
	uint16_t bsnt;

	*ok = false;
	p2->auto_cba = false;
	q_fail(p1);
	q_run(30);
	CHECK(q_find_snm(p2, &from, SG_MTP3_COO, s), "no COO");
	CHECK(q_script_bsnt(p1, &bsnt), "PT BSNT");
	a.fsn = bsnt;
	q_script_tx_snm(p2, PC_IUT, &a);
	q_run(50);
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_B, i, 16 + i);
	q_run(50);
	sg_mtp2_l3_req(p1->mtp2, SG_MTP2_START, NULL, NULL);
	for (unsigned int i = 0; i < 15000 && !(*cbd = q_find_snm(p2, &from, SG_MTP3_CBD, s)); i++)
		q_run(1);
	CHECK(*cbd, "no CBD after the link was restored");
	CHECK(sg_mtp3_link_state(F.l[0][0]) == SG_MTP3_LINK_AVAILABLE, "B-1 not available");
	CHECK(s->slc == 0 && (*cbd)->h.label.sls == 0, "CBD for SLC %u", s->slc);
	*ok = true;
	return true;
}

static bool t_cb_01(void)
{
	struct q_msu *cbd, *u[128];
	struct sg_mtp3_snm s;
	bool ok;
	unsigned int n0;
	uint64_t cb0;

	if (!co_setup())
		return false;
	cb0 = ctr(SG_MTP3_CTR_CHANGEBACK);	/* set-up's own changeback onto the second link */
	if (!cb_prepare(&cbd, &s, &ok))
		return false;
	/* traffic during changeback: held, then on B-1 */
	n0 = user_msus(F.pt[0][0], 0, u, 128);
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_B, i, 32 + i);
	q_run(50);
	CHECK(user_msus(F.pt[0][0], 0, u, 128) == n0, "traffic on B-1 before CBA");
	s.heading = SG_MTP3_CBA;
	q_script_tx_snm(F.pt[0][1], PC_IUT, &s);
	q_run(100);
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_B, i, 48 + i);
	q_run(100);
	CHECK(user_msus(F.pt[0][0], 0, u, 128) == n0 + 16,
	      "%u MSUs on B-1 after changeback, expected %u", user_msus(F.pt[0][0], 0, u, 128),
	      n0 + 16);
	CHECK(ctr(SG_MTP3_CTR_CHANGEBACK) - cb0 == 1, "%llu changebacks counted, expected 1",
	      (unsigned long long)(ctr(SG_MTP3_CTR_CHANGEBACK) - cb0));
	return check_seq(0, 63, 2);
}

static bool t_cb_02(void)
{
	struct q_msu *cbd, *cbd2 = NULL, *u[128];
	struct sg_mtp3_snm s;
	bool ok;
	unsigned int from, n0;

	if (!co_setup() || !cb_prepare(&cbd, &s, &ok))
		return false;
	from = 0;
	while (q_find_snm(F.pt[0][1], &from, SG_MTP3_CBD, &s) != cbd)
		;
	iut_send(PC_B, 0, 32);
	for (unsigned int i = 0;
	     i < 1500 && !(cbd2 = q_find_snm(F.pt[0][1], &from, SG_MTP3_CBD, &s)); i++)
		q_run(1);
	CHECK(cbd2, "CBD not repeated");
	WIN(cbd2->t - cbd->t, 500, 1200 + 5, "CBD repetition (T4)");
	n0 = user_msus(F.pt[0][0], 0, u, 128);
	for (unsigned int i = 0; i < 1500 && user_msus(F.pt[0][0], 0, u, 128) == n0; i++)
		q_run(1);
	CHECK(user_msus(F.pt[0][0], 0, u, 128) == n0 + 1, "traffic not restarted without CBA");
	WIN(u[n0]->t - cbd2->t, 500, 1200 + 5, "changeback without CBA (T5)");
	return check_seq(0, 32, 2);
}

static bool t_cb_04(void)
{
	struct sg_mtp3_snm s = { .heading = SG_MTP3_CBD, .slc = 0, .cbc = 77 }, r;
	unsigned int from = 0;
	struct q_msu *q;

	if (!co_setup())
		return false;
	q_script_tx_snm(F.pt[0][1], PC_IUT, &s);
	q_run(50);
	q = q_find_snm(F.pt[0][1], &from, SG_MTP3_CBA, &r);
	if (!q)
		q = q_find_snm(F.pt[0][0], &(unsigned int){ 0 }, SG_MTP3_CBA, &r);
	CHECK(q, "no CBA");
	CHECK(r.cbc == 77 && r.slc == 0, "CBA code %u SLC %u", r.cbc, r.slc);
	return true;
}

/* ---- L3-FR / L3-SRM: route management ---- */

static bool t_fr_01(void)
{
	static const unsigned int nl[] = { 1, 1 };
	struct sg_mtp3_snm s = { .heading = SG_MTP3_TFP, .dest = PC_X }, r;
	struct q_msu *q1, *q2 = NULL, *u[64];
	unsigned int from = 0;

	fx_setup(2, nl, false);
	sg_mtp3_route_add(F.m, PC_X, F.ls[0], 0);
	sg_mtp3_route_add(F.m, PC_X, F.ls[1], 1);
	if (!fx_up(true))
		return false;
	q_rx_clear(F.pt[0][0]);
	q_script_tx_snm(F.pt[0][0], PC_IUT, &s);
	q_run(10);
	iut_send(PC_X, 3, 1);
	q_run(50);
	CHECK(user_msus(F.pt[1][0], 0, u, 64) == 1, "traffic not rerouted to C");
	CHECK(sg_mtp3_route_status(F.m, PC_X, F.ls[0]) == SG_MTP3_ROUTE_PROHIBITED,
	      "route not prohibited");
	CHECK(count_ev(SG_MTP_PAUSE, PC_X) == 0, "MTP-PAUSE(X) with an alternative");
	for (unsigned int i = 0;
	     i < 65000 && !(q1 = q_find_snm(F.pt[0][0], &from, SG_MTP3_RST, &r)); i++)
		q_run(1);
	CHECK(q1 && r.dest == PC_X, "no RST(X) to B");
	for (unsigned int i = 0;
	     i < 65000 && !(q2 = q_find_snm(F.pt[0][0], &from, SG_MTP3_RST, &r)); i++)
		q_run(1);
	CHECK(q2, "RST not repeated");
	WIN(q2->t - q1->t, 30000, 60000 + 5, "RST period (T10)");
	return true;
}

static bool t_fr_02(void)
{
	static const unsigned int nl[] = { 1 };
	struct sg_mtp3_snm s = { .heading = SG_MTP3_TFP, .dest = PC_X }, r;
	unsigned int from = 0;

	fx_setup(1, nl, false);
	sg_mtp3_route_add(F.m, PC_X, F.ls[0], 0);
	if (!fx_up(true))
		return false;
	CHECK(count_ev(SG_MTP_RESUME, PC_X) == 1, "no MTP-RESUME(X) at start");
	q_script_tx_snm(F.pt[0][0], PC_IUT, &s);
	q_run(50);
	CHECK(count_ev(SG_MTP_PAUSE, PC_X) == 1, "no MTP-PAUSE(X) after TFP(X)");
	CHECK(count_ev(SG_MTP_PAUSE, PC_B) == 0, "MTP-PAUSE(B) after TFP(X)");
	q_run(61000);
	CHECK(q_find_snm(F.pt[0][0], &from, SG_MTP3_RST, &r) && r.dest == PC_X, "no RST(X)");
	s.heading = SG_MTP3_TFA;
	q_script_tx_snm(F.pt[0][0], PC_IUT, &s);
	q_run(50);
	CHECK(count_ev(SG_MTP_RESUME, PC_X) == 2, "no MTP-RESUME(X) after TFA(X)");
	/* L3-SRM-08: RST stops on TFA */
	while (q_find_snm(F.pt[0][0], &from, SG_MTP3_RST, &r))
		;
	q_run(61000);
	CHECK(!q_find_snm(F.pt[0][0], &from, SG_MTP3_RST, &r), "RST after TFA");
	return true;
}

static bool t_fr_03(void)
{
	static const unsigned int nl[] = { 1, 1 };
	struct q_msu *u[64];

	fx_setup(2, nl, false);
	sg_mtp3_route_add(F.m, PC_X, F.ls[0], 0);
	sg_mtp3_route_add(F.m, PC_X, F.ls[1], 1);
	if (!fx_up(true))
		return false;
	sg_mtp3_link_deactivate(F.l[0][0]);
	q_run(2000);
	iut_send(PC_X, 3, 1);
	q_run(50);
	CHECK(user_msus(F.pt[1][0], 0, u, 64) == 1, "traffic to X not on C after B failed");
	CHECK(count_ev(SG_MTP_PAUSE, PC_B) == 1 && count_ev(SG_MTP_PAUSE, PC_X) == 0,
	      "wrong MTP-PAUSE indications");
	return true;
}

static bool t_srm_09(void)
{
	static const unsigned int nl[] = { 1, 1 };
	struct sg_mtp3_snm s = { .heading = SG_MTP3_RST, .dest = PC_C }, r;
	unsigned int from = 0;

	fx_setup(2, nl, true);
	if (!fx_up(true))
		return false;
	q_rx_clear(F.pt[0][0]);
	q_script_tx_snm(F.pt[0][0], PC_IUT, &s);
	q_run(50);
	CHECK(q_find_snm(F.pt[0][0], &from, SG_MTP3_TFA, &r) && r.dest == PC_C,
	      "RST(C) not answered with TFA(C)");
	return true;
}

static bool t_fc_03(void)
{
	static const unsigned int nl[] = { 1 };
	struct sg_mtp3_snm s = { .heading = SG_MTP3_UPU, .dest = PC_B, .upu_user = SI_USER,
				 .upu_cause = SG_MTP3_UPU_UNEQUIPPED };

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	F.nev = 0;
	q_script_tx_snm(F.pt[0][0], PC_IUT, &s);
	q_run(50);
	CHECK(F.nev == 1 && F.ev[0].prim == SG_MTP_STATUS && F.ev[0].p.dpc == PC_B &&
	      F.ev[0].p.cause == SG_MTP_STATUS_UPU_UNEQUIPPED && F.ev[0].p.si == SI_USER,
	      "no MTP-STATUS(UPU unequipped)");
	return true;
}

static bool t_rs_03(void)
{
	static const unsigned int nl[] = { 1 };
	struct sg_mtp3_snm r;
	unsigned int from = 0;
	uint64_t t0;

	fx_setup(1, nl, false);
	if (!fx_up(false))
		return false;
	CHECK(q_find_snm(F.pt[0][0], &from, SG_MTP3_TRA, &r), "no TRA from the IUT");
	q_rx_clear(F.pt[0][0]);
	iut_send(PC_B, 1, 1);
	q_run(50);
	CHECK(F.pt[0][0]->nrx == 0, "user traffic before TRA from the adjacent SP");
	CHECK(count_ev(SG_MTP_RESUME, PC_B) == 0, "MTP-RESUME before TRA");
	t0 = F.pt[0][0]->in_service_at;
	for (unsigned int i = 0; i < 70000 && !count_ev(SG_MTP_RESUME, PC_B); i++)
		q_run(1);
	CHECK(count_ev(SG_MTP_RESUME, PC_B) == 1, "B never accessible without TRA");
	WIN(sg_now() - t0, 63000, 65000 + 500, "accessible without TRA (T21)");
	return true;
}


/* ---- further items ---- */

static bool t_slm_02(void)
{
	static const unsigned int nl[] = { 2 };
	struct q_end *p2;
	uint64_t t0;

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	p2 = F.pt[0][1];
	sg_mtp3_link_deactivate(F.l[0][1]);
	sg_mtp2_l3_req(p2->mtp2, SG_MTP2_STOP, NULL, NULL);
	q_run(2000);
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_B, i, i);
	q_run(100);
	CHECK(user_msus(p2, 0, (struct q_msu *[1]){NULL}, 0) == 0, "traffic on the inactive link");
	/* activation: normal proving by the IUT (another link is available) */
	t0 = sg_now();
	sg_mtp3_link_activate(F.l[0][1]);
	/* PT with normal proving: either end asking for emergency makes both use Pe */
	sg_mtp2_l3_req(p2->mtp2, SG_MTP2_EMERGENCY_CEASES, NULL, NULL);
	sg_mtp2_l3_req(p2->mtp2, SG_MTP2_START, NULL, NULL);
	CHECK(q_run_until(all_available, NULL, 20000), "B-2 not available");
	CHECK(p2->in_service_at - t0 >= 7500 * SG_NS_PER_MS,
	      "B-2 in service after %.3f s: IUT used emergency proving",
	      (p2->in_service_at - t0) / 1e9);
	q_run(200);
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_B, i, 16 + i);
	q_run(100);
	{
		struct q_msu *u[64];
		unsigned int n = user_msus(p2, 0, u, 64);

		CHECK(n == 8, "%u MSUs on B-2 after activation, expected 8", n);
		for (unsigned int i = 0; i < n; i++)
			CHECK(u[i]->h.label.sls % 2 == 1, "SLS %u on B-2", u[i]->h.label.sls);
	}
	return check_seq(0, 31, 2);
}

static bool t_co_05(void)
{
	static const unsigned int nl[] = { 1, 1 };
	struct q_msu *u[512];
	struct sg_mtp3_snm r;
	unsigned int from, n = 0;
	uint32_t seq = 100;
	uint64_t t0;

	fx_setup(2, nl, false);
	sg_mtp3_route_add(F.m, PC_X, F.ls[0], 0);
	sg_mtp3_route_add(F.m, PC_X, F.ls[1], 1);
	if (!fx_up(true))
		return false;
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_X, i, i);
	q_run(100);
	CHECK(user_msus(F.pt[0][0], 0, u, 512) == 16, "X not routed via B");
	q_fail(F.pt[0][0]);
	t0 = sg_now();
	/* no buffer updating: what was in flight at the failure may be lost (Q.704 §5.6.2),
	 * so the traffic starts once the IUT knows of the failure */
	q_run(5);
	for (unsigned int i = 0; i < 2000 && !n; i++) {
		if (i % 10 == 0)
			iut_send(PC_X, seq % 16, seq), seq++;
		q_run(1);
		n = user_msus(F.pt[1][0], 0, u, 512);
	}
	CHECK(n, "traffic to X never diverted to C");
	WIN(u[0]->t - t0, 500, 1200 + 20, "time-controlled changeover (T1)");
	from = 0;
	CHECK(!q_find_snm(F.pt[1][0], &from, SG_MTP3_COO, &r), "COO sent to C");
	from = 0;
	CHECK(!q_find_snm(F.pt[0][0], &from, SG_MTP3_COO, &r), "COO sent on the failed link");
	q_run(200);
	n = user_msus(F.pt[1][0], 0, u, 512);
	CHECK(n == seq - 100, "%u of %u held MSUs reached C", n, seq - 100);
	{
		uint32_t prev[16] = { 0 };
		unsigned int seen[512] = { 0 };

		for (unsigned int i = 0; i < n; i++) {
			uint32_t q = msu_seq(u[i]);

			CHECK(q >= 100 && q < seq && q >= prev[q % 16] && !seen[q - 100]++,
			      "MSU %u duplicated or out of sequence", q);
			prev[q % 16] = q;
		}
	}
	CHECK(count_ev(SG_MTP_PAUSE, PC_X) == 0, "MTP-PAUSE(X) although C is an alternative");
	return true;
}

static bool t_co_06(void)
{
	struct q_end *p1, *p2;
	struct sg_mtp3_snm s, a = { .heading = SG_MTP3_ECA, .slc = 0 };
	unsigned int from = 0, n0;
	struct q_msu *q, *u[64];

	if (!co_setup())
		return false;
	p1 = F.pt[0][0];
	p2 = F.pt[0][1];
	F.iut[0][0]->no_bsnt = true;
	q_fail(p1);
	q_run(30);
	CHECK(!q_find_snm(p2, &from, SG_MTP3_COO, &s), "COO although BSNT is not retrievable");
	from = 0;
	q = q_find_snm(p2, &from, SG_MTP3_ECO, &s);
	CHECK(q && s.slc == 0 && q->h.label.sls == 0, "no ECO for SLC 0 on B-2");
	n0 = user_msus(p2, 0, u, 64);
	iut_send(PC_B, 0, 100);
	q_run(20);
	CHECK(user_msus(p2, 0, u, 64) == n0, "diverted before ECA");
	q_script_tx_snm(p2, PC_IUT, &a);
	q_run(50);
	CHECK(user_msus(p2, 0, u, 64) == n0 + 1, "traffic not diverted after ECA");
	return true;
}

static bool t_cb_05(void)
{
	static const unsigned int nl[] = { 3 };
	struct sg_mtp3_snm s;
	unsigned int from = 0, ncbd = 0;
	int codes[8];
	struct q_msu *u[256];

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_B, i, i);
	q_run(100);
	q_fail(F.pt[0][0]);
	q_run(2000);
	q_fail(F.pt[0][1]);
	q_run(2000);
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_B, i, 16 + i);
	q_run(100);
	q_rx_clear(F.pt[0][2]);
	sg_mtp2_l3_req(F.pt[0][0]->mtp2, SG_MTP2_START, NULL, NULL);
	sg_mtp2_l3_req(F.pt[0][1]->mtp2, SG_MTP2_START, NULL, NULL);
	CHECK(q_run_until(all_available, NULL, 20000), "links not restored");
	q_run(500);
	while (ncbd < 8 && q_find_snm(F.pt[0][2], &from, SG_MTP3_CBD, &s)) {
		for (unsigned int i = 0; i < ncbd; i++)
			CHECK(codes[i] != s.cbc, "changeback code %u used twice", s.cbc);
		codes[ncbd++] = s.cbc;
	}
	CHECK(ncbd == 2, "%u CBD on B-3, expected 2 (one per restored link)", ncbd);
	for (unsigned int j = 0; j < 3; j++)
		q_rx_clear(F.pt[0][j]);
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_B, i, 32 + i);
	q_run(100);
	for (unsigned int j = 0; j < 3; j++) {
		unsigned int n = user_msus(F.pt[0][j], 0, u, 256);

		for (unsigned int i = 0; i < n; i++)
			CHECK(u[i]->h.label.sls % 3 == j, "SLS %u on B-%u after changebacks",
			      u[i]->h.label.sls, j + 1);
	}
	return true;
}

/* route X via B (priority 0) and C (priority 1) */
static bool xbc_setup(void)
{
	static const unsigned int nl[] = { 1, 1 };

	fx_setup(2, nl, false);
	sg_mtp3_route_add(F.m, PC_X, F.ls[0], 0);
	sg_mtp3_route_add(F.m, PC_X, F.ls[1], 1);
	return fx_up(true);
}

/* send X (x_dpc) traffic every 5 ms for ms; returns next seq */
static uint32_t x_stream(uint32_t seq, unsigned int ms)
{
	for (unsigned int i = 0; i < ms; i++) {
		if (i % 5 == 0)
			iut_send(x_dpc, seq % 16, seq), seq++;
		q_run(1);
	}
	return seq;
}

/* every X MSU 0..seq-1 once, per-SLS in order; first X MSU on ls i after t0 */
static bool x_check(uint32_t seq, unsigned int on, uint64_t t0, uint64_t *first)
{
	struct q_msu *u[1024];
	unsigned int seen[1024] = { 0 };

	*first = 0;
	for (unsigned int j = 0; j < 2; j++) {
		unsigned int n = user_msus(F.pt[j][0], 0, u, 1024);
		uint32_t prev[16] = { 0 };

		for (unsigned int i = 0; i < n; i++) {
			uint32_t q = msu_seq(u[i]);

			CHECK(q < 1024 && q >= prev[q % 16], "X MSU %u out of sequence", q);
			prev[q % 16] = q;
			seen[q]++;
			if (j == on && u[i]->t >= t0 && !*first)
				*first = u[i]->t;
		}
	}
	for (uint32_t q = 0; q < seq; q++)
		CHECK(seen[q] == 1, "X MSU %u received %u times", q, seen[q]);
	return true;
}

static bool t_cr_01(void)
{
	struct sg_mtp3_snm s = { .heading = SG_MTP3_TFP, .dest = PC_X };
	uint32_t seq;
	uint64_t t0, first;

	if (!xbc_setup())
		return false;
	q_script_tx_snm(F.pt[0][0], PC_IUT, &s);
	seq = x_stream(0, 500);
	s.heading = SG_MTP3_TFA;
	q_script_tx_snm(F.pt[0][0], PC_IUT, &s);
	t0 = sg_now();
	seq = x_stream(seq, 2000);
	q_run(100);
	if (!x_check(seq, 0, t0, &first))
		return false;
	CHECK(first, "traffic to X not back on B after TFA");
	WIN(first - t0, 500, 1200 + 10, "controlled rerouting (T6)");
	CHECK(ctr(SG_MTP3_CTR_CONTROLLED_REROUTE) == 1, "controlled rerouting not counted");
	return true;
}

static bool t_cr_02(void)
{
	struct sg_mtp3_snm s = { .heading = SG_MTP3_TFR, .dest = PC_X }, r;
	uint32_t seq;
	uint64_t t0, first;
	struct q_msu *q1 = NULL, *q2 = NULL;
	unsigned int from = 0;

	if (!xbc_setup())
		return false;
	seq = x_stream(0, 200);
	q_script_tx_snm(F.pt[0][0], PC_IUT, &s);
	t0 = sg_now();
	seq = x_stream(seq, 2000);
	q_run(100);
	if (!x_check(seq, 1, t0, &first))
		return false;
	CHECK(sg_mtp3_route_status(F.m, PC_X, F.ls[0]) == SG_MTP3_ROUTE_RESTRICTED,
	      "route via B not restricted");
	CHECK(first, "traffic to X not moved to the unrestricted route");
	WIN(first - t0, 500, 1200 + 10, "controlled rerouting (T6)");
	CHECK(count_ev(SG_MTP_PAUSE, PC_X) == 0, "MTP-PAUSE(X) on TFR");
	for (unsigned int i = 0;
	     i < 65000 && !(q1 = q_find_snm(F.pt[0][0], &from, SG_MTP3_RSR, &r)); i++)
		q_run(1);
	CHECK(q1 && r.dest == PC_X, "no RSR(X) to B");
	for (unsigned int i = 0;
	     i < 65000 && !(q2 = q_find_snm(F.pt[0][0], &from, SG_MTP3_RSR, &r)); i++)
		q_run(1);
	CHECK(q2, "RSR not repeated");
	WIN(q2->t - q1->t, 30000, 60000 + 5, "RSR period (T10)");
	return true;
}

static bool t_cr_03(void)
{
	struct sg_mtp3_snm tra = { .heading = SG_MTP3_TRA };
	uint32_t seq;
	uint64_t t0, first;

	if (!xbc_setup())
		return false;
	sg_mtp3_link_deactivate(F.l[0][0]);
	seq = x_stream(0, 2000);
	sg_mtp3_link_activate(F.l[0][0]);
	sg_mtp2_l3_req(F.pt[0][0]->mtp2, SG_MTP2_EMERGENCY, NULL, NULL);
	sg_mtp2_l3_req(F.pt[0][0]->mtp2, SG_MTP2_START, NULL, NULL);
	for (unsigned int i = 0; i < 20000 && !all_available(NULL); i += 5)
		seq = x_stream(seq, 5);
	CHECK(all_available(NULL), "B-1 not restored");
	seq = x_stream(seq, 20);
	q_script_tx_snm(F.pt[0][0], PC_IUT, &tra);
	t0 = sg_now();
	seq = x_stream(seq, 2000);
	q_run(100);
	if (!x_check(seq, 0, t0, &first))
		return false;
	CHECK(first, "traffic to X not back on B after recovery");
	WIN(first - t0, 500, 1200 + 10, "controlled rerouting after linkset recovery (T6)");
	return true;
}

/* STP with linksets B, C, D; X (and Y) behind D, Z behind C */
/* L3-CB-03: B is also reachable through C (an STP).  B-1, B's only link, is deactivated: the
 * traffic to B goes via C.  After B's recovery (its TRA) the traffic comes back to B-1 by
 * time-controlled diversion: held for T3 (here 1.1 s, T6 0.6 s), no CBD, nothing lost or
 * reordered (Q.704 §6.4) */
static bool t_cb_03(void)
{
	static const unsigned int nl[] = { 1, 1 };
	struct sg_mtp3_snm tra = { .heading = SG_MTP3_TRA }, r;
	unsigned int from;
	uint32_t seq;
	uint64_t t0, first;
	bool ok;

	fx_setup(2, nl, false);
	sg_mtp3_route_add(F.m, PC_B, F.ls[1], 1);
	CHECK(sg_mtp3_set_timer(F.m, SG_MTP3_T3, 1100) == 0 &&
	      sg_mtp3_set_timer(F.m, SG_MTP3_T6, 600) == 0, "timers refused");
	if (!fx_up(true))
		return false;
	x_dpc = PC_B;
	sg_mtp3_link_deactivate(F.l[0][0]);
	seq = x_stream(0, 2000);
	CHECK(count_ev(SG_MTP_PAUSE, PC_B) == 0, "B inaccessible although C is a route to it");
	sg_mtp3_link_activate(F.l[0][0]);
	sg_mtp2_l3_req(F.pt[0][0]->mtp2, SG_MTP2_EMERGENCY, NULL, NULL);
	sg_mtp2_l3_req(F.pt[0][0]->mtp2, SG_MTP2_START, NULL, NULL);
	for (unsigned int i = 0; i < 20000 && !all_available(NULL); i += 5)
		seq = x_stream(seq, 5);
	CHECK(all_available(NULL), "B-1 not restored");
	seq = x_stream(seq, 20);
	q_script_tx_snm(F.pt[0][0], PC_IUT, &tra);
	t0 = sg_now();
	seq = x_stream(seq, 2000);
	q_run(100);
	x_dpc = PC_X;
	ok = x_check(seq, 0, t0, &first);
	if (!ok)
		return false;
	CHECK(first, "traffic to B not back on B-1 after recovery");
	WIN(first - t0, 1100, 1100 + 10, "time-controlled diversion (T3)");
	for (unsigned int i = 0; i < 2; i++) {
		from = 0;
		CHECK(!q_find_snm(F.pt[i][0], &from, SG_MTP3_CBD, &r), "CBD sent to %c",
		      'B' + i);
	}
	CHECK(ctr(SG_MTP3_CTR_CHANGEBACK) == 1, "changeback not counted");
	return true;
}

/* L3-CO-08: B is also reachable through C (an STP).  B-1, B's only link, fails with MSUs not
 * acknowledged: COO to B goes via C, B's COA comes back via C; buffer updating, the traffic
 * to B then goes via C, every MSU once and in order, without waiting for T1 (Q.704 §5.2,
 * §5.4) */
static bool t_co_08(void)
{
	static const unsigned int nl[] = { 1, 1 };
	struct sg_mtp3_snm s, a = { .heading = SG_MTP3_COA, .slc = 0 };
	struct sg_mtp3_hdr h = { .si = SG_MTP3_SI_SNM, .ni = SG_NI_NATIONAL,
				 .label = { .dpc = PC_IUT, .opc = PC_B, .sls = 0 } };
	struct q_end *p1, *pc;
	struct q_msu *q, *u[512];
	unsigned int from = 0, seen[64] = { 0 };
	uint8_t buf[64];
	uint16_t bsnt;
	uint64_t t0, first_c = 0;

	fx_setup(2, nl, false);
	sg_mtp3_route_add(F.m, PC_B, F.ls[1], 1);
	if (!fx_up(true))
		return false;
	p1 = F.pt[0][0];
	pc = F.pt[1][0];
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_B, i, i);
	q_run(100);
	/* MSUs 16..31 go out on B-1; its far end drops them without acknowledging */
	sg_mtp2_force_rx_congestion(p1->mtp2, SG_MTP2_RXCONG_DISCARD);
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_B, i, 16 + i);
	q_run(30);
	q_fail(p1);
	t0 = sg_now();
	sg_mtp2_force_rx_congestion(p1->mtp2, SG_MTP2_RXCONG_NONE);
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_B, i, 32 + i);
	q_run(50);
	q = q_find_snm(pc, &from, SG_MTP3_COO, &s);
	CHECK(q, "no COO to B via C");
	CHECK(q->h.label.dpc == PC_B && q->h.label.opc == PC_IUT && s.slc == 0,
	      "COO from %u to %u, SLC %u", q->h.label.opc, q->h.label.dpc, s.slc);
	CHECK(s.fsn == ((p1->tx_msu - 1) & 0x7f), "COO FSN %u, last MSU sent by B had FSN %u",
	      s.fsn, (p1->tx_msu - 1) & 0x7f);
	CHECK(q_script_bsnt(p1, &bsnt), "B's BSNT not retrievable");
	a.fsn = bsnt;
	q_script_tx(pc, buf, sg_mtp3_snm_msu_encode(buf, sizeof(buf), &q_fmt, &h, &a));
	q_run(200);
	CHECK(ctr(SG_MTP3_CTR_CHANGEOVER) == 1, "changeover not completed");
	CHECK(count_ev(SG_MTP_PAUSE, PC_B) == 0, "B inaccessible although C is a route to it");
	for (unsigned int j = 0; j < 2; j++) {
		unsigned int n = user_msus(F.pt[j][0], 0, u, 512);
		uint32_t prev[16] = { 0 };

		for (unsigned int i = 0; i < n; i++) {
			uint32_t seq = msu_seq(u[i]);

			CHECK(seq < 48 && seq >= prev[seq % 16], "MSU %u out of sequence", seq);
			prev[seq % 16] = seq;
			seen[seq]++;
			if (j == 1 && !first_c)
				first_c = u[i]->t;
		}
	}
	for (unsigned int i = 0; i < 48; i++)
		CHECK(seen[i] == 1, "MSU %u received %u times", i, seen[i]);
	CHECK(first_c && first_c - t0 < 500 * SG_NS_PER_MS,
	      "traffic via C only after %.3f s (time-controlled, not buffer updating)",
	      (double)(first_c - t0) / 1e9);
	return true;
}

static bool stp3_setup(bool more)
{
	static const unsigned int nl[] = { 1, 1, 1 };

	fx_setup(3, nl, true);
	sg_mtp3_route_add(F.m, PC_X, F.ls[2], 0);
	if (more) {
		sg_mtp3_route_add(F.m, PC_X + 1, F.ls[2], 0);
		sg_mtp3_route_add(F.m, PC_X + 2, F.ls[1], 0);
	}
	return fx_up(true);
}

static unsigned int count_snm(struct q_end *e, uint8_t heading, uint32_t dest)
{
	struct sg_mtp3_snm s;
	unsigned int from = 0, n = 0;

	while (q_find_snm(e, &from, heading, &s))
		if (s.dest == dest)
			n++;
	return n;
}

static bool t_srm_02(void)
{
	if (!stp3_setup(false))
		return false;
	/* preventive TFP: traffic to X goes via D */
	CHECK(count_snm(F.pt[2][0], SG_MTP3_TFP, PC_X) == 1, "no preventive TFP(X) to D");
	CHECK(count_snm(F.pt[2][0], SG_MTP3_TFA, PC_X) == 0, "TFA(X) to D");
	for (unsigned int i = 0; i < 2; i++)
		q_rx_clear(F.pt[i][0]);
	sg_mtp3_link_deactivate(F.l[2][0]);
	q_run(2000);
	for (unsigned int i = 0; i < 2; i++) {
		CHECK(count_snm(F.pt[i][0], SG_MTP3_TFP, PC_D) == 1, "%u TFP(D) to %c",
		      count_snm(F.pt[i][0], SG_MTP3_TFP, PC_D), 'B' + i);
		CHECK(count_snm(F.pt[i][0], SG_MTP3_TFP, PC_X) == 1, "%u TFP(X) to %c",
		      count_snm(F.pt[i][0], SG_MTP3_TFP, PC_X), 'B' + i);
	}
	return true;
}

static bool t_srm_03(void)
{
	if (!stp3_setup(true))
		return false;
	for (unsigned int i = 0; i < 3; i++)
		q_rx_clear(F.pt[i][0]);
	sg_mtp3_link_deactivate(F.l[2][0]);
	q_run(2000);
	sg_mtp3_link_deactivate(F.l[1][0]);
	q_run(2000);
	CHECK(count_snm(F.pt[0][0], SG_MTP3_TFP, PC_D) == 1 &&
	      count_snm(F.pt[0][0], SG_MTP3_TFP, PC_X) == 1 &&
	      count_snm(F.pt[0][0], SG_MTP3_TFP, PC_X + 1) == 1 &&
	      count_snm(F.pt[0][0], SG_MTP3_TFP, PC_C) == 1 &&
	      count_snm(F.pt[0][0], SG_MTP3_TFP, PC_X + 2) == 1, "B did not get one TFP per "
	      "inaccessible destination");
	CHECK(count_snm(F.pt[1][0], SG_MTP3_TFP, PC_D) == 1 &&
	      count_snm(F.pt[1][0], SG_MTP3_TFP, PC_X) == 1 &&
	      count_snm(F.pt[1][0], SG_MTP3_TFP, PC_X + 1) == 1, "C did not get one TFP per "
	      "destination behind D");
	return true;
}

static bool t_srm_06(void)
{
	struct sg_mtp3_snm tra = { .heading = SG_MTP3_TRA };

	if (!stp3_setup(false))
		return false;
	sg_mtp3_link_deactivate(F.l[2][0]);
	q_run(2000);
	for (unsigned int i = 0; i < 3; i++)
		q_rx_clear(F.pt[i][0]);
	sg_mtp3_link_activate(F.l[2][0]);
	sg_mtp2_l3_req(F.pt[2][0]->mtp2, SG_MTP2_EMERGENCY, NULL, NULL);
	sg_mtp2_l3_req(F.pt[2][0]->mtp2, SG_MTP2_START, NULL, NULL);
	CHECK(q_run_until(all_available, NULL, 20000), "D not restored");
	q_run(20);
	/* restarting D gets its routing information before our TRA: TFP(X) (preventive) */
	{
		struct sg_mtp3_snm s;
		unsigned int from = 0;
		struct q_msu *tfp, *tra_q;

		tfp = q_find_snm(F.pt[2][0], &from, SG_MTP3_TFP, &s);
		from = 0;
		tra_q = q_find_snm(F.pt[2][0], &from, SG_MTP3_TRA, &s);
		CHECK(tra_q, "no TRA to D");
		(void)tfp;
	}
	q_script_tx_snm(F.pt[2][0], PC_IUT, &tra);
	q_run(100);
	for (unsigned int i = 0; i < 2; i++) {
		CHECK(count_snm(F.pt[i][0], SG_MTP3_TFA, PC_D) == 1, "no TFA(D) to %c", 'B' + i);
		CHECK(count_snm(F.pt[i][0], SG_MTP3_TFA, PC_X) == 1, "no TFA(X) to %c", 'B' + i);
	}
	CHECK(count_snm(F.pt[2][0], SG_MTP3_TFA, PC_X) == 0, "TFA(X) to D, the route to X");
	return true;
}

static bool t_srm_07(void)
{
	struct sg_mtp3_snm s = { .heading = SG_MTP3_TFP, .dest = PC_X };

	if (!stp3_setup(false))
		return false;
	for (unsigned int i = 0; i < 3; i++)
		q_rx_clear(F.pt[i][0]);
	q_script_tx_snm(F.pt[2][0], PC_IUT, &s);
	q_run(100);
	for (unsigned int i = 0; i < 2; i++)
		CHECK(count_snm(F.pt[i][0], SG_MTP3_TFP, PC_X) == 1, "no TFP(X) to %c", 'B' + i);
	s.heading = SG_MTP3_TFA;
	q_script_tx_snm(F.pt[2][0], PC_IUT, &s);
	q_run(100);
	for (unsigned int i = 0; i < 2; i++)
		CHECK(count_snm(F.pt[i][0], SG_MTP3_TFA, PC_X) == 1, "no TFA(X) to %c", 'B' + i);
	CHECK(count_snm(F.pt[2][0], SG_MTP3_TFA, PC_X) == 0, "TFA(X) to D");
	return true;
}

static bool t_rs_04(void)
{
	static const unsigned int nl[] = { 1 };
	struct sg_mtp3_snm s = { .heading = SG_MTP3_TRA };

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	CHECK(count_ev(SG_MTP_RESUME, PC_B) == 1, "no MTP-RESUME(B)");
	q_script_tx_snm(F.pt[0][0], PC_IUT, &s);
	q_run(100);
	CHECK(count_ev(SG_MTP_RESUME, PC_B) == 1 && count_ev(SG_MTP_PAUSE, PC_B) == 0,
	      "unexpected TRA changed the state of B");
	CHECK(sg_mtp3_dpc_accessible(F.m, PC_B), "B inaccessible");
	return true;
}

static bool t_fc_04(void)
{
	if (!t_smh_02())
		return false;
	fx_teardown();
	return t_smh_03();
}


static bool t_fc_01(void)
{
	static const unsigned int nl[] = { 1 };
	struct sg_mtp3_snm s = { .heading = SG_MTP3_TFC, .dest = PC_X };

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	F.nev = 0;
	q_script_tx_snm(F.pt[0][0], PC_IUT, &s);
	q_run(50);
	CHECK(F.nev == 1 && F.ev[0].prim == SG_MTP_STATUS && F.ev[0].p.dpc == PC_X &&
	      F.ev[0].p.cause == SG_MTP_STATUS_CONGESTION && F.ev[0].p.cong_level >= 1,
	      "no MTP-STATUS(congestion, X) after TFC(X)");
	return true;
}

static unsigned int count_status_cong(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < F.nev; i++)
		if (F.ev[i].prim == SG_MTP_STATUS && F.ev[i].p.cause == SG_MTP_STATUS_CONGESTION &&
		    F.ev[i].p.dpc == PC_B)
			n++;
	return n;
}

static bool t_fc_05(void)
{
	static const unsigned int nl[] = { 1 };
	struct q_msu *u[1];

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	F.nev = 0;
	/* 600 MSUs at once: more than the onset threshold (500) queued in MTP2 */
	for (unsigned int i = 0; i < 600; i++)
		iut_send(PC_B, i % 16, i);
	q_run(2);
	CHECK(count_status_cong() == 0, "MTP-STATUS before the link was congested");
	iut_send(PC_B, 0, 600);
	CHECK(count_status_cong() == 1, "no MTP-STATUS(congestion) while the link is congested");
	q_run(2000);
	iut_send(PC_B, 0, 601);
	CHECK(count_status_cong() == 1, "MTP-STATUS(congestion) after abatement");
	q_run(50);
	CHECK(user_msus(F.pt[0][0], 0, u, 0) == 602, "%u of 602 MSUs delivered",
	      user_msus(F.pt[0][0], 0, u, 0));
	return true;
}


/* ---- L3-RS: own MTP restart (Q.704 §9.2) and T19 ---- */

static bool ls_up(void *arg)
{
	unsigned int mask = *(unsigned int *)arg;

	for (unsigned int i = 0; i < F.nls; i++)
		if (mask & (1u << i))
			for (unsigned int j = 0; j < F.nl[i]; j++)
				if (sg_mtp3_link_state(F.l[i][j]) != SG_MTP3_LINK_AVAILABLE)
					return false;
	return true;
}

/* sg_mtp3_restart(); the scripted ends of the linksets in mask start their links */
static bool fx_restart(unsigned int mask, uint64_t *t0)
{
	*t0 = sg_now();
	CHECK(sg_mtp3_restart(F.m) == 0, "restart refused");
	CHECK(sg_mtp3_restarting(F.m), "not restarting");
	CHECK(sg_mtp3_restart(F.m) == -EALREADY, "second restart accepted");
	for (unsigned int i = 0; i < F.nls; i++)
		for (unsigned int j = 0; mask & (1u << i) && j < F.nl[i]; j++) {
			sg_mtp2_l3_req(F.pt[i][j]->mtp2, SG_MTP2_EMERGENCY, NULL, NULL);
			sg_mtp2_l3_req(F.pt[i][j]->mtp2, SG_MTP2_START, NULL, NULL);
		}
	CHECK(q_run_until(ls_up, &mask, 20000), "links not available within 20 s");
	q_run(20);
	return true;
}

static void pt_tra(unsigned int ls)
{
	struct sg_mtp3_snm s = { .heading = SG_MTP3_TRA };

	q_script_tx_snm(F.pt[ls][0], PC_IUT, &s);
}

static unsigned int count_prim(enum sg_mtp_prim prim)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < F.nev; i++)
		if (F.ev[i].prim == prim)
			n++;
	return n;
}

/* SP restarts: no TRA, no user traffic, no MTP-RESUME while restarting; TRA from every
 * adjacent SP ends the restart at once (TRA to both, RESUME for B, C and X); a missing TRA
 * makes the restart end after T20 */
static bool t_rs_01(void)
{
	static const unsigned int nl[] = { 1, 1 };
	struct sg_mtp3_snm r;
	struct q_msu *q;
	unsigned int from;
	uint64_t t0;

	fx_setup(2, nl, false);
	sg_mtp3_route_add(F.m, PC_X, F.ls[0], 0);
	if (!fx_restart(3, &t0))
		return false;
	CHECK(iut_send_prio(PC_B, 0, 1, 0) == -EHOSTUNREACH, "user traffic during the restart");
	pt_tra(0);
	q_run(100);
	for (unsigned int i = 0; i < 2; i++) {
		from = 0;
		CHECK(!q_find_snm(F.pt[i][0], &from, SG_MTP3_TRA, &r),
		      "TRA to %c before the restart ended", 'B' + i);
	}
	CHECK(F.nev == 0, "%u user indications during the restart", F.nev);
	CHECK(sg_mtp3_restarting(F.m), "restart ended before the TRA of C");
	pt_tra(1);
	q_run(50);
	CHECK(!sg_mtp3_restarting(F.m), "restart not ended by the TRAs of B and C");
	for (unsigned int i = 0; i < 2; i++) {
		from = 0;
		CHECK(q_find_snm(F.pt[i][0], &from, SG_MTP3_TRA, &r),
		      "no TRA to %c at the end of the restart", 'B' + i);
		from = 0;
		CHECK(!q_find_snm(F.pt[i][0], &from, SG_MTP3_TFP, &r), "TFP from an SP");
	}
	CHECK(count_ev(SG_MTP_RESUME, PC_B) == 1 && count_ev(SG_MTP_RESUME, PC_C) == 1 &&
	      count_ev(SG_MTP_RESUME, PC_X) == 1 && count_prim(SG_MTP_PAUSE) == 0,
	      "MTP-RESUME for B, C, X expected at the end of the restart");
	CHECK(iut_send_prio(PC_B, 0, 1, 0) == 0, "user traffic refused after the restart");
	q_run(50);
	CHECK(user_msus(F.pt[0][0], 0, NULL, 0) == 1, "user MSU not sent after the restart");
	fx_teardown();

	/* C never sends TRA: T20 ends the restart */
	fx_setup(2, nl, false);
	if (!fx_restart(3, &t0))
		return false;
	pt_tra(0);
	from = 0;
	q = NULL;
	for (unsigned int i = 0; i < 62000 && !q; i++) {
		q = q_find_snm(F.pt[0][0], &from, SG_MTP3_TRA, &r);
		if (!q)
			q_run(1);
	}
	CHECK(q, "no TRA to B without the TRA of C");
	WIN(q->t - t0, 59000, 61000 + 20, "restart end without every TRA (T20)");
	CHECK(!sg_mtp3_restarting(F.m), "still restarting after T20");
	q_run(50);
	from = 0;
	CHECK(q_find_snm(F.pt[1][0], &from, SG_MTP3_TRA, &r), "no TRA to C after T20");
	CHECK(count_ev(SG_MTP_RESUME, PC_B) == 1 && count_ev(SG_MTP_RESUME, PC_C) == 1,
	      "no MTP-RESUME after T20");
	CHECK(F.ev[0].t >= q->t - 20 * SG_NS_PER_MS, "user indication before the restart ended");
	return true;
}

/* STP restarts with linkset D down: T18 ends phase 1 although D never comes; B and C get
 * TFP(D) and TFP(X) (X is behind D), then TRA; users get RESUME(B, C), PAUSE(D, X) */
static bool t_rs_02(void)
{
	static const unsigned int nl[] = { 1, 1, 1 };
	struct sg_mtp3_snm r;
	struct q_msu *tra = NULL, *q;
	unsigned int from;
	uint64_t t0;

	fx_setup(3, nl, true);
	sg_mtp3_route_add(F.m, PC_X, F.ls[2], 0);
	CHECK(sg_mtp3_set_timer(F.m, SG_MTP3_T18, 10000) == 0, "T18 = 10 s refused");
	if (!fx_restart(3, &t0))
		return false;
	pt_tra(0);
	pt_tra(1);
	q_run(100);
	CHECK(sg_mtp3_restarting(F.m), "restart ended although linkset D is down");
	from = 0;
	for (unsigned int i = 0; i < 11000 && !tra; i++) {
		tra = q_find_snm(F.pt[0][0], &from, SG_MTP3_TRA, &r);
		if (!tra)
			q_run(1);
	}
	CHECK(tra, "no TRA to B");
	WIN(tra->t - t0, 10000, 10000 + 20, "end of the STP restart phase (T18)");
	q_run(50);
	for (unsigned int i = 0; i < 2; i++) {
		bool tfp_d = false, tfp_x = false;

		from = 0;
		while ((q = q_find_snm(F.pt[i][0], &from, 0, &r))) {
			if (r.heading == SG_MTP3_TRA)
				break;
			CHECK(r.heading == SG_MTP3_TFP, "%s before the TRA to %c",
			      get_value_string(sg_mtp3_snm_type_names, r.heading), 'B' + i);
			tfp_d |= r.dest == PC_D;
			tfp_x |= r.dest == PC_X;
		}
		CHECK(q, "no TRA to %c", 'B' + i);
		CHECK(tfp_d && tfp_x, "TFP(D) %s, TFP(X) %s before the TRA to %c",
		      tfp_d ? "sent" : "missing", tfp_x ? "sent" : "missing", 'B' + i);
		CHECK(!q_find_snm(F.pt[i][0], &from, SG_MTP3_TFA, &r), "TFA after the restart");
	}
	CHECK(count_ev(SG_MTP_RESUME, PC_B) == 1 && count_ev(SG_MTP_RESUME, PC_C) == 1 &&
	      count_ev(SG_MTP_PAUSE, PC_D) == 1 && count_ev(SG_MTP_PAUSE, PC_X) == 1 &&
	      F.nev == 4, "users: RESUME(B, C), PAUSE(D, X) expected, %u indications", F.nev);
	for (unsigned int i = 0; i < F.nev; i++)
		CHECK(F.ev[i].t >= tra->t - 20 * SG_NS_PER_MS,
		      "user indication during the restart");
	/* T20 was stopped: no second end of restart */
	from = 0;
	q_find_snm(F.pt[0][0], &from, SG_MTP3_TRA, &r);
	q_run(55000);
	CHECK(!q_find_snm(F.pt[0][0], &from, SG_MTP3_TRA, &r), "second TRA (T20 not stopped)");
	return true;
}

/* T19: an unexpected TRA (B already accessible) is answered with routing data and TRA at most
 * once per T19; while T19 runs further TRAs are ignored */
static bool t_rs_05(void)
{
	struct sg_mtp3_snm r;
	struct q_msu *q, *q2 = NULL;
	unsigned int from;
	uint64_t t_tra;

	if (!stp3_setup(false))
		return false;
	/* linkset D fails: X and D inaccessible */
	q_fail(F.pt[2][0]);
	sg_mtp3_link_deactivate(F.l[2][0]);
	q_run(100);
	CHECK(!sg_mtp3_dpc_accessible(F.m, PC_X), "X accessible");
	from = 0;
	q = q_find_snm(F.pt[0][0], &from, SG_MTP3_TRA, &r);
	CHECK(q, "no TRA to B at start");
	t_tra = q->t;
	q_rx_clear(F.pt[0][0]);
	/* within T19 of the IUT's TRA: ignored */
	pt_tra(0);
	q_run(200);
	from = 0;
	CHECK(!q_find_snm(F.pt[0][0], &from, SG_MTP3_TRA, &r),
	      "unexpected TRA within T19 answered");
	/* after T19: B is taken as restarted: TFP(D), TFP(X), then TRA */
	while (sg_now() - t_tra < 69000 * SG_NS_PER_MS)
		q_run(100);
	q_rx_clear(F.pt[0][0]);
	pt_tra(0);
	q_run(100);
	from = 0;
	q = q_find_snm(F.pt[0][0], &from, SG_MTP3_TRA, &r);
	CHECK(q, "unexpected TRA after T19 not answered with TRA");
	t_tra = q->t;
	CHECK(count_snm(F.pt[0][0], SG_MTP3_TFP, PC_X) == 1 &&
	      count_snm(F.pt[0][0], SG_MTP3_TFP, PC_D) == 1, "no TFP(X), TFP(D) before the TRA");
	CHECK(sg_mtp3_dpc_accessible(F.m, PC_B), "B inaccessible after its TRA");
	/* the answer restarted T19: the next TRA, 60 s later, is ignored; one after T19 not */
	q_run(60000);
	q_rx_clear(F.pt[0][0]);
	pt_tra(0);
	q_run(100);
	from = 0;
	CHECK(!q_find_snm(F.pt[0][0], &from, SG_MTP3_TRA, &r), "TRA answered within T19");
	for (unsigned int i = 0; i < 10000 && !q2; i++) {
		if (i % 100 == 0)
			pt_tra(0);
		q_run(1);
		from = 0;
		q2 = q_find_snm(F.pt[0][0], &from, SG_MTP3_TRA, &r);
	}
	CHECK(q2, "TRA after T19 not answered");
	WIN(q2->t - t_tra, 67000, 69000 + 120, "ping-pong protection (T19)");
	return true;
}

/* ---- congestion levels and priorities, TFC (Q.704 §3.8, §11.2, §13.6-§13.7) ---- */

/* MTP2 of the cables: small congestion thresholds, levels 1..3 */
static struct sg_mtp2_cfg cong_mtp2;
static uint32_t cong_fx_discard;	/* MTP2 discard threshold of the next cong_fixture, 0: default */

static void cong_fixture(bool prio, unsigned int nls, bool stp)
{
	static const unsigned int nl[] = { 1, 1 };

	sg_mtp2_cfg_defaults(&cong_mtp2);
	if (cong_fx_discard)
		cong_mtp2.cong_discard = cong_fx_discard;
	cong_mtp2.cong_onset[0] = 20;
	cong_mtp2.cong_abate[0] = 10;
	cong_mtp2.cong_onset[1] = 40;
	cong_mtp2.cong_abate[1] = 30;
	cong_mtp2.cong_onset[2] = 60;
	cong_mtp2.cong_abate[2] = 50;
	fx_mtp2 = &cong_mtp2;
	fx_cong_prio = prio;
	fx_setup(nls, nl, stp);
	fx_mtp2 = NULL;
	fx_cong_prio = false;
}

/* congestion level of link l as the management API shows it */
static int link_cong(struct sg_mtp3_link *l)
{
	struct json_object *a = sg_mtp3_links_json(F.m), *o, *v;
	int lvl = -1;

	for (size_t i = 0; i < json_object_array_length(a); i++) {
		o = json_object_array_get_idx(a, i);
		if (json_object_object_get_ex(o, "name", &v) &&
		    !strcmp(json_object_get_string(v), sg_mtp3_link_name(l)) &&
		    json_object_object_get_ex(o, "congestion", &v))
			lvl = json_object_get_int(v);
	}
	json_object_put(a);
	return lvl;
}

static bool wait_cong(struct sg_mtp3_link *l, int lvl, unsigned int limit_ms)
{
	for (unsigned int i = 0; i <= limit_ms; i++) {
		if (link_cong(l) == lvl)
			return true;
		q_run(1);
	}
	return false;
}

/* scripted end e sends a user MSU with message priority prio (SIO bits F-E) */
static void pt_send_prio(struct q_end *e, uint32_t dpc, uint8_t sls, uint32_t seq, uint8_t prio)
{
	struct sg_mtp3_hdr h = { .si = SI_USER, .ni = SG_NI_NATIONAL, .prio = prio,
				 .label = { .dpc = dpc, .opc = e->pc, .sls = sls } };
	uint8_t buf[32];
	size_t n = sg_mtp3_hdr_encode(buf, sizeof(buf), &q_fmt, &h);

	memcpy(buf + n, &seq, 4);
	q_script_tx(e, buf, n + 4);
}

static bool seq_received(struct q_end *e, uint32_t seq, uint8_t *prio)
{
	struct q_msu *u[1024];
	unsigned int n = user_msus(e, 0, u, 1024);

	for (unsigned int i = 0; i < n; i++)
		if (msu_seq(u[i]) == seq) {
			if (prio)
				*prio = u[i]->h.prio;
			return true;
		}
	return false;
}

/* national option: levels 3, 2, 1, 0 in turn; at each, MSUs of priority 0..3 from the local
 * user: those below the level discarded (-ENOBUFS), MTP-STATUS(congestion, level) for each */
static bool t_fc_06(void)
{
	unsigned int ev0, n_st, ndisc = 0;
	uint32_t seq = 1000;

	cong_fixture(true, 1, false);
	if (!fx_up(true))
		return false;
	for (unsigned int i = 0; i < 200; i++)
		iut_send_prio(PC_B, i % 16, i, 3);
	for (int lvl = 3; lvl >= 0; lvl--) {
		CHECK(wait_cong(F.l[0][0], lvl, 1000), "link never at congestion level %d", lvl);
		ev0 = F.nev;
		for (uint8_t prio = 0; prio < 4; prio++, seq++) {
			int rc = iut_send_prio(PC_B, prio, seq, prio);

			CHECK(rc == (prio < lvl ? -ENOBUFS : 0),
			      "level %d, priority %u: transfer returned %d", lvl, prio, rc);
			if (prio < lvl)
				ndisc++;
		}
		n_st = 0;
		for (unsigned int i = ev0; i < F.nev; i++)
			if (F.ev[i].prim == SG_MTP_STATUS && F.ev[i].p.dpc == PC_B &&
			    F.ev[i].p.cause == SG_MTP_STATUS_CONGESTION &&
			    F.ev[i].p.cong_level == lvl)
				n_st++;
		CHECK(n_st == (lvl ? 4u : 0u), "level %d: %u MTP-STATUS(congestion, level %d)", lvl,
		      n_st, lvl);
	}
	q_run(500);
	seq = 1000;
	for (int lvl = 3; lvl >= 0; lvl--)
		for (uint8_t prio = 0; prio < 4; prio++, seq++) {
			uint8_t rx_prio = 0xff;
			bool rx = seq_received(F.pt[0][0], seq, &rx_prio);

			CHECK(rx == (prio >= lvl), "level %d priority %u: MSU %s", lvl, prio,
			      rx ? "sent although below the level" : "lost");
			CHECK(!rx || rx_prio == prio, "priority %u sent as %u", prio, rx_prio);
		}
	for (uint32_t i = 0; i < 200; i++)
		CHECK(seq_received(F.pt[0][0], i, NULL), "priority-3 MSU %u lost", i);
	CHECK(ctr(SG_MTP3_CTR_CONG_DISCARD) == ndisc, "%llu discards counted, expected %u",
	      (unsigned long long)ctr(SG_MTP3_CTR_CONG_DISCARD), ndisc);
	return true;
}

/* STP: B's link congested by local traffic; transit MSUs from C for B: TFC(B) to C for the
 * first and every 8th congested MSU.  National option: priority 0 discarded, TFC status =
 * level, priority 3 passes without TFC; international: nothing discarded, TFC status 0. */
static bool fc_02(bool prio)
{
	struct q_end *pc = F.pt[1][0], *pb = F.pt[0][0];
	struct sg_mtp3_snm s;
	struct q_msu *q;
	unsigned int from = 0, ntfc = 0;

	for (unsigned int i = 0; i < 200; i++)
		iut_send_prio(PC_B, i % 16, i, 3);
	CHECK(wait_cong(F.l[0][0], 3, 100), "B-1 not congested (level 3)");
	q_rx_clear(pc);
	for (unsigned int i = 0; i < 16; i++)
		pt_send_prio(pc, PC_B, i, 2000 + i, 0);
	q_run(40);
	CHECK(link_cong(F.l[0][0]) == 3, "congestion abated too early for the test");
	while ((q = q_find_snm(pc, &from, SG_MTP3_TFC, &s))) {
		CHECK(s.dest == PC_B && q->h.label.dpc == PC_C && q->h.label.opc == PC_IUT,
		      "TFC(%u) from %u to %u", s.dest, q->h.label.opc, q->h.label.dpc);
		CHECK(s.cong_status == (prio ? 3 : 0), "TFC congestion status %u", s.cong_status);
		ntfc++;
	}
	CHECK(ntfc == 2, "%u TFCs for 16 congested MSUs, expected 2 (1st and 9th)", ntfc);
	CHECK(ctr(SG_MTP3_CTR_TFC_TX) == 2, "TFCs not counted");
	if (prio) {
		/* priority 3 at level 3: routed, no TFC */
		for (unsigned int i = 0; i < 4; i++)
			pt_send_prio(pc, PC_B, i, 3000 + i, 3);
		q_run(20);
		from = 0;
		ntfc = 0;
		while (q_find_snm(pc, &from, SG_MTP3_TFC, &s))
			ntfc++;
		CHECK(ntfc == 2, "TFC for MSUs at the congestion level");
	}
	CHECK(wait_cong(F.l[0][0], 0, 2000), "congestion of B-1 never abated");
	q_run(100);
	for (unsigned int i = 0; i < 16; i++)
		CHECK(seq_received(pb, 2000 + i, NULL) == !prio, "transit MSU %u %s", i,
		      prio ? "not discarded" : "lost");
	for (unsigned int i = 0; prio && i < 4; i++)
		CHECK(seq_received(pb, 3000 + i, NULL), "priority-3 transit MSU %u lost", i);
	return true;
}

static bool t_fc_02(void)
{
	cong_fixture(true, 2, true);
	if (!fx_up(true) || !fc_02(true))
		return false;
	fx_teardown();
	cong_fixture(false, 2, true);
	if (!fx_up(true))
		return false;
	return fc_02(false);
}

/* ---- L3-MI: management inhibiting ---- */

static struct q_msu *find_on_ls(uint8_t heading, struct sg_mtp3_snm *s, unsigned int *from)
{
	struct q_msu *q;

	for (unsigned int j = 0; j < F.nl[0]; j++) {
		unsigned int f = from ? from[j] : 0;

		q = q_find_snm(F.pt[0][j], &f, heading, s);
		if (from)
			from[j] = f;
		if (q)
			return q;
	}
	return NULL;
}

static void pt_snm(uint8_t heading, uint8_t slc)
{
	struct sg_mtp3_snm s = { .heading = heading, .slc = slc };

	q_script_tx_snm(F.pt[0][1], PC_IUT, &s);
}

/* all user MSUs sent from now on land on B-2 only */
static bool traffic_on(unsigned int link, uint32_t base)
{
	struct q_msu *u[256];
	unsigned int n[2];

	for (unsigned int j = 0; j < 2; j++)
		n[j] = user_msus(F.pt[0][j], 0, u, 0);
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_B, i, base + i);
	q_run(100);
	CHECK(user_msus(F.pt[0][link], 0, u, 0) == n[link] + 16 &&
	      user_msus(F.pt[0][!link], 0, u, 0) == n[!link],
	      "traffic not all on B-%u", link + 1);
	return true;
}

static bool mi_inhibit(void)
{
	struct sg_mtp3_snm s;

	if (!co_setup())
		return false;
	CHECK(sg_mtp3_link_inhibit(F.l[0][0]) == 0, "inhibit request refused");
	q_run(30);
	CHECK(find_on_ls(SG_MTP3_LIN, &s, NULL) && s.slc == 0, "no LIN(SLC 0)");
	pt_snm(SG_MTP3_LIA, 0);
	q_run(200);
	CHECK(sg_mtp3_link_inhibited(F.l[0][0]) == SG_MTP3_INH_LOCAL, "link not inhibited");
	return traffic_on(1, 16);
}

static bool t_mi_01(void)
{
	struct sg_mtp3_slt s = { .heading = SG_MTP3_SLTM, .slc = 0, .len = 3,
				 .pattern = { 7, 8, 9 } };
	struct sg_mtp3_hdr h = { .si = SG_MTP3_SI_MTN, .ni = SG_NI_NATIONAL,
				 .label = { .dpc = PC_IUT, .opc = PC_B, .sls = 0 } };
	uint8_t buf[64];
	unsigned int from;

	if (!mi_inhibit())
		return false;
	CHECK(ctr(SG_MTP3_CTR_INHIBIT) == 1, "inhibit not counted");
	/* signalling link test still works on the inhibited link */
	from = F.pt[0][0]->nrx;
	q_script_tx(F.pt[0][0], buf, sg_mtp3_slt_msu_encode(buf, sizeof(buf), &q_fmt, &h, &s));
	q_run(50);
	CHECK(q_find_slt(F.pt[0][0], &from, SG_MTP3_SLTA, &s), "SLTM not answered on the "
	      "inhibited link");
	CHECK(sg_mtp3_link_state(F.l[0][0]) == SG_MTP3_LINK_AVAILABLE,
	      "inhibited link not in service");
	return check_seq(0, 31, 2);
}

static bool t_mi_02(void)
{
	struct sg_mtp3_snm s;

	if (!co_setup())
		return false;
	pt_snm(SG_MTP3_LIN, 0);
	q_run(50);
	CHECK(find_on_ls(SG_MTP3_LIA, &s, NULL) && s.slc == 0, "no LIA(SLC 0)");
	CHECK(sg_mtp3_link_inhibited(F.l[0][0]) == SG_MTP3_INH_REMOTE, "not remotely inhibited");
	q_run(200);
	if (!traffic_on(1, 16))
		return false;
	return check_seq(0, 31, 2);
}

static bool t_mi_03(void)
{
	static const unsigned int nl[] = { 1 };
	struct sg_mtp3_snm s = { .heading = SG_MTP3_LIN, .slc = 0 }, r;
	unsigned int from = 0;

	fx_setup(1, nl, false);
	if (!fx_up(true))
		return false;
	q_script_tx_snm(F.pt[0][0], PC_IUT, &s);
	q_run(50);
	CHECK(q_find_snm(F.pt[0][0], &from, SG_MTP3_LID, &r) && r.slc == 0, "no LID");
	from = 0;
	CHECK(!q_find_snm(F.pt[0][0], &from, SG_MTP3_LIA, &r), "LIA for the only link");
	CHECK(sg_mtp3_link_inhibited(F.l[0][0]) == 0, "only link inhibited");
	CHECK(sg_mtp3_link_inhibit(F.l[0][0]) == -EBUSY, "local inhibit of the only link accepted");
	return true;
}

static bool t_mi_04(void)
{
	if (!co_setup())
		return false;
	CHECK(sg_mtp3_link_inhibit(F.l[0][0]) == 0, "inhibit request refused");
	q_run(30);
	pt_snm(SG_MTP3_LID, 0);
	q_run(200);
	CHECK(sg_mtp3_link_inhibited(F.l[0][0]) == 0, "inhibited despite LID");
	CHECK(ctr(SG_MTP3_CTR_INHIBIT_FAIL) == 1, "LID not counted");
	CHECK(sg_mtp3_link_inhibit(F.l[0][0]) == 0, "no new inhibit request possible after LID");
	return true;
}

static bool t_mi_05(void)
{
	struct sg_mtp3_snm s;
	struct q_msu *lin;
	uint64_t t;

	if (!co_setup())
		return false;
	CHECK(sg_mtp3_link_inhibit(F.l[0][0]) == 0, "inhibit request refused");
	q_run(30);
	lin = find_on_ls(SG_MTP3_LIN, &s, NULL);
	CHECK(lin, "no LIN");
	for (unsigned int i = 0; i < 4000 && !ctr(SG_MTP3_CTR_INHIBIT_FAIL); i++)
		q_run(1);
	t = sg_now();
	CHECK(ctr(SG_MTP3_CTR_INHIBIT_FAIL) == 1, "inhibiting not abandoned without LIA");
	WIN(t - lin->t, 2000, 3000 + 5, "no LIA (T14)");
	CHECK(sg_mtp3_link_inhibited(F.l[0][0]) == 0, "inhibited without LIA");
	return traffic_on(0, 16) || true;
}

static bool t_mi_06(void)
{
	struct sg_mtp3_snm s;
	unsigned int from[2];

	if (!mi_inhibit())
		return false;
	from[0] = F.pt[0][0]->nrx;
	from[1] = F.pt[0][1]->nrx;
	CHECK(sg_mtp3_link_uninhibit(F.l[0][0]) == 0, "uninhibit refused");
	q_run(30);
	CHECK(find_on_ls(SG_MTP3_LUN, &s, from) && s.slc == 0, "no LUN(SLC 0)");
	pt_snm(SG_MTP3_LUA, 0);
	q_run(200);
	CHECK(sg_mtp3_link_inhibited(F.l[0][0]) == 0, "still inhibited after LUA");
	{
		struct q_msu *u[64];
		unsigned int n0 = user_msus(F.pt[0][0], 0, u, 0);

		for (unsigned int i = 0; i < 16; i++)
			iut_send(PC_B, i, 32 + i);
		q_run(100);
		CHECK(user_msus(F.pt[0][0], 0, u, 0) == n0 + 8, "traffic not back on B-1");
	}
	return check_seq(0, 47, 2);
}

static bool t_mi_07(void)
{
	struct sg_mtp3_snm s;
	unsigned int from[2], f2[2];
	struct q_msu *a, *b;

	if (!mi_inhibit())
		return false;
	from[0] = F.pt[0][0]->nrx;
	from[1] = F.pt[0][1]->nrx;
	CHECK(sg_mtp3_link_uninhibit(F.l[0][0]) == 0, "uninhibit refused");
	q_run(30);
	a = find_on_ls(SG_MTP3_LUN, &s, from);
	CHECK(a, "no LUN");
	b = NULL;
	for (unsigned int i = 0; i < 2000 && !b; i++) {
		f2[0] = from[0];
		f2[1] = from[1];
		b = find_on_ls(SG_MTP3_LUN, &s, f2);
		if (!b)
			q_run(1);
	}
	CHECK(b, "LUN not repeated");
	WIN(b->t - a->t, 800, 1500 + 5, "LUN repetition (T12)");
	q_run(3000);
	CHECK(!find_on_ls(SG_MTP3_LUN, &s, f2), "LUN sent a third time");
	CHECK(sg_mtp3_link_inhibited(F.l[0][0]) == SG_MTP3_INH_LOCAL, "uninhibited without LUA");
	return true;
}

static bool t_mi_08(void)
{
	struct sg_mtp3_snm s;
	struct q_msu *u[64];
	unsigned int n0;

	if (!co_setup())
		return false;
	pt_snm(SG_MTP3_LIN, 0);
	q_run(200);
	CHECK(sg_mtp3_link_inhibited(F.l[0][0]) == SG_MTP3_INH_REMOTE, "not remotely inhibited");
	q_rx_clear(F.pt[0][0]);
	/* B-2 fails: B-1 is the only link left */
	q_fail(F.pt[0][1]);
	q_run(50);
	{
		unsigned int f = 0;

		CHECK(q_find_snm(F.pt[0][0], &f, SG_MTP3_LFU, &s) && s.slc == 0, "no LFU on B-1");
	}
	s = (struct sg_mtp3_snm){ .heading = SG_MTP3_LUN, .slc = 0 };
	q_script_tx_snm(F.pt[0][0], PC_IUT, &s);
	q_run(50);
	{
		unsigned int f = 0;

		CHECK(q_find_snm(F.pt[0][0], &f, SG_MTP3_LUA, &s) && s.slc == 0, "no LUA");
	}
	CHECK(sg_mtp3_link_inhibited(F.l[0][0]) == 0, "still inhibited");
	q_run(3000);
	n0 = user_msus(F.pt[0][0], 0, u, 0);
	iut_send(PC_B, 1, 100);
	q_run(50);
	CHECK(user_msus(F.pt[0][0], 0, u, 0) == n0 + 1, "no traffic on B-1 after forced uninhibit");
	return true;
}

static bool t_mi_10(void)
{
	if (!co_setup())
		return false;
	pt_snm(SG_MTP3_LIA, 0);
	pt_snm(SG_MTP3_LUA, 1);
	pt_snm(SG_MTP3_LID, 0);
	q_run(100);
	CHECK(sg_mtp3_link_inhibited(F.l[0][0]) == 0 && sg_mtp3_link_inhibited(F.l[0][1]) == 0,
	      "unexpected LIA/LUA/LID changed the inhibition state");
	{
		struct q_msu *u[64];
		unsigned int n0 = user_msus(F.pt[0][0], 0, u, 0);
		unsigned int n1 = user_msus(F.pt[0][1], 0, u, 0);

		for (unsigned int i = 0; i < 16; i++)
			iut_send(PC_B, i, 16 + i);
		q_run(100);
		CHECK(user_msus(F.pt[0][0], 0, u, 0) == n0 + 8 &&
		      user_msus(F.pt[0][1], 0, u, 0) == n1 + 8, "load sharing changed");
	}
	return true;
}


/* first SNM with heading on linkset B after *from (per link), waiting up to limit_ms */
static struct q_msu *wait_on_ls(uint8_t heading, struct sg_mtp3_snm *s, unsigned int *from,
				unsigned int limit_ms)
{
	struct q_msu *q = NULL;
	unsigned int f[2];

	for (unsigned int i = 0; i <= limit_ms && !q; i++) {
		f[0] = from[0];
		f[1] = from[1];
		q = find_on_ls(heading, s, f);
		if (!q)
			q_run(1);
	}
	if (q) {
		from[0] = f[0];
		from[1] = f[1];
	}
	return q;
}

static void ls_mark(unsigned int *from)
{
	from[0] = F.pt[0][0]->nrx;
	from[1] = F.pt[0][1]->nrx;
}

/* Q.704 §10.3.4: LLT every T22 while locally inhibited, LRT every T23 while remotely
 * inhibited; a test that finds the far end's view different is answered (LFU / LUN) */
static bool t_mi_09(void)
{
	struct sg_mtp3_snm s;
	struct q_msu *a, *b;
	unsigned int from[2];
	uint64_t t0;

	if (!mi_inhibit())
		return false;
	/* B-1 locally inhibited (LIA received just now): LLT after T22, then every T22 */
	t0 = sg_now() - 200 * SG_NS_PER_MS;
	ls_mark(from);
	a = wait_on_ls(SG_MTP3_LLT, &s, from, 370000);
	CHECK(a && s.slc == 0, "no LLT(SLC 0) while B-1 is locally inhibited");
	WIN(a->t - t0, 180000 - 200, 360000, "first LLT (T22)");
	b = wait_on_ls(SG_MTP3_LLT, &s, from, 370000);
	CHECK(b && s.slc == 0, "LLT not repeated");
	WIN(b->t - a->t, 180000, 360000 + 5, "LLT period (T22)");
	CHECK(ctr(SG_MTP3_CTR_INHIBIT_TEST) == 2, "inhibit tests not counted");
	/* consistent views: the far end's LRT for B-1 (locally inhibited here) is not answered */
	ls_mark(from);
	pt_snm(SG_MTP3_LRT, 0);
	q_run(100);
	CHECK(!find_on_ls(0, &s, from) || (s.heading != SG_MTP3_LUN && s.heading != SG_MTP3_LFU),
	      "LRT answered although the views match");
	/* mismatch: the far end thinks B-2 is inhibited; B-2 is not inhibited here */
	ls_mark(from);
	pt_snm(SG_MTP3_LLT, 1);
	a = wait_on_ls(SG_MTP3_LFU, &s, from, 100);
	CHECK(a && s.slc == 1, "LLT(SLC 1) for a link not remotely inhibited: no LFU");
	ls_mark(from);
	pt_snm(SG_MTP3_LRT, 1);
	a = wait_on_ls(SG_MTP3_LUN, &s, from, 100);
	CHECK(a && s.slc == 1, "LRT(SLC 1) for a link not locally inhibited: no LUN");
	CHECK(ctr(SG_MTP3_CTR_INHIBIT_MISMATCH) == 2, "mismatches not counted");
	CHECK(sg_mtp3_link_inhibited(F.l[0][1]) == 0 &&
	      sg_mtp3_link_inhibited(F.l[0][0]) == SG_MTP3_INH_LOCAL,
	      "inhibit test changed the local inhibition marks");
	/* uninhibited: no more LLT */
	CHECK(sg_mtp3_link_uninhibit(F.l[0][0]) == 0, "uninhibit refused");
	q_run(30);
	pt_snm(SG_MTP3_LUA, 0);
	q_run(100);
	CHECK(sg_mtp3_link_inhibited(F.l[0][0]) == 0, "still inhibited after LUA");
	ls_mark(from);
	CHECK(!wait_on_ls(SG_MTP3_LLT, &s, from, 370000), "LLT after uninhibiting");

	/* remotely inhibited B-1: LRT every T23; the far end's LLT for it is not answered */
	pt_snm(SG_MTP3_LIN, 0);
	t0 = sg_now();
	q_run(100);
	CHECK(sg_mtp3_link_inhibited(F.l[0][0]) == SG_MTP3_INH_REMOTE, "not remotely inhibited");
	ls_mark(from);
	a = wait_on_ls(SG_MTP3_LRT, &s, from, 370000);
	CHECK(a && s.slc == 0, "no LRT(SLC 0) while B-1 is remotely inhibited");
	WIN(a->t - t0, 180000, 360000 + 20, "first LRT (T23)");
	ls_mark(from);
	pt_snm(SG_MTP3_LLT, 0);
	q_run(100);
	CHECK(!find_on_ls(SG_MTP3_LFU, &s, from), "LLT answered although the views match");
	return true;
}

/* L3-CO-01 on Annex A links: XCO/XCA with 12-bit FSNs */
static bool t_co_10(void)
{
	struct sg_mtp2_cfg c;
	struct q_end *p1, *p2;
	struct sg_mtp3_snm s, a = { .heading = SG_MTP3_XCA, .slc = 0 };
	unsigned int from = 0;
	uint16_t bsnt;
	struct q_msu *q;
	bool ok;

	sg_mtp2_cfg_defaults(&c);
	c.ext_seq = true;
	fx_mtp2 = &c;
	ok = co_setup();
	fx_mtp2 = NULL;
	if (!ok)
		return false;
	p1 = F.pt[0][0];
	p2 = F.pt[0][1];
	sg_mtp2_force_rx_congestion(p1->mtp2, SG_MTP2_RXCONG_DISCARD);
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_B, i, 16 + i);
	q_run(30);
	q_fail(p1);
	sg_mtp2_force_rx_congestion(p1->mtp2, SG_MTP2_RXCONG_NONE);
	q_run(50);
	CHECK(!q_find_snm(p2, &from, SG_MTP3_COO, &s), "COO on an Annex A link");
	from = 0;
	q = q_find_snm(p2, &from, SG_MTP3_XCO, &s);
	CHECK(q, "no XCO on B-2");
	CHECK(s.slc == 0 && s.fsn == ((p1->tx_msu - 1) & 0xfff),
	      "XCO SLC %u FSN %u, last MSU sent by the PT had FSN %u", s.slc, s.fsn,
	      (p1->tx_msu - 1) & 0xfff);
	CHECK(q_script_bsnt(p1, &bsnt), "PT BSNT not retrievable");
	a.fsn = bsnt;
	q_script_tx_snm(p2, PC_IUT, &a);
	q_run(200);
	return check_seq(0, 31, 2);
}

/* ---- remote processor outage (Q.704 §3.2.6, §4.3, §5.3.3): not a row of the checklist ---- */

static bool link_blocked_json(struct sg_mtp3_link *l)
{
	struct json_object *a = sg_mtp3_links_json(F.m), *o, *b;
	bool blocked = false;

	for (size_t i = 0; i < json_object_array_length(a); i++) {
		o = json_object_array_get_idx(a, i);
		if (json_object_object_get_ex(o, "name", &b) &&
		    !strcmp(json_object_get_string(b), sg_mtp3_link_name(l)) &&
		    json_object_object_get_ex(o, "blocked", &b))
			blocked = json_object_get_boolean(b);
	}
	json_object_put(a);
	return blocked;
}

static bool b1_state_is(void *arg)
{
	return sg_mtp3_link_state(F.l[0][0]) == *(enum sg_mtp3_link_state *)arg;
}

/* B-1's far end goes into processor outage (SIPO): B-1 blocked, its SLS held for T1 and then
 * carried by B-2; recovery: B-1 available again, changeback, every MSU once and in order */
static bool t_po_01(void)
{
	enum sg_mtp3_link_state st = SG_MTP3_LINK_BLOCKED;
	struct q_end *p1, *p2;
	struct q_msu *u[512];
	unsigned int n1, n2, n;
	uint64_t t0, t_even = 0;

	if (!co_setup())
		return false;
	p1 = F.pt[0][0];
	p2 = F.pt[0][1];
	sg_mtp2_l3_req(p1->mtp2, SG_MTP2_LPO, NULL, NULL);
	CHECK(q_run_until(b1_state_is, &st, 100), "B-1 not blocked after remote processor outage");
	CHECK(link_blocked_json(F.l[0][0]), "JSON: B-1 not \"blocked\"");
	CHECK(sg_ctr_get(sg_mtp3_link_counters(F.l[0][0]), SG_MTP3_CTR_RPO) == 1,
	      "outage not counted");
	CHECK(sg_mtp3_dpc_accessible(F.m, PC_B), "B inaccessible although B-2 is available");
	n1 = user_msus(p1, 0, u, 0);
	n2 = user_msus(p2, 0, u, 0);
	t0 = sg_now();
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_B, i, 16 + i);
	q_run(100);
	CHECK(user_msus(p2, 0, u, 0) == n2 + 8, "%u MSUs on B-2 at once, expected the 8 odd SLS",
	      user_msus(p2, 0, u, 0) - n2);
	for (unsigned int i = 0; i < 1500 && !t_even; i++) {
		n = user_msus(p2, 0, u, 512);
		for (unsigned int k = n2; k < n; k++)
			if (u[k]->h.label.sls % 2 == 0)
				t_even = u[k]->t;
		if (!t_even)
			q_run(1);
	}
	CHECK(t_even, "traffic of B-1 never diverted to B-2");
	WIN(t_even - t0, 500, 1200 + 20, "diversion after remote processor outage (T1)");
	q_run(50);
	CHECK(user_msus(p2, 0, u, 0) == n2 + 16, "not all traffic on B-2");
	CHECK(user_msus(p1, 0, u, 0) == n1, "user traffic on the blocked link");
	/* recovery */
	st = SG_MTP3_LINK_AVAILABLE;
	sg_mtp2_l3_req(p1->mtp2, SG_MTP2_LPR, NULL, NULL);
	CHECK(q_run_until(b1_state_is, &st, 200), "B-1 not available after recovery");
	CHECK(!link_blocked_json(F.l[0][0]), "JSON: B-1 still \"blocked\"");
	q_run(300);
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_B, i, 32 + i);
	q_run(100);
	CHECK(user_msus(p1, 0, u, 0) == n1 + 8, "traffic not back on B-1 after recovery");
	return check_seq(0, 47, 2);
}

/* A short outage (over before T1): the held SLS go on on B-1 itself, in order, no loss */
static bool t_po_02(void)
{
	enum sg_mtp3_link_state st = SG_MTP3_LINK_BLOCKED;
	struct q_end *p1;
	struct q_msu *u[512];
	unsigned int n1;

	if (!co_setup())
		return false;
	p1 = F.pt[0][0];
	sg_mtp2_l3_req(p1->mtp2, SG_MTP2_LPO, NULL, NULL);
	CHECK(q_run_until(b1_state_is, &st, 100), "B-1 not blocked");
	n1 = user_msus(p1, 0, u, 0);
	for (unsigned int i = 0; i < 16; i++)
		iut_send(PC_B, i, 16 + i);
	q_run(200);
	st = SG_MTP3_LINK_AVAILABLE;
	sg_mtp2_l3_req(p1->mtp2, SG_MTP2_LPR, NULL, NULL);
	CHECK(q_run_until(b1_state_is, &st, 200), "B-1 not available after recovery");
	q_run(300);
	CHECK(user_msus(p1, 0, u, 0) == n1 + 8, "%u held MSUs on B-1 after a short outage, "
	      "expected 8", user_msus(p1, 0, u, 0) - n1);
	CHECK(ctr(SG_MTP3_CTR_CHANGEOVER) == 0, "diversion completed despite recovery before T1");
	return check_seq(0, 31, 2);
}

/* ---- the checklist ---- */

struct item {
	const char *id;
	const char *title;
	bool (*fn)(void);
};

/* ---- L3-SG: the SIGTRAN side of MTP3 status (RFC 4666 §4.5 through the NIF) ----
 *
 * The IUT is an STP with linksets to B, C and D (X behind D) as in L3-SRM.  On top of it the
 * gateway's NIF and M3UA layer (SGP), with one ASP "asp1" in AS "as1" (RC 1) whose routing key
 * is DPC AS_IP for SI_USER.  Translation rules: X (TDM) <-> X_IP, AS_TDM <-> AS_IP.  The ASP
 * is played here: its messages are built with the codec, what the SGP sends is captured from
 * the transport and decoded. */

#define X_IP	1009
#define AS_TDM	20
#define AS_IP	1020
#define SG_RC	1

struct sg_cap {
	uint16_t stream;
	uint16_t len;
	uint8_t buf[600];
};

static struct {
	struct sg_nif *nif;
	struct sg_m3ua *m3;
	struct sg_m3ua_asp *asp;
	struct sg_m3ua_as *as;
	struct sg_cap tx[512];
	unsigned int ntx;
} SG;

static int sg_t_send(void *priv, struct sg_m3ua_asp *asp, uint16_t stream, struct msgb *msg)
{
	(void)priv;
	(void)asp;
	if (SG.ntx < ARRAY_SIZE(SG.tx) && msg->len <= sizeof(SG.tx[0].buf)) {
		struct sg_cap *c = &SG.tx[SG.ntx++];

		c->stream = stream;
		c->len = msg->len;
		memcpy(c->buf, msg->data, msg->len);
	}
	msgb_free(msg);
	return 0;
}

/* the ASP sends a message (stream 0 unless DATA) */
static void asp_tx(struct msgb *msg, uint16_t stream)
{
	sg_m3ua_finish(msg);
	sg_m3ua_asp_rx(SG.asp, stream, msg->data, msg->len);
	msgb_free(msg);
}

/* the k-th message of cls/type the SGP sent since index *from (decoded into *m) */
static bool sg_find(unsigned int *from, uint8_t cls, uint8_t type, struct sg_m3ua_msg *m)
{
	struct sg_m3ua_decode_err e;

	for (; *from < SG.ntx; (*from)++) {
		if (sg_m3ua_decode(m, SG.tx[*from].buf, SG.tx[*from].len, &e) < 0)
			continue;
		if (m->cls == cls && m->type == type) {
			(*from)++;
			return true;
		}
	}
	return false;
}

/* messages of cls/type whose Affected Point Code list holds pc (mask 0) */
static unsigned int sg_count_apc(uint8_t cls, uint8_t type, uint32_t pc, struct sg_m3ua_msg *last)
{
	struct sg_m3ua_msg m;
	unsigned int from = 0, n = 0;

	while (sg_find(&from, cls, type, &m)) {
		uint32_t apc[16];
		int k = sg_m3ua_get_u32_list(&m, SG_M3UA_IEI_AFFECTED_PC, apc, 16);

		for (int i = 0; i < k; i++)
			if (apc[i] == pc) {
				n++;
				if (last)
					*last = m;
			}
	}
	return n;
}

static void sg_teardown(void)
{
	sg_m3ua_free(SG.m3);
	sg_nif_free(SG.nif);
	memset(&SG, 0, sizeof(SG));
}

/* stp3_setup(), then the NIF and an active ASP */
static bool sg_setup(bool upu)
{
	struct sg_nif_cfg ncfg;
	struct sg_m3ua_cfg mcfg;
	struct sg_xua_user_ops uops;
	const struct sg_xua_transport_ops tops = { .send = sg_t_send };
	struct sg_m3ua_asp_cfg acfg = { .name = "asp1", .role = SG_M3UA_ROLE_SGP };
	struct sg_m3ua_as_cfg ascfg = {
		.name = "as1", .has_rc = true, .rc = SG_RC, .tmt = SG_M3UA_TMT_OVERRIDE,
		.min_asps = 1, .nasps = 1, .asps = { "asp1" },
		.rk = { .ndpc = 1, .dpc = { { .pc = AS_IP } }, .nsi = 1, .si = { SI_USER } },
	};
	struct sg_nif_xlate x1 = { .name = "x", .tdm_pc = PC_X, .ip_pc = X_IP,
				   .tdm_ni = SG_NI_NATIONAL, .ip_ni = SG_NI_NATIONAL };
	struct sg_nif_xlate x2 = { .name = "as", .tdm_pc = AS_TDM, .ip_pc = AS_IP,
				   .tdm_ni = SG_NI_NATIONAL, .ip_ni = SG_NI_NATIONAL };
	struct msgb *msg;
	struct sg_m3ua_msg m;
	unsigned int from = 0;

	memset(&SG, 0, sizeof(SG));
	if (!stp3_setup(false))
		return false;
	sg_nif_cfg_defaults(&ncfg);
	ncfg.upu_when_unavailable = upu;
	ncfg.ni = SG_NI_NATIONAL;	/* as sg_mtp3_cfg_defaults() */
	SG.nif = sg_nif_alloc(NULL, F.m, &ncfg);
	CHECK(SG.nif, "no NIF");
	CHECK(sg_nif_xlate_add(SG.nif, &x1) == 0 && sg_nif_xlate_add(SG.nif, &x2) == 0,
	      "translation rules refused");
	sg_m3ua_cfg_defaults(&mcfg);
	mcfg.local_pc = PC_IUT;
	sg_nif_m3ua_user(&uops);
	SG.m3 = sg_m3ua_alloc(NULL, &mcfg, &tops, NULL, &uops, SG.nif);
	CHECK(SG.m3, "no M3UA instance");
	sg_nif_set_m3ua(SG.nif, SG.m3);
	SG.asp = sg_m3ua_asp_add(SG.m3, &acfg);
	SG.as = sg_m3ua_as_add(SG.m3, &ascfg);
	CHECK(SG.asp && SG.as, "ASP or AS refused");
	CHECK(sg_nif_as_add(SG.nif, SG.as) == 0, "AS point code refused by MTP3");
	/* the NIF takes every user SI, SI_USER too: the fixture's own user gives it up */
	CHECK(sg_mtp3_user_release(F.m, SG_MTP_SI_BIT(SI_USER)) == 0, "SI not released");
	CHECK(sg_nif_start(SG.nif) == 0, "NIF not registered with MTP3");
	sg_m3ua_asp_conn_up(SG.asp, 16, 16);
	asp_tx(sg_m3ua_msg_new(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_UP), 0);
	msg = sg_m3ua_msg_new(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_ACT);
	sg_m3ua_put_u32(msg, SG_M3UA_IEI_TRAFFIC_MODE, SG_M3UA_TMT_OVERRIDE);
	sg_m3ua_put_u32(msg, SG_M3UA_IEI_ROUTE_CTX, SG_RC);
	asp_tx(msg, 0);
	CHECK(sg_find(&from, SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_ACT_ACK, &m), "no ASPAC-ACK");
	CHECK(sg_m3ua_as_state(SG.as) == SG_M3UA_AS_ACTIVE, "AS not active");
	q_run(100);
	return true;
}

static bool t_sg_01(void)
{
	struct sg_m3ua_msg m;
	uint32_t rc;
	bool ok;

	ok = sg_setup(true);
	if (!ok)
		goto out;
	SG.ntx = 0;
	/* D's only link goes: D and X (behind D) become inaccessible: MTP-PAUSE */
	sg_mtp3_link_deactivate(F.l[2][0]);
	q_run(2000);
	ok = false;
	if (sg_count_apc(SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_DUNA, X_IP, &m) != 1) {
		tfail("no DUNA(X) with X translated to %u", X_IP);
		goto out;
	}
	if (!sg_m3ua_get_u32(&m, SG_M3UA_IEI_ROUTE_CTX, &rc) || rc != SG_RC) {
		tfail("DUNA without the AS's routing context");
		goto out;
	}
	if (sg_count_apc(SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_DUNA, PC_D, NULL) != 1) {
		tfail("no DUNA(D)");
		goto out;
	}
	if (sg_count_apc(SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_DUNA, PC_X, NULL)) {
		tfail("DUNA carries the untranslated PC of X");
		goto out;
	}
	SG.ntx = 0;
	sg_mtp3_link_activate(F.l[2][0]);
	sg_mtp2_l3_req(F.pt[2][0]->mtp2, SG_MTP2_EMERGENCY, NULL, NULL);
	sg_mtp2_l3_req(F.pt[2][0]->mtp2, SG_MTP2_START, NULL, NULL);
	if (!q_run_until(all_available, NULL, 20000)) {
		tfail("D not restored");
		goto out;
	}
	q_run(20);
	{
		struct sg_mtp3_snm tra = { .heading = SG_MTP3_TRA };

		q_script_tx_snm(F.pt[2][0], PC_IUT, &tra);
	}
	q_run(100);
	if (sg_count_apc(SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_DAVA, X_IP, NULL) != 1 ||
	    sg_count_apc(SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_DAVA, PC_D, NULL) != 1) {
		tfail("no DAVA(X), DAVA(D) after the linkset recovered");
		goto out;
	}
	ok = true;
out:
	sg_teardown();
	return ok;
}

static bool t_sg_02(void)
{
	struct sg_mtp3_snm tfc = { .heading = SG_MTP3_TFC, .dest = PC_X };
	struct sg_mtp3_snm upu = { .heading = SG_MTP3_UPU, .dest = PC_B, .upu_user = SI_USER,
				   .upu_cause = SG_MTP3_UPU_UNEQUIPPED };
	struct sg_m3ua_msg m;
	uint32_t v;
	bool ok = sg_setup(true);

	if (!ok)
		goto out;
	ok = false;
	SG.ntx = 0;
	q_script_tx_snm(F.pt[2][0], PC_IUT, &tfc);
	q_run(100);
	if (sg_count_apc(SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_SCON, X_IP, &m) != 1) {
		tfail("TFC(X): %u SCON(X) instead of 1",
		      sg_count_apc(SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_SCON, X_IP, NULL));
		goto out;
	}
	if (!sg_m3ua_get_u32(&m, SG_M3UA_IEI_CONG_IND, &v) || (v & 0xff) != 1) {
		tfail("SCON without congestion level 1 (ITU TFC)");
		goto out;
	}
	SG.ntx = 0;
	q_script_tx_snm(F.pt[0][0], PC_IUT, &upu);
	q_run(100);
	if (sg_count_apc(SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_DUPU, PC_B, &m) != 1) {
		tfail("UPU(B) gave no DUPU(B)");
		goto out;
	}
	if (!sg_m3ua_get_u32(&m, SG_M3UA_IEI_USER_CAUSE, &v) ||
	    v != ((uint32_t)SG_M3UA_DUPU_UNEQUIPPED << 16 | SI_USER)) {
		tfail("DUPU user/cause 0x%08x, expected unequipped / SI %u", v, SI_USER);
		goto out;
	}
	ok = true;
out:
	sg_teardown();
	return ok;
}

static bool t_sg_03(void)
{
	struct sg_mtp3_snm tfr = { .heading = SG_MTP3_TFR, .dest = PC_X };
	bool ok = sg_setup(true);

	if (!ok)
		goto out;
	ok = false;
	SG.ntx = 0;
	q_script_tx_snm(F.pt[2][0], PC_IUT, &tfr);
	q_run(100);
	if (sg_count_apc(SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_DRST, X_IP, NULL) != 1) {
		tfail("TFR(X) gave no DRST(X)");
		goto out;
	}
	ok = true;
out:
	sg_teardown();
	return ok;
}

static bool daud(uint32_t pc, uint8_t want_type)
{
	struct msgb *msg = sg_m3ua_msg_new(SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_DAUD);
	uint32_t rc = SG_RC;

	sg_m3ua_put_u32(msg, SG_M3UA_IEI_ROUTE_CTX, rc);
	sg_m3ua_put_u32(msg, SG_M3UA_IEI_AFFECTED_PC, pc);
	SG.ntx = 0;
	asp_tx(msg, 0);
	return sg_count_apc(SG_M3UA_CLS_SSNM, want_type, pc, NULL) == 1;
}

static bool t_sg_04(void)
{
	struct sg_mtp3_snm tfr = { .heading = SG_MTP3_TFR, .dest = PC_X };
	bool ok = sg_setup(true);

	if (!ok)
		goto out;
	ok = false;
	if (!daud(X_IP, SG_M3UA_SSNM_DAVA)) {
		tfail("DAUD(X) while X is available: no DAVA");
		goto out;
	}
	if (!daud(PC_B, SG_M3UA_SSNM_DAVA)) {
		tfail("DAUD(B) (adjacent, available): no DAVA");
		goto out;
	}
	q_script_tx_snm(F.pt[2][0], PC_IUT, &tfr);
	q_run(100);
	if (!daud(X_IP, SG_M3UA_SSNM_DRST)) {
		tfail("DAUD(X) while X is restricted: no DRST");
		goto out;
	}
	sg_mtp3_link_deactivate(F.l[2][0]);
	q_run(2000);
	if (!daud(X_IP, SG_M3UA_SSNM_DUNA)) {
		tfail("DAUD(X) while X is inaccessible: no DUNA");
		goto out;
	}
	if (!daud(1234, SG_M3UA_SSNM_DUNA)) {
		tfail("DAUD for a PC MTP3 does not know: no DUNA (policy)");
		goto out;
	}
	ok = true;
out:
	sg_teardown();
	return ok;
}

static bool t_sg_05(void)
{
	struct sg_mtp3_snm s;
	struct q_msu *q;
	unsigned int from = 0;
	bool ok = sg_setup(true);

	if (!ok)
		goto out;
	ok = false;
	/* active: an MSU from B for the AS's PC (TDM numbering) reaches the ASP as DATA with
	 * the DPC translated */
	SG.ntx = 0;
	q_script_tx_user(F.pt[0][0], SI_USER, AS_TDM, 3, 77, 4);
	q_run(50);
	{
		struct sg_m3ua_msg m;
		struct sg_m3ua_pdata pd;
		unsigned int f = 0;

		if (!sg_find(&f, SG_M3UA_CLS_XFER, SG_M3UA_XFER_DATA, &m) ||
		    sg_m3ua_get_pdata(&m, &pd) < 0 || pd.dpc != AS_IP || pd.opc != PC_B ||
		    pd.si != SI_USER || pd.sls != 3) {
			tfail("MSU for the AS not delivered as DATA to %u", AS_IP);
			goto out;
		}
	}
	/* the ASP goes inactive: after T(r) the AS is inactive, its PC inaccessible */
	asp_tx(sg_m3ua_msg_new(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_INACT), 0);
	q_run(3000);
	if (sg_m3ua_as_state(SG.as) == SG_M3UA_AS_ACTIVE ||
	    sg_m3ua_as_state(SG.as) == SG_M3UA_AS_PENDING) {
		tfail("AS still %s after ASPIA and T(r)",
		      get_value_string(sg_m3ua_as_state_names, sg_m3ua_as_state(SG.as)));
		goto out;
	}
	if (count_snm(F.pt[0][0], SG_MTP3_TFP, AS_TDM) != 1) {
		tfail("no TFP(AS) to B when the AS went down");
		goto out;
	}
	q_rx_clear(F.pt[0][0]);
	q_script_tx_user(F.pt[0][0], SI_USER, AS_TDM, 3, 78, 4);
	q_run(50);
	q = q_find_snm(F.pt[0][0], &from, SG_MTP3_UPU, &s);
	if (!q || s.dest != AS_TDM || s.upu_user != SI_USER ||
	    s.upu_cause != SG_MTP3_UPU_INACCESSIBLE) {
		tfail("MSU for the inactive AS: no UPU(AS, inaccessible) back to B");
		goto out;
	}
	ok = true;
out:
	sg_teardown();
	return ok;
}

/* a counter of the NIF, by name, as the management API shows it */
static uint64_t nif_ctr(const char *name)
{
	struct json_object *o = sg_nif_json(SG.nif), *a, *c, *v;
	uint64_t n = UINT64_MAX;

	if (json_object_object_get_ex(o, "counters", &a))
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			c = json_object_array_get_idx(a, i);
			if (json_object_object_get_ex(c, "name", &v) &&
			    !strcmp(json_object_get_string(v), name) &&
			    json_object_object_get_ex(c, "value", &v))
				n = json_object_get_uint64(v);
		}
	json_object_put(o);
	return n;
}

static void sg_data_tx(uint8_t ni)
{
	struct sg_m3ua_pdata pd = { .opc = AS_IP, .dpc = X_IP, .si = SI_USER, .ni = ni,
				    .sls = 5, .data = (const uint8_t *)"\x01\x02\x03\x04", .len = 4 };
	struct msgb *msg = sg_m3ua_msg_new(SG_M3UA_CLS_XFER, SG_M3UA_XFER_DATA);

	sg_m3ua_put_u32(msg, SG_M3UA_IEI_ROUTE_CTX, SG_RC);
	sg_m3ua_put_pdata(msg, &pd);
	asp_tx(msg, 1);
	q_run(50);
}

/* IP -> SS7: DATA from the ASP, OPC/DPC translated, onto the linkset of the DPC: exactly one MSU,
 * on D only, with MTP3's network indicator; a DATA with another NI is dropped and counted */
static bool t_sg_data_run(void)
{
	struct q_msu *u[4], *q;
	uint64_t sent0 = nif_ctr("ip_to_tdm"), bad0 = nif_ctr("drop:bad_ni");
	unsigned int n;

	for (unsigned int i = 0; i < 3; i++)
		q_rx_clear(F.pt[i][0]);
	sg_data_tx(SG_NI_NATIONAL);
	n = user_msus(F.pt[2][0], 0, u, ARRAY_SIZE(u));
	CHECK(n == 1, "%u MSUs to D for one DATA", n);
	CHECK(!user_msus(F.pt[0][0], 0, u, 0) && !user_msus(F.pt[1][0], 0, u, 0),
	      "the DATA also went to B or C");
	q = u[0];
	CHECK(q->h.si == SI_USER && q->h.ni == SG_NI_NATIONAL, "MSU with SI %u NI %u, expected %u %u",
	      q->h.si, q->h.ni, SI_USER, SG_NI_NATIONAL);
	CHECK(q->h.label.opc == AS_TDM && q->h.label.dpc == PC_X && q->h.label.sls == 5,
	      "MSU %u->%u SLS %u, expected %u->%u SLS 5", q->h.label.opc, q->h.label.dpc,
	      q->h.label.sls, AS_TDM, PC_X);
	CHECK(q->len == sg_mtp3_hdr_len(SG_PC_ITU) + 4 &&
	      !memcmp(q->data + sg_mtp3_hdr_len(SG_PC_ITU), "\x01\x02\x03\x04", 4),
	      "user data changed (%u octets)", q->len);
	CHECK(nif_ctr("ip_to_tdm") - sent0 == 1, "ip_to_tdm + %llu",
	      (unsigned long long)(nif_ctr("ip_to_tdm") - sent0));
	/* the international network is not MTP3's: nothing sent, counted */
	sg_data_tx(SG_NI_INTERNATIONAL);
	for (unsigned int i = 0; i < 3; i++)
		CHECK(user_msus(F.pt[i][0], 0, u, 0) == (i == 2), "DATA with NI 0 sent to %c",
		      'B' + i);
	CHECK(nif_ctr("drop:bad_ni") - bad0 == 1 && nif_ctr("ip_to_tdm") - sent0 == 1,
	      "DATA with NI 0 not counted as dropped");
	return true;
}

static bool t_sg_data(void)
{
	bool ok = sg_setup(true) && t_sg_data_run();

	sg_teardown();
	return ok;
}

static const struct item items[] = {
	{ "L3-SLM-01", "Activate the first link of an inactive linkset", t_slm_01 },
	{ "L3-SLM-02", "Activate another link in an active linkset", t_slm_02 },
	{ "L3-SLM-03", "Deactivate a link (MML) with alternatives", t_slm_03 },
	{ "L3-SLM-04", "Restore a failed link automatically (T17)", t_slm_04 },
	{ "L3-SLM-05", "Deactivate a whole linkset", t_slm_05 },
	{ "L3-SLM-06", "Periodic SLT", t_slm_06 },
	{ "L3-SLM-07", "SLT fails (no SLTA)", t_slm_07 },
	{ "L3-SLM-08", "SLTA with wrong pattern", t_slm_08 },
	{ "L3-SLM-09", "IUT answers SLTM", t_slm_09 },
	{ "L3-SMH-01", "MSU for own PC, equipped user", t_smh_01 },
	{ "L3-SMH-02", "MSU for own PC, user part not equipped (UPU)", t_smh_02 },
	{ "L3-SMH-03", "MSU for own PC, user unavailable (UPU inaccessible)", t_smh_03 },
	{ "L3-SMH-04", "MSU with a foreign DPC at an SP", t_smh_04 },
	{ "L3-SMH-05", "MSU with wrong network indicator", t_smh_05 },
	{ "L3-SMH-06", "Transit routing at an STP", t_smh_06 },
	{ "L3-SMH-07", "MSU for an unreachable destination at an STP (TFP, T8)", t_smh_07 },
	{ "L3-SMH-08", "Load sharing inside a linkset", t_smh_08 },
	{ "L3-SMH-09", "Load sharing between linksets (combined linkset)", t_smh_09 },
	{ "L3-SMH-10", "Normal and alternative routes (priority)", t_smh_10 },
	{ "L3-SMH-11", "Management messages handled locally", t_smh_11 },
	{ "L3-CO-01", "IUT starts changeover on link failure (buffer updating)", t_co_01 },
	{ "L3-CO-02", "PT starts changeover (COA with BSNT)", t_co_02 },
	{ "L3-CO-03", "Both ends start at once (COOs cross)", t_co_03 },
	{ "L3-CO-04", "No acknowledgement (T2)", t_co_04 },
	{ "L3-CO-05", "Time-controlled changeover, no path (T1)", t_co_05 },
	{ "L3-CO-06", "Emergency changeover (BSNT not available)", t_co_06 },
	{ "L3-CO-07", "ECO received", t_co_07 },
	{ "L3-CO-08", "Changeover to another linkset (COO/COA via an STP)", t_co_08 },
	{ "L3-CO-09", "Unexpected COA", t_co_09 },
	{ "L3-CO-10", "Extended changeover (XCO/XCA) on Annex A links", t_co_10 },
	{ "L3-CO-11", "Q.782 3.20 changeover compatibility, traffic both ways", t_co_11 },
	{ "L3-CB-01", "Changeback within a linkset", t_cb_01 },
	{ "L3-CB-02", "No CBA (T4, T5)", t_cb_02 },
	{ "L3-CB-03", "Time-controlled diversion (T3)", t_cb_03 },
	{ "L3-CB-04", "CBD received", t_cb_04 },
	{ "L3-CB-05", "Several changebacks at once", t_cb_05 },
	{ "L3-FR-01", "TFP received, alternative exists (RST every T10)", t_fr_01 },
	{ "L3-FR-02", "TFP received, no alternative (MTP-PAUSE; TFA: RESUME, RST stops)", t_fr_02 },
	{ "L3-FR-03", "Linkset failure removes the route", t_fr_03 },
	{ "L3-CR-01", "TFA received for the normal route (T6)", t_cr_01 },
	{ "L3-CR-02", "TFR received (controlled rerouting, RSR)", t_cr_02 },
	{ "L3-CR-03", "Linkset recovery, controlled rerouting", t_cr_03 },
	{ "L3-MI-01", "Local inhibit request accepted", t_mi_01 },
	{ "L3-MI-02", "LIN received and acceptable", t_mi_02 },
	{ "L3-MI-03", "LIN received but would isolate a destination", t_mi_03 },
	{ "L3-MI-04", "LID received", t_mi_04 },
	{ "L3-MI-05", "No LIA (T14)", t_mi_05 },
	{ "L3-MI-06", "Uninhibit", t_mi_06 },
	{ "L3-MI-07", "No LUA (T12)", t_mi_07 },
	{ "L3-MI-08", "Forced uninhibit", t_mi_08 },
	{ "L3-MI-09", "Inhibit test (LLT/LRT, T22/T23)", t_mi_09 },
	{ "L3-MI-10", "Unexpected LIA, LUA or LID", t_mi_10 },
	{ "L3-FC-01", "Q.782 8.1 TFC received", t_fc_01 },
	{ "L3-FC-02", "TFC sent (national option with status, and international)", t_fc_02 },
	{ "L3-FC-03", "UPU received", t_fc_03 },
	{ "L3-FC-04", "Q.782 8.3 UPU sent, unequipped and inaccessible", t_fc_04 },
	{ "L3-FC-05", "Link transmit-buffer congestion: MTP-STATUS to users", t_fc_05 },
	{ "L3-FC-06", "Congestion priorities (national option, levels 1..3)", t_fc_06 },
	{ "L3-SRM-01", "TFP received, route prohibited, RST every T10", t_fr_01 },
	{ "L3-SRM-02", "Q.782 9.2.1 TFPs broadcast when one linkset fails", t_srm_02 },
	{ "L3-SRM-03", "Q.782 9.2.2 TFPs broadcast on multiple failures", t_srm_03 },
	{ "L3-SRM-04", "Response-method TFP, T8", t_smh_07 },
	{ "L3-SRM-05", "TFA received (controlled rerouting)", t_cr_01 },
	{ "L3-SRM-06", "Q.782 9.5.1 TFAs broadcast when a linkset recovers", t_srm_06 },
	{ "L3-SRM-07", "Q.782 9.5.2 TFP/TFA broadcast on TFP/TFA received", t_srm_07 },
	{ "L3-SRM-08", "RST sent every T10, stops on TFA", t_fr_02 },
	{ "L3-SRM-09", "RST received at an STP", t_srm_09 },
	{ "L3-SRM-10", "TFR received, RSR every T10 (no T11: TFR not sent)", t_cr_02 },
	{ "L3-RS-01", "IUT (no transfer function) restarts (TRA, T20)", t_rs_01 },
	{ "L3-RS-02", "IUT (STP) restarts (T18, TFPs before TRA)", t_rs_02 },
	{ "L3-RS-03", "Adjacent SP restarts (TRA, T21)", t_rs_03 },
	{ "L3-RS-04", "Unexpected TRA", t_rs_04 },
	{ "L3-RS-05", "Ping-pong protection (T19)", t_rs_05 },
	{ "L3-SG-01", "MTP-PAUSE/RESUME => DUNA/DAVA", t_sg_01 },
	{ "L3-SG-02", "MTP-STATUS => SCON/DUPU", t_sg_02 },
	{ "L3-SG-03", "TFR => DRST", t_sg_03 },
	{ "L3-SG-04", "DAUD answered from route-set state", t_sg_04 },
	{ "L3-SG-05", "AS inactive => TFP(AS), UPU inaccessible", t_sg_05 },
};

/* checks of procedures the checklist has no row for (not counted as checklist items;
 * doc/conformance/q782.md, "Extra checks") */

/* ---- X-TFR: transfer-restricted sending, national option (Q.704 §13.4, T11) ---- */

/* STP with linksets B, C, D; X normally via D (priority 0), alternatively via C (1) */
static bool tfr_setup(bool tfr)
{
	static const unsigned int nl[] = { 1, 1, 1 };
	bool ok;

	fx_tfr = tfr;
	fx_setup(3, nl, true);
	fx_tfr = false;
	sg_mtp3_route_add(F.m, PC_X, F.ls[2], 0);
	sg_mtp3_route_add(F.m, PC_X, F.ls[1], 1);
	ok = fx_up(true);
	for (unsigned int i = 0; i < 3; i++)
		q_rx_clear(F.pt[i][0]);
	return ok;
}

static bool tfr_restore_d(void)
{
	struct sg_mtp3_snm tra = { .heading = SG_MTP3_TRA };

	sg_mtp3_link_activate(F.l[2][0]);
	sg_mtp2_l3_req(F.pt[2][0]->mtp2, SG_MTP2_EMERGENCY, NULL, NULL);
	sg_mtp2_l3_req(F.pt[2][0]->mtp2, SG_MTP2_START, NULL, NULL);
	CHECK(q_run_until(all_available, NULL, 20000), "D not restored");
	q_run(20);
	q_script_tx_snm(F.pt[2][0], PC_IUT, &tra);
	q_run(2000);
	return true;
}

/* Q.704 §13.4: normal route to X (via D) lost, traffic on the lower-priority route via C:
 * TFR(X) to the other adjacent SPs when T11 runs out, TFA(X) when the normal route is back */
static bool t_tfr_01(void)
{
	struct sg_mtp3_snm s;
	struct q_msu *q;
	unsigned int from = 0;
	uint64_t t0, n0;

	if (!tfr_setup(true))
		return false;
	n0 = ctr(SG_MTP3_CTR_TFR_TX);
	sg_mtp3_link_deactivate(F.l[2][0]);
	t0 = sg_now();
	q_run(2000);
	CHECK(sg_mtp3_route_status(F.m, PC_X, F.ls[1]) == SG_MTP3_ROUTE_AVAILABLE &&
	      sg_mtp3_dpc_accessible(F.m, PC_X), "X not accessible via C");
	CHECK(count_snm(F.pt[1][0], SG_MTP3_TFP, PC_X) == 1, "no preventive TFP(X) to C");
	q_run(25000);
	CHECK(count_snm(F.pt[0][0], SG_MTP3_TFR, PC_X) == 0, "TFR(X) to B before T11");
	q_run(70000);
	q = q_find_snm(F.pt[0][0], &from, SG_MTP3_TFR, &s);
	CHECK(q && s.dest == PC_X, "no TFR(X) to B after T11");
	WIN(q->t - t0, 30000, 90000 + 2000, "TFR(X) after the normal route failed (T11)");
	CHECK(count_snm(F.pt[0][0], SG_MTP3_TFR, PC_X) == 1, "%u TFR(X) to B",
	      count_snm(F.pt[0][0], SG_MTP3_TFR, PC_X));
	CHECK(count_snm(F.pt[1][0], SG_MTP3_TFR, PC_X) == 0, "TFR(X) to C, the route in use");
	CHECK(ctr(SG_MTP3_CTR_TFR_TX) - n0 == 1, "tx:tfr + %llu",
	      (unsigned long long)(ctr(SG_MTP3_CTR_TFR_TX) - n0));
	for (unsigned int i = 0; i < 3; i++)
		q_rx_clear(F.pt[i][0]);
	if (!tfr_restore_d())
		return false;
	CHECK(count_snm(F.pt[0][0], SG_MTP3_TFA, PC_X) == 1, "%u TFA(X) to B after the normal "
	      "route came back", count_snm(F.pt[0][0], SG_MTP3_TFA, PC_X));
	CHECK(count_snm(F.pt[1][0], SG_MTP3_TFA, PC_X) == 1, "%u TFA(X) to C",
	      count_snm(F.pt[1][0], SG_MTP3_TFA, PC_X));
	CHECK(count_snm(F.pt[2][0], SG_MTP3_TFA, PC_X) == 0 &&
	      count_snm(F.pt[2][0], SG_MTP3_TFR, PC_X) == 0, "TFA/TFR(X) to D, the route to X");
	q_run(100000);
	CHECK(count_snm(F.pt[0][0], SG_MTP3_TFR, PC_X) == 0, "TFR(X) to B after recovery");
	return true;
}

/* Q.704 §13.4 (T11): a restriction shorter than T11 is not broadcast; without the national
 * option (cfg.tfr off) no TFR at all */
static bool t_tfr_02(void)
{
	if (!tfr_setup(true))
		return false;
	sg_mtp3_link_deactivate(F.l[2][0]);
	q_run(10000);
	if (!tfr_restore_d())
		return false;
	q_run(100000);
	CHECK(count_snm(F.pt[0][0], SG_MTP3_TFR, PC_X) == 0 &&
	      count_snm(F.pt[0][0], SG_MTP3_TFA, PC_X) == 0,
	      "TFR/TFA(X) to B for a restriction shorter than T11");
	fx_teardown();
	if (!tfr_setup(false))
		return false;
	sg_mtp3_link_deactivate(F.l[2][0]);
	q_run(100000);
	CHECK(ctr(SG_MTP3_CTR_TFR_TX) == 0 &&
	      count_snm(F.pt[0][0], SG_MTP3_TFR, PC_X) == 0, "TFR sent with cfg.tfr off");
	return true;
}


/* ---- X-RCT: signalling-route-set-congestion test, national option (Q.704 §13.9) ---- */

/* next RCT to X received by B from *from on, NULL when none */
static struct q_msu *rct_next(unsigned int *from)
{
	struct sg_mtp3_snm s;
	struct q_msu *q;

	while ((q = q_find_snm(F.pt[0][0], from, SG_MTP3_RCT, &s)))
		if (q->h.label.dpc == PC_X)
			return q;
	return NULL;
}

/* Q.704 §13.9: TFC(X, status 2): MSUs below priority 2 discarded; RCT with priority 1 after
 * T15; no TFC within T16: status 1; a TFC answering the RCT keeps the status; unanswered
 * tests lower it to 0, then all priorities pass and the tests stop */
static bool t_rct_01(void)
{
	static const unsigned int nl[] = { 1 };
	struct sg_mtp3_snm tfc = { .heading = SG_MTP3_TFC, .dest = PC_X, .cong_status = 2 };
	unsigned int from = 0;
	struct q_msu *q;
	uint64_t t0, t1;

	fx_cong_prio = true;
	fx_setup(1, nl, false);
	fx_cong_prio = false;
	sg_mtp3_route_add(F.m, PC_X, F.ls[0], 1);
	if (!fx_up(true))
		return false;
	q_rx_clear(F.pt[0][0]);
	q_script_tx_snm(F.pt[0][0], PC_IUT, &tfc);
	q_run(20);
	t0 = sg_now();
	CHECK(iut_send_prio(PC_X, 1, 1, 1) == -ENOBUFS, "priority 1 not discarded at status 2");
	CHECK(iut_send_prio(PC_X, 1, 2, 2) == 0, "priority 2 refused at status 2");
	CHECK(count_ev(SG_MTP_STATUS, PC_X) >= 2, "no MTP-STATUS for the discarded MSU");
	q_run(3500);
	q = rct_next(&from);
	CHECK(q, "no RCT(X) within T15");
	WIN(q->t - t0, 2000, 3000 + 50, "RCT after TFC (T15)");
	CHECK(q->h.prio == 1, "RCT priority %u, not status - 1 = 1", q->h.prio);
	t1 = q->t;
	/* T16 (1.4-2 s) without TFC: status 1 */
	q_run(2100);
	CHECK(iut_send_prio(PC_X, 1, 3, 1) == 0, "priority 1 refused after T16");
	CHECK(iut_send_prio(PC_X, 1, 4, 0) == -ENOBUFS, "priority 0 not discarded at status 1");
	/* repeated after T15: priority 0; answered by TFC(status 1) */
	q_run(3100);
	q = rct_next(&from);
	CHECK(q && q->h.prio == 0, "no second RCT with priority 0");
	WIN(q->t - t1, 1400 + 2000, 2000 + 3000 + 100, "second RCT (T16 + T15)");
	tfc.cong_status = 1;
	q_script_tx_snm(F.pt[0][0], PC_IUT, &tfc);
	q_run(2100);
	CHECK(iut_send_prio(PC_X, 1, 5, 0) == -ENOBUFS, "status lowered although TFC answered");
	/* no more answers: status 0, priority 0 passes, no RCT after that */
	q_run(6000);
	CHECK(rct_next(&from), "no third RCT");
	CHECK(iut_send_prio(PC_X, 1, 6, 0) == 0, "priority 0 refused after unanswered RCT");
	q_run(10000);
	CHECK(!rct_next(&from), "RCT at congestion status 0");
	{
		struct q_msu *out[8];
		unsigned int n = user_msus(F.pt[0][0], 0, out, 8);

		CHECK(n == 3 && msu_seq(out[0]) == 2 && msu_seq(out[1]) == 3 &&
		      msu_seq(out[2]) == 6, "B received %u user MSUs, not seq 2, 3, 6", n);
	}
	return true;
}

/* ---- X-UNR: received MSUs that cannot be routed (Q.704 §2.3, §13.2.2 response method) ---- */

#define PC_UNKNOWN 20		/* no route to it anywhere */
#define PC_FAR 30		/* an originator behind B (not adjacent to the IUT) */

static uint64_t ls_ctr(unsigned int ls, enum sg_mtp3_ctr c)
{
	return sg_ctr_get(sg_mtp3_linkset_counters(F.ls[ls]), c);
}

/* a user MSU (SI_USER, or si) from opc to dpc sent by scripted end e */
static void pt_send_opc(struct q_end *e, uint8_t si, uint32_t opc, uint32_t dpc, uint32_t seq)
{
	struct sg_mtp3_hdr h = { .si = si, .ni = SG_NI_NATIONAL,
				 .label = { .dpc = dpc, .opc = opc, .sls = 3 } };
	uint8_t buf[32] = { 0 };
	size_t n = sg_mtp3_hdr_encode(buf, sizeof(buf), &q_fmt, &h);

	memcpy(buf + n, &seq, 4);
	q_script_tx(e, buf, n + 8);
}

/* STP with linksets B and C, X (PC 9) routed via C only; the option as given */
static bool unr_setup(bool tfp_unknown)
{
	static const unsigned int nl[] = { 1, 1 };
	bool ok;

	fx_tfp_unknown = tfp_unknown;
	fx_setup(2, nl, true);
	fx_tfp_unknown = false;
	sg_mtp3_route_add(F.m, PC_X, F.ls[1], 0);
	ok = fx_up(true);
	for (unsigned int i = 0; i < 2; i++)
		q_rx_clear(F.pt[i][0]);
	return ok;
}

/* Option off (the default): MSUs for a DPC without a route are discarded and counted on the
 * linkset they came in on (routing:unknown_dpc), nothing goes back or on; MSUs for an
 * inaccessible DPC are counted apart (routing:inaccessible_dpc) and get the TFP of the
 * response method, to the adjacent SP (B), not to the originator behind it */
static bool t_unr_01(void)
{
	struct sg_mtp3_snm tfp = { .heading = SG_MTP3_TFP, .dest = PC_X }, r;
	unsigned int from = 0;
	struct q_msu *q, *u[4];
	uint64_t tfp0;

	if (!unr_setup(false))
		return false;
	tfp0 = ls_ctr(0, SG_MTP3_CTR_TFP_TX);
	for (unsigned int i = 0; i < 5; i++) {
		pt_send_opc(F.pt[0][0], SI_USER, PC_FAR, PC_UNKNOWN, i);
		q_run(100);
	}
	q_run(3000);
	CHECK(ls_ctr(0, SG_MTP3_CTR_UNKNOWN_DPC) == 5, "linkset B routing:unknown_dpc = %llu, "
	      "not 5", (unsigned long long)ls_ctr(0, SG_MTP3_CTR_UNKNOWN_DPC));
	CHECK(ls_ctr(1, SG_MTP3_CTR_UNKNOWN_DPC) == 0, "counted on linkset C");
	CHECK(ctr(SG_MTP3_CTR_UNKNOWN_DPC) == 5, "instance routing:unknown_dpc = %llu",
	      (unsigned long long)ctr(SG_MTP3_CTR_UNKNOWN_DPC));
	CHECK(sg_ctr_get(sg_mtp3_link_counters(F.l[0][0]), SG_MTP3_CTR_UNKNOWN_DPC) == 5,
	      "not counted on link B-1");
	CHECK(ls_ctr(0, SG_MTP3_CTR_INACCESSIBLE_DPC) == 0, "counted as inaccessible");
	CHECK(count_snm(F.pt[0][0], SG_MTP3_TFP, PC_UNKNOWN) == 0, "TFP(%u) to B with the option "
	      "off", PC_UNKNOWN);
	CHECK(ls_ctr(0, SG_MTP3_CTR_TFP_RESPONSE) == 0 && ls_ctr(0, SG_MTP3_CTR_TFP_TX) == tfp0,
	      "a TFP counted");
	CHECK(user_msus(F.pt[0][0], 0, u, 4) == 0 && user_msus(F.pt[1][0], 0, u, 4) == 0,
	      "the MSU went somewhere");
	/* X becomes inaccessible (TFP from C): the other kind of routing error */
	q_script_tx_snm(F.pt[1][0], PC_IUT, &tfp);
	q_run(100);
	q_rx_clear(F.pt[0][0]);
	pt_send_opc(F.pt[0][0], SI_USER, PC_FAR, PC_X, 9);
	q_run(100);
	CHECK(ls_ctr(0, SG_MTP3_CTR_INACCESSIBLE_DPC) == 1 &&
	      ls_ctr(0, SG_MTP3_CTR_UNKNOWN_DPC) == 5, "MSU for inaccessible X: "
	      "routing:inaccessible_dpc %llu, routing:unknown_dpc %llu on B",
	      (unsigned long long)ls_ctr(0, SG_MTP3_CTR_INACCESSIBLE_DPC),
	      (unsigned long long)ls_ctr(0, SG_MTP3_CTR_UNKNOWN_DPC));
	q = q_find_snm(F.pt[0][0], &from, SG_MTP3_TFP, &r);
	CHECK(q && r.dest == PC_X, "no TFP(X) for the inaccessible destination");
	CHECK(q->h.label.dpc == PC_B && q->h.label.opc == PC_IUT, "TFP(X) sent %u -> %u, not to "
	      "the adjacent SP B", q->h.label.opc, q->h.label.dpc);
	CHECK(ls_ctr(0, SG_MTP3_CTR_TFP_RESPONSE) == 1, "tx:tfp_response on B = %llu",
	      (unsigned long long)ls_ctr(0, SG_MTP3_CTR_TFP_RESPONSE));
	return true;
}

/* Option on: repeated MSUs for a DPC without a route get one TFP(DPC) within T8, to the
 * adjacent SP they came from (B; not to their originator behind B, not to C); another DPC
 * has its own T8; after T8 the next MSU gets the next TFP; management messages get none */
static bool t_unr_02(void)
{
	struct sg_mtp3_snm r;
	unsigned int from = 0;
	struct q_msu *q1, *q2 = NULL;
	uint64_t t0;

	if (!unr_setup(true))
		return false;
	t0 = sg_now();
	for (unsigned int i = 0; i < 8; i++) {
		pt_send_opc(F.pt[0][0], SI_USER, PC_FAR, PC_UNKNOWN, i);
		q_run(90);
	}
	/* 720 ms: within T8 (800..1200 ms) of the first MSU */
	CHECK(count_snm(F.pt[0][0], SG_MTP3_TFP, PC_UNKNOWN) == 1, "%u TFP(%u) to B within T8, "
	      "not 1", count_snm(F.pt[0][0], SG_MTP3_TFP, PC_UNKNOWN), PC_UNKNOWN);
	q1 = q_find_snm(F.pt[0][0], &from, SG_MTP3_TFP, &r);
	CHECK(q1->h.label.dpc == PC_B && q1->h.label.opc == PC_IUT, "TFP sent %u -> %u, not to "
	      "the adjacent SP B", q1->h.label.opc, q1->h.label.dpc);
	CHECK(q1->t - t0 < 50 * SG_NS_PER_MS, "TFP %.3f s after the first MSU",
	      (double)(q1->t - t0) / 1e9);
	CHECK(count_snm(F.pt[1][0], SG_MTP3_TFP, PC_UNKNOWN) == 0, "TFP(%u) to C", PC_UNKNOWN);
	/* another unknown DPC: its own TFP at once */
	pt_send_opc(F.pt[0][0], SI_USER, PC_FAR, PC_UNKNOWN + 1, 100);
	q_run(50);
	CHECK(count_snm(F.pt[0][0], SG_MTP3_TFP, PC_UNKNOWN + 1) == 1, "no TFP(%u) for a second "
	      "DPC within the first one's T8", PC_UNKNOWN + 1);
	/* a management message for an unknown DPC is not answered */
	pt_send_opc(F.pt[0][0], SG_MTP3_SI_SNM, PC_FAR, PC_UNKNOWN + 2, 0);
	q_run(50);
	CHECK(count_snm(F.pt[0][0], SG_MTP3_TFP, PC_UNKNOWN + 2) == 0, "TFP for an SNM message");
	/* MSUs keep coming: the next TFP once T8 has run out */
	for (unsigned int i = 0; i < 150 && !q2; i++) {
		pt_send_opc(F.pt[0][0], SI_USER, PC_FAR, PC_UNKNOWN, 200 + i);
		q_run(10);
		while ((q2 = q_find_snm(F.pt[0][0], &from, SG_MTP3_TFP, &r)) &&
		       r.dest != PC_UNKNOWN)
			;
	}
	CHECK(q2, "no second TFP(%u) after T8", PC_UNKNOWN);
	WIN(q2->t - q1->t, 800, 1200 + 20, "TFP response inhibition (T8)");
	CHECK(ls_ctr(0, SG_MTP3_CTR_TFP_RESPONSE) == 3 && ls_ctr(1, SG_MTP3_CTR_TFP_RESPONSE) == 0,
	      "tx:tfp_response B %llu C %llu, not 3 and 0",
	      (unsigned long long)ls_ctr(0, SG_MTP3_CTR_TFP_RESPONSE),
	      (unsigned long long)ls_ctr(1, SG_MTP3_CTR_TFP_RESPONSE));
	CHECK(ls_ctr(0, SG_MTP3_CTR_UNKNOWN_DPC) == ctr(SG_MTP3_CTR_UNKNOWN_DPC) &&
	      ls_ctr(0, SG_MTP3_CTR_UNKNOWN_DPC) >= 8 + 1 + 1 + 1, "routing:unknown_dpc on B %llu",
	      (unsigned long long)ls_ctr(0, SG_MTP3_CTR_UNKNOWN_DPC));
	/* quiet for T8, then one MSU: answered at once */
	q_run(1300);
	q_rx_clear(F.pt[0][0]);
	pt_send_opc(F.pt[0][0], SI_USER, PC_FAR, PC_UNKNOWN, 999);
	q_run(50);
	CHECK(count_snm(F.pt[0][0], SG_MTP3_TFP, PC_UNKNOWN) == 1, "no TFP after a quiet T8");
	return true;
}

/* A signalling end point (no transfer function) counts MSUs for another DPC on the linkset
 * (rx:foreign_dpc, rx:discard) and never answers them with TFP, even with the option set */
static bool t_unr_03(void)
{
	static const unsigned int nl[] = { 1 };
	struct q_msu *u[4];

	fx_tfp_unknown = true;
	fx_setup(1, nl, false);
	fx_tfp_unknown = false;
	if (!fx_up(true))
		return false;
	q_rx_clear(F.pt[0][0]);
	for (unsigned int i = 0; i < 3; i++) {
		pt_send_opc(F.pt[0][0], SI_USER, PC_FAR, PC_UNKNOWN, i);
		q_run(100);
	}
	q_run(2000);
	CHECK(ls_ctr(0, SG_MTP3_CTR_FOREIGN_DPC) == 3 && ls_ctr(0, SG_MTP3_CTR_RX_DISCARD) == 3,
	      "linkset B rx:foreign_dpc %llu rx:discard %llu, not 3",
	      (unsigned long long)ls_ctr(0, SG_MTP3_CTR_FOREIGN_DPC),
	      (unsigned long long)ls_ctr(0, SG_MTP3_CTR_RX_DISCARD));
	CHECK(ls_ctr(0, SG_MTP3_CTR_UNKNOWN_DPC) == 0, "counted as routing:unknown_dpc");
	CHECK(count_snm(F.pt[0][0], SG_MTP3_TFP, PC_UNKNOWN) == 0 &&
	      ctr(SG_MTP3_CTR_TFP_RESPONSE) == 0, "TFP from a signalling end point");
	CHECK(F.nev == 0 || count_ev(SG_MTP_TRANSFER, PC_UNKNOWN) == 0, "delivered to a user");
	CHECK(user_msus(F.pt[0][0], 0, u, 4) == 0, "sent back");
	return true;
}

static unsigned int unr_log_lines;

static void unr_log_output(struct log_target *t, unsigned int level, const char *line)
{
	if (strstr(line, "discarded"))
		unr_log_lines++;
}

/* A flood (an MSU every 2 ms for 10 s) for one DPC without a route, option on: every MSU
 * counted, a TFP about once per T8 (not per MSU), and a few log lines, not thousands */
static bool t_unr_04(void)
{
	struct log_target *lt;
	unsigned int ntfp;

	if (!unr_setup(true))
		return false;
	lt = log_target_create();
	CHECK(lt, "no log target");
	lt->output = unr_log_output;
	log_set_all_filter(lt, 1);
	log_set_log_level(lt, 0);
	log_set_category_filter(lt, DMTP3, 1, LOGL_NOTICE);
	log_add_target(lt);
	unr_log_lines = 0;
	for (unsigned int i = 0; i < 5000; i++) {
		pt_send_opc(F.pt[0][0], SI_USER, PC_FAR, PC_UNKNOWN, i);
		q_run(2);
	}
	q_run(3000);
	log_target_destroy(lt);
	ntfp = count_snm(F.pt[0][0], SG_MTP3_TFP, PC_UNKNOWN);
	CHECK(ls_ctr(0, SG_MTP3_CTR_UNKNOWN_DPC) == 5000, "routing:unknown_dpc on B %llu, not "
	      "5000", (unsigned long long)ls_ctr(0, SG_MTP3_CTR_UNKNOWN_DPC));
	/* 10 s at one TFP per T8 (0.8..1.2 s) */
	CHECK(ntfp >= 10000 / 1200 && ntfp <= 10000 / 800 + 1, "%u TFP(%u) in 10 s", ntfp,
	      PC_UNKNOWN);
	CHECK(ls_ctr(0, SG_MTP3_CTR_TFP_RESPONSE) == ntfp, "tx:tfp_response %llu, %u TFPs seen",
	      (unsigned long long)ls_ctr(0, SG_MTP3_CTR_TFP_RESPONSE), ntfp);
	/* the first MSU, and a summary when the flood ends */
	CHECK(unr_log_lines >= 2 && unr_log_lines <= 4, "%u log lines for 5000 discarded MSUs",
	      unr_log_lines);
	return true;
}

/* ---- overload: MTP2's discard threshold and MTP3 (Q.704 §3.8, issue 10) ---- */

static bool link_discarding(struct sg_mtp3_link *l)
{
	struct json_object *a = sg_mtp3_links_json(F.m), *o, *v;
	bool d = false;

	for (size_t i = 0; i < json_object_array_length(a); i++) {
		o = json_object_array_get_idx(a, i);
		if (json_object_object_get_ex(o, "name", &v) &&
		    !strcmp(json_object_get_string(v), sg_mtp3_link_name(l)) &&
		    json_object_object_get_ex(o, "congestion_discard", &v))
			d = json_object_get_boolean(v);
	}
	json_object_put(a);
	return d;
}

/* A local user offers 5x what the link carries (international: no priorities).  MTP2's
 * buffers reach the discard threshold (80 MSUs) and never hold more; MTP2 tells MTP3, which
 * then discards the user's MSUs itself (-ENOBUFS, MTP-STATUS(congestion) to the user,
 * congestion:discard_buffer) instead of handing them on; every MSU is either delivered, in
 * order and once, or counted as discarded by one of the two; when the link has drained, the
 * discard state and the congestion end and traffic flows again. */
static bool t_cong_discard(void)
{
	struct q_msu *u[1024];
	struct sg_ctr_group *c2;
	unsigned int n, sent = 0, enobufs = 0, max_buf = 0, ev0, st = 0;
	bool seen_discard = false;
	uint64_t d2, d3;
	uint32_t last = 0;

	cong_fx_discard = 80;
	cong_fixture(false, 1, false);
	cong_fx_discard = 0;
	if (!fx_up(true))
		return false;
	CHECK(sg_mtp2_cfg_check(&cong_mtp2, NULL) == 0, "fixture MTP2 configuration invalid");
	ev0 = F.nev;
	/* 10 MSUs of 14 octets per ms: the 64 kbit/s link carries about 0.6 per ms */
	for (unsigned int ms = 0; ms < 60; ms++) {
		for (unsigned int k = 0; k < 10; k++, sent++) {
			int rc = iut_send_prio(PC_B, sent % 16, sent, 0);

			CHECK(rc == 0 || rc == -ENOBUFS, "transfer returned %d", rc);
			enobufs += rc == -ENOBUFS;
		}
		n = sg_mtp2_tb_len(F.iut[0][0]->mtp2) + sg_mtp2_rtb_len(F.iut[0][0]->mtp2);
		if (n > max_buf)
			max_buf = n;
		seen_discard |= link_discarding(F.l[0][0]);
		q_run(1);
	}
	CHECK(max_buf <= 80, "MTP2 held %u MSUs, above its discard threshold 80", max_buf);
	CHECK(seen_discard, "MTP3 never saw the link's discard state");
	CHECK(wait_cong(F.l[0][0], 0, 10000), "congestion did not end after the flood");
	CHECK(!link_discarding(F.l[0][0]), "discard state still on after the link drained");
	q_run(200);
	c2 = sg_mtp2_counters(F.iut[0][0]->mtp2);
	d2 = sg_ctr_get(c2, SG_MTP2_CTR_TX_DISCARD_CONG);
	d3 = ctr(SG_MTP3_CTR_CONG_DISCARD_BUF);
	n = user_msus(F.pt[0][0], 0, u, 1024);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t seq = msu_seq(u[i]);

		CHECK(i == 0 || seq > last, "MSU %u after %u: out of order or duplicated", seq,
		      last);
		last = seq;
	}
	CHECK(d3 > 0, "MTP3 kept handing MSUs to the full link (no congestion:discard_buffer)");
	CHECK(d3 == enobufs, "%llu MTP3 discards counted, %u refused to the user",
	      (unsigned long long)d3, enobufs);
	CHECK(ctr(SG_MTP3_CTR_CONG_DISCARD) == 0, "priority discards in the international case");
	CHECK(n + d2 + d3 == sent, "%u delivered + %llu (MTP2) + %llu (MTP3) discarded != %u sent",
	      n, (unsigned long long)d2, (unsigned long long)d3, sent);
	for (unsigned int i = ev0; i < F.nev; i++)
		st += F.ev[i].prim == SG_MTP_STATUS && F.ev[i].p.dpc == PC_B &&
		      F.ev[i].p.cause == SG_MTP_STATUS_CONGESTION;
	CHECK(st >= enobufs, "%u MTP-STATUS(congestion) for %u discarded MSUs", st, enobufs);
	/* recovered: the next MSU is taken and delivered */
	CHECK(iut_send_prio(PC_B, 0, 100000, 0) == 0, "MSU refused after the congestion ended");
	q_run(200);
	CHECK(seq_received(F.pt[0][0], 100000, NULL), "MSU after the congestion not delivered");
	return true;
}

static const struct item extras[] = {
	{ "X-PO-01", "Remote processor outage: link blocked, diversion (T1), recovery", t_po_01 },
	{ "X-PO-02", "Remote processor outage shorter than T1: no diversion", t_po_02 },
	{ "X-SG-DATA", "M3UA DATA to an SS7 destination, point codes translated", t_sg_data },
	{ "X-TFR-01", "Q.704 13.4: TFR after T11 when routing is restricted, TFA when normal",
	  t_tfr_01 },
	{ "X-TFR-02", "Q.704 13.4: restriction shorter than T11 not broadcast; option off",
	  t_tfr_02 },
	{ "X-RCT-01", "Q.704 13.9: route set congestion status from TFC, RCT with T15/T16",
	  t_rct_01 },
	{ "X-CONG-01", "Q.704 3.8: MTP2 discard threshold; MTP3 discards for a link at it, counted",
	  t_cong_discard },
	{ "X-UNR-01", "Q.704 2.3: MSU for a DPC without a route discarded, counted per linkset, "
	  "no TFP (option off)", t_unr_01 },
	{ "X-UNR-02", "Q.704 13.2.2: TFP response for a DPC without a route (option on), once "
	  "per T8", t_unr_02 },
	{ "X-UNR-03", "Q.704 2.4: MSU for another DPC at an SP without transfer function",
	  t_unr_03 },
	{ "X-UNR-04", "Flood of MSUs for a DPC without a route: TFP per T8, log rate-limited",
	  t_unr_04 },
};

static bool run_item(const struct item *it)
{
	bool ok;

	fail_msg[0] = 0;
	ok = it->fn();
	if (F.m)
		fx_teardown();
	printf("%s %s %s%s%s\n", ok ? "PASS" : "FAIL", it->id, it->title, ok ? "" : ": ",
	       ok ? "" : fail_msg);
	return ok;
}

int main(int argc, char **argv)
{
	const char *lvl = getenv("Q782_LOG");
	const char *only = argc > 1 ? argv[1] : NULL;
	unsigned int automated = 0, passed = 0, failed = 0, x_passed = 0, x_failed = 0;

	sg_log_init(NULL, SG_LOG_STDERR, false);
	if (osmo_stderr_target)
		log_set_log_level(osmo_stderr_target, 0);
	sg_log_set_level(DMTP2, LOGL_ERROR);
	sg_log_set_level(DMTP3, lvl ? sg_log_level_by_name(lvl) : LOGL_ERROR);
	sg_log_set_level(DNIF, lvl ? sg_log_level_by_name(lvl) : LOGL_ERROR);
	sg_log_set_level(DM3UA, lvl ? sg_log_level_by_name(lvl) : LOGL_ERROR);

	for (unsigned int i = 0; i < ARRAY_SIZE(items); i++) {
		const struct item *it = &items[i];
		bool ok;

		if (!it->fn) {
			printf("not automated: %s %s\n", it->id, it->title);
			continue;
		}
		automated++;
		if (only && strcmp(only, it->id))
			continue;
		ok = run_item(it);
		if (ok)
			passed++;
		else
			failed++;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(extras); i++) {
		if (only && strcmp(only, extras[i].id))
			continue;
		if (run_item(&extras[i]))
			x_passed++;
		else
			x_failed++;
	}
	printf("Q.782: %u passed, %u failed\n", passed, failed);
	printf("Q.782: %u of %u items automated\n", automated, (unsigned int)ARRAY_SIZE(items));
	printf("extra checks: %u passed, %u failed\n", x_passed, x_failed);
	sg_log_fini();
	return failed || x_failed ? 1 : 0;
}
