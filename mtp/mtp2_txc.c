/* MTP2 transmission control (TXC), Q.703 §5.3, §6.3-6.4, §11.2 (Fig. 12/13): buffers, order. */

#include <errno.h>
#include <string.h>
#include <talloc.h>
#include <osmocom/core/msgb.h>

#include "mtp2_internal.h"

static void t6_cb(void *data)
{
	struct sg_mtp2_link *l = data;

	mtp2_enter(l);
	/* Q.703 §9.3: remote congestion lasted too long */
	LOGPLINK(l, LOGL_NOTICE, "T6 expired (remote congestion)\n");
	l->txc.rbusy = false;
	mtp2_link_failure(l, SG_MTP2_OOS_T6);
	mtp2_leave(l);
}

static void t7_cb(void *data)
{
	struct sg_mtp2_link *l = data;

	mtp2_enter(l);
	/* Q.703 §5.3.1/§6.3.1: excessive delay of acknowledgement */
	LOGPLINK(l, LOGL_NOTICE, "T7 expired (no acknowledgement)\n");
	mtp2_link_failure(l, SG_MTP2_OOS_T7);
	mtp2_leave(l);
}

int txc_init(struct sg_mtp2_link *l)
{
	struct mtp2_txc *t = &l->txc;

	t->rtb = talloc_zero_array(l, struct msgb *, l->seq_mask + 1);
	if (!t->rtb)
		return -ENOMEM;
	INIT_LLIST_HEAD(&t->tb);
	t->lssu = SG_MTP2_SIOS;
	sg_timer_setup(&t->t6, t6_cb, l);
	sg_timer_setup(&t->t7, t7_cb, l);
	return 0;
}

/* Empty the TB; returns how many MSUs it held (never sent: the caller counts their loss). */
unsigned int txc_clear_tb(struct sg_mtp2_link *l)
{
	unsigned int n = l->txc.tb_cnt;
	struct msgb *m, *m2;

	llist_for_each_entry_safe(m, m2, &l->txc.tb, list) {
		llist_del(&m->list);
		msgb_free(m);
	}
	l->txc.tb_cnt = 0;
	return n;
}

/* Empty the RTB; returns how many MSUs it held (sent, not acknowledged: the caller counts
 * them as discarded, though the far end may have received some of them, Q.704 §5.6.2). */
unsigned int txc_clear_rtb(struct sg_mtp2_link *l)
{
	struct mtp2_txc *t = &l->txc;
	unsigned int i, n = t->rtb_cnt;

	for (i = 0; i <= l->seq_mask; i++) {
		msgb_free(t->rtb[i]);
		t->rtb[i] = NULL;
	}
	t->rtb_cnt = 0;
	t->rtb_octets = 0;
	/* nothing left to acknowledge: the last sent FSN is the last acked */
	t->fsnl = seq_add(l, t->fsnf, -1);
	t->retrans = false;
	t->forced = false;
	sg_timer_stop(&t->t7);
	return n;
}

/* MSUs of the RTB lost to CLEAR RTB or a restart (START): counted as tx:discard:unacked */
void txc_discard_rtb(struct sg_mtp2_link *l)
{
	unsigned int n = txc_clear_rtb(l);

	if (n) {
		LOGPLINK(l, LOGL_NOTICE, "%u unacknowledged MSUs discarded\n", n);
		ctr_add(l, SG_MTP2_CTR_TX_DISCARD_UNACKED, n);
	}
}

void txc_fini(struct sg_mtp2_link *l)
{
	txc_clear_rtb(l);
	txc_clear_tb(l);
}

void txc_stop_timers(struct sg_mtp2_link *l)
{
	sg_timer_stop(&l->txc.t6);
	sg_timer_stop(&l->txc.t7);
	l->txc.rbusy = false;
	l->txc.sib_pending = false;
}

/* Q.703 §5.2.1/§6.2: after start all sequence numbers are 127 (4095), indicator bits 1. */
void txc_start(struct sg_mtp2_link *l)
{
	struct mtp2_txc *t = &l->txc;

	t->fsnf = 0;
	/* L3 retrieved or flushed the RTB of a failed link before restarting it (changeover);
	 * whatever is left gets new sequence numbers no more and is lost */
	txc_discard_rtb(l);
	t->fsnt = l->seq_mask;
	t->fib = true;
	t->cyc_next = 0;
	t->rpo_hold = false;
	txc_stop_timers(l);
}

void txc_send_lssu(struct sg_mtp2_link *l, enum sg_mtp2_lssu_status st)
{
	if (l->txc.lssu != (int)st)
		LOGPLINK(l, LOGL_DEBUG, "TXC sending %s\n",
			 get_value_string(sg_mtp2_lssu_status_names, st));
	l->txc.lssu = st;
	l->txc.msu_allowed = false;
}

void txc_send_fisu(struct sg_mtp2_link *l)
{
	l->txc.lssu = -1;
	l->txc.msu_allowed = false;
}

void txc_send_msu(struct sg_mtp2_link *l)
{
	l->txc.lssu = -1;
	l->txc.msu_allowed = true;
	if (l->txc.rtb_cnt && !l->txc.rpo_hold && !sg_timer_pending(&l->txc.t7))
		sg_timer_start_ms(&l->txc.t7, link_timer_ms(l, SG_MTP2_T7));
}

/* Remote processor outage: FISUs only, MSUs held, no ack supervision (§8). */
void txc_rpo(struct sg_mtp2_link *l, bool rpo)
{
	l->txc.rpo_hold = rpo;
	if (rpo)
		sg_timer_stop(&l->txc.t7);
	else if (l->txc.rtb_cnt && l->txc.msu_allowed)
		sg_timer_start_ms(&l->txc.t7, link_timer_ms(l, SG_MTP2_T7));
}

/*
 * Congestion towards L3 from the transmit buffers (Q.704 §3.8): the occupancy is TB+RTB in
 * MSUs.  Level n (1..cong_levels) starts when it reaches cong_onset[n-1] and ends when it
 * falls below cong_abate[n-1]; the discard state starts at cong_discard and ends below the top
 * level's abatement threshold (hysteresis, so that L3 is not told of every MSU sent).  Every
 * change of either is indicated to L3 (SG_MTP2_CONGESTION).  The discard itself does not wait
 * for L3: an MSU arriving while TB+RTB hold cong_discard MSUs is discarded here.
 */
void txc_cong_check(struct sg_mtp2_link *l)
{
	struct mtp2_txc *t = &l->txc;
	unsigned int total = t->tb_cnt + t->rtb_cnt;
	unsigned int top = l->cfg.cong_levels;
	uint8_t lvl = t->cong_level;
	bool disc = t->cong_discard;
	struct sg_mtp2_param p = {};

	while (lvl < top && total >= l->cfg.cong_onset[lvl])
		lvl++;
	while (lvl > 0 && total < l->cfg.cong_abate[lvl - 1])
		lvl--;
	if (total >= l->cfg.cong_discard)
		disc = true;
	else if (total < l->cfg.cong_abate[top - 1])
		disc = false;
	if (lvl == t->cong_level && disc == t->cong_discard)
		return;
	LOGPLINK(l, LOGL_NOTICE, "transmit congestion level %u -> %u%s (%u MSUs queued)\n",
		 t->cong_level, lvl, disc != t->cong_discard ?
		 (disc ? ", discarding" : ", discarding ends") : "", total);
	if (!t->cong_level && lvl)
		ctr_inc(l, SG_MTP2_CTR_CONG_ONSET);
	t->cong_level = lvl;
	t->cong_discard = disc;
	p.cong_level = lvl;
	p.cong_discard = disc;
	mtp2_indicate(l, SG_MTP2_CONGESTION, &p, NULL);
}

void txc_msu_req(struct sg_mtp2_link *l, struct msgb *msg)
{
	uint8_t *start = msg->l3h ? msg->l3h : msg->data;
	size_t len = msg->tail - start;

	/* Q.703 §2.3.3: SIO + SIF of 2..m octets */
	if (len < 3 || len > (size_t)l->cfg.max_sif + 1) {
		LOGPLINK(l, LOGL_ERROR, "MSU of %zu octets (SIO+SIF) refused\n", len);
		ctr_inc(l, SG_MTP2_CTR_TX_DISCARD_LEN);
		msgb_free(msg);
		return;
	}
	/* Q.704 §3.8: the buffers are bounded; above the discard threshold MSUs are discarded */
	if (l->txc.tb_cnt + l->txc.rtb_cnt >= l->cfg.cong_discard) {
		ctr_inc(l, SG_MTP2_CTR_TX_DISCARD_CONG);
		msgb_free(msg);
		txc_cong_check(l);
		return;
	}
	msg->l3h = start;
	msgb_enqueue(&l->txc.tb, msg);
	l->txc.tb_cnt++;
	txc_cong_check(l);
}

uint8_t sg_mtp2_cong_level(const struct sg_mtp2_link *l)
{
	return l->txc.cong_level;
}

bool sg_mtp2_cong_discard(const struct sg_mtp2_link *l)
{
	return l->txc.cong_discard;
}

static inline bool in_rtb(struct sg_mtp2_link *l, uint16_t fsn)
{
	return seq_diff(l, fsn, l->txc.fsnf) < l->txc.rtb_cnt;
}

static inline unsigned int msu_len(const struct msgb *m)
{
	return m->tail - m->l3h;
}

/* Take the next new MSU from the TB into the RTB under a new FSN. */
static struct msgb *new_msu(struct sg_mtp2_link *l, uint16_t *fsn)
{
	struct mtp2_txc *t = &l->txc;
	struct msgb *m = msgb_dequeue(&t->tb);

	if (!m)
		return NULL;
	t->tb_cnt--;
	t->fsnl = seq_add(l, t->fsnl, 1);
	OSMO_ASSERT(!t->rtb[t->fsnl]);
	t->rtb[t->fsnl] = m;
	t->rtb_cnt++;
	t->rtb_octets += msu_len(m);
	*fsn = t->fsnl;
	/* Q.703 §5.3.1: T7 runs while MSUs await acknowledgement */
	if (!sg_timer_pending(&t->t7))
		sg_timer_start_ms(&t->t7, link_timer_ms(l, SG_MTP2_T7));
	ctr_inc(l, SG_MTP2_CTR_TX_MSU);
	ctr_add(l, SG_MTP2_CTR_TX_MSU_OCTETS, msu_len(m));
	return m;
}

static struct msgb *rtb_msu(struct sg_mtp2_link *l, uint16_t fsn)
{
	struct msgb *m = l->txc.rtb[fsn];

	ctr_inc(l, SG_MTP2_CTR_TX_RETRANS);
	ctr_add(l, SG_MTP2_CTR_TX_RETRANS_OCTETS, msu_len(m));
	return m;
}

/* Q.703 §5.3 and §11.2: retransmission, then new MSUs, then FISU. */
static struct msgb *pick_basic(struct sg_mtp2_link *l, uint16_t *fsn)
{
	struct mtp2_txc *t = &l->txc;

	if (t->retrans) {
		if (in_rtb(l, t->retrans_next)) {
			*fsn = t->retrans_next;
			t->retrans_next = seq_add(l, t->retrans_next, 1);
			if (!in_rtb(l, t->retrans_next))
				t->retrans = false;
			return rtb_msu(l, *fsn);
		}
		t->retrans = false;
	}
	if (t->rbusy || !t->tb_cnt || t->rtb_cnt >= l->cfg.n1)
		return NULL;
	return new_msu(l, fsn);
}

static bool pcr_limit(struct sg_mtp2_link *l)
{
	return l->txc.rtb_cnt >= l->cfg.n1 || l->txc.rtb_octets >= l->cfg.n2;
}

/* Q.703 §6.3, §6.4: forced retransmission, new MSUs, cyclic retransmission. */
static struct msgb *pick_pcr(struct sg_mtp2_link *l, uint16_t *fsn, bool push)
{
	struct mtp2_txc *t = &l->txc;

	if (!t->forced && t->rtb_cnt && pcr_limit(l) && !(push && t->forced_done)) {
		/* §6.4: N1 or N2 reached: retransmit the whole RTB first */
		LOGPLINK(l, LOGL_DEBUG, "PCR forced retransmission (%u MSUs, %u octets)\n",
			 t->rtb_cnt, t->rtb_octets);
		t->forced = true;
		t->forced_done = push;
		t->cyc_next = t->fsnf;
	}
	if (t->forced) {
		if (in_rtb(l, t->cyc_next)) {
			*fsn = t->cyc_next;
			t->cyc_next = seq_add(l, t->cyc_next, 1);
			if (!in_rtb(l, t->cyc_next))
				t->forced = false;
			return rtb_msu(l, *fsn);
		}
		t->forced = false;
	}
	if (!t->rbusy && t->tb_cnt && !pcr_limit(l)) {
		struct msgb *m = new_msu(l, fsn);

		/* a new cycle of retransmission starts with the oldest MSU */
		if (t->rtb_cnt == 1)
			t->cyc_next = t->fsnf;
		return m;
	}
	if (push || !t->rtb_cnt)
		return NULL;
	/* §6.3: idle time is used to retransmit unacknowledged MSUs cyclically */
	if (!in_rtb(l, t->cyc_next))
		t->cyc_next = t->fsnf;
	*fsn = t->cyc_next;
	t->cyc_next = seq_add(l, t->cyc_next, 1);
	if (!in_rtb(l, t->cyc_next))
		t->cyc_next = t->fsnf;
	return rtb_msu(l, *fsn);
}

size_t txc_next(struct sg_mtp2_link *l, uint8_t *buf, size_t max, bool push)
{
	struct mtp2_txc *t = &l->txc;
	struct sg_mtp2_su su = {
		.bsn = rc_bsn_to_send(l),
		.bib = l->rc.bib,
		.fib = t->fib,
		.type = SG_MTP2_SU_FISU,
	};
	struct msgb *m = NULL;
	uint16_t fsn = 0;
	size_t len;

	/* room for the longest SU of this link: header + SIO + m octets */
	if (max < (l->cfg.ext_seq ? 6u : 3u) + 1u + l->cfg.max_sif)
		return 0;
	if (t->lssu >= 0) {
		su.type = SG_MTP2_SU_LSSU;
		su.status = t->lssu;
	} else if (t->msu_allowed && t->sib_pending) {
		/* Q.703 §9.3, §11.2: SIB has priority over MSUs */
		t->sib_pending = false;
		su.type = SG_MTP2_SU_LSSU;
		su.status = SG_MTP2_SIB;
		ctr_inc(l, SG_MTP2_CTR_TX_SIB);
	} else if (t->msu_allowed && !t->rpo_hold) {
		if (l->cfg.ec == SG_MTP2_EC_PCR)
			m = pick_pcr(l, &fsn, push);
		else
			m = pick_basic(l, &fsn);
	}
	if (m) {
		su.type = SG_MTP2_SU_MSU;
		su.fsn = fsn;
		su.payload = m->l3h;
		su.payload_len = msu_len(m);
		t->fsnt = fsn;
		txc_cong_check(l);
	} else {
		/* Q.703 §5.2.1: FISUs (and LSSUs) carry the FSN of the last MSU sent */
		su.fsn = t->fsnt;
	}
	/* Q.703 §6.2: with PCR the indicator bits are not used (set to 1) */
	if (l->cfg.ec == SG_MTP2_EC_PCR)
		su.fib = su.bib = true;
	len = sg_mtp2_su_encode(buf, max, &su, l->cfg.ext_seq);
	OSMO_ASSERT(len > 0);
	ctr_inc(l, SG_MTP2_CTR_TX_SU);
	ctr_add(l, SG_MTP2_CTR_TX_OCTETS, len);
	return len;
}

/* Q.703 §5.3.1: a BSN is acceptable if it lies between the last one
 * received and the FSN of the last MSU sent. */
bool txc_bsn_valid(struct sg_mtp2_link *l, uint16_t bsn)
{
	return seq_diff(l, bsn, seq_add(l, l->txc.fsnf, -1)) <= l->txc.rtb_cnt;
}

void txc_remote_busy_end(struct sg_mtp2_link *l)
{
	if (!l->txc.rbusy)
		return;
	LOGPLINK(l, LOGL_INFO, "remote congestion ended\n");
	l->txc.rbusy = false;
	sg_timer_stop(&l->txc.t6);
}

/* BSNR/BIBR of an accepted FISU or MSU (RC -> TXC), BSN already checked. */
void txc_bsnr_bibr(struct sg_mtp2_link *l, uint16_t bsn, bool bib)
{
	struct mtp2_txc *t = &l->txc;
	uint16_t n = seq_diff(l, bsn, seq_add(l, t->fsnf, -1));
	uint16_t old_fsnf = t->fsnf;
	unsigned int i;

	if (n) {
		/* positive acknowledgement of n MSUs */
		for (i = 0; i < n; i++) {
			struct msgb *m = t->rtb[t->fsnf];

			t->rtb_octets -= msu_len(m);
			msgb_free(m);
			t->rtb[t->fsnf] = NULL;
			t->fsnf = seq_add(l, t->fsnf, 1);
		}
		t->rtb_cnt -= n;
		if (t->retrans && seq_diff(l, t->retrans_next, old_fsnf) < n)
			t->retrans_next = t->fsnf;
		if (seq_diff(l, t->cyc_next, old_fsnf) < n)
			t->cyc_next = t->fsnf;
		t->forced_done = false;
		/* §6.4: acknowledgements that clear N1/N2 end forced retransmission */
		if (t->forced && !pcr_limit(l))
			t->forced = false;
		if (t->rtb_cnt && !t->rpo_hold)
			sg_timer_start_ms(&t->t7, link_timer_ms(l, SG_MTP2_T7));
		else
			sg_timer_stop(&t->t7);
		txc_cong_check(l);
	}
	if (t->rbusy && (n || !t->rtb_cnt))
		txc_remote_busy_end(l);
	if (l->cfg.ec == SG_MTP2_EC_BASIC && bib != t->fib) {
		/* §5.3.2: negative acknowledgement: retransmit from BSN+1 with FIB inverted */
		ctr_inc(l, SG_MTP2_CTR_RX_NACK);
		t->fib = bib;
		if (t->rtb_cnt) {
			t->retrans = true;
			t->retrans_next = t->fsnf;
		}
		LOGPLINK(l, LOGL_DEBUG, "NACK BSN=%u: retransmitting %u MSUs\n", bsn, t->rtb_cnt);
		if (t->rbusy)
			txc_remote_busy_end(l);
	}
}

/* Q.703 §9.3: SIB received: start T6 once, restart T7 with each SIB. */
void txc_sib_received(struct sg_mtp2_link *l)
{
	struct mtp2_txc *t = &l->txc;

	ctr_inc(l, SG_MTP2_CTR_RX_SIB);
	if (!t->rbusy) {
		LOGPLINK(l, LOGL_INFO, "remote congestion (SIB received)\n");
		ctr_inc(l, SG_MTP2_CTR_REMOTE_CONG);
		t->rbusy = true;
		sg_timer_start_ms(&t->t6, link_timer_ms(l, SG_MTP2_T6));
	}
	if (t->rtb_cnt && !t->rpo_hold)
		sg_timer_start_ms(&t->t7, link_timer_ms(l, SG_MTP2_T7));
}

/* Flush buffers (L3 order after processor outage, Q.704 §5.3/§8, or changeover without buffer
 * updating, §5.6): all MSUs not yet acknowledged or sent are discarded, and counted: those
 * never sent as tx:discard:flush, those sent but not acknowledged as tx:discard:unacked. */
void txc_flush_buffers(struct sg_mtp2_link *l)
{
	unsigned int rtb, tb;

	LOGPLINK(l, LOGL_INFO, "flushing %u + %u MSUs\n", l->txc.tb_cnt, l->txc.rtb_cnt);
	rtb = txc_clear_rtb(l);
	tb = txc_clear_tb(l);
	ctr_add(l, SG_MTP2_CTR_TX_DISCARD_UNACKED, rtb);
	ctr_add(l, SG_MTP2_CTR_TX_DISCARD_FLUSH, tb);
	l->txc.fsnt = l->txc.fsnl;
	txc_cong_check(l);
}

/* Q.704 §5.4: hand back to L3 every MSU after FSNC, then the TB. */
int txc_retrieve(struct sg_mtp2_link *l, uint16_t fsnc)
{
	struct mtp2_txc *t = &l->txc;
	struct sg_mtp2_param p = {};
	uint16_t n = seq_diff(l, fsnc, seq_add(l, t->fsnf, -1));
	struct msgb *m;

	if (n > t->rtb_cnt) {
		LOGPLINK(l, LOGL_NOTICE, "retrieval: FSNC %u outside %u..%u\n", fsnc,
			 seq_add(l, t->fsnf, -1), t->fsnl);
		return -ERANGE;
	}
	/* the far end has the MSUs up to FSNC: acknowledge them locally */
	while (n--) {
		m = t->rtb[t->fsnf];
		t->rtb_octets -= msu_len(m);
		msgb_free(m);
		t->rtb[t->fsnf] = NULL;
		t->fsnf = seq_add(l, t->fsnf, 1);
		t->rtb_cnt--;
	}
	while (t->rtb_cnt) {
		m = t->rtb[t->fsnf];
		t->rtb[t->fsnf] = NULL;
		t->rtb_octets -= msu_len(m);
		t->fsnf = seq_add(l, t->fsnf, 1);
		t->rtb_cnt--;
		mtp2_indicate(l, SG_MTP2_RETRIEVAL_REQ, &p, m);
	}
	sg_timer_stop(&t->t7);
	while ((m = msgb_dequeue(&t->tb))) {
		t->tb_cnt--;
		mtp2_indicate(l, SG_MTP2_RETRIEVAL_REQ, &p, m);
	}
	txc_cong_check(l);
	mtp2_indicate(l, SG_MTP2_RETRIEVAL_COMPLETE, &p, NULL);
	return 0;
}

unsigned int sg_mtp2_tb_len(const struct sg_mtp2_link *l)
{
	return l->txc.tb_cnt;
}

unsigned int sg_mtp2_rtb_len(const struct sg_mtp2_link *l)
{
	return l->txc.rtb_cnt;
}
