/* Management API collection "log": log categories and their levels, changeable at runtime. */

#include <string.h>

#include <sg/log.h>
#include "mgmt_int.h"

/* Runs on the management thread (owner NULL); sg_log_* take libosmocore's
 * log lock, so no other thread's state is read here. */

static struct json_object *cat_json(enum sg_log_cat cat)
{
	struct json_object *o = json_object_new_object();
	const char *lvl = sg_log_level_name(sg_log_get_level(cat));

	if (!o)
		return NULL;
	json_object_object_add(o, "name", json_object_new_string(sg_log_cat_name(cat)));
	json_object_object_add(o, "level", json_object_new_string(lvl ? lvl : "unknown"));
	/* lines of a repeated cause held back by the rate limit (include/sg/log.h) */
	json_object_object_add(o, "held_back", json_object_new_int64((int64_t)sg_log_held_back(cat)));
	return o;
}

static struct json_object *log_list(void *priv, struct sg_mgmt_err *err)
{
	struct json_object *arr = json_object_new_array();
	int cat;

	if (!arr)
		goto oom;
	for (cat = 0; cat < _SG_LOG_CAT_MAX; cat++) {
		struct json_object *o = cat_json(cat);

		if (!o || json_object_array_add(arr, o)) {
			json_object_put(o);
			json_object_put(arr);
			goto oom;
		}
	}
	return arr;
oom:
	sg_mgmt_err_set(err, 500, "out of memory");
	return NULL;
}

static int cat_lookup(const char *item, struct sg_mgmt_err *err)
{
	int cat = item ? sg_log_cat_by_name(item) : -1;

	if (cat < 0 || cat >= _SG_LOG_CAT_MAX) {
		sg_mgmt_err_set(err, 404, "no log category '%s'", item ? item : "");
		return -1;
	}
	return cat;
}

static struct json_object *log_get(void *priv, const char *item, struct sg_mgmt_err *err)
{
	struct json_object *o;
	int cat = cat_lookup(item, err);

	if (cat < 0)
		return NULL;
	o = cat_json(cat);
	if (!o)
		sg_mgmt_err_set(err, 500, "out of memory");
	return o;
}

/* PUT /api/v1/log/<category> {"level": "debug"} */
static struct json_object *log_set(void *priv, const char *item, struct json_object *body,
				   struct sg_mgmt_err *err)
{
	struct json_object *lvl = NULL, *o;
	int cat, level, rc;

	cat = cat_lookup(item, err);
	if (cat < 0)
		return NULL;
	if (!json_object_is_type(body, json_type_object)) {
		sg_mgmt_err_set(err, 400, "body must be a JSON object");
		return NULL;
	}
	json_object_object_foreach(body, key, val) {
		(void)val;
		if (strcmp(key, "level")) {
			sg_mgmt_err_set(err, 400, "unknown member '%.64s' (only \"level\")", key);
			return NULL;
		}
	}
	if (!json_object_object_get_ex(body, "level", &lvl) ||
	    !json_object_is_type(lvl, json_type_string)) {
		sg_mgmt_err_set(err, 400, "\"level\" must be a string: "
				"debug, info, notice, error or fatal");
		return NULL;
	}
	level = sg_log_level_by_name(json_object_get_string(lvl));
	if (level < 0) {
		sg_mgmt_err_set(err, 400, "unknown level '%.64s': "
				"debug, info, notice, error or fatal", json_object_get_string(lvl));
		return NULL;
	}
	rc = sg_log_set_level(cat, level);
	if (rc < 0) {
		sg_mgmt_err_set(err, 500, "setting the level of '%s' failed (%d)",
				sg_log_cat_name(cat), rc);
		return NULL;
	}
	LOGP(DMGMT, LOGL_NOTICE, "log level of '%s' set to %s\n", sg_log_cat_name(cat),
	     json_object_get_string(lvl));
	o = cat_json(cat);
	if (!o)
		sg_mgmt_err_set(err, 500, "out of memory");
	return o;
}

int mgmt_log_register(struct sg_mgmt *m)
{
	const struct sg_mgmt_collection c = {
		.name = "log",
		.description = "Log categories and their levels "
			       "(debug, info, notice, error, fatal)",
		.owner = NULL,
		.list = log_list,
		.get = log_get,
		.set = log_set,
	};

	return sg_mgmt_register(m, &c);
}
