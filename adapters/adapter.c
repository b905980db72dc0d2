/* Registry of E1/T1 adapter drivers (see include/sg/adapter.h). */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <talloc.h>

#include <sg/adapter.h>

/* Filled at start-up by the main thread before any TDM thread runs, then
 * only read: no locking needed. */
static LLIST_HEAD(drivers);

int sg_adapter_driver_register(struct sg_adapter_driver *drv)
{
	/* settings come as a schema, a struct and a parser into it, or not at all */
	if (!drv->name || !drv->span_open || !drv->schema != !drv->cfg_parse ||
	    !drv->schema != !drv->cfg_size)
		return -EINVAL;
	if (sg_adapter_driver_find(drv->name))
		return -EEXIST;
	llist_add_tail(&drv->list, &drivers);
	return 0;
}

struct sg_adapter_driver *sg_adapter_driver_find(const char *name)
{
	struct sg_adapter_driver *drv;

	llist_for_each_entry(drv, &drivers, list)
		if (!strcmp(drv->name, name))
			return drv;
	return NULL;
}

struct sg_adapter_driver *sg_adapter_driver_next(struct sg_adapter_driver *prev)
{
	struct llist_head *next = prev ? prev->list.next : drivers.next;

	if (next == &drivers)
		return NULL;
	return llist_entry(next, struct sg_adapter_driver, list);
}

void sg_adapter_driver_names(char *buf, size_t len)
{
	if (!len)
		return;
	buf[0] = '\0';
	for (struct sg_adapter_driver *drv = NULL; (drv = sg_adapter_driver_next(drv)); )
		sg_list_append(buf, len, drv->name);
}

int sg_adapter_cfg_parse(void *ctx, const char *driver, struct json_object *section,
			 enum sg_span_type type, const char *path, const void **drv_cfg,
			 char *err, size_t errlen)
{
	struct sg_adapter_driver *drv = sg_adapter_driver_find(driver);
	void *cfg;
	int rc;

	*drv_cfg = NULL;
	if (!drv) {
		char names[200];

		sg_adapter_driver_names(names, sizeof(names));
		snprintf(err, errlen, "%s: no driver '%s' (registered: %s)", path, driver, names);
		return -ENOENT;
	}
	if (!drv->schema) {
		snprintf(err, errlen, "%s: driver '%s' has no settings", path, driver);
		return -EINVAL;
	}
	rc = sg_schema_validate(drv->schema, section, path, err, errlen);
	if (rc < 0)
		return rc;
	cfg = talloc_zero_size(ctx, drv->cfg_size);
	if (!cfg) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	talloc_set_name_const(cfg, drv->name);
	rc = drv->cfg_parse(cfg, section, type, path, err, errlen);
	if (rc < 0) {
		talloc_free(cfg);
		return rc;
	}
	*drv_cfg = cfg;
	return 0;
}

const void *sg_adapter_cfg_json(void *ctx, const char *driver, const char *json,
				enum sg_span_type type, char *err, size_t errlen)
{
	struct json_object *o = json_tokener_parse(json);
	const void *drv_cfg;
	int rc;

	if (!o) {
		snprintf(err, errlen, "%s: not a JSON document", driver);
		return NULL;
	}
	rc = sg_adapter_cfg_parse(ctx, driver, o, type, driver, &drv_cfg, err, errlen);
	json_object_put(o);
	return rc < 0 ? NULL : drv_cfg;
}
