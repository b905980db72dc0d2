/* The daemon's configuration -> MTP3 (Q.704) signalling points: sgd's one builder of MTP3. */

#include <stdio.h>

#include <sg/config.h>
#include <sg/log.h>
#include <sg/mtp3_core.h>
#include <sg/tdef.h>

#include "core.h"

/* sg_tdef_apply()'s setter for an instance's MTP3 timers */
static int mtp3_timer_set(void *priv, unsigned int t, uint32_t ms)
{
	return sg_mtp3_set_timer(priv, t, ms);
}

struct sg_mtp3 *sg_core_mtp3_from_config(void *ctx, const struct sg_config *cfg, unsigned int sp)
{
	const struct sg_cfg_sp *csp;
	struct sg_mtp3_cfg mc;
	struct sg_mtp3 *m;
	char path[64], err[256];

	if (sp >= cfg->num_sps)
		return NULL;
	csp = &cfg->sps[sp];
	sg_mtp3_cfg_defaults(&mc);
	mc.name = csp->name;
	mc.variant = csp->variant;
	mc.pc = csp->pc;
	mc.ni = csp->ni;
	mc.stp = csp->stp;
	mc.sls5 = csp->sls_bits == 5;
	mc.restart = csp->restart;
	mc.cong_prio = csp->cong_prio;
	mc.tfr = csp->tfr;
	mc.tfp_unknown = csp->tfp_unknown;
	m = sg_mtp3_alloc(ctx, &mc);
	if (!m) {
		LOGP(DMTP3, LOGL_FATAL, "%s: cannot create MTP3\n", csp->name);
		return NULL;
	}
	/* names and ranges checked at load (sg_daemon_check_config) */
	snprintf(path, sizeof(path), "signalling_points[%u].timers", sp);
	if (sg_tdef_apply(sg_mtp3_timer_defs, _SG_MTP3_T_MAX, "MTP3", csp->timers, path,
			  mtp3_timer_set, m, err, sizeof(err)) < 0) {
		LOGP(DMTP3, LOGL_FATAL, "%s\n", err);
		goto err;
	}
	for (unsigned int i = 0; i < cfg->num_linksets; i++) {
		const struct sg_cfg_linkset *cls = &cfg->linksets[i];
		struct sg_mtp3_linkset *ls;

		if (cls->sp != (int)sp)
			continue;
		ls = sg_mtp3_linkset_add(m, cls->name, cls->adjacent_pc);
		if (!ls) {
			LOGP(DMTP3, LOGL_FATAL, "%s: cannot add linkset %s\n", csp->name, cls->name);
			goto err;
		}
		for (unsigned int j = 0; j < cls->num_links; j++)
			if (!sg_mtp3_link_add(ls, cls->links[j].name, cls->links[j].slc)) {
				LOGP(DMTP3, LOGL_FATAL, "%s: cannot add link %s\n", csp->name,
				     cls->links[j].name);
				goto err;
			}
	}
	for (unsigned int r = 0; r < cfg->num_routes; r++) {
		const struct sg_cfg_route *cr = &cfg->routes[r];
		const struct sg_cfg_linkset *cls;

		if (cr->linkset < 0 || (unsigned int)cr->linkset >= cfg->num_linksets) {
			LOGP(DMTP3, LOGL_FATAL, "%s: route %u has no linkset\n", csp->name, r);
			goto err;
		}
		cls = &cfg->linksets[cr->linkset];
		if (cls->sp != (int)sp)
			continue;
		if (sg_mtp3_route_add(m, cr->dpc, sg_mtp3_linkset_by_name(m, cls->name),
				      cr->priority) < 0) {
			LOGP(DMTP3, LOGL_FATAL, "%s: cannot add route %u\n", csp->name, r);
			goto err;
		}
	}
	return m;
err:
	sg_mtp3_free(m);
	return NULL;
}
