/* Tests: a completion one thread signals and another waits on, with a bound (5 s, scaled). */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "bound.h"

struct done {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int count;
};

static inline void done_init(struct done *d)
{
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->cond, NULL);
	d->count = 0;
}

static inline void done_signal(struct done *d)
{
	pthread_mutex_lock(&d->lock);
	d->count++;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
}

/* Wait until count signals have come, at most test_bound_ms(5000); false on time-out. */
static inline bool done_wait(struct done *d, unsigned int count)
{
	struct timespec ts;
	bool ok = true;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)(test_bound_ms(5000) / 1000);
	pthread_mutex_lock(&d->lock);
	while (d->count < count && ok)
		ok = pthread_cond_timedwait(&d->cond, &d->lock, &ts) == 0;
	ok = d->count >= count;
	pthread_mutex_unlock(&d->lock);
	return ok;
}
