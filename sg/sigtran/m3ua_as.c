/* M3UA Application Servers' MTP3 routing keys, RFC 4666 §1.4.2.2: their validity, the DPC
 * indexes, routing by key (most specific first), and DATA both ways (§3.3.1).  The AS objects,
 * their state machine and traffic modes are the xUA core's (xua_as.c, xua_as_fsm.c). */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>
#include <osmocom/core/utils.h>

#include <sg/msg.h>

#include "m3ua_int.h"

/* Can the AS take one more DATA now?  0, or the -errno sg_m3ua_send_data() returns. */
static int data_refused(struct sg_m3ua *m, struct sg_m3ua_as *as)
{
	if (as->state != SG_M3UA_AS_ACTIVE && as->state != SG_M3UA_AS_PENDING) {
		sg_ctr_inc(as->ctr, AS_CTR_DISC_DOWN);
		sg_ctr_inc(m->ctr, M_CTR_NO_ROUTE);
		return -ENETUNREACH;
	}
	if (as->state == SG_M3UA_AS_PENDING && as->npending >= m->cfg.pending_max) {
		sg_ctr_inc(as->ctr, AS_CTR_PEND_DISCARDED);
		return -ENOBUFS;
	}
	return 0;
}

int sg_m3ua_send_data(struct sg_m3ua *m, struct sg_m3ua_as *as, const struct sg_m3ua_pdata *pd)
{
	struct msgb *msg;
	int rc;

	if (!m || !as || !pd || (pd->len && !pd->data))
		return -EINVAL;
	rc = data_refused(m, as);
	if (rc < 0)
		return rc;
	/* a copy of the user part, with the room the DATA's headers take */
	msg = sg_msgb_new(pd->len, "m3ua");
	if (!msg)
		return -ENOMEM;
	msg->l4h = msgb_put(msg, pd->len);
	if (pd->len)
		memcpy(msg->l4h, pd->data, pd->len);
	return sg_m3ua_send_data_msg(m, as, pd, msg);
}

int sg_m3ua_send_data_msg(struct sg_m3ua *m, struct sg_m3ua_as *as,
			  const struct sg_m3ua_pdata *pd, struct msgb *msg)
{
	const uint32_t *na = as && as->rk.has_na ? &as->rk.na : m && m->cfg.has_na ? &m->cfg.na :
			     NULL;
	uint16_t len;
	int rc;

	if (!m || !as || !pd) {
		msgb_free(msg);
		return -EINVAL;
	}
	rc = data_refused(m, as);
	if (rc < 0) {
		msgb_free(msg);
		return rc;
	}
	/* the user part's length, for the counters */
	len = msg->tail - (msg->l4h ? msg->l4h : msg->data);
	/* §3.3.1: Network Appearance, Routing Context, Protocol Data */
	if (sg_m3ua_data_wrap(&msg, pd, na, as->has_rc ? &as->rc : NULL, NULL) < 0) {
		msgb_free(msg);
		return -EINVAL;
	}
	if (as->state == SG_M3UA_AS_PENDING) {
		/* T(r) running (§4.3.4.4): keep it, in order, for the next active ASP */
		msg->cb[0] = pd->sls;
		msg->cb[1] = len;
		llist_add_tail(&msg->list, &as->pending);
		as->npending++;
		sg_ctr_inc(as->ctr, AS_CTR_PEND_BUFFERED);
		return 1;
	}
	return xua_as_deliver(as, msg, pd->sls, len);
}

/* ---- routing keys ---- */

/* An AS's configured routing key (the xUA core asks, struct xua_proto) */
bool m3ua_as_cfg_valid(const struct sg_m3ua *m, const struct sg_m3ua_as_cfg *cfg)
{
	const struct sg_m3ua_rkey *rk = &cfg->rk;

	if (rk->ndpc > SG_M3UA_RK_MAX_DPC || rk->nopc > SG_M3UA_RK_MAX_OPC ||
	    rk->nsi > SG_M3UA_RK_MAX_SI || rk->nssn > SG_M3UA_RK_MAX_SSN ||
	    rk->ncic > SG_M3UA_RK_MAX_CIC)
		return false;
	for (unsigned int i = 0; i < rk->ndpc; i++)
		if (!m3ua_pc_valid(m, rk->dpc[i].pc))
			return false;
	for (unsigned int i = 0; i < rk->nopc; i++)
		if (!m3ua_pc_valid(m, rk->opc[i].pc))
			return false;
	for (unsigned int i = 0; i < rk->nsi; i++)
		if (rk->si[i] > 15)
			return false;
	for (unsigned int i = 0; i < rk->ncic; i++)
		if (rk->cic[i].lo > rk->cic[i].hi)
			return false;
	return true;
}

static int dpc_ent_cmp(const void *a, const void *b)
{
	const struct m3ua_dpc_ent *x = a, *y = b;

	if (x->dpc != y->dpc)
		return x->dpc < y->dpc ? -1 : 1;
	return x->as->order < y->as->order ? -1 : x->as->order > y->as->order;
}

/* The DPC indexes of the routing keys, after xua_as.c numbered the ASs (nas of them): routing
 * candidates by exact DPC (sorted) and the ASs with a masked DPC (always scored). */
void m3ua_idx_rebuild(struct sg_m3ua *m, unsigned int nas)
{
	struct sg_m3ua_as *as;
	unsigned int ndpc = 0;

	llist_for_each_entry(as, &m->ass, list)
		ndpc += as->rk.ndpc;
	talloc_free(m->dpc_idx);
	talloc_free(m->wild);
	m->dpc_idx = talloc_zero_array(m, struct m3ua_dpc_ent, ndpc ? ndpc : 1);
	m->wild = talloc_zero_array(m, struct sg_m3ua_as *, nas ? nas : 1);
	m->ndpc_idx = m->nwild = 0;
	llist_for_each_entry(as, &m->ass, list) {
		bool wild = false;

		if (as->client)
			continue;
		for (unsigned int i = 0; i < as->rk.ndpc; i++) {
			if (as->rk.dpc[i].mask)
				wild = true;
			else
				m->dpc_idx[m->ndpc_idx++] = (struct m3ua_dpc_ent){ as->rk.dpc[i].pc, as };
		}
		if (wild)
			m->wild[m->nwild++] = as;
	}
	qsort(m->dpc_idx, m->ndpc_idx, sizeof(m->dpc_idx[0]), dpc_ent_cmp);
}

const struct sg_m3ua_rkey *sg_m3ua_as_rkey(const struct sg_m3ua_as *as) { return &as->rk; }
struct sg_m3ua_as *sg_m3ua_rk_add(struct sg_m3ua *m, const struct sg_m3ua_as_cfg *cfg)
{
	if (!cfg || !cfg->rk.ndpc)
		return NULL;
	return sg_m3ua_as_add(m, cfg);
}

int sg_m3ua_rk_del(struct sg_m3ua *m, uint32_t rc)
{
	struct sg_m3ua_as *as = sg_m3ua_as_by_rc(m, rc);

	if (!as)
		return -ENOENT;
	return sg_m3ua_as_del(as, false);
}

bool m3ua_rk_equal(const struct sg_m3ua_rkey *a, const struct sg_m3ua_rkey *b)
{
	if (a->ndpc != b->ndpc || a->nopc != b->nopc || a->nsi != b->nsi || a->nssn != b->nssn ||
	    a->ncic != b->ncic || a->has_na != b->has_na || (a->has_na && a->na != b->na))
		return false;
	for (unsigned int i = 0; i < a->ndpc; i++)
		if (a->dpc[i].pc != b->dpc[i].pc || a->dpc[i].mask != b->dpc[i].mask)
			return false;
	for (unsigned int i = 0; i < a->nopc; i++)
		if (a->opc[i].pc != b->opc[i].pc || a->opc[i].mask != b->opc[i].mask)
			return false;
	if (memcmp(a->si, b->si, a->nsi) || memcmp(a->ssn, b->ssn, a->nssn))
		return false;
	for (unsigned int i = 0; i < a->ncic; i++)
		if (a->cic[i].opc != b->cic[i].opc || a->cic[i].lo != b->cic[i].lo ||
		    a->cic[i].hi != b->cic[i].hi)
			return false;
	return true;
}

/* ---- routing SS7 -> IP (§1.4.2.2; doc/m3ua.md "Routing") ---- */

/* SSN of the SCCP called party address (Q.713 §3.4), or -1 */
static int sccp_called_ssn(const struct sg_m3ua *m, const struct sg_m3ua_pdata *pd)
{
	const uint8_t *d = pd->data;
	unsigned int ptr_at, off, alen;
	bool ansi = m->cfg.variant == SG_PC_ANSI || m->cfg.variant == SG_PC_CHINA;
	uint8_t ai;

	if (pd->si != 3 || !d || pd->len < 3)
		return -1;
	switch (d[0]) {
	case 0x09: case 0x0a: case 0x11: case 0x12:	/* UDT UDTS XUDT XUDTS */
		ptr_at = 2;
		break;
	case 0x01:					/* CR */
		ptr_at = 5;
		break;
	default:
		return -1;
	}
	if (pd->len <= ptr_at || !d[ptr_at])
		return -1;
	off = ptr_at + d[ptr_at];
	if (off + 2 > pd->len)
		return -1;
	alen = d[off];
	if (alen < 1 || off + 1 + alen > pd->len)
		return -1;
	ai = d[off + 1];
	if (ansi) {
		/* ANSI T1.112: bit 1 SSN indicator, SSN first */
		if (!(ai & 0x01) || alen < 2)
			return -1;
		return d[off + 2];
	}
	/* ITU: bit 1 PC indicator (2 octets), bit 2 SSN indicator */
	if (!(ai & 0x02))
		return -1;
	off += 2 + ((ai & 0x01) ? 2 : 0);
	if (off >= pd->len || off > d[ptr_at] + ptr_at + alen)
		return -1;
	return d[off];
}

static int rk_score(const struct sg_m3ua *m, const struct sg_m3ua_rkey *rk,
		    const struct sg_m3ua_pdata *pd, int ssn)
{
	int score = 0, dpc_best = -1, opc_best = -1;

	if (!rk->ndpc)
		return -1;
	for (unsigned int i = 0; i < rk->ndpc; i++)
		if (m3ua_pc_match(pd->dpc, &rk->dpc[i]) && (24 - rk->dpc[i].mask) > dpc_best)
			dpc_best = 24 - rk->dpc[i].mask;
	if (dpc_best < 0)
		return -1;
	if (rk->nopc) {
		for (unsigned int i = 0; i < rk->nopc; i++)
			if (m3ua_pc_match(pd->opc, &rk->opc[i]) && (24 - rk->opc[i].mask) > opc_best)
				opc_best = 24 - rk->opc[i].mask;
		if (opc_best < 0)
			return -1;
		score += 1000 + opc_best * 10;
	}
	if (rk->nsi) {
		bool hit = false;

		for (unsigned int i = 0; i < rk->nsi; i++)
			if (rk->si[i] == pd->si)
				hit = true;
		if (!hit)
			return -1;
		score += 500;
	}
	if (rk->nssn) {
		bool hit = false;

		for (unsigned int i = 0; i < rk->nssn; i++)
			if (ssn >= 0 && rk->ssn[i] == ssn)
				hit = true;
		if (!hit)
			return -1;
		score += 2000;
	}
	if (rk->ncic) {
		bool hit = false;
		unsigned int cic;

		if ((pd->si != 4 && pd->si != 5) || !pd->data || pd->len < 2)
			return -1;
		cic = (pd->data[0] | pd->data[1] << 8) &
		      (m->cfg.variant == SG_PC_ANSI ? 0x3fff : 0x0fff);
		for (unsigned int i = 0; i < rk->ncic; i++)
			if (rk->cic[i].opc == pd->opc && cic >= rk->cic[i].lo && cic <= rk->cic[i].hi)
				hit = true;
		if (!hit)
			return -1;
		score += 4000;
	}
	return score + dpc_best;
}

struct sg_m3ua_as *sg_m3ua_route_ssn(struct sg_m3ua *m, const struct sg_m3ua_pdata *pd, int ssn)
{
	struct sg_m3ua_as *as, *best = NULL;
	int best_score = -1;

	if (!m || !pd)
		return NULL;
	if (ssn < 0 && pd->si == 3)
		ssn = sccp_called_ssn(m, pd);
	xua_idx_fresh(m);
	/* candidates: the ASs with this exact DPC (binary search in the sorted index; they are
	 * in configuration order), and those with a masked DPC; same scores as a full scan,
	 * ties to the AS configured first */
	{
		unsigned int lo = 0, hi = m->ndpc_idx;

		while (lo < hi) {
			unsigned int mid = (lo + hi) / 2;

			if (m->dpc_idx[mid].dpc < pd->dpc)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < m->ndpc_idx && m->dpc_idx[lo].dpc == pd->dpc; lo++) {
			int s;

			as = m->dpc_idx[lo].as;
			s = rk_score(m, &as->rk, pd, ssn);
			if (s > best_score || (s == best_score && s >= 0 && as->order < best->order)) {
				best_score = s;
				best = as;
			}
		}
	}
	for (unsigned int i = 0; i < m->nwild; i++) {
		int s;

		as = m->wild[i];
		s = rk_score(m, &as->rk, pd, ssn);
		if (s > best_score || (s == best_score && s >= 0 && as->order < best->order)) {
			best_score = s;
			best = as;
		}
	}
	return best;
}

struct sg_m3ua_as *sg_m3ua_route_remote(struct sg_m3ua *m, const struct sg_m3ua_pdata *pd)
{
	struct sg_m3ua_as *as, *best = NULL;
	int best_score = -1, ssn;

	if (!m || !pd)
		return NULL;
	ssn = pd->si == 3 ? sccp_called_ssn(m, pd) : -1;
	/* few and rarely used (traffic our SGP does not serve): a scan in configuration order */
	llist_for_each_entry(as, &m->ass, list) {
		int s;

		if (!as->client)
			continue;
		s = rk_score(m, &as->rk, pd, ssn);
		if (s > best_score) {
			best_score = s;
			best = as;
		}
	}
	return best;
}

struct sg_m3ua_as *sg_m3ua_route(struct sg_m3ua *m, const struct sg_m3ua_pdata *pd)
{
	return sg_m3ua_route_ssn(m, pd, -1);
}

/* ---- DATA from the peer (IP -> SS7) ---- */

void m3ua_rx_data(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_m3ua_msg *msg)
{
	struct sg_m3ua *m = asp->m;
	struct sg_m3ua_as *as = NULL, *it;
	struct sg_m3ua_pdata pd;
	uint32_t rc, na;
	bool srv_ok = asp->srv && asp->state == SG_M3UA_ASP_ACTIVE;
	bool cli_ok = asp->cli && asp->lstate == SG_M3UA_ASP_ACTIVE;

	if (msg->type != SG_M3UA_XFER_DATA) {
		xua_tx_err(asp, SG_M3UA_ERR_UNSUPP_MSG_TYPE, NULL, NULL, msg->buf, msg->len);
		return;
	}
	if (!srv_ok && !cli_ok) {
		xua_tx_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, NULL, NULL, msg->buf, msg->len);
		return;
	}
	/* DATA never on stream 0 (ETSI change request, M3-TR-02) unless the peer has just one */
	if (stream == 0 && asp->in_streams > 1) {
		xua_tx_err(asp, SG_M3UA_ERR_INVALID_STREAM_ID, NULL, NULL, msg->buf, msg->len);
		return;
	}
	if (sg_m3ua_get_u32(msg, SG_M3UA_IEI_NET_APPEAR, &na) && (!m->cfg.has_na || na != m->cfg.na)) {
		xua_tx_err(asp, SG_M3UA_ERR_INVALID_NET_APPEAR, NULL, &na, msg->buf, msg->len);
		return;
	}
	if (sg_m3ua_get_u32(msg, SG_M3UA_IEI_ROUTE_CTX, &rc)) {
		struct sg_m3ua_memb *mb;

		as = sg_m3ua_as_by_rc(m, rc);
		mb = as ? xua_memb(as, asp) : NULL;
		if (!mb) {
			xua_tx_err(asp, SG_M3UA_ERR_INVALID_ROUTING_CTX, &rc, NULL, msg->buf,
				    msg->len);
			return;
		}
		if (!xua_memb_active(as, mb) && !(asp->srv && asp->cli && (mb->lact || mb->st ==
							SG_M3UA_ASP_ACTIVE))) {
			xua_tx_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, &rc, NULL, msg->buf, msg->len);
			return;
		}
	} else {
		unsigned int n = 0;
		struct sg_m3ua_as *one = NULL;

		llist_for_each_entry(it, &m->ass, list) {
			struct sg_m3ua_memb *mb = xua_memb(it, asp);

			if (mb && xua_memb_active(it, mb)) {
				n++;
				one = it;
			}
		}
		as = n == 1 ? one : NULL;
	}
	if (sg_m3ua_get_pdata(msg, &pd) < 0) {
		xua_tx_err(asp, SG_M3UA_ERR_MISSING_PARAM, NULL, NULL, msg->buf, msg->len);
		return;
	}
	sg_ctr_inc(asp->ctr, ASP_CTR_RX_DATA_MSGS);
	sg_ctr_add(asp->ctr, ASP_CTR_RX_DATA_OCTETS, pd.len);
	if (as) {
		sg_ctr_inc(as->ctr, AS_CTR_RX_DATA_MSGS);
		sg_ctr_add(as->ctr, AS_CTR_RX_DATA_OCTETS, pd.len);
	}
	/* the buffer the DATA came in, when the transport gave it (sg_m3ua_asp_rx_msg) */
	if (m->uops.data_msg_ind && asp->rx_msg && asp->rx_msg->data == msg->buf) {
		struct msgb *rx = asp->rx_msg;

		asp->rx_msg = NULL;
		m->uops.data_msg_ind(m->uctx, as, asp, &pd, rx);
	} else if (m->uops.data_ind) {
		m->uops.data_ind(m->uctx, as, asp, &pd);
	}
}
