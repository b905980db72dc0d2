/* Software HDLC for Q.703 signalling links: flags, zero insertion, FCS, SU acceptance and
 * octet counting (Q.703 §3, §4.1.4, §4.2, Annex A), table driven. */
/*
 * Receiver
 * --------
 * In a frame the receiver steps one line octet at a time through rx_tab[state][octet], where
 * state is the number of ones that ended the previous octet (0..5).  An entry gives the
 * destuffed data bits (6..8 of them) or says that a sixth one occurs inside the octet (a flag
 * or an abort); such an octet goes to rx_event_octet(), table driven as well (rx_evt[] for the
 * bits before the sixth one, rx_rem[] for those after a flag), with a bit-level machine
 * (rx_slow_bits()) for the rare rest: aborts, shared zeros, flag hunting.  Because an octet
 * that contains a zero fixes the number of ones that follow it, the state for octet i is a
 * function of octet i-1 alone (rx_st[]): no loop-carried dependency through the table.  On
 * x86-64 CPUs with fast BMI2, rx_words_bmi2() takes 8 octets at a time instead.  Outside
 * frames hunt_tab[][] skips octets without a flag.  The FCS is checked once per frame,
 * slicing by 8.
 *
 * Transmitter
 * -----------
 * tx_tab[ones][octet] gives the stuffed bit pattern (8..10 bits) of an SU octet; the bits are
 * collected LSB first in a 64-bit accumulator and written out 4 SU octets at a time.  The
 * number of ones carried into the next octet again only depends on the previous octet unless
 * that was 0xff (tx_st[]).
 */

#include <errno.h>
#include <string.h>

#include <osmocom/core/crc16.h>
#include <osmocom/core/utils.h>

#include <sg/hdlc.h>

#define HDLC_FLAG	0x7e

/* ---- tables, built once before main() ---- */

#define RX_EV		0x1000	/* a sixth consecutive one inside this octet */
#define HUNT_SLOW	0x80	/* flag completes, or 7th one, inside this octet */

static uint8_t bitrev[256];
static uint16_t rx_tab[6 * 256];	/* data | nbits << 8 | RX_EV */
static uint16_t rx_st[256];		/* 256 * ones after an octet with a zero (<= 5) */
static uint8_t hunt_tab[8 * 256];	/* new ones count (0..7) or HUNT_SLOW */
static uint16_t rx_evt[6 * 256];	/* octets with a sixth one: data | nbits << 8 | pos << 11 */
static uint16_t rx_rem[256];		/* [1 << n | n bits] from 0 ones: as rx_tab | ones << 13 */
static uint32_t tx_tab[5 * 256];	/* pattern | nbits << 10 | 256 * next ones << 16 */
static uint16_t tx_st[256];		/* 256 * ones after an SU octet other than 0xff */
static uint16_t crc_tab[8][256];	/* [0] = libosmocore's CCITT (0x8408) table */

static void build_rx_tables(void)
{
	unsigned int s, b, i;

	for (s = 0; s < 6; s++) {
		for (b = 0; b < 256; b++) {
			unsigned int r = s, data = 0, n = 0, ev = 0;

			for (i = 0; i < 8; i++) {
				if (b & (1 << i)) {
					if (r == 5) {
						ev = 1;
						break;
					}
					data |= 1 << n++;
					r++;
				} else {
					if (r != 5)
						n++;	/* data zero (else inserted) */
					r = 0;
				}
			}
			rx_tab[s * 256 + b] = ev ? RX_EV : (data | n << 8);
		}
	}
	for (b = 0; b < 256; b++) {
		unsigned int t = 0;

		while (t < 8 && (b & (0x80 >> t)))
			t++;
		rx_st[b] = (t <= 5 ? t : 0) * 256;
	}
	/* the data bits before the sixth one, and where it is */
	for (s = 0; s < 6; s++) {
		for (b = 0; b < 256; b++) {
			unsigned int r = s, data = 0, n = 0;

			rx_evt[s * 256 + b] = 0;
			for (i = 0; i < 8; i++) {
				if (b & (1 << i)) {
					if (r == 5) {
						rx_evt[s * 256 + b] = data | n << 8 | i << 11;
						break;
					}
					data |= 1 << n++;
					r++;
				} else {
					if (r != 5)
						n++;
					r = 0;
				}
			}
		}
	}
	/* the last n bits of an octet after a flag, from 0 ones */
	for (b = 1; b < 256; b++) {
		unsigned int nb = 31 - __builtin_clz(b), r = 0, data = 0, n = 0, ev = 0;

		for (i = 0; i < nb; i++) {
			if (b & (1 << i)) {
				if (r == 5) {
					ev = 1;
					break;
				}
				data |= 1 << n++;
				r++;
			} else {
				if (r != 5)
					n++;
				r = 0;
			}
		}
		rx_rem[b] = ev ? RX_EV : (data | n << 8 | r << 13);
	}
	for (s = 0; s < 8; s++) {
		for (b = 0; b < 256; b++) {
			unsigned int r = s, slow = 0;

			for (i = 0; i < 8 && !slow; i++) {
				if (b & (1 << i)) {
					if (r == 6)
						slow = 1;	/* 7 ones */
					else if (r < 7)
						r++;
				} else {
					if (r == 6)
						slow = 1;	/* flag */
					r = 0;
				}
			}
			hunt_tab[s * 256 + b] = slow ? HUNT_SLOW : r;
		}
	}
}

static void build_tx_tables(void)
{
	unsigned int o, b, i;

	for (o = 0; o < 5; o++) {
		for (b = 0; b < 256; b++) {
			unsigned int r = o, pat = 0, n = 0;

			for (i = 0; i < 8; i++) {
				if (b & (1 << i)) {
					pat |= 1 << n++;
					if (++r == 5) {
						n++;	/* inserted zero (Q.703 §3.2) */
						r = 0;
					}
				} else {
					n++;
					r = 0;
				}
			}
			tx_tab[o * 256 + b] = pat | n << 10 | (r * 256) << 16;
		}
	}
	for (b = 0; b < 256; b++) {
		unsigned int t = 0;

		while (t < 8 && (b & (0x80 >> t)))
			t++;
		tx_st[b] = (t % 5) * 256;	/* meaningless for 0xff, never used for it */
	}
}

static void build_crc_tables(void)
{
	unsigned int k, b;

	memcpy(crc_tab[0], osmo_crc16_ccitt_table, sizeof(crc_tab[0]));
	for (k = 1; k < 8; k++)
		for (b = 0; b < 256; b++)
			crc_tab[k][b] = (crc_tab[k - 1][b] >> 8) ^
				       crc_tab[0][crc_tab[k - 1][b] & 0xff];
}

static __attribute__((constructor)) void hdlc_tables_init(void)
{
	unsigned int b, i;

	for (b = 0; b < 256; b++) {
		unsigned int r = 0;

		for (i = 0; i < 8; i++)
			if (b & (1 << i))
				r |= 0x80 >> i;
		bitrev[b] = r;
	}
	build_rx_tables();
	build_tx_tables();
	build_crc_tables();
	sg_hdlc_accel(1);
}

/* ---- FCS ---- */

static uint16_t crc16_inl(uint16_t crc, const uint8_t *p, size_t len)
{
	unsigned int r;
	size_t i;

	while (len >= 8) {
		crc ^= p[0] | p[1] << 8;
		crc = crc_tab[7][crc & 0xff] ^ crc_tab[6][crc >> 8] ^
		      crc_tab[5][p[2]] ^ crc_tab[4][p[3]] ^ crc_tab[3][p[4]] ^
		      crc_tab[2][p[5]] ^ crc_tab[1][p[6]] ^ crc_tab[0][p[7]];
		p += 8;
		len -= 8;
	}
	/* the last 2..7 octets (all of a FISU or LSSU) in one step too */
	if (len >= 2) {
		crc ^= p[0] | p[1] << 8;
		r = crc_tab[len - 1][crc & 0xff] ^ crc_tab[len - 2][crc >> 8];
		for (i = 2; i < len; i++)
			r ^= crc_tab[len - 1 - i][p[i]];
		crc = r;
	} else if (len) {
		crc = (crc >> 8) ^ crc_tab[0][(crc ^ *p) & 0xff];
	}
	return crc;
}

uint16_t sg_hdlc_crc16(uint16_t crc, const uint8_t *p, size_t len)
{
	return crc16_inl(crc, p, len);
}

/* ---- configuration ---- */

int sg_hdlc_cfg_q703(struct sg_hdlc_cfg *cfg, enum sg_hdlc_format format, unsigned int m)
{
	if (m == 0)
		m = SG_HDLC_Q703_M;
	memset(cfg, 0, sizeof(*cfg));
	switch (format) {
	case SG_HDLC_BASIC:
		/* Q.703 §2.2, §4.1.4: FISU = 3 octets; SU = 3 + SIO + m */
		cfg->min_su = 3;
		cfg->max_su = m + 4;
		break;
	case SG_HDLC_ANNEX_A:
		/* Q.703 Annex A: 12-bit FSN/BSN and 9-bit LI, FISU = 6 octets */
		cfg->min_su = 6;
		cfg->max_su = m + 7;
		break;
	default:
		return -EINVAL;
	}
	if (cfg->max_su > SG_HDLC_MAX_SU)
		return -EINVAL;
	cfg->ocm_n = SG_HDLC_Q703_N;
	cfg->tx_flags = 1;
	return 0;
}

static int cfg_check(const struct sg_hdlc_cfg *cfg)
{
	if (cfg->flags & ~(SG_HDLC_F_56K | SG_HDLC_F_MSB_FIRST))
		return -EINVAL;
	if (cfg->max_su < 1 || cfg->max_su > SG_HDLC_MAX_SU || cfg->min_su > cfg->max_su)
		return -EINVAL;
	return 0;
}

/* ---- receiver ---- */

const struct value_string sg_hdlc_rx_err_names[] = {
	{ SG_HDLC_RX_ERR_FCS,		"FCS" },
	{ SG_HDLC_RX_ERR_ABORT,		"ABORT" },
	{ SG_HDLC_RX_ERR_SHORT,		"TOO_SHORT" },
	{ SG_HDLC_RX_ERR_LONG,		"TOO_LONG" },
	{ SG_HDLC_RX_ERR_NONOCTET,	"NON_OCTET" },
	{ 0, NULL }
};

int sg_hdlc_rx_init(struct sg_hdlc_rx *rx, const struct sg_hdlc_cfg *cfg,
		    const struct sg_hdlc_rx_ops *ops, void *priv)
{
	if (cfg_check(cfg) < 0)
		return -EINVAL;
	memset(rx, 0, offsetof(struct sg_hdlc_rx, buf));
	rx->ops = ops;
	rx->priv = priv;
	rx->cfg = *cfg;
	if (!rx->cfg.ocm_n)
		rx->cfg.ocm_n = SG_HDLC_Q703_N;
	rx->hunting = 1;
	return 0;
}

void sg_hdlc_rx_reset(struct sg_hdlc_rx *rx)
{
	rx->hunting = 1;
	rx->ones = 0;
	rx->len = 0;
	rx->acc = 0;
	rx->nbits = 0;
	rx->pk_acc = 0;
	rx->pk_n = 0;
}

static void rx_error(struct sg_hdlc_rx *rx, enum sg_hdlc_rx_err err, size_t octets)
{
	rx->stats.err[err]++;
	if (!rx->in_ocm && rx->ops && rx->ops->error)
		rx->ops->error(rx->priv, err, octets);
}

/* Q.703 §4.1.4: loss of alignment */
static void ocm_enter(struct sg_hdlc_rx *rx)
{
	if (rx->in_ocm)
		return;
	rx->in_ocm = 1;
	rx->ocm_count = 0;
	rx->stats.ocm_entered++;
	if (rx->ops && rx->ops->ocm_enter)
		rx->ops->ocm_enter(rx->priv);
}

/* n more octets received while in octet counting mode: one event every ocm_n octets */
static void ocm_add(struct sg_hdlc_rx *rx, size_t n)
{
	rx->ocm_count += n;
	while (rx->ocm_count >= rx->cfg.ocm_n) {
		rx->ocm_count -= rx->cfg.ocm_n;
		rx->stats.ocm_events++;
		if (rx->ops && rx->ops->ocm_octets)
			rx->ops->ocm_octets(rx->priv);
		if (!rx->in_ocm)	/* a callback may not leave it, but be safe */
			break;
	}
}

static inline void frame_start(struct sg_hdlc_rx *rx)
{
	rx->len = 0;
	rx->acc = 0;
	rx->nbits = 0;
}

/* The frame got longer than max_su + 2 octets: Q.703 §4.1.4 loss of alignment */
static void frame_too_long(struct sg_hdlc_rx *rx)
{
	rx_error(rx, SG_HDLC_RX_ERR_LONG, rx->len);
	ocm_enter(rx);
	rx->hunting = 1;
	frame_start(rx);
}

/* Seventh consecutive one inside a frame */
static void frame_abort(struct sg_hdlc_rx *rx)
{
	if (rx->len)
		rx_error(rx, SG_HDLC_RX_ERR_ABORT, rx->len);
	ocm_enter(rx);
	rx->hunting = 1;
	rx->ones = 7;
	frame_start(rx);
}

/*
 * A flag ended the frame.  The flag's leading zero and first five ones were taken as data
 * bits (the sixth one told otherwise), so a frame of whole octets leaves exactly 6 bits.
 */
static void frame_end(struct sg_hdlc_rx *rx)
{
	long bits = (long)rx->len * 8 + rx->nbits - 6;
	size_t len = rx->len;

	frame_start(rx);
	if (bits <= 0)
		return;		/* flag following flag (shared zero gives -1) */
	if (bits & 7) {
		rx_error(rx, SG_HDLC_RX_ERR_NONOCTET, bits / 8);
		return;
	}
	if (len < rx->cfg.min_su + 2u) {
		rx_error(rx, SG_HDLC_RX_ERR_SHORT, len);
		return;
	}
	if (crc16_inl(SG_HDLC_FCS_INIT, rx->buf, len) != SG_HDLC_FCS_GOOD) {
		rx_error(rx, SG_HDLC_RX_ERR_FCS, len);
		return;
	}
	rx->stats.frames++;
	rx->stats.su_octets += len - 2;
	if (rx->in_ocm) {
		/* Q.703 §4.1.4: octet counting ends with a correctly checking SU */
		rx->in_ocm = 0;
		if (rx->ops && rx->ops->ocm_leave)
			rx->ops->ocm_leave(rx->priv);
	}
	if (rx->ops && rx->ops->frame)
		rx->ops->frame(rx->priv, rx->buf, len - 2);
}

static inline void rx_push(struct sg_hdlc_rx *rx, unsigned int bit)
{
	rx->acc |= bit << rx->nbits;
	if (++rx->nbits == 8) {
		rx->buf[rx->len++] = rx->acc;
		rx->acc = 0;
		rx->nbits = 0;
		if (rx->len > rx->cfg.max_su + 2u)
			frame_too_long(rx);
	}
}

/* Bit-level receiver (Q.703 §3) for the octets the tables do not handle */
static void rx_slow_bits(struct sg_hdlc_rx *rx, unsigned int b, unsigned int from)
{
	unsigned int i;

	for (i = from, b >>= from; i < 8; i++, b >>= 1) {
		unsigned int bit = b & 1;

		if (rx->hunting) {
			if (bit) {
				if (rx->ones == 6)
					ocm_enter(rx);	/* 7 ones: not aligned */
				if (rx->ones < 7)
					rx->ones++;
			} else {
				if (rx->ones == 6) {
					rx->hunting = 0;
					frame_start(rx);
				}
				rx->ones = 0;
			}
			continue;
		}
		if (bit) {
			if (rx->ones < 5) {
				rx_push(rx, 1);
				rx->ones++;
			} else if (rx->ones == 5) {
				rx->ones = 6;
			} else {
				frame_abort(rx);
			}
		} else {
			if (rx->ones == 6)
				frame_end(rx);
			else if (rx->ones != 5)
				rx_push(rx, 0);
			/* else: zero inserted by the transmitter, deleted */
			rx->ones = 0;
		}
	}
}

/*
 * An octet of a frame in which a sixth one occurs (or which follows an octet that ended with
 * one): tables give the data bits before it and its place; the flag (or abort) is acted upon
 * and the rest of the octet, if it holds no sixth one, goes through rx_rem[].
 */
static void rx_event_octet(struct sg_hdlc_rx *rx, unsigned int b)
{
	unsigned int ev, n, j, e, r;

	if (rx->ones == 6) {
		j = 0;			/* this octet's first bit decides */
	} else {
		ev = rx_evt[rx->ones * 256 + b];
		n = (ev >> 8) & 7;
		if (rx->len + ((rx->nbits + n) >> 3) > rx->cfg.max_su + 2u) {
			rx_slow_bits(rx, b, 0);		/* too long on the way: rare */
			return;
		}
		rx->acc |= (ev & 0xff) << rx->nbits;
		rx->nbits += n;
		if (rx->nbits >= 8) {
			rx->buf[rx->len++] = rx->acc;
			rx->acc >>= 8;
			rx->nbits -= 8;
		}
		j = ev >> 11;
		if (j == 7) {
			rx->ones = 6;
			return;
		}
		j++;
	}
	if (b & (1 << j)) {
		frame_abort(rx);
		rx_slow_bits(rx, b, j + 1);
		return;
	}
	frame_end(rx);
	rx->ones = 0;
	r = 7 - j;			/* bits left in this octet */
	e = rx_rem[1 << r | b >> (j + 1)];
	if (e & RX_EV) {
		rx_slow_bits(rx, b, j + 1);
		return;
	}
	rx->acc = e & 0xff;
	rx->nbits = (e >> 8) & 0xf;
	rx->ones = e >> 13;
}

/* Store the 8 octets of v, least significant first, at p (which has room for them) */
static inline void store_le64(uint8_t *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(p, &v, 8);
#else
	unsigned int i;

	for (i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
#endif
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HDLC_HAVE_BMI2 1
#include <immintrin.h>

/*
 * Eight line octets at a time with BMI2 (x86-64, chosen at run time): in a 64-bit word of line
 * bits (first bit = bit 0), with c ones carried in from before, a zero that follows five ones
 * is an inserted one (Q.703 §3.2) and six ones are a flag or an abort; words with six ones go
 * back to the octet tables.  PEXT removes the inserted zeros in one instruction.
 * On entry nb < 8 and 0 <= c <= 5; returns where it stopped.
 */
__attribute__((target("bmi,bmi2,lzcnt,popcnt")))
static const uint8_t *rx_words_bmi2(const uint8_t *p, const uint8_t *q, unsigned int *pc,
				    uint8_t **pd, uint64_t *pacc, unsigned int *pnb)
{
	unsigned int c = *pc, nb = *pnb, k, tot;
	uint64_t acc = *pacc, x, nx, r5, stuffed, data;
	unsigned __int128 v;
	uint8_t *d = *pd;

	while (q - p >= 8) {
		memcpy(&x, p, 8);
		nx = ~x;
		if (!nx)
			break;
		k = _tzcnt_u64(nx);			/* ones at the start */
		if (c + k >= 6)
			break;
		r5 = x & (x >> 1) & (x >> 2) & (x >> 3) & (x >> 4);
		if (r5 & (x >> 5))
			break;				/* six ones inside */
		stuffed = r5 << 5;
		if (c + k == 5)
			stuffed |= 1ULL << k;
		data = _pext_u64(x, ~stuffed);
		tot = nb + 64 - (unsigned int)_mm_popcnt_u64(stuffed);
		v = ((unsigned __int128)data << nb) | acc;
		store_le64(d, (uint64_t)v);
		d += tot >> 3;
		acc = (uint64_t)(v >> (tot & ~7u));
		nb = tot & 7;
		c = _lzcnt_u64(nx);			/* ones at the end, <= 5 */
		p += 8;
	}
	*pc = c;
	*pd = d;
	*pacc = acc;
	*pnb = nb;
	return p;
}
#endif

static int hdlc_accel;		/* use rx_words_bmi2() */

/* Six consecutive ones within the 8 octets at p: only a hint for choosing a path (exact on
 * little-endian hosts) */
static inline int has_six_ones(const uint8_t *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return !!(x & (x >> 1) & (x >> 2) & (x >> 3) & (x >> 4) & (x >> 5));
}

int sg_hdlc_accel(int enable)
{
#ifdef HDLC_HAVE_BMI2
	if (enable >= 0) {
		__builtin_cpu_init();
		/* PEXT is microcoded (slow) on AMD before Zen 3 */
		hdlc_accel = enable && __builtin_cpu_supports("bmi2") &&
			     !__builtin_cpu_is("znver1") && !__builtin_cpu_is("znver2");
	}
#endif
	return hdlc_accel;
}

/* Table-driven part: octets of a frame until an octet with a sixth one.  Returns where it
 * stopped; stops early (after at most lim + 1 - len octets) so that a too long frame is seen.
 * The buffer has room for an 8-octet store at buf[lim + 1]. */
static const uint8_t *rx_run_frame(struct sg_hdlc_rx *rx, const uint8_t *p, const uint8_t *end)
{
	size_t room = rx->cfg.max_su + 3u - rx->len;
	const uint8_t *q = (size_t)(end - p) > room ? p + room : end;
	uint8_t *d = rx->buf + rx->len;
	uint64_t acc = rx->acc;
	unsigned int nb = rx->nbits;
	unsigned int e, e1, e2, e3;
	int near;

	if (rx->ones > 5)
		return p;	/* a sixth one ended the previous octet */
	e = rx_tab[rx->ones * 256 + *p];
	if (e & RX_EV)
		return p;
	acc |= (uint64_t)(e & 0xff) << nb;
	nb += e >> 8;
	p++;
#ifdef HDLC_HAVE_BMI2
	/* worth a call only if the next 16 octets hold no flag (short SUs: FISUs, LSSUs) */
	if (hdlc_accel && q - p >= 16 && !has_six_ones(p) && !has_six_ones(p + 8)) {
		unsigned int c = rx_st[p[-1]] >> 8;

		if (nb >= 8) {
			*d++ = acc;
			acc >>= 8;
			nb -= 8;
		}
		p = rx_words_bmi2(p, q, &c, &d, &acc, &nb);
	}
#endif
	/* four octets at a time: 24..32 data bits, written out together; not worth it when a
	 * flag follows within 8 octets (short SUs) */
	near = q - p >= 8 && has_six_ones(p);
	while (!near && q - p >= 4) {
		e = rx_tab[rx_st[p[-1]] + (size_t)p[0]];
		e1 = rx_tab[rx_st[p[0]] + (size_t)p[1]];
		e2 = rx_tab[rx_st[p[1]] + (size_t)p[2]];
		e3 = rx_tab[rx_st[p[2]] + (size_t)p[3]];
		if ((e | e1 | e2 | e3) & RX_EV)
			break;
		acc |= (uint64_t)(e & 0xff) << nb;
		nb += e >> 8;
		acc |= (uint64_t)(e1 & 0xff) << nb;
		nb += e1 >> 8;
		acc |= (uint64_t)(e2 & 0xff) << nb;
		nb += e2 >> 8;
		acc |= (uint64_t)(e3 & 0xff) << nb;
		nb += e3 >> 8;
		store_le64(d, acc);
		d += nb >> 3;
		acc >>= nb & ~7u;
		nb &= 7;
		p += 4;
	}
	for (; p < q; p++) {
		e = rx_tab[rx_st[p[-1]] + (size_t)p[0]];
		if (e & RX_EV)
			break;
		acc |= (uint64_t)(e & 0xff) << nb;
		nb += e >> 8;
		if (nb >= 8) {
			*d++ = acc;
			acc >>= 8;
			nb -= 8;
		}
	}
	/* nb < 16 here: at most one more whole octet */
	if (nb >= 8) {
		*d++ = acc;
		acc >>= 8;
		nb -= 8;
	}
	rx->ones = rx_st[p[-1]] >> 8;
	rx->acc = acc & 0xff;
	rx->nbits = nb;
	rx->len = d - rx->buf;
	return p;
}

/* 8 line bits per octet, first bit in bit 0 */
static void rx_feed8(struct sg_hdlc_rx *rx, const uint8_t *p, const uint8_t *end)
{
	while (p < end) {
		const uint8_t *p0 = p;

		if (rx->hunting) {
			unsigned int r = rx->ones, e;

			for (; p < end; p++) {
				e = hunt_tab[r * 256 + *p];
				if (e & HUNT_SLOW)
					break;
				r = e;
			}
			rx->ones = r;
		} else {
			p = rx_run_frame(rx, p, end);
			if (rx->len > rx->cfg.max_su + 2u) {
				if (rx->in_ocm)
					ocm_add(rx, p - p0);
				frame_too_long(rx);
				continue;
			}
		}
		if (rx->in_ocm)
			ocm_add(rx, p - p0);
		if (p == end)
			break;
		/* rx_run_frame() may also stop short of an event, at the length limit */
		if (!rx->hunting && rx->ones <= 5 && !(rx_tab[rx->ones * 256 + *p] & RX_EV))
			continue;
		/* an octet with a flag, an abort or 7 ones */
		if (rx->in_ocm)
			ocm_add(rx, 1);
		if (rx->hunting)
			rx_slow_bits(rx, *p++, 0);
		else
			rx_event_octet(rx, *p++);
	}
}

void sg_hdlc_rx_feed(struct sg_hdlc_rx *rx, const uint8_t *line, size_t len)
{
	uint8_t tmp[256];
	size_t i, n, o;

	if (!(rx->cfg.flags & (SG_HDLC_F_56K | SG_HDLC_F_MSB_FIRST))) {
		rx->stats.bits += (uint64_t)len * 8;
		rx_feed8(rx, line, line + len);
		return;
	}
	if (!(rx->cfg.flags & SG_HDLC_F_56K)) {
		rx->stats.bits += (uint64_t)len * 8;
		while (len) {
			n = len < sizeof(tmp) ? len : sizeof(tmp);
			for (i = 0; i < n; i++)
				tmp[i] = bitrev[line[i]];
			rx_feed8(rx, tmp, tmp + n);
			line += n;
			len -= n;
		}
		return;
	}
	/* 56 kbit/s: pack the 7 used bits of each line octet into whole octets */
	rx->stats.bits += (uint64_t)len * 7;
	while (len) {
		n = len < 256 ? len : 256;	/* 256 * 7 / 8 = 224 octets fit */
		for (i = 0, o = 0; i < n; i++) {
			unsigned int c = line[i];

			if (rx->cfg.flags & SG_HDLC_F_MSB_FIRST)
				c = bitrev[c];
			rx->pk_acc |= (c & 0x7f) << rx->pk_n;
			rx->pk_n += 7;
			if (rx->pk_n >= 8) {
				tmp[o++] = rx->pk_acc;
				rx->pk_acc >>= 8;
				rx->pk_n -= 8;
			}
		}
		rx_feed8(rx, tmp, tmp + o);
		line += n;
		len -= n;
	}
}

/* ---- transmitter ---- */

int sg_hdlc_tx_init(struct sg_hdlc_tx *tx, const struct sg_hdlc_cfg *cfg,
		    sg_hdlc_next_su_cb next_su, void *priv)
{
	if (cfg_check(cfg) < 0 || !next_su)
		return -EINVAL;
	memset(tx, 0, offsetof(struct sg_hdlc_tx, buf));
	tx->next_su = next_su;
	tx->priv = priv;
	tx->cfg = *cfg;
	if (!tx->cfg.tx_flags)
		tx->cfg.tx_flags = 1;
	tx->flags_left = 1;	/* opening flag */
	return 0;
}

void sg_hdlc_tx_inject(struct sg_hdlc_tx *tx, const uint64_t *pos, size_t n, double ber,
		       uint64_t seed)
{
	tx->flip_pos = pos;
	tx->flip_n = pos ? n : 0;
	if (ber > 0) {
		tx->ber_thresh = ber >= 1 ? UINT32_MAX : (uint32_t)(ber * 4294967296.0);
		tx->rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
	} else {
		tx->ber_thresh = 0;
		tx->rng = 0;
	}
}

static inline uint64_t xorshift64s(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

size_t sg_hdlc_corrupt(uint8_t *buf, size_t len, double ber, uint64_t *rng)
{
	uint32_t thresh;
	size_t i, flipped = 0;
	unsigned int j;

	if (ber <= 0)
		return 0;
	thresh = ber >= 1 ? UINT32_MAX : (uint32_t)(ber * 4294967296.0);
	if (!*rng)
		*rng = 0x9e3779b97f4a7c15ULL;
	for (i = 0; i < len; i++) {
		for (j = 0; j < 8; j++) {
			if ((uint32_t)(xorshift64s(rng) >> 32) < thresh) {
				buf[i] ^= 1 << j;
				flipped++;
			}
		}
	}
	return flipped;
}

/* Append the next piece of the bitstream to acc: one SU octet, one flag, or (after asking
 * next_su for a new SU) nothing. */
static void tx_more(struct sg_hdlc_tx *tx)
{
	size_t n;
	uint16_t fcs;

	if (tx->pos < tx->len) {
		uint32_t e = tx_tab[tx->ones * 256 + tx->buf[tx->pos++]];

		tx->acc |= (uint64_t)(e & 0x3ff) << tx->nacc;
		tx->nacc += (e >> 10) & 0xf;
		tx->ones = e >> 24;
		if (tx->pos == tx->len)
			tx->flags_left = tx->cfg.tx_flags;
		return;
	}
	if (!tx->flags_left) {
		n = tx->next_su(tx->priv, tx->buf, tx->cfg.max_su);
		OSMO_ASSERT(n <= tx->cfg.max_su);
		if (n) {
			fcs = ~crc16_inl(SG_HDLC_FCS_INIT, tx->buf, n);
			tx->buf[n] = fcs & 0xff;
			tx->buf[n + 1] = fcs >> 8;
			tx->pos = 0;
			tx->len = n + 2;
			tx->ones = 0;
			tx->stats.frames++;
			tx->stats.su_octets += n;
			return;
		}
		tx->stats.idle_flags++;
	} else {
		tx->flags_left--;
	}
	tx->acc |= (uint64_t)HDLC_FLAG << tx->nacc;
	tx->nacc += 8;
	tx->ones = 0;
}

/* next ones count (* 256) after SU octet b, with e = tx_tab[o + b] */
#define TX_NEXT(b, e)	(__builtin_expect((b) == 0xff, 0) ? (e) >> 16 : tx_st[b])

/* Append the bits of SU octet b (ones count o * 256 before it) to acc */
#define TX_OCTET(b)							\
	do {								\
		e = tx_tab[o + (b)];					\
		o = TX_NEXT(b, e);					\
		acc |= (uint64_t)(e & 0x3ff) << nacc;			\
		nacc += (e >> 10) & 0xf;				\
	} while (0)

/* Write the whole octets of acc (room for 8 at out) */
#define TX_FLUSH()							\
	do {								\
		store_le64(out, acc);					\
		out += nacc >> 3;					\
		acc >>= nacc & ~7u;					\
		nacc &= 7;						\
	} while (0)

static void tx_fill8(struct sg_hdlc_tx *tx, uint8_t *out, uint8_t *end)
{
	const uint8_t *s = tx->buf + tx->pos, *se = tx->buf + tx->len;
	uint64_t acc = tx->acc;
	unsigned int nacc = tx->nacc, o = tx->ones * 256, flags_left = tx->flags_left;
	uint32_t e;
	size_t n;
	uint16_t fcs;

	/* everything in registers while there are 16 octets of room or more (one step writes
	 * at most 8); nacc < 8 between steps */
	while (end - out >= 16) {
		if (nacc >= 8) {
			TX_FLUSH();
			continue;
		}
		if (s < se) {
			if (se - s >= 4) {
				/* 4 SU octets: at most 7 + 40 bits */
				TX_OCTET(s[0]);
				TX_OCTET(s[1]);
				TX_OCTET(s[2]);
				TX_OCTET(s[3]);
				s += 4;
				TX_FLUSH();
				if (s == se)
					flags_left = tx->cfg.tx_flags;
				continue;
			}
			/* the last 1..3 octets and the first flag after them: 7 + 30 + 8 bits */
			do {
				TX_OCTET(*s);
			} while (++s < se);
			acc |= (uint64_t)HDLC_FLAG << nacc;
			nacc += 8;
			o = 0;
			flags_left = tx->cfg.tx_flags - 1;
			TX_FLUSH();
			continue;
		}
		if (!flags_left) {
			n = tx->next_su(tx->priv, tx->buf, tx->cfg.max_su);
			OSMO_ASSERT(n <= tx->cfg.max_su);
			if (n) {
				fcs = ~crc16_inl(SG_HDLC_FCS_INIT, tx->buf, n);
				tx->buf[n] = fcs & 0xff;
				tx->buf[n + 1] = fcs >> 8;
				s = tx->buf;
				se = s + n + 2;
				tx->stats.frames++;
				tx->stats.su_octets += n;
				continue;
			}
			tx->stats.idle_flags++;
		} else {
			flags_left--;
		}
		acc |= (uint64_t)HDLC_FLAG << nacc;
		nacc += 8;
		o = 0;
		TX_FLUSH();
	}
	tx->acc = acc;
	tx->nacc = nacc;
	tx->ones = o >> 8;
	tx->pos = s - tx->buf;
	tx->len = se - tx->buf;
	tx->flags_left = flags_left;
	/* the last octets one at a time */
	while (out < end) {
		if (tx->nacc >= 8) {
			*out++ = tx->acc;
			tx->acc >>= 8;
			tx->nacc -= 8;
			continue;
		}
		tx_more(tx);
	}
}

static void tx_fill56(struct sg_hdlc_tx *tx, uint8_t *out, uint8_t *end)
{
	while (out < end) {
		if (tx->nacc >= 7) {
			/* bit 7, the last one in line order, is not used (DS0A): send 1 */
			*out++ = (tx->acc & 0x7f) | 0x80;
			tx->acc >>= 7;
			tx->nacc -= 7;
			continue;
		}
		tx_more(tx);
	}
}

static void tx_inject(struct sg_hdlc_tx *tx, uint8_t *out, size_t n)
{
	uint64_t first = tx->line_octets * 8, last = first + (uint64_t)n * 8;
	size_t i;
	unsigned int j;

	while (tx->flip_n && *tx->flip_pos < last) {
		uint64_t bp = *tx->flip_pos;

		if (bp >= first) {
			out[(bp - first) / 8] ^= 1 << (bp % 8);
			tx->stats.bits_flipped++;
		}
		tx->flip_pos++;
		tx->flip_n--;
	}
	if (!tx->ber_thresh)
		return;
	for (i = 0; i < n; i++) {
		for (j = 0; j < 8; j++) {
			if ((uint32_t)(xorshift64s(&tx->rng) >> 32) < tx->ber_thresh) {
				out[i] ^= 1 << j;
				tx->stats.bits_flipped++;
			}
		}
	}
}

void sg_hdlc_tx_fill(struct sg_hdlc_tx *tx, uint8_t *out, size_t nbytes)
{
	size_t i;

	if (tx->cfg.flags & SG_HDLC_F_56K) {
		tx_fill56(tx, out, out + nbytes);
		tx->stats.bits += (uint64_t)nbytes * 7;
	} else {
		tx_fill8(tx, out, out + nbytes);
		tx->stats.bits += (uint64_t)nbytes * 8;
	}
	if (tx->flip_n || tx->ber_thresh)
		tx_inject(tx, out, nbytes);
	tx->line_octets += nbytes;
	if (tx->cfg.flags & SG_HDLC_F_MSB_FIRST)
		for (i = 0; i < nbytes; i++)
			out[i] = bitrev[out[i]];
}
