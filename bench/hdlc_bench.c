/* Benchmark of the software HDLC for Q.703 links (Q.703 §3, §4.2): encode+decode with FCS,
 * ours vs libosmocore osmo_isdnhdlc vs DAHDI fasthdlc.h, on one stream of FISUs and MSUs. */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/isdnhdlc.h>

#define FAST_HDLC_NEED_TABLES
#include <dahdi/fasthdlc.h>

#include <sg/hdlc.h>

#define NFRAMES		30000
/* runs per measurement, best kept; the FISU stream is 12 times shorter, so more runs */
#define REPEAT_MIX	9
#define REPEAT_FISU	41

struct frame {
	uint16_t len;
	uint8_t d[150];
};

static struct frame frames[NFRAMES];
static size_t su_octets;

static uint8_t *line_ours, *line_osmo, *line_fast;
static size_t len_ours, len_osmo, len_fast;
static size_t cap;
static uint8_t *scratch;

static uint64_t rng = 0x1234567;

static uint32_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (rng * 0x2545f4914f6cdd1dULL) >> 32;
}

static double now(void)
{
	struct timespec ts;

	/* CPU time of this thread: other processes on the machine do not count */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* One third FISUs (3 octets), one third 50-octet and one third 150-octet MSUs, random order
 * and content (with the MTP2 header of a real SU: LI = min(len - 3, 63)); or FISUs only, as on
 * an idle link */
static void make_frames(int fisu_only)
{
	static const uint16_t lens[3] = { 3, 50, 150 };
	unsigned int i, j;

	su_octets = 0;
	for (i = 0; i < NFRAMES; i++) {
		struct frame *f = &frames[i];

		f->len = fisu_only ? 3 : lens[rnd() % 3];
		for (j = 0; j < f->len; j++)
			f->d[j] = rnd();
		f->d[2] = f->len - 3 > 63 ? 63 : f->len - 3;
		su_octets += f->len;
	}
}

/* ---- FCS-16 table for fasthdlc, which has none (same polynomial, built here) ---- */

static uint16_t fcstab[256];

static void fcstab_init(void)
{
	unsigned int b, k;

	for (b = 0; b < 256; b++) {
		uint16_t v = b;

		for (k = 0; k < 8; k++)
			v = v & 1 ? (v >> 1) ^ 0x8408 : v >> 1;
		fcstab[b] = v;
	}
}

/* ---- ours ---- */

struct ours_src {
	unsigned int next;
};

static size_t ours_next_su(void *priv, uint8_t *buf, size_t max)
{
	struct ours_src *s = priv;
	const struct frame *f;

	if (s->next >= NFRAMES)
		return 0;
	f = &frames[s->next++];
	if (f->len <= 8) {
		/* as MTP2 writes a FISU or LSSU: a few octets, no memcpy() call */
		unsigned int i;

		for (i = 0; i < f->len; i++)
			buf[i] = f->d[i];
	} else {
		memcpy(buf, f->d, f->len);
	}
	return f->len;
}

struct ours_sink {
	unsigned int frames;
	size_t octets;
	unsigned int errors;
};

static void ours_frame(void *priv, const uint8_t *su, size_t len)
{
	struct ours_sink *k = priv;

	k->frames++;
	k->octets += len;
}

static void ours_error(void *priv, enum sg_hdlc_rx_err err, size_t octets)
{
	struct ours_sink *k = priv;

	k->errors++;
}

static const struct sg_hdlc_rx_ops ours_ops = {
	.frame = ours_frame,
	.error = ours_error,
};

/* encode all frames into line_ours; the transmitter is asked for exactly the octets that
 * hold the frames (computed by a first run) so that no idle flags are timed */
static size_t ours_encode(uint8_t *out, size_t n)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_tx tx;
	struct ours_src s = { 0 };

	sg_hdlc_cfg_q703(&cfg, SG_HDLC_BASIC, 0);
	sg_hdlc_tx_init(&tx, &cfg, ours_next_su, &s);
	if (!n) {
		/* sizing run: 4 KiB at a time until the last frame went out */
		size_t chunk = 4096;

		while (s.next < NFRAMES || tx.pos < tx.len) {
			sg_hdlc_tx_fill(&tx, out + n, chunk);
			n += chunk;
		}
		sg_hdlc_tx_fill(&tx, out + n, 8);
		return n + 8;
	}
	sg_hdlc_tx_fill(&tx, out, n);
	return n;
}

static void ours_decode(const uint8_t *in, size_t n, struct ours_sink *k)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_rx rx;

	sg_hdlc_cfg_q703(&cfg, SG_HDLC_BASIC, 0);
	sg_hdlc_rx_init(&rx, &cfg, &ours_ops, k);
	sg_hdlc_rx_feed(&rx, in, n);
}

/* ---- libosmocore osmo_isdnhdlc ---- */

static size_t osmo_encode(uint8_t *out)
{
	struct osmo_isdnhdlc_vars enc;
	size_t n = 0;
	unsigned int i;
	int count;

	osmo_isdnhdlc_out_init(&enc, 0);
	for (i = 0; i < NFRAMES; i++)
		n += osmo_isdnhdlc_encode(&enc, frames[i].d, frames[i].len, &count, out + n,
					  cap - n);
	n += osmo_isdnhdlc_encode(&enc, NULL, 0, &count, out + n, 2);
	return n;
}

static void osmo_decode(const uint8_t *in, size_t n, struct ours_sink *k)
{
	struct osmo_isdnhdlc_vars dec;
	uint8_t dst[300];
	int left = n, count, r;

	osmo_isdnhdlc_rcv_init(&dec, 0);
	while (left > 0) {
		r = osmo_isdnhdlc_decode(&dec, in, left, &count, dst, sizeof(dst));
		in += count;
		left -= count;
		if (r > 0) {
			k->frames++;
			k->octets += r;
		} else if (r < 0) {
			k->errors++;
		}
	}
}

/* ---- DAHDI fasthdlc + FCS table; line octets MSB first as DAHDI has them ---- */

static size_t fast_encode(uint8_t *out)
{
	struct fasthdlc_state h;
	size_t n = 0;
	unsigned int i, j;

	fasthdlc_init(&h, FASTHDLC_MODE_64);
	fasthdlc_tx_frame_nocheck(&h);
	for (i = 0; i < NFRAMES; i++) {
		const struct frame *f = &frames[i];
		uint16_t fcs = 0xffff;

		for (j = 0; j < f->len; j++) {
			fcs = (fcs >> 8) ^ fcstab[(fcs ^ f->d[j]) & 0xff];
			fasthdlc_tx_load_nocheck(&h, f->d[j]);
			while (h.bits >= 8)
				out[n++] = fasthdlc_tx_run_nocheck(&h);
		}
		fcs ^= 0xffff;
		fasthdlc_tx_load_nocheck(&h, fcs & 0xff);
		while (h.bits >= 8)
			out[n++] = fasthdlc_tx_run_nocheck(&h);
		fasthdlc_tx_load_nocheck(&h, fcs >> 8);
		while (h.bits >= 8)
			out[n++] = fasthdlc_tx_run_nocheck(&h);
		fasthdlc_tx_frame_nocheck(&h);
		while (h.bits >= 8)
			out[n++] = fasthdlc_tx_run_nocheck(&h);
	}
	/* two more flags: the closing one out whole, and the decoder's 10-bit look-ahead */
	for (i = 0; i < 2; i++) {
		fasthdlc_tx_frame_nocheck(&h);
		while (h.bits >= 8)
			out[n++] = fasthdlc_tx_run_nocheck(&h);
	}
	return n;
}

static void fast_decode(const uint8_t *in, size_t n, struct ours_sink *k)
{
	struct fasthdlc_state h;
	uint8_t buf[300];
	unsigned int len = 0;
	uint16_t fcs = 0xffff;
	size_t i;
	int res;

	fasthdlc_init(&h, FASTHDLC_MODE_64);
	for (i = 0; i < n; i++) {
		fasthdlc_rx_load_nocheck(&h, in[i]);
		for (;;) {
			res = fasthdlc_rx_run(&h);
			if (res & RETURN_EMPTY_FLAG)
				break;
			if (res & RETURN_COMPLETE_FLAG) {
				if (len >= 2 + 3 && fcs == 0xf0b8) {
					k->frames++;
					k->octets += len - 2;
				} else if (len) {
					k->errors++;
				}
				len = 0;
				fcs = 0xffff;
			} else if (res & RETURN_DISCARD_FLAG) {
				len = 0;
				fcs = 0xffff;
			} else if (len < sizeof(buf)) {
				buf[len++] = res;
				fcs = (fcs >> 8) ^ fcstab[(fcs ^ res) & 0xff];
			}
		}
	}
}

/* ---- measurement ---- */

struct result {
	const char *name;
	double enc, dec;	/* best seconds */
	size_t bits;
};

static void check(const char *what, const struct ours_sink *k)
{
	if (k->frames != NFRAMES || k->octets != su_octets || k->errors) {
		fprintf(stderr, "%s: decoded %u frames %zu octets %u errors, expected %u/%zu/0\n",
			what, k->frames, k->octets, k->errors, NFRAMES, su_octets);
		exit(1);
	}
}

static int bench_stream(int fisu_only)
{
	struct result res[4] = { { "ours" }, { "osmo_isdnhdlc" }, { "fasthdlc+fcs" },
				 { "ours, tables" } };
	int accel = sg_hdlc_accel(-1);
	unsigned int repeat = fisu_only ? REPEAT_FISU : REPEAT_MIX;
	struct ours_sink k;
	unsigned int r, i;
	double t0, t1;
	size_t n;

	make_frames(fisu_only);

	/* reference streams and correctness: every decoder decodes its encoder's stream and the
	 * common one (ours, bit reversed for fasthdlc's MSB-first octets) */
	len_ours = ours_encode(line_ours, 0);
	len_osmo = osmo_encode(line_osmo);
	len_fast = fast_encode(line_fast);
	memset(&k, 0, sizeof(k));
	ours_decode(line_ours, len_ours, &k);
	check("ours(ours)", &k);
	memset(&k, 0, sizeof(k));
	osmo_decode(line_ours, len_ours, &k);
	check("osmo(ours)", &k);
	for (i = 0; i < len_ours; i++) {
		unsigned int b = line_ours[i], v = 0, j;

		for (j = 0; j < 8; j++)
			if (b & (1 << j))
				v |= 0x80 >> j;
		scratch[i] = v;
	}
	memset(&k, 0, sizeof(k));
	fast_decode(scratch, len_ours, &k);
	check("fasthdlc(ours)", &k);
	memset(&k, 0, sizeof(k));
	osmo_decode(line_osmo, len_osmo, &k);
	check("osmo(osmo)", &k);
	memset(&k, 0, sizeof(k));
	fast_decode(line_fast, len_fast, &k);
	check("fasthdlc(fasthdlc)", &k);

	for (i = 0; i < 4; i++) {
		res[i].enc = res[i].dec = 1e9;
		res[i].bits = len_ours * 8;
	}
	for (r = 0; r < repeat; r++) {
		/* ours */
		t0 = now();
		n = ours_encode(scratch, len_ours);
		t1 = now();
		if (t1 - t0 < res[0].enc)
			res[0].enc = t1 - t0;
		if (memcmp(scratch, line_ours, n))
			return 1;
		memset(&k, 0, sizeof(k));
		t0 = now();
		ours_decode(line_ours, len_ours, &k);
		t1 = now();
		check("ours", &k);
		if (t1 - t0 < res[0].dec)
			res[0].dec = t1 - t0;
		/* ours without the BMI2 word path */
		sg_hdlc_accel(0);
		t0 = now();
		ours_encode(scratch, len_ours);
		t1 = now();
		if (t1 - t0 < res[3].enc)
			res[3].enc = t1 - t0;
		memset(&k, 0, sizeof(k));
		t0 = now();
		ours_decode(line_ours, len_ours, &k);
		t1 = now();
		check("ours, tables", &k);
		if (t1 - t0 < res[3].dec)
			res[3].dec = t1 - t0;
		sg_hdlc_accel(accel);
		/* osmo */
		t0 = now();
		osmo_encode(scratch);
		t1 = now();
		if (t1 - t0 < res[1].enc)
			res[1].enc = t1 - t0;
		memset(&k, 0, sizeof(k));
		t0 = now();
		osmo_decode(line_ours, len_ours, &k);
		t1 = now();
		check("osmo", &k);
		if (t1 - t0 < res[1].dec)
			res[1].dec = t1 - t0;
		/* fasthdlc */
		t0 = now();
		fast_encode(line_fast);
		t1 = now();
		if (t1 - t0 < res[2].enc)
			res[2].enc = t1 - t0;
		for (i = 0; i < len_ours; i++) {
			unsigned int b = line_ours[i], v = 0, j;

			for (j = 0; j < 8; j++)
				if (b & (1 << j))
					v |= 0x80 >> j;
			scratch[i] = v;
		}
		memset(&k, 0, sizeof(k));
		t0 = now();
		fast_decode(scratch, len_ours, &k);
		t1 = now();
		check("fasthdlc", &k);
		if (t1 - t0 < res[2].dec)
			res[2].dec = t1 - t0;
	}

	printf("stream: %u SUs (%s), %zu SU octets,\n"
	       "        %zu line octets with FCS, zero insertion and one flag between SUs\n",
	       NFRAMES, fisu_only ? "FISUs of 3 octets" :
	       "1/3 FISU 3 octets, 1/3 MSU 50, 1/3 MSU 150", su_octets, len_ours);
	printf("        (osmo_isdnhdlc's own stream: %zu octets, fasthdlc's: %zu)\n",
	       len_osmo, len_fast);
	printf("best of %u runs, thread CPU time; Mbit/s of line bits;\n"
	       "enc+dec = bits / (t_enc + t_dec)\n", repeat);
	printf("\"ours\" receives with the BMI2 word path: %s; \"ours, tables\" never does\n\n",
	       accel ? "yes" : "no (CPU lacks fast PEXT)");
	printf("%-16s %10s %10s %10s %12s\n", "implementation", "encode", "decode", "enc+dec",
	       "64k links");
	for (i = 0; i < 4; i++) {
		double b = res[i].bits;

		printf("%-16s %10.1f %10.1f %10.1f %12.0f\n", res[i].name, b / res[i].enc / 1e6,
		       b / res[i].dec / 1e6, b / (res[i].enc + res[i].dec) / 1e6,
		       b / (res[i].enc + res[i].dec) / 64000);
	}
	printf("\nratio enc+dec ours/osmo_isdnhdlc: %.2f\n",
	       (res[1].enc + res[1].dec) / (res[0].enc + res[0].dec));
	printf("ratio enc+dec ours/fasthdlc+fcs:  %.2f\n",
	       (res[2].enc + res[2].dec) / (res[0].enc + res[0].dec));
	printf("ratio enc+dec ours, tables/fasthdlc+fcs: %.2f\n",
	       (res[2].enc + res[2].dec) / (res[3].enc + res[3].dec));
	printf("\n64k links = duplex 64 kbit/s links one core keeps up with (HDLC only):\n"
	       "  1 / (64000 * (t_enc + t_dec) / bits)\n"
	       "  = (2 * bits / (t_enc + t_dec)) / (2 * 64 kbit/s)\n");
	printf("memory per link: sizeof(struct sg_hdlc_rx) %zu + sizeof(struct sg_hdlc_tx) %zu\n"
	       "  = %zu octets (SG_HDLC_MAX_SU %d)\n", sizeof(struct sg_hdlc_rx),
	       sizeof(struct sg_hdlc_tx), sizeof(struct sg_hdlc_rx) + sizeof(struct sg_hdlc_tx),
	       SG_HDLC_MAX_SU);
	return 0;
}

int main(int argc, char **argv)
{
	int rc;

	fcstab_init();
	fasthdlc_precalc();
	/* room for the mix, the larger stream, stuffed, with flags */
	cap = (NFRAMES * 150 + 10 * NFRAMES) * 2;
	line_ours = malloc(cap);
	line_osmo = malloc(cap);
	line_fast = malloc(cap);
	scratch = malloc(cap);
	if (!line_ours || !line_osmo || !line_fast || !scratch)
		return 1;
	printf("=== mix of FISUs and MSUs\n");
	rc = bench_stream(0);
	printf("\n=== FISUs only (an idle link)\n");
	rc |= bench_stream(1);
	free(line_ours);
	free(line_osmo);
	free(line_fast);
	free(scratch);
	return rc;
}
