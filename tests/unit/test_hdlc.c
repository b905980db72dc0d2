/* Unit tests of the software HDLC (Q.703 §3, §4.1.4, §4.2, Annex A), cross-checked with
 * libosmocore's osmo_isdnhdlc. */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/isdnhdlc.h>
#include <osmocom/core/crc16.h>

#include <sg/hdlc.h>

#include "cu_main.h"

#define NF		3000
#define STREAM_MAX	(4 * 1024 * 1024)

/* ---- deterministic random numbers ---- */

static uint64_t rng_state;

static void rng_seed(uint64_t s)
{
	rng_state = s ? s : 1;
}

static uint32_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return (x * 0x2545f4914f6cdd1dULL) >> 32;
}

static unsigned int rnd_range(unsigned int lo, unsigned int hi)
{
	return lo + rnd() % (hi - lo + 1);
}

/* ---- frames to send: a pool, the transmitter's source and the receiver's collector ---- */

static uint8_t pool[NF][SG_HDLC_MAX_SU];
static size_t pool_len[NF];
static unsigned int pool_n;

/* Fill the pool with n frames of lengths lo..hi; a few have worst-case stuffing patterns */
static void pool_make(unsigned int n, unsigned int lo, unsigned int hi)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		pool_len[i] = rnd_range(lo, hi);
		for (j = 0; j < pool_len[i]; j++) {
			switch (i % 10) {
			case 7:
				pool[i][j] = 0xff;
				break;
			case 8:
				pool[i][j] = j & 1 ? 0x7e : 0x3f;
				break;
			default:
				pool[i][j] = rnd();
			}
		}
		/* a sequence number, so that a delivered frame names itself */
		pool[i][0] = i & 0xff;
		if (pool_len[i] > 1)
			pool[i][1] = i >> 8;
	}
	pool_n = n;
}

/* The one SU a test's line carries intact: what the collector must receive. */
static void pool_one(const uint8_t *su, size_t len)
{
	pool_n = 1;
	memcpy(pool[0], su, len);
	pool_len[0] = len;
}

struct src {
	unsigned int next;
	unsigned int idle_every;	/* return 0 every idle_every calls (0 = never) */
	unsigned int calls;
};

static size_t src_next_su(void *priv, uint8_t *buf, size_t max)
{
	struct src *s = priv;

	s->calls++;
	if (s->idle_every && s->calls % s->idle_every == 0)
		return 0;
	if (s->next >= pool_n)
		return 0;
	CU_ASSERT_FATAL(pool_len[s->next] <= max);
	memcpy(buf, pool[s->next], pool_len[s->next]);
	return pool_len[s->next++];
}

struct col {
	unsigned int frames;		/* delivered */
	unsigned int in_order;		/* delivered and equal to pool[frames - 1] */
	unsigned int foreign;		/* delivered but equal to no pool frame */
	unsigned int err[_NUM_SG_HDLC_RX_ERR];
	unsigned int errors;
	size_t last_err_octets;
	unsigned int ocm_enter, ocm_octets, ocm_leave;
	char log[256];			/* event letters: F frame, E error, O/N/L ocm */
	size_t loglen;
	unsigned int check_order;	/* compare with pool in order */
};

static void col_log(struct col *c, char ch)
{
	if (c->loglen < sizeof(c->log) - 1)
		c->log[c->loglen++] = ch;
}

static void col_frame(void *priv, const uint8_t *su, size_t len)
{
	struct col *c = priv;
	unsigned int idx;

	col_log(c, 'F');
	if (c->check_order) {
		if (c->frames < pool_n && len == pool_len[c->frames] &&
		    !memcmp(su, pool[c->frames], len))
			c->in_order++;
	} else {
		idx = len > 1 ? su[0] | su[1] << 8 : su[0];
		if (idx >= pool_n || len != pool_len[idx] || memcmp(su, pool[idx], len)) {
			for (idx = 0; idx < pool_n; idx++)
				if (len == pool_len[idx] && !memcmp(su, pool[idx], len))
					break;
			if (idx == pool_n)
				c->foreign++;
		}
	}
	c->frames++;
}

static void col_error(void *priv, enum sg_hdlc_rx_err err, size_t octets)
{
	struct col *c = priv;

	col_log(c, 'E');
	c->err[err]++;
	c->errors++;
	c->last_err_octets = octets;
}

static void col_ocm_enter(void *priv)
{
	struct col *c = priv;

	col_log(c, 'O');
	c->ocm_enter++;
}

static void col_ocm_octets(void *priv)
{
	struct col *c = priv;

	col_log(c, 'N');
	c->ocm_octets++;
}

static void col_ocm_leave(void *priv)
{
	struct col *c = priv;

	col_log(c, 'L');
	c->ocm_leave++;
}

static const struct sg_hdlc_rx_ops col_ops = {
	.frame = col_frame,
	.error = col_error,
	.ocm_enter = col_ocm_enter,
	.ocm_octets = col_ocm_octets,
	.ocm_leave = col_ocm_leave,
};

static uint8_t stream[STREAM_MAX];

/* Transmit the whole pool (plus some flags) into stream[]; returns its length */
static size_t tx_pool(const struct sg_hdlc_cfg *cfg, struct src *s, struct sg_hdlc_tx *tx)
{
	size_t n = 0, chunk;

	CU_ASSERT_FATAL(sg_hdlc_tx_init(tx, cfg, src_next_su, s) == 0);
	while (s->next < pool_n) {
		chunk = rnd_range(1, 500);
		CU_ASSERT_FATAL(n + chunk <= STREAM_MAX);
		sg_hdlc_tx_fill(tx, stream + n, chunk);
		n += chunk;
	}
	/* enough for the last frame (stuffed, 56k) and its closing flag */
	sg_hdlc_tx_fill(tx, stream + n, 2 * SG_HDLC_MAX_SU);
	return n + 2 * SG_HDLC_MAX_SU;
}

/* Feed stream[0..n) in random chunks */
static void rx_chunks(struct sg_hdlc_rx *rx, const uint8_t *p, size_t n)
{
	size_t chunk;

	while (n) {
		chunk = rnd_range(1, 300);
		if (chunk > n)
			chunk = n;
		sg_hdlc_rx_feed(rx, p, chunk);
		p += chunk;
		n -= chunk;
	}
}

static void roundtrip(const struct sg_hdlc_cfg *cfg, unsigned int nframes, unsigned int lo,
		      unsigned int hi, unsigned int idle_every)
{
	struct sg_hdlc_tx tx;
	struct sg_hdlc_rx rx;
	struct src s = { .idle_every = idle_every };
	struct col c = { .check_order = 1 };
	size_t n;

	pool_make(nframes, lo, hi);
	n = tx_pool(cfg, &s, &tx);
	CU_ASSERT_EQUAL(tx.stats.frames, nframes);
	CU_ASSERT_FATAL(sg_hdlc_rx_init(&rx, cfg, &col_ops, &c) == 0);
	rx_chunks(&rx, stream, n);
	CU_ASSERT_EQUAL(c.frames, nframes);
	CU_ASSERT_EQUAL(c.in_order, nframes);
	CU_ASSERT_EQUAL(c.errors, 0);
	CU_ASSERT_EQUAL(c.ocm_enter, 0);
	CU_ASSERT_EQUAL(rx.stats.frames, nframes);
	CU_ASSERT_EQUAL(rx.stats.su_octets, tx.stats.su_octets);
}

/* ---- a bit writer for hand-made line streams (first bit = bit 0) ---- */

struct bw {
	uint8_t buf[4096];
	size_t nbits;
	unsigned int ones;
};

static void bw_bit(struct bw *w, unsigned int bit)
{
	if (bit)
		w->buf[w->nbits / 8] |= 1 << (w->nbits % 8);
	else
		w->buf[w->nbits / 8] &= ~(1 << (w->nbits % 8));
	w->nbits++;
}

static void bw_raw(struct bw *w, unsigned int val, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		bw_bit(w, (val >> i) & 1);
	w->ones = 0;
}

static void bw_flag(struct bw *w)
{
	bw_raw(w, 0x7e, 8);
}

/* nbits data bits of data[], with zero insertion */
static void bw_data_bits(struct bw *w, const uint8_t *data, size_t nbits)
{
	size_t i;

	for (i = 0; i < nbits; i++) {
		unsigned int bit = (data[i / 8] >> (i % 8)) & 1;

		bw_bit(w, bit);
		if (bit && ++w->ones == 5) {
			bw_bit(w, 0);
			w->ones = 0;
		} else if (!bit) {
			w->ones = 0;
		}
	}
}

/* An SU with correct (or deliberately wrong) FCS, zero insertion */
static void bw_su(struct bw *w, const uint8_t *su, size_t len, uint16_t fcs_xor)
{
	uint8_t tmp[SG_HDLC_MAX_SU + 8];
	uint16_t fcs = sg_hdlc_fcs16(su, len) ^ fcs_xor;

	memcpy(tmp, su, len);
	tmp[len] = fcs & 0xff;
	tmp[len + 1] = fcs >> 8;
	bw_data_bits(w, tmp, (len + 2) * 8);
}

/* Pad to whole octets with zeros (inside a frame they never complete one) */
static size_t bw_len(struct bw *w)
{
	while (w->nbits % 8)
		bw_bit(w, 0);
	return w->nbits / 8;
}

/* A receiver with cfg and collector c takes the whole line w in one feed. */
static void rx_line(struct sg_hdlc_rx *rx, const struct sg_hdlc_cfg *cfg, struct col *c,
		    struct bw *w)
{
	CU_ASSERT_FATAL(sg_hdlc_rx_init(rx, cfg, &col_ops, c) == 0);
	sg_hdlc_rx_feed(rx, w->buf, bw_len(w));
}

static void cfg_basic(struct sg_hdlc_cfg *cfg)
{
	CU_ASSERT_FATAL(sg_hdlc_cfg_q703(cfg, SG_HDLC_BASIC, 0) == 0);
}

static const uint8_t su3[3] = { 0x81, 0x02, 0x00 };			/* a FISU */
static const uint8_t su8[8] = { 0x01, 0x80, 0x05, 0x83, 0x11, 0x22, 0x33, 0x44 };

/* ---- tests ---- */

static void test_crc(void)
{
	static const uint8_t check[] = "123456789";
	uint8_t buf[300];
	unsigned int i, len;

	/* CRC-16/X.25 check value (ISO 3309 FCS over "123456789") */
	CU_ASSERT_EQUAL(sg_hdlc_fcs16(check, 9), 0x906e);
	for (i = 0; i < 200; i++) {
		len = rnd_range(0, 298);
		for (unsigned int j = 0; j < len; j++)
			buf[j] = rnd();
		CU_ASSERT_EQUAL(sg_hdlc_crc16(0xffff, buf, len),
				osmo_crc16_ccitt(0xffff, buf, len));
		uint16_t fcs = sg_hdlc_fcs16(buf, len);
		buf[len] = fcs & 0xff;
		buf[len + 1] = fcs >> 8;
		CU_ASSERT_EQUAL(sg_hdlc_crc16(SG_HDLC_FCS_INIT, buf, len + 2), SG_HDLC_FCS_GOOD);
	}
}

static void test_cfg(void)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_rx rx;

	CU_ASSERT_EQUAL(sg_hdlc_cfg_q703(&cfg, SG_HDLC_BASIC, 0), 0);
	CU_ASSERT_EQUAL(cfg.min_su, 3);
	CU_ASSERT_EQUAL(cfg.max_su, 276);
	CU_ASSERT_EQUAL(cfg.ocm_n, 16);
	CU_ASSERT_EQUAL(cfg.tx_flags, 1);
	CU_ASSERT_EQUAL(sg_hdlc_cfg_q703(&cfg, SG_HDLC_ANNEX_A, 0), 0);
	CU_ASSERT_EQUAL(cfg.min_su, 6);
	CU_ASSERT_EQUAL(cfg.max_su, 279);
	CU_ASSERT_EQUAL(sg_hdlc_cfg_q703(&cfg, SG_HDLC_BASIC, SG_HDLC_MAX_SU), -EINVAL);
	cfg_basic(&cfg);
	cfg.max_su = SG_HDLC_MAX_SU + 1;
	CU_ASSERT_EQUAL(sg_hdlc_rx_init(&rx, &cfg, &col_ops, NULL), -EINVAL);
	cfg_basic(&cfg);
	cfg.flags = 0x80;
	CU_ASSERT_EQUAL(sg_hdlc_rx_init(&rx, &cfg, &col_ops, NULL), -EINVAL);
}

/* Random frames 3..276 octets (the Q.703 basic range with m = 272), one shared flag */
static void test_roundtrip_random(void)
{
	struct sg_hdlc_cfg cfg;

	cfg_basic(&cfg);
	roundtrip(&cfg, NF, 3, 276, 0);
}

/* Several flags between frames, and idle flags when next_su has nothing */
static void test_roundtrip_flags(void)
{
	struct sg_hdlc_cfg cfg;
	unsigned int nf;

	cfg_basic(&cfg);
	for (nf = 2; nf <= 7; nf += 5) {
		cfg.tx_flags = nf;
		roundtrip(&cfg, 500, 3, 276, 0);
	}
	cfg.tx_flags = 1;
	roundtrip(&cfg, 500, 3, 60, 3);
}

/* Exactly one flag between frames (Q.703 §3.1 shared flag) in the transmitted stream */
static void test_shared_flag_tx(void)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_tx tx;
	struct src s = { 0 };
	uint8_t out[64];
	static const uint8_t zeros[3];

	cfg_basic(&cfg);
	pool_n = 2;
	memcpy(pool[0], zeros, 3);
	pool_len[0] = 3;
	memcpy(pool[1], zeros, 3);
	pool_len[1] = 3;
	CU_ASSERT_FATAL(sg_hdlc_tx_init(&tx, &cfg, src_next_su, &s) == 0);
	sg_hdlc_tx_fill(&tx, out, 13);
	/* flag, 3 zero octets, FCS, flag, 3 zero octets, FCS, flag: all octet aligned
	 * because neither the zeros nor this FCS (0x47 0x0f) need zero insertion */
	CU_ASSERT_EQUAL(out[0], 0x7e);
	CU_ASSERT_EQUAL(out[1], 0);
	CU_ASSERT_EQUAL(out[4], sg_hdlc_fcs16(zeros, 3) & 0xff);
	CU_ASSERT_EQUAL(out[6], 0x7e);
	CU_ASSERT_EQUAL(out[7], 0);
	CU_ASSERT_EQUAL(out[12], 0x7e);
	CU_ASSERT_EQUAL(tx.stats.frames, 2);
}

/* Shared zero between flags (011111101111110), many flags, frames in between */
static void test_shared_zero_and_multiple_flags(void)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_rx rx;
	struct col c = { 0 };
	struct bw w = { .nbits = 0 };
	int i;

	cfg_basic(&cfg);
	pool_one(su3, 3);
	bw_flag(&w);
	bw_raw(&w, 0x3f, 7);		/* 1111110: a flag sharing the previous zero */
	bw_raw(&w, 0x3f, 7);
	bw_su(&w, su3, 3, 0);
	bw_flag(&w);
	for (i = 0; i < 5; i++)
		bw_flag(&w);
	bw_su(&w, su3, 3, 0);
	bw_raw(&w, 0x7e, 8);
	bw_raw(&w, 0x3f, 7);
	bw_su(&w, su3, 3, 0);
	bw_flag(&w);
	rx_line(&rx, &cfg, &c, &w);
	CU_ASSERT_EQUAL(c.frames, 3);
	CU_ASSERT_EQUAL(c.foreign, 0);
	CU_ASSERT_EQUAL(c.errors, 0);
	CU_ASSERT_EQUAL(c.ocm_enter, 0);
}

/* 7 ones inside a frame: abort, octet counting mode, left by the next correct SU */
static void test_abort(void)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_rx rx;
	struct col c = { 0 };
	struct bw w = { .nbits = 0 };

	cfg_basic(&cfg);
	pool_one(su8, 8);
	bw_flag(&w);
	bw_data_bits(&w, su8, 5 * 8);		/* 5 octets of a frame ... */
	bw_raw(&w, 0x7f, 7);			/* ... aborted */
	bw_flag(&w);
	bw_su(&w, su8, 8, 0);
	bw_flag(&w);
	rx_line(&rx, &cfg, &c, &w);
	CU_ASSERT_EQUAL(c.err[SG_HDLC_RX_ERR_ABORT], 1);
	CU_ASSERT_EQUAL(c.last_err_octets, 5);
	CU_ASSERT_EQUAL(c.errors, 1);
	CU_ASSERT_EQUAL(c.ocm_enter, 1);
	CU_ASSERT_EQUAL(c.ocm_leave, 1);
	CU_ASSERT_EQUAL(c.frames, 1);
	CU_ASSERT_EQUAL(c.foreign, 0);
	CU_ASSERT_STRING_EQUAL(c.log, "EOLF");
	CU_ASSERT_EQUAL(rx.stats.err[SG_HDLC_RX_ERR_ABORT], 1);
}

static void test_fcs_error(void)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_rx rx;
	struct col c = { 0 };
	struct bw w = { .nbits = 0 };

	cfg_basic(&cfg);
	pool_one(su8, 8);
	bw_flag(&w);
	bw_su(&w, su8, 8, 0x0100);
	bw_flag(&w);
	bw_su(&w, su8, 8, 0);
	bw_flag(&w);
	rx_line(&rx, &cfg, &c, &w);
	CU_ASSERT_EQUAL(c.err[SG_HDLC_RX_ERR_FCS], 1);
	CU_ASSERT_EQUAL(c.last_err_octets, 10);
	CU_ASSERT_EQUAL(c.errors, 1);
	CU_ASSERT_EQUAL(c.frames, 1);
	CU_ASSERT_EQUAL(c.ocm_enter, 0);
	CU_ASSERT_STRING_EQUAL(c.log, "EF");
}

/* Q.703 §4.1.4: fewer than 6 octets counting one flag, i.e. SU < 3 octets (basic) */
static void test_too_short(void)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_rx rx;
	struct col c = { 0 };
	struct bw w = { .nbits = 0 };

	cfg_basic(&cfg);
	pool_one(su3, 3);
	bw_flag(&w);
	bw_su(&w, su3, 2, 0);		/* 2 + FCS: too short even with a correct FCS */
	bw_flag(&w);
	bw_su(&w, su3, 0, 0);		/* FCS only */
	bw_flag(&w);
	bw_data_bits(&w, su3, 8);	/* one octet */
	bw_flag(&w);
	bw_su(&w, su3, 3, 0);		/* the minimum: accepted */
	bw_flag(&w);
	rx_line(&rx, &cfg, &c, &w);
	CU_ASSERT_EQUAL(c.err[SG_HDLC_RX_ERR_SHORT], 3);
	CU_ASSERT_EQUAL(c.errors, 3);
	CU_ASSERT_EQUAL(c.frames, 1);
	CU_ASSERT_EQUAL(c.foreign, 0);
	CU_ASSERT_EQUAL(c.ocm_enter, 0);
}

/* Longer than m+7 octets counting one flag: error, octet counting mode until a correct SU */
static void test_too_long(void)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_rx rx;
	struct col c = { 0 };
	struct bw w = { .nbits = 0 };
	static uint8_t big[SG_HDLC_MAX_SU];
	unsigned int i;
	size_t n;

	cfg_basic(&cfg);
	for (i = 0; i < sizeof(big); i++)
		big[i] = rnd();
	pool_one(big, 276);
	bw_flag(&w);
	bw_su(&w, big, 277, 0);		/* one octet too many, correct FCS */
	bw_flag(&w);
	bw_su(&w, big, 276, 0);		/* the maximum: accepted, leaves octet counting */
	bw_flag(&w);
	bw_su(&w, big, 400, 0);
	bw_flag(&w);
	n = bw_len(&w);
	CU_ASSERT_FATAL(sg_hdlc_rx_init(&rx, &cfg, &col_ops, &c) == 0);
	rx_chunks(&rx, w.buf, n);
	CU_ASSERT_EQUAL(c.err[SG_HDLC_RX_ERR_LONG], 2);
	CU_ASSERT_EQUAL(c.errors, 2);
	CU_ASSERT_EQUAL(c.frames, 1);
	CU_ASSERT_EQUAL(c.foreign, 0);
	CU_ASSERT_EQUAL(c.ocm_enter, 2);
	CU_ASSERT_EQUAL(c.ocm_leave, 1);
	CU_ASSERT_EQUAL(c.log[0], 'E');
	CU_ASSERT_EQUAL(c.log[1], 'O');
	CU_ASSERT_EQUAL(rx.in_ocm, 1);

	/* a larger configured maximum takes the 400 octets */
	cfg.max_su = 400;
	memset(&c, 0, sizeof(c));
	CU_ASSERT_FATAL(sg_hdlc_rx_init(&rx, &cfg, &col_ops, &c) == 0);
	rx_chunks(&rx, w.buf, n);
	CU_ASSERT_EQUAL(c.errors, 0);
	CU_ASSERT_EQUAL(c.frames, 3);
}

static void test_non_octet(void)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_rx rx;
	struct col c = { 0 };
	struct bw w = { .nbits = 0 };
	unsigned int extra;

	cfg_basic(&cfg);
	pool_one(su8, 8);
	bw_flag(&w);
	for (extra = 1; extra < 8; extra++) {
		uint8_t su9[9] = { 0x01, 0x80, 0x05, 0x83, 0x11, 0x22, 0x33, 0x44, 0x00 };

		bw_data_bits(&w, su9, 8 * 8 + extra);
		bw_flag(&w);
	}
	bw_su(&w, su8, 8, 0);
	bw_flag(&w);
	rx_line(&rx, &cfg, &c, &w);
	CU_ASSERT_EQUAL(c.err[SG_HDLC_RX_ERR_NONOCTET], 7);
	CU_ASSERT_EQUAL(c.last_err_octets, 8);
	CU_ASSERT_EQUAL(c.errors, 7);
	CU_ASSERT_EQUAL(c.frames, 1);
}

/* Q.703 §4.1.4: in octet counting mode one event per N = 16 octets, until a correct SU */
static void test_octet_counting(void)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_rx rx;
	struct col c = { 0 };
	uint8_t line[200];
	struct bw w = { .nbits = 0 };
	size_t n;

	cfg_basic(&cfg);
	pool_one(su3, 3);
	CU_ASSERT_FATAL(sg_hdlc_rx_init(&rx, &cfg, &col_ops, &c) == 0);
	/* flag, two data octets, then all ones: the 7th one is in the first 0xff octet */
	line[0] = 0x7e;
	line[1] = 0x01;
	line[2] = 0x02;
	line[3] = 0xff;
	sg_hdlc_rx_feed(&rx, line, 4);
	CU_ASSERT_EQUAL(c.ocm_enter, 1);
	CU_ASSERT_EQUAL(c.err[SG_HDLC_RX_ERR_ABORT], 1);
	CU_ASSERT_EQUAL(c.ocm_octets, 0);
	memset(line, 0xff, sizeof(line));
	sg_hdlc_rx_feed(&rx, line, 5 * 16);
	CU_ASSERT_EQUAL(c.ocm_octets, 5);
	sg_hdlc_rx_feed(&rx, line, 15);
	CU_ASSERT_EQUAL(c.ocm_octets, 5);
	sg_hdlc_rx_feed(&rx, line, 1);
	CU_ASSERT_EQUAL(c.ocm_octets, 6);
	/* counting goes on over errored frames, which are counted but not reported */
	bw_flag(&w);
	bw_su(&w, su3, 3, 0x8000);		/* FCS error */
	bw_flag(&w);
	bw_su(&w, su3, 1, 0);			/* too short */
	bw_flag(&w);
	n = bw_len(&w);
	sg_hdlc_rx_feed(&rx, w.buf, n);
	CU_ASSERT_EQUAL(c.errors, 1);
	CU_ASSERT_EQUAL(rx.stats.err[SG_HDLC_RX_ERR_FCS], 1);
	CU_ASSERT_EQUAL(rx.stats.err[SG_HDLC_RX_ERR_SHORT], 1);
	CU_ASSERT_EQUAL(c.ocm_octets, 6 + n / 16);
	/* a correct SU ends octet counting; afterwards no more events */
	memset(&w, 0, sizeof(w));
	bw_flag(&w);		/* the previous padding zeros were an unfinished frame */
	bw_su(&w, su3, 3, 0);
	bw_flag(&w);
	n = bw_len(&w);
	sg_hdlc_rx_feed(&rx, w.buf, n);
	CU_ASSERT_EQUAL(c.ocm_leave, 1);
	CU_ASSERT_EQUAL(c.frames, 1);
	CU_ASSERT_EQUAL(rx.in_ocm, 0);
	unsigned int ev = c.ocm_octets;
	memset(line, 0x7e, sizeof(line));
	sg_hdlc_rx_feed(&rx, line, sizeof(line));
	CU_ASSERT_EQUAL(c.ocm_octets, ev);
	/* an idle all-ones line enters it again (no frame was open: no abort error) */
	memset(line, 0xff, sizeof(line));
	sg_hdlc_rx_feed(&rx, line, 1 + 3 * 16);
	CU_ASSERT_EQUAL(c.ocm_enter, 2);
	CU_ASSERT_EQUAL(c.ocm_octets, ev + 3);
	CU_ASSERT_EQUAL(c.err[SG_HDLC_RX_ERR_ABORT], 1);
	CU_ASSERT_EQUAL(rx.stats.ocm_events, c.ocm_octets);
	CU_ASSERT_EQUAL(rx.stats.ocm_entered, 2);
}

/* A different N */
static void test_octet_counting_n(void)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_rx rx;
	struct col c = { 0 };
	uint8_t line[100];

	cfg_basic(&cfg);
	cfg.ocm_n = 8;
	CU_ASSERT_FATAL(sg_hdlc_rx_init(&rx, &cfg, &col_ops, &c) == 0);
	memset(line, 0xff, sizeof(line));
	/* hunting from init: 7 ones in the first octet are a loss of alignment */
	sg_hdlc_rx_feed(&rx, line, 1 + 80);
	CU_ASSERT_EQUAL(c.ocm_enter, 1);
	CU_ASSERT_EQUAL(c.ocm_octets, 10);
	CU_ASSERT_EQUAL(c.errors, 0);
}

static void test_56k(void)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_tx tx;
	struct src s = { 0 };
	size_t i, n;

	cfg_basic(&cfg);
	cfg.flags = SG_HDLC_F_56K;
	roundtrip(&cfg, 500, 3, 276, 0);
	/* the 8th bit on the line (bit 7, last transmitted) is always 1 */
	pool_make(50, 3, 276);
	n = tx_pool(&cfg, &s, &tx);
	for (i = 0; i < n; i++)
		if (!(stream[i] & 0x80))
			break;
	CU_ASSERT_EQUAL(i, n);
	CU_ASSERT_EQUAL(tx.stats.bits, n * 7);

	cfg.flags = SG_HDLC_F_56K | SG_HDLC_F_MSB_FIRST;
	roundtrip(&cfg, 500, 3, 276, 0);
	s.next = 0;
	n = tx_pool(&cfg, &s, &tx);
	for (i = 0; i < n; i++)
		if (!(stream[i] & 0x01))
			break;
	CU_ASSERT_EQUAL(i, n);
}

/* MSB-first line octets are the bit reversal of LSB-first ones */
static void test_msb_first(void)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_tx tx;
	struct src s = { 0 };
	static uint8_t a[20000];
	size_t i;
	unsigned int j, r;

	cfg_basic(&cfg);
	cfg.flags = SG_HDLC_F_MSB_FIRST;
	roundtrip(&cfg, 500, 3, 276, 0);

	pool_make(30, 3, 276);
	cfg.flags = 0;
	CU_ASSERT_FATAL(sg_hdlc_tx_init(&tx, &cfg, src_next_su, &s) == 0);
	sg_hdlc_tx_fill(&tx, a, sizeof(a));
	s.next = 0;
	s.calls = 0;
	cfg.flags = SG_HDLC_F_MSB_FIRST;
	CU_ASSERT_FATAL(sg_hdlc_tx_init(&tx, &cfg, src_next_su, &s) == 0);
	sg_hdlc_tx_fill(&tx, stream, sizeof(a));
	for (i = 0; i < sizeof(a); i++) {
		for (j = 0, r = 0; j < 8; j++)
			if (a[i] & (1 << j))
				r |= 0x80 >> j;
		if (stream[i] != r)
			break;
	}
	CU_ASSERT_EQUAL(i, sizeof(a));
}

/* Q.703 Annex A: SU 6..m+7 octets */
static void test_annex_a(void)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_rx rx;
	struct col c = { 0 };
	struct bw w = { .nbits = 0 };
	static uint8_t big[300];

	CU_ASSERT_FATAL(sg_hdlc_cfg_q703(&cfg, SG_HDLC_ANNEX_A, 0) == 0);
	roundtrip(&cfg, 1000, 6, 279, 0);

	memset(big, 0x55, sizeof(big));
	pool_one(big, 279);
	bw_flag(&w);
	bw_su(&w, big, 5, 0);
	bw_flag(&w);
	bw_su(&w, big, 280, 0);
	bw_flag(&w);
	bw_su(&w, big, 279, 0);
	bw_flag(&w);
	rx_line(&rx, &cfg, &c, &w);
	CU_ASSERT_EQUAL(c.err[SG_HDLC_RX_ERR_SHORT], 1);
	CU_ASSERT_EQUAL(c.err[SG_HDLC_RX_ERR_LONG], 1);
	CU_ASSERT_EQUAL(c.frames, 1);
	CU_ASSERT_EQUAL(c.foreign, 0);
}

/* Single bit errors at chosen places of chosen frames are all detected */
static void test_bit_errors_positions(void)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_tx tx;
	struct sg_hdlc_rx rx;
	struct src s = { 0 };
	struct col c = { 0 };
	static uint64_t pos[200];
	size_t n, np = 0;
	unsigned int i;

	cfg_basic(&cfg);
	cfg.tx_flags = 4;
	pool_make(400, 20, 20);	/* equal lengths: frames start at predictable places */
	/* one bit flipped every 400 line bits, from bit 1000 on: each frame with its flags
	 * takes 32 + 22 * 8 bits or more, so no frame is hit twice */
	for (i = 0; i < 200; i++)
		pos[np++] = 1000 + (uint64_t)i * 400;
	CU_ASSERT_FATAL(sg_hdlc_tx_init(&tx, &cfg, src_next_su, &s) == 0);
	sg_hdlc_tx_inject(&tx, pos, np, 0, 0);
	n = 0;
	while (s.next < pool_n) {
		sg_hdlc_tx_fill(&tx, stream + n, 1000);
		n += 1000;
	}
	sg_hdlc_tx_fill(&tx, stream + n, 100);
	n += 100;
	CU_ASSERT_EQUAL(tx.stats.bits_flipped, np);
	CU_ASSERT_FATAL(sg_hdlc_rx_init(&rx, &cfg, &col_ops, &c) == 0);
	sg_hdlc_rx_feed(&rx, stream, n);
	CU_ASSERT_EQUAL(c.foreign, 0);		/* no errored frame gets through */
	/* a flip inside a frame loses that frame, one in a flag at most the two around it;
	 * most flips land inside frames */
	CU_ASSERT(c.frames >= pool_n - 2 * np);
	CU_ASSERT(c.frames <= pool_n - np / 2);
	CU_ASSERT(rx.stats.err[SG_HDLC_RX_ERR_FCS] + rx.stats.err[SG_HDLC_RX_ERR_NONOCTET] +
		  rx.stats.err[SG_HDLC_RX_ERR_ABORT] + rx.stats.err[SG_HDLC_RX_ERR_SHORT] +
		  rx.stats.err[SG_HDLC_RX_ERR_LONG] >= np / 2);
}

/* Random bit errors (BER 1e-4, seeded): errors detected, no corrupted frame delivered */
static void test_bit_errors_rate(void)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_tx tx;
	struct sg_hdlc_rx rx;
	struct src s = { 0 };
	struct col c = { 0 };
	size_t n = 0;
	uint64_t errs = 0;
	unsigned int i;

	cfg_basic(&cfg);
	pool_make(NF, 3, 276);
	CU_ASSERT_FATAL(sg_hdlc_tx_init(&tx, &cfg, src_next_su, &s) == 0);
	sg_hdlc_tx_inject(&tx, NULL, 0, 1e-4, 12345);
	while (s.next < pool_n) {
		sg_hdlc_tx_fill(&tx, stream + n, 1000);
		n += 1000;
	}
	CU_ASSERT_FATAL(sg_hdlc_rx_init(&rx, &cfg, &col_ops, &c) == 0);
	sg_hdlc_rx_feed(&rx, stream, n);
	for (i = 0; i < _NUM_SG_HDLC_RX_ERR; i++)
		errs += rx.stats.err[i];
	CU_ASSERT(tx.stats.bits_flipped > 100);
	CU_ASSERT_EQUAL(c.foreign, 0);
	CU_ASSERT(c.frames < pool_n);
	CU_ASSERT(c.frames > pool_n / 2);
	CU_ASSERT(errs + rx.stats.ocm_entered > 0);
	/* the same seed gives the same stream */
	struct sg_hdlc_tx tx2;
	struct src s2 = { 0 };
	static uint8_t again[100000];
	CU_ASSERT_FATAL(sg_hdlc_tx_init(&tx2, &cfg, src_next_su, &s2) == 0);
	sg_hdlc_tx_inject(&tx2, NULL, 0, 1e-4, 12345);
	sg_hdlc_tx_fill(&tx2, again, sizeof(again));
	CU_ASSERT_EQUAL(memcmp(again, stream, sizeof(again)), 0);
}

static void test_corrupt_helper(void)
{
	uint8_t a[1000], b[1000];
	uint64_t r1 = 7, r2 = 7;
	size_t f1, f2, i, diff = 0;

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	f1 = sg_hdlc_corrupt(a, sizeof(a), 0.01, &r1);
	f2 = sg_hdlc_corrupt(b, sizeof(b), 0.01, &r2);
	CU_ASSERT_EQUAL(f1, f2);
	CU_ASSERT_EQUAL(memcmp(a, b, sizeof(a)), 0);
	for (i = 0; i < sizeof(a); i++)
		diff += __builtin_popcount(a[i]);
	CU_ASSERT_EQUAL(diff, f1);
	CU_ASSERT(f1 > 40 && f1 < 130);		/* 8000 bits at 1 %: 80 expected */
	CU_ASSERT_EQUAL(sg_hdlc_corrupt(a, sizeof(a), 0, &r1), 0);
}

/* ---- independent check against libosmocore's osmo_isdnhdlc ---- */

/* Our transmitter -> osmo_isdnhdlc_decode */
static void ours_to_osmo(unsigned int flags, uint32_t osmo_features)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_tx tx;
	struct src s = { 0 };
	struct osmo_isdnhdlc_vars dec;
	uint8_t dst[SG_HDLC_MAX_SU + 8];
	const uint8_t *p = stream;
	unsigned int good = 0, bad = 0, match = 0;
	size_t n;
	int left, count, r;

	cfg_basic(&cfg);
	cfg.flags = flags;
	pool_make(1000, 3, 276);
	n = tx_pool(&cfg, &s, &tx);
	osmo_isdnhdlc_rcv_init(&dec, osmo_features);
	left = n;
	while (left > 0) {
		r = osmo_isdnhdlc_decode(&dec, p, left, &count, dst, sizeof(dst));
		p += count;
		left -= count;
		if (r > 0) {
			if (good < pool_n && (size_t)r == pool_len[good] &&
			    !memcmp(dst, pool[good], r))
				match++;
			good++;
		} else if (r < 0) {
			bad++;
		}
	}
	CU_ASSERT_EQUAL(good, pool_n);
	CU_ASSERT_EQUAL(match, pool_n);
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_isdnhdlc_decodes_ours(void)
{
	ours_to_osmo(0, 0);
	ours_to_osmo(SG_HDLC_F_56K, OSMO_HDLC_F_56KBIT);
	ours_to_osmo(SG_HDLC_F_MSB_FIRST, OSMO_HDLC_F_BITREVERSE);
}

/* osmo_isdnhdlc_encode -> our receiver */
static void osmo_to_ours(unsigned int flags, uint32_t osmo_features)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_rx rx;
	struct col c = { .check_order = 1 };
	struct osmo_isdnhdlc_vars enc;
	size_t n = 0;
	unsigned int i, k;
	int count, r;

	cfg_basic(&cfg);
	cfg.flags = flags;
	pool_make(1000, 3, 276);
	osmo_isdnhdlc_out_init(&enc, osmo_features);
	/* some idle flags first */
	n += osmo_isdnhdlc_encode(&enc, NULL, 0, &count, stream, 4);
	for (i = 0; i < pool_n; i++) {
		r = osmo_isdnhdlc_encode(&enc, pool[i], pool_len[i], &count, stream + n,
					 STREAM_MAX - n);
		CU_ASSERT_FATAL(r > 0);
		CU_ASSERT_EQUAL((size_t)count, pool_len[i]);
		n += r;
		/* and now and then a few more flags */
		for (k = 0; k < i % 3; k++)
			n += osmo_isdnhdlc_encode(&enc, NULL, 0, &count, stream + n, 1);
	}
	n += osmo_isdnhdlc_encode(&enc, NULL, 0, &count, stream + n, 8);
	CU_ASSERT_FATAL(sg_hdlc_rx_init(&rx, &cfg, &col_ops, &c) == 0);
	rx_chunks(&rx, stream, n);
	CU_ASSERT_EQUAL(c.frames, pool_n);
	CU_ASSERT_EQUAL(c.in_order, pool_n);
	CU_ASSERT_EQUAL(c.errors, 0);
}

static void test_ours_decodes_isdnhdlc(void)
{
	osmo_to_ours(0, 0);
	osmo_to_ours(SG_HDLC_F_56K, OSMO_HDLC_F_56KBIT);
	osmo_to_ours(SG_HDLC_F_MSB_FIRST, OSMO_HDLC_F_BITREVERSE);
}

/* The same with the octet tables only (no BMI2 word path), whatever the CPU has */
static void test_tables_only(void)
{
	struct sg_hdlc_cfg cfg;
	int accel = sg_hdlc_accel(-1);

	sg_hdlc_accel(0);
	CU_ASSERT_EQUAL(sg_hdlc_accel(-1), 0);
	cfg_basic(&cfg);
	roundtrip(&cfg, NF, 3, 276, 0);
	cfg.flags = SG_HDLC_F_56K;
	roundtrip(&cfg, 300, 3, 276, 0);
	test_abort();
	test_too_long();
	test_octet_counting();
	test_bit_errors_rate();
	test_isdnhdlc_decodes_ours();
	test_ours_decodes_isdnhdlc();
	sg_hdlc_accel(accel);
	CU_ASSERT_EQUAL(sg_hdlc_accel(-1), accel);
	printf("(word path %s on this CPU) ", accel ? "available" : "not available");
}

static const struct cu_test tests[] = {
	{ "crc16 (X.25 FCS) vectors, slicing vs libosmocore", test_crc },
	{ "configuration (Q.703 basic, Annex A)", test_cfg },
	{ "round trip, 3000 random frames 3..276 octets", test_roundtrip_random },
	{ "round trip, several and idle flags", test_roundtrip_flags },
	{ "transmitter shares one flag between frames", test_shared_flag_tx },
	{ "receiver: shared zero, multiple flags", test_shared_zero_and_multiple_flags },
	{ "abort (7 ones) and octet counting", test_abort },
	{ "FCS error", test_fcs_error },
	{ "too short", test_too_short },
	{ "too long, configurable maximum", test_too_long },
	{ "not a whole number of octets", test_non_octet },
	{ "octet counting mode, N = 16", test_octet_counting },
	{ "octet counting mode, N = 8, from init", test_octet_counting_n },
	{ "56 kbit/s mode", test_56k },
	{ "MSB-first line octets", test_msb_first },
	{ "Annex A frame lengths", test_annex_a },
	{ "bit errors at given positions", test_bit_errors_positions },
	{ "bit errors at a rate", test_bit_errors_rate },
	{ "sg_hdlc_corrupt()", test_corrupt_helper },
	{ "osmo_isdnhdlc decodes our transmitter", test_isdnhdlc_decodes_ours },
	{ "we decode osmo_isdnhdlc's encoder", test_ours_decodes_isdnhdlc },
	{ "all of it again with the octet tables only", test_tables_only },
	{ NULL, NULL }
};

static int suite_init(void)
{
	rng_seed(0x5eed);
	return 0;
}

int main(void)
{
	return cu_run_suite("hdlc", tests, suite_init, NULL);
}
