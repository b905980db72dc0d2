/* SCCP unitdata for the simulators: UDT format (Q.713 §4.10, Table 8), called/calling party
 * address (Q.713 §3.4; ANSI T1.112 §3.4 for the ANSI address indicator). */

#include <errno.h>
#include <string.h>

#include "sim_sccp.h"

#define AI_ROUTE_SSN	0x40	/* routing indicator: route on DPC + SSN */
#define AI_NATIONAL	0x80	/* ANSI: national address (bit 8) */

static unsigned int pc_octets(unsigned int pc_bits)
{
	return (pc_bits + 7) / 8;
}

static bool ansi(enum sccp_addr_fmt fmt)
{
	return fmt == SCCP_ADDR_ANSI;
}

/* Address value: AI, then PC and SSN in the format's order; returns its length. */
static unsigned int addr_encode(uint8_t *p, enum sccp_addr_fmt fmt, unsigned int pc_bits,
				uint32_t pc, uint8_t ssn)
{
	unsigned int n = 0, po = pc_octets(pc_bits);

	if (ansi(fmt)) {
		p[n++] = AI_NATIONAL | AI_ROUTE_SSN | 0x02 /* PC */ | 0x01 /* SSN */;
		p[n++] = ssn;
	} else {
		p[n++] = AI_ROUTE_SSN | 0x02 /* SSN */ | 0x01 /* PC */;
	}
	for (unsigned int i = 0; i < po; i++)
		p[n++] = pc >> (8 * i);
	if (!ansi(fmt))
		p[n++] = ssn;
	return n;
}

int sccp_udt_encode(uint8_t *buf, size_t len, enum sccp_addr_fmt fmt, unsigned int pc_bits,
		    uint32_t called_pc, uint8_t called_ssn, uint32_t calling_pc,
		    uint8_t calling_ssn, const uint8_t *data, size_t data_len)
{
	uint8_t called[8], calling[8];
	unsigned int cdl, cgl;
	size_t need;

	if (pc_bits < 14 || pc_bits > 24 || data_len > 255 || called_pc >> pc_bits ||
	    calling_pc >> pc_bits)
		return -EINVAL;
	cdl = addr_encode(called, fmt, pc_bits, called_pc, called_ssn);
	cgl = addr_encode(calling, fmt, pc_bits, calling_pc, calling_ssn);
	need = 5 + 1 + cdl + 1 + cgl + 1 + data_len;
	if (need > len)
		return -ENOSPC;
	buf[0] = SCCP_MSG_UDT;
	buf[1] = 0x00;			/* class 0, no return on error */
	buf[2] = 3;			/* called party address at 5 */
	buf[3] = 2 + 1 + cdl;		/* calling party address */
	buf[4] = 1 + 1 + cdl + 1 + cgl;	/* data */
	buf[5] = cdl;
	memcpy(buf + 6, called, cdl);
	buf[6 + cdl] = cgl;
	memcpy(buf + 7 + cdl, calling, cgl);
	buf[7 + cdl + cgl] = data_len;
	if (data_len)
		memcpy(buf + 8 + cdl + cgl, data, data_len);
	return need;
}

#define BAD(text)                                                                                 \
	do {                                                                                      \
		*why = (text);                                                                    \
		return -EBADMSG;                                                                  \
	} while (0)

static int addr_decode(struct sccp_addr *a, const uint8_t *p, uint8_t n, enum sccp_addr_fmt fmt,
		       unsigned int pc_bits, const char **why)
{
	unsigned int i = 1, po = pc_octets(pc_bits);
	uint8_t ai;

	if (n < 1)
		BAD("empty address");
	if (n > SCCP_MAX_ADDR)
		BAD("address too long");
	memcpy(a->raw, p, n);
	a->len = n;
	ai = p[0];
	a->route_on_ssn = ai & AI_ROUTE_SSN;
	a->gti = (ai >> 2) & 0x0f;
	a->has_pc = ansi(fmt) ? ai & 0x02 : ai & 0x01;
	a->has_ssn = ansi(fmt) ? ai & 0x01 : ai & 0x02;
	if (ansi(fmt) && a->has_ssn) {
		if (i >= n)
			BAD("address: SSN missing");
		a->ssn = p[i++];
	}
	if (a->has_pc) {
		if (i + po > n)
			BAD("address: point code truncated");
		a->pc = 0;
		for (unsigned int k = 0; k < po; k++)
			a->pc |= (uint32_t)p[i + k] << (8 * k);
		a->pc &= (1u << pc_bits) - 1;
		i += po;
	}
	if (!ansi(fmt) && a->has_ssn) {
		if (i >= n)
			BAD("address: SSN missing");
		a->ssn = p[i++];
	}
	if (a->route_on_ssn && !a->has_ssn)
		BAD("address: routing on SSN without SSN");
	if (!a->route_on_ssn && !a->gti)
		BAD("address: routing on GT without GT");
	return 0;
}

/* Variable parameter at pointer octet ptr_at; Q.713 §1.8: pointer counts from itself. */
static int get_var(const uint8_t *buf, size_t len, size_t ptr_at, const uint8_t **val,
		   uint8_t *vlen)
{
	size_t at;

	if (!buf[ptr_at])
		return -1;
	at = ptr_at + buf[ptr_at];
	if (at >= len || at + 1 + buf[at] > len)
		return -1;
	*val = buf + at + 1;
	*vlen = buf[at];
	return 0;
}

int sccp_udt_decode(const uint8_t *buf, size_t len, enum sccp_addr_fmt fmt,
		    unsigned int pc_bits, struct sccp_udt *u, const char **why)
{
	const uint8_t *cd, *cg;
	uint8_t cdl, cgl;
	int rc;

	memset(u, 0, sizeof(*u));
	*why = NULL;
	if (len < 1)
		BAD("empty message");
	if (buf[0] != SCCP_MSG_UDT)
		return -ENOTSUP;
	if (len < 5)
		BAD("UDT shorter than its fixed part and pointers");
	u->pclass = buf[1];
	if ((u->pclass & 0x0f) > 1)
		BAD("UDT with protocol class above 1");
	if (get_var(buf, len, 2, &cd, &cdl) < 0)
		BAD("called party address beyond the message");
	if (get_var(buf, len, 3, &cg, &cgl) < 0)
		BAD("calling party address beyond the message");
	if (get_var(buf, len, 4, &u->data, &u->data_len) < 0)
		BAD("data beyond the message");
	if (!u->data_len)
		BAD("UDT without data");
	rc = addr_decode(&u->called, cd, cdl, fmt, pc_bits, why);
	if (rc < 0)
		return rc;
	return addr_decode(&u->calling, cg, cgl, fmt, pc_bits, why);
}

int sccp_udt_echo(uint8_t *buf, size_t len, const struct sccp_udt *u)
{
	const struct sccp_addr *cd = &u->calling, *cg = &u->called;
	size_t need = 5 + 1 + cd->len + 1 + cg->len + 1 + u->data_len;

	if (need > len)
		return -ENOSPC;
	buf[0] = SCCP_MSG_UDT;
	buf[1] = u->pclass;
	buf[2] = 3;
	buf[3] = 2 + 1 + cd->len;
	buf[4] = 1 + 1 + cd->len + 1 + cg->len;
	buf[5] = cd->len;
	memcpy(buf + 6, cd->raw, cd->len);
	buf[6 + cd->len] = cg->len;
	memcpy(buf + 7 + cd->len, cg->raw, cg->len);
	buf[7 + cd->len + cg->len] = u->data_len;
	memcpy(buf + 8 + cd->len + cg->len, u->data, u->data_len);
	return need;
}
