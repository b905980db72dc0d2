/* The core thread: MTP3 (Q.704) signalling points, and their bridge to MTP2 on the TDM threads. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>
#include <osmocom/core/utils.h>

#include <sg/config.h>
#include <sg/l2_sap.h>
#include <sg/log.h>
#include <sg/mgmt.h>
#include <sg/mtp3_core.h>
#include <sg/thread.h>

#include "core.h"

struct core_link {
	struct sg_core *core;
	uint16_t gid;
	struct sg_mtp3 *m;
	struct sg_mtp3_link *l;
	struct sg_thread *tdm;		/* owner of the link's MTP2 */
};

struct sg_core {
	const struct sg_config *cfg;
	struct sg_thread *thread;
	struct sg_thread *const *tdm;
	/* on the core thread from init on */
	struct sg_mtp3 *mtp3[16];	/* by signalling point */
	unsigned int num_links;
	struct core_link *links;	/* by gid */
	bool started;
	void (*started_cb)(struct sg_core *core, void *priv);
	void *started_priv;
};

struct sg_mtp3 *sg_core_mtp3(struct sg_core *core, unsigned int sp)
{
	return sp < ARRAY_SIZE(core->mtp3) ? core->mtp3[sp] : NULL;
}

struct sg_thread *sg_core_thread(struct sg_core *core)
{
	return core->thread;
}

void sg_core_set_started_cb(struct sg_core *core, void (*cb)(struct sg_core *core, void *priv),
			    void *priv)
{
	core->started_cb = cb;
	core->started_priv = priv;
}

unsigned int sg_link_gid(const struct sg_config *cfg, unsigned int linkset, unsigned int link)
{
	unsigned int gid = 0;

	for (unsigned int i = 0; i < linkset; i++)
		gid += cfg->linksets[i].num_links;
	return gid + link;
}

/* ---- MTP3 -> MTP2: requests posted to the link's TDM thread ---- */

static int l2_req(void *l2_priv, enum sg_mtp2_prim prim, const struct sg_mtp2_param *p,
		  struct msgb *msg)
{
	struct core_link *cl = l2_priv;
	struct msgb *pm = sg_mtp2_prim_wrap(prim, PRIM_OP_REQUEST, p, cl->gid, msg);

	if (!pm)
		return -ENOMEM;
	/* the mailbox keeps the order of requests to one link, data and control alike.  Users'
	 * MSUs are data: a full TDM mailbox refuses them (-ENOSPC, MTP3 counts tx:l2_refused).
	 * Link control and MTP's own messages (SI 0..2: network management, link tests, whose
	 * loss would fail a changeover or a link test) take the reserved control lane. */
	if (prim == SG_MTP2_DATA && pm->l3h && msgb_l3len(pm) >= 1 && (pm->l3h[0] & 0x0f) > 2)
		return sg_thread_post(cl->tdm, pm);
	return sg_thread_post_ctl(cl->tdm, pm);
}

static const struct sg_mtp3_l2_ops l2_ops = { .req = l2_req };

/* ---- MTP2 -> MTP3: indications from the TDM threads ---- */

static void mtp2_ind_handler(struct sg_thread *t, struct msgb *pm, void *priv)
{
	struct sg_core *core = priv;
	enum sg_mtp2_prim prim = sg_prim_hdr(pm)->primitive;
	struct sg_mtp2_param p = *(struct sg_mtp2_param *)sg_prim_param(pm);
	struct core_link *cl;

	if (p.link_id >= core->num_links || !core->links[p.link_id].l) {
		LOGP(DMTP3, LOGL_ERROR, "MTP2 %s for unknown link %u dropped\n",
		     get_value_string(sg_mtp2_prim_names, prim), p.link_id);
		msgb_free(pm);
		return;
	}
	cl = &core->links[p.link_id];
	if (pm->l3h) {
		/* DATA or a retrieved MSU: MTP3 takes the buffer, SIO at l3h */
		sg_mtp3_l2_ind(cl->m, cl->l, prim, &p, pm);
	} else {
		msgb_free(pm);
		sg_mtp3_l2_ind(cl->m, cl->l, prim, &p, NULL);
	}
}

/* ---- life cycle ---- */

struct sg_core *sg_core_alloc(void *ctx, const struct sg_config *cfg, struct sg_thread *thread,
			      struct sg_thread *const *tdm)
{
	struct sg_core *core = talloc_zero(ctx, struct sg_core);

	if (!core)
		return NULL;
	core->cfg = cfg;
	core->thread = thread;
	core->tdm = tdm;
	sg_thread_set_handler(thread, SG_SAP_MTP2, mtp2_ind_handler, core);
	return core;
}

int sg_core_init(struct sg_thread *t, void *priv)
{
	struct sg_core *core = priv;
	const struct sg_config *cfg = core->cfg;
	void *ctx = sg_thread_ctx(t);
	unsigned int gid = 0;

	for (unsigned int i = 0; i < cfg->num_linksets; i++)
		core->num_links += cfg->linksets[i].num_links;
	core->links = talloc_zero_array(ctx, struct core_link,
					core->num_links ? core->num_links : 1);
	for (unsigned int sp = 0; sp < cfg->num_sps && sp < ARRAY_SIZE(core->mtp3); sp++) {
		core->mtp3[sp] = sg_core_mtp3_from_config(ctx, cfg, sp);
		if (!core->mtp3[sp])
			return -EINVAL;
	}
	for (unsigned int i = 0; i < cfg->num_linksets; i++) {
		const struct sg_cfg_linkset *cls = &cfg->linksets[i];

		for (unsigned int j = 0; j < cls->num_links; j++, gid++) {
			struct core_link *cl = &core->links[gid];

			cl->core = core;
			cl->gid = gid;
			cl->m = core->mtp3[cls->sp];
			cl->l = sg_mtp3_link_by_name(cl->m, cls->links[j].name);
			cl->tdm = core->tdm[cfg->spans[cls->links[j].span].thread];
			if (!cl->l)
				return -EINVAL;
			/* Annex A (whole-E1) links: 12-bit FSNs, so XCO/XCA (Q.704 §5.2) */
			if (cls->links[j].timeslot == 0)
				sg_mtp3_link_set_ext_seq(cl->l, true);
			sg_mtp3_link_bind(cl->l, &l2_ops, cl);
		}
	}
	LOGP(DMTP3, LOGL_NOTICE, "core: %u signalling points, %u links\n", cfg->num_sps,
	     core->num_links);
	return 0;
}

void sg_core_go(void *priv)
{
	struct sg_core *core = priv;

	core->started = true;
	for (unsigned int sp = 0; sp < ARRAY_SIZE(core->mtp3); sp++)
		if (core->mtp3[sp])
			sg_mtp3_start(core->mtp3[sp]);
	if (core->started_cb)
		core->started_cb(core, core->started_priv);
}

int sg_core_fini(struct sg_thread *t, void *priv)
{
	struct sg_core *core = priv;

	for (unsigned int sp = 0; sp < ARRAY_SIZE(core->mtp3); sp++) {
		sg_mtp3_free(core->mtp3[sp]);
		core->mtp3[sp] = NULL;
	}
	TALLOC_FREE(core->links);
	core->num_links = 0;
	return 0;
}

/* ---- link administration from management ---- */

struct admin_call {
	struct sg_core *core;
	unsigned int gid;
	enum sg_core_link_op op;
};

static int link_op(struct sg_mtp3_link *l, enum sg_core_link_op op)
{
	switch (op) {
	case SG_CORE_LINK_ACTIVATE:
		return sg_mtp3_link_activate(l);
	case SG_CORE_LINK_DEACTIVATE:
		return sg_mtp3_link_deactivate(l);
	case SG_CORE_LINK_INHIBIT:
		return sg_mtp3_link_inhibit(l);
	case SG_CORE_LINK_UNINHIBIT:
		return sg_mtp3_link_uninhibit(l);
	case SG_CORE_LINK_TEST:
		return sg_mtp3_link_test(l);
	}
	return -EINVAL;
}

static void admin_run(void *arg)
{
	struct admin_call *a = arg;
	struct sg_core *core = a->core;

	if (a->gid < core->num_links && core->links[a->gid].l) {
		int rc = link_op(core->links[a->gid].l, a->op);

		if (rc < 0)
			LOGP(DMTP3, LOGL_NOTICE, "link %s: management request refused: %s\n",
			     sg_mtp3_link_name(core->links[a->gid].l), strerror(-rc));
	}
	free(a);
}

int sg_core_link_admin(struct sg_core *core, unsigned int gid, enum sg_core_link_op op)
{
	struct admin_call *a = malloc(sizeof(*a));
	int rc;

	if (!a)
		return -ENOMEM;
	*a = (struct admin_call){ core, gid, op };
	rc = sg_thread_call(core->thread, admin_run, a);
	if (rc < 0)
		free(a);
	return rc;
}

/* ---- management: linksets and routes (MTP3 view) ---- */

static struct json_object *concat(struct sg_core *core,
				  struct json_object *(*fn)(struct sg_mtp3 *m))
{
	struct json_object *arr = json_object_new_array();

	for (unsigned int sp = 0; sp < ARRAY_SIZE(core->mtp3); sp++) {
		struct json_object *part;

		if (!core->mtp3[sp])
			continue;
		part = fn(core->mtp3[sp]);
		for (size_t i = 0; part && i < json_object_array_length(part); i++) {
			struct json_object *o = json_object_get(json_object_array_get_idx(part, i));

			json_object_object_add(o, "signalling_point",
					       json_object_new_string(sg_mtp3_name(core->mtp3[sp])));
			json_object_array_add(arr, o);
		}
		json_object_put(part);
	}
	return arr;
}

static struct json_object *linksets_list(void *priv, struct sg_mgmt_err *err)
{
	return concat(priv, sg_mtp3_linksets_json);
}

static struct json_object *linksets_get(void *priv, const char *item, struct sg_mgmt_err *err)
{
	struct json_object *all = concat(priv, sg_mtp3_linksets_json), *res = NULL;

	for (size_t i = 0; i < json_object_array_length(all); i++) {
		struct json_object *o = json_object_array_get_idx(all, i), *name;

		if (json_object_object_get_ex(o, "name", &name) &&
		    !strcmp(json_object_get_string(name), item)) {
			res = json_object_get(o);
			break;
		}
	}
	json_object_put(all);
	if (!res)
		sg_mgmt_err_set(err, 404, "no linkset named '%s'", item);
	return res;
}

static const struct sg_mgmt_cmd_desc linkset_commands[] = {
	{ "activate", "Activate every link of the linkset (Q.704 §12.2)" },
	{ "deactivate", "Deactivate every link of the linkset (changeover first)" },
	{ NULL, NULL }
};

static struct json_object *linksets_command(void *priv, const char *item, const char *cmd,
					   struct json_object *args, struct sg_mgmt_err *err)
{
	struct sg_core *core = priv;
	const struct sg_config *cfg = core->cfg;
	bool act = !strcmp(cmd, "activate");
	unsigned int gid = 0, n = 0;

	for (unsigned int i = 0; i < cfg->num_linksets; i++) {
		const struct sg_cfg_linkset *cls = &cfg->linksets[i];

		if (strcmp(cls->name, item)) {
			gid += cls->num_links;
			continue;
		}
		for (unsigned int j = 0; j < cls->num_links; j++, gid++, n++)
			if (gid < core->num_links && core->links[gid].l)
				link_op(core->links[gid].l, act ? SG_CORE_LINK_ACTIVATE
								 : SG_CORE_LINK_DEACTIVATE);
		break;
	}
	if (!n) {
		sg_mgmt_err_set(err, 404, "no linkset named '%s'", item);
		return NULL;
	}
	return linksets_get(priv, item, err);
}

static struct json_object *routes_list(void *priv, struct sg_mgmt_err *err)
{
	return concat(priv, sg_mtp3_routes_json);
}

void sg_core_register_mgmt(struct sg_core *core, struct sg_mgmt *mgmt)
{
	sg_mgmt_register(mgmt, &(struct sg_mgmt_collection){
		.name = "linksets",
		.description = "MTP3 linksets and their links in MTP3's view (Q.704)",
		.owner = core->thread,
		.priv = core,
		.list = linksets_list,
		.get = linksets_get,
		.command = linksets_command,
		.commands = linkset_commands,
	});
	sg_mgmt_register(mgmt, &(struct sg_mgmt_collection){
		.name = "routes",
		.description = "MTP3 route sets: destinations and the status of each route",
		.owner = core->thread,
		.priv = core,
		.list = routes_list,
	});
}
