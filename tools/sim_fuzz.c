/* libFuzzer target: the simulators' ISUP decoder (Q.763 §1) and SCCP UDT decoder and echo
 * (Q.713 §4.10). */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tools/isup_sim.h"
#include "tools/sim_sccp.h"

/*
 * Input: byte 0 selects the decoder (bit 0: ANSI, bit 1: SCCP, bit 2: 24-bit point codes for
 * ITU-format SCCP addresses); the rest is the message.  What decodes must survive a round trip:
 * ISUP call control messages encode again and decode to the same fields; a UDT's echo decodes
 * with the addresses swapped and the same data.
 */

static void isup_one(const uint8_t *d, size_t n, enum isup_variant v)
{
	struct isup_msg m, m2;
	uint8_t buf[256];
	const char *why;
	int len;

	if (isup_decode(d, n, v, &m, &why) < 0) {
		if (!why)
			abort();
		return;
	}
	switch (m.type) {
	case ISUP_IAM:
	case ISUP_ACM:
	case ISUP_CON:
	case ISUP_ANM:
	case ISUP_REL:
	case ISUP_RLC:
		break;
	default:
		return;
	}
	len = isup_encode(buf, sizeof(buf), v, &m);
	if (len < 0)
		abort();
	if (isup_decode(buf, len, v, &m2, &why) < 0)
		abort();
	if (m2.cic != m.cic || m2.type != m.type || strcmp(m2.called, m.called) ||
	    strcmp(m2.calling, m.calling) || m2.has_cause != m.has_cause ||
	    (m.has_cause && (m2.cause != m.cause || m2.location != m.location)))
		abort();
}

static void sccp_one(const uint8_t *d, size_t n, enum sccp_addr_fmt fmt, unsigned int pc_bits)
{
	struct sccp_udt u, e;
	uint8_t buf[600];
	const char *why;
	int len, rc = sccp_udt_decode(d, n, fmt, pc_bits, &u, &why);

	if (rc < 0)
		return;
	len = sccp_udt_echo(buf, sizeof(buf), &u);
	if (len < 0)
		abort();
	if (sccp_udt_decode(buf, len, fmt, pc_bits, &e, &why) < 0)
		abort();
	if (e.called.len != u.calling.len || memcmp(e.called.raw, u.calling.raw, u.calling.len) ||
	    e.calling.len != u.called.len || memcmp(e.calling.raw, u.called.raw, u.called.len) ||
	    e.data_len != u.data_len || memcmp(e.data, u.data, u.data_len) ||
	    e.pclass != u.pclass)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sel;
	uint8_t *copy;

	if (size < 1)
		return 0;
	sel = data[0];
	/* an exact-size copy: ASan sees every overread */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	if (sel & 2)
		sccp_one(copy, size - 1, sel & 1 ? SCCP_ADDR_ANSI : SCCP_ADDR_ITU,
			 sel & 1 || sel & 4 ? 24 : 14);
	else
		isup_one(copy, size - 1, sel & 1 ? ISUP_ANSI : ISUP_ITU);
	free(copy);
	return 0;
}
