/* The sgd daemon: its threads, start-up and orderly shutdown. */
#pragma once

#include <stddef.h>

struct sg_config;

struct sg_core;
struct sg_mgmt;

/* Extension points for programs built on the daemon (tools/): all optional. */
struct sg_daemon_hooks {
	/* On the main thread, after the core and management exist, before any thread starts:
	 * register collections, allocate state.  Non-zero aborts the start. */
	int (*setup)(struct sg_core *core, struct sg_mgmt *mgmt, void *priv);
	/* On the core thread once MTP3 has started (see sg_core_set_started_cb). */
	void (*core_started)(struct sg_core *core, void *priv);
	/* On the main thread after every thread has stopped. */
	void (*teardown)(void *priv);
	void *priv;
};

/* Run sgd on a validated config until SIGTERM/SIGINT; returns the exit status. */
int sg_daemon_run(void *ctx, struct sg_config *cfg);
int sg_daemon_run_hooks(void *ctx, struct sg_config *cfg, const struct sg_daemon_hooks *hooks);

/* Checks of the configuration that need the layers (timer names and their
 * spec ranges); err gets "<json path>: <reason>".  0 or -1. */
int sg_daemon_check_config(const struct sg_config *cfg, char *err, size_t errlen);
