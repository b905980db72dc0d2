/* Declarative schema of the daemon's JSON configuration (the validator: include/sg/schema.h). */
#pragma once

#include <sg/schema.h>

extern const struct sg_schema sg_config_schema;
/* parts of it, to validate API request bodies: an m3ua.as[] entry, a translations[] entry */
extern const struct sg_schema sg_config_as_schema;
extern const struct sg_schema sg_config_xlate_schema;
