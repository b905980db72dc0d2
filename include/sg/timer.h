/* Timers and the clock behind them: monotonic in sgd, virtual in tests. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/linuxrbtree.h>

/*
 * Every protocol timer in sigtran-sg is an sg_timer.  Timers belong to the
 * thread that schedules them: each thread has its own ordered set, and its
 * event loop (sg_thread) wakes on a CLOCK_MONOTONIC timerfd armed for the
 * nearest expiry.  No timer may be scheduled or deleted from another thread.
 *
 * The clock is CLOCK_MONOTONIC unless a test calls sg_clock_virtual(): then
 * "now" only moves when the test calls sg_clock_advance(), which fires every
 * timer of the calling thread that falls due, in expiry order and at its exact
 * expiry time.  A 50 s protocol timer thus runs out in microseconds.
 */

#define SG_NS_PER_MS 1000000ULL
#define SG_NS_PER_S  1000000000ULL

typedef void (*sg_timer_cb_t)(void *data);

struct sg_timer {
	struct rb_node node;
	uint64_t expires;	/* absolute, in ns of sg_now() */
	sg_timer_cb_t cb;
	void *data;
	bool active;
};

/* Current time in nanoseconds (monotonic, or virtual when enabled). */
uint64_t sg_now(void);
static inline uint64_t sg_now_ms(void) { return sg_now() / SG_NS_PER_MS; }

void sg_timer_setup(struct sg_timer *t, sg_timer_cb_t cb, void *data);
/* (Re)start the timer to expire after delay_ns; a pending timer is restarted. */
void sg_timer_start_ns(struct sg_timer *t, uint64_t delay_ns);
static inline void sg_timer_start_ms(struct sg_timer *t, uint64_t ms)
{
	sg_timer_start_ns(t, ms * SG_NS_PER_MS);
}
void sg_timer_stop(struct sg_timer *t);
static inline bool sg_timer_pending(const struct sg_timer *t) { return t->active; }
/* Nanoseconds until expiry (0 when due or not pending). */
uint64_t sg_timer_remaining_ns(const struct sg_timer *t);

/* Expiry of the calling thread's nearest timer; false when it has none. */
bool sg_timers_nearest(uint64_t *expires);
/* Fire every due timer of the calling thread; returns how many fired. */
unsigned sg_timers_run(void);
/* Number of pending timers of the calling thread. */
unsigned sg_timers_count(void);

/* Virtual time (tests).  Enabling it sets now to start_ns. */
void sg_clock_virtual(uint64_t start_ns);
void sg_clock_monotonic(void);
bool sg_clock_is_virtual(void);
/* Advance virtual time by delta_ns, firing the calling thread's timers at
 * their expiry instants as time passes over them.  Returns timers fired. */
unsigned sg_clock_advance(uint64_t delta_ns);
static inline unsigned sg_clock_advance_ms(uint64_t ms)
{
	return sg_clock_advance(ms * SG_NS_PER_MS);
}
