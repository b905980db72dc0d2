/* sgd's SIGTRAN side: SCTP associations <-> M3UA peers <-> the NIF <-> MTP3, from the config,
 * with its management collections. */
#pragma once

struct sg_config;
struct sg_core;
struct sg_mgmt;
struct sg_thread;
struct sg_sigtran;

/* On the main thread; NULL when the config has no "m3ua" section (nothing to do). */
struct sg_sigtran *sg_sigtran_alloc(void *ctx, const struct sg_config *cfg, struct sg_thread *core,
				    struct sg_thread *sctp);
/* Publish the collections asps, as, routing-keys, associations, translations, interworking
 * (main thread, before the management server starts). */
void sg_sigtran_register_mgmt(struct sg_sigtran *st, struct sg_mgmt *mgmt);
/* On the core thread, once MTP3 runs: create the NIF, M3UA and SCTP objects, listen, connect. */
void sg_sigtran_start(struct sg_sigtran *st, struct sg_core *core);
/* From the main thread while the core and sctp threads still run: ASPIA/ASPDN where we are
 * the ASP, close every association, free the objects (waits for the core thread, at most
 * timeout_ms). */
void sg_sigtran_stop(struct sg_sigtran *st, unsigned int timeout_ms);
