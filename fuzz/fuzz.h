/* What the libFuzzer targets share: the input read field by field, the FUZZ_LOG switch, the
 * end-of-input invariant that no timer outlives its owner. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>

#include <sg/log.h>
#include <sg/timer.h>

/* libFuzzer's entry points: every target defines the second, some the first. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The rest of an input, consumed from the front. */
struct fz_in {
	const uint8_t *d;
	size_t n;
};

static inline bool fz_get8(struct fz_in *in, uint8_t *v)
{
	if (!in->n)
		return false;
	*v = *in->d++;
	in->n--;
	return true;
}

/* k octets, most significant first (k <= 4) */
static inline bool fz_getn(struct fz_in *in, unsigned int k, uint32_t *v)
{
	uint8_t b;

	*v = 0;
	for (unsigned int i = 0; i < k; i++) {
		if (!fz_get8(in, &b))
			return false;
		*v = *v << 8 | b;
	}
	return true;
}

static inline bool fz_get16(struct fz_in *in, uint16_t *v)
{
	uint32_t x;

	if (!fz_getn(in, 2, &x))
		return false;
	*v = (uint16_t)x;
	return true;
}

/* An input made of a configuration octet and events: setup(octet), then event() until the input
 * or max events run out.  False (and nothing set up) when the input is empty. */
static inline bool fz_run_events(const uint8_t *data, size_t size, void (*setup)(uint8_t),
				 void (*event)(struct fz_in *), unsigned int max)
{
	struct fz_in in = { data, size };
	uint8_t flags;

	if (!fz_get8(&in, &flags))
		return false;
	setup(flags);
	for (unsigned int i = 0; i < max && in.n; i++)
		event(&in);
	return true;
}

#define FZ_ALL_CATS (-1)

/* Log to stderr, only what is fatal unless FUZZ_LOG is set (then everything, to see what an
 * input does), for category cat or, with FZ_ALL_CATS, for every category. */
static inline void fz_log_init(int cat)
{
	int level = getenv("FUZZ_LOG") ? LOGL_DEBUG : LOGL_FATAL;

	sg_log_init(NULL, SG_LOG_STDERR, false);
	if (osmo_stderr_target)
		log_set_log_level(osmo_stderr_target, level);
	if (cat == FZ_ALL_CATS) {
		for (int c = 0; c < _SG_LOG_CAT_MAX; c++)
			sg_log_set_level((enum sg_log_cat)c, level);
	} else {
		sg_log_set_level(cat, level);
	}
}

/* At the end of an input, once its objects are freed: a timer left armed is a leak. */
static inline int fz_end_no_timers(void)
{
	if (sg_timers_count())
		abort();
	return 0;
}
