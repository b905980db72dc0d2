/* Unit tests of the timers and the virtual clock (include/sg/timer.h), and of the timer tables
 * (include/sg/tdef.h). */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sg/tdef.h>
#include <sg/timer.h>
#include "cu_main.h"

struct rec {
	unsigned int fired;
	uint64_t at[8];
};

static void rec_cb(void *data)
{
	struct rec *r = data;

	if (r->fired < 8)
		r->at[r->fired] = sg_now();
	r->fired++;
}

/* A 50 s timer (e.g. Q.703 T1 at its maximum) runs out in virtual time:
 * sg_now() is the virtual clock, moved only by sg_clock_advance(), and the
 * timer fires inside the advance that reaches its expiry (no waiting). */
static void test_50s_timer_virtual(void)
{
	struct sg_timer t;
	struct rec r = { 0 };

	sg_clock_virtual(1000 * SG_NS_PER_S);
	sg_timer_setup(&t, rec_cb, &r);
	sg_timer_start_ms(&t, 50000);
	CU_ASSERT_TRUE(sg_timer_pending(&t));
	CU_ASSERT_EQUAL(sg_timer_remaining_ns(&t), 50 * SG_NS_PER_S);

	/* 1 ns before expiry: nothing */
	CU_ASSERT_EQUAL(sg_clock_advance(50 * SG_NS_PER_S - 1), 0);
	CU_ASSERT_EQUAL(r.fired, 0);
	CU_ASSERT_EQUAL(sg_timer_remaining_ns(&t), 1);
	/* at expiry: fires, and sees now == its expiry */
	CU_ASSERT_EQUAL(sg_clock_advance(1), 1);
	CU_ASSERT_EQUAL(r.fired, 1);
	CU_ASSERT_EQUAL(r.at[0], 1050 * SG_NS_PER_S);
	CU_ASSERT_FALSE(sg_timer_pending(&t));
	CU_ASSERT_TRUE(sg_clock_is_virtual());
	CU_ASSERT_EQUAL(sg_now(), 1050 * SG_NS_PER_S);
	sg_clock_monotonic();
	CU_ASSERT_FALSE(sg_clock_is_virtual());
}

/* Timers fire in expiry order at their own instants while time is advanced
 * in one big step; equal expiries fire in start order. */
static void test_order_and_instants(void)
{
	struct sg_timer t[4];
	struct rec r = { 0 };
	static const unsigned int ms[4] = { 300, 100, 200, 100 };

	sg_clock_virtual(0);
	for (int i = 0; i < 4; i++) {
		sg_timer_setup(&t[i], rec_cb, &r);
		sg_timer_start_ms(&t[i], ms[i]);
	}
	CU_ASSERT_EQUAL(sg_timers_count(), 4);
	CU_ASSERT_EQUAL(sg_clock_advance_ms(1000), 4);
	CU_ASSERT_EQUAL(r.at[0], 100 * SG_NS_PER_MS);
	CU_ASSERT_EQUAL(r.at[1], 100 * SG_NS_PER_MS);
	CU_ASSERT_EQUAL(r.at[2], 200 * SG_NS_PER_MS);
	CU_ASSERT_EQUAL(r.at[3], 300 * SG_NS_PER_MS);
	CU_ASSERT_EQUAL(sg_timers_count(), 0);
	CU_ASSERT_EQUAL(sg_now(), 1000 * SG_NS_PER_MS);
	sg_clock_monotonic();
}

struct periodic {
	struct sg_timer t;
	unsigned int n;
};

static void periodic_cb(void *data)
{
	struct periodic *p = data;

	if (++p->n < 10)
		sg_timer_start_ms(&p->t, 5);
}

/* A callback that restarts its timer is measured from its own expiry. */
static void test_restart_from_callback(void)
{
	struct periodic p = { .n = 0 };

	sg_clock_virtual(0);
	sg_timer_setup(&p.t, periodic_cb, &p);
	sg_timer_start_ms(&p.t, 5);
	CU_ASSERT_EQUAL(sg_clock_advance_ms(49), 9);
	CU_ASSERT_EQUAL(p.n, 9);
	CU_ASSERT_EQUAL(sg_clock_advance_ms(1), 1);
	CU_ASSERT_EQUAL(p.n, 10);
	CU_ASSERT_FALSE(sg_timer_pending(&p.t));
	sg_clock_monotonic();
}

static void test_stop_and_restart(void)
{
	struct sg_timer t;
	struct rec r = { 0 };

	sg_clock_virtual(0);
	sg_timer_setup(&t, rec_cb, &r);
	sg_timer_start_ms(&t, 10);
	sg_timer_stop(&t);
	sg_timer_stop(&t);	/* stopping twice is harmless */
	CU_ASSERT_EQUAL(sg_clock_advance_ms(20), 0);
	sg_timer_start_ms(&t, 10);
	sg_clock_advance_ms(5);
	sg_timer_start_ms(&t, 10);	/* restart moves the expiry */
	CU_ASSERT_EQUAL(sg_clock_advance_ms(9), 0);
	CU_ASSERT_EQUAL(sg_clock_advance_ms(1), 1);
	CU_ASSERT_EQUAL(r.at[0], 35 * SG_NS_PER_MS);
	sg_clock_monotonic();
}

/* Many timers with random delays fire exactly once each, in order. */
static void test_many_random(void)
{
	enum { N = 2000 };
	struct sg_timer *t = calloc(N, sizeof(*t));
	uint64_t last = 0;
	struct rec r = { 0 };
	unsigned int seed = 7;

	sg_clock_virtual(0);
	for (int i = 0; i < N; i++) {
		sg_timer_setup(&t[i], rec_cb, &r);
		sg_timer_start_ns(&t[i], rand_r(&seed) % (10 * SG_NS_PER_S));
	}
	for (int i = 0; i < N; i++) {
		uint64_t next;

		CU_ASSERT_TRUE_FATAL(sg_timers_nearest(&next));
		CU_ASSERT(next >= last);
		last = next;
		sg_clock_advance(next - sg_now());
	}
	CU_ASSERT_EQUAL(r.fired, N);
	CU_ASSERT_EQUAL(sg_timers_count(), 0);
	free(t);
	sg_clock_monotonic();
}

/* The monotonic clock moves forward on its own. */
static void test_monotonic(void)
{
	uint64_t a = sg_now(), b;
	struct timespec ts = { 0, 2000000 };

	CU_ASSERT_FALSE(sg_clock_is_virtual());
	nanosleep(&ts, NULL);
	b = sg_now();
	CU_ASSERT(b - a >= 2 * SG_NS_PER_MS);
}

/* A timer table: the one helper checks a JSON object of timers against it (errors name the
 * JSON path and list the valid names), applies it only when all of it is valid, and reports. */
enum { TA, TB, T_N };
static const struct sg_tdef tab[T_N] = {
	[TA] = { "ta", "first", 1000, 500, 1500 },
	[TB] = { "tb_x", "second", 20, 10, 30 },
};

static int tab_set(void *priv, unsigned int t, uint32_t val)
{
	uint32_t *v = priv;

	if (val == 1499)
		return -EBUSY;
	v[t] = val;
	return 0;
}

static int tab_apply(const char *text, uint32_t *v, char *err, size_t errlen)
{
	struct json_object *o = json_tokener_parse(text);
	int rc = sg_tdef_apply(tab, T_N, "TEST", o, "x[1].timers", tab_set, v, err, errlen);

	json_object_put(o);
	return rc;
}

static void test_tdef(void)
{
	uint32_t v[T_N] = { tab[TA].def_val, tab[TB].def_val };
	struct json_object *j, *e;
	char err[256];

	CU_ASSERT_EQUAL(sg_tdef_find(tab, T_N, "tb_x"), TB);
	CU_ASSERT_EQUAL(sg_tdef_find(tab, T_N, "tb"), -1);
	CU_ASSERT_TRUE(sg_tdef_in_range(&tab[TA], 500));
	CU_ASSERT_TRUE(sg_tdef_in_range(&tab[TA], 1500));
	CU_ASSERT_FALSE(sg_tdef_in_range(&tab[TA], 499));
	CU_ASSERT_FALSE(sg_tdef_in_range(&tab[TA], 1501));
	CU_ASSERT_FALSE(sg_tdef_in_range(&tab[TA], -1));
	CU_ASSERT_EQUAL(sg_tdef_check(tab, T_N, "TEST", NULL, "x", err, sizeof(err)), 0);

	/* a bad member anywhere: an error naming it, nothing applied */
	CU_ASSERT_EQUAL(tab_apply("{ \"ta\": 600, \"tc\": 1 }", v, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "x[1].timers.tc: no such TEST timer (ta, tb_x)");
	CU_ASSERT_EQUAL(tab_apply("{ \"ta\": 600, \"tb_x\": 31 }", v, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "x[1].timers.tb_x: 31 is out of range 10..30 (ms)");
	CU_ASSERT_EQUAL(tab_apply("{ \"ta\": 600, \"tb_x\": 9 }", v, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "x[1].timers.tb_x: 9 is out of range 10..30 (ms)");
	CU_ASSERT_EQUAL(tab_apply("{ \"ta\": 600.5 }", v, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "x[1].timers.ta: expected an integer");
	CU_ASSERT_EQUAL(tab_apply("[ 1 ]", v, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "x[1].timers: expected an object of timer: value");
	CU_ASSERT_EQUAL(v[TA], 1000);
	CU_ASSERT_EQUAL(v[TB], 20);

	/* valid: applied; the setter's refusal is reported with the path */
	CU_ASSERT_EQUAL(tab_apply("{ \"tb_x\": 30, \"ta\": 500 }", v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(v[TA], 500);
	CU_ASSERT_EQUAL(v[TB], 30);
	CU_ASSERT_EQUAL(tab_apply("{ \"ta\": 1499 }", v, err, sizeof(err)), -EBUSY);
	CU_ASSERT_EQUAL(strncmp(err, "x[1].timers.ta: cannot set", 26), 0);
	CU_ASSERT_EQUAL(v[TA], 500);

	/* reports */
	j = sg_tdef_values_json(tab, T_N, v);
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN),
			       "{\"ta\":500,\"tb_x\":30}");
	json_object_put(j);
	j = sg_tdef_table_json(tab, T_N, v);
	CU_ASSERT_EQUAL(json_object_array_length(j), T_N);
	e = json_object_array_get_idx(j, TB);
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(e, JSON_C_TO_STRING_PLAIN),
			       "{\"name\":\"tb_x\",\"description\":\"second\",\"value_ms\":30,"
			       "\"min_ms\":10,\"max_ms\":30}");
	json_object_put(j);
}

int main(void)
{
	static const struct cu_test tests[] = {
		{ "virtual time: a 50 s timer expires without waiting", test_50s_timer_virtual },
		{ "timers fire in order at their own instants", test_order_and_instants },
		{ "restart from callback counts from the expiry", test_restart_from_callback },
		{ "stop and restart", test_stop_and_restart },
		{ "2000 random timers fire once each, in order", test_many_random },
		{ "monotonic clock", test_monotonic },
		{ "timer tables: check, apply, report", test_tdef },
		{ NULL, NULL }
	};

	return cu_run_suite("timer", tests, NULL, NULL);
}
