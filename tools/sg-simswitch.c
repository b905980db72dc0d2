/* sg-simswitch: a simulated legacy switch: sgd's MTP2/MTP3 over the configured spans (the pw
 * pseudowire for tests and the demo) with an ISUP (Q.763/Q.764) and SCCP UDT (Q.713/Q.714)
 * traffic generator and answerer as MTP user (Q.704 §2.2 MTP-TRANSFER/PAUSE/RESUME). */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/talloc.h>

#include <sg/config.h>
#include <sg/log.h>
#include <sg/mgmt.h>
#include <sg/mtp3_core.h>
#include <sg/msg.h>

#include "config.h"
#include "sg/tdm/core.h"
#include "sg/daemon.h"
#include "sim_traffic.h"

#define DEFAULT_CONFIG "etc/demo-switch.json"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_CONFIG = 2 };

struct app {
	struct sim_cfg scfg;
	unsigned int sp;		/* signalling point index in the config */
	struct sim *sim;
	struct sg_mtp3 *mtp3;		/* set on the core thread */
	struct sg_mtp_user mtp_user;	/* ISUP and SCCP: registered with mtp3 */
	struct sg_thread *core;
	bool failed;			/* could not become an MTP user */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sg-simswitch [-c FILE] [traffic options]\n"
		"A simulated SS7 switch: MTP2/MTP3 as configured (same JSON as sgd), with an ISUP\n"
		"and SCCP traffic generator and answerer on top.\n"
		"  -c, --config FILE          configuration (default %s)\n"
		"      --sp NAME              signalling point to use (default: the one of --opc,\n"
		"                             else the first)\n"
		"      --opc PC               originating point code (default: the SP's own)\n"
		"      --dpc PC               destination (default: the adjacent PC of the SP's\n"
		"                             first linkset)\n"
		"      --rate N               generate N calls (or UDTs) per second; without it\n"
		"                             the switch only answers\n"
		"      --si isup|sccp         what to generate (default isup)\n"
		"      --cic FIRST-LAST       circuits for outgoing calls (default 1-31)\n"
		"      --hold-ms N            hold answered calls N ms before REL (default 1000)\n"
		"      --answer-timeout-ms N  IAM without ANM, UDT without echo: failed\n"
		"                             (default 5000)\n"
		"      --answer               answer IAM with ACM+ANM, REL with RLC, echo UDTs\n"
		"      --count N              generate N calls/UDTs, settle, then exit\n"
		"      --duration S           generate for S seconds, settle, then exit\n"
		"      --stats-interval S     a stats line every S seconds (default 1, 0: none)\n"
		"      --called DIGITS        called party number (default 1234567)\n"
		"      --calling DIGITS       calling party number (default 7654321, '' for none)\n"
		"      --ssn N                our SSN, calling party of UDTs (default 8)\n"
		"      --remote-ssn N         called party SSN of UDTs (default 8)\n"
		"      --payload N            UDT data octets, 21..200 (default 32)\n"
		"  -V, --version              print the version and exit\n"
		"  -h, --help                 this help\n"
		"Stats lines go to stdout (\"stats t=... key=value ...\"), the totals on exit\n"
		"(\"total ...\").\n"
		"Exit status: 0 normal end (signal, --count or --duration), 1 runtime failure,\n"
		"2 bad configuration or option.\n",
		DEFAULT_CONFIG);
}

/* ---- MTP user (core thread) ---- */

static void mtp_user_cb(struct sg_mtp3 *m, enum sg_mtp_prim prim, const struct sg_mtp_param *p,
			struct msgb *msg, void *priv)
{
	struct app *a = priv;

	switch (prim) {
	case SG_MTP_TRANSFER: {
		struct sim_mtp h = { .opc = p->opc, .dpc = p->dpc, .si = p->si, .ni = p->ni,
				     .sls = p->sls, .prio = p->prio };

		if (msg && msgb_l4(msg))
			sim_rx(a->sim, &h, msgb_l4(msg), msgb_l4len(msg));
		break;
	}
	case SG_MTP_PAUSE:
	case SG_MTP_RESUME:
		if (p->dpc == a->scfg.dpc)
			sim_set_reachable(a->sim, prim == SG_MTP_RESUME);
		break;
	case SG_MTP_STATUS:
		LOGP(DSG, LOGL_NOTICE, "simswitch: MTP-STATUS for DPC %u cause %u\n", p->dpc,
		     p->cause);
		break;
	}
	msgb_free(msg);
}

static int sim_send(void *priv, const struct sim_mtp *h, const uint8_t *data, size_t len)
{
	struct app *a = priv;
	struct sg_mtp_param p = { .dpc = h->dpc, .sls = h->sls, .si = h->si, .prio = h->prio };
	struct msgb *msg;

	if (!a->mtp3)
		return -ENOTCONN;
	msg = sg_msgb_alloc(SG_MSGB_HEADROOM + len, "simswitch");
	if (!msg)
		return -ENOMEM;
	msgb_reserve(msg, SG_MSGB_HEADROOM);
	msg->l4h = msgb_put(msg, len);
	memcpy(msg->l4h, data, len);
	return sg_mtp3_transfer_req(a->mtp3, &p, msg);
}

static bool sim_reachable(void *priv, uint32_t dpc)
{
	struct app *a = priv;

	return a->mtp3 && sg_mtp3_dpc_accessible(a->mtp3, dpc);
}

static void sim_done(void *priv)
{
	/* the main thread takes SIGTERM with sigwait() and shuts down in order */
	kill(getpid(), SIGTERM);
}

static const struct sim_ops sim_ops = {
	.send = sim_send,
	.reachable = sim_reachable,
	.done = sim_done,
};

/* ---- management: the "traffic" collection (core thread) ---- */

static struct json_object *traffic_list(void *priv, struct sg_mgmt_err *err)
{
	struct app *a = priv;
	struct json_object *arr = json_object_new_array();

	json_object_array_add(arr, sim_json(a->sim));
	return arr;
}

static struct json_object *traffic_get(void *priv, const char *item, struct sg_mgmt_err *err)
{
	struct app *a = priv;

	if (strcmp(item, "sim")) {
		sg_mgmt_err_set(err, 404, "no traffic source named '%s' (there is 'sim')", item);
		return NULL;
	}
	return sim_json(a->sim);
}

static const struct sg_mgmt_cmd_desc traffic_commands[] = {
	{ "stop", "Stop generating new calls/UDTs (those in progress complete)" },
	{ "start", "Resume generating" },
	{ "reset", "Zero the counters and latency histograms" },
	{ NULL, NULL }
};

static struct json_object *traffic_command(void *priv, const char *item, const char *cmd,
					   struct json_object *args, struct sg_mgmt_err *err)
{
	struct app *a = priv;

	if (strcmp(item, "sim")) {
		sg_mgmt_err_set(err, 404, "no traffic source named '%s' (there is 'sim')", item);
		return NULL;
	}
	if (!strcmp(cmd, "stop"))
		sim_gen_pause(a->sim, true);
	else if (!strcmp(cmd, "start"))
		sim_gen_pause(a->sim, false);
	else
		sim_reset(a->sim);
	return sim_json(a->sim);
}

/* ---- daemon hooks ---- */

static int hook_setup(struct sg_core *core, struct sg_mgmt *mgmt, void *priv)
{
	struct app *a = priv;

	a->core = sg_core_thread(core);
	a->sim = sim_alloc(a, &a->scfg, &sim_ops, a);
	if (!a->sim) {
		LOGP(DSG, LOGL_FATAL, "simswitch: bad traffic parameters\n");
		return -1;
	}
	return sg_mgmt_register(mgmt, &(struct sg_mgmt_collection){
		.name = "traffic",
		.description = "Simulated switch traffic: ISUP calls, SCCP UDTs, counters, latency",
		.owner = a->core,
		.priv = a,
		.list = traffic_list,
		.get = traffic_get,
		.command = traffic_command,
		.commands = traffic_commands,
	}) < 0 ? -1 : 0;
}

static void hook_core_started(struct sg_core *core, void *priv)
{
	struct app *a = priv;
	uint16_t sis = SG_MTP_SI_BIT(SIM_SI_ISUP) | SG_MTP_SI_BIT(SIM_SI_SCCP);

	a->mtp3 = sg_core_mtp3(core, a->sp);
	a->mtp_user = (struct sg_mtp_user){ .name = "simswitch", .prim_cb = mtp_user_cb, .priv = a };
	/* with an m3ua section the interworking function has every SI: take these two over */
	if (!a->mtp3 || sg_mtp3_user_release(a->mtp3, sis) < 0 ||
	    sg_mtp3_user_register(a->mtp3, sis, &a->mtp_user) < 0) {
		LOGP(DSG, LOGL_FATAL, "simswitch: cannot register as MTP user\n");
		a->failed = true;
		kill(getpid(), SIGTERM);
		return;
	}
	sim_start(a->sim);
}

static void hook_teardown(void *priv)
{
	struct app *a = priv;

	/* every thread has stopped: the engine is ours to read */
	if (a->sim)
		sim_print_stats(a->sim, stdout, true);
}

/* ---- command line ---- */

enum { OPT_SP = 256 };

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "sp", required_argument, NULL, OPT_SP },
		SIM_TRAFFIC_OPTIONS,
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = DEFAULT_CONFIG, *sp_name = NULL;
	struct sg_daemon_hooks hooks;
	struct sg_config *cfg;
	struct app *a;
	struct sim_opts to;
	char err[512];
	void *ctx;
	int c, rc;

	ctx = talloc_named_const(NULL, 0, "sg-simswitch");
	a = talloc_zero(ctx, struct app);
	sim_cfg_defaults(&a->scfg);
	to = (struct sim_opts){ .cfg = &a->scfg };
	while ((c = getopt_long(argc, argv, "c:Vh", opts, NULL)) != -1) {
		const char *bad = NULL;

		switch (c) {
		case 'c':
			path = optarg;
			break;
		case OPT_SP:
			sp_name = optarg;
			break;
		case 'V':
			printf("sg-simswitch (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			talloc_free(ctx);
			return EXIT_OK;
		case 'h':
			usage(stdout);
			talloc_free(ctx);
			return EXIT_OK;
		default:
			if (sim_traffic_opt(&to, c, optarg, &bad))
				break;
			usage(stderr);
			talloc_free(ctx);
			return EXIT_CONFIG;
		}
		if (bad) {
			fprintf(stderr, "sg-simswitch: %s (got '%s')\n", bad, optarg);
			talloc_free(ctx);
			return EXIT_CONFIG;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "sg-simswitch: unexpected argument '%s'\n", argv[optind]);
		talloc_free(ctx);
		return EXIT_CONFIG;
	}

	cfg = sg_config_load(ctx, path, err, sizeof(err));
	if (cfg && sg_daemon_check_config(cfg, err, sizeof(err)) < 0) {
		sg_config_free(cfg);
		cfg = NULL;
	}
	if (!cfg) {
		fprintf(stderr, "sg-simswitch: %s\n", err);
		talloc_free(ctx);
		return EXIT_CONFIG;
	}
	rc = EXIT_CONFIG;
	if (!cfg->num_sps) {
		fprintf(stderr, "sg-simswitch: %s has no signalling point\n", path);
		goto out_cfg;
	}
	/* the signalling point: by name, by --opc, else the first */
	a->sp = 0;
	if (sp_name) {
		unsigned int i;

		for (i = 0; i < cfg->num_sps && strcmp(cfg->sps[i].name, sp_name); i++)
			;
		if (i == cfg->num_sps) {
			fprintf(stderr, "sg-simswitch: --sp: no signalling point '%s'\n", sp_name);
			goto out_cfg;
		}
		a->sp = i;
	}
	if (to.opc) {
		uint32_t opc;
		unsigned int i;

		if (sg_pc_parse(to.opc, cfg->sps[a->sp].variant, &opc) < 0) {
			fprintf(stderr, "sg-simswitch: --opc: bad point code '%s'\n", to.opc);
			goto out_cfg;
		}
		for (i = 0; i < cfg->num_sps && cfg->sps[i].pc != opc; i++)
			;
		if (i == cfg->num_sps || (sp_name && i != a->sp)) {
			fprintf(stderr, "sg-simswitch: --opc %s: MTP3 sends with its own point "
				"code; no signalling point of the configuration has it\n", to.opc);
			goto out_cfg;
		}
		a->sp = i;
	}
	a->scfg.variant = cfg->sps[a->sp].variant;
	a->scfg.opc = cfg->sps[a->sp].pc;
	a->scfg.ni = cfg->sps[a->sp].ni;
	a->scfg.sls_bits = cfg->sps[a->sp].sls_bits;
	if (to.dpc) {
		if (sg_pc_parse(to.dpc, a->scfg.variant, &a->scfg.dpc) < 0) {
			fprintf(stderr, "sg-simswitch: --dpc: bad point code '%s'\n", to.dpc);
			goto out_cfg;
		}
	} else {
		unsigned int i;

		for (i = 0; i < cfg->num_linksets && cfg->linksets[i].sp != (int)a->sp; i++)
			;
		if (i == cfg->num_linksets && a->scfg.generate) {
			fprintf(stderr, "sg-simswitch: --dpc needed (no linkset to take it "
				"from)\n");
			goto out_cfg;
		}
		if (i < cfg->num_linksets)
			a->scfg.dpc = cfg->linksets[i].adjacent_pc;
	}
	if (sim_traffic_check(&to, err, sizeof(err)) < 0) {
		fprintf(stderr, "sg-simswitch: %s\n", err);
		goto out_cfg;
	}

	if (sg_log_init(ctx, cfg->log_target, cfg->log_timestamps) < 0) {
		fprintf(stderr, "sg-simswitch: cannot set up logging\n");
		rc = EXIT_RUNTIME;
		goto out_cfg;
	}
	for (unsigned int i = 0; i < _SG_LOG_CAT_MAX; i++)
		sg_log_set_level(i, cfg->log_cat_level[i] >= 0 ? cfg->log_cat_level[i]
							       : cfg->log_level);

	hooks = (struct sg_daemon_hooks){
		.setup = hook_setup,
		.core_started = hook_core_started,
		.teardown = hook_teardown,
		.priv = a,
	};
	rc = sg_daemon_run_hooks(ctx, cfg, &hooks) || a->failed ? EXIT_RUNTIME : EXIT_OK;
	sg_log_fini();
out_cfg:
	sg_config_free(cfg);
	talloc_free(ctx);
	return rc;
}
