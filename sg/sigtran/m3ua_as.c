/* M3UA Application Servers, RFC 4666 §4.3.2 (AS state machine, T(r) recovery, NTFY §3.8.2),
 * routing keys (§1.4.2.2), traffic modes (§4.3.4.3) and DATA both ways (§3.3.1). */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>
#include <osmocom/core/utils.h>

#include <sg/msg.h>

#include "m3ua_int.h"

static const struct sg_ctr_desc as_ctr_desc[_AS_CTR_NUM] = {
	[AS_CTR_TX_DATA_MSGS] = { "tx:data:msgs", "DATA messages sent to the AS (SS7 to IP)" },
	[AS_CTR_TX_DATA_OCTETS] = { "tx:data:octets", "User data octets sent to the AS" },
	[AS_CTR_RX_DATA_MSGS] = { "rx:data:msgs", "DATA messages received from the AS" },
	[AS_CTR_RX_DATA_OCTETS] = { "rx:data:octets", "User data octets received from the AS" },
	[AS_CTR_PEND_BUFFERED] = { "pending:buffered", "MSUs buffered while AS-PENDING" },
	[AS_CTR_PEND_DELIVERED] = { "pending:delivered", "Buffered MSUs delivered after T(r)" },
	[AS_CTR_PEND_DISCARDED] = { "pending:discarded", "Buffered MSUs discarded (T(r) expiry)" },
	[AS_CTR_DISC_DOWN] = { "tx:data:discarded", "MSUs refused: AS not active" },
	[AS_CTR_STATE_CHG] = { "state:changes", "AS state changes" },
};
static const struct sg_ctr_group_desc as_ctrg_desc = { "m3ua_as", _AS_CTR_NUM, as_ctr_desc };

static void t_r_cb(void *data);

/* ---- membership ---- */

struct sg_m3ua_memb *m3ua_memb(struct sg_m3ua_as *as, const struct sg_m3ua_asp *asp)
{
	for (unsigned int i = 0; i < as->nmemb; i++)
		if (as->memb[i].asp == asp)
			return &as->memb[i];
	return NULL;
}

struct sg_m3ua_memb *m3ua_memb_add(struct sg_m3ua_as *as, struct sg_m3ua_asp *asp)
{
	struct sg_m3ua_memb *mb = m3ua_memb(as, asp);

	if (mb)
		return mb;
	if (as->nmemb >= SG_M3UA_AS_MAX_ASPS)
		return NULL;
	mb = &as->memb[as->nmemb++];
	memset(mb, 0, sizeof(*mb));
	mb->asp = asp;
	mb->st = asp->state == SG_M3UA_ASP_DOWN ? SG_M3UA_ASP_DOWN : SG_M3UA_ASP_INACTIVE;
	return mb;
}

void m3ua_memb_del(struct sg_m3ua_as *as, struct sg_m3ua_asp *asp)
{
	for (unsigned int i = 0; i < as->nmemb; i++) {
		if (as->memb[i].asp != asp)
			continue;
		memmove(&as->memb[i], &as->memb[i + 1], (as->nmemb - i - 1) * sizeof(as->memb[0]));
		as->nmemb--;
		return;
	}
}

static bool memb_active(const struct sg_m3ua_as *as, const struct sg_m3ua_memb *mb)
{
	if (!mb->asp->conn)
		return false;
	if (as->client)
		return mb->lact && mb->asp->lstate == SG_M3UA_ASP_ACTIVE;
	return mb->st == SG_M3UA_ASP_ACTIVE;
}

static bool memb_up(const struct sg_m3ua_as *as, const struct sg_m3ua_memb *mb)
{
	if (!mb->asp->conn)
		return false;
	if (as->client)
		return mb->asp->lstate != SG_M3UA_ASP_DOWN;
	return mb->st != SG_M3UA_ASP_DOWN;
}

unsigned int m3ua_asp_nas(const struct sg_m3ua_asp *asp, bool client)
{
	struct sg_m3ua_as *as;
	unsigned int n = 0;

	llist_for_each_entry(as, &asp->m->ass, list)
		if (as->client == client && m3ua_memb(as, asp))
			n++;
	return n;
}

/* The peer's overall state from its per-AS states (server side) */
void m3ua_asp_recompute(struct sg_m3ua_asp *asp)
{
	struct sg_m3ua_as *as;
	bool act = false;

	if (asp->state == SG_M3UA_ASP_DOWN)
		return;
	llist_for_each_entry(as, &asp->m->ass, list) {
		struct sg_m3ua_memb *mb = m3ua_memb(as, asp);

		if (mb && !as->client && mb->st == SG_M3UA_ASP_ACTIVE)
			act = true;
	}
	m3ua_asp_set_state(asp, act ? SG_M3UA_ASP_ACTIVE : SG_M3UA_ASP_INACTIVE);
}

/* ---- DATA towards the AS ---- */

static uint16_t sls_stream(const struct sg_m3ua_asp *asp, uint8_t sls)
{
	/* never stream 0 for DATA when there is another; the same SLS keeps its stream */
	if (asp->out_streams <= 1)
		return 0;
	return 1 + sls % (asp->out_streams - 1);
}

static struct msgb *msg_clone(const struct msgb *msg)
{
	struct msgb *c = sg_msgb_alloc(msgb_length(msg) + SG_MSGB_HEADROOM, "m3ua copy");

	if (!c)
		return NULL;
	msgb_reserve(c, SG_MSGB_HEADROOM / 2);
	c->l3h = msgb_put(c, msgb_length(msg));
	memcpy(c->l3h, msg->data, msgb_length(msg));
	return c;
}

static void tx_data(struct sg_m3ua_as *as, struct sg_m3ua_asp *asp, struct msgb *msg,
		    uint8_t sls, uint16_t octets)
{
	sg_ctr_inc(asp->ctr, ASP_CTR_TX_DATA_MSGS);
	sg_ctr_add(asp->ctr, ASP_CTR_TX_DATA_OCTETS, octets);
	sg_ctr_inc(as->ctr, AS_CTR_TX_DATA_MSGS);
	sg_ctr_add(as->ctr, AS_CTR_TX_DATA_OCTETS, octets);
	m3ua_tx(asp, sls_stream(asp, sls), msg);
}

/* Deliver one encoded DATA to the active member(s) per traffic mode.  Takes ownership. */
static int deliver(struct sg_m3ua_as *as, struct msgb *msg, uint8_t sls, uint16_t octets)
{
	struct sg_m3ua_memb *act[SG_M3UA_AS_MAX_ASPS];
	unsigned int n = 0;
	enum sg_m3ua_tmt tmt = as->cur_tmt ? as->cur_tmt : as->tmt;

	for (unsigned int i = 0; i < as->nmemb; i++)
		if (memb_active(as, &as->memb[i]))
			act[n++] = &as->memb[i];
	if (!n) {
		msgb_free(msg);
		return -ENETUNREACH;
	}
	if (as->client && tmt == SG_M3UA_TMT_NONE)
		tmt = SG_M3UA_TMT_LOADSHARE;	/* the SGPs of one SG are equivalent */
	switch (tmt) {
	case SG_M3UA_TMT_BROADCAST:
		for (unsigned int i = 1; i < n; i++) {
			struct msgb *c = msg_clone(msg);

			if (c)
				tx_data(as, act[i]->asp, c, sls, octets);
		}
		tx_data(as, act[0]->asp, msg, sls, octets);
		break;
	case SG_M3UA_TMT_LOADSHARE:
		/* by SLS: one SLS always reaches the same ASP while the set is unchanged */
		tx_data(as, act[sls % n]->asp, msg, sls, octets);
		break;
	default: {
		struct sg_m3ua_memb *best = act[0];

		for (unsigned int i = 1; i < n; i++)
			if (act[i]->act_seq > best->act_seq)
				best = act[i];
		tx_data(as, best->asp, msg, sls, octets);
		break;
	}
	}
	return 0;
}

void m3ua_as_flush_pending(struct sg_m3ua_as *as)
{
	struct msgb *msg, *tmp;

	llist_for_each_entry_safe(msg, tmp, &as->pending, list) {
		llist_del(&msg->list);
		as->npending--;
		sg_ctr_inc(as->ctr, AS_CTR_PEND_DELIVERED);
		deliver(as, msg, msg->cb[0], msg->cb[1]);
	}
}

static void discard_pending(struct sg_m3ua_as *as)
{
	struct msgb *msg, *tmp;

	llist_for_each_entry_safe(msg, tmp, &as->pending, list) {
		llist_del(&msg->list);
		sg_ctr_inc(as->ctr, AS_CTR_PEND_DISCARDED);
		msgb_free(msg);
	}
	as->npending = 0;
}

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
	return deliver(as, msg, pd->sls, len);
}

/* ---- AS state machine (§4.3.2) ---- */

static void ntfy_members(struct sg_m3ua_as *as, uint16_t info)
{
	if (as->client)
		return;
	for (unsigned int i = 0; i < as->nmemb; i++)
		if (memb_up(as, &as->memb[i]))
			m3ua_tx_ntfy(as->memb[i].asp, SG_M3UA_NTFY_T_STATCHG, info, as, NULL);
}

static void set_state(struct sg_m3ua_as *as, enum sg_m3ua_as_state st)
{
	enum sg_m3ua_as_state old = as->state;

	if (old == st)
		return;
	as->state = st;
	sg_ctr_inc(as->ctr, AS_CTR_STATE_CHG);
	LOGAS(as, LOGL_INFO, "%s -> %s\n", get_value_string(sg_m3ua_as_state_names, old),
	      get_value_string(sg_m3ua_as_state_names, st));
	switch (st) {
	case SG_M3UA_AS_INACTIVE:
		ntfy_members(as, SG_M3UA_NTFY_I_AS_INACT);
		break;
	case SG_M3UA_AS_ACTIVE:
		ntfy_members(as, SG_M3UA_NTFY_I_AS_ACT);
		break;
	case SG_M3UA_AS_PENDING:
		ntfy_members(as, SG_M3UA_NTFY_I_AS_PEND);
		break;
	default:
		break;
	}
	if (as->m->uops.as_state)
		as->m->uops.as_state(as->m->uctx, as, old, st);
}

/*
 * Recompute the AS state after a member changed.  restart: the member that left ACTIVE did so
 * by ASPUP while ACTIVE (it restarted; there is nobody to hold traffic for, so no T(r)).
 */
void m3ua_as_update(struct sg_m3ua_as *as, struct sg_m3ua_asp *cause, bool restart)
{
	unsigned int nup = 0, nact = 0;
	enum sg_m3ua_as_state old = as->state, st;
	enum sg_m3ua_tmt tmt;

	(void)cause;
	for (unsigned int i = 0; i < as->nmemb; i++) {
		if (memb_up(as, &as->memb[i]))
			nup++;
		if (memb_active(as, &as->memb[i]))
			nact++;
	}
	if (nact)
		st = SG_M3UA_AS_ACTIVE;
	else if ((old == SG_M3UA_AS_ACTIVE || old == SG_M3UA_AS_PENDING) && !restart && !as->client)
		st = SG_M3UA_AS_PENDING;
	else
		st = nup ? SG_M3UA_AS_INACTIVE : SG_M3UA_AS_DOWN;

	if (st == SG_M3UA_AS_PENDING && old != SG_M3UA_AS_PENDING)
		sg_timer_start_ms(&as->t_r, as->t_r_ms ? as->t_r_ms : as->m->cfg.t_r_ms);
	if (st != SG_M3UA_AS_PENDING && old == SG_M3UA_AS_PENDING)
		sg_timer_stop(&as->t_r);
	if (st != SG_M3UA_AS_ACTIVE && st != SG_M3UA_AS_PENDING && as->npending)
		discard_pending(as);
	if (!nact && st != SG_M3UA_AS_PENDING)
		as->cur_tmt = SG_M3UA_TMT_NONE;
	set_state(as, st);
	if (st == SG_M3UA_AS_ACTIVE && old == SG_M3UA_AS_PENDING)
		m3ua_as_flush_pending(as);

	/* §3.8.2 Insufficient ASP resources active in AS: loadshare/broadcast below n */
	tmt = as->cur_tmt ? as->cur_tmt : as->tmt;
	if (!as->client && st == SG_M3UA_AS_ACTIVE && as->min_asps > 1 && nact < as->min_asps &&
	    (tmt == SG_M3UA_TMT_LOADSHARE || tmt == SG_M3UA_TMT_BROADCAST)) {
		if (!as->insufficient) {
			as->insufficient = true;
			for (unsigned int i = 0; i < as->nmemb; i++)
				if (as->memb[i].asp->conn &&
				    as->memb[i].st == SG_M3UA_ASP_INACTIVE)
					m3ua_tx_ntfy(as->memb[i].asp, SG_M3UA_NTFY_T_OTHER,
						     SG_M3UA_NTFY_I_OT_INS_RESRC, as, NULL);
		}
	} else {
		as->insufficient = false;
	}
}

static void t_r_cb(void *data)
{
	struct sg_m3ua_as *as = data;
	unsigned int nup = 0;

	if (as->state != SG_M3UA_AS_PENDING)
		return;
	LOGAS(as, LOGL_NOTICE, "T(r) expired: %u buffered MSUs discarded\n", as->npending);
	discard_pending(as);
	for (unsigned int i = 0; i < as->nmemb; i++)
		if (memb_up(as, &as->memb[i]))
			nup++;
	as->cur_tmt = SG_M3UA_TMT_NONE;
	set_state(as, nup ? SG_M3UA_AS_INACTIVE : SG_M3UA_AS_DOWN);
}

/* ---- AS objects ---- */

static bool rkey_valid(const struct sg_m3ua *m, const struct sg_m3ua_rkey *rk)
{
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

struct sg_m3ua_as *m3ua_as_new(struct sg_m3ua *m, const struct sg_m3ua_as_cfg *cfg)
{
	struct sg_m3ua_as *as;
	struct sg_m3ua_asp *members[SG_M3UA_AS_MAX_ASPS];
	bool any_srv = false, any_cli_only = false;

	if (!cfg || !cfg->name || !cfg->name[0] || strlen(cfg->name) >= SG_M3UA_NAME_MAX ||
	    sg_m3ua_as_by_name(m, cfg->name) || (cfg->has_rc && sg_m3ua_as_by_rc(m, cfg->rc)) ||
	    cfg->nasps > SG_M3UA_AS_MAX_ASPS || cfg->tmt > SG_M3UA_TMT_BROADCAST ||
	    !rkey_valid(m, &cfg->rk) || cfg->t_r_ms > 60000)
		return NULL;
	for (unsigned int i = 0; i < cfg->nasps; i++) {
		members[i] = cfg->asps[i] ? sg_m3ua_asp_by_name(m, cfg->asps[i]) : NULL;
		if (!members[i])
			return NULL;
		if (members[i]->srv)
			any_srv = true;
		else
			any_cli_only = true;
	}
	if (any_srv && any_cli_only)
		return NULL;
	as = talloc_zero(m, struct sg_m3ua_as);
	if (!as)
		return NULL;
	as->m = m;
	osmo_strlcpy(as->name, cfg->name, sizeof(as->name));
	as->has_rc = cfg->has_rc;
	as->rc = cfg->rc;
	as->tmt = cfg->tmt;
	as->min_asps = cfg->min_asps ? cfg->min_asps : 1;
	as->t_r_ms = cfg->t_r_ms;
	as->rk = cfg->rk;
	as->client = any_cli_only;
	as->state = SG_M3UA_AS_DOWN;
	INIT_LLIST_HEAD(&as->pending);
	sg_timer_setup(&as->t_r, t_r_cb, as);
	as->ctr = sg_ctr_group_alloc(as, &as_ctrg_desc);
	for (unsigned int i = 0; i < cfg->nasps; i++)
		m3ua_memb_add(as, members[i]);
	llist_add_tail(&as->list, &m->ass);
	m3ua_idx_dirty(m);
	m3ua_as_update(as, NULL, false);
	return as;
}

void m3ua_as_free(struct sg_m3ua_as *as)
{
	sg_timer_stop(&as->t_r);
	discard_pending(as);
	llist_del(&as->list);
	m3ua_idx_dirty(as->m);
	talloc_free(as);
}

struct sg_m3ua_as *sg_m3ua_as_add(struct sg_m3ua *m, const struct sg_m3ua_as_cfg *cfg)
{
	struct sg_m3ua_as *as = m3ua_as_new(m, cfg);

	/* a client-side AS whose peers are already up is activated at once */
	if (as && as->client)
		for (unsigned int i = 0; i < as->nmemb; i++)
			if (as->memb[i].asp->lstate == SG_M3UA_ASP_INACTIVE)
				m3ua_asp_client_activate(as->memb[i].asp);
	return as;
}

int sg_m3ua_as_del(struct sg_m3ua_as *as, bool force)
{
	struct sg_m3ua_asp *asps[SG_M3UA_AS_MAX_ASPS];
	unsigned int n = as->nmemb;

	for (unsigned int i = 0; i < as->nmemb; i++)
		if (memb_active(as, &as->memb[i]) && !force)
			return -EBUSY;
	for (unsigned int i = 0; i < n; i++)
		asps[i] = as->memb[i].asp;
	if (as->dynamic)
		as->m->ndynamic--;
	sg_timer_stop(&as->t_r);
	discard_pending(as);
	if (as->state != SG_M3UA_AS_DOWN && as->m->uops.as_state)
		as->m->uops.as_state(as->m->uctx, as, as->state, SG_M3UA_AS_DOWN);
	m3ua_as_free(as);
	for (unsigned int i = 0; i < n; i++)
		m3ua_asp_recompute(asps[i]);
	return 0;
}

struct sg_m3ua_as *sg_m3ua_as_by_name(struct sg_m3ua *m, const char *name)
{
	struct sg_m3ua_as *as;

	llist_for_each_entry(as, &m->ass, list)
		if (!strcmp(as->name, name))
			return as;
	return NULL;
}

/* ---- lookup indexes (rebuilt lazily; ASs change rarely, DATA is frequent) ---- */

static int dpc_ent_cmp(const void *a, const void *b)
{
	const struct m3ua_dpc_ent *x = a, *y = b;

	if (x->dpc != y->dpc)
		return x->dpc < y->dpc ? -1 : 1;
	return x->as->order < y->as->order ? -1 : x->as->order > y->as->order;
}

static inline unsigned int rc_hash(uint32_t rc, unsigned int size)
{
	return (rc * 2654435761u) & (size - 1);
}

static void idx_rebuild(struct sg_m3ua *m)
{
	struct sg_m3ua_as *as;
	unsigned int nas = 0, ndpc = 0, size = 8;

	llist_for_each_entry(as, &m->ass, list) {
		as->order = nas++;
		ndpc += as->rk.ndpc;
	}
	talloc_free(m->dpc_idx);
	talloc_free(m->wild);
	talloc_free(m->rc_tab);
	while (size < 2 * nas)
		size <<= 1;
	m->dpc_idx = talloc_zero_array(m, struct m3ua_dpc_ent, ndpc ? ndpc : 1);
	m->wild = talloc_zero_array(m, struct sg_m3ua_as *, nas ? nas : 1);
	m->rc_tab = talloc_zero_array(m, struct sg_m3ua_as *, size);
	m->rc_size = size;
	m->ndpc_idx = m->nwild = 0;
	llist_for_each_entry(as, &m->ass, list) {
		bool wild = false;

		if (as->has_rc) {
			unsigned int h = rc_hash(as->rc, size);

			while (m->rc_tab[h])
				h = (h + 1) & (size - 1);
			m->rc_tab[h] = as;
		}
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
	m->idx_dirty = false;
}

static inline void idx_fresh(struct sg_m3ua *m)
{
	if (m->idx_dirty || !m->rc_tab)
		idx_rebuild(m);
}

struct sg_m3ua_as *sg_m3ua_as_by_rc(struct sg_m3ua *m, uint32_t rc)
{
	unsigned int h;

	idx_fresh(m);
	for (h = rc_hash(rc, m->rc_size); m->rc_tab[h]; h = (h + 1) & (m->rc_size - 1))
		if (m->rc_tab[h]->rc == rc && m->rc_tab[h]->has_rc)
			return m->rc_tab[h];
	return NULL;
}

const char *sg_m3ua_as_name(const struct sg_m3ua_as *as) { return as->name; }
enum sg_m3ua_as_state sg_m3ua_as_state(const struct sg_m3ua_as *as) { return as->state; }
bool sg_m3ua_as_rc(const struct sg_m3ua_as *as, uint32_t *rc)
{
	if (as->has_rc && rc)
		*rc = as->rc;
	return as->has_rc;
}
enum sg_m3ua_tmt sg_m3ua_as_tmt(const struct sg_m3ua_as *as)
{
	return as->cur_tmt ? as->cur_tmt : as->tmt;
}
const struct sg_m3ua_rkey *sg_m3ua_as_rkey(const struct sg_m3ua_as *as) { return &as->rk; }
bool sg_m3ua_as_dynamic(const struct sg_m3ua_as *as) { return as->dynamic; }

bool sg_m3ua_as_remote(const struct sg_m3ua_as *as)
{
	return as->client;
}

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
	idx_fresh(m);
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
		m3ua_tx_err(asp, SG_M3UA_ERR_UNSUPP_MSG_TYPE, NULL, NULL, msg->buf, msg->len);
		return;
	}
	if (!srv_ok && !cli_ok) {
		m3ua_tx_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, NULL, NULL, msg->buf, msg->len);
		return;
	}
	/* DATA never on stream 0 (ETSI change request, M3-TR-02) unless the peer has just one */
	if (stream == 0 && asp->in_streams > 1) {
		m3ua_tx_err(asp, SG_M3UA_ERR_INVALID_STREAM_ID, NULL, NULL, msg->buf, msg->len);
		return;
	}
	if (sg_m3ua_get_u32(msg, SG_M3UA_IEI_NET_APPEAR, &na) && (!m->cfg.has_na || na != m->cfg.na)) {
		m3ua_tx_err(asp, SG_M3UA_ERR_INVALID_NET_APPEAR, NULL, &na, msg->buf, msg->len);
		return;
	}
	if (sg_m3ua_get_u32(msg, SG_M3UA_IEI_ROUTE_CTX, &rc)) {
		struct sg_m3ua_memb *mb;

		as = sg_m3ua_as_by_rc(m, rc);
		mb = as ? m3ua_memb(as, asp) : NULL;
		if (!mb) {
			m3ua_tx_err(asp, SG_M3UA_ERR_INVALID_ROUTING_CTX, &rc, NULL, msg->buf,
				    msg->len);
			return;
		}
		if (!memb_active(as, mb) && !(asp->srv && asp->cli && (mb->lact || mb->st ==
							SG_M3UA_ASP_ACTIVE))) {
			m3ua_tx_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, &rc, NULL, msg->buf, msg->len);
			return;
		}
	} else {
		unsigned int n = 0;
		struct sg_m3ua_as *one = NULL;

		llist_for_each_entry(it, &m->ass, list) {
			struct sg_m3ua_memb *mb = m3ua_memb(it, asp);

			if (mb && memb_active(it, mb)) {
				n++;
				one = it;
			}
		}
		as = n == 1 ? one : NULL;
	}
	if (sg_m3ua_get_pdata(msg, &pd) < 0) {
		m3ua_tx_err(asp, SG_M3UA_ERR_MISSING_PARAM, NULL, NULL, msg->buf, msg->len);
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
