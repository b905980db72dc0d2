/* The sgd daemon: its threads, start-up and orderly shutdown. */
#pragma once

#include <stddef.h>

struct sg_config;

/* Run sgd on a validated config until SIGTERM/SIGINT; returns the exit status. */
int sg_daemon_run(void *ctx, struct sg_config *cfg);

/* Checks of the configuration that need the layers (timer names and their
 * spec ranges); err gets "<json path>: <reason>".  0 or -1. */
int sg_daemon_check_config(const struct sg_config *cfg, char *err, size_t errlen);
