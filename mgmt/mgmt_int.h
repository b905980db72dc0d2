/* Management API internals shared by mgmt/http.c, mgmt/registry.c and mgmt/api_log.c. */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/select.h>

#include <sg/counter.h>
#include <sg/log.h>
#include <sg/mgmt.h>
#include <sg/name.h>
#include <sg/thread.h>
#include <sg/timer.h>

#define MGMT_PREFIX		"/api/v1"
#define MGMT_SEG_MAX		64		/* path segment, with its NUL */
#define MGMT_DEPTH_MAX		3		/* <collection>/<item>/<command> */
#define MGMT_BODY_MAX		(64 * 1024)	/* request body */
#define MGMT_DISCARD_MAX	(1024 * 1024)	/* chunked body read past the limit */
#define MGMT_CONN_MEMORY	(32 * 1024)	/* MHD buffer per connection */
#define MGMT_CONN_TIMEOUT_S	30		/* idle connection (MHD: reset by every byte) */
#define MGMT_CALL_TIMEOUT_MS	10000		/* answer from an owner thread */
#define MGMT_JSON_DEPTH		32
#define MGMT_MAX_CMDS		64

/* Counters of the management server, served in GET /api/v1/status. */
enum mgmt_ctr {
	MGMT_CTR_REQ,
	MGMT_CTR_2XX,
	MGMT_CTR_4XX,
	MGMT_CTR_5XX,
	MGMT_CTR_AUTH_FAIL,
	MGMT_CTR_CALL_REMOTE,
	MGMT_CTR_CALL_REFUSED,
	MGMT_CTR_CALL_TIMEOUT,
	MGMT_CTR_CONN_ACCEPTED,
	MGMT_CTR_CONN_REFUSED,
	MGMT_CTR_CONN_HDR_TIMEOUT,
	MGMT_CTR_CONN_REQ_TIMEOUT,
	_MGMT_CTR_MAX
};

/* A registered collection: a copy of the layer's description, its strings
 * and command table copied onto the sg_mgmt. */
struct mgmt_coll {
	struct sg_mgmt_collection c;
	unsigned int num_cmds;
	char owner_name[SG_NAME_MAX];	/* for messages; "mgmt" when owner is NULL */
};

enum mgmt_op {
	MGMT_OP_LIST,
	MGMT_OP_GET,
	MGMT_OP_SET,
	MGMT_OP_COMMAND,
};

struct mgmt_thread_info {
	char *name;
	enum sg_thread_role role;
};

struct mgmt_conn;
struct mgmt_job;
struct MHD_Daemon;

/*
 * Written on the main thread by sg_mgmt_alloc()/sg_mgmt_register(), then
 * used by the management thread alone (no talloc allocation hangs off it
 * once the management thread runs: talloc is not thread safe).
 */
struct sg_mgmt {
	struct sg_thread *thread;

	/* copied from the config and the status info */
	char listen[64];
	uint16_t port;
	char token[128];
	size_t token_len;
	bool loopback;
	char node_name[SG_NAME_MAX];
	char *version;
	char *config_path;		/* NULL: none */
	char *config_json;		/* serialized running config, with '\n' */
	size_t config_json_len;
	struct mgmt_thread_info *threads;
	unsigned int num_threads;
	uint64_t start_ns;
	unsigned int call_timeout_ms;
	unsigned int max_conns;			/* management.max_connections */
	unsigned int max_conns_per_addr;	/* management.max_connections_per_address */
	unsigned int header_timeout_ms;		/* management.header_timeout_ms */
	unsigned int request_timeout_ms;	/* management.request_timeout_ms */

	/* registry: immutable once started */
	struct mgmt_coll *colls;
	unsigned int num_colls;

	/* management thread only */
	bool started;
	bool stopping;
	struct MHD_Daemon *daemon;
	struct osmo_fd ofd;
	struct sg_timer timer;
	unsigned int bound_port;
	struct llist_head jobs;		/* struct mgmt_job: waiting for an owner thread */
	struct llist_head socks;	/* struct mgmt_sock: every open connection */
	unsigned int num_socks;
	struct sg_ctr_group *ctrs;
	/* log lines a client can repeat at will */
	struct sg_log_limit log_refused;	/* per-address limit */
	struct sg_log_limit log_deadline;	/* header or request deadline */
	struct sg_log_limit log_mhd;		/* libmicrohttpd's own messages */
};

/* registry.c */
struct json_object *mgmt_error_json(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const struct mgmt_coll *mgmt_coll_find(const struct sg_mgmt *m, const char *name);
const struct sg_mgmt_cmd_desc *mgmt_cmd_find(const struct mgmt_coll *mc, const char *cmd);
struct json_object *mgmt_index_json(const struct sg_mgmt *m);
bool mgmt_name_valid(const char *name);

/*
 * Run op on a collection.  body (may be NULL) is taken over in all cases.
 * Collections of the management thread are run at once: returns the HTTP
 * status and sets *out (the answer or an error document; NULL only when out
 * of memory).  Others are posted to the owner thread: returns 0 and sets
 * *jobp; the caller suspends conn, and mgmt_http_complete() delivers the
 * answer later (or the job is dropped with mgmt_job_abandon()).
 */
int mgmt_dispatch(struct sg_mgmt *m, const struct mgmt_coll *mc, enum mgmt_op op,
		  const char *item, const char *cmd, struct json_object *body,
		  struct mgmt_conn *conn, struct mgmt_job **jobp, struct json_object **out);
/* The connection no longer waits for the job: never call back for it. */
void mgmt_job_abandon(struct mgmt_job *job);
/* Answer every waiting connection with 503 and abandon its job. */
void mgmt_jobs_fail_all(struct sg_mgmt *m, const char *reason);

/* http.c: deliver the answer of a job to its (suspended) connection;
 * takes over json (may be NULL: out of memory). */
void mgmt_http_complete(struct sg_mgmt *m, struct mgmt_conn *conn, int status,
			struct json_object *json);

/* api_log.c */
int mgmt_log_register(struct sg_mgmt *m);
