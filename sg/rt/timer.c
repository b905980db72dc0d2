/* Per-thread timers on a monotonic or virtual clock (see include/sg/timer.h). */

#include <errno.h>
#include <time.h>
#include <osmocom/core/utils.h>

#include <sg/timer.h>

/* Each thread has its own ordered set of pending timers. */
static __thread struct rb_root timer_root = RB_ROOT;
static __thread unsigned int timer_count;

/* Virtual clock: shared by the process, moved only by sg_clock_advance(). */
static bool clock_virtual;
static uint64_t clock_virtual_now;

uint64_t sg_now(void)
{
	struct timespec ts;

	if (clock_virtual)
		return clock_virtual_now;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * SG_NS_PER_S + (uint64_t)ts.tv_nsec;
}

void sg_timer_setup(struct sg_timer *t, sg_timer_cb_t cb, void *data)
{
	*t = (struct sg_timer){ .cb = cb, .data = data };
	RB_CLEAR_NODE(&t->node);
}

static void timer_insert(struct sg_timer *t)
{
	struct rb_node **link = &timer_root.rb_node, *parent = NULL;

	while (*link) {
		struct sg_timer *cur = rb_entry(*link, struct sg_timer, node);

		parent = *link;
		/* equal expiries go right: they fire in the order started */
		if (t->expires < cur->expires)
			link = &(*link)->rb_left;
		else
			link = &(*link)->rb_right;
	}
	rb_link_node(&t->node, parent, link);
	rb_insert_color(&t->node, &timer_root);
	t->active = true;
	timer_count++;
}

void sg_timer_stop(struct sg_timer *t)
{
	if (!t->active)
		return;
	rb_erase(&t->node, &timer_root);
	RB_CLEAR_NODE(&t->node);
	t->active = false;
	timer_count--;
}

void sg_timer_start_ns(struct sg_timer *t, uint64_t delay_ns)
{
	sg_timer_stop(t);
	t->expires = sg_now() + delay_ns;
	timer_insert(t);
}

uint64_t sg_timer_remaining_ns(const struct sg_timer *t)
{
	uint64_t now;

	if (!t->active)
		return 0;
	now = sg_now();
	return t->expires > now ? t->expires - now : 0;
}

bool sg_timers_nearest(uint64_t *expires)
{
	struct rb_node *n = rb_first(&timer_root);

	if (!n)
		return false;
	*expires = rb_entry(n, struct sg_timer, node)->expires;
	return true;
}

unsigned int sg_timers_count(void)
{
	return timer_count;
}

/* Fire the timers due at or before 'now', earliest first.  A callback may
 * start or stop any timer, including the one that fired. */
static unsigned int timers_run_until(uint64_t now)
{
	unsigned int fired = 0;
	struct rb_node *n;

	while ((n = rb_first(&timer_root))) {
		struct sg_timer *t = rb_entry(n, struct sg_timer, node);

		if (t->expires > now)
			break;
		sg_timer_stop(t);
		fired++;
		t->cb(t->data);
	}
	return fired;
}

unsigned int sg_timers_run(void)
{
	return timers_run_until(sg_now());
}

void sg_clock_virtual(uint64_t start_ns)
{
	clock_virtual = true;
	clock_virtual_now = start_ns;
}

void sg_clock_monotonic(void)
{
	clock_virtual = false;
}

bool sg_clock_is_virtual(void)
{
	return clock_virtual;
}

unsigned int sg_clock_advance(uint64_t delta_ns)
{
	uint64_t end = clock_virtual_now + delta_ns, next;
	unsigned int fired = 0;

	OSMO_ASSERT(clock_virtual);
	/* Step from expiry to expiry so that each callback sees now == its
	 * expiry time, and timers it starts are measured from there. */
	while (sg_timers_nearest(&next) && next <= end) {
		if (next > clock_virtual_now)
			clock_virtual_now = next;
		fired += timers_run_until(clock_virtual_now);
	}
	clock_virtual_now = end;
	return fired;
}
