/* Unit tests of the log rate limit for causes a peer can repeat at will (include/sg/log.h). */

#include <stdio.h>
#include <string.h>

#include <talloc.h>

#include <sg/log.h>
#include <sg/timer.h>
#include "cu_main.h"

/* lines written to a target of our own */
static unsigned int lines;
static char last[256];

static void count_line(struct log_target *t, unsigned int level, const char *line)
{
	lines++;
	snprintf(last, sizeof(last), "%s", line);
}

/* A flood of one cause: SG_LOG_LIMIT_BURST lines per window pass, the rest are held back and
 * counted on the category; the first line of the next window says how many it follows. */
static void test_flood_limited(void)
{
	struct sg_log_limit lim = { 0 };
	uint64_t held0 = sg_log_held_back(DM3UA);
	unsigned int passed = 0, held = 99;

	sg_clock_virtual(1000 * SG_NS_PER_S);
	for (unsigned int i = 0; i < 1000; i++) {
		if (sg_log_limit_pass(&lim, DM3UA, &held)) {
			passed++;
			CU_ASSERT_EQUAL(held, 0);
		}
		sg_clock_advance_ms(1);	/* 1000 lines in 1 s: one window */
	}
	CU_ASSERT_EQUAL(passed, SG_LOG_LIMIT_BURST);
	CU_ASSERT_EQUAL(sg_log_held_back(DM3UA) - held0, 1000 - SG_LOG_LIMIT_BURST);
	/* still inside the window: held back */
	CU_ASSERT_FALSE(sg_log_limit_pass(&lim, DM3UA, &held));
	/* the next window: passes, and says what it follows */
	sg_clock_advance_ms(SG_LOG_LIMIT_WINDOW_MS);
	CU_ASSERT_TRUE(sg_log_limit_pass(&lim, DM3UA, &held));
	CU_ASSERT_EQUAL(held, 1000 - SG_LOG_LIMIT_BURST + 1);
	CU_ASSERT_TRUE(sg_log_limit_pass(&lim, DM3UA, &held));
	CU_ASSERT_EQUAL(held, 0);
	sg_clock_monotonic();
}

/* Two causes do not share a budget */
static void test_causes_apart(void)
{
	struct sg_log_limit a = { 0 }, b = { 0 };

	sg_clock_virtual(5 * SG_NS_PER_S);
	for (unsigned int i = 0; i < 50; i++)
		sg_log_limit_pass(&a, DSCTP, NULL);
	CU_ASSERT_FALSE(sg_log_limit_pass(&a, DSCTP, NULL));
	CU_ASSERT_TRUE(sg_log_limit_pass(&b, DSCTP, NULL));
	sg_clock_monotonic();
}

/* LOGP_LIMIT writes what passes, with the count of lines held back before it */
static void test_macro_writes(void)
{
	struct sg_log_limit lim = { 0 };
	struct log_target *t = log_target_create();

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	t->output = count_line;
	log_add_target(t);
	log_set_category_filter(t, DM3UA, 1, LOGL_NOTICE);
	log_set_all_filter(t, 1);
	sg_clock_virtual(7 * SG_NS_PER_S);
	lines = 0;
	for (unsigned int i = 0; i < 100; i++)
		LOGP_LIMIT(&lim, DM3UA, LOGL_NOTICE, "rx malformed message %u\n", i);
	CU_ASSERT_EQUAL(lines, SG_LOG_LIMIT_BURST);
	sg_clock_advance_ms(SG_LOG_LIMIT_WINDOW_MS);
	LOGP_LIMIT(&lim, DM3UA, LOGL_NOTICE, "rx malformed message %u\n", 100);
	CU_ASSERT_EQUAL(lines, SG_LOG_LIMIT_BURST + 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(last, "(after 95 like it held back) rx malformed message 100"));
	sg_clock_monotonic();
	log_target_destroy(t);
}

int main(void)
{
	static const struct cu_test tests[] = {
		{ "a flood of one cause: a burst per window, the rest counted", test_flood_limited },
		{ "two causes have their own budgets", test_causes_apart },
		{ "LOGP_LIMIT writes what passes, saying what it follows", test_macro_writes },
		{ NULL, NULL },
	};

	sg_log_init(NULL, SG_LOG_STDERR, false);
	return cu_run_suite("log", tests, NULL, NULL);
}
