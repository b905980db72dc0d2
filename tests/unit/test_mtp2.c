/* MTP2 unit tests (Q.703): SU codec (7-bit, Annex A 12-bit), configuration, two links. */

#include <errno.h>
#include <string.h>
#include <talloc.h>
#include <osmocom/core/application.h>
#include <osmocom/core/msgb.h>

#include <sg/counter.h>
#include <sg/hdlc.h>
#include <sg/log.h>
#include <sg/mtp2.h>
#include <sg/timer.h>
#include "cu_main.h"
#include "cu_log.h"

/* ---- SU codec ---- */

static void test_su_basic(void)
{
	uint8_t buf[SG_MTP2_SU_MAX], pl[300];
	struct sg_mtp2_su in = {}, out;
	size_t len;

	memset(pl, 0x5a, sizeof(pl));
	/* FISU: BSN/BIB, FSN/FIB, LI = 0 */
	in = (struct sg_mtp2_su){ .type = SG_MTP2_SU_FISU, .bsn = 0x55, .bib = true,
				  .fsn = 0x2a, .fib = false };
	len = sg_mtp2_su_encode(buf, sizeof(buf), &in, false);
	CU_ASSERT_EQUAL(len, 3);
	CU_ASSERT_EQUAL(buf[0], 0xd5);
	CU_ASSERT_EQUAL(buf[1], 0x2a);
	CU_ASSERT_EQUAL(buf[2], 0);
	CU_ASSERT_EQUAL(sg_mtp2_su_decode(&out, buf, len, false, 272), SG_MTP2_SU_OK);
	CU_ASSERT_EQUAL(out.type, SG_MTP2_SU_FISU);
	CU_ASSERT(out.bsn == 0x55 && out.bib && out.fsn == 0x2a && !out.fib);

	/* LSSU with one and two octet status field */
	in = (struct sg_mtp2_su){ .type = SG_MTP2_SU_LSSU, .status = SG_MTP2_SIPO, .sf_len = 1 };
	len = sg_mtp2_su_encode(buf, sizeof(buf), &in, false);
	CU_ASSERT_EQUAL(len, 4);
	CU_ASSERT_EQUAL(buf[2], 1);
	CU_ASSERT_EQUAL(buf[3], 4);
	CU_ASSERT_EQUAL(sg_mtp2_su_decode(&out, buf, len, false, 272), SG_MTP2_SU_OK);
	CU_ASSERT(out.type == SG_MTP2_SU_LSSU && out.status == SG_MTP2_SIPO && out.sf_len == 1);
	in.sf_len = 2;
	in.status = SG_MTP2_SIE;
	len = sg_mtp2_su_encode(buf, sizeof(buf), &in, false);
	CU_ASSERT_EQUAL(len, 5);
	CU_ASSERT_EQUAL(sg_mtp2_su_decode(&out, buf, len, false, 272), SG_MTP2_SU_OK);
	CU_ASSERT(out.type == SG_MTP2_SU_LSSU && out.status == SG_MTP2_SIE && out.sf_len == 2);

	/* MSU: exact LI below 63, LI = 63 from 63 octets of SIO+SIF on */
	in = (struct sg_mtp2_su){ .type = SG_MTP2_SU_MSU, .payload = pl, .payload_len = 62,
				  .fsn = 127, .fib = true };
	len = sg_mtp2_su_encode(buf, sizeof(buf), &in, false);
	CU_ASSERT_EQUAL(len, 65);
	CU_ASSERT_EQUAL(buf[2] & 0x3f, 62);
	in.payload_len = 63;
	len = sg_mtp2_su_encode(buf, sizeof(buf), &in, false);
	CU_ASSERT_EQUAL(buf[2] & 0x3f, 63);
	in.payload_len = 273;
	len = sg_mtp2_su_encode(buf, sizeof(buf), &in, false);
	CU_ASSERT_EQUAL(len, 276);
	CU_ASSERT_EQUAL(buf[2] & 0x3f, 63);
	CU_ASSERT_EQUAL(sg_mtp2_su_decode(&out, buf, len, false, 272), SG_MTP2_SU_OK);
	CU_ASSERT(out.type == SG_MTP2_SU_MSU && out.payload_len == 273 && out.payload == buf + 3);
	/* one octet too many for m = 272, and too long for m = 62 (old links) */
	CU_ASSERT_EQUAL(sg_mtp2_su_decode(&out, buf, len, false, 62), SG_MTP2_SU_ERR_LONG);
	in.payload_len = 274;
	CU_ASSERT_EQUAL(sg_mtp2_su_encode(buf, sizeof(buf), &in, false), 0);
	in.payload_len = 2;
	CU_ASSERT_EQUAL(sg_mtp2_su_encode(buf, sizeof(buf), &in, false), 0);
	/* does not fit the caller's buffer */
	in.payload_len = 10;
	CU_ASSERT_EQUAL(sg_mtp2_su_encode(buf, 12, &in, false), 0);

	/* LI rules on receipt (Q.703 §4.2) */
	buf[0] = 0xff;
	buf[1] = 0xff;
	buf[2] = 5;		/* LI 5, but 10 octets follow */
	memset(buf + 3, 0, 10);
	CU_ASSERT_EQUAL(sg_mtp2_su_decode(&out, buf, 13, false, 272), SG_MTP2_SU_ERR_LI);
	buf[2] = 63;		/* LI 63 needs at least 63 octets */
	CU_ASSERT_EQUAL(sg_mtp2_su_decode(&out, buf, 13, false, 272), SG_MTP2_SU_ERR_LI);
	buf[2] = 0xc0 | 10;	/* spare bits are ignored but reported */
	CU_ASSERT_EQUAL(sg_mtp2_su_decode(&out, buf, 13, false, 272), SG_MTP2_SU_OK);
	CU_ASSERT_EQUAL(out.spare, 3);
	buf[2] = 0;		/* FISU with trailing octets */
	CU_ASSERT_EQUAL(sg_mtp2_su_decode(&out, buf, 4, false, 272), SG_MTP2_SU_ERR_LI);
	CU_ASSERT_EQUAL(sg_mtp2_su_decode(&out, buf, 2, false, 272), SG_MTP2_SU_ERR_SHORT);
	CU_ASSERT_EQUAL(sg_mtp2_su_decode(&out, buf, 0, false, 272), SG_MTP2_SU_ERR_SHORT);
	/* LSSU spare status codes decode (an "invalid LSSU" for the LSC) */
	buf[2] = 1;
	buf[3] = 7;
	CU_ASSERT_EQUAL(sg_mtp2_su_decode(&out, buf, 4, false, 272), SG_MTP2_SU_OK);
	CU_ASSERT_EQUAL(out.status, 7);
}

static void test_su_ext(void)
{
	uint8_t buf[SG_MTP2_SU_MAX], pl[300];
	struct sg_mtp2_su in, out;
	size_t len;

	memset(pl, 0xa5, sizeof(pl));
	/* Annex A: 12-bit BSN/FSN, 9-bit LI, 6-octet header */
	in = (struct sg_mtp2_su){ .type = SG_MTP2_SU_FISU, .bsn = 4095, .bib = false,
				  .fsn = 0x801, .fib = true };
	len = sg_mtp2_su_encode(buf, sizeof(buf), &in, true);
	CU_ASSERT_EQUAL(len, 6);
	CU_ASSERT(buf[0] == 0xff && buf[1] == 0x0f && buf[2] == 0x01 && buf[3] == 0x88);
	CU_ASSERT(buf[4] == 0 && buf[5] == 0);
	CU_ASSERT_EQUAL(sg_mtp2_su_decode(&out, buf, len, true, 272), SG_MTP2_SU_OK);
	CU_ASSERT(out.bsn == 4095 && !out.bib && out.fsn == 0x801 && out.fib);

	in = (struct sg_mtp2_su){ .type = SG_MTP2_SU_MSU, .payload = pl, .payload_len = 273,
				  .bsn = 7, .fsn = 4000 };
	len = sg_mtp2_su_encode(buf, sizeof(buf), &in, true);
	CU_ASSERT_EQUAL(len, 279);
	CU_ASSERT(buf[4] == (273 & 0xff) && buf[5] == 1);	/* long LI: bit 9 set */
	CU_ASSERT_EQUAL(sg_mtp2_su_decode(&out, buf, len, true, 272), SG_MTP2_SU_OK);
	CU_ASSERT(out.type == SG_MTP2_SU_MSU && out.li == 273 && out.payload_len == 273);
	CU_ASSERT(out.fsn == 4000 && out.bsn == 7);
	CU_ASSERT_EQUAL(memcmp(out.payload, pl, 273), 0);
	/* the 9-bit LI is exact, also above 63 */
	buf[4] = 100;
	buf[5] = 0;
	CU_ASSERT_EQUAL(sg_mtp2_su_decode(&out, buf, 6 + 101, true, 272), SG_MTP2_SU_ERR_LI);
	CU_ASSERT_EQUAL(sg_mtp2_su_decode(&out, buf, 6 + 100, true, 272), SG_MTP2_SU_OK);
	CU_ASSERT_EQUAL(sg_mtp2_su_decode(&out, buf, 5, true, 272), SG_MTP2_SU_ERR_SHORT);
	/* a basic-format FISU is too short for Annex A */
	CU_ASSERT_EQUAL(sg_mtp2_su_decode(&out, buf, 3, true, 272), SG_MTP2_SU_ERR_SHORT);

	/* LSSU */
	in = (struct sg_mtp2_su){ .type = SG_MTP2_SU_LSSU, .status = SG_MTP2_SIB };
	len = sg_mtp2_su_encode(buf, sizeof(buf), &in, true);
	CU_ASSERT_EQUAL(len, 7);
	CU_ASSERT_EQUAL(sg_mtp2_su_decode(&out, buf, len, true, 272), SG_MTP2_SU_OK);
	CU_ASSERT(out.type == SG_MTP2_SU_LSSU && out.status == SG_MTP2_SIB);
}

static void test_cfg(void)
{
	struct sg_mtp2_cfg cfg;
	struct sg_mtp2_link *l;
	const char *err = NULL;

	sg_mtp2_cfg_defaults(&cfg);
	CU_ASSERT_EQUAL(sg_mtp2_cfg_check(&cfg, &err), 0);
	CU_ASSERT_EQUAL(cfg.timer_ms[SG_MTP2_T4N], 8200);
	CU_ASSERT_EQUAL(sg_mtp2_timer_defs[SG_MTP2_T2].min_val, 5000);
	CU_ASSERT_EQUAL(sg_mtp2_timer_defs[SG_MTP2_T2].max_val, 150000);
	cfg.timer_ms[SG_MTP2_T3] = 2000;	/* T3 is 1-1.5 s */
	CU_ASSERT_EQUAL(sg_mtp2_cfg_check(&cfg, &err), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(err);
	CU_ASSERT_PTR_NULL(sg_mtp2_link_alloc(NULL, &cfg, NULL, NULL));
	sg_mtp2_cfg_defaults(&cfg);
	cfg.n1 = 200;
	CU_ASSERT_EQUAL(sg_mtp2_cfg_check(&cfg, NULL), -EINVAL);
	cfg.ext_seq = true;
	CU_ASSERT_EQUAL(sg_mtp2_cfg_check(&cfg, NULL), 0);

	sg_clock_virtual(0);
	l = sg_mtp2_link_alloc(NULL, NULL, NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(sg_mtp2_lsc_state(l), SG_MTP2_LSC_OUT_OF_SERVICE);
	CU_ASSERT_EQUAL(sg_mtp2_set_timer(l, SG_MTP2_T7, 3000), -ERANGE);
	CU_ASSERT_EQUAL(sg_mtp2_set_timer(l, SG_MTP2_T7, 1500), 0);
	CU_ASSERT_EQUAL(sg_mtp2_get_timer(l, SG_MTP2_T7), 1500);
	CU_ASSERT_EQUAL(sg_mtp2_l3_req(l, SG_MTP2_IN_SERVICE, NULL, NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(get_value_string(sg_mtp2_lsc_state_names, SG_MTP2_LSC_IN_SERVICE),
			       "IN_SERVICE");
	CU_ASSERT_EQUAL(sg_mtp2_counters(l)->desc->num, _SG_MTP2_CTR_MAX);
	sg_mtp2_link_free(l);
	CU_ASSERT_EQUAL(sg_timers_count(), 0);
}

/* ---- two of our links back to back, in virtual time ---- */

#define NRX 20000
#define PUSHQ 512

struct side {
	struct sg_mtp2_link *l;
	uint64_t end;
	uint8_t cur[SG_MTP2_SU_MAX];
	size_t len;
	unsigned int in_service, oos, rpo;
	uint8_t oos_reason;
	unsigned int n_rx;
	uint16_t rx_tag[NRX];
	unsigned int n_retr;
	uint16_t retr_tag[NRX];
	bool retr_complete;
	unsigned int retr_not_possible, bsnt_not_retrievable;
	bool bsnt_ok;
	uint16_t bsnt;
	/* push mode: the driver repeats the last pushed SU */
	bool push;
	/* CONGESTION indications: level, discard state and TB+RTB when indicated */
	unsigned int n_cong;
	struct { uint8_t level, discard; unsigned int total; } cong[32];
	uint8_t pushed[PUSHQ][SG_MTP2_SU_MAX];
	size_t pushed_len[PUSHQ];
	unsigned int npushed, pushed_head;
};

struct pair {
	struct side s[2];
	uint64_t bit_ns;
	uint64_t rng;
	unsigned int err_den;	/* 1 error in err_den SUs (0: none) */
	bool cut[2];		/* line from side i is broken */
	unsigned int cut_oct[2];
	unsigned long errors;
};

static uint32_t rnd(struct pair *p)
{
	/* xorshift64*: deterministic */
	p->rng ^= p->rng >> 12;
	p->rng ^= p->rng << 25;
	p->rng ^= p->rng >> 27;
	return (p->rng * 2685821657736338717ULL) >> 32;
}

static uint16_t tag_of(struct msgb *msg)
{
	const uint8_t *d = msgb_l3(msg);

	return msgb_l3len(msg) >= 3 ? d[1] | (d[2] << 8) : 0xffff;
}

static void side_ind(struct sg_mtp2_link *link, enum sg_mtp2_prim prim,
		     const struct sg_mtp2_param *param, struct msgb *msg, void *priv)
{
	struct side *s = priv;

	switch (prim) {
	case SG_MTP2_DATA:
		if (s->n_rx < NRX)
			s->rx_tag[s->n_rx] = tag_of(msg);
		s->n_rx++;
		break;
	case SG_MTP2_RETRIEVAL_REQ:
		if (s->n_retr < NRX)
			s->retr_tag[s->n_retr] = tag_of(msg);
		s->n_retr++;
		break;
	case SG_MTP2_RETRIEVAL_COMPLETE:
		s->retr_complete = true;
		break;
	case SG_MTP2_RETRIEVAL_NOT_POSSIBLE:
		s->retr_not_possible++;
		break;
	case SG_MTP2_BSNT_NOT_RETRIEVABLE:
		s->bsnt_not_retrievable++;
		break;
	case SG_MTP2_RETRIEVE_BSNT:
		s->bsnt_ok = true;
		s->bsnt = param->bsnt;
		break;
	case SG_MTP2_IN_SERVICE:
		s->in_service++;
		break;
	case SG_MTP2_OUT_OF_SERVICE:
		s->oos++;
		s->oos_reason = param->reason;
		break;
	case SG_MTP2_RPO:
		s->rpo++;
		break;
	case SG_MTP2_CONGESTION:
		if (s->n_cong < ARRAY_SIZE(s->cong)) {
			s->cong[s->n_cong].level = param->cong_level;
			s->cong[s->n_cong].discard = param->cong_discard;
			s->cong[s->n_cong].total = sg_mtp2_tb_len(link) + sg_mtp2_rtb_len(link);
		}
		s->n_cong++;
		break;
	default:
		break;
	}
	msgb_free(msg);
}

static void side_push(struct sg_mtp2_link *link, const uint8_t *su, size_t len, void *priv)
{
	struct side *s = priv;
	unsigned int i = (s->pushed_head + s->npushed) % PUSHQ;

	CU_ASSERT_FATAL(s->npushed < PUSHQ);
	memcpy(s->pushed[i], su, len);
	s->pushed_len[i] = len;
	s->npushed++;
}

static struct pair the_pair;

static void pair_init(struct pair *p, const struct sg_mtp2_cfg *cfg, bool push0)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	sg_clock_virtual(0);
	p->bit_ns = cfg->ext_seq ? 488 : 15625;
	p->rng = 0x9e3779b97f4a7c15ULL;
	for (i = 0; i < 2; i++) {
		struct sg_mtp2_cfg c = *cfg;

		c.name = i ? "B" : "A";
		p->s[i].l = sg_mtp2_link_alloc(NULL, &c, side_ind, &p->s[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p->s[i].l);
	}
	if (push0) {
		p->s[0].push = true;
		sg_mtp2_set_tx_push(p->s[0].l, side_push, &p->s[0]);
	}
}

static void pair_free(struct pair *p)
{
	sg_mtp2_link_free(p->s[0].l);
	sg_mtp2_link_free(p->s[1].l);
	CU_ASSERT_EQUAL(sg_timers_count(), 0);
}

/* The SU side i starts sending now. */
static void side_next(struct pair *p, unsigned int i)
{
	struct side *s = &p->s[i];

	if (!s->push) {
		s->len = sg_mtp2_tx_next(s->l, s->cur, sizeof(s->cur));
		CU_ASSERT_FATAL(s->len > 0);
		return;
	}
	/* frame driver: next pushed SU, else repeat the last one */
	if (s->npushed) {
		memcpy(s->cur, s->pushed[s->pushed_head], s->pushed_len[s->pushed_head]);
		s->len = s->pushed_len[s->pushed_head];
		s->pushed_head = (s->pushed_head + 1) % PUSHQ;
		s->npushed--;
	}
	CU_ASSERT_FATAL(s->len > 0);
}

static void pair_step(struct pair *p)
{
	uint64_t next = p->s[0].end < p->s[1].end ? p->s[0].end : p->s[1].end;
	unsigned int i;

	if (next > sg_now())
		sg_clock_advance(next - sg_now());
	for (i = 0; i < 2; i++) {
		struct side *s = &p->s[i], *o = &p->s[!i];

		if (s->end != next)
			continue;
		if (p->cut[i]) {
			/* broken line: the receiver counts octets (N = 16) */
			p->cut_oct[i] += s->len + 3;
			for (; p->cut_oct[i] >= 16; p->cut_oct[i] -= 16)
				sg_mtp2_rx_event(o->l, SG_MTP2_RX_OCTET_COUNT);
		} else if (s->len) {
			if (p->err_den && rnd(p) % p->err_den == 0) {
				p->errors++;
				sg_mtp2_rx_event(o->l, SG_MTP2_RX_SU_ERROR);
			} else {
				sg_mtp2_rx_su(o->l, s->cur, s->len);
			}
		}
		side_next(p, i);
		s->end += (s->len + 3) * 8 * p->bit_ns;
	}
}

static void pair_run(struct pair *p, uint64_t ns)
{
	uint64_t end = sg_now() + ns;

	while ((p->s[0].end < p->s[1].end ? p->s[0].end : p->s[1].end) <= end)
		pair_step(p);
}

static void send_msu(struct pair *p, unsigned int i, uint16_t tag, unsigned int len)
{
	struct msgb *m = msgb_alloc(300, "msu");
	uint8_t *d;
	unsigned int k;

	m->l3h = d = msgb_put(m, len);
	d[0] = 0x83;
	d[1] = tag & 0xff;
	d[2] = tag >> 8;
	for (k = 3; k < len; k++)
		d[k] = k ^ tag;
	CU_ASSERT_EQUAL(sg_mtp2_l3_req(p->s[i].l, SG_MTP2_DATA, NULL, m), 0);
}

static bool bring_up(struct pair *p)
{
	unsigned int n0 = p->s[0].in_service, n1 = p->s[1].in_service;

	sg_mtp2_l3_req(p->s[0].l, SG_MTP2_START, NULL, NULL);
	sg_mtp2_l3_req(p->s[1].l, SG_MTP2_START, NULL, NULL);
	pair_run(p, 12 * SG_NS_PER_S);
	CU_ASSERT_EQUAL(p->s[0].in_service, n0 + 1);
	CU_ASSERT_EQUAL(p->s[1].in_service, n1 + 1);
	return p->s[0].in_service == n0 + 1 && p->s[1].in_service == n1 + 1;
}

/* Both directions: n MSUs each, offered in bursts; all arrive once, in order. */
static void exchange(struct pair *p, unsigned int n, unsigned int burst)
{
	unsigned int k, i, sent = 0;

	while (sent < n) {
		for (k = 0; k < burst && sent < n; k++, sent++) {
			send_msu(p, 0, sent, 5 + sent % 60);
			send_msu(p, 1, 0x8000 + sent, 5 + (sent * 7) % 200);
		}
		pair_run(p, 50 * SG_NS_PER_MS);
	}
	/* 64 kbit/s carry about 8000 octets per second */
	for (k = 0; k < 120 && (p->s[0].n_rx < n || p->s[1].n_rx < n); k++)
		pair_run(p, SG_NS_PER_S);
	pair_run(p, 3 * SG_NS_PER_S);
	for (i = 0; i < 2; i++) {
		unsigned int bad = 0;

		CU_ASSERT_EQUAL(p->s[i].n_rx, n);
		for (k = 0; k < p->s[i].n_rx && k < NRX; k++)
			bad += p->s[i].rx_tag[k] != (uint16_t)((i ? 0 : 0x8000) + k);
		CU_ASSERT_EQUAL(bad, 0);
		CU_ASSERT_EQUAL(p->s[i].oos, 0);
		CU_ASSERT_EQUAL(sg_mtp2_lsc_state(p->s[i].l), SG_MTP2_LSC_IN_SERVICE);
		CU_ASSERT_EQUAL(sg_mtp2_rtb_len(p->s[i].l), 0);
		CU_ASSERT_EQUAL(sg_mtp2_tb_len(p->s[i].l), 0);
	}
}

static void test_two_links_basic(void)
{
	struct sg_mtp2_cfg cfg;
	struct pair *P = &the_pair;
	struct sg_ctr_group *c;

	sg_mtp2_cfg_defaults(&cfg);
	pair_init(P, &cfg, false);
	if (bring_up(P))
		exchange(P, 2000, 40);
	c = sg_mtp2_counters(P->s[0].l);
	CU_ASSERT_EQUAL(sg_ctr_get(c, SG_MTP2_CTR_TX_MSU), 2000);
	CU_ASSERT_EQUAL(sg_ctr_get(c, SG_MTP2_CTR_RX_MSU), 2000);
	CU_ASSERT_EQUAL(sg_ctr_get(c, SG_MTP2_CTR_TX_RETRANS), 0);
	CU_ASSERT(sg_ctr_get(c, SG_MTP2_CTR_IN_SERVICE_MS) > 1000);
	pair_free(P);
}

/*
 * Q.704 §3.8: congestion onset, abatement and discard thresholds of the transmit buffers
 * (TB+RTB, in MSUs).  L3 offers n MSUs at once; every CONGESTION indication is checked against
 * the thresholds: a level starts exactly at its onset, ends only below its abatement; the
 * discard state starts at the discard threshold and ends below the top abatement; MSUs beyond
 * the threshold are discarded and counted; those taken are sent, once and in order.
 */
static void check_cong_thresholds(unsigned int levels, const uint32_t *onset, const uint32_t *abate,
				  uint32_t discard, unsigned int n)
{
	struct sg_mtp2_cfg cfg;
	struct pair *P = &the_pair;
	struct side *s;
	struct sg_ctr_group *c;
	unsigned int k, prev = 0, prev_disc = 0, max_level = 0;
	bool saw_discard = false;

	sg_mtp2_cfg_defaults(&cfg);
	cfg.cong_levels = levels;
	for (k = 0; k < levels; k++) {
		cfg.cong_onset[k] = onset[k];
		cfg.cong_abate[k] = abate[k];
	}
	cfg.cong_discard = discard;
	pair_init(P, &cfg, false);
	s = &P->s[0];
	if (!bring_up(P)) {
		pair_free(P);
		return;
	}
	s->n_cong = 0;
	for (k = 0; k < n; k++) {
		send_msu(P, 0, k, 20);
		CU_ASSERT(sg_mtp2_tb_len(s->l) + sg_mtp2_rtb_len(s->l) <= discard);
	}
	c = sg_mtp2_counters(s->l);
	CU_ASSERT_EQUAL(sg_ctr_get(c, SG_MTP2_CTR_TX_DISCARD_CONG), n - discard);
	CU_ASSERT_EQUAL(sg_mtp2_cong_level(s->l), levels);
	CU_ASSERT_TRUE(sg_mtp2_cong_discard(s->l));
	/* the link drains the buffers */
	for (k = 0; k < 60 && (P->s[1].n_rx < discard || sg_mtp2_rtb_len(s->l)); k++)
		pair_run(P, SG_NS_PER_S);
	CU_ASSERT_EQUAL(P->s[1].n_rx, discard);
	for (k = 0; k < P->s[1].n_rx && k < NRX; k++)
		CU_ASSERT_EQUAL(P->s[1].rx_tag[k], k);
	CU_ASSERT_EQUAL(sg_mtp2_cong_level(s->l), 0);
	CU_ASSERT_FALSE(sg_mtp2_cong_discard(s->l));
	CU_ASSERT(s->n_cong >= levels + 2 && s->n_cong <= ARRAY_SIZE(s->cong));
	for (k = 0; k < s->n_cong && k < ARRAY_SIZE(s->cong); k++) {
		unsigned int lv = s->cong[k].level, tot = s->cong[k].total;

		CU_ASSERT(lv <= levels);
		if (lv > prev) {
			/* onset: one MSU at a time, so exactly at the threshold */
			CU_ASSERT_EQUAL(lv, prev + 1);
			CU_ASSERT_EQUAL(tot, onset[lv - 1]);
		} else if (lv < prev) {
			CU_ASSERT(tot < abate[prev - 1]);
			CU_ASSERT(!lv || tot >= abate[lv - 1]);
		}
		if (s->cong[k].discard && !prev_disc) {
			CU_ASSERT_EQUAL(tot, discard);
			saw_discard = true;
		} else if (!s->cong[k].discard && prev_disc) {
			CU_ASSERT(tot < abate[levels - 1]);
		}
		CU_ASSERT(lv != prev || s->cong[k].discard != prev_disc);
		if (lv > max_level)
			max_level = lv;
		prev = lv;
		prev_disc = s->cong[k].discard;
	}
	CU_ASSERT_EQUAL(max_level, levels);
	CU_ASSERT_TRUE(saw_discard);
	CU_ASSERT_EQUAL(prev, 0);
	CU_ASSERT_EQUAL(prev_disc, 0);
	CU_ASSERT_EQUAL(sg_ctr_get(c, SG_MTP2_CTR_CONG_ONSET), 1);
	/* below the thresholds again: MSUs are taken */
	send_msu(P, 0, 0x7000, 20);
	CU_ASSERT_EQUAL(sg_ctr_get(c, SG_MTP2_CTR_TX_DISCARD_CONG), n - discard);
	pair_free(P);
}

static void test_q704_3_8_thresholds_national(void)
{
	static const uint32_t on[] = { 10, 20, 30 }, ab[] = { 5, 15, 25 };

	check_cong_thresholds(3, on, ab, 40, 55);
}

static void test_q704_3_8_thresholds_international(void)
{
	static const uint32_t on[] = { 10 }, ab[] = { 5 };

	check_cong_thresholds(1, on, ab, 20, 31);
}

static void test_q704_3_8_threshold_config(void)
{
	struct sg_mtp2_cfg cfg;
	const char *why;

	sg_mtp2_cfg_defaults(&cfg);
	CU_ASSERT_EQUAL(sg_mtp2_cfg_check(&cfg, NULL), 0);
	CU_ASSERT_EQUAL(cfg.cong_levels, 3);
	CU_ASSERT(cfg.cong_discard > cfg.cong_onset[2]);
	cfg.cong_discard = cfg.cong_onset[2];
	CU_ASSERT_EQUAL(sg_mtp2_cfg_check(&cfg, &why), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(why);
	sg_mtp2_cfg_defaults(&cfg);
	cfg.cong_abate[1] = cfg.cong_onset[1];
	CU_ASSERT_EQUAL(sg_mtp2_cfg_check(&cfg, NULL), -EINVAL);
	sg_mtp2_cfg_defaults(&cfg);
	cfg.cong_onset[1] = cfg.cong_onset[0];
	cfg.cong_abate[1] = cfg.cong_abate[0];
	CU_ASSERT_EQUAL(sg_mtp2_cfg_check(&cfg, NULL), -EINVAL);
	sg_mtp2_cfg_defaults(&cfg);
	cfg.cong_levels = 0;
	CU_ASSERT_EQUAL(sg_mtp2_cfg_check(&cfg, NULL), -EINVAL);
	/* one level: only level 1 and the discard threshold count */
	sg_mtp2_cfg_defaults(&cfg);
	cfg.cong_levels = 1;
	cfg.cong_discard = cfg.cong_onset[0] + 1;
	CU_ASSERT_EQUAL(sg_mtp2_cfg_check(&cfg, NULL), 0);
}

static void test_two_links_errors(void)
{
	struct sg_mtp2_cfg cfg;
	struct pair *P = &the_pair;
	struct sg_ctr_group *c;

	sg_mtp2_cfg_defaults(&cfg);
	/* L3 here offers more than the link carries and ignores congestion: buffers large
	 * enough that nothing is discarded (this test is about error correction) */
	cfg.cong_discard = 100000;
	pair_init(P, &cfg, false);
	if (bring_up(P)) {
		/* one SU in 400 in error: below the SUERM's 1 in 256 */
		P->err_den = 400;
		exchange(P, 3000, 60);
	}
	c = sg_mtp2_counters(P->s[0].l);
	CU_ASSERT(P->errors > 10);
	CU_ASSERT(sg_ctr_get(c, SG_MTP2_CTR_RX_NACK) > 0);
	CU_ASSERT(sg_ctr_get(c, SG_MTP2_CTR_TX_RETRANS) > 0);
	CU_ASSERT(sg_ctr_get(c, SG_MTP2_CTR_RX_SU_ERR) > 0);
	pair_free(P);
}

static void test_two_links_pcr(void)
{
	struct sg_mtp2_cfg cfg;
	struct pair *P = &the_pair;

	sg_mtp2_cfg_defaults(&cfg);
	cfg.ec = SG_MTP2_EC_PCR;
	cfg.n2 = 2000;
	pair_init(P, &cfg, false);
	if (bring_up(P)) {
		P->err_den = 400;
		exchange(P, 2000, 60);
	}
	CU_ASSERT(sg_ctr_get(sg_mtp2_counters(P->s[0].l), SG_MTP2_CTR_TX_NACK) == 0);
	pair_free(P);
}

static void test_two_links_annex_a(void)
{
	struct sg_mtp2_cfg cfg;
	struct pair *P = &the_pair;

	sg_mtp2_cfg_defaults(&cfg);
	cfg.ext_seq = true;
	cfg.eim = true;
	cfg.cong_discard = 100000;	/* as in test_two_links_errors */
	pair_init(P, &cfg, false);
	if (bring_up(P)) {
		/* the EIM fails a link with errors in most 100 ms intervals:
		 * one SU in 100000 is about one error per 3.5 s at 2 Mbit/s */
		P->err_den = 100000;
		/* more than 4096 MSUs: the 12-bit FSN wraps */
		exchange(P, 6000, 400);
		/* a break A->B: every T8 interval at B is errored, the EIM fails
		 * the link after Te/Ue = 4 intervals (Annex A.10) */
		P->err_den = 0;
		P->cut[0] = true;
		pair_run(P, 350 * SG_NS_PER_MS);
		CU_ASSERT_EQUAL(P->s[1].oos, 0);
		pair_run(P, 300 * SG_NS_PER_MS);
		CU_ASSERT_EQUAL(P->s[1].oos, 1);
		CU_ASSERT_EQUAL(P->s[1].oos_reason, SG_MTP2_OOS_EIM);
	}
	pair_free(P);
}

static void test_two_links_push(void)
{
	struct sg_mtp2_cfg cfg;
	struct pair *P = &the_pair;

	sg_mtp2_cfg_defaults(&cfg);
	pair_init(P, &cfg, true);
	if (bring_up(P)) {
		P->err_den = 1000;
		exchange(P, 1000, 20);
	}
	pair_free(P);
}

/* Emergency ordered at B during normal proving: B sends SIE, and A (still
 * sending SIN) also shortens its proving to Pe (Q.703 §7.4). */
static void test_two_links_emergency(void)
{
	struct sg_mtp2_cfg cfg;
	struct pair *P = &the_pair;

	sg_mtp2_cfg_defaults(&cfg);
	pair_init(P, &cfg, false);
	sg_mtp2_l3_req(P->s[0].l, SG_MTP2_START, NULL, NULL);
	sg_mtp2_l3_req(P->s[1].l, SG_MTP2_START, NULL, NULL);
	pair_run(P, 2 * SG_NS_PER_S);
	CU_ASSERT_EQUAL(sg_mtp2_iac_state(P->s[0].l), SG_MTP2_IAC_PROVING);
	sg_mtp2_l3_req(P->s[1].l, SG_MTP2_EMERGENCY, NULL, NULL);
	pair_run(P, 400 * SG_NS_PER_MS);
	CU_ASSERT_EQUAL(P->s[0].in_service, 0);
	pair_run(P, 250 * SG_NS_PER_MS);
	CU_ASSERT_EQUAL(P->s[0].in_service, 1);
	CU_ASSERT_EQUAL(P->s[1].in_service, 1);
	pair_free(P);
}

/* Q.704 changeover support: BSNT, and retrieval of what the far end lacks. */
/* A pair in service with defaults; 10 MSUs A->B delivered; then the line A->B is cut and
 * n_cut more MSUs sent: A's link goes out of service with them unacknowledged.  False if the
 * pair did not come up (the caller frees it). */
static bool up_then_cut(struct pair *P, struct sg_mtp2_cfg *cfg, unsigned int n_cut)
{
	unsigned int k;

	sg_mtp2_cfg_defaults(cfg);
	pair_init(P, cfg, false);
	if (!bring_up(P))
		return false;
	for (k = 0; k < 10; k++)
		send_msu(P, 0, k, 20);
	pair_run(P, 200 * SG_NS_PER_MS);
	CU_ASSERT_EQUAL(P->s[1].n_rx, 10);
	P->cut[0] = true;
	for (k = 10; k < 10 + n_cut; k++)
		send_msu(P, 0, k, 20);
	pair_run(P, 500 * SG_NS_PER_MS);
	CU_ASSERT_EQUAL(P->s[0].oos, 1);
	return true;
}

static void test_retrieval(void)
{
	struct sg_mtp2_cfg cfg;
	struct sg_mtp2_param prm = {};
	struct pair *P = &the_pair;
	unsigned int k, got_b;

	/* the line A->B breaks: B fails (octet counting), A follows on SIOS */
	if (!up_then_cut(P, &cfg, 10))
		goto out;
	CU_ASSERT_EQUAL(P->s[1].oos, 1);
	got_b = P->s[1].n_rx;
	CU_ASSERT_EQUAL(got_b, 10);
	CU_ASSERT_EQUAL(sg_mtp2_rtb_len(P->s[0].l), 10);
	sg_mtp2_l3_req(P->s[1].l, SG_MTP2_RETRIEVE_BSNT, NULL, NULL);
	CU_ASSERT_TRUE_FATAL(P->s[1].bsnt_ok);
	CU_ASSERT_EQUAL(P->s[1].bsnt, (got_b - 1) & 0x7f);
	/* A retrieves from B's BSNT on: exactly the MSUs B did not get */
	send_msu(P, 0, 20, 20);
	prm.fsnc = P->s[1].bsnt;
	sg_mtp2_l3_req(P->s[0].l, SG_MTP2_RETRIEVAL_REQ, &prm, NULL);
	CU_ASSERT_TRUE(P->s[0].retr_complete);
	CU_ASSERT_EQUAL(P->s[0].n_retr, 21 - got_b);
	for (k = 0; k < P->s[0].n_retr; k++)
		CU_ASSERT_EQUAL(P->s[0].retr_tag[k], got_b + k);
	CU_ASSERT_EQUAL(sg_mtp2_rtb_len(P->s[0].l), 0);
	CU_ASSERT_EQUAL(sg_mtp2_tb_len(P->s[0].l), 0);
	/* an FSNC outside the buffer: retrieval not possible */
	P->s[0].retr_complete = false;
	prm.fsnc = 100;
	sg_mtp2_l3_req(P->s[0].l, SG_MTP2_RETRIEVAL_REQ, &prm, NULL);
	CU_ASSERT_FALSE(P->s[0].retr_complete);
	CU_ASSERT_EQUAL(P->s[0].retr_not_possible, 1);
	/* after a new start nothing was accepted yet: no BSNT */
	P->cut[0] = false;
	sg_mtp2_l3_req(P->s[1].l, SG_MTP2_START, NULL, NULL);
	sg_mtp2_l3_req(P->s[1].l, SG_MTP2_STOP, NULL, NULL);
	sg_mtp2_l3_req(P->s[1].l, SG_MTP2_RETRIEVE_BSNT, NULL, NULL);
	CU_ASSERT_EQUAL(P->s[1].bsnt_not_retrievable, 1);
	/* in service, retrieval is refused */
	CU_ASSERT_TRUE(bring_up(P));
	sg_mtp2_l3_req(P->s[0].l, SG_MTP2_RETRIEVAL_REQ, &prm, NULL);
	CU_ASSERT_EQUAL(P->s[0].retr_not_possible, 2);
	CU_ASSERT_EQUAL(sg_mtp2_l3_req(P->s[0].l, SG_MTP2_CLEAR_RTB, NULL, NULL), -EBUSY);
out:
	pair_free(P);
}

static uint64_t ctr(struct pair *p, unsigned int i, enum sg_mtp2_ctr c)
{
	return sg_ctr_get(sg_mtp2_counters(p->s[i].l), c);
}

/* A link that fails with MSUs in its buffers: whatever L3 does not retrieve is counted as
 * discarded, never sent (TB) as tx:discard:flush, sent and unacknowledged (RTB) as
 * tx:discard:unacked: by FLUSH BUFFERS (changeover without buffer updating, Q.704 §5.6), by
 * CLEAR RTB and by a restart. */
static void test_failed_link_discards(void)
{
	struct sg_mtp2_cfg cfg;
	struct pair *P = &the_pair;
	unsigned int k;

	/* the line A->B breaks: 8 MSUs go out unacknowledged, 5 more wait after the failure */
	if (!up_then_cut(P, &cfg, 8))
		goto out;
	for (k = 18; k < 23; k++)
		send_msu(P, 0, k, 20);
	CU_ASSERT_EQUAL(sg_mtp2_rtb_len(P->s[0].l), 8);
	CU_ASSERT_EQUAL(sg_mtp2_tb_len(P->s[0].l), 5);
	CU_ASSERT_EQUAL(ctr(P, 0, SG_MTP2_CTR_TX_DISCARD_FLUSH), 0);
	CU_ASSERT_EQUAL(ctr(P, 0, SG_MTP2_CTR_TX_DISCARD_UNACKED), 0);
	/* changeover without buffer updating */
	CU_ASSERT_EQUAL(sg_mtp2_l3_req(P->s[0].l, SG_MTP2_FLUSH_BUFFERS, NULL, NULL), 0);
	CU_ASSERT_EQUAL(sg_mtp2_rtb_len(P->s[0].l), 0);
	CU_ASSERT_EQUAL(sg_mtp2_tb_len(P->s[0].l), 0);
	CU_ASSERT_EQUAL(ctr(P, 0, SG_MTP2_CTR_TX_DISCARD_FLUSH), 5);
	CU_ASSERT_EQUAL(ctr(P, 0, SG_MTP2_CTR_TX_DISCARD_UNACKED), 8);
	/* nothing else counted: the MSUs B received were acknowledged, B lost nothing */
	CU_ASSERT_EQUAL(ctr(P, 0, SG_MTP2_CTR_TX_DISCARD_CONG), 0);
	CU_ASSERT_EQUAL(ctr(P, 1, SG_MTP2_CTR_TX_DISCARD_FLUSH), 0);
	CU_ASSERT_EQUAL(ctr(P, 1, SG_MTP2_CTR_TX_DISCARD_UNACKED), 0);

	/* again, and L3 restarts the link without retrieving: the RTB is lost, the TB waits */
	P->cut[0] = false;
	if (!bring_up(P))
		goto out;
	P->cut[0] = true;
	for (k = 30; k < 34; k++)
		send_msu(P, 0, k, 20);
	pair_run(P, 500 * SG_NS_PER_MS);
	CU_ASSERT_EQUAL(P->s[0].oos, 2);
	send_msu(P, 0, 34, 20);
	CU_ASSERT_EQUAL(sg_mtp2_rtb_len(P->s[0].l), 4);
	CU_ASSERT_EQUAL(sg_mtp2_tb_len(P->s[0].l), 1);
	sg_mtp2_l3_req(P->s[0].l, SG_MTP2_START, NULL, NULL);
	CU_ASSERT_EQUAL(sg_mtp2_rtb_len(P->s[0].l), 0);
	CU_ASSERT_EQUAL(sg_mtp2_tb_len(P->s[0].l), 1);
	CU_ASSERT_EQUAL(ctr(P, 0, SG_MTP2_CTR_TX_DISCARD_UNACKED), 12);
	CU_ASSERT_EQUAL(ctr(P, 0, SG_MTP2_CTR_TX_DISCARD_FLUSH), 5);
	/* the waiting MSU goes once the link is back */
	P->cut[0] = false;
	sg_mtp2_l3_req(P->s[0].l, SG_MTP2_STOP, NULL, NULL);
	if (!bring_up(P))
		goto out;
	pair_run(P, 200 * SG_NS_PER_MS);
	CU_ASSERT_EQUAL(P->s[1].n_rx, 11);
	CU_ASSERT_EQUAL(P->s[1].rx_tag[10], 34);

	/* CLEAR RTB out of service */
	P->cut[0] = true;
	for (k = 40; k < 43; k++)
		send_msu(P, 0, k, 20);
	pair_run(P, 500 * SG_NS_PER_MS);
	CU_ASSERT_EQUAL(sg_mtp2_rtb_len(P->s[0].l), 3);
	CU_ASSERT_EQUAL(sg_mtp2_l3_req(P->s[0].l, SG_MTP2_CLEAR_RTB, NULL, NULL), 0);
	CU_ASSERT_EQUAL(sg_mtp2_rtb_len(P->s[0].l), 0);
	CU_ASSERT_EQUAL(ctr(P, 0, SG_MTP2_CTR_TX_DISCARD_UNACKED), 15);
	CU_ASSERT_EQUAL(ctr(P, 0, SG_MTP2_CTR_TX_DISCARD_FLUSH), 5);
out:
	pair_free(P);
}

/* Realignment after a failure, and processor outage between two links. */
static void test_two_links_po(void)
{
	struct sg_mtp2_cfg cfg;
	struct pair *P = &the_pair;

	sg_mtp2_cfg_defaults(&cfg);
	pair_init(P, &cfg, false);
	if (!bring_up(P))
		goto out;
	sg_mtp2_l3_req(P->s[0].l, SG_MTP2_LPO, NULL, NULL);
	pair_run(P, 100 * SG_NS_PER_MS);
	CU_ASSERT_EQUAL(P->s[1].rpo, 1);
	CU_ASSERT_EQUAL(sg_mtp2_poc_state(P->s[0].l), SG_MTP2_POC_LOCAL_PO);
	CU_ASSERT_EQUAL(sg_mtp2_poc_state(P->s[1].l), SG_MTP2_POC_REMOTE_PO);
	send_msu(P, 1, 0x8000, 10);
	pair_run(P, 100 * SG_NS_PER_MS);
	CU_ASSERT_EQUAL(P->s[0].n_rx, 0);
	/* MSUs offered during the outage are flushed by L3 (Q.704 §5.3) */
	send_msu(P, 0, 0x100, 10);
	send_msu(P, 0, 0x101, 10);
	CU_ASSERT_EQUAL(sg_mtp2_tb_len(P->s[0].l), 2);
	CU_ASSERT_EQUAL(sg_mtp2_l3_req(P->s[0].l, SG_MTP2_FLUSH_BUFFERS, NULL, NULL), 0);
	CU_ASSERT_EQUAL(sg_mtp2_tb_len(P->s[0].l), 0);
	sg_mtp2_l3_req(P->s[0].l, SG_MTP2_LPR, NULL, NULL);
	pair_run(P, 100 * SG_NS_PER_MS);
	CU_ASSERT_EQUAL(P->s[0].n_rx, 1);
	send_msu(P, 0, 0x102, 10);
	pair_run(P, 100 * SG_NS_PER_MS);
	CU_ASSERT_EQUAL(P->s[1].n_rx, 1);
	CU_ASSERT_EQUAL(P->s[1].rx_tag[0], 0x102);
	CU_ASSERT_EQUAL(sg_mtp2_lsc_state(P->s[0].l), SG_MTP2_LSC_IN_SERVICE);
	CU_ASSERT_EQUAL(sg_mtp2_lsc_state(P->s[1].l), SG_MTP2_LSC_IN_SERVICE);
	/* an adapter alarm takes A out of service; B follows on SIOS */
	sg_mtp2_link_alarm(P->s[0].l, true);
	pair_run(P, 100 * SG_NS_PER_MS);
	CU_ASSERT_EQUAL(P->s[0].oos, 1);
	CU_ASSERT_EQUAL(P->s[1].oos, 1);
	sg_mtp2_link_alarm(P->s[0].l, false);
	CU_ASSERT_TRUE(bring_up(P));
	CU_ASSERT_EQUAL(P->s[0].in_service, 2);
out:
	pair_free(P);
}

/* ---- two links over the software HDLC (adapters/hdlc.c), bit level ---- */

struct hside {
	struct sg_mtp2_link *l;
	struct sg_hdlc_tx tx;
	struct sg_hdlc_rx rx;	/* receives the other side's line */
	struct side *s;
};

static size_t h_next_su(void *priv, uint8_t *buf, size_t max)
{
	return sg_mtp2_tx_next(priv, buf, max);
}

static void h_frame(void *priv, const uint8_t *su, size_t len)
{
	sg_mtp2_rx_su(priv, su, len);
}

static void h_error(void *priv, enum sg_hdlc_rx_err err, size_t octets)
{
	sg_mtp2_rx_event(priv, SG_MTP2_RX_SU_ERROR);
}

static void h_ocm_octets(void *priv)
{
	sg_mtp2_rx_event(priv, SG_MTP2_RX_OCTET_COUNT);
}

static const struct sg_hdlc_rx_ops h_ops = {
	.frame = h_frame,
	.error = h_error,
	.ocm_octets = h_ocm_octets,
};

/* 8 octets per millisecond each way (64 kbit/s) */
static void h_run(struct hside *h, uint64_t ms)
{
	uint8_t line[2][8];
	uint64_t i;

	for (i = 0; i < ms; i++) {
		sg_hdlc_tx_fill(&h[0].tx, line[0], sizeof(line[0]));
		sg_hdlc_tx_fill(&h[1].tx, line[1], sizeof(line[1]));
		sg_hdlc_rx_feed(&h[1].rx, line[0], sizeof(line[0]));
		sg_hdlc_rx_feed(&h[0].rx, line[1], sizeof(line[1]));
		sg_clock_advance_ms(1);
	}
}

static void test_two_links_hdlc(void)
{
	static struct hside h[2];
	struct sg_mtp2_cfg cfg;
	struct sg_hdlc_cfg hc;
	struct pair *P = &the_pair;
	unsigned int i, k;

	sg_mtp2_cfg_defaults(&cfg);
	pair_init(P, &cfg, false);
	CU_ASSERT_EQUAL_FATAL(sg_hdlc_cfg_q703(&hc, SG_HDLC_BASIC, 272), 0);
	for (i = 0; i < 2; i++) {
		h[i].l = P->s[i].l;
		CU_ASSERT_EQUAL(sg_hdlc_tx_init(&h[i].tx, &hc, h_next_su, h[i].l), 0);
		CU_ASSERT_EQUAL(sg_hdlc_rx_init(&h[i].rx, &hc, &h_ops, h[i].l), 0);
	}
	sg_mtp2_l3_req(h[0].l, SG_MTP2_START, NULL, NULL);
	sg_mtp2_l3_req(h[1].l, SG_MTP2_START, NULL, NULL);
	h_run(h, 9000);
	CU_ASSERT_EQUAL(P->s[0].in_service, 1);
	CU_ASSERT_EQUAL(P->s[1].in_service, 1);
	/* some bit errors on the line A->B, then MSUs of every length */
	sg_hdlc_tx_inject(&h[0].tx, NULL, 0, 2e-5, 42);
	for (k = 0; k < 300; k++) {
		send_msu(P, 0, k, 3 + k % 271);
		send_msu(P, 1, 0x8000 + k, 3 + (k * 13) % 271);
		h_run(h, 40);
	}
	h_run(h, 20000);
	for (i = 0; i < 2; i++) {
		unsigned int bad = 0;

		CU_ASSERT_EQUAL(P->s[i].n_rx, 300);
		for (k = 0; k < P->s[i].n_rx && k < 300; k++)
			bad += P->s[i].rx_tag[k] != (uint16_t)((i ? 0 : 0x8000) + k);
		CU_ASSERT_EQUAL(bad, 0);
		CU_ASSERT_EQUAL(P->s[i].oos, 0);
	}
	CU_ASSERT(sg_ctr_get(sg_mtp2_counters(h[1].l), SG_MTP2_CTR_RX_SU_ERR) > 0);
	pair_free(P);
}

static int init(void)
{
	if (cu_log_init(DMTP2, NULL, LOGL_ERROR) < 0)
		return -1;
	if (osmo_stderr_target)
		log_set_log_level(osmo_stderr_target, 0);
	return 0;
}

int main(void)
{
	static const struct cu_test tests[] = {
		{ "SU codec, 7-bit sequence numbers and LI rules", test_su_basic },
		{ "SU codec, Annex A 12-bit sequence numbers and 9-bit LI", test_su_ext },
		{ "configuration and timer ranges", test_cfg },
		{ "two links: alignment and MSU exchange", test_two_links_basic },
		{ "two links: basic error correction with random SU errors", test_two_links_errors },
		{ "two links: PCR with random SU errors", test_two_links_pcr },
		{ "Q.704 3.8 congestion thresholds, national option (3 levels + discard)",
		  test_q704_3_8_thresholds_national },
		{ "Q.704 3.8 congestion thresholds, international (1 level + discard)",
		  test_q704_3_8_thresholds_international },
		{ "Q.704 3.8 threshold configuration checks", test_q704_3_8_threshold_config },
		{ "two links: Annex A (12-bit, EIM) with errors", test_two_links_annex_a },
		{ "two links: push-mode transmitter", test_two_links_push },
		{ "two links: processor outage, alarm, realignment", test_two_links_po },
		{ "two links: emergency during normal proving", test_two_links_emergency },
		{ "two links over the software HDLC, with bit errors", test_two_links_hdlc },
		{ "BSNT and retrieval for changeover", test_retrieval },
		{ "a failed link's buffers not retrieved are counted as discarded",
		  test_failed_link_discards },
		{ NULL, NULL }
	};

	return cu_run_suite("mtp2", tests, init, cu_log_fini);
}
