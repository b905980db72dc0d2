/* A TDM thread's spans and signalling links, their activation, and their management. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <talloc.h>
#include <osmocom/core/utils.h>

#include <sg/config.h>
#include <sg/log.h>
#include <sg/mgmt.h>
#include <sg/slt.h>
#include <sg/tdef.h>
#include <sg/timer.h>

#include "core.h"
#include "tdm.h"

/*
 * Link activation: until MTP3 (issue 4) runs on the core thread, this
 * module activates every configured link at start and restores it after a
 * failure, as Q.704 §12.2 (signalling link activation and restoration) has
 * MTP3 do: START, and after an out-of-service indication START again once
 * T17 (Q.704 §16.8: 0.8 to 1.5 s, to avoid oscillation) has run out.  A link
 * stopped through the API stays out of service until started again.
 * Emergency alignment is asked for when no other link of the linkset (on
 * this thread) is in service, as Q.704 §12.2.2 (and 7.2 of Q.703) has it;
 * the API's "emergency" command forces it.
 */
#define T17_MS 1000

struct tdm_link {
	struct sg_tdm *tdm;
	const struct sg_cfg_link *cfg;
	unsigned int linkset;	/* index in the config */
	uint16_t gid;		/* global link number (sg_link_gid) */
	bool in_service;
	struct sg_slt *slt;
	bool active;		/* administratively activated */
	bool emergency;
	struct sg_timer t17;
	unsigned int restarts;
};

struct sg_tdm {
	const struct sg_config *cfg;
	unsigned int index;
	/* MTP3 on the core thread: MTP2 indications go there, requests come
	 * from there.  NULL: interim activation by this thread. */
	struct sg_thread *core_thread;
	struct sg_core *core;
	struct sg_span *spans[256];
	unsigned int num_links;
	struct tdm_link *links;
	/* by global link number (requests from MTP3 name links by it);
	 * NULL for links of other TDM threads */
	unsigned int num_gids;
	struct tdm_link **by_gid;
};

static bool linkset_has_other_in_service(const struct tdm_link *l)
{
	const struct sg_tdm *tdm = l->tdm;

	for (unsigned int i = 0; i < tdm->num_links; i++)
		if (&tdm->links[i] != l && tdm->links[i].linkset == l->linkset &&
		    tdm->links[i].in_service)
			return true;
	return false;
}

static void link_start(struct tdm_link *l)
{
	struct sg_mtp2_link *m = sg_slt_mtp2(l->slt);

	if (l->emergency || !linkset_has_other_in_service(l))
		sg_mtp2_l3_req(m, SG_MTP2_EMERGENCY, NULL, NULL);
	else
		sg_mtp2_l3_req(m, SG_MTP2_EMERGENCY_CEASES, NULL, NULL);
	sg_mtp2_l3_req(m, SG_MTP2_START, NULL, NULL);
}

static void t17_expired(void *data)
{
	struct tdm_link *l = data;

	if (l->active) {
		l->restarts++;
		link_start(l);
	}
}

/*
 * An MTP2 indication for MTP3 on the core thread (see core.h).  Received MSUs (DATA) are
 * data: when the core mailbox is full they are discarded and counted on the link
 * (rx:discard:mtp3_busy; the SS7 side retransmits nothing, as for any MSU lost in level 3
 * overload).  Everything else is link state (IN/OUT OF SERVICE, RPO/RPR, congestion, BSNT,
 * retrieved MSUs, retrieval complete/not possible) and goes through the core thread's
 * reserved control lane, so a full mailbox cannot lose it (doc/architecture.md, "Overload").
 */
static void forward_ind(struct tdm_link *l, enum sg_mtp2_prim prim,
			const struct sg_mtp2_param *param, struct msgb *msg)
{
	struct msgb *pm = sg_mtp2_prim_wrap(prim, PRIM_OP_INDICATION, param, l->gid, msg);
	int rc;

	if (!pm)
		rc = -ENOMEM;
	else if (prim == SG_MTP2_DATA)
		rc = sg_thread_post(l->tdm->core_thread, pm);
	else
		rc = sg_thread_post_ctl(l->tdm->core_thread, pm);
	if (rc < 0 && prim == SG_MTP2_DATA) {
		sg_slt_count_rx_discard(l->slt);
		return;
	}
	if (rc < 0)
		LOGP(DMTP2, LOGL_ERROR, "link %s: %s to MTP3 lost: %s\n", l->cfg->name,
		     get_value_string(sg_mtp2_prim_names, prim), strerror(-rc));
}

/* MTP2 requests from MTP3 on the core thread; we own pm. */
static void mtp2_req_handler(struct sg_thread *t, struct msgb *pm, void *priv)
{
	struct sg_tdm *tdm = priv;
	enum sg_mtp2_prim prim = sg_prim_hdr(pm)->primitive;
	struct sg_mtp2_param p = *(struct sg_mtp2_param *)sg_prim_param(pm);

	if (p.link_id < tdm->num_gids && tdm->by_gid[p.link_id]) {
		struct tdm_link *l = tdm->by_gid[p.link_id];

		if (pm->l3h) {
			/* DATA: MTP2 takes the buffer, SIO+SIF at l3h */
			sg_mtp2_l3_req(sg_slt_mtp2(l->slt), prim, &p, pm);
		} else {
			msgb_free(pm);
			sg_mtp2_l3_req(sg_slt_mtp2(l->slt), prim, &p, NULL);
		}
		return;
	}
	LOGP(DMTP2, LOGL_ERROR, "tdm%u: MTP2 %s for link %u, which is not here\n", tdm->index,
	     get_value_string(sg_mtp2_prim_names, prim), p.link_id);
	msgb_free(pm);
}

void sg_tdm_set_core(struct sg_tdm *tdm, struct sg_thread *tdm_thread, struct sg_core *core,
		     struct sg_thread *core_thread)
{
	tdm->core = core;
	tdm->core_thread = core_thread;
	sg_thread_set_handler(tdm_thread, SG_SAP_MTP2, mtp2_req_handler, tdm);
}

/* MTP2 indications: to MTP3, or to the interim activation. */
static void mtp2_ind(struct sg_mtp2_link *link, enum sg_mtp2_prim prim,
		     const struct sg_mtp2_param *param, struct msgb *msg, void *priv)
{
	struct tdm_link *l = priv;

	if (prim == SG_MTP2_IN_SERVICE)
		l->in_service = true;
	else if (prim == SG_MTP2_OUT_OF_SERVICE)
		l->in_service = false;
	if (l->tdm->core_thread) {
		forward_ind(l, prim, param, msg);
		return;
	}

	switch (prim) {
	case SG_MTP2_IN_SERVICE:
		LOGP(DMTP2, LOGL_NOTICE, "link %s: in service\n", l->cfg->name);
		break;
	case SG_MTP2_OUT_OF_SERVICE:
		LOGP(DMTP2, LOGL_NOTICE, "link %s: out of service (%s)%s\n", l->cfg->name,
		     get_value_string(sg_mtp2_oos_reason_names, param->reason),
		     l->active ? ", restart after T17" : "");
		if (l->active)
			sg_timer_start_ms(&l->t17, T17_MS);
		break;
	default:
		LOGP(DMTP2, LOGL_INFO, "link %s: %s\n", l->cfg->name,
		     get_value_string(sg_mtp2_prim_names, prim));
		break;
	}
	/* no MTP3 yet to take received MSUs: they are counted by MTP2 */
	msgb_free(msg);
}

/* Start the link's trace to the new file name (checked by sg_trace_name_check) in
 * management.trace_dir; path gets the file's full path.  Returns 0 or -errno:
 * -EBUSY while a trace runs, -EEXIST when the file exists. */
static int link_trace_start(struct tdm_link *l, const char *name, bool all_fisu, char *path,
			    size_t pathlen)
{
	const char *dir = l->tdm->cfg->trace_dir;
	size_t dl = strlen(dir);
	int dfd, rc;

	snprintf(path, pathlen, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", name);
	if (sg_slt_tracing(l->slt))
		return -EBUSY;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	rc = sg_slt_trace_start_at(l->slt, dfd, name, path, all_fisu);
	close(dfd);
	return rc;
}

struct sg_tdm *sg_tdm_alloc(void *ctx, const struct sg_config *cfg, unsigned int index)
{
	struct sg_tdm *tdm = talloc_zero(ctx, struct sg_tdm);

	if (!tdm)
		return NULL;
	tdm->cfg = cfg;
	tdm->index = index;
	return tdm;
}

bool sg_tdm_has_link(const struct sg_tdm *tdm, const char *name)
{
	const struct sg_config *cfg = tdm->cfg;

	for (unsigned int i = 0; i < cfg->num_linksets; i++)
		for (unsigned int j = 0; j < cfg->linksets[i].num_links; j++) {
			const struct sg_cfg_link *l = &cfg->linksets[i].links[j];

			if (!strcmp(l->name, name))
				return cfg->spans[l->span].thread == tdm->index;
		}
	return false;
}

/* sg_tdef_apply()'s setter for a link's MTP2 timers */
static int mtp2_timer_set(void *priv, unsigned int t, uint32_t ms)
{
	return sg_mtp2_set_timer(priv, t, ms);
}

int sg_tdm_start(struct sg_tdm *tdm)
{
	const struct sg_config *cfg = tdm->cfg;
	unsigned int n = 0;
	char err[256];

	for (unsigned int i = 0; i < cfg->num_spans; i++) {
		const struct sg_cfg_span *sc = &cfg->spans[i];

		if (sc->thread != tdm->index)
			continue;
		tdm->spans[i] = sg_span_open(tdm, &(struct sg_span_cfg){
			.name = sc->name, .type = sc->type, .driver = sc->driver,
			.drv_cfg = sc->drv_cfg }, err, sizeof(err));
		if (!tdm->spans[i]) {
			LOGP(DADP, LOGL_FATAL, "%s\n", err);
			return -EIO;
		}
	}
	for (unsigned int i = 0; i < cfg->num_linksets; i++)
		n += cfg->linksets[i].num_links;
	tdm->links = talloc_zero_array(tdm, struct tdm_link, n ? n : 1);
	tdm->by_gid = talloc_zero_array(tdm, struct tdm_link *, n ? n : 1);
	tdm->num_gids = n;
	for (unsigned int i = 0; i < cfg->num_linksets; i++) {
		for (unsigned int j = 0; j < cfg->linksets[i].num_links; j++) {
			const struct sg_cfg_link *lc = &cfg->linksets[i].links[j];
			struct tdm_link *l;
			struct sg_slt_cfg scfg;
			struct sg_mtp2_cfg mcfg;
			char tpath[64];

			if (!tdm->spans[lc->span])
				continue;
			l = &tdm->links[tdm->num_links];
			l->tdm = tdm;
			l->cfg = lc;
			l->linkset = i;
			l->gid = sg_link_gid(cfg, i, j);
			tdm->by_gid[l->gid] = l;
			sg_timer_setup(&l->t17, t17_expired, l);
			scfg = (struct sg_slt_cfg){
				.name = lc->name,
				.link_id = sg_link_gid(cfg, i, j),
				.ts = lc->timeslot,
				.annex_a = lc->timeslot == 0,
				.rate_56k = lc->rate_56k,
				.pcr = lc->pcr,
				.mtp2 = &mcfg,
			};
			/* thresholds and levels (Q.704 §3.8), checked at load */
			if (sg_tdm_link_mtp2_cfg(cfg, i, j, &mcfg, err, sizeof(err)) < 0) {
				LOGP(DMTP2, LOGL_FATAL, "%s\n", err);
				return -EINVAL;
			}
			scfg.cong_levels = mcfg.cong_levels;
			l->slt = sg_slt_open(tdm, tdm->spans[lc->span], &scfg, mtp2_ind, l, err,
					     sizeof(err));
			if (!l->slt) {
				LOGP(DMTP2, LOGL_FATAL, "%s\n", err);
				return -EIO;
			}
			tdm->num_links++;
			/* names and ranges checked at load (sg_daemon_check_config) */
			snprintf(tpath, sizeof(tpath), "linksets[%u].links[%u].timers", i, j);
			if (sg_tdef_apply(sg_mtp2_timer_defs, _SG_MTP2_T_MAX, "MTP2", lc->timers,
					  tpath, mtp2_timer_set, sg_slt_mtp2(l->slt), err,
					  sizeof(err)) < 0) {
				LOGP(DMTP2, LOGL_FATAL, "%s\n", err);
				return -EINVAL;
			}
			if (lc->trace[0]) {
				/* a name in management.trace_dir (checked at load) */
				char path[512];
				int rc = link_trace_start(l, lc->trace, false, path, sizeof(path));

				if (rc < 0)
					LOGP(DMTP2, LOGL_ERROR, "link %s: cannot trace to %s: %s\n",
					     lc->name, path, strerror(-rc));
			}
			l->active = true;
			if (!tdm->core_thread)
				link_start(l);
		}
	}
	LOGP(DADP, LOGL_NOTICE, "tdm%u: %u links %s\n", tdm->index, tdm->num_links,
	     tdm->core_thread ? "ready for MTP3" : "activated");
	return 0;
}

void sg_tdm_stop(struct sg_tdm *tdm)
{
	for (unsigned int i = 0; i < tdm->num_links; i++) {
		sg_timer_stop(&tdm->links[i].t17);
		sg_slt_close(tdm->links[i].slt);
	}
	tdm->num_links = 0;
	tdm->num_gids = 0;
	for (unsigned int i = 0; i < ARRAY_SIZE(tdm->spans); i++) {
		sg_span_close(tdm->spans[i]);
		tdm->spans[i] = NULL;
	}
}

/* ---- management ---- */

static struct tdm_link *find_link(struct sg_tdm *tdm, const char *name)
{
	for (unsigned int i = 0; i < tdm->num_links; i++)
		if (!strcmp(tdm->links[i].cfg->name, name))
			return &tdm->links[i];
	return NULL;
}

static struct json_object *link_json(struct tdm_link *l, bool details)
{
	struct json_object *o = sg_slt_to_json(l->slt, details);

	json_object_object_add(o, "activated", json_object_new_boolean(l->active));
	json_object_object_add(o, "emergency", json_object_new_boolean(l->emergency));
	json_object_object_add(o, "slc", json_object_new_int(l->cfg->slc));
	json_object_object_add(o, "restarts", json_object_new_int(l->restarts));
	json_object_object_add(o, "thread", json_object_new_int(l->tdm->index));
	return o;
}

struct json_object *sg_tdm_links_list(void *priv, struct sg_mgmt_err *err)
{
	struct sg_tdm *tdm = priv;
	struct json_object *arr = json_object_new_array();

	for (unsigned int i = 0; i < tdm->num_links; i++)
		json_object_array_add(arr, link_json(&tdm->links[i], false));
	return arr;
}

struct json_object *sg_tdm_link_get(void *priv, const char *item, struct sg_mgmt_err *err)
{
	struct tdm_link *l = find_link(priv, item);

	if (!l) {
		sg_mgmt_err_set(err, 404, "no link named '%s'", item);
		return NULL;
	}
	return link_json(l, true);
}

/* PUT /api/v1/links/<name> {"timers_ms": {"t2": 11500, ...}}: Q.703 ranges */
struct json_object *sg_tdm_link_set(void *priv, const char *item, struct json_object *body,
				    struct sg_mgmt_err *err)
{
	struct tdm_link *l = find_link(priv, item);
	struct json_object *timers;
	char msg[512];

	if (!l) {
		sg_mgmt_err_set(err, 404, "no link named '%s'", item);
		return NULL;
	}
	json_object_object_foreach(body, key, v) {
		(void)v;
		if (strcmp(key, "timers_ms")) {
			sg_mgmt_err_set(err, 400, "unknown key '%s' (allowed: timers_ms)", key);
			return NULL;
		}
	}
	if (!json_object_object_get_ex(body, "timers_ms", &timers) ||
	    !json_object_is_type(timers, json_type_object)) {
		sg_mgmt_err_set(err, 400, "timers_ms: expected an object of timer: milliseconds");
		return NULL;
	}
	/* everything is checked first: a bad request changes nothing */
	if (sg_tdef_apply(sg_mtp2_timer_defs, _SG_MTP2_T_MAX, "MTP2", timers, "timers_ms",
			  mtp2_timer_set, sg_slt_mtp2(l->slt), msg, sizeof(msg)) < 0) {
		sg_mgmt_err_set(err, 400, "%s", msg);
		return NULL;
	}
	return link_json(l, true);
}

const struct sg_mgmt_cmd_desc sg_tdm_link_commands[] = {
	{ "start", "Activate the link: align it and keep it in service (restart after T17)" },
	{ "stop", "Deactivate the link: take it out of service and keep it there" },
	{ "lpo", "Local processor outage on (Q.703 §8: send SIPO)" },
	{ "lpr", "Local processor recovered" },
	{ "emergency", "Always use emergency proving (Pe)" },
	{ "normal", "Use emergency proving only when no other link of the linkset is in service" },
	{ "inhibit", "Management inhibiting (Q.704 §10: LIN/LIA): no user traffic on the link" },
	{ "uninhibit", "Uninhibit the link (LUN/LUA)" },
	{ "test", "Run a signalling link test now (Q.707 SLTM/SLTA)" },
	{ "trace-start", "Write the link's SUs to a new pcap file in management.trace_dir: "
			 "{\"file\": NAME (default <link>-<UTC time>.pcap), \"all_fisu\": false}" },
	{ "trace-stop", "Stop the pcap trace" },
	{ NULL, NULL }
};

struct json_object *sg_tdm_link_command(void *priv, const char *item, const char *cmd,
					struct json_object *args, struct sg_mgmt_err *err)
{
	struct tdm_link *l = find_link(priv, item);
	struct sg_mtp2_link *m;

	if (!l) {
		sg_mgmt_err_set(err, 404, "no link named '%s'", item);
		return NULL;
	}
	m = sg_slt_mtp2(l->slt);
	if (l->tdm->core && (!strcmp(cmd, "start") || !strcmp(cmd, "stop") ||
			     !strcmp(cmd, "inhibit") || !strcmp(cmd, "uninhibit") ||
			     !strcmp(cmd, "test"))) {
		/* with MTP3, activation, inhibiting (Q.704 §10) and the link
		 * test (Q.707) are MTP3's: ask it on the core thread */
		enum sg_core_link_op op = !strcmp(cmd, "start") ? SG_CORE_LINK_ACTIVATE :
					  !strcmp(cmd, "stop") ? SG_CORE_LINK_DEACTIVATE :
					  !strcmp(cmd, "inhibit") ? SG_CORE_LINK_INHIBIT :
					  !strcmp(cmd, "uninhibit") ? SG_CORE_LINK_UNINHIBIT :
					  SG_CORE_LINK_TEST;
		int rc = sg_core_link_admin(l->tdm->core, l->gid, op);

		if (rc < 0) {
			sg_mgmt_err_set(err, 503, "MTP3 unavailable: %s", strerror(-rc));
			return NULL;
		}
		if (op == SG_CORE_LINK_ACTIVATE || op == SG_CORE_LINK_DEACTIVATE)
			l->active = op == SG_CORE_LINK_ACTIVATE;
	} else if (!strcmp(cmd, "inhibit") || !strcmp(cmd, "uninhibit") || !strcmp(cmd, "test")) {
		sg_mgmt_err_set(err, 409, "'%s' needs MTP3, which does not run this link", cmd);
		return NULL;
	} else if (!strcmp(cmd, "start")) {
		l->active = true;
		sg_timer_stop(&l->t17);
		link_start(l);
	} else if (!strcmp(cmd, "stop")) {
		l->active = false;
		sg_timer_stop(&l->t17);
		sg_mtp2_l3_req(m, SG_MTP2_STOP, NULL, NULL);
	} else if (!strcmp(cmd, "lpo")) {
		sg_mtp2_l3_req(m, SG_MTP2_LPO, NULL, NULL);
	} else if (!strcmp(cmd, "lpr")) {
		sg_mtp2_l3_req(m, SG_MTP2_LPR, NULL, NULL);
	} else if (!strcmp(cmd, "emergency")) {
		l->emergency = true;
		sg_mtp2_l3_req(m, SG_MTP2_EMERGENCY, NULL, NULL);
	} else if (!strcmp(cmd, "normal")) {
		l->emergency = false;
		sg_mtp2_l3_req(m, SG_MTP2_EMERGENCY_CEASES, NULL, NULL);
	} else if (!strcmp(cmd, "trace-start")) {
		struct json_object *f = NULL, *a;
		char name[SG_TRACE_NAME_MAX + 1], path[512];
		const char *why;
		bool all = false;
		int rc;

		if (!l->tdm->cfg->trace_dir[0]) {
			sg_mgmt_err_set(err, 403, "traces are off: no management.trace_dir in the "
					"config");
			return NULL;
		}
		if (args && json_object_object_get_ex(args, "file", &f) &&
		    !json_object_is_type(f, json_type_string)) {
			sg_mgmt_err_set(err, 400, "file: expected a file name string");
			return NULL;
		}
		if (args && json_object_object_get_ex(args, "all_fisu", &a)) {
			if (!json_object_is_type(a, json_type_boolean)) {
				sg_mgmt_err_set(err, 400, "all_fisu: expected true or false");
				return NULL;
			}
			all = json_object_get_boolean(a);
		}
		if (f) {
			/* a name in the trace directory, never a path */
			why = sg_trace_name_check(json_object_get_string(f));
			if (why) {
				sg_mgmt_err_set(err, 400, "file: %s", why);
				return NULL;
			}
			snprintf(name, sizeof(name), "%s", json_object_get_string(f));
		} else {
			/* sgd's own name: <link>-<UTC time>.pcap */
			time_t now = time(NULL);
			struct tm tm;
			char ts[32];

			gmtime_r(&now, &tm);
			strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
			snprintf(name, sizeof(name), "%s-%s.pcap", l->cfg->name, ts);
			why = sg_trace_name_check(name);
			if (why) {
				sg_mgmt_err_set(err, 400, "file: '%s' from the link name: %s; name "
						"the file", name, why);
				return NULL;
			}
		}
		if (sg_slt_tracing(l->slt)) {
			sg_mgmt_err_set(err, 409, "a trace of link '%s' is running (%s): "
					"trace-stop it first", l->cfg->name,
					sg_slt_trace_path(l->slt));
			return NULL;
		}
		rc = link_trace_start(l, name, all, path, sizeof(path));
		if (rc == -EEXIST || rc == -ELOOP) {
			sg_mgmt_err_set(err, 409, "file: '%s' exists (a trace never replaces a "
					"file)", path);
			return NULL;
		}
		if (rc < 0) {
			sg_mgmt_err_set(err, 500, "file: cannot create '%s': %s", path,
					strerror(-rc));
			return NULL;
		}
	} else if (!strcmp(cmd, "trace-stop")) {
		sg_slt_trace_stop(l->slt);
	} else {
		sg_mgmt_err_set(err, 404, "no command '%s' for links", cmd);
		return NULL;
	}
	return link_json(l, false);
}
