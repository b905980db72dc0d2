/* Tests: bounds on waits for a condition, on the monotonic clock.
 *
 * A test waits for a condition and asserts nothing about how long that took;
 * the bound only ends a run that is broken. A loaded machine is slower, so
 * every bound is multiplied by SG_TEST_TIMEOUT_SCALE (default 5), as in the
 * end-to-end scripts (tests/e2e/lib.sh). Speed is measured in bench/. */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

static inline uint64_t test_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000ULL + (uint64_t)ts.tv_nsec / 1000000;
}

/* ms, scaled by SG_TEST_TIMEOUT_SCALE (1..1000, default 5) */
static inline uint64_t test_bound_ms(uint64_t ms)
{
	const char *s = getenv("SG_TEST_TIMEOUT_SCALE");
	long k = s ? strtol(s, NULL, 10) : 5;

	if (k < 1 || k > 1000)
		k = 5;
	return ms * (uint64_t)k;
}
