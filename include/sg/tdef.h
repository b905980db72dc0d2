/* Timer tables: a layer's timers by name with default, range and unit, checked, applied and
 * reported through one helper (after libosmocore's osmo_tdef). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include <osmocom/core/utils.h>

/*
 * Each layer owns the table of its timers (MTP2: sg_mtp2_timer_defs, MTP3: sg_mtp3_timer_defs,
 * indexed by the layer's timer enum) and keeps the current values of each instance itself (a
 * uint32_t per timer, in the table's unit).  The configuration and the management API give
 * timers as a JSON object {"name": value, ...}; sg_tdef_check() validates such an object
 * against a table, sg_tdef_apply() validates it and hands each value to the layer, and
 * sg_tdef_values_json() / sg_tdef_table_json() report the current values.
 *
 * libosmocore's osmo_tdef (1.7) does not fit as it is: it names timers by number (T1234 /
 * X1234), not by the names the configuration uses ("t4n", "slt_t1"); its table holds the one
 * current value of a process-wide timer, while ours are per link and per signalling point;
 * a min_val or max_val of 0 means unchecked; and it has no JSON.
 */

enum sg_tdef_unit {
	SG_TDEF_MS,		/* milliseconds */
	_SG_TDEF_UNIT_MAX
};
extern const struct value_string sg_tdef_unit_names[];

struct sg_tdef {
	const char *name;	/* as in the configuration and the API: "t1", "slt_t1" */
	const char *desc;
	uint32_t def_val;	/* default, in unit */
	uint32_t min_val;	/* range, inclusive (the spec's) */
	uint32_t max_val;
	enum sg_tdef_unit unit;	/* 0: milliseconds */
};

/* Index of the timer named name in tdefs[0..n-1], or -1. */
int sg_tdef_find(const struct sg_tdef *tdefs, unsigned int n, const char *name);

static inline bool sg_tdef_in_range(const struct sg_tdef *t, int64_t val)
{
	return val >= t->min_val && val <= t->max_val;
}

/* One value of timer t, given at path.t->name (path "": at the top): 0, or -1 with err
 * "PATH.NAME: VALUE is out of range MIN..MAX (UNIT)" (the message sg_tdef_check() gives). */
int sg_tdef_check_value(const struct sg_tdef *t, int64_t val, const char *path, char *err,
			size_t errlen);

/*
 * Check a JSON object of timers (obj NULL: none) against the table: every key names a timer
 * of the table, every value is an integer in its range.  layer names the table in messages
 * ("MTP2"), path the object ("linksets[0].links[1].timers").  Returns 0, or -1 with err:
 *   PATH.KEY: no such LAYER timer (t1, t2, ...)
 *   PATH.KEY: expected an integer
 *   PATH.KEY: VALUE is out of range MIN..MAX (UNIT)
 */
int sg_tdef_check(const struct sg_tdef *tdefs, unsigned int n, const char *layer,
		  struct json_object *obj, const char *path, char *err, size_t errlen);

/*
 * sg_tdef_check(), then set(priv, index, value) for each timer of obj, in obj's order.
 * Nothing is set when the check fails (-1, err as above); a negative return of set() stops
 * there and is returned (err: "PATH.KEY: cannot set (errno text)").
 */
int sg_tdef_apply(const struct sg_tdef *tdefs, unsigned int n, const char *layer,
		  struct json_object *obj, const char *path,
		  int (*set)(void *priv, unsigned int t, uint32_t val), void *priv, char *err,
		  size_t errlen);

/* {"name": value, ...} of the values val[0..n-1] (new object, caller owns). */
struct json_object *sg_tdef_values_json(const struct sg_tdef *tdefs, unsigned int n,
					const uint32_t *val);
/* [{"name", "description", "value_UNIT", "min_UNIT", "max_UNIT"}] of the values val[0..n-1]
 * (new object, caller owns), e.g. "value_ms". */
struct json_object *sg_tdef_table_json(const struct sg_tdef *tdefs, unsigned int n,
				       const uint32_t *val);
