/* Logging: one libosmocore category per layer, levels changeable at runtime. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <osmocom/core/logging.h>

enum sg_log_cat {
	DSG,		/* daemon, start-up and shutdown */
	DCFG,		/* configuration */
	DTHR,		/* threads and mailboxes */
	DADP,		/* E1/T1 adapters */
	DHDLC,		/* software HDLC */
	DMTP2,		/* MTP2, Q.703 */
	DMTP3,		/* MTP3, Q.704 */
	DSCCP,		/* SCCP, Q.713/Q.714 */
	DSCTP,		/* SCTP transport */
	DM3UA,		/* M3UA, RFC 4666 */
	DSUA,		/* SUA, RFC 3868 */
	DNIF,		/* interworking, point-code translation */
	DMGMT,		/* management API */
	_SG_LOG_CAT_MAX
};

enum sg_log_target_kind { SG_LOG_STDERR, SG_LOG_SYSLOG };

/* Set up logging (call once, from the main thread, before threads start). */
int sg_log_init(void *ctx, enum sg_log_target_kind target, bool timestamps);
/* Category names as used in config and API: "sg", "cfg", "mtp2", ... */
const char *sg_log_cat_name(enum sg_log_cat cat);
int sg_log_cat_by_name(const char *name);
/* Level names: "debug", "info", "notice", "error", "fatal". */
int sg_log_level_by_name(const char *name);
const char *sg_log_level_name(int level);
/* Thread safe: may be called from any thread (takes libosmocore's log lock). */
int sg_log_set_level(enum sg_log_cat cat, int level);
int sg_log_get_level(enum sg_log_cat cat);
void sg_log_fini(void);

/*
 * Rate limit for the log lines of one cause that a peer can repeat at will (a refused
 * association, a malformed message, the ERR answering it): at most SG_LOG_LIMIT_BURST lines
 * per SG_LOG_LIMIT_WINDOW_MS; the lines held back are counted per category (the API's
 * GET /api/v1/log shows "held_back") and the next line that passes says how many it follows.
 * One struct per cause and object (per ASP, per endpoint); owned by one thread, on sg_now().
 */
#define SG_LOG_LIMIT_BURST	5
#define SG_LOG_LIMIT_WINDOW_MS	10000

struct sg_log_limit {
	uint64_t window_start;	/* ns, sg_now() */
	unsigned int passed;	/* lines passed in this window */
	unsigned int held;	/* lines held back since the last one passed */
	bool started;
};

/* true: write this line, after *held (may be NULL) lines of its cause held back; false: hold
 * it back (counted on category cat) */
bool sg_log_limit_pass(struct sg_log_limit *l, enum sg_log_cat cat, unsigned int *held);
/* lines of category cat held back since start (any thread) */
uint64_t sg_log_held_back(enum sg_log_cat cat);

#define LOGP_LIMIT(lim, cat, lvl, fmt, args...)                                          \
	do {                                                                              \
		unsigned int _held;                                                       \
		if (log_check_level(cat, lvl) && sg_log_limit_pass(lim, cat, &_held)) {   \
			if (_held)                                                        \
				LOGP(cat, lvl, "(after %u like it held back) " fmt, _held, \
				     ##args);                                             \
			else                                                              \
				LOGP(cat, lvl, fmt, ##args);                              \
		}                                                                         \
	} while (0)
