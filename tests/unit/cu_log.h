/* The log fixture the CUnit suites share: sg's log on stderr, quiet unless asked. */
#pragma once

#include <stdlib.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>

#include <sg/log.h>

#define CU_LOG_ALL (-1)

/* sg's log to stderr, at its default levels */
static inline int cu_log_open(void)
{
	return sg_log_init(NULL, SG_LOG_STDERR, false);
}

/* sg's log to stderr, category cat (CU_LOG_ALL: every category) at level quiet, or at
 * LOGL_DEBUG when the environment variable debug_env is set (NULL: no such variable). */
static inline int cu_log_init(int cat, const char *debug_env, int quiet)
{
	int level = debug_env && getenv(debug_env) ? LOGL_DEBUG : quiet;

	if (cu_log_open() < 0)
		return -1;
	if (cat != CU_LOG_ALL) {
		sg_log_set_level((enum sg_log_cat)cat, level);
		return 0;
	}
	for (int c = 0; c < _SG_LOG_CAT_MAX; c++)
		sg_log_set_level((enum sg_log_cat)c, level);
	return 0;
}

/* A suite cleanup that only closes the log. */
static inline int cu_log_fini(void)
{
	sg_log_fini();
	return 0;
}
