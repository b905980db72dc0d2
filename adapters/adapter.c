/* Registry of E1/T1 adapter drivers (see include/sg/adapter.h). */

#include <errno.h>
#include <string.h>

#include <sg/adapter.h>

/* Filled at start-up by the main thread before any TDM thread runs, then
 * only read: no locking needed. */
static LLIST_HEAD(drivers);

int sg_adapter_driver_register(struct sg_adapter_driver *drv)
{
	if (!drv->name || !drv->span_open)
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
