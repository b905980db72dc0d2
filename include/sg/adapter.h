/* E1/T1 adapters: spans, signalling channels, and the registry of drivers (like libosmo-abis' e1inp_driver). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <osmocom/core/linuxlist.h>

#include <sg/counter.h>
#include <sg/l2_sap.h>
#include <sg/schema.h>

struct sg_span;
struct sg_chan;

/*
 * A span is one E1 or T1 (or the E1-shaped payload of a pseudowire); a
 * channel is what carries one signalling link on it: one timeslot (64 or
 * 56 kbit/s), or the whole span for a Q.703 Annex A high-speed link
 * (timeslot 0: 31 timeslots = 1.984 Mbit/s framed, or 2.048 Mbit/s unframed).
 *
 * Threads: a span, its channels and its driver state belong to one TDM
 * thread.  Every function here and every driver and channel callback runs
 * on that thread; drivers register their fds and sg_timers in its loop.
 */

/* What a driver hands to the channel's user. */
enum sg_adapter_mode {
	SG_ADAPTER_MODE_BITS,	/* line octets: our software HDLC runs above */
	SG_ADAPTER_MODE_FRAMES,	/* whole HDLC frames (SU + 2 FCS octets) */
};

enum sg_chan_rate {
	SG_CHAN_64K,		/* one timeslot, 8 bits per frame */
	SG_CHAN_56K,		/* one T1 timeslot, 7 bits per frame carry data (DS0A) */
	SG_CHAN_1984K,		/* whole E1, timeslots 1..31 (Annex A) */
	SG_CHAN_2048K,		/* whole E1 unframed (Annex A) */
};

/*
 * Callbacks of the channel's user (e.g. a signalling link terminal: HDLC +
 * MTP2).  Buffers passed to them are borrowed for the duration of the call.
 */
struct sg_chan_ops {
	/* BITS: n octets received from the line, in line order (see
	 * sg_chan.msb_first for the bit order inside an octet) */
	void (*rx_bits)(void *user, const uint8_t *octets, size_t n);
	/* BITS: fill n octets to transmit (the driver's clock asks) */
	void (*tx_bits)(void *user, uint8_t *octets, size_t n);
	/* FRAMES: a received frame, SU followed by its 2 FCS octets */
	void (*rx_frame)(void *user, const uint8_t *frame, size_t len);
	/* FRAMES: the driver can take another frame (sg_chan_tx_frame) */
	void (*tx_ready)(void *user);
	/* a frame-level error the driver or hardware detected */
	void (*rx_error)(void *user, enum sg_adapter_error err);
	/* the set of active alarms changed (bits of enum sg_adapter_alarm) */
	void (*alarm)(void *user, uint32_t alarms);
};

struct sg_chan {
	struct sg_span *span;
	unsigned int ts;		/* timeslot, 0 = whole span */
	enum sg_adapter_mode mode;
	enum sg_chan_rate rate;
	bool msb_first;			/* line octets carry their first bit in bit 7 */
	const struct sg_chan_ops *ops;
	void *user;
	void *drv_priv;			/* the driver's per-channel state */
};

#define SG_SPAN_MAX_TS 31

enum sg_span_type { SG_SPAN_E1, SG_SPAN_T1 };

/* What a span is opened with: its name and line, its driver's name and the settings the
 * driver parsed from its section (sg_adapter_cfg_parse()), which the span borrows. */
struct sg_span_cfg {
	const char *name;
	enum sg_span_type type;
	const char *driver;
	const void *drv_cfg;		/* the driver's own settings, opaque; NULL if it has none */
};

struct sg_span {
	char name[32];
	enum sg_span_type type;
	const struct sg_adapter_driver *drv;
	const void *drv_cfg;		/* the driver's settings (borrowed, immutable) */
	bool unframed;			/* set by the driver: an E1 carried unframed, so a
					 * whole-span channel is 2.048 Mbit/s (else 1.984) */
	void *drv_priv;			/* the driver's per-span state */
	void *ctx;			/* talloc context of the span (owner thread's) */
	uint32_t alarms;		/* active alarms, enum sg_adapter_alarm bits */
	struct sg_chan *chan[SG_SPAN_MAX_TS + 1];	/* by timeslot, [0] = whole span */
	struct sg_ctr_group *ctr;	/* driver counters (may be NULL) */
};

/*
 * A driver: a table of functions, registered by name.  span_open() sets up
 * span->drv_priv (and span->ctr, described counters of the driver, e.g.
 * packets, losses); chan_open() prepares one channel in the requested mode.
 *
 * Its settings are its own (doc/adapters.md, "Writing a driver"): a span of the
 * configuration names the driver and carries the driver's section under the driver's
 * name (spans[i].pw); schema describes that section, which the configuration checks at
 * load, and cfg_parse() turns it into the driver's settings, which span_open() finds in
 * span->drv_cfg.  A driver without settings leaves both NULL (and has no section).
 */
struct sg_adapter_driver {
	struct llist_head list;
	const char *name;		/* as in config: "pw", "dahdi", "frame" */
	const char *description;
	const struct sg_schema *schema;	/* its section of a span, NULL: none */
	size_t cfg_size;		/* its settings struct */
	/* section (already valid against schema) -> the settings at cfg (cfg_size octets,
	 * zeroed); type is the span's.  On error err names the JSON path below path (the
	 * section's) and it returns -EINVAL. */
	int (*cfg_parse)(void *cfg, struct json_object *section, enum sg_span_type type,
			 const char *path, char *err, size_t errlen);
	int (*span_open)(struct sg_span *span);
	void (*span_close)(struct sg_span *span);
	int (*chan_open)(struct sg_chan *chan);
	void (*chan_close)(struct sg_chan *chan);
	/* FRAMES mode: queue one frame (SU + 2 FCS octets); 0, or -EAGAIN
	 * (wait for tx_ready), or another -errno.  The buffer is borrowed. */
	int (*chan_tx_frame)(struct sg_chan *chan, const uint8_t *frame, size_t len);
	/* which modes the driver offers on this span */
	bool (*supports)(const struct sg_span *span, enum sg_adapter_mode mode);
	/* JSON details for management (optional): a new object */
	struct json_object *(*span_info)(const struct sg_span *span);
};

/* Register a driver (at start-up, on the main thread, before TDM threads
 * start). -EEXIST if the name is taken. */
int sg_adapter_driver_register(struct sg_adapter_driver *drv);
struct sg_adapter_driver *sg_adapter_driver_find(const char *name);
/* Iterate: pass NULL for the first. */
struct sg_adapter_driver *sg_adapter_driver_next(struct sg_adapter_driver *prev);
/* The registered drivers' names, "pw, dahdi, frame", for messages. */
void sg_adapter_driver_names(char *buf, size_t len);

/* A driver's settings from its section of a span: section is checked against the driver's
 * schema, then parsed by its cfg_parse() into *drv_cfg (allocated on ctx).  path is the section's
 * JSON path ("spans[0].pw"), which errors name.  0; -ENOENT: no driver of that name;
 * -EINVAL: the section is wrong, or given to a driver without settings. */
int sg_adapter_cfg_parse(void *ctx, const char *driver, struct json_object *section,
			 enum sg_span_type type, const char *path, const void **drv_cfg,
			 char *err, size_t errlen);
/* Same from the section's JSON text, for programs that open spans without the daemon's
 * configuration (tests, tools, benchmarks); NULL and err on error. */
const void *sg_adapter_cfg_json(void *ctx, const char *driver, const char *json,
				enum sg_span_type type, char *err, size_t errlen);
/* Register the drivers built into sigtran-sg (pw, dahdi, frame). */
void sg_adapter_register_builtin(void);

/* The built-in drivers (adapters/pw.c, dahdi.c, frame.c), for tests and tools that register
 * one alone; adapters/builtin.c lists them for sg_adapter_register_builtin(). */
extern struct sg_adapter_driver sg_pw_driver;
extern struct sg_adapter_driver sg_dahdi_driver;
extern struct sg_adapter_driver sg_frame_driver;

/* pw test hook: set the next transmitted sequence number. */
void sg_pw_set_tx_seq(struct sg_span *span, uint16_t seq);

/* Open a span on the calling (TDM) thread; err gets a one-line reason.  The span copies
 * cfg but borrows cfg->drv_cfg, which must outlive it. */
struct sg_span *sg_span_open(void *ctx, const struct sg_span_cfg *cfg, char *err, size_t errlen);
void sg_span_close(struct sg_span *span);

/* Open the channel of timeslot ts (0 = whole span) in the given mode. */
struct sg_chan *sg_chan_open(struct sg_span *span, unsigned int ts, enum sg_adapter_mode mode,
			     enum sg_chan_rate rate, const struct sg_chan_ops *ops, void *user,
			     char *err, size_t errlen);
void sg_chan_close(struct sg_chan *chan);
/* FRAMES mode transmit, see sg_adapter_driver.chan_tx_frame. */
int sg_chan_tx_frame(struct sg_chan *chan, const uint8_t *frame, size_t len);

/* For drivers: the span's alarms changed; tells every channel's user. */
void sg_span_set_alarms(struct sg_span *span, uint32_t alarms);

/* Octets per 125 us frame a channel of this rate occupies on the span
 * (1 for 64k/56k, 31 for 1984k, 32 for 2048k). */
unsigned int sg_chan_rate_octets(enum sg_chan_rate rate);
