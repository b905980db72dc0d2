/* xUA Application Servers, RFC 4666 / RFC 3868 §1.4, §4.3.2: the objects (configured, or created
 * by RKM) and their members, removal, lookup by name and by Routing Context (an index rebuilt
 * lazily, with the protocol's own indexes), accessors. */

#include <errno.h>
#include <string.h>

#include <talloc.h>
#include <osmocom/core/utils.h>

#include "xua_int.h"

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

struct sg_m3ua_as *xua_as_new(struct sg_m3ua *m, const struct sg_m3ua_as_cfg *cfg)
{
	struct sg_m3ua_as *as;
	struct sg_m3ua_asp *members[SG_M3UA_AS_MAX_ASPS];
	bool any_srv = false, any_cli_only = false;

	if (!cfg || !cfg->name || !cfg->name[0] || strlen(cfg->name) >= SG_M3UA_NAME_MAX ||
	    sg_m3ua_as_by_name(m, cfg->name) || (cfg->has_rc && sg_m3ua_as_by_rc(m, cfg->rc)) ||
	    cfg->nasps > SG_M3UA_AS_MAX_ASPS || cfg->tmt > SG_M3UA_TMT_BROADCAST ||
	    cfg->t_r_ms > sg_xua_timer_defs[SG_XUA_T_R].max_val ||
	    (m->proto->as_cfg_valid && !m->proto->as_cfg_valid(m, cfg)))
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
	as->rk = cfg->rk;		/* the protocol's key (M3UA: MTP3) */
	as->client = any_cli_only;
	as->state = SG_M3UA_AS_DOWN;
	xua_as_init(as);
	as->ctr = sg_ctr_group_alloc(as, &as_ctrg_desc);
	for (unsigned int i = 0; i < cfg->nasps; i++)
		xua_memb_add(as, members[i]);
	llist_add_tail(&as->list, &m->ass);
	xua_idx_dirty(m);
	xua_as_update(as, NULL, false);
	return as;
}

struct sg_m3ua_as *sg_m3ua_as_add(struct sg_m3ua *m, const struct sg_m3ua_as_cfg *cfg)
{
	struct sg_m3ua_as *as = xua_as_new(m, cfg);

	/* a client-side AS whose peers are already up is activated at once */
	if (as && as->client)
		for (unsigned int i = 0; i < as->nmemb; i++)
			if (as->memb[i].asp->lstate == SG_M3UA_ASP_INACTIVE)
				xua_asp_client_activate(as->memb[i].asp);
	return as;
}

int sg_m3ua_as_del(struct sg_m3ua_as *as, bool force)
{
	struct sg_m3ua_asp *asps[SG_M3UA_AS_MAX_ASPS];
	unsigned int n = as->nmemb;

	for (unsigned int i = 0; i < as->nmemb; i++)
		if (xua_memb_active(as, &as->memb[i]) && !force)
			return -EBUSY;
	for (unsigned int i = 0; i < n; i++)
		asps[i] = as->memb[i].asp;
	if (as->dynamic)
		as->m->ndynamic--;
	sg_timer_stop(&as->t_r);
	xua_as_discard_pending(as);
	if (as->state != SG_M3UA_AS_DOWN && as->m->uops.as_state)
		as->m->uops.as_state(as->m->uctx, as, as->state, SG_M3UA_AS_DOWN);
	xua_as_free(as);
	for (unsigned int i = 0; i < n; i++)
		xua_asp_recompute(asps[i]);
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

static inline unsigned int rc_hash(uint32_t rc, unsigned int size)
{
	return (rc * 2654435761u) & (size - 1);
}

/* the ASs' order (ties in routing go to the first), RC -> AS (open addressing), then the
 * protocol's indexes */
static void idx_rebuild(struct sg_m3ua *m)
{
	struct sg_m3ua_as *as;
	unsigned int nas = 0, size = 8;

	llist_for_each_entry(as, &m->ass, list)
		as->order = nas++;
	talloc_free(m->rc_tab);
	while (size < 2 * nas)
		size <<= 1;
	m->rc_tab = talloc_zero_array(m, struct sg_m3ua_as *, size);
	m->rc_size = size;
	llist_for_each_entry(as, &m->ass, list) {
		unsigned int h;

		if (!as->has_rc)
			continue;
		h = rc_hash(as->rc, size);
		while (m->rc_tab[h])
			h = (h + 1) & (size - 1);
		m->rc_tab[h] = as;
	}
	if (m->proto->idx_rebuild)
		m->proto->idx_rebuild(m, nas);
	m->idx_dirty = false;
}

void xua_idx_fresh(struct sg_m3ua *m)
{
	if (m->idx_dirty || !m->rc_tab)
		idx_rebuild(m);
}

struct sg_m3ua_as *sg_m3ua_as_by_rc(struct sg_m3ua *m, uint32_t rc)
{
	unsigned int h;

	xua_idx_fresh(m);
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
bool sg_m3ua_as_dynamic(const struct sg_m3ua_as *as) { return as->dynamic; }

bool sg_m3ua_as_remote(const struct sg_m3ua_as *as)
{
	return as->client;
}
