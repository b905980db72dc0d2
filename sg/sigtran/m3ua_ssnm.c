/* M3UA SS7 signalling network management, RFC 4666 §3.4 and §4.5: the messages about MTP3
 * point codes (DUNA/DAVA/SCON/DUPU/DRST) from the SGP to its ASPs, DAUD answered from the SS7
 * side's view (§4.5.3), and SSNM received in the ASP role (with the optional audit back).
 * Which peers get them and the roles' checks are the xUA core's (xua_ssnm.c). */

#include <errno.h>
#include <string.h>

#include <talloc.h>
#include <osmocom/core/utils.h>

#include "m3ua_int.h"

#define MAX_PC 256
#define MAX_RC 64

/* Build one SSNM message. */
static struct msgb *ssnm_msg(struct sg_m3ua *m, uint8_t type, const uint32_t *rc, unsigned int nrc,
			     const uint32_t *pcs, unsigned int n, const struct sg_m3ua_ssnm_extra *x)
{
	struct msgb *msg = sg_m3ua_msg_new(SG_M3UA_CLS_SSNM, type);

	if (!msg)
		return NULL;
	if (m->cfg.has_na)
		sg_m3ua_put_u32(msg, SG_M3UA_IEI_NET_APPEAR, m->cfg.na);
	if (nrc)
		sg_m3ua_put_u32_list(msg, SG_M3UA_IEI_ROUTE_CTX, rc, nrc);
	if (sg_m3ua_put_u32_list(msg, SG_M3UA_IEI_AFFECTED_PC, pcs, n) < 0) {
		msgb_free(msg);
		return NULL;
	}
	if (type == SG_M3UA_SSNM_SCON) {
		if (x && x->has_concerned)
			sg_m3ua_put_u32(msg, SG_M3UA_IEI_CONCERNED_DEST, x->concerned_dpc & 0xffffff);
		if (x && x->has_cong)
			sg_m3ua_put_u32(msg, SG_M3UA_IEI_CONG_IND, x->cong_level);
	}
	if (type == SG_M3UA_SSNM_DUPU)
		sg_m3ua_put_u32(msg, SG_M3UA_IEI_USER_CAUSE,
				(uint32_t)(x ? x->cause : 0) << 16 | (x ? x->user : 0));
	if (x && x->info)
		sg_m3ua_put(msg, SG_M3UA_IEI_INFO_STRING, strnlen(x->info, 255), x->info);
	sg_m3ua_finish(msg);
	return msg;
}

/* What the SGP may send: DUNA/DAVA/SCON/DUPU/DRST about at least one PC; a DUPU about one
 * Affected Point Code with a User/Cause in range (§3.4.5), as our decoder wants it. */
static bool ssnm_args_ok(uint8_t type, const uint32_t *pcs, unsigned int n,
			 const struct sg_m3ua_ssnm_extra *x)
{
	if (!pcs || !n || type == SG_M3UA_SSNM_DAUD || type < SG_M3UA_SSNM_DUNA ||
	    type > SG_M3UA_SSNM_DRST)
		return false;
	return type != SG_M3UA_SSNM_DUPU ||
	       (n == 1 && (!x || (x->cause <= SG_M3UA_DUPU_INACCESSIBLE && x->user <= 15)));
}

int sg_m3ua_ssnm_send_asp(struct sg_m3ua_asp *asp, uint8_t type, const uint32_t *pcs,
			  unsigned int n, const struct sg_m3ua_ssnm_extra *x)
{
	uint32_t rc[MAX_RC];
	unsigned int nrc;

	if (!asp || !ssnm_args_ok(type, pcs, n, x))
		return -EINVAL;
	if (!xua_ssnm_rcs(asp, NULL, true, rc, &nrc))
		return 0;
	return xua_tx(asp, 0, ssnm_msg(asp->m, type, rc, nrc, pcs, n, x)) < 0 ? 0 : 1;
}

int sg_m3ua_ssnm_send(struct sg_m3ua *m, uint8_t type, const uint32_t *pcs, unsigned int n,
		      const struct sg_m3ua_ssnm_extra *x)
{
	struct sg_m3ua_asp *asp;
	uint32_t rc[MAX_RC];
	unsigned int nrc;
	int sent = 0;

	if (!m || !ssnm_args_ok(type, pcs, n, x))
		return -EINVAL;
	llist_for_each_entry(asp, &m->asps, list) {
		if (!xua_ssnm_rcs(asp, x ? x->skip_as : NULL, false, rc, &nrc))
			continue;
		if (xua_tx(asp, 0, ssnm_msg(m, type, rc, nrc, pcs, n, x)) >= 0)
			sent++;
	}
	return sent;
}

int sg_m3ua_daud_send(struct sg_m3ua_asp *asp, const uint32_t *pcs, unsigned int n)
{
	uint32_t rc[MAX_RC];
	unsigned int nrc;

	if (!asp || !pcs || !n || !asp->cli)
		return -EINVAL;
	nrc = xua_asp_rcs(asp, true, false, rc, MAX_RC);
	return xua_tx(asp, 0, ssnm_msg(asp->m, SG_M3UA_SSNM_DAUD, rc, nrc, pcs, n, NULL));
}

/* ---- DAUD at the SGP (§4.5.3) ---- */

/* The answer lists, one message each (flushed every MAX_PC entries) */
enum { A_DAVA, A_DUNA, A_DRST, A_SCON1, A_SCON2, A_SCON3, A_NUM };
static const uint8_t a_type[A_NUM] = { SG_M3UA_SSNM_DAVA, SG_M3UA_SSNM_DUNA, SG_M3UA_SSNM_DRST,
				       SG_M3UA_SSNM_SCON, SG_M3UA_SSNM_SCON, SG_M3UA_SSNM_SCON };

struct daud_ans {
	struct sg_m3ua_asp *asp;
	const uint32_t *rc;
	unsigned int nrc;
	uint32_t pcs[A_NUM][MAX_PC];
	unsigned int n[A_NUM];
};

static void send_list(struct sg_m3ua_asp *asp, uint8_t type, const uint32_t *rc, unsigned int nrc,
		      const uint32_t *pcs, unsigned int n, const struct sg_m3ua_ssnm_extra *x)
{
	if (n)
		xua_tx(asp, 0, ssnm_msg(asp->m, type, rc, nrc, pcs, n, x));
}

static void ans_flush(struct daud_ans *a, unsigned int k)
{
	struct sg_m3ua_ssnm_extra x = { .has_cong = true, .cong_level = k - A_SCON1 + 1 };

	send_list(a->asp, a_type[k], a->rc, a->nrc, a->pcs[k], a->n[k], k >= A_SCON1 ? &x : NULL);
	a->n[k] = 0;
}

static void ans_add(struct daud_ans *a, unsigned int k, uint32_t entry)
{
	if (a->n[k] == MAX_PC)
		ans_flush(a, k);
	a->pcs[k][a->n[k]++] = entry;
}

/* Congestion (SCON) and unavailable user parts (DUPU, one per user part, sent at once) of an
 * accessible destination */
static void ans_extras(struct daud_ans *a, uint32_t entry, const struct sg_m3ua_dest_status *ds)
{
	if (ds->cong_level >= 1 && ds->cong_level <= 3)
		ans_add(a, A_SCON1 + ds->cong_level - 1, entry);
	for (unsigned int si = 0; si < 16; si++) {
		struct sg_m3ua_ssnm_extra x = { .user = si, .cause = ds->upu_cause };

		if (ds->upu_si & (1u << si))
			send_list(a->asp, SG_M3UA_SSNM_DUPU, a->rc, a->nrc, &entry, 1, &x);
	}
}

/* One destination (or a range answered as a whole) */
static void ans_dest(struct daud_ans *a, uint32_t entry, const struct sg_m3ua_dest_status *ds)
{
	switch (ds->state) {
	case SG_M3UA_DEST_AVAILABLE:
		ans_add(a, A_DAVA, entry);
		break;
	case SG_M3UA_DEST_UNAVAILABLE:
		ans_add(a, A_DUNA, entry);
		return;
	case SG_M3UA_DEST_RESTRICTED:
		ans_add(a, A_DRST, entry);
		break;
	default:
		return;
	}
	ans_extras(a, entry, ds);
}

static int dest_status(struct sg_m3ua *m, uint32_t pc, uint8_t mask, struct sg_m3ua_dest_status *ds)
{
	memset(ds, 0, sizeof(*ds));
	if (!m->uops.dest_status || m->uops.dest_status(m->uctx, pc, mask, ds) < 0)
		ds->state = SG_M3UA_DEST_UNKNOWN;
	return ds->state == SG_M3UA_DEST_UNKNOWN ? -1 : 0;
}

/* The known destinations a masked Affected Point Code covers */
struct known {
	uint32_t pc;
	struct sg_m3ua_dest_status ds;
};

struct known_set {
	struct known *k;
	unsigned int n, max;
};

static void known_push(struct known_set *ks, uint32_t pc, const struct sg_m3ua_dest_status *ds)
{
	if (ks->n == ks->max) {
		unsigned int max = ks->max ? 2 * ks->max : 64;
		struct known *k = talloc_realloc(NULL, ks->k, struct known, max);

		if (!k)
			return;
		ks->k = k;
		ks->max = max;
	}
	ks->k[ks->n++] = (struct known){ .pc = pc, .ds = *ds };
}

static void known_add(struct sg_m3ua *m, struct known_set *ks, uint32_t pc)
{
	struct sg_m3ua_dest_status ds;

	for (unsigned int i = 0; i < ks->n; i++)
		if (ks->k[i].pc == pc)
			return;
	if (m3ua_pc_valid(m, pc) && dest_status(m, pc, 0, &ds) == 0)
		known_push(ks, pc, &ds);
}

/* Ranges up to this many PCs are enumerated (every ITU and TTC mask, ANSI/China masks up to
 * 16); in a wider one only the DPCs of the routing keys are looked at. */
#define DAUD_ENUM_MAX (1u << 16)

static void known_in_range(struct sg_m3ua *m, uint32_t pc, uint8_t mask, struct known_set *ks)
{
	unsigned int bits = sg_pc_bits(m->cfg.variant);
	uint32_t base, size;
	struct sg_m3ua_as *as;

	if (mask >= bits) {
		base = 0;
		size = bits >= 32 ? 0 : 1u << bits;
	} else {
		size = 1u << mask;
		base = pc & ~(size - 1);
	}
	if (size && size <= DAUD_ENUM_MAX) {
		for (uint32_t p = base; p < base + size; p++) {
			struct sg_m3ua_dest_status ds;

			if (m3ua_pc_valid(m, p) && dest_status(m, p, 0, &ds) == 0)
				known_push(ks, p, &ds);
		}
		return;
	}
	llist_for_each_entry(as, &m->ass, list)
		for (unsigned int i = 0; i < as->rk.ndpc; i++)
			if (!as->rk.dpc[i].mask && as->rk.dpc[i].pc - base < size)
				known_add(m, ks, as->rk.dpc[i].pc);
}

/* A masked Affected Point Code (§3.4.1: the mask wildcards its low bits; a mask of the PC
 * width or more, e.g. 255, the whole network).  Its combined status: every known destination
 * it covers available -> DAVA for the masked entry (with SCON/DUPU for the congested ones and
 * the unavailable user parts); every one unavailable -> DUNA for the masked entry; a mix ->
 * each known destination answered on its own, as a DAUD for each would be.  false: none
 * known. */
static bool ans_range(struct sg_m3ua *m, struct daud_ans *a, uint32_t entry)
{
	uint8_t mask = sg_m3ua_apc_mask(entry);
	uint32_t pc = sg_m3ua_apc_pc(entry);
	struct known_set ks = { 0 };
	unsigned int navail = 0, nunav = 0;

	known_in_range(m, pc, mask, &ks);
	if (!ks.n) {
		struct sg_m3ua_dest_status ds;

		talloc_free(ks.k);
		/* the glue may still know the range as a whole */
		if (dest_status(m, pc, mask, &ds) < 0)
			return false;
		ans_dest(a, entry, &ds);
		return true;
	}
	for (unsigned int i = 0; i < ks.n; i++) {
		navail += ks.k[i].ds.state == SG_M3UA_DEST_AVAILABLE;
		nunav += ks.k[i].ds.state == SG_M3UA_DEST_UNAVAILABLE;
	}
	if (navail == ks.n) {
		ans_add(a, A_DAVA, entry);
		for (unsigned int i = 0; i < ks.n; i++)
			ans_extras(a, ks.k[i].pc, &ks.k[i].ds);
	} else if (nunav == ks.n) {
		ans_add(a, A_DUNA, entry);
	} else {
		for (unsigned int i = 0; i < ks.n; i++)
			ans_dest(a, ks.k[i].pc, &ks.k[i].ds);
	}
	talloc_free(ks.k);
	return true;
}

void m3ua_rx_daud(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg)
{
	struct sg_m3ua *m = asp->m;
	uint32_t pcs[MAX_PC], rc[MAX_RC], na;
	int n = sg_m3ua_get_u32_list(msg, SG_M3UA_IEI_AFFECTED_PC, pcs, MAX_PC);
	int nrc = sg_m3ua_get_u32_list(msg, SG_M3UA_IEI_ROUTE_CTX, rc, MAX_RC);
	struct daud_ans *a;
	bool unknown_err = false;

	if (asp->state == SG_M3UA_ASP_DOWN) {
		xua_tx_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, NULL, NULL, msg->buf, msg->len);
		return;
	}
	if (n <= 0) {
		xua_tx_err(asp, SG_M3UA_ERR_MISSING_PARAM, NULL, NULL, msg->buf, msg->len);
		return;
	}
	if (sg_m3ua_get_u32(msg, SG_M3UA_IEI_NET_APPEAR, &na) && (!m->cfg.has_na || na != m->cfg.na)) {
		xua_tx_err(asp, SG_M3UA_ERR_INVALID_NET_APPEAR, NULL, &na, msg->buf, msg->len);
		return;
	}
	if (nrc < 0)
		nrc = 0;
	for (int i = 0; i < nrc; i++) {
		struct sg_m3ua_as *as = sg_m3ua_as_by_rc(m, rc[i]);

		if (!as || as->client || !xua_memb(as, asp)) {
			xua_tx_err(asp, SG_M3UA_ERR_INVALID_ROUTING_CTX, &rc[i], NULL, msg->buf,
				    msg->len);
			return;
		}
	}
	a = talloc_zero(NULL, struct daud_ans);
	if (!a)
		return;
	a->asp = asp;
	a->rc = rc;
	a->nrc = nrc;
	for (int i = 0; i < n; i++) {
		struct sg_m3ua_dest_status ds;

		if (sg_m3ua_apc_mask(pcs[i])) {
			if (ans_range(m, a, pcs[i]))
				continue;
		} else if (dest_status(m, sg_m3ua_apc_pc(pcs[i]), 0, &ds) == 0) {
			ans_dest(a, pcs[i], &ds);
			continue;
		}
		/* status unknown (§4.5.3): DUNA or ERR Destination Status Unknown, per policy */
		if (m->cfg.daud_unknown == SG_M3UA_DAUD_UNKNOWN_ERR)
			unknown_err = true;
		else
			ans_add(a, A_DUNA, pcs[i]);
	}
	for (unsigned int k = 0; k < A_NUM; k++)
		ans_flush(a, k);
	if (unknown_err) {
		if (nrc)
			xua_tx_err_rcs(asp, SG_M3UA_ERR_DEST_STATUS_UNKNOWN, rc, nrc, msg->buf,
					msg->len);
		else
			xua_tx_err(asp, SG_M3UA_ERR_DEST_STATUS_UNKNOWN, NULL, NULL, msg->buf,
				    msg->len);
	}
	talloc_free(a);
}

/* ---- SSNM received as ASP / IPSP ---- */

void m3ua_rx_ssnm_asp(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg)
{
	struct sg_m3ua *m = asp->m;
	uint32_t pcs[MAX_PC], v;
	int n = sg_m3ua_get_u32_list(msg, SG_M3UA_IEI_AFFECTED_PC, pcs, MAX_PC);
	struct sg_m3ua_ssnm_extra x = { 0 };

	if (asp->lstate == SG_M3UA_ASP_DOWN ||
	    (asp->lstate == SG_M3UA_ASP_INACTIVE && !m->cfg.asp_snm_inactive &&
	     asp->state != SG_M3UA_ASP_ACTIVE)) {
		/* cf. osmo-stp TC_clnt_no_snm_inactive */
		xua_tx_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, NULL, NULL, msg->buf, msg->len);
		return;
	}
	if (n <= 0) {
		xua_tx_err(asp, SG_M3UA_ERR_MISSING_PARAM, NULL, NULL, msg->buf, msg->len);
		return;
	}
	if (msg->type == SG_M3UA_SSNM_DUPU) {
		/* a DUPU concerns one user part at one PC: no wildcard (ETSI m3ua-asp-ssnm-008) */
		for (int i = 0; i < n; i++) {
			if (sg_m3ua_apc_mask(pcs[i])) {
				xua_tx_err(asp, SG_M3UA_ERR_INVALID_PARAM_VAL, NULL, NULL, msg->buf,
					    msg->len);
				return;
			}
		}
		if (sg_m3ua_get_u32(msg, SG_M3UA_IEI_USER_CAUSE, &v)) {
			x.cause = v >> 16;
			x.user = v & 0xffff;
		}
	}
	if (sg_m3ua_get_u32(msg, SG_M3UA_IEI_CONG_IND, &v)) {
		x.has_cong = true;
		x.cong_level = v;
	}
	if (sg_m3ua_get_u32(msg, SG_M3UA_IEI_CONCERNED_DEST, &v)) {
		x.has_concerned = true;
		x.concerned_dpc = v & 0xffffff;
	}
	if (sg_m3ua_get_u32(msg, SG_M3UA_IEI_ROUTE_CTX, &v)) {
		x.has_rc = true;
		x.rc = v;
	}
	if (m->uops.ssnm_ind)
		m->uops.ssnm_ind(m->uctx, asp, msg->type, pcs, n, &x);
	/* audit the destination back (§4.5.3; ETSI m3ua-asp-ssnm-001..007) */
	if (m->cfg.asp_audit && msg->type != SG_M3UA_SSNM_DAVA)
		sg_m3ua_daud_send(asp, pcs, n);
}
