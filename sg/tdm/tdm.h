/* A TDM thread's work: its spans and the signalling links on them. */
#pragma once

#include <stdbool.h>
#include <json-c/json.h>

struct sg_config;
struct sg_thread;
struct sg_mgmt_err;
struct sg_tdm;
struct sg_core;

struct sg_mtp2_cfg;

/* The MTP2 configuration of link j of linkset i: Q.703 defaults, the SP's number of
 * congestion levels (Q.704 §3.8.2: 1 international, 3 with congestion_priorities or ANSI)
 * and the link's "congestion" thresholds.  Returns 0, or -1 with err naming the JSON path
 * (checked at load by sg_daemon_check_config). */
int sg_tdm_link_mtp2_cfg(const struct sg_config *cfg, unsigned int i, unsigned int j,
			 struct sg_mtp2_cfg *out, char *err, size_t errlen);

/* Allocate the state of TDM thread number index (on the main thread). */
struct sg_tdm *sg_tdm_alloc(void *ctx, const struct sg_config *cfg, unsigned int index);
/* Hand the links' MTP2 to MTP3 on the core thread (before the threads
 * start): indications are posted there, and tdm_thread takes MTP3's
 * requests.  Without it the TDM thread activates its links itself. */
void sg_tdm_set_core(struct sg_tdm *tdm, struct sg_thread *tdm_thread, struct sg_core *core,
		     struct sg_thread *core_thread);
/* On the TDM thread: open its spans and links and activate the links
 * (thread init hook).  Returns 0 or -errno after logging the reason. */
int sg_tdm_start(struct sg_tdm *tdm);
/* On the TDM thread: close everything (thread fini hook). */
void sg_tdm_stop(struct sg_tdm *tdm);
/* True if this TDM thread owns the link named name (immutable config data:
 * callable from any thread). */
bool sg_tdm_has_link(const struct sg_tdm *tdm, const char *name);

/* Management callbacks of the "links" and "spans" collections; run on the
 * TDM thread. */
struct json_object *sg_tdm_links_list(void *priv, struct sg_mgmt_err *err);
struct json_object *sg_tdm_link_get(void *priv, const char *item, struct sg_mgmt_err *err);
struct json_object *sg_tdm_link_set(void *priv, const char *item, struct json_object *body,
				    struct sg_mgmt_err *err);
struct json_object *sg_tdm_link_command(void *priv, const char *item, const char *cmd,
					struct json_object *args, struct sg_mgmt_err *err);
extern const struct sg_mgmt_cmd_desc sg_tdm_link_commands[];
