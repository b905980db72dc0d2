/* The adapter drivers built into sigtran-sg. */

#include <sg/adapter.h>
#include <sg/log.h>

void sg_adapter_register_builtin(void)
{
	struct sg_adapter_driver *drv[] = { &sg_pw_driver, &sg_dahdi_driver, &sg_frame_driver };

	for (unsigned int i = 0; i < sizeof(drv) / sizeof(drv[0]); i++)
		if (!sg_adapter_driver_find(drv[i]->name) && sg_adapter_driver_register(drv[i]) < 0)
			LOGP(DADP, LOGL_ERROR, "cannot register driver %s\n", drv[i]->name);
}
