/* The generic validator of declarative JSON schemas (include/sg/schema.h). */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <sg/schema.h>

/* ---- helpers ---- */

bool sg_addr_is_numeric(const char *host)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

bool sg_addr_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return false;
}

int sg_parse_hostport(const char *s, char *host, size_t hostlen, uint16_t *port)
{
	const char *colon, *h = s;
	size_t len;
	char *end;
	unsigned long p;

	if (*s == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':')
			return -EINVAL;
		h = s + 1;
		len = rb - h;
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -EINVAL;
		len = colon - s;
	}
	if (!len || len >= hostlen)
		return -EINVAL;
	memcpy(host, h, len);
	host[len] = '\0';
	if (!sg_addr_is_numeric(host))
		return -EINVAL;
	if (colon[1] < '0' || colon[1] > '9')
		return -EINVAL;
	errno = 0;
	p = strtoul(colon + 1, &end, 10);
	if (errno || *end || p > 65535)
		return -ERANGE;
	*port = p;
	return 0;
}

void sg_list_append(char *buf, size_t len, const char *item)
{
	size_t n = strnlen(buf, len);

	if (n < len)
		snprintf(buf + n, len - n, "%s%s", n ? ", " : "", item);
}

static int fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, errlen, "%s: ", path[0] ? path : "(top level)");
	if (n < 0 || (size_t)n >= errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *type_name(struct json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double: return "a number";
	case json_type_int: return "an integer";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	}
	return "?";
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 31)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

/* Offset of the first control character (below 0x20, or DEL) in s[0..n), or -1. JSON
 * lets them in through escapes ("\n", "\u0001", "\u0000"); no name, token, address or
 * path of ours has one, and in a log line or an HTTP header they do harm. */
static ssize_t ctrl_at(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return i;
	return -1;
}

static int ctrl_key_fail(char *err, size_t errlen, const char *path, const char *key)
{
	ssize_t at = ctrl_at(key, strlen(key));

	return fail(err, errlen, path, "a key contains a control character (0x%02x at offset "
		    "%zd)", (unsigned char)key[at], at);
}

static void join(char *out, size_t len, const char *path, const char *key)
{
	if (path[0])
		snprintf(out, len, "%s.%s", path, key);
	else
		snprintf(out, len, "%s", key);
}

static int check_field(const struct sg_field *f, struct json_object *v, const char *path,
		       char *err, size_t errlen);

/* The schema of s's section key, or NULL */
static const struct sg_schema *section_find(const struct sg_schema *s, const char *key)
{
	const struct sg_schema *ss;
	const char *skey;

	for (unsigned int i = 0; s->section && (ss = s->section(i, &skey)); i++)
		if (!strcmp(skey, key))
			return ss;
	return NULL;
}

static int check_object(const struct sg_schema *s, struct json_object *obj, const char *path,
			char *err, size_t errlen)
{
	char sub[256];
	int rc;

	if (!json_object_is_type(obj, json_type_object))
		return fail(err, errlen, path, "expected an object, got %s", type_name(obj));

	/* unknown keys first: a misspelt key is the likeliest mistake */
	json_object_object_foreach(obj, key, val) {
		const struct sg_field *f;
		char allowed[400] = "";
		const char *skey;

		(void)val;
		if (ctrl_at(key, strlen(key)) >= 0)
			return ctrl_key_fail(err, errlen, path, key);
		for (f = s->fields; f->key; f++)
			if (!strcmp(f->key, key))
				break;
		if (f->key || section_find(s, key))
			continue;
		for (f = s->fields; f->key; f++)
			sg_list_append(allowed, sizeof(allowed), f->key);
		for (unsigned int i = 0; s->section && s->section(i, &skey); i++)
			sg_list_append(allowed, sizeof(allowed), skey);
		join(sub, sizeof(sub), path, key);
		return fail(err, errlen, sub, "unknown key in %s (allowed: %s)", s->name, allowed);
	}
	for (const struct sg_field *f = s->fields; f->key; f++) {
		struct json_object *v;

		join(sub, sizeof(sub), path, f->key);
		if (!json_object_object_get_ex(obj, f->key, &v)) {
			if (f->required)
				return fail(err, errlen, sub, "required key is missing");
			continue;
		}
		rc = check_field(f, v, sub, err, errlen);
		if (rc < 0)
			return rc;
	}
	for (unsigned int i = 0; s->section; i++) {
		const struct sg_schema *ss;
		struct json_object *v;
		const char *skey;

		ss = s->section(i, &skey);
		if (!ss)
			break;
		if (!json_object_object_get_ex(obj, skey, &v))
			continue;
		join(sub, sizeof(sub), path, skey);
		rc = check_object(ss, v, sub, err, errlen);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int check_field(const struct sg_field *f, struct json_object *v, const char *path,
		       char *err, size_t errlen)
{
	char sub[256];
	int64_t i;
	size_t n;
	int rc;

	/* every string, whatever its field's type (a point code, an address, a token...) */
	if (json_object_is_type(v, json_type_string)) {
		const char *cs = json_object_get_string(v);
		ssize_t at = ctrl_at(cs, json_object_get_string_len(v));

		if (at >= 0)
			return fail(err, errlen, path, "contains a control character (0x%02x at "
				    "offset %zd)", (unsigned char)cs[at], at);
	}
	switch (f->type) {
	case SG_FT_OBJECT:
		return check_object(f->sub, v, path, err, errlen);
	case SG_FT_ARRAY:	/* of objects */
	case SG_FT_LIST:	/* of scalars */
		if (!json_object_is_type(v, json_type_array))
			return fail(err, errlen, path, "expected an array, got %s", type_name(v));
		n = json_object_array_length(v);
		if ((int64_t)n < f->min || (int64_t)n > f->max)
			return fail(err, errlen, path, "has %zu items, allowed %" PRId64 "..%" PRId64,
				    n, f->min, f->max);
		for (size_t k = 0; k < n; k++) {
			struct json_object *item = json_object_array_get_idx(v, k);

			snprintf(sub, sizeof(sub), "%s[%zu]", path, k);
			rc = f->type == SG_FT_ARRAY ? check_object(f->sub, item, sub, err, errlen)
						    : check_field(f->value, item, sub, err, errlen);
			if (rc < 0)
				return rc;
		}
		return 0;
	case SG_FT_MAP:
		if (!json_object_is_type(v, json_type_object))
			return fail(err, errlen, path, "expected an object, got %s", type_name(v));
		json_object_object_foreach(v, key, val) {
			if (ctrl_at(key, strlen(key)) >= 0)
				return ctrl_key_fail(err, errlen, path, key);
			join(sub, sizeof(sub), path, key);
			rc = check_field(f->value, val, sub, err, errlen);
			if (rc < 0)
				return rc;
		}
		return 0;
	case SG_FT_INT:
		if (!json_object_is_type(v, json_type_int))
			return fail(err, errlen, path, "expected an integer, got %s", type_name(v));
		errno = 0;
		i = json_object_get_int64(v);
		if (errno == EINVAL || i < f->min || i > f->max)
			return fail(err, errlen, path, "%s is out of range %" PRId64 "..%" PRId64,
				    json_object_get_string(v), f->min, f->max);
		return 0;
	case SG_FT_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return fail(err, errlen, path, "expected true or false, got %s",
				    type_name(v));
		return 0;
	case SG_FT_PC:
		if (json_object_is_type(v, json_type_int)) {
			if (json_object_get_int64(v) < 0 || json_object_get_int64(v) > 0xffffff)
				return fail(err, errlen, path, "%s is out of range 0..16777215",
					    json_object_get_string(v));
			return 0;
		}
		if (!json_object_is_type(v, json_type_string))
			return fail(err, errlen, path,
				    "expected a point code (\"a-b-c\" or an integer), got %s",
				    type_name(v));
		return 0;
	default:
		break;
	}

	/* string types */
	if (!json_object_is_type(v, json_type_string))
		return fail(err, errlen, path, "expected a string, got %s", type_name(v));
	const char *s = json_object_get_string(v);

	switch (f->type) {
	case SG_FT_STRING:
		n = strlen(s);
		if ((int64_t)n < f->min || (int64_t)n > f->max)
			return fail(err, errlen, path, "length %zu is out of range %" PRId64 "..%"
				    PRId64, n, f->min, f->max);
		return 0;
	case SG_FT_NAME:
		if (!valid_name(s))
			return fail(err, errlen, path, "'%s' is not a valid name "
				    "(1..31 characters of A-Z a-z 0-9 _ - .)", s);
		return 0;
	case SG_FT_ENUM:
		for (const char *const *e = f->enums; *e; e++)
			if (!strcmp(*e, s))
				return 0;
		{
			char allowed[160] = "";

			for (const char *const *e = f->enums; *e; e++)
				sg_list_append(allowed, sizeof(allowed), *e);
			return fail(err, errlen, path, "'%s' is not one of: %s", s, allowed);
		}
	case SG_FT_IPADDR:
		if (!sg_addr_is_numeric(s))
			return fail(err, errlen, path, "'%s' is not a numeric IPv4 or IPv6 address",
				    s);
		return 0;
	case SG_FT_HOSTPORT: {
		char host[64];
		uint16_t port;

		if (sg_parse_hostport(s, host, sizeof(host), &port) < 0)
			return fail(err, errlen, path,
				    "'%s' is not an address:port (e.g. 127.0.0.1:5000 or [::1]:5000)",
				    s);
		return 0;
	}
	default:
		return fail(err, errlen, path, "internal: unhandled schema type %d", f->type);
	}
}

int sg_schema_validate(const struct sg_schema *s, struct json_object *doc, const char *path,
		       char *err, size_t errlen)
{
	return check_object(s, doc, path, err, errlen);
}

const char *sg_json_str(struct json_object *o, const char *key, const char *def)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : def;
}

int64_t sg_json_int(struct json_object *o, const char *key, int64_t def)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : def;
}

bool sg_json_bool(struct json_object *o, const char *key, bool def)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_boolean(v) : def;
}
