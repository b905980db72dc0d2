/* The adapter drivers built into sigtran-sg: a new driver is a file in adapters/, a line in
 * adapters/Makefile.inc and a line here (doc/adapters.md, "Writing a driver"). */

#include <sg/adapter.h>
#include <sg/log.h>

extern struct sg_adapter_driver sg_pw_driver, sg_dahdi_driver, sg_frame_driver;

void sg_adapter_register_builtin(void)
{
	struct sg_adapter_driver *drv[] = { &sg_pw_driver, &sg_dahdi_driver, &sg_frame_driver };

	for (unsigned int i = 0; i < sizeof(drv) / sizeof(drv[0]); i++)
		if (!sg_adapter_driver_find(drv[i]->name) && sg_adapter_driver_register(drv[i]) < 0)
			LOGP(DADP, LOGL_ERROR, "cannot register driver %s\n", drv[i]->name);
}
