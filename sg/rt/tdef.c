/* Timer tables: check, apply and report a layer's timers by name (include/sg/tdef.h). */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sg/tdef.h>

const struct value_string sg_tdef_unit_names[] = {
	{ SG_TDEF_MS, "ms" },
	{ 0, NULL }
};

int sg_tdef_find(const struct sg_tdef *tdefs, unsigned int n, const char *name)
{
	for (unsigned int t = 0; t < n; t++)
		if (!strcmp(tdefs[t].name, name))
			return t;
	return -1;
}

int sg_tdef_check_value(const struct sg_tdef *t, int64_t val, const char *path, char *err,
			size_t errlen)
{
	if (sg_tdef_in_range(t, val))
		return 0;
	snprintf(err, errlen, "%s%s%s: %lld is out of range %u..%u (%s)", path, path[0] ? "." : "",
		 t->name, (long long)val, t->min_val, t->max_val,
		 get_value_string(sg_tdef_unit_names, t->unit));
	return -1;
}

/* One member of a timers object: its index in the table, or -1 with err. */
static int check_one(const struct sg_tdef *tdefs, unsigned int n, const char *layer,
		     const char *path, const char *key, struct json_object *val, char *err,
		     size_t errlen)
{
	int t = sg_tdef_find(tdefs, n, key);
	int64_t v;

	if (t < 0) {
		char names[256] = "";
		size_t len = 0;

		for (unsigned int i = 0; i < n && len < sizeof(names); i++)
			len += snprintf(names + len, sizeof(names) - len, "%s%s", i ? ", " : "",
					tdefs[i].name);
		snprintf(err, errlen, "%s.%s: no such %s timer (%s)", path, key, layer, names);
		return -1;
	}
	if (!json_object_is_type(val, json_type_int)) {
		snprintf(err, errlen, "%s.%s: expected an integer", path, key);
		return -1;
	}
	v = json_object_get_int64(val);
	if (sg_tdef_check_value(&tdefs[t], v, path, err, errlen) < 0)
		return -1;
	return t;
}

int sg_tdef_check(const struct sg_tdef *tdefs, unsigned int n, const char *layer,
		  struct json_object *obj, const char *path, char *err, size_t errlen)
{
	if (!obj)
		return 0;
	if (!json_object_is_type(obj, json_type_object)) {
		snprintf(err, errlen, "%s: expected an object of timer: value", path);
		return -1;
	}
	json_object_object_foreach(obj, key, val) {
		if (check_one(tdefs, n, layer, path, key, val, err, errlen) < 0)
			return -1;
	}
	return 0;
}

int sg_tdef_apply(const struct sg_tdef *tdefs, unsigned int n, const char *layer,
		  struct json_object *obj, const char *path,
		  int (*set)(void *priv, unsigned int t, uint32_t val), void *priv, char *err,
		  size_t errlen)
{
	if (sg_tdef_check(tdefs, n, layer, obj, path, err, errlen) < 0)
		return -1;
	if (!obj)
		return 0;
	json_object_object_foreach(obj, key, val) {
		int t = sg_tdef_find(tdefs, n, key);
		int rc = set(priv, t, json_object_get_int64(val));

		if (rc < 0) {
			snprintf(err, errlen, "%s.%s: cannot set (%s)", path, key, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

struct json_object *sg_tdef_values_json(const struct sg_tdef *tdefs, unsigned int n,
					const uint32_t *val)
{
	struct json_object *o = json_object_new_object();

	for (unsigned int t = 0; t < n; t++)
		json_object_object_add(o, tdefs[t].name, json_object_new_int64(val[t]));
	return o;
}

struct json_object *sg_tdef_table_json(const struct sg_tdef *tdefs, unsigned int n,
				       const uint32_t *val)
{
	struct json_object *a = json_object_new_array();

	for (unsigned int t = 0; t < n; t++) {
		const char *unit = get_value_string(sg_tdef_unit_names, tdefs[t].unit);
		struct json_object *o = json_object_new_object();
		char key[32];

		json_object_object_add(o, "name", json_object_new_string(tdefs[t].name));
		json_object_object_add(o, "description", json_object_new_string(tdefs[t].desc));
		snprintf(key, sizeof(key), "value_%s", unit);
		json_object_object_add(o, key, json_object_new_int64(val[t]));
		snprintf(key, sizeof(key), "min_%s", unit);
		json_object_object_add(o, key, json_object_new_int64(tdefs[t].min_val));
		snprintf(key, sizeof(key), "max_%s", unit);
		json_object_object_add(o, key, json_object_new_int64(tdefs[t].max_val));
		json_object_array_add(a, o);
	}
	return a;
}
