/* sgd: the sigtran-sg signalling gateway daemon (command line and start-up). */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/talloc.h>

#include <sg/config.h>
#include <sg/log.h>

#include "config.h"
#include "daemon.h"

#define DEFAULT_CONFIG "etc/sgd.json"

/* exit statuses */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_CONFIG = 2 };

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sgd [-c FILE] [--check-config FILE] [-V] [-h]\n"
		"  -c, --config FILE        run with this configuration (default %s)\n"
		"      --check-config FILE  validate FILE and exit: 0 valid, 2 invalid\n"
		"  -V, --version            print the version and exit\n"
		"  -h, --help               this help\n"
		"Exit status: 0 normal shutdown, 1 runtime failure, 2 configuration error.\n",
		DEFAULT_CONFIG);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", required_argument, NULL, 'C' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = DEFAULT_CONFIG;
	bool check_only = false;
	struct sg_config *cfg;
	char err[512];
	void *ctx;
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'C':
			path = optarg;
			check_only = true;
			break;
		case 'V':
			printf("sgd (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return EXIT_OK;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_CONFIG;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "sgd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_CONFIG;
	}

	ctx = talloc_named_const(NULL, 0, "sgd");
	cfg = sg_config_load(ctx, path, err, sizeof(err));
	if (cfg && sg_daemon_check_config(cfg, err, sizeof(err)) < 0) {
		sg_config_free(cfg);
		cfg = NULL;
	}
	if (!cfg) {
		fprintf(stderr, "sgd: %s\n", err);
		talloc_free(ctx);
		return EXIT_CONFIG;
	}
	if (check_only) {
		printf("%s: configuration is valid (%u signalling points, %u spans, %u linksets)\n",
		       path, cfg->num_sps, cfg->num_spans, cfg->num_linksets);
		sg_config_free(cfg);
		talloc_free(ctx);
		return EXIT_OK;
	}

	if (sg_log_init(ctx, cfg->log_target, cfg->log_timestamps) < 0) {
		fprintf(stderr, "sgd: cannot set up logging\n");
		sg_config_free(cfg);
		talloc_free(ctx);
		return EXIT_RUNTIME;
	}
	for (unsigned int i = 0; i < _SG_LOG_CAT_MAX; i++)
		sg_log_set_level(i, cfg->log_cat_level[i] >= 0 ? cfg->log_cat_level[i]
							       : cfg->log_level);

	rc = sg_daemon_run(ctx, cfg) ? EXIT_RUNTIME : EXIT_OK;

	sg_config_free(cfg);
	sg_log_fini();
	talloc_free(ctx);
	return rc;
}
