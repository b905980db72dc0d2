/* Logging: one libosmocore category per layer, levels changeable at runtime. */
#pragma once

#include <stdbool.h>
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
