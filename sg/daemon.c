/* The sgd daemon: creates the threads, publishes them, and shuts down in order. */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <sg/adapter.h>
#include <sg/config.h>
#include <sg/counter.h>
#include <sg/log.h>
#include <sg/mgmt.h>
#include <sg/thread.h>
#include <sg/timer.h>

#include "config.h"
#include "daemon.h"
#include "sigtran.h"
#include "tdm/core.h"
#include "tdm/tdm.h"

#define MAX_THREADS 20

struct sg_daemon {
	struct sg_config *cfg;
	struct sg_thread *core, *sctp, *mgmt_thread;
	struct sg_thread *tdm[16];
	struct sg_tdm *tdm_state[16];
	struct sg_mgmt_part link_parts[16];
	struct sg_core *core_state;
	struct sg_thread *threads[MAX_THREADS];	/* all, in start order */
	unsigned int num_threads;
	struct sg_mgmt *mgmt;
	struct sg_sigtran *sigtran;
	const struct sg_daemon_hooks *hooks;
};

/* on the core thread once MTP3 runs: the SIGTRAN side, then the program's hook */
static void core_started(struct sg_core *core, void *priv)
{
	struct sg_daemon *d = priv;

	sg_sigtran_start(d->sigtran, core);
	if (d->hooks && d->hooks->core_started)
		d->hooks->core_started(core, d->hooks->priv);
}

/* ---- the "threads" collection: each thread and its mailbox counters ---- */

static const struct sg_ctr_desc thread_ctr_desc[] = {
	{ "mailbox:handled", "Primitives and calls handled from the mailbox" },
	{ "mailbox:dropped", "Data posts refused because the mailbox was full" },
	{ "loop:iterations", "Event loop iterations" },
	{ "timers:fired", "Timers that expired" },
	{ "mailbox:refused_shutdown", "Data posts refused because the thread was stopping" },
	{ "mailbox:control", "Control primitives accepted through the reserved lane" },
	{ "mailbox:control_dropped",
	  "Control primitives refused because the reserved lane was full (must stay 0)" },
	{ "mailbox:depth", "Entries waiting in the mailbox now" },
	{ "mailbox:depth_max", "Most entries ever waiting in the mailbox" },
};
static const struct sg_ctr_group_desc thread_ctrg_desc = {
	"thread", ARRAY_SIZE(thread_ctr_desc), thread_ctr_desc
};

static struct json_object *thread_json(struct sg_thread *t, bool counters)
{
	struct json_object *o = json_object_new_object();
	struct sg_thread_stats st;

	json_object_object_add(o, "name", json_object_new_string(sg_thread_name(t)));
	json_object_object_add(o, "role", json_object_new_string(
		get_value_string(sg_thread_role_names, sg_thread_role(t))));
	if (counters) {
		/* statistics are the documented exception to single ownership:
		 * a relaxed-atomic snapshot (sg_thread_stats_read) */
		struct sg_ctr_group *g = sg_ctr_group_alloc(NULL, &thread_ctrg_desc);

		sg_thread_stats_read(t, &st);
		if (g) {
			g->v[0] = st.mails_in;
			g->v[1] = st.mails_dropped;
			g->v[2] = st.loop_iterations;
			g->v[3] = st.timers_fired;
			g->v[4] = st.mails_refused_shutdown;
			g->v[5] = st.ctl_posted;
			g->v[6] = st.ctl_dropped;
			g->v[7] = st.depth;
			g->v[8] = st.depth_max;
			json_object_object_add(o, "counters", sg_ctr_group_to_json(g));
			talloc_free(g);
		}
	}
	return o;
}

static struct json_object *threads_list(void *priv, struct sg_mgmt_err *err)
{
	struct sg_daemon *d = priv;
	struct json_object *arr = json_object_new_array();

	for (unsigned int i = 0; i < d->num_threads; i++)
		json_object_array_add(arr, thread_json(d->threads[i], false));
	return arr;
}

static struct json_object *threads_get(void *priv, const char *item, struct sg_mgmt_err *err)
{
	struct sg_daemon *d = priv;

	for (unsigned int i = 0; i < d->num_threads; i++)
		if (!strcmp(sg_thread_name(d->threads[i]), item))
			return thread_json(d->threads[i], true);
	sg_mgmt_err_set(err, 404, "no thread named '%s'", item);
	return NULL;
}

/* ---- management thread hooks ---- */

static int mgmt_init(struct sg_thread *t, void *priv)
{
	struct sg_daemon *d = priv;
	int rc = sg_mgmt_start(d->mgmt);

	if (rc < 0)
		LOGP(DSG, LOGL_FATAL, "management API: cannot listen on %s:%u: %s\n",
		     d->cfg->mgmt_listen, d->cfg->mgmt_port, strerror(-rc));
	return rc;
}

static int mgmt_fini(struct sg_thread *t, void *priv)
{
	struct sg_daemon *d = priv;

	sg_mgmt_stop(d->mgmt);
	return 0;
}

/* ---- TDM thread hooks: spans and links live on their TDM thread ---- */

static int tdm_init(struct sg_thread *t, void *priv)
{
	return sg_tdm_start(priv);
}

static int tdm_fini(struct sg_thread *t, void *priv)
{
	sg_tdm_stop(priv);
	return 0;
}

/* "links" items are on the TDM thread of their span: immutable config data */
static int links_route(void *priv, const char *item)
{
	struct sg_daemon *d = priv;

	for (unsigned int i = 0; i < d->cfg->tdm_threads; i++)
		if (sg_tdm_has_link(d->tdm_state[i], item))
			return i;
	return -1;
}

static struct sg_thread *add_thread(struct sg_daemon *d, const char *name,
				    enum sg_thread_role role)
{
	struct sg_thread *t = sg_thread_alloc(d, name, role, 0);

	OSMO_ASSERT(t && d->num_threads < MAX_THREADS);
	d->threads[d->num_threads++] = t;
	return t;
}

int sg_daemon_run(void *ctx, struct sg_config *cfg)
{
	return sg_daemon_run_hooks(ctx, cfg, NULL);
}

int sg_daemon_run_hooks(void *ctx, struct sg_config *cfg, const struct sg_daemon_hooks *hooks)
{
	struct sg_daemon *d = talloc_zero(ctx, struct sg_daemon);
	struct sg_mgmt_params mp;
	unsigned int started = 0;
	sigset_t set;
	int sig, rc = 0;

	d->cfg = cfg;

	/* Signals go to the main thread only: block them before any thread
	 * starts (threads inherit the mask) and take them with sigwait(). */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* Start order: core first (everything posts to it), then the I/O
	 * threads, management last so the API only answers once all is up. */
	d->core = add_thread(d, "core", SG_THREAD_CORE);
	d->sctp = add_thread(d, "sctp", SG_THREAD_SCTP);
	for (unsigned int i = 0; i < cfg->tdm_threads; i++) {
		char name[16];

		snprintf(name, sizeof(name), "tdm%u", i);
		d->tdm[i] = add_thread(d, name, SG_THREAD_TDM);
		sg_thread_set_rt_priority(d->tdm[i], cfg->tdm_rt_priority);
		d->tdm_state[i] = sg_tdm_alloc(d, cfg, i);
		OSMO_ASSERT(d->tdm_state[i]);
		sg_thread_set_hooks(d->tdm[i], tdm_init, tdm_fini, d->tdm_state[i]);
		d->link_parts[i] = (struct sg_mgmt_part){ d->tdm[i], d->tdm_state[i] };
	}
	sg_adapter_register_builtin();

	/* MTP3 on the core thread, MTP2 on the TDM threads (doc/architecture.md) */
	d->core_state = sg_core_alloc(d, cfg, d->core, d->tdm);
	OSMO_ASSERT(d->core_state);
	sg_thread_set_hooks(d->core, sg_core_init, sg_core_fini, d->core_state);
	for (unsigned int i = 0; i < cfg->tdm_threads; i++)
		sg_tdm_set_core(d->tdm_state[i], d->tdm[i], d->core_state, d->core);
	d->mgmt_thread = add_thread(d, "mgmt", SG_THREAD_MGMT);

	sg_config_mgmt_params(cfg, &mp);
	mp.version = PACKAGE_VERSION;
	mp.threads = d->threads;
	mp.num_threads = d->num_threads;
	d->mgmt = sg_mgmt_alloc(d, &mp, d->mgmt_thread);
	if (!d->mgmt) {
		LOGP(DSG, LOGL_FATAL, "cannot create the management server\n");
		rc = 1;
		goto out;
	}
	sg_mgmt_register(d->mgmt, &(struct sg_mgmt_collection){
		.name = "threads",
		.description = "sgd's threads, their roles and mailbox counters",
		.owner = NULL,
		.priv = d,
		.list = threads_list,
		.get = threads_get,
	});
	sg_mgmt_register(d->mgmt, &(struct sg_mgmt_collection){
		.name = "links",
		.description = "SS7 signalling links (MTP2, Q.703): state, counters, commands",
		.list = sg_tdm_links_list,
		.get = sg_tdm_link_get,
		.set = sg_tdm_link_set,
		.command = sg_tdm_link_command,
		.commands = sg_tdm_link_commands,
		.num_parts = cfg->tdm_threads,
		.parts = d->link_parts,
		.route = links_route,
		.route_priv = d,
	});
	sg_core_register_mgmt(d->core_state, d->mgmt);
	d->hooks = hooks;
	d->sigtran = sg_sigtran_alloc(d, cfg, d->core, d->sctp);
	sg_sigtran_register_mgmt(d->sigtran, d->mgmt);
	sg_core_set_started_cb(d->core_state, core_started, d);
	if (hooks && hooks->setup && hooks->setup(d->core_state, d->mgmt, hooks->priv)) {
		LOGP(DSG, LOGL_FATAL, "start-up hook failed\n");
		rc = 1;
		goto out;
	}
	sg_thread_set_hooks(d->mgmt_thread, mgmt_init, mgmt_fini, d);

	for (started = 0; started < d->num_threads; started++) {
		rc = sg_thread_start(d->threads[started]);
		if (rc < 0) {
			LOGP(DSG, LOGL_FATAL, "cannot start thread %s: %s\n",
			     sg_thread_name(d->threads[started]), strerror(-rc));
			rc = 1;
			goto stop;
		}
	}
	/* every thread runs: MTP3 may now activate its links */
	if (sg_thread_call(d->core, sg_core_go, d->core_state) < 0)
		LOGP(DSG, LOGL_ERROR, "cannot start MTP3\n");
	LOGP(DSG, LOGL_NOTICE, "sgd %s running: %u threads, management API on %s:%u\n",
	     PACKAGE_VERSION, d->num_threads, cfg->mgmt_listen, sg_mgmt_port(d->mgmt));

	for (;;) {
		if (sigwait(&set, &sig))
			continue;
		if (sig == SIGHUP) {
			LOGP(DSG, LOGL_NOTICE, "SIGHUP: configuration reload is not supported; "
			     "use the management API for runtime changes\n");
			continue;
		}
		LOGP(DSG, LOGL_NOTICE, "%s: shutting down\n", strsignal(sig));
		break;
	}
	rc = 0;

stop:
	/* The SIGTRAN side first, while the core and sctp threads run: ASPIA/ASPDN where we
	 * are an ASP, SCTP SHUTDOWN of every association. */
	sg_sigtran_stop(d->sigtran, 3000);
	/* Stop order: management first (no new requests), then the I/O threads
	 * (no new traffic), then the core; each drains its mailbox first. */
	while (started-- > 0) {
		struct sg_thread *t = d->threads[started];

		sg_thread_stop(t);
		LOGP(DSG, LOGL_INFO, "thread %s stopped\n", sg_thread_name(t));
	}
	if (hooks && hooks->teardown)
		hooks->teardown(hooks->priv);
out:
	sg_mgmt_free(d->mgmt);
	for (unsigned int i = 0; i < d->num_threads; i++)
		sg_thread_free(d->threads[i]);
	talloc_free(d);
	return rc;
}
