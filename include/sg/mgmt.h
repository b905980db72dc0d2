/* Management API: the HTTP/JSON server and the registry layers publish into. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

#include <sg/thread.h>

struct sg_mgmt;
struct sg_mgmt_part;

/* An error a callback reports: HTTP status (4xx/5xx) and a one-line reason,
 * served as {"error": {"status": N, "reason": "..."}}. */
struct sg_mgmt_err {
	int status;
	char reason[256];
};
void sg_mgmt_err_set(struct sg_mgmt_err *err, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct sg_mgmt_cmd_desc {
	const char *name;		/* URL segment, e.g. "start" */
	const char *description;
};

/*
 * A collection of objects published by a layer, served under
 * /api/v1/<name>.  The management code never sees the layer's structs: it
 * calls these callbacks, and it calls them on the owner thread (through the
 * owner's mailbox), so they may read and change the owner's objects freely.
 * Each returns a new json_object (ownership passes to the caller) or NULL
 * after filling err.  Unset callbacks answer 405.  body/args are borrowed
 * for the call (args is NULL when the POST has no body).  With a commands
 * table, unknown commands answer 404 without calling command().
 *
 *   GET  /api/v1/<name>                 list()    -> JSON array of items
 *   GET  /api/v1/<name>/<item>          get()     -> item, with "counters"
 *   PUT  /api/v1/<name>/<item>          set()     <- JSON object body
 *   POST /api/v1/<name>/<item>/<cmd>    command() <- optional JSON body
 */
struct sg_mgmt_collection {
	const char *name;
	const char *description;
	struct sg_thread *owner;	/* NULL: the management thread itself */
	void *priv;
	struct json_object *(*list)(void *priv, struct sg_mgmt_err *err);
	struct json_object *(*get)(void *priv, const char *item, struct sg_mgmt_err *err);
	struct json_object *(*set)(void *priv, const char *item, struct json_object *body,
				   struct sg_mgmt_err *err);
	struct json_object *(*command)(void *priv, const char *item, const char *cmd,
				       struct json_object *args, struct sg_mgmt_err *err);
	const struct sg_mgmt_cmd_desc *commands;	/* NULL-terminated, may be NULL */

	/*
	 * Partitioned collections: items spread over several threads (links
	 * on several TDM threads).  When num_parts > 0, owner and priv above
	 * are ignored; part i lives on parts[i].owner with parts[i].priv.
	 * list() runs on every part in turn and the arrays are concatenated;
	 * an item's request goes to the part route() names.  route() runs on
	 * the management thread and may only read immutable data (e.g. the
	 * configuration); it returns the part index, or -1 for "no such item"
	 * (404).  parts is copied at registration.
	 */
	unsigned int num_parts;
	const struct sg_mgmt_part *parts;
	int (*route)(void *route_priv, const char *item);
	void *route_priv;
};

struct sg_mgmt_part {
	struct sg_thread *owner;
	void *priv;
};

/* The management API's connection limits and request deadlines: defaults and the largest
 * connection limit (doc/config.md "management", doc/api.md "Limits"). */
#define SG_MGMT_CONNS_MAX		512
#define SG_MGMT_CONNS_DEFAULT		64
#define SG_MGMT_CONNS_PER_ADDR_DEFAULT	16
#define SG_MGMT_HEADER_TIMEOUT_MS	5000
#define SG_MGMT_REQUEST_TIMEOUT_MS	10000

/* What GET /api/v1/config shows for a secret that is set (management.token). */
#define SG_MGMT_SECRET_SHOWN "(set)"

/* The server's parameters (sgd takes them from its configuration's "management" and "node"
 * sections, sg_config_mgmt_params()).  Strings, the document and the threads are borrowed
 * for the sg_mgmt_alloc() call, which copies what it keeps. */
struct sg_mgmt_params {
	const char *listen;		/* numeric address to listen on */
	uint16_t port;			/* 0: any (sg_mgmt_port() tells which) */
	const char *token;		/* bearer token; NULL or "": none */
	bool loopback;			/* listen is a loopback address: a token is optional */
	const char *node_name;		/* GET /api/v1/status; NULL: "" */
	unsigned int max_conns;		/* connections at once; 0: SG_MGMT_CONNS_DEFAULT */
	unsigned int max_conns_per_addr;	/* from one address; 0: ..._PER_ADDR_DEFAULT */
	unsigned int header_timeout_ms;	/* request line and headers within; 0: default */
	unsigned int request_timeout_ms;	/* whole request within; 0: default */
	/* the document GET /api/v1/config serves (serialized here, the secrets of the
	 * "management" section shown as SG_MGMT_SECRET_SHOWN) and the file it came from;
	 * NULL: {} and none */
	struct json_object *config;
	const char *config_path;
	const char *version;		/* GET /api/v1/status; NULL: "unknown" */
	struct sg_thread **threads;	/* for GET /api/v1/status */
	unsigned int num_threads;
};

/* Create the server.  Call on the main thread before the management thread starts. */
struct sg_mgmt *sg_mgmt_alloc(void *ctx, const struct sg_mgmt_params *p,
			      struct sg_thread *mgmt_thread);
/* Publish a collection; before sg_mgmt_start() only (the registry is then
 * immutable and read by the management thread alone).  The struct is copied. */
int sg_mgmt_register(struct sg_mgmt *m, const struct sg_mgmt_collection *c);
/* Open the listening socket in the management thread's loop; call it on the
 * management thread (e.g. from its init hook).  Returns 0 or -errno. */
int sg_mgmt_start(struct sg_mgmt *m);
/* Close the socket and fail outstanding requests; on the management thread. */
void sg_mgmt_stop(struct sg_mgmt *m);
void sg_mgmt_free(struct sg_mgmt *m);
/* The port actually bound (useful with port 0 in tests). */
unsigned int sg_mgmt_port(const struct sg_mgmt *m);
/* How long a request waits for its owner thread's answer before it is
 * answered 503 (default 10000 ms); before sg_mgmt_start() only. */
void sg_mgmt_set_call_timeout(struct sg_mgmt *m, unsigned int ms);
