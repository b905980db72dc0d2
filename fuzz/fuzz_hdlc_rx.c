/* libFuzzer target: software HDLC receiver (Q.703 §3, §4.1.4), and transmitter->receiver loop. */
/*
 * Input: byte 0 = mode, byte 1 = chunking, then the payload.
 *   mode bit 0: 56 kbit/s, bit 1: MSB first, bit 2: Annex A lengths, bit 3: loopback,
 *   bits 4-5: flags between frames - 1 (loopback), bit 6: octet tables only (no BMI2 path).
 *   chunking: the payload is fed in pieces of (chunking % 64) + 1 octets, 0 = all at once.
 * Receiver mode: the payload is line octets; the callbacks check what they are given.
 * Loopback mode: the payload describes up to 64 SUs (a length octet, then the octets); they
 * are sent by the transmitter and what it produces must come out of the receiver unchanged,
 * without errors; anything else aborts.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sg/hdlc.h>

#define MAX_SUS	64

struct fz {
	const struct sg_hdlc_cfg *cfg;
	unsigned int n_su, next_tx, next_rx;
	unsigned int errors, in_ocm;
	int loopback;
	size_t su_len[MAX_SUS];
	/* loopback SUs; everything above is cleared for each input */
	uint8_t su[MAX_SUS][SG_HDLC_MAX_SU];
};

static void fz_frame(void *priv, const uint8_t *su, size_t len)
{
	struct fz *f = priv;

	if (len < f->cfg->min_su || len > f->cfg->max_su)
		abort();
	if (f->in_ocm)
		abort();	/* ocm_leave comes first */
	if (!f->loopback)
		return;
	if (f->next_rx >= f->n_su || len != f->su_len[f->next_rx] ||
	    memcmp(su, f->su[f->next_rx], len))
		abort();
	f->next_rx++;
}

static void fz_error(void *priv, enum sg_hdlc_rx_err err, size_t octets)
{
	struct fz *f = priv;

	if ((unsigned int)err >= _NUM_SG_HDLC_RX_ERR || f->in_ocm)
		abort();
	if (octets > f->cfg->max_su + 3)
		abort();
	f->errors++;
}

static void fz_ocm_enter(void *priv)
{
	struct fz *f = priv;

	if (f->in_ocm)
		abort();
	f->in_ocm = 1;
}

static void fz_ocm_octets(void *priv)
{
	struct fz *f = priv;

	if (!f->in_ocm)
		abort();
}

static void fz_ocm_leave(void *priv)
{
	struct fz *f = priv;

	if (!f->in_ocm)
		abort();
	f->in_ocm = 0;
}

static const struct sg_hdlc_rx_ops fz_ops = {
	.frame = fz_frame,
	.error = fz_error,
	.ocm_enter = fz_ocm_enter,
	.ocm_octets = fz_ocm_octets,
	.ocm_leave = fz_ocm_leave,
};

static size_t fz_next_su(void *priv, uint8_t *buf, size_t max)
{
	struct fz *f = priv;
	size_t len;

	if (f->next_tx >= f->n_su)
		return 0;
	len = f->su_len[f->next_tx];
	if (len > max)
		abort();
	memcpy(buf, f->su[f->next_tx++], len);
	return len;
}

static void feed(struct sg_hdlc_rx *rx, const uint8_t *p, size_t n, unsigned int chunking)
{
	size_t c = chunking ? (chunking % 64) + 1 : n;

	while (n) {
		if (c > n)
			c = n;
		sg_hdlc_rx_feed(rx, p, c);
		p += c;
		n -= c;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz f;
	static uint8_t line[MAX_SUS * (SG_HDLC_MAX_SU + 2) * 2 + 64];
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_rx rx;
	struct sg_hdlc_tx tx;
	unsigned int mode, chunking, i;
	size_t n, total = 0;

	if (size < 2)
		return 0;
	mode = data[0];
	chunking = data[1];
	sg_hdlc_accel(!(mode & 0x40));
	data += 2;
	size -= 2;

	if (sg_hdlc_cfg_q703(&cfg, mode & 4 ? SG_HDLC_ANNEX_A : SG_HDLC_BASIC, 0) < 0)
		abort();
	cfg.flags = (mode & 1 ? SG_HDLC_F_56K : 0) | (mode & 2 ? SG_HDLC_F_MSB_FIRST : 0);
	cfg.tx_flags = 1 + ((mode >> 4) & 3);
	memset(&f, 0, offsetof(struct fz, su));
	f.cfg = &cfg;
	f.loopback = !!(mode & 8);
	if (sg_hdlc_rx_init(&rx, &cfg, &fz_ops, &f) < 0)
		abort();

	if (!f.loopback) {
		feed(&rx, data, size, chunking);
		return 0;
	}

	/* loopback: build the SUs */
	while (size && f.n_su < MAX_SUS) {
		size_t len = cfg.min_su + data[0] % (cfg.max_su - cfg.min_su + 1);

		data++;
		size--;
		for (i = 0; i < len; i++)
			f.su[f.n_su][i] = i < size ? data[i] : (uint8_t)i;
		n = len < size ? len : size;
		data += n;
		size -= n;
		f.su_len[f.n_su++] = len;
		total += len;
	}
	if (sg_hdlc_tx_init(&tx, &cfg, fz_next_su, &f) < 0)
		abort();
	/* stuffing adds at most 1 bit in 5, 56k needs 8/7: (SU + FCS) * 8 * 6/5 * 8/7 / 8 */
	n = ((total + 2 * f.n_su) * 48 + 34) / 35 + (f.n_su + 2) * cfg.tx_flags * 2 + 8;
	if (n > sizeof(line))
		abort();
	sg_hdlc_tx_fill(&tx, line, n);
	if (f.next_tx != f.n_su || tx.pos != tx.len)
		abort();
	feed(&rx, line, n, chunking);
	if (f.next_rx != f.n_su || f.errors || f.in_ocm || rx.stats.ocm_entered)
		abort();
	return 0;
}
