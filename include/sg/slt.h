/* Signalling link terminal: an adapter channel, the software HDLC (or frames) and MTP2 (Q.703) as one link. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

#include <sg/adapter.h>
#include <sg/mtp2.h>

/*
 * An SLT joins the pieces of one SS7 signalling link on its TDM thread:
 *
 *   MTP3 (core thread) <-- primitives --> MTP2 (sg_mtp2_link)
 *                                           | pull: sg_mtp2_tx_next / rx: sg_mtp2_rx_su
 *                          BITS channel:  software HDLC (sg_hdlc_rx/tx) <-> line octets
 *                          FRAMES channel: SU + FCS frames, repeated FISU/LSSU on a timer
 *
 * Everything runs on the span's TDM thread.  The SLT picks BITS mode when
 * the driver offers it (our HDLC then does delimitation, FCS, Q.703 §4
 * acceptance and octet counting), FRAMES mode otherwise.
 */

struct sg_slt;

struct sg_slt_cfg {
	const char *name;		/* link name (copied) */
	uint16_t link_id;		/* in indications and pcap pseudo-headers */
	unsigned int ts;		/* timeslot, 0 = whole span (Annex A) */
	bool annex_a;			/* 12-bit sequence numbers, EIM (Q.703 Annex A) */
	bool rate_56k;			/* T1 DS0A: 7 bits per octet */
	bool pcr;			/* preventive cyclic retransmission */
	unsigned int repeat_ms;		/* FRAMES: FISU/LSSU repeat interval, 0 = 5 ms */
	const struct sg_mtp2_cfg *mtp2;	/* NULL: Q.703 defaults */
	uint8_t cong_levels;		/* MTP2 transmit congestion levels (Q.704 §3.8): 1
					 * international, 3 national option/ANSI; 0: as mtp2 */
};

/* Open the link's channel on span and create its MTP2 (state out of
 * service; send START to align).  ind receives MTP2's indications. */
struct sg_slt *sg_slt_open(void *ctx, struct sg_span *span, const struct sg_slt_cfg *cfg,
			   sg_mtp2_ind_cb_t ind, void *priv, char *err, size_t errlen);
void sg_slt_close(struct sg_slt *slt);

struct sg_mtp2_link *sg_slt_mtp2(struct sg_slt *slt);
/* A received MSU MTP3 could not take (its mailbox full): discarded, counted as
 * rx:discard:mtp3_busy on the link. */
void sg_slt_count_rx_discard(struct sg_slt *slt);
const char *sg_slt_name(const struct sg_slt *slt);
enum sg_adapter_mode sg_slt_mode(const struct sg_slt *slt);

/* pcap trace of the link's SUs (LINKTYPE_MTP2_WITH_PHDR).  With all_fisu
 * false, a FISU or LSSU is recorded only when it differs from the previous
 * SU in the same direction (continuous fill would swamp the file).
 * Returns 0 or -errno; -EBUSY while a trace runs (stop it first).
 * sg_slt_trace_start truncates path (tests and tools); sgd uses
 * sg_slt_trace_start_at, which creates the new file name in the directory
 * dirfd (sg_pcap_openat: -EEXIST when it exists) and reports it as path. */
int sg_slt_trace_start(struct sg_slt *slt, const char *path, bool all_fisu);
int sg_slt_trace_start_at(struct sg_slt *slt, int dirfd, const char *name, const char *path,
			  bool all_fisu);
bool sg_slt_tracing(const struct sg_slt *slt);
/* The running trace's file, or NULL. */
const char *sg_slt_trace_path(const struct sg_slt *slt);
void sg_slt_trace_stop(struct sg_slt *slt);

/* {"name", "mode", "span", "timeslot", "annex_a", "state", "iac", "poc",
 *  "alarms", "trace", "congestion", "congestion_discard", "tx_buffer",
 *  "counters": [...]} */
struct json_object *sg_slt_to_json(struct sg_slt *slt, bool counters);
