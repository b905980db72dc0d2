/* Threads with their own event loop, and the mailboxes between them. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/prim.h>

#include <sg/msg.h>

/*
 * sgd runs its work on several sg_threads: TDM span thread(s), the SCTP I/O
 * thread, the signalling-core thread (MTP3, SCCP, interworking) and the
 * management thread.  Each runs a libosmocore select loop of its own, its own
 * sg_timer set, and owns a talloc context that only it touches.
 *
 * Every object is owned by exactly one thread; no other thread reads or
 * writes its fields.  To act on another thread's object, post a primitive
 * (sg_thread_post) or a function call (sg_thread_call) to the owner's
 * mailbox: a FIFO whose eventfd wakes the owner's loop.  The owner
 * dispatches primitives to the handler registered for their SAP.
 *
 * Overload (doc/architecture.md, "Overload"): every mailbox is bounded.
 * Data (sg_thread_post, sg_thread_call) is refused with -ENOSPC once
 * mailbox_len entries wait; the poster counts and handles that (discard,
 * HTTP 503, ...).  Control primitives, whose loss would corrupt state
 * (MTP2 <-> MTP3 link state, retrieval, ...), go through
 * sg_thread_post_ctl(): a reserved lane of ctl_reserve entries above
 * mailbox_len, so data filling the mailbox never refuses them.  Both share
 * one FIFO: a poster's entries are handled in the order it posted them,
 * whatever their class (a control primitive never overtakes the data its
 * poster sent before it, e.g. an OUT OF SERVICE the MSUs received before it).
 */

enum sg_thread_role {
	SG_THREAD_TDM,
	SG_THREAD_SCTP,
	SG_THREAD_CORE,
	SG_THREAD_MGMT,
	SG_THREAD_OTHER,
};
extern const struct value_string sg_thread_role_names[];

struct sg_thread;

/* Handler for primitives of one SAP, run on the owner thread.  The handler
 * takes ownership of msg (it must free or forward it). */
typedef void (*sg_prim_handler_t)(struct sg_thread *t, struct msgb *msg, void *priv);
/* Function run on the owner thread by sg_thread_call(). */
typedef void (*sg_call_fn_t)(void *arg);
/* Run on the thread itself just after it starts / just before it exits. */
typedef int (*sg_thread_hook_t)(struct sg_thread *t, void *priv);

struct sg_thread_stats {
	uint64_t mails_in;	/* mailbox entries handled */
	uint64_t mails_dropped;	/* data posts refused because the mailbox was full */
	uint64_t mails_refused_shutdown;	/* data posts refused: thread stopping */
	uint64_t ctl_posted;	/* control primitives accepted (sg_thread_post_ctl) */
	uint64_t ctl_dropped;	/* control primitives refused: reserve exhausted (a bug: 0) */
	uint64_t ctl_refused_shutdown;	/* control primitives refused: thread stopping */
	uint64_t depth;		/* entries waiting now */
	uint64_t depth_max;	/* most entries ever waiting */
	uint64_t loop_iterations;
	uint64_t timers_fired;
};

/* Create a thread object (not started).  Call from the main thread. */
struct sg_thread *sg_thread_alloc(void *ctx, const char *name, enum sg_thread_role role,
				  unsigned int mailbox_len);
void sg_thread_set_hooks(struct sg_thread *t, sg_thread_hook_t init, sg_thread_hook_t fini,
			 void *priv);
/* Register the handler for a SAP; before sg_thread_start() only. */
void sg_thread_set_handler(struct sg_thread *t, enum sg_sap sap, sg_prim_handler_t h, void *priv);

/* Start the thread; returns once its loop and mailbox are ready (0) or it
 * failed to start (<0, the init hook's error). */
/* Run the thread with SCHED_FIFO at prio (1..99) once started; 0: normal scheduling.  Where
 * the system refuses (no CAP_SYS_NICE) an error is logged and the thread runs normally. */
void sg_thread_set_rt_priority(struct sg_thread *t, int prio);
int sg_thread_start(struct sg_thread *t);
/* Ask the thread to leave its loop (runs its fini hook) and join it. */
void sg_thread_stop(struct sg_thread *t);
void sg_thread_free(struct sg_thread *t);

/* Default control reserve (entries above mailbox_len).  What the lane
 * carries is bounded by the layers: per link a handful of state primitives
 * plus the MSUs of one retrieval (at most N1 + MTP2's discard threshold),
 * and MTP's own messages, paced by the links; 65536 covers 16 links with
 * full 4095-MSU Annex A buffers. */
#define SG_THREAD_CTL_RESERVE_DEFAULT 65536
/* Change the reserve; before sg_thread_start() only. */
void sg_thread_set_ctl_reserve(struct sg_thread *t, unsigned int reserve);

/* Post a primitive to the thread's mailbox (data class).  Takes ownership of
 * msg in all cases: on error (-ENOSPC mailbox full, -ESHUTDOWN stopping) it is
 * freed.  Both are counted (mails_dropped, mails_refused_shutdown). */
int sg_thread_post(struct sg_thread *t, struct msgb *msg);
/* The same for a control primitive: it uses the reserved lane and is refused
 * only when the thread stops (-ESHUTDOWN) or the reserve is exhausted
 * (-ENOSPC, counted as ctl_dropped and logged as an error). */
int sg_thread_post_ctl(struct sg_thread *t, struct msgb *msg);
/* Entries waiting in the mailbox now (a snapshot, any thread). */
unsigned int sg_thread_mailbox_depth(const struct sg_thread *t);
/* Run fn(arg) on the thread.  Returns 0 or a negative errno (fn not run). */
int sg_thread_call(struct sg_thread *t, sg_call_fn_t fn, void *arg);

/* The sg_thread running the caller, or NULL on a foreign thread. */
struct sg_thread *sg_thread_self(void);
bool sg_thread_is_self(const struct sg_thread *t);
const char *sg_thread_name(const struct sg_thread *t);
enum sg_thread_role sg_thread_role(const struct sg_thread *t);
/* talloc context of the thread: use it only on that thread. */
void *sg_thread_ctx(struct sg_thread *t);
pthread_t sg_thread_pthread(const struct sg_thread *t);
/* Statistics of the thread.  They are the one exception to single ownership:
 * the thread updates them with relaxed atomic adds, so any thread may take a
 * snapshot with this function. */
void sg_thread_stats_read(const struct sg_thread *t, struct sg_thread_stats *out);

/* Make the calling (non-sg) thread able to run sg_timers and osmo_fds through
 * sg_loop_once(), e.g. in single-threaded tests and tools. */
int sg_loop_init(void);
/* Wait for events (fds, timers) at most timeout_ms (-1 forever) and handle them. */
int sg_loop_once(int timeout_ms);
