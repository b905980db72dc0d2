/* libFuzzer target: the management API's request handling (mgmt/http.c, mgmt/registry.c,
 * mgmt/api_log.c): method, path, headers and body of a request -> status and JSON answer. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <osmocom/core/application.h>
#include <talloc.h>

#include <sg/config.h>
#include <sg/log.h>
#include <sg/mgmt.h>
#include <sg/thread.h>
#include <sg/timer.h>

/* The server itself, so that the target reaches MHD's access handler and the static request
 * parsing below it (fuzz/targets.list builds this file instead of mgmt/http.c). */
#include "../mgmt/http.c"
#include "../sg/config/config_schema.h"

/*
 * Without libmicrohttpd's socket and HTTP parser: the target plays MHD towards the server's
 * own callbacks, as MHD calls them for one request: the access handler first with the method
 * and the percent-decoded path (decoded by the server's MHD_OPTION_UNESCAPE_CALLBACK,
 * mgmt_unescape), then with the body in pieces, then once more to run it; then the
 * completion callback.  The connection functions the server calls (header lookup, responses,
 * suspend/resume) are defined here: they answer from the input's headers and capture the
 * status, headers and body queued (libmicrohttpd is linked for the daemon functions, which
 * are never called).
 *
 * The server is the real one (sg_mgmt_alloc from a config with a token): index, status,
 * config, the log collection (GET, PUT with its body validation) and two collections owned
 * by the management thread that validate PUT bodies exactly as sgd's routing-keys and
 * translations do (sg/sigtran.c: schema of an m3ua.as[] / translations[] entry with the name
 * from the path, then sg_config_parse_as / sg_config_parse_xlate against the config).
 *
 * Input: octet 0: method (GET, HEAD, PUT, POST, DELETE, PATCH, OPTIONS) and the size of the
 * body pieces; then NUL-separated fields: path, Authorization, Content-Type, Content-Length,
 * Transfer-Encoding (an empty field: header absent); the rest is the body.
 * Checks: exactly one answer; its body is JSON; a 4xx/5xx answer is
 * {"error": {"status": same, "reason": ...}}; 405 has an Allow header and 401 a
 * WWW-Authenticate header; nothing leaks.
 *
 * Seeds: fuzz/corpus/api/: the requests of tests/unit/test_mgmt.c and tests/e2e/api.sh,
 * sigtran_api.sh (index, status, config, log levels, routing keys, translations, bad paths,
 * %00, bad bodies, wrong token, wrong methods).
 */

#define TOKEN "fuzz-token-0123456789"

static const char config_json[] =
"{\n"
"  \"node\": { \"name\": \"fuzz-sg\" },\n"
"  \"management\": { \"listen\": \"127.0.0.1\", \"port\": 8080, \"token\": \"" TOKEN "\" },\n"
"  \"signalling_points\": [\n"
"    { \"name\": \"sg\", \"variant\": \"itu\", \"pc\": \"2-100-1\", \"ni\": \"national\" }\n"
"  ],\n"
"  \"spans\": [ { \"name\": \"e1\", \"type\": \"e1\", \"driver\": \"pw\",\n"
"      \"pw\": { \"local\": \"127.0.0.1:15001\", \"remote\": \"127.0.0.1:15002\" } } ],\n"
"  \"linksets\": [ { \"name\": \"ls\", \"sp\": \"sg\", \"adjacent_pc\": \"2-100-2\",\n"
"      \"links\": [ { \"name\": \"l0\", \"slc\": 0, \"span\": \"e1\", \"timeslot\": 16 } ] } ],\n"
"  \"m3ua\": {\n"
"    \"sp\": \"sg\",\n"
"    \"listen\": { \"addresses\": [\"127.0.0.1\"], \"port\": 2905 },\n"
"    \"rkm\": { \"mode\": \"dynamic\", \"provisioned_dpcs\": [\"3-0-6\", \"3-0-7\"] },\n"
"    \"asps\": [ { \"name\": \"asp1\", \"role\": \"sgp\", \"remote\": { \"addresses\": [\"127.0.0.1\"] } },\n"
"               { \"name\": \"asp2\", \"role\": \"sgp\", \"remote\": { \"addresses\": [\"127.0.0.2\"] } } ],\n"
"    \"as\": [ { \"name\": \"core\", \"routing_context\": 100, \"asps\": [\"asp1\"],\n"
"               \"routing_key\": { \"dpc\": [\"3-0-5\"], \"si\": [5] } } ]\n"
"  },\n"
"  \"translations\": [ { \"name\": \"core-as\", \"tdm\": { \"pc\": \"2-100-5\" }, \"ip\": { \"pc\": \"3-0-5\" } } ]\n"
"}\n";

/* ---- libmicrohttpd's side of one connection ---- */

struct MHD_Connection {
	const char *hdr[4];	/* Authorization, Content-Type, Content-Length, Transfer-Encoding */
	unsigned int queued;
	unsigned int status;
	bool suspended;
	bool has_allow, has_www_auth;
	char *body;
	size_t body_len;
	void *socket_context;	/* what mgmt_notify_conn() keeps per connection */
};

struct MHD_Response {
	void *buf;
	size_t len;
	enum MHD_ResponseMemoryMode mode;
	bool has_allow, has_www_auth;
};

const char *MHD_lookup_connection_value(struct MHD_Connection *c, enum MHD_ValueKind kind,
					const char *key)
{
	static const char *const names[] = { MHD_HTTP_HEADER_AUTHORIZATION,
					     MHD_HTTP_HEADER_CONTENT_TYPE,
					     MHD_HTTP_HEADER_CONTENT_LENGTH,
					     MHD_HTTP_HEADER_TRANSFER_ENCODING };

	if (kind != MHD_HEADER_KIND)
		return NULL;
	for (unsigned int i = 0; i < 4; i++)
		if (!strcasecmp(key, names[i]))
			return c->hdr[i];
	return NULL;
}

struct MHD_Response *MHD_create_response_from_buffer(size_t size, void *buffer,
						     enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->buf = buffer;
	r->len = size;
	r->mode = mode;
	return r;
}

enum MHD_Result MHD_add_response_header(struct MHD_Response *r, const char *header,
					const char *content)
{
	if (!content)
		abort();
	if (!strcmp(header, MHD_HTTP_HEADER_ALLOW))
		r->has_allow = content[0] != '\0';
	if (!strcmp(header, MHD_HTTP_HEADER_WWW_AUTHENTICATE))
		r->has_www_auth = true;
	return MHD_YES;
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *c, unsigned int status,
				   struct MHD_Response *r)
{
	if (c->queued++ || c->suspended)
		abort();
	c->status = status;
	c->has_allow = r->has_allow;
	c->has_www_auth = r->has_www_auth;
	c->body = malloc(r->len + 1);
	if (!c->body)
		abort();
	memcpy(c->body, r->buf, r->len);
	c->body[r->len] = '\0';
	c->body_len = r->len;
	return MHD_YES;
}

void MHD_destroy_response(struct MHD_Response *r)
{
	if (r->mode == MHD_RESPMEM_MUST_FREE)
		free(r->buf);
	free(r);
}

/* Only the socket context: no descriptor or client address (the per-address limit and the
 * deadlines act on real sockets, tests/e2e/api_slow.sh). */
const union MHD_ConnectionInfo *MHD_get_connection_info(struct MHD_Connection *c,
							enum MHD_ConnectionInfoType type, ...)
{
	static union MHD_ConnectionInfo ci;

	if (type != MHD_CONNECTION_INFO_SOCKET_CONTEXT)
		return NULL;
	ci.socket_context = c->socket_context;
	return &ci;
}

void MHD_suspend_connection(struct MHD_Connection *c)
{
	/* only collections of other threads suspend; this server has none */
	(void)c;
	abort();
}

void MHD_resume_connection(struct MHD_Connection *c)
{
	(void)c;
	abort();
}

/* ---- collections validating bodies as sg/sigtran.c does ---- */

static struct sg_config *cfg;
static struct sg_mgmt *mgmt;

static int body_check(struct json_object *body, const char *name, const struct sg_schema *schema,
		      struct sg_mgmt_err *err)
{
	struct json_object *named = json_object_get(body);
	char e[256];
	int rc;

	json_object_object_add(named, "name", json_object_new_string(name));
	rc = sg_schema_validate(schema, named, "", e, sizeof(e));
	json_object_put(named);
	if (rc < 0)
		sg_mgmt_err_set(err, 400, "%s", e);
	return rc;
}

static struct json_object *empty_list(void *priv, struct sg_mgmt_err *err)
{
	(void)priv;
	(void)err;
	return json_object_new_array();
}

static struct json_object *rk_set(void *priv, const char *item, struct json_object *body,
				  struct sg_mgmt_err *err)
{
	struct sg_cfg_m3ua_as ca;
	char e[256];

	(void)priv;
	if (body_check(body, item, &sg_config_as_schema, err) < 0)
		return NULL;
	if (sg_config_parse_as(cfg, body, "", &ca, e, sizeof(e)) < 0) {
		sg_mgmt_err_set(err, 400, "%s", e);
		return NULL;
	}
	return json_object_new_object();
}

static struct json_object *xl_set(void *priv, const char *item, struct json_object *body,
				  struct sg_mgmt_err *err)
{
	struct sg_cfg_xlate cx;
	char e[256];

	(void)priv;
	if (body_check(body, item, &sg_config_xlate_schema, err) < 0)
		return NULL;
	if (sg_config_parse_xlate(cfg, body, "", &cx, e, sizeof(e)) < 0) {
		sg_mgmt_err_set(err, 400, "%s", e);
		return NULL;
	}
	return json_object_new_object();
}

static struct json_object *del_cmd(void *priv, const char *item, const char *cmd,
				   struct json_object *args, struct sg_mgmt_err *err)
{
	(void)priv;
	(void)cmd;
	(void)args;
	sg_mgmt_err_set(err, 404, "no item named '%s'", item);
	return NULL;
}

static const struct sg_mgmt_cmd_desc del_cmds[] = {
	{ "delete", "remove it" },
	{ NULL }
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sg_mgmt_collection rk = {
		.name = "routing-keys", .description = "routing keys (bodies as sgd checks them)",
		.list = empty_list, .set = rk_set, .command = del_cmd, .commands = del_cmds,
	};
	struct sg_mgmt_collection xl = {
		.name = "translations", .description = "translation rules (bodies as sgd's)",
		.list = empty_list, .set = xl_set, .command = del_cmd, .commands = del_cmds,
	};
	struct sg_mgmt_params p;
	struct sg_thread *t;
	char err[256];

	(void)argc;
	(void)argv;
	sg_log_init(NULL, SG_LOG_STDERR, false);
	if (osmo_stderr_target)
		log_set_log_level(osmo_stderr_target, getenv("FUZZ_LOG") ? LOGL_DEBUG : LOGL_FATAL);
	sg_clock_virtual(0);
	cfg = sg_config_parse(NULL, config_json, "fuzz-api.json", err, sizeof(err));
	t = sg_thread_alloc(NULL, "mgmt", SG_THREAD_MGMT, 16);
	if (!cfg || !t) {
		fprintf(stderr, "%s\n", cfg ? "no thread" : err);
		abort();
	}
	sg_config_mgmt_params(cfg, &p);
	mgmt = sg_mgmt_alloc(NULL, &p, t);
	if (!mgmt || sg_mgmt_register(mgmt, &rk) < 0 || sg_mgmt_register(mgmt, &xl) < 0)
		abort();
	return 0;
}

/* the next NUL-terminated field of the input, or NULL at its end */
static char *field(const uint8_t **p, size_t *n)
{
	const uint8_t *z = memchr(*p, 0, *n);
	char *s;

	if (!z)
		return NULL;
	s = strndup((const char *)*p, z - *p);
	*n -= z - *p + 1;
	*p = z + 1;
	return s;
}

static void check_answer(const struct MHD_Connection *c)
{
	struct json_object *o, *e, *st;

	if (c->queued != 1)
		abort();
	if (getenv("FUZZ_LOG"))
		fprintf(stderr, "-> %u %s", c->status, c->body);
	o = json_tokener_parse(c->body);
	if (!o)
		abort();
	if (c->status >= 400) {
		if (!json_object_object_get_ex(o, "error", &e) ||
		    !json_object_object_get_ex(e, "status", &st) ||
		    json_object_get_int(st) != (int)c->status)
			abort();
	}
	if ((c->status == 405 && !c->has_allow) || (c->status == 401 && !c->has_www_auth))
		abort();
	json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = { "GET", "HEAD", "PUT", "POST", "DELETE", "PATCH",
					       "OPTIONS", "GET" };
	struct MHD_Connection c = { 0 };
	const uint8_t *p = data + 1;
	size_t n, piece, zero = 0;
	char *url, *f[4] = { NULL };
	void *con_cls = NULL;
	const char *method;
	enum MHD_Result r;

	if (size < 2)
		return 0;
	method = methods[data[0] & 7];
	piece = (data[0] >> 3) + 1;
	n = size - 1;
	url = field(&p, &n);
	if (!url)
		return 0;
	for (unsigned int i = 0; i < 4; i++) {
		f[i] = field(&p, &n);
		c.hdr[i] = f[i] && f[i][0] ? f[i] : NULL;
	}
	mgmt_notify_conn(mgmt, &c, &c.socket_context, MHD_CONNECTION_NOTIFY_STARTED);
	/* MHD decodes the path with the server's callback before the access handler */
	mgmt_unescape(mgmt, &c, url);
	r = mgmt_access(mgmt, &c, url, method, "HTTP/1.1", NULL, &zero, &con_cls);
	/* the body in pieces, then the final call, until an answer is queued */
	while (r == MHD_YES && !c.queued && n) {
		size_t len = n < piece ? n : piece;

		r = mgmt_access(mgmt, &c, url, method, "HTTP/1.1", (const char *)p, &len,
				&con_cls);
		if (len)
			abort();	/* the handler consumes every piece */
		p += n < piece ? n : piece;
		n -= n < piece ? n : piece;
	}
	if (r == MHD_YES && !c.queued)
		r = mgmt_access(mgmt, &c, url, method, "HTTP/1.1", NULL, &zero, &con_cls);
	if (r == MHD_YES && !c.queued)
		r = mgmt_access(mgmt, &c, url, method, "HTTP/1.1", NULL, &zero, &con_cls);
	/* MHD_NO closes the connection without an answer (a chunked body far too large) */
	if (r == MHD_YES)
		check_answer(&c);
	mgmt_completed(mgmt, &c, &con_cls, MHD_REQUEST_TERMINATED_COMPLETED_OK);
	mgmt_notify_conn(mgmt, &c, &c.socket_context, MHD_CONNECTION_NOTIFY_CLOSED);
	if (c.socket_context)
		abort();
	/* PUT /api/v1/log/... changes the log levels: back to quiet */
	for (unsigned int i = 0; i < _SG_LOG_CAT_MAX; i++)
		sg_log_set_level(i, LOGL_FATAL);
	free(c.body);
	free(url);
	for (unsigned int i = 0; i < 4; i++)
		free(f[i]);
	return 0;
}
