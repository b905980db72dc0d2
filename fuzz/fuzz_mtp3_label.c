/* libFuzzer target: MTP3 SIO and routing label decoder, Q.704 §2.2/§14.2, T1.111.4 §2.2. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sg/mtp3.h>

#include "fuzz_mtp3.h"

/*
 * Input: byte 0 selects the format (bits 1-0: enum sg_pc_variant, bit 2: 5-bit SLS option);
 * the rest is an MSU from its SIO on.  Whatever decodes must encode again, decode to the same
 * values, and give the same octets except for spare bits; whatever is long enough must decode.
 */

static void check_label(const struct sg_mtp3_fmt *f, const uint8_t *d, size_t n)
{
	unsigned int ll = sg_mtp3_label_len(f->variant);
	struct sg_mtp3_label l, l2;
	uint8_t buf[16];
	size_t len;
	int rc;

	rc = sg_mtp3_label_decode(&l, f, d, n);
	if (!fz_mtp3_decoded(rc, n, ll))
		return;
	len = sg_mtp3_label_encode(buf, sizeof(buf), f, &l);
	if (len != ll)
		abort();
	if (sg_mtp3_label_decode(&l2, f, buf, len) != SG_MTP3_OK)
		abort();
	if (!label_eq(&l, &l2))
		abort();
	/* only the SLS octet has spare bits (ANSI 5-bit, China, TTC); ITU has none */
	if (f->variant == SG_PC_ITU) {
		if (memcmp(buf, d, ll))
			abort();
	} else {
		uint8_t m = (uint8_t)((1U << sg_mtp3_sls_bits(f)) - 1);

		if (memcmp(buf, d, ll - 1) || buf[ll - 1] != (d[ll - 1] & m))
			abort();
	}
	/* an output buffer one octet short is refused */
	if (sg_mtp3_label_encode(buf, ll - 1, f, &l) != 0)
		abort();
}

static void check_hdr(const struct sg_mtp3_fmt *f, const uint8_t *d, size_t n)
{
	struct sg_mtp3_hdr h, h2;
	uint8_t buf[16];
	size_t len;
	int rc;

	rc = sg_mtp3_hdr_decode(&h, f, d, n);
	if (!fz_mtp3_decoded(rc, n, sg_mtp3_hdr_len(f->variant)))
		return;
	len = sg_mtp3_hdr_encode(buf, sizeof(buf), f, &h);
	if (len != sg_mtp3_hdr_len(f->variant) || buf[0] != d[0])
		abort();
	if (sg_mtp3_hdr_decode(&h2, f, buf, len) != SG_MTP3_OK)
		abort();
	if (!hdr_eq(&h, &h2))
		abort();
}

/* the MSU from its SIO; the label after the SIO */
static void check_msu(const struct sg_mtp3_fmt *f, const uint8_t *d, size_t n)
{
	check_hdr(f, d, n);
	if (n)
		check_label(f, d + 1, n - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_mtp3_input(data, size, check_msu);
}
