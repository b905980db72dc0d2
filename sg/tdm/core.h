/* The core thread's work: MTP3 signalling points, bridged to MTP2 on the TDM threads. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

struct sg_config;
struct sg_thread;
struct sg_mgmt;
struct sg_core;
struct sg_mtp3;

/*
 * Links are numbered globally in config order (linksets[i].links[j]); the
 * number travels as sg_mtp2_param.link_id in the SG_SAP_MTP2 primitives
 * between the core thread (MTP3) and the TDM thread of the link (MTP2):
 *   requests    core -> TDM   (START, STOP, DATA, RETRIEVE BSNT, ...)
 *   indications TDM -> core   (IN SERVICE, OUT OF SERVICE, DATA, BSNT, ...)
 * Each is a primitive msgb (sg_prim_alloc): osmo_prim_hdr, struct
 * sg_mtp2_param, and for DATA and retrieved MSUs the SIO+SIF at l3h.
 */
unsigned int sg_link_gid(const struct sg_config *cfg, unsigned int linkset, unsigned int link);

/*
 * The MTP3 instance of signalling point sp (config order) as sgd runs it: variant, point
 * code, NI, STP, SLS bits, restart, congestion priorities, TFR, TFP for unknown DPCs and the
 * timers of signalling_points[sp]; a linkset per configured linkset of that SP (with a route
 * to its adjacent PC) and its links (l2 unbound: sg_mtp3_link_bind() each before
 * sg_mtp3_start()); the configured routes over them.  NULL on error (logged).  The
 * configuration is expected checked (sg_daemon_check_config); timers that are not fail here.
 */
struct sg_mtp3 *sg_core_mtp3_from_config(void *ctx, const struct sg_config *cfg, unsigned int sp);

/* Allocate on the main thread; tdm[] are the TDM threads (by index). */
struct sg_core *sg_core_alloc(void *ctx, const struct sg_config *cfg, struct sg_thread *core,
			      struct sg_thread *const *tdm);
/* Register the core's collections (linksets, routes) with the management server. */
void sg_core_register_mgmt(struct sg_core *core, struct sg_mgmt *mgmt);
/* Thread hooks of the core thread. */
int sg_core_init(struct sg_thread *t, void *priv);
int sg_core_fini(struct sg_thread *t, void *priv);
/* Once every thread runs: activate the links (runs on the core thread). */
void sg_core_go(void *priv);
/* The MTP3 instance of signalling point sp (config order), NULL if none; core thread only. */
struct sg_mtp3 *sg_core_mtp3(struct sg_core *core, unsigned int sp);
struct sg_thread *sg_core_thread(struct sg_core *core);
/* Called on the core thread at the end of sg_core_go(), once MTP3 has started: the place
 * for MTP users (the M3UA interworking, test tools) to register with MTP3.  Set it before
 * the threads start. */
void sg_core_set_started_cb(struct sg_core *core, void (*cb)(struct sg_core *core, void *priv),
			    void *priv);
/* Management of link gid in MTP3, posted to the core thread. */
enum sg_core_link_op {
	SG_CORE_LINK_ACTIVATE,
	SG_CORE_LINK_DEACTIVATE,
	SG_CORE_LINK_INHIBIT,
	SG_CORE_LINK_UNINHIBIT,
	SG_CORE_LINK_TEST,
};
int sg_core_link_admin(struct sg_core *core, unsigned int gid, enum sg_core_link_op op);
