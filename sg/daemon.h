/* The sgd daemon: its threads, start-up and orderly shutdown. */
#pragma once

struct sg_config;

/* Run sgd on a validated config until SIGTERM/SIGINT; returns the exit status. */
int sg_daemon_run(void *ctx, struct sg_config *cfg);
