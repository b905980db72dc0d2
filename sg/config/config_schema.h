/* Declarative schema of the JSON configuration, and its generic validator. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

enum sg_ftype {
	SG_FT_OBJECT,	/* sub: fields of the object */
	SG_FT_ARRAY,	/* sub: schema of each element (an object); min/max: item count */
	SG_FT_STRING,	/* min/max: length */
	SG_FT_NAME,	/* identifier: [A-Za-z0-9_.-], 1..31 chars */
	SG_FT_INT,	/* min/max: value */
	SG_FT_BOOL,
	SG_FT_ENUM,	/* enums: allowed strings */
	SG_FT_PC,	/* point code: string "a-b-c" or integer; checked per variant later */
	SG_FT_HOSTPORT,	/* "ipv4:port" or "[ipv6]:port" */
	SG_FT_IPADDR,	/* numeric IPv4 or IPv6 address */
	SG_FT_MAP,	/* object with free keys; each value checked as 'sub' field */
	SG_FT_LIST,	/* array of scalars; min/max: item count; value: how each is checked */
};

struct sg_schema;

struct sg_field {
	const char *key;
	enum sg_ftype type;
	bool required;
	int64_t min, max;
	const char *const *enums;	/* NULL-terminated */
	const struct sg_schema *sub;	/* OBJECT, ARRAY */
	const struct sg_field *value;	/* MAP: how each value is checked */
};

struct sg_schema {
	const char *name;
	const struct sg_field *fields;	/* terminated by { .key = NULL } */
};

extern const struct sg_schema sg_config_schema;
/* parts of it, to validate API request bodies: an m3ua.as[] entry, a translations[] entry */
extern const struct sg_schema sg_config_as_schema;
extern const struct sg_schema sg_config_xlate_schema;

/* Validate doc against schema; on error fills err with "<path>: <reason>". */
int sg_schema_validate(const struct sg_schema *s, struct json_object *doc, const char *path,
		       char *err, size_t errlen);

/* Helpers shared with config.c */
int sg_parse_hostport(const char *s, char *host, size_t hostlen, uint16_t *port);
bool sg_addr_is_loopback(const char *host);
bool sg_addr_is_numeric(const char *host);
