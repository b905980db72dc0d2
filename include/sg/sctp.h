/* SCTP transport for M3UA/SUA: one interface over kernel SCTP (lksctp) and usrsctp. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <json-c/json.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/utils.h>

/*
 * One sg_sctp instance carries any number of listening endpoints and client
 * connectors; each SCTP association on them has a uint32_t id, unique for
 * the life of the process (never a pointer across threads).
 *
 * Threads (doc/sctp.md):
 *  - socket I/O runs on the `io` thread (kernel: the sockets' osmo_fds are
 *    in its loop; usrsctp: usrsctp's own threads move packets and wake the
 *    io thread through an eventfd, the io thread then reads and writes the
 *    usrsctp sockets);
 *  - every callback of struct sg_sctp_ops runs on the `owner` thread, and
 *    the API (listen, connect, send, close, abort, free) is called there;
 *  - requests and events cross between the two through mailboxes; neither
 *    blocks on the other except in sg_sctp_listen/connect/conn_stop/free,
 *    which wait for the io thread to open or close sockets (no network wait).
 *  - NULL io or owner: the calling thread of sg_sctp_alloc() (an sg_thread, or
 *    a plain thread that called sg_loop_init() and runs sg_loop_once()).
 *
 * Sockets are one-to-one style (SOCK_STREAM): one socket per association,
 * accepted from a listening socket or connected by a connector.
 */

#define SG_SCTP_MAX_ADDRS 8	/* local or remote addresses (multi-homing) */

enum sg_sctp_transport {
	SG_SCTP_AUTO,		/* kernel when it has SCTP, else usrsctp */
	SG_SCTP_KERNEL,		/* lksctp, <netinet/sctp.h> */
	SG_SCTP_USRSCTP,	/* userland SCTP (libusrsctp) */
};
extern const struct value_string sg_sctp_transport_names[];

enum sg_sctp_usrsctp_mode {
	SG_SCTP_USRSCTP_UDP,	/* SCTP over UDP, RFC 6951 */
	SG_SCTP_USRSCTP_RAW,	/* SCTP over IP on raw sockets (root only) */
};
extern const struct value_string sg_sctp_usrsctp_mode_names[];

/* Why an association went down (after it was reported up). */
enum sg_sctp_down_reason {
	SG_SCTP_DOWN_SHUTDOWN,		/* the peer shut it down gracefully */
	SG_SCTP_DOWN_CLOSED,		/* we closed it (sg_sctp_close) */
	SG_SCTP_DOWN_PEER_ABORT,	/* the peer sent ABORT */
	SG_SCTP_DOWN_ABORTED,		/* we aborted it (sg_sctp_abort, sg_sctp_conn_stop) */
	SG_SCTP_DOWN_LOST,		/* retransmissions exhausted / socket error */
	SG_SCTP_DOWN_RESTART,		/* the peer restarted (ops->restart NULL) */
};
extern const struct value_string sg_sctp_down_reason_names[];

/* Association parameters; 0 (false for nodelay's inverse) = the stack's default. */
struct sg_sctp_params {
	uint16_t out_streams;		/* SCTP_INITMSG sinit_num_ostreams (default 16) */
	uint16_t in_streams;		/* sinit_max_instreams (default 16) */
	uint16_t max_init_attempts;	/* sinit_max_attempts */
	uint32_t max_init_timeo_ms;	/* sinit_max_init_timeo */
	uint32_t rto_initial_ms;	/* SCTP_RTOINFO */
	uint32_t rto_min_ms;
	uint32_t rto_max_ms;
	uint32_t hb_interval_ms;	/* SCTP_PEER_ADDR_PARAMS spp_hbinterval */
	bool hb_disable;		/* no heartbeats at all */
	uint16_t path_max_retrans;	/* spp_pathmaxrxt */
	uint16_t assoc_max_retrans;	/* SCTP_ASSOCINFO sasoc_asocmaxrxt */
	bool delay;			/* Nagle on (SCTP_NODELAY off); default off */
};

struct sg_sctp_cfg {
	enum sg_sctp_transport transport;
	uint16_t udp_port;		/* usrsctp UDP mode: local UDP port (one per process) */
	enum sg_sctp_usrsctp_mode usrsctp_mode;
	unsigned int send_queue_max;	/* messages queued per association when the
					 * socket is full (0: 1024); beyond: dropped */
	unsigned int rx_max;		/* largest message accepted (0: 65536) */
};

struct sg_sctp_assoc_info {
	uint32_t assoc_id;
	enum sg_sctp_transport transport;
	uint16_t in_streams, out_streams;
	struct sockaddr_storage local[SG_SCTP_MAX_ADDRS];	/* with our port */
	unsigned int nlocal;
	struct sockaddr_storage peer[SG_SCTP_MAX_ADDRS];	/* with the peer's port */
	unsigned int npeer;
	struct sockaddr_storage primary;	/* primary path (peer address) */
};

/* Callbacks, all run on the owner thread. */
struct sg_sctp_ops {
	/* Listening endpoints only (NULL: accept all): return false to refuse the
	 * peer: the association is aborted and counted in "assoc_refused". */
	bool (*accept)(void *priv, uint32_t assoc_id, const struct sockaddr_storage *peers,
		       unsigned int npeers);
	/* The association is established (and accepted). */
	void (*up)(void *priv, uint32_t assoc_id, const struct sg_sctp_assoc_info *info);
	/* A message: the callee owns msg (payload at msg->data, msg->l3h set). */
	void (*data)(void *priv, uint32_t assoc_id, uint16_t stream, uint32_t ppid,
		     struct msgb *msg);
	/* The association is gone; the id is dead.  Called once per up(). */
	void (*down)(void *priv, uint32_t assoc_id, enum sg_sctp_down_reason why);
	/* Optional: the peer restarted the association (SCTP_RESTART); the id
	 * stays.  When NULL, down(SG_SCTP_DOWN_RESTART) then up() are called. */
	void (*restart)(void *priv, uint32_t assoc_id, const struct sg_sctp_assoc_info *info);
};

/* A listening endpoint (server side). */
struct sg_sctp_ep_cfg {
	const char *name;		/* for logs and JSON (copied) */
	struct sockaddr_storage addrs[SG_SCTP_MAX_ADDRS];	/* local, ports ignored */
	unsigned int naddrs;		/* at least 1 (usrsctp: never the wildcard) */
	uint16_t port;
	struct sg_sctp_params params;
	const struct sg_sctp_ops *ops;
	void *priv;
};

/* A client connector: connects, and reconnects whenever its association
 * fails, is refused or goes down, until sg_sctp_conn_stop(). */
struct sg_sctp_conn_cfg {
	const char *name;
	struct sockaddr_storage local[SG_SCTP_MAX_ADDRS];	/* optional; ports ignored */
	unsigned int nlocal;
	uint16_t local_port;		/* 0: ephemeral */
	struct sockaddr_storage remote[SG_SCTP_MAX_ADDRS];	/* ports ignored */
	unsigned int nremote;		/* at least 1 */
	uint16_t remote_port;
	uint16_t remote_udp_port;	/* UDP encapsulation port of the peer (usrsctp UDP
					 * mode; kernel: needs net.sctp.udp_port); 0: none */
	uint32_t reconnect_ms;		/* delay before (re)connecting (0: 1000) */
	struct sg_sctp_params params;
	const struct sg_sctp_ops *ops;
	void *priv;
};

struct sg_thread;
struct sg_sctp;

/* Is kernel SCTP available (socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP) works)? */
bool sg_sctp_kernel_probe(void);
/* Resolve `auto`: kernel if probe() (NULL: sg_sctp_kernel_probe) says so, else usrsctp. */
enum sg_sctp_transport sg_sctp_transport_select(enum sg_sctp_transport want, bool (*probe)(void));

/* Parse "1.2.3.4" or "::1" into *ss with the given port.  0 or -EINVAL. */
int sg_sctp_addr_parse(struct sockaddr_storage *ss, const char *str, uint16_t port);
/* "1.2.3.4:2905" / "[::1]:2905" into buf. */
const char *sg_sctp_addr_str(const struct sockaddr_storage *ss, char *buf, size_t len);

/* Create an instance (on the owner thread, io thread running).  NULL on error
 * (e.g. usrsctp already running with another UDP port in this process, raw
 * mode without root, kernel SCTP missing when `kernel` is asked for). */
struct sg_sctp *sg_sctp_alloc(void *ctx, const struct sg_sctp_cfg *cfg, struct sg_thread *io,
			      struct sg_thread *owner);
/* Close every association (graceful SHUTDOWN) and socket, free the instance;
 * on the owner thread.  The io thread should still run (if it stopped already
 * the sockets are closed from here). */
void sg_sctp_free(struct sg_sctp *s);
/* The transport in use (kernel or usrsctp, never auto). */
enum sg_sctp_transport sg_sctp_transport(const struct sg_sctp *s);

/* Open a listening endpoint; returns its id (>0) or a negative errno. */
int sg_sctp_listen(struct sg_sctp *s, const struct sg_sctp_ep_cfg *cfg);
/* Start a connector; returns its id (>0) or a negative errno.  The first
 * attempt is made at once, later ones reconnect_ms after a failure. */
int sg_sctp_connect(struct sg_sctp *s, const struct sg_sctp_conn_cfg *cfg);
/* Stop a connector: abort its association (down(ABORTED)) and stop retrying. */
int sg_sctp_conn_stop(struct sg_sctp *s, int conn_id);

/* Send msg (payload msg->data, msg->len) on a stream with a PPID (host order).
 * Takes ownership of msg whatever the result.  Never blocks: when the socket
 * is full the message waits in a bounded queue (beyond: dropped and counted).
 * -ENOENT unknown or not up id, -EINVAL stream >= the negotiated outbound
 * streams, -ENOSPC the io thread's mailbox is full. */
int sg_sctp_send(struct sg_sctp *s, uint32_t assoc_id, uint16_t stream, uint32_t ppid,
		 struct msgb *msg);
/* Graceful SHUTDOWN / ABORT of an association; down() follows.  -ENOENT. */
int sg_sctp_close(struct sg_sctp *s, uint32_t assoc_id);
int sg_sctp_abort(struct sg_sctp *s, uint32_t assoc_id);

/* Management view; callable from any thread (a mutex guards the data):
 * {"transport":..., "endpoints":[...], "assocs":[...]} */
struct json_object *sg_sctp_json(struct sg_sctp *s);
/* [ {id, state, endpoint, local, peer, primary, in/out streams, transport,
 *    counters}, ... ] */
struct json_object *sg_sctp_assocs_json(struct sg_sctp *s);
/* One association, or NULL when unknown. */
struct json_object *sg_sctp_assoc_json(struct sg_sctp *s, uint32_t assoc_id);
/* [ {id, name, type listen|connect, addresses, port, counters}, ... ] */
struct json_object *sg_sctp_endpoints_json(struct sg_sctp *s);

/* Allow-list helper for ops->accept: true when one of the peer's addresses
 * equals one of allowed[] (addresses only, ports ignored). */
bool sg_sctp_peer_allowed(const struct sockaddr_storage *peers, unsigned int npeers,
			  const struct sockaddr_storage *allowed, unsigned int nallowed);
