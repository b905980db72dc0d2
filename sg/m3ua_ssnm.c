/* M3UA SS7 signalling network management, RFC 4666 §3.4 and §4.5: DUNA/DAVA/SCON/DUPU/DRST
 * from the SGP to its ASPs, DAUD answered from the SS7 side's view (§4.5.3), and SSNM received
 * in the ASP role (with the optional audit back). */

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

/* Is the peer concerned by SGP-side SSNM, and with which RCs (§4.5.1; doc/m3ua.md)? */
static bool ssnm_rcs(struct sg_m3ua_asp *asp, const struct sg_m3ua_as *skip, bool any_state,
		     uint32_t *rc, unsigned int *nrc)
{
	struct sg_m3ua_as *as;
	bool ok = false;

	*nrc = 0;
	if (!asp->srv || !asp->conn || asp->state == SG_M3UA_ASP_DOWN)
		return false;
	if (!any_state && asp->m->cfg.ssnm_to == SG_M3UA_SSNM_TO_ACTIVE &&
	    asp->state != SG_M3UA_ASP_ACTIVE)
		return false;
	llist_for_each_entry(as, &asp->m->ass, list) {
		struct sg_m3ua_memb *mb = m3ua_memb(as, asp);

		if (!mb || as->client)
			continue;
		if (as == skip)
			return false;
		if (mb->st == SG_M3UA_ASP_DOWN ||
		    (!any_state && asp->m->cfg.ssnm_to == SG_M3UA_SSNM_TO_ACTIVE &&
		     mb->st != SG_M3UA_ASP_ACTIVE))
			continue;
		ok = true;
		if (as->has_rc && *nrc < MAX_RC)
			rc[(*nrc)++] = as->rc;
	}
	/* an IPSP server without AS still gets network state */
	return ok || (asp->cfg.role == SG_M3UA_ROLE_IPSP && !m3ua_asp_nas(asp, false));
}

int sg_m3ua_ssnm_send_asp(struct sg_m3ua_asp *asp, uint8_t type, const uint32_t *pcs,
			  unsigned int n, const struct sg_m3ua_ssnm_extra *x)
{
	uint32_t rc[MAX_RC];
	unsigned int nrc;

	if (!asp || !pcs || !n || type == SG_M3UA_SSNM_DAUD || type < SG_M3UA_SSNM_DUNA ||
	    type > SG_M3UA_SSNM_DRST)
		return -EINVAL;
	if (!ssnm_rcs(asp, NULL, true, rc, &nrc))
		return 0;
	return m3ua_tx(asp, 0, ssnm_msg(asp->m, type, rc, nrc, pcs, n, x)) < 0 ? 0 : 1;
}

int sg_m3ua_ssnm_send(struct sg_m3ua *m, uint8_t type, const uint32_t *pcs, unsigned int n,
		      const struct sg_m3ua_ssnm_extra *x)
{
	struct sg_m3ua_asp *asp;
	uint32_t rc[MAX_RC];
	unsigned int nrc;
	int sent = 0;

	if (!m || !pcs || !n || type == SG_M3UA_SSNM_DAUD || type < SG_M3UA_SSNM_DUNA ||
	    type > SG_M3UA_SSNM_DRST)
		return -EINVAL;
	llist_for_each_entry(asp, &m->asps, list) {
		if (!ssnm_rcs(asp, x ? x->skip_as : NULL, false, rc, &nrc))
			continue;
		if (m3ua_tx(asp, 0, ssnm_msg(m, type, rc, nrc, pcs, n, x)) >= 0)
			sent++;
	}
	return sent;
}

int sg_m3ua_daud_send(struct sg_m3ua_asp *asp, const uint32_t *pcs, unsigned int n)
{
	struct sg_m3ua_as *as;
	uint32_t rc[MAX_RC];
	unsigned int nrc = 0;

	if (!asp || !pcs || !n || !asp->cli)
		return -EINVAL;
	llist_for_each_entry(as, &asp->m->ass, list)
		if (as->client && as->has_rc && m3ua_memb(as, asp) && nrc < MAX_RC)
			rc[nrc++] = as->rc;
	return m3ua_tx(asp, 0, ssnm_msg(asp->m, SG_M3UA_SSNM_DAUD, rc, nrc, pcs, n, NULL));
}

/* ---- DAUD at the SGP (§4.5.3) ---- */

struct daud_ans {
	uint32_t dava[MAX_PC], duna[MAX_PC], drst[MAX_PC];
	unsigned int ndava, nduna, ndrst;
	uint32_t scon[4][MAX_PC];
	unsigned int nscon[4];
	unsigned int nknown;
};

static void ans_add(uint32_t *list, unsigned int *n, uint32_t v)
{
	if (*n < MAX_PC)
		list[(*n)++] = v;
}

static void send_list(struct sg_m3ua_asp *asp, uint8_t type, const uint32_t *rc, unsigned int nrc,
		      const uint32_t *pcs, unsigned int n, const struct sg_m3ua_ssnm_extra *x)
{
	if (n)
		m3ua_tx(asp, 0, ssnm_msg(asp->m, type, rc, nrc, pcs, n, x));
}

/* One destination: its answers go into a (DUPU is sent at once, one per user part) */
static void ans_dest(struct sg_m3ua_asp *asp, struct daud_ans *a, uint32_t entry,
		     const struct sg_m3ua_dest_status *ds, const uint32_t *rc, unsigned int nrc)
{
	switch (ds->state) {
	case SG_M3UA_DEST_AVAILABLE:
		ans_add(a->dava, &a->ndava, entry);
		break;
	case SG_M3UA_DEST_UNAVAILABLE:
		ans_add(a->duna, &a->nduna, entry);
		return;
	case SG_M3UA_DEST_RESTRICTED:
		ans_add(a->drst, &a->ndrst, entry);
		break;
	default:
		return;
	}
	a->nknown++;
	if (ds->cong_level >= 1 && ds->cong_level <= 3)
		ans_add(a->scon[ds->cong_level], &a->nscon[ds->cong_level], entry);
	for (unsigned int si = 0; si < 16; si++) {
		struct sg_m3ua_ssnm_extra x = { .user = si, .cause = ds->upu_cause };

		if (ds->upu_si & (1u << si))
			send_list(asp, SG_M3UA_SSNM_DUPU, rc, nrc, &entry, 1, &x);
	}
}

static int dest_status(struct sg_m3ua *m, uint32_t pc, uint8_t mask, struct sg_m3ua_dest_status *ds)
{
	memset(ds, 0, sizeof(*ds));
	if (!m->ops.dest_status || m->ops.dest_status(m->priv, pc, mask, ds) < 0)
		ds->state = SG_M3UA_DEST_UNKNOWN;
	return ds->state == SG_M3UA_DEST_UNKNOWN ? -1 : 0;
}

static void rx_daud(struct sg_m3ua_asp *asp, const struct sg_m3ua_msg *msg)
{
	struct sg_m3ua *m = asp->m;
	uint32_t pcs[MAX_PC], rc[MAX_RC], na;
	int n = sg_m3ua_get_u32_list(msg, SG_M3UA_IEI_AFFECTED_PC, pcs, MAX_PC);
	int nrc = sg_m3ua_get_u32_list(msg, SG_M3UA_IEI_ROUTE_CTX, rc, MAX_RC);
	struct daud_ans *a;
	bool unknown_err = false;

	if (asp->state == SG_M3UA_ASP_DOWN) {
		m3ua_tx_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, NULL, NULL, msg->buf, msg->len);
		return;
	}
	if (n <= 0) {
		m3ua_tx_err(asp, SG_M3UA_ERR_MISSING_PARAM, NULL, NULL, msg->buf, msg->len);
		return;
	}
	if (sg_m3ua_get_u32(msg, SG_M3UA_IEI_NET_APPEAR, &na) && (!m->cfg.has_na || na != m->cfg.na)) {
		m3ua_tx_err(asp, SG_M3UA_ERR_INVALID_NET_APPEAR, NULL, &na, msg->buf, msg->len);
		return;
	}
	if (nrc < 0)
		nrc = 0;
	for (int i = 0; i < nrc; i++) {
		struct sg_m3ua_as *as = sg_m3ua_as_by_rc(m, rc[i]);

		if (!as || as->client || !m3ua_memb(as, asp)) {
			m3ua_tx_err(asp, SG_M3UA_ERR_INVALID_ROUTING_CTX, &rc[i], NULL, msg->buf,
				    msg->len);
			return;
		}
	}
	a = talloc_zero(NULL, struct daud_ans);
	if (!a)
		return;
	for (int i = 0; i < n; i++) {
		uint8_t mask = sg_m3ua_apc_mask(pcs[i]);
		uint32_t pc = sg_m3ua_apc_pc(pcs[i]);
		struct sg_m3ua_dest_status ds;
		unsigned int before = a->nknown;

		if (mask == 0 || mask > 8) {
			/* one PC, or a wide range answered as a whole by the glue's aggregate */
			if (dest_status(m, pc, mask, &ds) == 0) {
				ans_dest(asp, a, pcs[i], &ds, rc, nrc);
				continue;
			}
		} else {
			/* a cluster of up to 256 PCs: each known one answered on its own */
			uint32_t base = pc & ~((1u << mask) - 1);

			for (uint32_t p = base; p < base + (1u << mask); p++)
				if (m3ua_pc_valid(m, p) && dest_status(m, p, 0, &ds) == 0)
					ans_dest(asp, a, p, &ds, rc, nrc);
			if (a->nknown != before)
				continue;
		}
		/* status unknown (§4.5.3): DUNA or ERR Destination Status Unknown, per policy */
		if (m->cfg.daud_unknown == SG_M3UA_DAUD_UNKNOWN_ERR)
			unknown_err = true;
		else
			ans_add(a->duna, &a->nduna, pcs[i]);
	}
	send_list(asp, SG_M3UA_SSNM_DAVA, rc, nrc, a->dava, a->ndava, NULL);
	send_list(asp, SG_M3UA_SSNM_DUNA, rc, nrc, a->duna, a->nduna, NULL);
	send_list(asp, SG_M3UA_SSNM_DRST, rc, nrc, a->drst, a->ndrst, NULL);
	for (unsigned int l = 1; l <= 3; l++) {
		struct sg_m3ua_ssnm_extra x = { .has_cong = true, .cong_level = l };

		send_list(asp, SG_M3UA_SSNM_SCON, rc, nrc, a->scon[l], a->nscon[l], &x);
	}
	if (unknown_err) {
		if (nrc)
			m3ua_tx_err_rcs(asp, SG_M3UA_ERR_DEST_STATUS_UNKNOWN, rc, nrc, msg->buf,
					msg->len);
		else
			m3ua_tx_err(asp, SG_M3UA_ERR_DEST_STATUS_UNKNOWN, NULL, NULL, msg->buf,
				    msg->len);
	}
	talloc_free(a);
}

/* ---- SSNM received as ASP / IPSP ---- */

static void rx_ssnm_asp(struct sg_m3ua_asp *asp, const struct sg_m3ua_msg *msg)
{
	struct sg_m3ua *m = asp->m;
	uint32_t pcs[MAX_PC], v;
	int n = sg_m3ua_get_u32_list(msg, SG_M3UA_IEI_AFFECTED_PC, pcs, MAX_PC);
	struct sg_m3ua_ssnm_extra x = { 0 };

	if (asp->lstate == SG_M3UA_ASP_DOWN ||
	    (asp->lstate == SG_M3UA_ASP_INACTIVE && !m->cfg.asp_snm_inactive &&
	     asp->state != SG_M3UA_ASP_ACTIVE)) {
		/* cf. osmo-stp TC_clnt_no_snm_inactive */
		m3ua_tx_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, NULL, NULL, msg->buf, msg->len);
		return;
	}
	if (n <= 0) {
		m3ua_tx_err(asp, SG_M3UA_ERR_MISSING_PARAM, NULL, NULL, msg->buf, msg->len);
		return;
	}
	if (msg->type == SG_M3UA_SSNM_DUPU) {
		/* a DUPU concerns one user part at one PC: no wildcard (ETSI m3ua-asp-ssnm-008) */
		for (int i = 0; i < n; i++) {
			if (sg_m3ua_apc_mask(pcs[i])) {
				m3ua_tx_err(asp, SG_M3UA_ERR_INVALID_PARAM_VAL, NULL, NULL, msg->buf,
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
	if (m->ops.ssnm_ind)
		m->ops.ssnm_ind(m->priv, asp, msg->type, pcs, n, &x);
	/* audit the destination back (§4.5.3; ETSI m3ua-asp-ssnm-001..007) */
	if (m->cfg.asp_audit && msg->type != SG_M3UA_SSNM_DAVA)
		sg_m3ua_daud_send(asp, pcs, n);
}

void m3ua_rx_ssnm(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_m3ua_msg *msg)
{
	(void)stream;
	switch (msg->type) {
	case SG_M3UA_SSNM_DAUD:
		/* only an SGP (or IPSP server) answers audits (cf. osmo TC_clnt_no_daud_in_asp) */
		if (!asp->srv)
			m3ua_tx_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, NULL, NULL, msg->buf, msg->len);
		else
			rx_daud(asp, msg);
		break;
	case SG_M3UA_SSNM_DUNA:
	case SG_M3UA_SSNM_DAVA:
	case SG_M3UA_SSNM_SCON:
	case SG_M3UA_SSNM_DUPU:
	case SG_M3UA_SSNM_DRST:
		/* an ASP never sends these to its SGP (M3-SSNM-09) */
		if (!asp->cli)
			m3ua_tx_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, NULL, NULL, msg->buf, msg->len);
		else
			rx_ssnm_asp(asp, msg);
		break;
	default:
		m3ua_tx_err(asp, SG_M3UA_ERR_UNSUPP_MSG_TYPE, NULL, NULL, msg->buf, msg->len);
		break;
	}
}
