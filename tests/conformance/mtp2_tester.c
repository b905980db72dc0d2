/* Scripted Q.781 protocol tester (SP B) for MTP2 (Q.703): SU-level line model, virtual time. */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <talloc.h>
#include <osmocom/core/msgb.h>

#include <sg/timer.h>
#include "mtp2_tester.h"

static const char *kind_names[] = {
	[K_SIO] = "SIO", [K_SIN] = "SIN", [K_SIE] = "SIE", [K_SIOS] = "SIOS",
	[K_SIPO] = "SIPO", [K_SIB] = "SIB", [K_LSSU_SPARE] = "LSSU(spare)",
	[K_FISU] = "FISU", [K_MSU] = "MSU",
};

const char *tst_kind_name(enum tst_kind k)
{
	return kind_names[k];
}

enum tst_kind tst_kind_of(const struct sg_mtp2_su *su)
{
	if (su->type == SG_MTP2_SU_FISU)
		return K_FISU;
	if (su->type == SG_MTP2_SU_MSU)
		return K_MSU;
	switch (su->status) {
	case SG_MTP2_SIO: return K_SIO;
	case SG_MTP2_SIN: return K_SIN;
	case SG_MTP2_SIE: return K_SIE;
	case SG_MTP2_SIOS: return K_SIOS;
	case SG_MTP2_SIPO: return K_SIPO;
	case SG_MTP2_SIB: return K_SIB;
	default: return K_LSSU_SPARE;
	}
}

uint64_t tst_now(void)
{
	return sg_now();
}

uint64_t tst_su_ns(const struct tester *t, size_t len)
{
	return (len + 3) * 8 * t->bit_ns;
}

bool tst_fail(struct tester *t, const char *fmt, ...)
{
	va_list ap;

	if (t->failed)
		return false;
	t->failed = true;
	va_start(ap, fmt);
	vsnprintf(t->why, sizeof(t->why), fmt, ap);
	va_end(ap);
	return false;
}

static uint16_t tag_of(const uint8_t *payload, size_t len)
{
	return len >= 3 ? payload[1] | (payload[2] << 8) : 0xffff;
}

static void ind_cb(struct sg_mtp2_link *link, enum sg_mtp2_prim prim,
		   const struct sg_mtp2_param *param, struct msgb *msg, void *priv)
{
	struct tester *t = priv;

	if (prim == SG_MTP2_DATA) {
		if (t->n_rx < TST_MAX_RX)
			t->rx_tag[t->n_rx] = tag_of(msgb_l3(msg), msgb_l3len(msg));
		t->n_rx++;
	} else {
		if (prim == SG_MTP2_RETRIEVAL_REQ)
			t->n_retrieved++;
		if (t->n_ind < TST_MAX_IND) {
			t->ind[t->n_ind].prim = prim;
			t->ind[t->n_ind].p = *param;
			t->ind[t->n_ind].t = sg_now();
			t->n_ind++;
		}
	}
	msgb_free(msg);
}

struct tester *tst_new(const struct sg_mtp2_cfg *cfg)
{
	struct tester *t = talloc_zero(NULL, struct tester);

	OSMO_ASSERT(t);
	t->q = talloc_zero_array(t, struct b_item, TST_QLEN);
	OSMO_ASSERT(t->q);
	if (cfg)
		t->cfg = *cfg;
	else
		sg_mtp2_cfg_defaults(&t->cfg);
	t->cfg.name = "A";
	/* 64 kbit/s, or 2.048 Mbit/s for Annex A links */
	t->bit_ns = t->cfg.ext_seq ? 488 : 15625;
	sg_clock_virtual(0);
	t->a = sg_mtp2_link_alloc(t, &t->cfg, ind_cb, t);
	OSMO_ASSERT(t->a);
	t->b_lssu = SG_MTP2_SIOS;
	t->b_sf_len = 1;
	t->b_fsn = t->b_bsn = t->cfg.ext_seq ? 0xfff : 0x7f;
	t->b_fib = t->b_bib = true;
	t->b_auto_ack = t->b_auto_fib = t->b_auto_retrans = true;
	/* both sides start sending at time 0 */
	t->a_end = 0;
	t->b_end = 0;
	t->b_cur.len = 0;
	return t;
}

void tst_free(struct tester *t)
{
	sg_mtp2_link_free(t->a);
	talloc_free(t);
	/* no timers of a freed link may survive */
	OSMO_ASSERT(sg_timers_count() == 0);
}

static uint16_t bmask(const struct tester *t)
{
	return t->cfg.ext_seq ? 0xfff : 0x7f;
}

static void q_push(struct tester *t, const struct b_item *it)
{
	OSMO_ASSERT(t->q_tail - t->q_head < TST_QLEN);
	t->q[t->q_tail++ % TST_QLEN] = *it;
}

unsigned int b_queue_len(const struct tester *t)
{
	return t->q_tail - t->q_head;
}

void b_queue_su(struct tester *t, const struct sg_mtp2_su *su, enum b_item_kind kind)
{
	struct b_item it = { .kind = kind };

	it.len = sg_mtp2_su_encode(it.raw, sizeof(it.raw), su, t->cfg.ext_seq);
	OSMO_ASSERT(it.len);
	q_push(t, &it);
}

void b_queue_raw(struct tester *t, const uint8_t *su, size_t len, enum b_item_kind kind)
{
	struct b_item it = { .kind = kind, .len = len };

	OSMO_ASSERT(len <= sizeof(it.raw));
	memcpy(it.raw, su, len);
	q_push(t, &it);
}

void b_queue_lssu(struct tester *t, uint8_t status)
{
	struct sg_mtp2_su su = {
		.type = SG_MTP2_SU_LSSU, .status = status, .sf_len = t->b_sf_len,
		.fsn = t->b_fsn, .fib = t->b_fib, .bsn = t->b_bsn, .bib = t->b_bib,
	};

	b_queue_su(t, &su, BI_GOOD);
}

void b_queue_fisu(struct tester *t, uint16_t fsn, bool fib, uint16_t bsn, bool bib)
{
	struct sg_mtp2_su su = {
		.type = SG_MTP2_SU_FISU, .fsn = fsn, .fib = fib, .bsn = bsn, .bib = bib,
	};

	b_queue_su(t, &su, BI_GOOD);
}

void b_queue_msu(struct tester *t, uint16_t fsn, bool fib, uint16_t bsn, bool bib,
		 uint16_t tag, unsigned int len)
{
	uint8_t pl[SG_MTP2_MAX_SIF + 1];
	struct sg_mtp2_su su = {
		.type = SG_MTP2_SU_MSU, .fsn = fsn, .fib = fib, .bsn = bsn, .bib = bib,
		.payload = pl, .payload_len = len,
	};
	unsigned int i;

	OSMO_ASSERT(len >= 3 && len <= sizeof(pl));
	pl[0] = 0x83;		/* SIO: national, SCCP */
	pl[1] = tag & 0xff;
	pl[2] = tag >> 8;
	for (i = 3; i < len; i++)
		pl[i] = i;
	b_queue_su(t, &su, BI_GOOD);
}

void b_send_msu(struct tester *t, uint16_t tag, unsigned int len)
{
	t->b_fsn = (t->b_fsn + 1) & bmask(t);
	t->b_tag[t->b_fsn] = tag;
	b_queue_msu(t, t->b_fsn, t->b_fib, t->b_bsn, t->b_bib, tag, len);
}

void b_repeat_lssu(struct tester *t, enum sg_mtp2_lssu_status st)
{
	t->b_lssu = st;
}

void b_repeat_fisu(struct tester *t)
{
	t->b_lssu = -1;
}

void a_req(struct tester *t, enum sg_mtp2_prim prim)
{
	OSMO_ASSERT(sg_mtp2_l3_req(t->a, prim, NULL, NULL) == 0);
}

void a_msu(struct tester *t, uint16_t tag, unsigned int len)
{
	struct msgb *m = msgb_alloc(len + 16, "test msu");
	uint8_t *p;
	unsigned int i;

	OSMO_ASSERT(m && len >= 3);
	m->l3h = p = msgb_put(m, len);
	p[0] = 0x83;
	p[1] = tag & 0xff;
	p[2] = tag >> 8;
	for (i = 3; i < len; i++)
		p[i] = i;
	OSMO_ASSERT(sg_mtp2_l3_req(t->a, SG_MTP2_DATA, NULL, m) == 0);
}

/* B has received A's SU completely: B's receiving side. */
static void b_receive(struct tester *t, const struct tst_su *s)
{
	const struct sg_mtp2_su *su = &s->su;
	uint16_t m = bmask(t);
	bool pcr = t->cfg.ec == SG_MTP2_EC_PCR;

	if (s->kind != K_FISU && s->kind != K_MSU)
		return;
	/* A negatively acknowledges: B retransmits what follows A's BSN */
	if (!pcr && t->b_auto_fib && su->bib != t->b_fib) {
		t->b_fib = su->bib;
		if (t->b_auto_retrans) {
			uint16_t f;

			for (f = (su->bsn + 1) & m; f != ((t->b_fsn + 1) & m); f = (f + 1) & m)
				b_queue_msu(t, f, t->b_fib, t->b_bsn, t->b_bib, t->b_tag[f], 8);
		}
	}
	if (s->kind == K_MSU && t->b_auto_ack && !t->b_hold_ack &&
	    su->fsn == ((t->b_bsn + 1) & m) && (pcr || su->fib == t->b_bib)) {
		t->b_bsn = su->fsn;
		if (t->b_rx_msu < TST_MAX_RX)
			t->b_rx_tag[t->b_rx_msu] = tag_of(su->payload, su->payload_len);
		t->b_rx_msu++;
	}
}

static void a_complete(struct tester *t)
{
	size_t len;

	if (t->a_cur.len)
		b_receive(t, &t->a_cur);
	len = sg_mtp2_tx_next(t->a, t->a_cur.raw, sizeof(t->a_cur.raw));
	OSMO_ASSERT(len > 0);
	t->a_cur.len = len;
	t->a_cur.t = t->a_end;
	OSMO_ASSERT(sg_mtp2_su_decode(&t->a_cur.su, t->a_cur.raw, len, t->cfg.ext_seq,
				      SG_MTP2_MAX_SIF) == SG_MTP2_SU_OK);
	t->a_cur.kind = tst_kind_of(&t->a_cur.su);
	t->a_count[t->a_cur.kind]++;
	t->a_new = true;
	t->a_end += tst_su_ns(t, len);
}

/* ---- HDLC mode: A's software HDLC receiver in front of A's MTP2 ---- */

static void arx_frame(void *priv, const uint8_t *su, size_t len)
{
	struct tester *t = priv;

	sg_mtp2_rx_su(t->a, su, len);
}

static void arx_error(void *priv, enum sg_hdlc_rx_err err, size_t octets)
{
	struct tester *t = priv;

	sg_mtp2_rx_event(t->a, SG_MTP2_RX_SU_ERROR);
}

static void arx_ocm_octets(void *priv)
{
	struct tester *t = priv;

	sg_mtp2_rx_event(t->a, SG_MTP2_RX_OCTET_COUNT);
}

static void arx_ocm_enter(void *priv)
{
	struct tester *t = priv;

	sg_mtp2_rx_event(t->a, SG_MTP2_RX_LOSS_OF_ALIGN);
}

/* the glue documented in include/sg/mtp2.h */
static const struct sg_hdlc_rx_ops arx_ops = {
	.frame = arx_frame,
	.error = arx_error,
	.ocm_enter = arx_ocm_enter,
	.ocm_octets = arx_ocm_octets,
};

void tst_hdlc_mode(struct tester *t)
{
	struct sg_hdlc_cfg cfg;

	OSMO_ASSERT(sg_hdlc_cfg_q703(&cfg, t->cfg.ext_seq ? SG_HDLC_ANNEX_A : SG_HDLC_BASIC,
				     t->cfg.max_sif) == 0);
	OSMO_ASSERT(sg_hdlc_rx_init(&t->arx, &cfg, &arx_ops, t) == 0);
	t->hdlc = true;
	t->b_nflags = 1;
}

/* Line bits, first bit in bit 0 of each octet (Q.703 §2.4). */
static void line_bit(struct tester *t, unsigned int bit)
{
	t->lacc |= bit << t->lnb;
	t->lbits++;
	if (++t->lnb == 8) {
		uint8_t o = t->lacc;

		sg_hdlc_rx_feed(&t->arx, &o, 1);
		t->lacc = 0;
		t->lnb = 0;
	}
}

static void line_flag(struct tester *t)
{
	static const uint8_t flag[8] = { 0, 1, 1, 1, 1, 1, 1, 0 };
	unsigned int i;

	for (i = 0; i < 8; i++)
		line_bit(t, flag[i]);
}

/* One frame: SU + FCS with zero insertion after five ones (Q.703 §3.2);
 * bad_fcs corrupts the FCS, abort puts 7 ones in the middle. */
static void line_frame(struct tester *t, const uint8_t *su, size_t len, bool bad_fcs, bool abort)
{
	uint8_t fr[SG_MTP2_SU_MAX + 2];
	uint16_t fcs = sg_hdlc_fcs16(su, len);
	unsigned int ones = 0, i, b;

	if (bad_fcs)
		fcs ^= 0x8001;
	memcpy(fr, su, len);
	fr[len] = fcs & 0xff;
	fr[len + 1] = fcs >> 8;
	for (i = 0; i < len + 2; i++) {
		if (abort && i == len / 2) {
			for (b = 0; b < 7; b++)
				line_bit(t, 1);
			return;
		}
		for (b = 0; b < 8; b++) {
			unsigned int bit = (fr[i] >> b) & 1;

			line_bit(t, bit);
			if (bit && ++ones == 5) {
				line_bit(t, 0);
				ones = 0;
			} else if (!bit) {
				ones = 0;
			}
		}
	}
}

static void b_line_send(struct tester *t, const struct b_item *it)
{
	uint64_t start = t->lbits;
	unsigned int i;

	for (i = 0; i < t->b_nflags; i++)
		line_flag(t);
	line_frame(t, it->raw, it->len, it->kind == BI_ERR, it->kind == BI_ABORT);
	t->b_end += (t->lbits - start) * t->bit_ns;
}

static void b_deliver(struct tester *t)
{
	if (t->hdlc)
		return;
	switch (t->b_cur.kind) {
	case BI_GOOD:
		if (t->b_cur.len)
			sg_mtp2_rx_su(t->a, t->b_cur.raw, t->b_cur.len);
		break;
	case BI_ERR:
		sg_mtp2_rx_event(t->a, SG_MTP2_RX_SU_ERROR);
		break;
	case BI_LOSS:	/* the SU in transit when the line broke is lost */
	case BI_ABORT:
		sg_mtp2_rx_event(t->a, SG_MTP2_RX_SU_ERROR);
		sg_mtp2_rx_event(t->a, SG_MTP2_RX_LOSS_OF_ALIGN);
		break;
	case BI_OCTETS:
		sg_mtp2_rx_event(t->a, SG_MTP2_RX_OCTET_COUNT);
		break;
	}
}

static void b_next(struct tester *t)
{
	struct b_item *it = &t->b_cur;

	if (t->b_break) {
		/* line break: the receiver sees no flags, octet counting */
		it->kind = t->b_broken ? BI_OCTETS : BI_LOSS;
		it->len = 0;
		t->b_broken = true;
		t->b_end += 16 * 8 * t->bit_ns;
		return;
	}
	t->b_broken = false;
	if (t->q_head != t->q_tail) {
		*it = t->q[t->q_head++ % TST_QLEN];
	} else {
		struct sg_mtp2_su su = {
			.fsn = t->b_fsn, .fib = t->b_fib, .bsn = t->b_bsn, .bib = t->b_bib,
		};

		if (t->b_lssu >= 0) {
			su.type = SG_MTP2_SU_LSSU;
			su.status = t->b_lssu;
			su.sf_len = t->b_sf_len;
		} else {
			su.type = SG_MTP2_SU_FISU;
		}
		it->kind = BI_GOOD;
		it->len = sg_mtp2_su_encode(it->raw, sizeof(it->raw), &su, t->cfg.ext_seq);
	}
	if (it->kind == BI_GOOD) {
		if (t->b_err_next) {
			t->b_err_next--;
			it->kind = BI_ERR;
		} else if (t->b_err_every && ++t->b_err_cnt >= t->b_err_every) {
			t->b_err_cnt = 0;
			it->kind = BI_ERR;
		}
	}
	if (t->hdlc)
		b_line_send(t, it);	/* A receives it as it is sent */
	else
		t->b_end += tst_su_ns(t, it->len);
}

static void b_complete(struct tester *t)
{
	b_deliver(t);
	b_next(t);
}

void tst_step(struct tester *t)
{
	uint64_t now = sg_now(), next = t->a_end < t->b_end ? t->a_end : t->b_end;

	if (next > now)
		sg_clock_advance(next - now);
	if (t->b_end == next)
		b_complete(t);
	if (t->a_end == next)
		a_complete(t);
}

static inline uint64_t next_edge(const struct tester *t)
{
	return t->a_end < t->b_end ? t->a_end : t->b_end;
}

void tst_run(struct tester *t, uint64_t ns)
{
	uint64_t end = sg_now() + ns;

	while (next_edge(t) <= end)
		tst_step(t);
	if (end > sg_now())
		sg_clock_advance(end - sg_now());
}

bool tst_wait(struct tester *t, unsigned int mask, uint64_t timeout_ns)
{
	uint64_t end = sg_now() + timeout_ns;

	t->a_new = false;
	while (next_edge(t) <= end) {
		tst_step(t);
		if (t->a_new && (KM(t->a_cur.kind) & mask)) {
			t->hit = t->a_cur;
			t->hit.su.payload = t->hit.raw + (t->cfg.ext_seq ? 6 : 3);
			return true;
		}
		t->a_new = false;
	}
	return false;
}

bool tst_only(struct tester *t, unsigned int mask, uint64_t ns)
{
	uint64_t end = sg_now() + ns;

	/* the SU being sent now was seen by the previous wait: not checked */
	t->a_new = false;
	while (next_edge(t) <= end) {
		tst_step(t);
		if (t->a_new && !(KM(t->a_cur.kind) & mask))
			return tst_fail(t, "A sent %s at %.3f s", tst_kind_name(t->a_cur.kind),
					t->a_cur.t / 1e9);
		t->a_new = false;
	}
	return true;
}

int tst_find_ind(const struct tester *t, enum sg_mtp2_prim prim, unsigned int from)
{
	unsigned int i;

	for (i = from; i < t->n_ind; i++)
		if (t->ind[i].prim == prim)
			return i;
	return -1;
}

bool tst_wait_ind(struct tester *t, enum sg_mtp2_prim prim, unsigned int from,
		  uint64_t timeout_ns)
{
	uint64_t end = sg_now() + timeout_ns;

	while (tst_find_ind(t, prim, from) < 0) {
		if (next_edge(t) > end)
			return false;
		tst_step(t);
	}
	return true;
}

/* Normal initial alignment with B cooperating (Q.703 §7.3), ends with
 * A in ALIGNED READY having sent its first FISU; B still sends SIN/SIE. */
bool tst_align(struct tester *t, bool emerg_a, bool emerg_b)
{
	uint64_t pn = (emerg_a || emerg_b) ? 700 : 10000;

	if (emerg_a)
		a_req(t, SG_MTP2_EMERGENCY);
	a_req(t, SG_MTP2_START);
	if (!tst_wait(t, KM(K_SIO), 100 * SG_NS_PER_MS))
		return tst_fail(t, "no SIO after start");
	b_repeat_lssu(t, SG_MTP2_SIO);
	if (!tst_wait(t, KM(K_SIN) | KM(K_SIE), 100 * SG_NS_PER_MS))
		return tst_fail(t, "no SIN/SIE after SIO");
	b_repeat_lssu(t, emerg_b ? SG_MTP2_SIE : SG_MTP2_SIN);
	if (!tst_wait(t, KM(K_FISU) | KM(K_SIPO), pn * SG_NS_PER_MS))
		return tst_fail(t, "no FISU/SIPO after proving");
	return true;
}

bool tst_in_service(struct tester *t)
{
	unsigned int from = t->n_ind;

	if (!tst_align(t, false, false))
		return false;
	b_repeat_fisu(t);
	if (!tst_wait_ind(t, SG_MTP2_IN_SERVICE, from, 100 * SG_NS_PER_MS))
		return tst_fail(t, "no in-service indication");
	tst_run(t, 10 * SG_NS_PER_MS);
	return true;
}
