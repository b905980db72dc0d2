/* Seed corpus generator for fuzz_hdlc_rx (Q.703 §3 streams made by our transmitter).
 * Build and run from the top source directory:
 *   gcc -I include fuzz/mkcorpus_hdlc_rx.c adapters/hdlc.c $(pkg-config --cflags --libs \
 *       libosmocore talloc) -o /tmp/mkcorpus && /tmp/mkcorpus fuzz/corpus/hdlc_rx
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sg/hdlc.h>

static const uint8_t sus[][12] = {
	{ 0x81, 0x82, 0x00 },					/* FISU */
	{ 0x81, 0x82, 0x01, 0x03 },				/* LSSU SIE */
	{ 0x01, 0x80, 0x09, 0x83, 0x01, 0x02, 0x03, 0x04, 0xff, 0x7e, 0x3f, 0x00 },
};
static const size_t su_len[] = { 3, 4, 12 };

struct src {
	unsigned int n, i;
};

static size_t next_su(void *priv, uint8_t *buf, size_t max)
{
	struct src *s = priv;
	unsigned int k;

	if (s->i >= s->n)
		return 0;
	k = s->i++ % 3;
	memcpy(buf, sus[k], su_len[k]);
	return su_len[k];
}

static void put(const char *dir, const char *name, uint8_t mode, uint8_t chunk,
		const uint8_t *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fputc(mode, f) == EOF || fputc(chunk, f) == EOF ||
	    fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* mode: fuzz target mode octet; flags for the transmitter follow from it */
static size_t stream(uint8_t *out, size_t n, unsigned int mode, unsigned int frames)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_tx tx;
	struct src s = { frames, 0 };

	sg_hdlc_cfg_q703(&cfg, mode & 4 ? SG_HDLC_ANNEX_A : SG_HDLC_BASIC, 0);
	cfg.flags = (mode & 1 ? SG_HDLC_F_56K : 0) | (mode & 2 ? SG_HDLC_F_MSB_FIRST : 0);
	if (mode & 4) {
		/* Annex A SUs are 6 octets at least: send the 12-octet one only */
		s.i = 2;
		s.n = 2 + frames;
	}
	sg_hdlc_tx_init(&tx, &cfg, next_su, &s);
	sg_hdlc_tx_fill(&tx, out, n);
	return n;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	uint8_t b[600];
	size_t n;
	unsigned int i;

	n = stream(b, 60, 0, 6);
	put(dir, "good_64k", 0, 0, b, n);
	put(dir, "good_64k_chunked", 0, 3, b, n);
	n = stream(b, 70, 1, 6);
	put(dir, "good_56k", 1, 0, b, n);
	n = stream(b, 60, 2, 6);
	put(dir, "good_msb", 2, 5, b, n);
	n = stream(b, 60, 3, 6);
	put(dir, "good_56k_msb", 3, 0, b, n);
	n = stream(b, 60, 4, 3);
	put(dir, "good_annex_a", 4, 0, b, n);

	/* an abort in the middle, then idle ones, then frames again */
	n = stream(b, 60, 0, 6);
	memset(b + 10, 0xff, 30);
	put(dir, "abort_idle", 0, 0, b, n);
	/* bit errors */
	n = stream(b, 60, 0, 6);
	b[5] ^= 0x10;
	b[22] ^= 0x01;
	put(dir, "bit_errors", 0, 7, b, n);
	/* a frame too long: flag, 300 octets of 0x55, flag */
	b[0] = 0x7e;
	memset(b + 1, 0x55, 300);
	b[301] = 0x7e;
	put(dir, "too_long", 0, 0, b, 302);
	/* flags only, and a shared zero */
	memset(b, 0x7e, 16);
	put(dir, "flags", 0, 0, b, 16);
	/* short frames: flag, 1 octet, flag, 2 octets, flag */
	{
		static const uint8_t s[] = { 0x7e, 0x12, 0x7e, 0x12, 0x34, 0x7e, 0x7e };

		put(dir, "short", 0, 0, s, sizeof(s));
	}
	/* loopback descriptions: length octet + octets */
	for (i = 0; i < 40; i++)
		b[i] = i * 37;
	put(dir, "loop_basic", 8, 0, b, 40);
	put(dir, "loop_56k_msb_3flags", 8 | 3 | 0x20, 9, b, 40);
	put(dir, "loop_annex_a", 8 | 4, 0, b, 40);
	memset(b, 0xff, 64);
	put(dir, "loop_ones", 8, 1, b, 64);
	return 0;
}
