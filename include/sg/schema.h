/* Declarative JSON schemas and their validator: any room may describe its part of a
 * document with them (a driver its span section, adapter.h); the daemon's configuration
 * (sg/config/) is written in them too.  Implemented in sg/rt/schema.c. */
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
	/*
	 * Optional: sections of the object that other modules own, known only when a document
	 * is validated (a span's driver sections, one per registered driver).  section(i, &key)
	 * gives the i-th section's key and schema, NULL after the last.  A section present in
	 * the object is checked against its schema after the fields; whether it must be there
	 * is for its owner to say.  An unknown key's message lists the sections too.
	 */
	const struct sg_schema *(*section)(unsigned int i, const char **key);
};

/* Validate doc against schema; on error fills err with "<path>: <reason>" (path is doc's
 * own JSON path, "" at the top of a document) and returns -EINVAL. */
int sg_schema_validate(const struct sg_schema *s, struct json_object *doc, const char *path,
		       char *err, size_t errlen);

/* "addr:port" or "[ipv6]:port" with a numeric address: 0, -EINVAL or -ERANGE (port). */
int sg_parse_hostport(const char *s, char *host, size_t hostlen, uint16_t *port);
bool sg_addr_is_loopback(const char *host);
bool sg_addr_is_numeric(const char *host);

/* Append item to the comma-separated list in buf (NUL-terminated, "" for none), for
 * messages that list what is allowed; cut short if buf is full. */
void sg_list_append(char *buf, size_t len, const char *item);

/* Values of a document already checked against its schema: the key's value, or def if
 * the key is absent (o may be NULL). */
const char *sg_json_str(struct json_object *o, const char *key, const char *def);
int64_t sg_json_int(struct json_object *o, const char *key, int64_t def);
bool sg_json_bool(struct json_object *o, const char *key, bool def);
