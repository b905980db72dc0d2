/* Q.782 test network: MTP2 cables, the asynchronous MTP2<->MTP3 queue and scripted SPs. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include <sg/log.h>
#include <sg/timer.h>

#include "q782_net.h"

const struct sg_mtp3_fmt q_fmt = { .variant = SG_PC_ITU };

struct q_ev {
	struct llist_head list;
	bool to_mtp3;
	struct q_end *e;
	enum sg_mtp2_prim prim;
	struct sg_mtp2_param p;
	struct msgb *msg;
};

static struct {
	void *ctx;
	struct llist_head cables;
	struct llist_head q;
	struct sg_timer tick;
	bool draining;
} N;

static void ev_post(bool to_mtp3, struct q_end *e, enum sg_mtp2_prim prim,
		    const struct sg_mtp2_param *p, struct msgb *msg)
{
	struct q_ev *ev;

	/* Q782_SYNC=1: no queue, MTP2 and MTP3 call each other directly */
	if (getenv("Q782_SYNC")) {
		static const struct sg_mtp2_param none;

		if (to_mtp3)
			sg_mtp3_l2_ind(e->m, e->l3, prim, p ? p : &none, msg);
		else if (prim == SG_MTP2_RETRIEVE_BSNT && e->no_bsnt)
			sg_mtp3_l2_ind(e->m, e->l3, SG_MTP2_BSNT_NOT_RETRIEVABLE, &none, NULL);
		else
			sg_mtp2_l3_req(e->mtp2, prim, p, msg);
		return;
	}
	ev = talloc_zero(N.ctx, struct q_ev);

	ev->to_mtp3 = to_mtp3;
	ev->e = e;
	ev->prim = prim;
	if (p)
		ev->p = *p;
	ev->msg = msg;
	llist_add_tail(&ev->list, &N.q);
}

void q_drain(void)
{
	struct q_ev *ev;

	if (N.draining)
		return;
	N.draining = true;
	while (!llist_empty(&N.q)) {
		ev = llist_first_entry(&N.q, struct q_ev, list);
		llist_del(&ev->list);
		if (ev->to_mtp3)
			sg_mtp3_l2_ind(ev->e->m, ev->e->l3, ev->prim, &ev->p, ev->msg);
		else if (ev->prim == SG_MTP2_RETRIEVE_BSNT && ev->e->no_bsnt)
			ev_post(true, ev->e, SG_MTP2_BSNT_NOT_RETRIEVABLE, NULL, NULL);
		else
			sg_mtp2_l3_req(ev->e->mtp2, ev->prim, &ev->p, ev->msg);
		talloc_free(ev);
	}
	N.draining = false;
}

static int l2_req(void *priv, enum sg_mtp2_prim prim, const struct sg_mtp2_param *p,
		  struct msgb *msg)
{
	ev_post(false, priv, prim, p, msg);
	return 0;
}

const struct sg_mtp3_l2_ops q_l2_ops = { .req = l2_req };

static void rx_store(struct q_end *e, struct msgb *msg)
{
	struct q_msu *q = talloc_zero(N.ctx, struct q_msu);
	uint8_t *p = msgb_l3(msg) ? msgb_l3(msg) : msg->data;
	size_t len = msg->tail - p;

	q->t = sg_now();
	q->len = len > Q_MAX_MSU ? Q_MAX_MSU : len;
	memcpy(q->data, p, q->len);
	q->rc = sg_mtp3_hdr_decode(&q->h, &q_fmt, q->data, q->len);
	llist_add_tail(&q->list, &e->rx);
	e->nrx++;
}

static void script_auto_slta(struct q_end *e, const struct q_msu *q)
{
	struct sg_mtp3_hdr h;
	struct sg_mtp3_slt s;
	uint8_t buf[64];
	size_t n;

	if (!e->auto_slta || q->rc || q->h.si != SG_MTP3_SI_MTN)
		return;
	if (sg_mtp3_slt_msu_decode(&h, &s, &q_fmt, q->data, q->len) || s.heading != SG_MTP3_SLTM)
		return;
	h.label.dpc = q->h.label.opc;
	h.label.opc = e->pc;
	s.heading = SG_MTP3_SLTA;
	n = sg_mtp3_slt_msu_encode(buf, sizeof(buf), &q_fmt, &h, &s);
	q_script_tx(e, buf, n);
}

static void script_auto_cba(struct q_end *e, const struct q_msu *q)
{
	struct sg_mtp3_hdr h;
	struct sg_mtp3_snm s;

	if (!e->auto_cba || q->rc || q->h.si != SG_MTP3_SI_SNM)
		return;
	if (sg_mtp3_snm_msu_decode(&h, &s, &q_fmt, q->data, q->len) || s.heading != SG_MTP3_CBD)
		return;
	s.heading = SG_MTP3_CBA;
	q_script_tx_snm(e, q->h.label.opc, &s);
}

static void mtp2_ind(struct sg_mtp2_link *link, enum sg_mtp2_prim prim,
		     const struct sg_mtp2_param *p, struct msgb *msg, void *priv)
{
	struct q_end *e = priv;

	if (!e->script) {
		ev_post(true, e, prim, p, msg);
		return;
	}
	switch (prim) {
	case SG_MTP2_IN_SERVICE:
		e->in_service = true;
		e->n_in_service++;
		e->in_service_at = sg_now();
		e->tx_msu = 0;
		break;
	case SG_MTP2_OUT_OF_SERVICE:
		e->in_service = false;
		e->n_oos++;
		e->oos_at = sg_now();
		break;
	case SG_MTP2_RETRIEVE_BSNT:
		e->bsnt_valid = true;
		e->bsnt = p->bsnt;
		break;
	case SG_MTP2_DATA:
		rx_store(e, msg);
		script_auto_slta(e, llist_last_entry(&e->rx, struct q_msu, list));
		script_auto_cba(e, llist_last_entry(&e->rx, struct q_msu, list));
		break;
	default:
		break;
	}
	msgb_free(msg);
}

static void tick_cb(void *data)
{
	struct q_cable *c;
	uint8_t buf[SG_MTP2_SU_MAX];

	llist_for_each_entry(c, &N.cables, list) {
		for (int i = 0; i < 2; i++) {
			size_t n = sg_mtp2_tx_next(c->e[i]->mtp2, buf, sizeof(buf));

			if (!c->cut && n)
				sg_mtp2_rx_su(c->e[!i]->mtp2, buf, n);
		}
	}
	sg_timer_start_ms(&N.tick, 1);
}

void q_net_init(void)
{
	memset(&N, 0, sizeof(N));
	N.ctx = talloc_named_const(NULL, 0, "q782");
	INIT_LLIST_HEAD(&N.cables);
	INIT_LLIST_HEAD(&N.q);
	sg_clock_virtual(0);
	sg_timer_setup(&N.tick, tick_cb, NULL);
	sg_timer_start_ms(&N.tick, 1);
}

void q_net_fini(void)
{
	struct q_cable *c;
	struct q_ev *ev, *tmp;

	sg_timer_stop(&N.tick);
	llist_for_each_entry_safe(ev, tmp, &N.q, list)
		msgb_free(ev->msg);
	llist_for_each_entry(c, &N.cables, list)
		for (int i = 0; i < 2; i++)
			sg_mtp2_link_free(c->e[i]->mtp2);
	talloc_free(N.ctx);
	N.ctx = NULL;
	sg_clock_monotonic();
}

struct q_end *q_end_script(uint32_t pc, uint32_t adj_pc, uint8_t slc)
{
	struct q_end *e = talloc_zero(N.ctx, struct q_end);

	e->script = true;
	e->pc = pc;
	e->adj_pc = adj_pc;
	e->slc = slc;
	e->auto_slta = true;
	e->auto_cba = true;
	INIT_LLIST_HEAD(&e->rx);
	return e;
}

struct q_end *q_end_mtp3(struct sg_mtp3 *m, struct sg_mtp3_link *l)
{
	struct q_end *e = talloc_zero(N.ctx, struct q_end);

	e->m = m;
	e->l3 = l;
	INIT_LLIST_HEAD(&e->rx);
	sg_mtp3_link_bind(l, &q_l2_ops, e);
	return e;
}

struct q_cable *q_cable(struct q_end *a, struct q_end *b, const struct sg_mtp2_cfg *cfg)
{
	struct q_cable *c = talloc_zero(N.ctx, struct q_cable);

	c->e[0] = a;
	c->e[1] = b;
	for (int i = 0; i < 2; i++) {
		c->e[i]->cable = c;
		c->e[i]->mtp2 = sg_mtp2_link_alloc(N.ctx, cfg, mtp2_ind, c->e[i]);
	}
	llist_add_tail(&c->list, &N.cables);
	return c;
}

void q_fail(struct q_end *e)
{
	sg_mtp2_link_alarm(e->mtp2, true);
	sg_mtp2_link_alarm(e->mtp2, false);
}

void q_run(unsigned int ms)
{
	for (unsigned int i = 0; i < ms; i++) {
		q_drain();
		sg_clock_advance_ms(1);
		q_drain();
	}
}

bool q_run_until(bool (*pred)(void *), void *arg, unsigned int limit_ms)
{
	for (unsigned int i = 0; i < limit_ms; i++) {
		if (pred(arg))
			return true;
		q_run(1);
	}
	return pred(arg);
}

void q_script_tx(struct q_end *e, const uint8_t *msu, size_t len)
{
	struct msgb *msg = sg_msgb_alloc(512, "script");

	msgb_reserve(msg, 64);
	msg->l3h = msgb_put(msg, len);
	memcpy(msg->l3h, msu, len);
	e->tx_msu++;
	sg_mtp2_l3_req(e->mtp2, SG_MTP2_DATA, NULL, msg);
}

void q_script_tx_snm(struct q_end *e, uint32_t dpc, const struct sg_mtp3_snm *s)
{
	struct sg_mtp3_hdr h = { .si = SG_MTP3_SI_SNM, .ni = SG_NI_NATIONAL,
				 .label = { .dpc = dpc, .opc = e->pc, .sls = e->slc } };
	uint8_t buf[64];
	size_t n = sg_mtp3_snm_msu_encode(buf, sizeof(buf), &q_fmt, &h, s);

	if (n)
		q_script_tx(e, buf, n);
}

void q_script_tx_user(struct q_end *e, uint8_t si, uint32_t dpc, uint8_t sls, uint32_t seq,
		      size_t pad)
{
	struct sg_mtp3_hdr h = { .si = si, .ni = SG_NI_NATIONAL,
				 .label = { .dpc = dpc, .opc = e->pc, .sls = sls } };
	uint8_t buf[Q_MAX_MSU] = { 0 };
	size_t n = sg_mtp3_hdr_encode(buf, sizeof(buf), &q_fmt, &h);

	memcpy(buf + n, &seq, 4);
	for (size_t i = 4; i < pad; i++)
		buf[n + i] = (uint8_t)(i * 7);
	q_script_tx(e, buf, n + (pad > 4 ? pad : 4));
}

static bool script_ready(void *arg)
{
	struct q_end *e = arg;
	unsigned int from = 0;
	struct sg_mtp3_slt s;

	/* our SLTA went out once the IUT's SLTM arrived */
	return e->in_service && q_find_slt(e, &from, SG_MTP3_SLTM, &s);
}

bool q_script_up(struct q_end *e, bool tra, unsigned int limit_ms)
{
	sg_mtp2_l3_req(e->mtp2, SG_MTP2_START, NULL, NULL);
	if (!q_run_until(script_ready, e, limit_ms))
		return false;
	q_run(20);
	if (tra) {
		struct sg_mtp3_snm s = { .heading = SG_MTP3_TRA };

		q_script_tx_snm(e, e->adj_pc, &s);
		q_run(20);
	}
	return true;
}

struct q_msu *q_msu_at(struct q_end *e, unsigned int i)
{
	struct q_msu *q;

	llist_for_each_entry(q, &e->rx, list)
		if (!i--)
			return q;
	return NULL;
}

/* Decoders for find_msu(): the message's heading, or -1 when it does not decode. */
static int dec_snm(const struct q_msu *q, void *out)
{
	struct sg_mtp3_snm *s = out;
	struct sg_mtp3_hdr h;

	return sg_mtp3_snm_msu_decode(&h, s, &q_fmt, q->data, q->len) ? -1 : s->heading;
}

static int dec_slt(const struct q_msu *q, void *out)
{
	struct sg_mtp3_slt *s = out;
	struct sg_mtp3_hdr h;

	return sg_mtp3_slt_msu_decode(&h, s, &q_fmt, q->data, q->len) ? -1 : s->heading;
}

/* The first MSU received at or after position *from with service indicator si that decode()
 * takes into out, with the heading given (0: any); *from moves past it. */
static struct q_msu *find_msu(struct q_end *e, unsigned int *from, uint8_t si, uint8_t heading,
			      int (*decode)(const struct q_msu *q, void *out), void *out)
{
	struct q_msu *q;
	unsigned int i = 0;

	llist_for_each_entry(q, &e->rx, list) {
		int got;

		if (i++ < *from || q->rc || q->h.si != si)
			continue;
		got = decode(q, out);
		if (got < 0 || (heading && got != heading))
			continue;
		*from = i;
		return q;
	}
	return NULL;
}

struct q_msu *q_find_snm(struct q_end *e, unsigned int *from, uint8_t heading,
			 struct sg_mtp3_snm *s)
{
	return find_msu(e, from, SG_MTP3_SI_SNM, heading, dec_snm, s);
}

struct q_msu *q_find_slt(struct q_end *e, unsigned int *from, uint8_t heading,
			 struct sg_mtp3_slt *s)
{
	return find_msu(e, from, SG_MTP3_SI_MTN, heading, dec_slt, s);
}

void q_rx_clear(struct q_end *e)
{
	struct q_msu *q, *tmp;

	llist_for_each_entry_safe(q, tmp, &e->rx, list) {
		llist_del(&q->list);
		talloc_free(q);
	}
	e->nrx = 0;
}

bool q_script_bsnt(struct q_end *e, uint16_t *bsnt)
{
	e->bsnt_valid = false;
	sg_mtp2_l3_req(e->mtp2, SG_MTP2_RETRIEVE_BSNT, NULL, NULL);
	*bsnt = e->bsnt;
	return e->bsnt_valid;
}
