/* ISUP call control messages for the simulators: formats of Q.763 §1 and Tables 32-43 (IAM,
 * ACM, CON, ANM, REL, RLC), ANSI T1.113.3 for the ANSI IAM; parameters of Q.763 §3. */

#include <errno.h>
#include <string.h>

#include "isup_sim.h"

const struct value_string isup_msg_names[] = {
	{ ISUP_IAM, "IAM" }, { ISUP_SAM, "SAM" }, { ISUP_COT, "COT" }, { ISUP_ACM, "ACM" },
	{ ISUP_CON, "CON" }, { ISUP_ANM, "ANM" }, { ISUP_REL, "REL" }, { ISUP_SUS, "SUS" },
	{ ISUP_RES, "RES" }, { ISUP_RLC, "RLC" }, { ISUP_CCR, "CCR" }, { ISUP_RSC, "RSC" },
	{ ISUP_BLO, "BLO" }, { ISUP_UBL, "UBL" }, { ISUP_BLA, "BLA" }, { ISUP_UBA, "UBA" },
	{ ISUP_GRS, "GRS" }, { ISUP_CGB, "CGB" }, { ISUP_CGU, "CGU" }, { ISUP_GRA, "GRA" },
	{ ISUP_CPG, "CPG" }, { ISUP_CFN, "CFN" },
	{ 0, NULL }
};

/* Fixed values the simulators send */
#define NCI_DEFAULT	0x00	/* no satellite, no continuity check, no echo control device */
#define FCI1_DEFAULT	0x60	/* national call, ISUP all the way (F), ISUP not required (HG=01) */
#define FCI2_DEFAULT	0x01	/* originating access ISDN (I) */
#define CPC_ORDINARY	0x0a	/* ordinary calling subscriber (Q.763 §3.11) */
#define TMR_SPEECH	0x00	/* transmission medium requirement: speech (Q.763 §3.54) */
#define BCI1_DEFAULT	0x16	/* charge (BA=10), subscriber free (DC=01), ordinary (FE=01) */
#define BCI2_DEFAULT	0x14	/* ISUP all the way (K), terminating access ISDN (M) */
#define NAI_NATIONAL	0x03	/* nature of address: national (significant) number */
#define NPI_ISDN	0x10	/* numbering plan E.164, in bits 7-5 */
#define SCREEN_NETWORK	0x03	/* calling party number: network provided */

/* Message layout: octets of mandatory fixed part, number of mandatory variable parameters,
 * whether an optional part (pointer) follows (Q.763 Tables 32-43; ANSI where it differs). */
struct isup_layout {
	uint8_t type;
	uint8_t fixed[2];	/* [ISUP_ITU], [ISUP_ANSI] */
	uint8_t var[2];
	bool opt;
};

static const struct isup_layout layouts[] = {
	{ ISUP_IAM, { 5, 4 }, { 1, 2 }, true },	/* ANSI: no TMR; USI before called number */
	{ ISUP_ACM, { 2, 2 }, { 0, 0 }, true },
	{ ISUP_CON, { 2, 2 }, { 0, 0 }, true },
	{ ISUP_ANM, { 0, 0 }, { 0, 0 }, true },
	{ ISUP_REL, { 0, 0 }, { 1, 1 }, true },
	{ ISUP_RLC, { 0, 0 }, { 0, 0 }, true },
};

static const struct isup_layout *layout_of(uint8_t type)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(layouts); i++)
		if (layouts[i].type == type)
			return &layouts[i];
	return NULL;
}

unsigned int isup_max_cic(enum isup_variant v)
{
	return v == ISUP_ANSI ? 0x3fff : 0x0fff;
}

/* ---- encoder ---- */

struct wbuf {
	uint8_t *p;
	size_t len, pos;
	bool overflow;
};

static void put(struct wbuf *w, uint8_t b)
{
	if (w->pos >= w->len) {
		w->overflow = true;
		return;
	}
	w->p[w->pos++] = b;
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Called/calling party number value (Q.763 §3.9, §3.10): odd/even + NAI, NPI octet, BCD. */
static int put_number(struct wbuf *w, const char *digits, uint8_t octet2)
{
	size_t n = strlen(digits);

	if (n > ISUP_MAX_DIGITS)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (nibble(digits[i]) < 0)
			return -EINVAL;
	put(w, 2 + (n + 1) / 2);
	put(w, (n & 1 ? 0x80 : 0) | NAI_NATIONAL);
	put(w, octet2);
	for (size_t i = 0; i < n; i += 2)
		put(w, nibble(digits[i]) | (i + 1 < n ? nibble(digits[i + 1]) << 4 : 0));
	return 0;
}

static void put_cause(struct wbuf *w, uint8_t location, uint8_t cause)
{
	put(w, 2);
	put(w, 0x80 | (location & 0x0f));	/* ext, ITU-T coding standard, location */
	put(w, 0x80 | (cause & 0x7f));
}

int isup_encode(uint8_t *buf, size_t len, enum isup_variant v, const struct isup_msg *m)
{
	struct wbuf w = { buf, len, 0, false };
	size_t ptr[2] = { 0, 0 }, optptr;
	int rc = 0;

	if (m->cic > isup_max_cic(v))
		return -EINVAL;
	put(&w, m->cic & 0xff);
	put(&w, m->cic >> 8);
	put(&w, m->type);

	switch (m->type) {
	case ISUP_IAM:
		if (!m->called[0])
			return -EINVAL;
		put(&w, NCI_DEFAULT);
		put(&w, FCI1_DEFAULT);
		put(&w, FCI2_DEFAULT);
		put(&w, CPC_ORDINARY);
		if (v == ISUP_ITU) {
			put(&w, TMR_SPEECH);
			ptr[0] = w.pos;	/* called party number */
			put(&w, 0);
		} else {
			ptr[0] = w.pos;	/* user service information */
			put(&w, 0);
			ptr[1] = w.pos;	/* called party number */
			put(&w, 0);
		}
		optptr = w.pos;
		put(&w, 0);
		if (v == ISUP_ANSI) {
			if (!w.overflow)
				buf[ptr[0]] = w.pos - ptr[0];
			/* USI (T1.113 §3.57): speech, circuit mode 64 kbit/s, G.711 mu-law */
			put(&w, 3);
			put(&w, 0x80);
			put(&w, 0x90);
			put(&w, 0xa2);
			ptr[0] = ptr[1];
		}
		if (!w.overflow)
			buf[ptr[0]] = w.pos - ptr[0];
		rc = put_number(&w, m->called, NPI_ISDN);
		if (rc < 0)
			return rc;
		if (m->calling[0]) {
			if (!w.overflow)
				buf[optptr] = w.pos - optptr;
			put(&w, ISUP_P_CALLING);
			rc = put_number(&w, m->calling, NPI_ISDN | SCREEN_NETWORK);
			if (rc < 0)
				return rc;
			put(&w, ISUP_P_END);
		}
		break;
	case ISUP_ACM:
	case ISUP_CON:
		put(&w, BCI1_DEFAULT);
		put(&w, BCI2_DEFAULT);
		put(&w, 0);	/* no optional part */
		break;
	case ISUP_ANM:
		put(&w, 0);
		break;
	case ISUP_REL:
		put(&w, 2);	/* pointer to cause indicators */
		put(&w, 0);	/* no optional part */
		put_cause(&w, m->location, m->cause);
		break;
	case ISUP_RLC:
		if (m->has_cause) {
			put(&w, 1);
			put(&w, ISUP_P_CAUSE);
			put_cause(&w, m->location, m->cause);
			put(&w, ISUP_P_END);
		} else {
			put(&w, 0);
		}
		break;
	default:
		return -EINVAL;
	}
	return w.overflow ? -ENOSPC : (int)w.pos;
}

/* ---- decoder ---- */

static void get_digits(char *out, const uint8_t *p, size_t n, bool odd)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t k = 0;

	for (size_t i = 0; i < n && k < ISUP_MAX_DIGITS; i++) {
		out[k++] = hex[p[i] & 0x0f];
		if (i + 1 == n && odd)
			break;
		if (k < ISUP_MAX_DIGITS)
			out[k++] = hex[p[i] >> 4];
	}
	out[k] = '\0';
}

/* A party number parameter value: at least the two header octets. */
static int get_number(char *out, const uint8_t *p, size_t n)
{
	if (n < 2)
		return -1;
	get_digits(out, p + 2, n - 2, p[0] & 0x80);
	return 0;
}

/* Cause indicators value (Q.850 §2.2): octet 1 (and 1a without the extension bit), cause. */
static int get_cause(struct isup_msg *m, const uint8_t *p, size_t n)
{
	size_t i = 1;

	if (n < 2)
		return -1;
	if (!(p[0] & 0x80))
		i++;	/* octet 3a: recommendation */
	if (i >= n)
		return -1;
	m->has_cause = true;
	m->location = p[0] & 0x0f;
	m->cause = p[i] & 0x7f;
	return 0;
}

#define BAD(text)                                                                                 \
	do {                                                                                      \
		*why = (text);                                                                    \
		return -EBADMSG;                                                                  \
	} while (0)

int isup_decode(const uint8_t *buf, size_t len, enum isup_variant v, struct isup_msg *m,
		const char **why)
{
	const struct isup_layout *lay;
	const uint8_t *var[2] = { NULL, NULL };
	uint8_t varlen[2] = { 0, 0 };
	size_t pos, nvar;

	memset(m, 0, sizeof(*m));
	*why = NULL;
	if (len < 3)
		BAD("shorter than CIC and message type");
	m->cic = (buf[0] | buf[1] << 8) & isup_max_cic(v);
	m->type = buf[2];
	lay = layout_of(m->type);
	if (!lay)
		return 0;	/* other messages: header only */

	pos = 3 + lay->fixed[v];
	if (pos > len)
		BAD("mandatory fixed part truncated");
	nvar = lay->var[v];
	for (size_t i = 0; i < nvar; i++, pos++) {
		size_t at;

		if (pos >= len)
			BAD("mandatory variable pointer missing");
		if (!buf[pos])
			BAD("mandatory variable pointer is zero");
		at = pos + buf[pos];
		if (at >= len || at + 1 + buf[at] > len)
			BAD("mandatory variable parameter beyond the message");
		var[i] = buf + at + 1;
		varlen[i] = buf[at];
	}
	if (lay->opt) {
		if (pos >= len) {
			/* ANSI RLC and ANM may end without an optional part pointer */
			if (nvar || lay->fixed[v])
				BAD("optional part pointer missing");
		} else if (buf[pos]) {
			size_t at = pos + buf[pos];

			/* walk the optional part: code, length, value ... end of optional
			 * parameters (Q.763 §1.8) */
			for (;;) {
				uint8_t code, plen;

				if (at >= len)
					BAD("optional part without end of optional parameters");
				code = buf[at];
				if (code == ISUP_P_END)
					break;
				if (at + 1 >= len || at + 2 + buf[at + 1] > len)
					BAD("optional parameter beyond the message");
				plen = buf[at + 1];
				if (code == ISUP_P_CALLING && m->type == ISUP_IAM &&
				    get_number(m->calling, buf + at + 2, plen) < 0)
					BAD("calling party number too short");
				if (code == ISUP_P_CAUSE && m->type == ISUP_RLC &&
				    get_cause(m, buf + at + 2, plen) < 0)
					BAD("cause indicators too short");
				at += 2 + plen;
			}
		}
	}

	switch (m->type) {
	case ISUP_IAM:
		/* the called party number is the last mandatory variable parameter */
		if (get_number(m->called, var[nvar - 1], varlen[nvar - 1]) < 0)
			BAD("called party number too short");
		if (!m->called[0])
			BAD("called party number without digits");
		break;
	case ISUP_REL:
		if (get_cause(m, var[0], varlen[0]) < 0)
			BAD("cause indicators too short");
		break;
	default:
		break;
	}
	return 0;
}
