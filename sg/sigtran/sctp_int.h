/* SCTP transport internals: the instance, its endpoints and associations, the backend table. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/select.h>

#include <sg/counter.h>
#include <sg/log.h>
#include <sg/sctp.h>
#include <sg/timer.h>

/*
 * Who touches what (doc/sctp.md "Threads"):
 *  [io]    only the io thread (or the calling thread when io is local)
 *  [owner] only the owner thread
 *  [lock]  anyone holding s->lock (the management view)
 *  [const] set before the object is shared, then read-only
 */

struct sg_sctp;
struct sctp_ep;
struct sctp_assoc;

enum sctp_sock_kind { SCTP_SK_LISTEN, SCTP_SK_ASSOC };

/* One backend socket: a listening socket (in an sctp_ep) or an association's
 * one-to-one socket (in an sctp_assoc).  [io] */
struct sctp_sock {
	struct sg_sctp *s;
	enum sctp_sock_kind kind;
	bool open;
	int fd;			/* kernel */
	struct osmo_fd ofd;	/* kernel: in the io thread's loop */
	void *so;		/* usrsctp: struct socket * */
	bool bound;		/* usrsctp: bound to explicit addresses */
	uint16_t bind_port;	/* usrsctp: local port asked for */
	bool want_write;
	bool rx_off;		/* not read while the instance's intake is paused */
};

/* A received message or notification, in backend-neutral form. */
enum sctp_ntf {
	SCTP_NTF_NONE,		/* user data */
	SCTP_NTF_ASSOC_CHANGE,
	SCTP_NTF_PADDR_CHANGE,
	SCTP_NTF_SHUTDOWN,	/* the peer sent SHUTDOWN */
	SCTP_NTF_SEND_FAILED,
	SCTP_NTF_OTHER,
};
enum sctp_ac {
	SCTP_AC_UP,
	SCTP_AC_LOST,
	SCTP_AC_RESTART,
	SCTP_AC_SHUTDOWN_COMP,
	SCTP_AC_CANT_START,
	SCTP_AC_OTHER,
};
struct sctp_rcv {
	bool eor;		/* last piece of a message */
	enum sctp_ntf ntf;
	uint16_t stream;
	uint32_t ppid;		/* host order */
	/* SCTP_NTF_ASSOC_CHANGE */
	enum sctp_ac ac;
	uint16_t ac_error;
	bool peer_abort;	/* COMM_LOST carries the peer's ABORT chunk */
	/* SCTP_NTF_PADDR_CHANGE */
	struct sockaddr_storage paddr;
	int paddr_state;	/* backend's SCTP_ADDR_* value */
	const char *paddr_state_name;
};

/* Everything that differs between kernel SCTP and usrsctp.  All but init and
 * fini run on the io thread; negative errno on failure. */
struct sctp_backend {
	enum sg_sctp_transport transport;
	/* set up / tear down the instance's io side (on the io thread; io_dead:
	 * the io thread is gone, touch neither its loop nor its timers) */
	int (*init)(struct sg_sctp *s);
	void (*fini)(struct sg_sctp *s, bool io_dead);
	/* a non-blocking one-to-one socket with our options and events */
	int (*open)(struct sg_sctp *s, struct sctp_sock *sk, int family,
		    const struct sg_sctp_params *p);
	int (*bind)(struct sctp_sock *sk, const struct sockaddr_storage *a, unsigned int n,
		    uint16_t port);
	int (*listen)(struct sctp_sock *sk);
	/* 0 and nsk set up, -EAGAIN when none is pending */
	int (*accept)(struct sctp_sock *lsk, struct sctp_sock *nsk);
	/* 0 or -EINPROGRESS */
	int (*connect)(struct sctp_sock *sk, const struct sockaddr_storage *a, unsigned int n,
		       uint16_t port, uint16_t udp_port);
	/* bytes sent, -EAGAIN when the socket is full */
	int (*send)(struct sctp_sock *sk, uint16_t stream, uint32_t ppid, const uint8_t *data,
		    size_t len);
	/* bytes (r filled), 0 end of association, -EAGAIN nothing to read */
	int (*recv)(struct sctp_sock *sk, uint8_t *buf, size_t len, struct sctp_rcv *r);
	int (*info)(struct sctp_sock *sk, struct sg_sctp_assoc_info *info);
	int (*shutdown)(struct sctp_sock *sk);
	void (*close)(struct sctp_sock *sk, bool abort, bool io_dead);
	void (*want_write)(struct sctp_sock *sk, bool on);
	/* stop (on false) or resume watching the socket for reading: the receive
	 * backpressure (doc/sctp.md "Receive backpressure") */
	void (*want_read)(struct sctp_sock *sk, bool on);
};

/* Receive buffer of every socket (SO_RCVBUF, asked before listen/connect, inherited by
 * accepted sockets): what a peer may have in flight towards us while we do not read. */
#define SCTP_RCVBUF (256 * 1024)

extern const struct sctp_backend sctp_kernel_backend;
extern const struct sctp_backend sctp_usrsctp_backend;
/* Each backend's decoder of a notification (union sctp_notification of its own API, n octets
 * as received) into r; exposed for fuzz/fuzz_sctp_ntf.c. */
void sctp_kernel_notification(const uint8_t *buf, size_t n, struct sctp_rcv *r);
void sctp_usrsctp_notification(const uint8_t *buf, size_t n, struct sctp_rcv *r);

/* Endpoint counters */
enum {
	SCTP_EP_ACCEPTED,
	SCTP_EP_REFUSED,
	SCTP_EP_CONNECTS,
	SCTP_EP_CONNECT_FAILURES,
	SCTP_EP_ACCEPT_ERRORS,
	_SCTP_EP_CTR_MAX
};
/* Association counters */
enum {
	SCTP_A_TX_MSGS,
	SCTP_A_TX_BYTES,
	SCTP_A_RX_MSGS,
	SCTP_A_RX_BYTES,
	SCTP_A_TX_QUEUED,
	SCTP_A_TXQ_DROPS,
	SCTP_A_TX_ERRORS,
	SCTP_A_RX_OVERSIZE,
	SCTP_A_RESTARTS,
	SCTP_A_PATH_CHANGES,
	SCTP_A_SEND_FAILED,
	_SCTP_A_CTR_MAX
};

enum sctp_conn_state { SCTP_CONN_WAIT, SCTP_CONN_ACTIVE, SCTP_CONN_STOPPED };

/* A listening endpoint or a client connector; lives as long as the instance. */
struct sctp_ep {
	struct llist_head list;		/* s->eps [lock]; changed on the owner */
	struct llist_head io_list;	/* s->io_eps [io]: listening ones */
	int id;				/* [const] */
	bool is_conn;			/* [const] */
	char name[64];			/* [const] */
	struct sg_sctp_ep_cfg lcfg;	/* [const] listen */
	struct sg_sctp_conn_cfg ccfg;	/* [const] connect */
	const struct sg_sctp_ops *ops;	/* [const] */
	struct sg_log_limit log_refused;	/* [owner] "association refused" lines */
	void *priv;			/* [const] */

	struct sg_ctr_group *ctr;	/* [lock] */
	bool listening;			/* [lock] */
	enum sctp_conn_state cstate;	/* [lock] */

	struct sctp_sock lsk;		/* [io] listening socket */
	struct sctp_assoc *cur;		/* [io] connector's association */
	struct sg_timer reconnect;	/* [io] */
};

enum sctp_astate {
	SCTP_A_CONNECTING,
	SCTP_A_ESTABLISHED,
	SCTP_A_SHUTTING_DOWN,
	SCTP_A_CLOSED,
};
extern const struct value_string sctp_astate_names[];

/* An association, io side. */
struct sctp_assoc {
	struct llist_head list;		/* s->assocs: added/removed on io [lock] */
	uint32_t id;			/* [const] */
	struct sctp_ep *ep;		/* [const] */
	struct sctp_sock sk;		/* [io] */
	bool reported;			/* [io] E_UP/E_ACCEPT posted to the owner */
	bool local_close, peer_shutdown;	/* [io] */
	struct llist_head txq;		/* [io] msgbs waiting for room */
	unsigned int txq_len;		/* [io] */
	struct msgb *rx_part;		/* [io] message being reassembled */
	bool rx_discard;		/* [io] the current message is too large */

	enum sctp_astate state;		/* [lock] written on io */
	struct sg_sctp_assoc_info info;	/* [lock] */
	struct sg_ctr_group *ctr;	/* [lock] */
};

/* A local mailbox: for a NULL io or owner thread (events handled from the
 * loop of the thread that called sg_sctp_alloc). */
struct sctp_local_mbox {
	pthread_mutex_t lock;
	struct llist_head q;
	struct osmo_fd ofd;		/* eventfd in the allocating thread's loop */
};

struct sg_sctp {
	struct llist_head reg_list;	/* global registry of live instances */
	uint32_t inst_id;		/* [const] */
	void *ctx;
	struct sg_sctp_cfg cfg;		/* [const] */
	enum sg_sctp_transport transport;	/* [const] */
	const struct sctp_backend *be;	/* [const] */
	struct sg_thread *io, *owner;	/* [const] NULL: local */
	bool local;			/* [const] a local mailbox exists */
	struct sctp_local_mbox lmb;

	pthread_mutex_t lock;
	struct llist_head eps;		/* struct sctp_ep [lock] */
	struct llist_head assocs;	/* struct sctp_assoc [lock] */
	uint64_t tx_no_assoc;		/* [lock] sends for dead associations */
	uint64_t tx_mailbox_full;	/* [lock] sends refused: io mailbox full */
	uint64_t rx_owner_drops;	/* [lock] messages dropped: owner mailbox full */
	uint64_t rx_pauses, rx_resumes;	/* [lock] receive backpressure on / off */

	/* Receive backpressure: messages (and their bytes) read from the sockets and
	 * not yet handed to the owner's callback, in its mailbox or in the backlog.
	 * Added on io, taken off on the owner (or on io for a dropped item): atomics. */
	unsigned int rx_inflight;
	size_t rx_inflight_bytes;
	bool rx_paused_flag;		/* atomic copy of rx_paused, read by the owner */
	bool rx_resume_asked;		/* atomic: the owner posted I_RESUME */
	bool rx_paused;			/* [io] the sockets are not read */
	struct sg_timer rx_resume_timer;	/* [io] re-checks while paused */

	struct llist_head own;		/* [owner] struct sctp_own */
	struct llist_head io_eps;	/* [io] listening struct sctp_ep */

	struct llist_head backlog;	/* [io] events waiting for room at the owner */
	unsigned int backlog_len;	/* [io] */
	struct sg_timer backlog_timer;	/* [io] */
	bool io_up;			/* [io] */
	bool io_dead;			/* [io] tearing down after the io thread stopped */
	void *be_priv;			/* [io] backend state */
	uint8_t *rxbuf;			/* [io] */
	size_t rxbuf_len;
};

/* Called by the backends on the io thread when a socket may be read (or
 * accepted on) or written. */
#define SCTP_READY_READ  1
#define SCTP_READY_WRITE 2
void sctp_io_ready(struct sctp_sock *sk, unsigned int what);
/* The usrsctp backend's scan: every open socket of the instance. */
void sctp_io_scan(struct sg_sctp *s, unsigned int (*events)(struct sctp_sock *sk));

/* Pack sockaddr_storage entries into the contiguous sockaddr_in/in6 array
 * sctp_bindx/sctp_connectx expect, with the port set; returns bytes. */
size_t sctp_pack_addrs(uint8_t *buf, size_t buflen, const struct sockaddr_storage *a,
		       unsigned int n, uint16_t port);
/* Unpack the array sctp_getpaddrs returns. */
unsigned int sctp_unpack_addrs(struct sockaddr_storage *out, unsigned int max,
			       const struct sockaddr *in, int n);
/* The family for a socket bound/connected to these addresses. */
int sctp_addrs_family(const struct sockaddr_storage *a, unsigned int n);
