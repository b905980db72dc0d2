/* E1/T1 adapter drivers: a registry of function tables (like libosmo-abis' e1inp_driver). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <osmocom/core/linuxlist.h>

#include <sg/l2_sap.h>

struct sg_cfg_span;
struct sg_span;

/* What a driver hands to MTP2 for a signalling channel. */
enum sg_adapter_mode {
	SG_ADAPTER_MODE_BITS,	/* raw timeslot octets: our software HDLC runs above */
	SG_ADAPTER_MODE_FRAMES,	/* whole HDLC frames (SU + 2 FCS octets) */
};

/*
 * A driver.  All functions run on the TDM thread that owns the span; a
 * driver registers its file descriptors in that thread's select loop and
 * delivers SG_SAP_ADAPTER primitives (l2_sap.h) to the channel's user.
 */
struct sg_adapter_driver {
	struct llist_head list;
	const char *name;		/* as in config: "pw", "dahdi", "frame" */
	const char *description;
	/* open the span described by cfg; returns 0 or -errno */
	int (*span_open)(struct sg_span *span, const struct sg_cfg_span *cfg);
	void (*span_close)(struct sg_span *span);
	/* which modes the driver offers */
	bool (*supports)(enum sg_adapter_mode mode);
};

/* Register a driver (at start-up, from the main thread). -EEXIST if taken. */
int sg_adapter_driver_register(struct sg_adapter_driver *drv);
struct sg_adapter_driver *sg_adapter_driver_find(const char *name);
/* Iterate: pass NULL for the first. */
struct sg_adapter_driver *sg_adapter_driver_next(struct sg_adapter_driver *prev);
