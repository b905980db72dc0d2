/* Unit tests of the TDM pseudowire driver "pw" (RFC 5086 CESoPSN, RFC 4553) on loopback UDP. */

/*
 * Time is virtual (sg_clock_virtual): each step advances the clock by one
 * packet period, which runs the spans' ticks (one packet sent, one played
 * out), then sg_loop_once(0) lets the spans read what loopback delivered.
 * A "peer" is a plain UDP socket of the test standing for the remote end: it
 * reads the span's packets and sends crafted ones.  The last test runs a
 * pair of spans on the monotonic clock for about 100 ms.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <talloc.h>
#include <osmocom/core/utils.h>

#include <sg/adapter.h>
#include <sg/counter.h>
#include <sg/log.h>
#include <sg/thread.h>
#include <sg/timer.h>

#include "cu_main.h"

extern struct sg_adapter_driver sg_pw_driver;
void sg_pw_set_tx_seq(struct sg_span *span, uint16_t seq);

#define E1_OPF		31
#define FPP		8
#define E1_PAYLOAD	(FPP * E1_OPF)
#define RX_MAX		65536
#define MAX_ALARM_LOG	32

static void *ctx;

/* ---- a channel user: tx counter, rx recorder, alarm log ---- */

struct user {
	uint8_t next_tx;
	unsigned int tx_mod;		/* counter modulo (256 or 255) */
	size_t last_tx_n;
	uint8_t rx[RX_MAX];
	size_t rx_len;
	size_t last_rx_n;
	uint32_t alarm_log[MAX_ALARM_LOG];
	unsigned int alarm_calls;
};

static void user_tx(void *p, uint8_t *o, size_t n)
{
	struct user *u = p;

	for (size_t i = 0; i < n; i++) {
		o[i] = u->next_tx;
		u->next_tx = (u->next_tx + 1) % u->tx_mod;
	}
	u->last_tx_n = n;
}

static void user_rx(void *p, const uint8_t *o, size_t n)
{
	struct user *u = p;

	for (size_t i = 0; i < n && u->rx_len < RX_MAX; i++)
		u->rx[u->rx_len++] = o[i];
	u->last_rx_n = n;
}

static void user_alarm(void *p, uint32_t alarms)
{
	struct user *u = p;

	if (u->alarm_calls < MAX_ALARM_LOG)
		u->alarm_log[u->alarm_calls] = alarms;
	u->alarm_calls++;
}

static const struct sg_chan_ops user_ops = {
	.rx_bits = user_rx,
	.tx_bits = user_tx,
	.alarm = user_alarm,
};

static struct user *user_new(uint8_t start)
{
	struct user *u = talloc_zero(ctx, struct user);

	u->next_tx = start;
	u->tx_mod = 256;
	return u;
}

/* ---- sockets and spans ---- */

/* A UDP socket bound to an ephemeral port of addr (127.0.0.1 or ::1). */
static int udp_bound(int family, uint16_t *port)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	CU_ASSERT_FATAL(fd >= 0);
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		len = sizeof(*sin6);
	}
	CU_ASSERT_FATAL(bind(fd, (struct sockaddr *)&ss, len) == 0);
	CU_ASSERT_FATAL(getsockname(fd, (struct sockaddr *)&ss, &len) == 0);
	*port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
		      ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

/* Two distinct free ports (the probe sockets are closed before use). */
static void free_ports(int family, uint16_t *a, uint16_t *b)
{
	int fa = udp_bound(family, a), fb = udp_bound(family, b);

	close(fa);
	close(fb);
}

static void hostport(char *buf, size_t len, int family, uint16_t port)
{
	snprintf(buf, len, family == AF_INET ? "127.0.0.1:%u" : "[::1]:%u", port);
}

/* A pw span's configuration, its settings given as the configuration's "pw" section */
static struct sg_span_cfg cfg_init(const char *name, enum sg_span_type type, unsigned int fpp,
				   unsigned int jitter_ms, bool unframed, int family,
				   uint16_t local, uint16_t remote)
{
	char json[256], l[64], r[64], err[256] = "";
	const void *drv_cfg;

	hostport(l, sizeof(l), family, local);
	hostport(r, sizeof(r), family, remote);
	snprintf(json, sizeof(json), "{ \"local\": \"%s\", \"remote\": \"%s\", "
		 "\"frames_per_packet\": %u, \"jitter_ms\": %u, \"unframed\": %s }", l, r, fpp,
		 jitter_ms, unframed ? "true" : "false");
	drv_cfg = sg_adapter_cfg_json(ctx, "pw", json, type, err, sizeof(err));
	if (!drv_cfg)
		fprintf(stderr, "cfg_init: %s\n", err);
	CU_ASSERT_FATAL(drv_cfg != NULL);
	return (struct sg_span_cfg){ .name = name, .type = type, .driver = "pw",
				     .drv_cfg = drv_cfg };
}

static struct sg_span *span_open(const struct sg_span_cfg *cfg)
{
	char err[128] = "";
	struct sg_span *span = sg_span_open(ctx, cfg, err, sizeof(err));

	if (!span)
		fprintf(stderr, "span_open: %s\n", err);
	CU_ASSERT_FATAL(span != NULL);
	CU_ASSERT_FATAL(span->ctr != NULL);
	return span;
}

static struct sg_chan *chan_open(struct sg_span *span, unsigned int ts, enum sg_chan_rate rate,
				 struct user *u)
{
	char err[128] = "";
	struct sg_chan *chan = sg_chan_open(span, ts, SG_ADAPTER_MODE_BITS, rate, &user_ops, u,
					    err, sizeof(err));

	if (!chan)
		fprintf(stderr, "chan_open: %s\n", err);
	CU_ASSERT_FATAL(chan != NULL);
	CU_ASSERT(chan->msb_first);
	return chan;
}

static uint64_t ctr(const struct sg_span *span, const char *name)
{
	const struct sg_ctr_group *g = span->ctr;

	for (unsigned int i = 0; i < g->desc->num; i++)
		if (!strcmp(g->desc->ctr[i].name, name))
			return g->v[i];
	CU_FAIL_FATAL("no such counter");
	return 0;
}

/* Let the spans read what loopback delivered (synchronously, on send). */
static void pump(void)
{
	for (int i = 0; i < 3; i++)
		sg_loop_once(0);
}

static void step(unsigned int fpp)
{
	sg_clock_advance(fpp * 125000ULL);
	pump();
}

/* ---- a peer: the test's socket standing for the remote end of one span ---- */

struct peer {
	int family;
	int fd;
	uint16_t port;			/* the peer's */
	uint16_t span_port;		/* the span's local port */
	struct sg_span_cfg cfg;
	struct sg_span *span;
};

static void peer_open(struct peer *p, int family, enum sg_span_type type, unsigned int fpp,
		      unsigned int jitter_ms, bool unframed)
{
	int probe;

	p->family = family;
	p->fd = udp_bound(family, &p->port);
	probe = udp_bound(family, &p->span_port);
	close(probe);
	p->cfg = cfg_init("peer", type, fpp, jitter_ms, unframed, family, p->span_port, p->port);
	p->span = span_open(&p->cfg);
}

static void peer_close(struct peer *p)
{
	sg_span_close(p->span);
	close(p->fd);
}

static void peer_send_raw(struct peer *p, const uint8_t *pkt, size_t len)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;

	if (p->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin->sin_port = htons(p->span_port);
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		sin6->sin6_port = htons(p->span_port);
		sl = sizeof(*sin6);
	}
	CU_ASSERT(sendto(p->fd, pkt, len, 0, (struct sockaddr *)&ss, sl) == (ssize_t)len);
}

/* A packet: control word (cw0 = L/R/M octet, LEN 0) then the payload. */
static void peer_send(struct peer *p, uint8_t cw0, uint16_t seq, const uint8_t *payload,
		      size_t plen)
{
	uint8_t pkt[4 + 2048];
	size_t len = 4 + plen;

	pkt[0] = cw0;
	pkt[1] = len < 64 ? len : 0;
	pkt[2] = seq >> 8;
	pkt[3] = seq & 0xff;
	if (plen)
		memcpy(pkt + 4, payload, plen);
	peer_send_raw(p, pkt, len);
}

/* An E1 payload (fpp 8) whose timeslot 16 carries (seq * 8 + frame) and the
 * other timeslots 0xFF. */
static void e1_payload_ts16(uint8_t *payload, uint16_t seq)
{
	memset(payload, 0xff, E1_PAYLOAD);
	for (unsigned int f = 0; f < FPP; f++)
		payload[f * E1_OPF + 15] = (uint8_t)(seq * FPP + f);
}

static void peer_send_ts16(struct peer *p, uint8_t cw0, uint16_t seq)
{
	uint8_t payload[E1_PAYLOAD];

	e1_payload_ts16(payload, seq);
	peer_send(p, cw0, seq, payload, sizeof(payload));
}

/* Receive one packet of the span at the peer; returns its length or -1. */
static ssize_t peer_recv(struct peer *p, uint8_t *buf, size_t len)
{
	return recv(p->fd, buf, len, 0);
}

static void peer_drain(struct peer *p)
{
	uint8_t buf[4096];

	while (peer_recv(p, buf, sizeof(buf)) >= 0)
		;
}

/* Check that u->rx from octet 'from' holds, packet after packet, the ts16
 * values of seqs[0..n-1] (0xFF for a seq given as -1). */
static void check_ts16_stream(const struct user *u, size_t from, const int *seqs, unsigned int n)
{
	CU_ASSERT_FATAL(u->rx_len >= from + (size_t)n * FPP);
	for (unsigned int k = 0; k < n; k++) {
		for (unsigned int f = 0; f < FPP; f++) {
			uint8_t want = seqs[k] < 0 ? 0xff : (uint8_t)(seqs[k] * FPP + f);
			uint8_t got = u->rx[from + k * FPP + f];

			if (got != want) {
				fprintf(stderr, "packet %u (seq %d) frame %u: got 0x%02x want "
					"0x%02x\n", k, seqs[k], f, got, want);
				CU_FAIL("ts16 stream differs");
				return;
			}
		}
	}
}

static bool all_ff(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0xff)
			return false;
	return true;
}

/* ---- tests ---- */

/* Two E1 spans talking to each other, a channel on timeslot 16 each. */
static void test_pair_e1_ts16(void)
{
	struct sg_span_cfg ca, cb;
	uint16_t pa, pb;
	struct sg_span *a, *b;
	struct user *ua = user_new(0), *ub = user_new(0x80), *ub1 = user_new(0);
	struct json_object *info, *v;
	const unsigned int ticks = 200;

	free_ports(AF_INET, &pa, &pb);
	ca = cfg_init("A", SG_SPAN_E1, 8, 4, false, AF_INET, pa, pb);
	cb = cfg_init("B", SG_SPAN_E1, 8, 4, false, AF_INET, pb, pa);
	a = span_open(&ca);
	b = span_open(&cb);
	chan_open(a, 16, SG_CHAN_64K, ua);
	chan_open(b, 16, SG_CHAN_64K, ub);
	chan_open(b, 1, SG_CHAN_64K, ub1);	/* nobody sends on timeslot 1 */

	for (unsigned int t = 0; t < ticks; t++)
		step(8);

	CU_ASSERT_EQUAL(ua->last_tx_n, 8);
	CU_ASSERT_EQUAL(ub->last_rx_n, 8);
	CU_ASSERT_EQUAL(ctr(a, "tx:packets"), ticks);
	CU_ASSERT_EQUAL(ctr(b, "tx:packets"), ticks);
	CU_ASSERT_EQUAL(ctr(a, "tx:octets"), ticks * E1_PAYLOAD);
	CU_ASSERT_EQUAL(ctr(b, "rx:packets"), ticks);
	CU_ASSERT_EQUAL(ctr(a, "rx:packets"), ticks);
	/* every tick plays one packet's worth out: 8 octets per 1 ms */
	CU_ASSERT_EQUAL(ub->rx_len, ticks * 8);
	CU_ASSERT_EQUAL(ua->rx_len, ticks * 8);
	/* latency: a packet sent at tick k plays at tick k + 2 (half of the
	 * 4-packet jitter buffer); before that, all ones */
	CU_ASSERT(all_ff(ub->rx, 16));
	CU_ASSERT_FALSE(ub->rx[16] == 0xff);
	for (size_t i = 16; i < ub->rx_len; i++)
		if (ub->rx[i] != (uint8_t)(i - 16)) {
			CU_FAIL("A -> B ts16 out of order");
			break;
		}
	CU_ASSERT(all_ff(ua->rx, 16));
	for (size_t i = 16; i < ua->rx_len; i++)
		if (ua->rx[i] != (uint8_t)(0x80 + i - 16)) {
			CU_FAIL("B -> A ts16 out of order");
			break;
		}
	/* idle timeslot */
	CU_ASSERT_EQUAL(ub1->rx_len, ticks * 8);
	CU_ASSERT(all_ff(ub1->rx, ub1->rx_len));
	/* nothing went wrong, no alarms */
	CU_ASSERT_EQUAL(ctr(b, "rx:lost"), 0);
	CU_ASSERT_EQUAL(ctr(b, "rx:late"), 0);
	CU_ASSERT_EQUAL(ctr(b, "rx:malformed"), 0);
	CU_ASSERT_EQUAL(ctr(b, "rx:foreign"), 0);
	CU_ASSERT_EQUAL(ctr(b, "alarms:raised"), 0);
	CU_ASSERT_EQUAL(ctr(b, "rx:substituted-frames"), 16);
	CU_ASSERT_EQUAL(ub->alarm_calls, 0);
	CU_ASSERT_EQUAL(b->alarms, 0);

	info = b->drv->span_info(b);
	CU_ASSERT_FATAL(info != NULL);
	CU_ASSERT(json_object_object_get_ex(info, "jitter_depth_packets", &v) &&
		  json_object_get_int(v) == 4);
	CU_ASSERT(json_object_object_get_ex(info, "playout_start_packets", &v) &&
		  json_object_get_int(v) == 2);
	CU_ASSERT(json_object_object_get_ex(info, "fill_packets", &v) &&
		  json_object_get_int(v) == 2);
	CU_ASSERT(json_object_object_get_ex(info, "packet_octets", &v) &&
		  json_object_get_int(v) == 4 + E1_PAYLOAD);
	{
		char remote[32];

		hostport(remote, sizeof(remote), AF_INET, pa);
		CU_ASSERT(json_object_object_get_ex(info, "remote", &v) &&
			  !strcmp(json_object_get_string(v), remote));
	}
	CU_ASSERT(json_object_object_get_ex(info, "rx_state", &v) &&
		  !strcmp(json_object_get_string(v), "playing"));
	CU_ASSERT(json_object_object_get_ex(info, "alarms", &v) &&
		  json_object_array_length(v) == 0);
	json_object_put(info);

	sg_span_close(a);
	sg_span_close(b);
}

/* The same over IPv6 loopback, shorter. */
static void test_pair_ipv6(void)
{
	struct sg_span_cfg ca, cb;
	uint16_t pa, pb;
	struct sg_span *a, *b;
	struct user *ua = user_new(0), *ub = user_new(0);

	free_ports(AF_INET6, &pa, &pb);
	ca = cfg_init("A6", SG_SPAN_E1, 8, 4, false, AF_INET6, pa, pb);
	cb = cfg_init("B6", SG_SPAN_E1, 8, 4, false, AF_INET6, pb, pa);
	a = span_open(&ca);
	b = span_open(&cb);
	chan_open(a, 5, SG_CHAN_64K, ua);
	chan_open(b, 5, SG_CHAN_64K, ub);
	for (unsigned int t = 0; t < 20; t++)
		step(8);
	CU_ASSERT_EQUAL(ctr(b, "rx:packets"), 20);
	CU_ASSERT_EQUAL(ctr(b, "rx:foreign"), 0);
	CU_ASSERT(all_ff(ub->rx, 16));
	for (size_t i = 16; i < ub->rx_len; i++)
		if (ub->rx[i] != (uint8_t)(i - 16)) {
			CU_FAIL("IPv6 ts5 out of order");
			break;
		}
	sg_span_close(a);
	sg_span_close(b);
}

/* What goes on the wire for an E1: control word, 8 frames of 31 timeslots. */
static void test_packet_format_e1(void)
{
	struct peer p;
	struct user *u16 = user_new(0), *u1 = user_new(0x40);
	uint8_t pkt[4096];

	peer_open(&p, AF_INET, SG_SPAN_E1, 8, 4, false);
	chan_open(p.span, 16, SG_CHAN_64K, u16);
	chan_open(p.span, 1, SG_CHAN_64K, u1);
	sg_pw_set_tx_seq(p.span, 1000);
	for (unsigned int k = 0; k < 3; k++) {
		ssize_t n;

		step(8);
		n = peer_recv(&p, pkt, sizeof(pkt));
		CU_ASSERT_EQUAL_FATAL(n, 4 + E1_PAYLOAD);
		CU_ASSERT_EQUAL(pkt[0], 0);		/* no L, R, M */
		CU_ASSERT_EQUAL(pkt[1], 0);		/* FRG 0, LEN 0 (packet >= 64) */
		CU_ASSERT_EQUAL(pkt[2] << 8 | pkt[3], 1000 + k);
		for (unsigned int f = 0; f < 8; f++) {
			const uint8_t *fr = pkt + 4 + f * E1_OPF;

			CU_ASSERT_EQUAL(fr[0], (uint8_t)(0x40 + k * 8 + f));	/* ts 1 */
			CU_ASSERT_EQUAL(fr[15], (uint8_t)(k * 8 + f));		/* ts 16 */
			for (unsigned int i = 1; i < E1_OPF; i++)
				if (i != 15)
					CU_ASSERT_EQUAL(fr[i], 0xff);
		}
		CU_ASSERT(peer_recv(&p, pkt, sizeof(pkt)) < 0);	/* one per tick */
	}
	peer_close(&p);
}

/* Packet sizes of T1 (24 timeslots), unframed E1 (32) and short packets (LEN). */
static void test_packet_sizes(void)
{
	static const struct {
		enum sg_span_type type;
		bool unframed;
		unsigned int fpp, ts, pos, len;
	} v[] = {
		{ SG_SPAN_T1, false, 8, 24, 23, 4 + 8 * 24 },
		{ SG_SPAN_E1, true, 8, 16, 16, 4 + 8 * 32 },
		{ SG_SPAN_E1, false, 8, 31, 30, 4 + 8 * 31 },
		{ SG_SPAN_T1, false, 1, 1, 0, 4 + 24 },		/* 28 < 64: LEN = 28 */
		{ SG_SPAN_E1, true, 1, 0, 0, 4 + 32 },		/* 2048k channel */
		{ SG_SPAN_E1, false, 64, 2, 1, 4 + 64 * 31 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(v); i++) {
		struct peer p;
		struct user *u = user_new(1);
		uint8_t pkt[4096];
		unsigned int opf = (v[i].len - 4) / v[i].fpp;
		ssize_t n;

		peer_open(&p, AF_INET, v[i].type, v[i].fpp, 4, v[i].unframed);
		chan_open(p.span, v[i].ts, v[i].ts ? SG_CHAN_64K : SG_CHAN_2048K, u);
		step(v[i].fpp);
		n = peer_recv(&p, pkt, sizeof(pkt));
		CU_ASSERT_EQUAL(n, v[i].len);
		if (n != v[i].len) {
			fprintf(stderr, "case %u: %zd octets\n", i, n);
			peer_close(&p);
			continue;
		}
		CU_ASSERT_EQUAL(pkt[1] & 0x3f, v[i].len < 64 ? v[i].len : 0);
		if (v[i].ts) {
			CU_ASSERT_EQUAL(u->last_tx_n, v[i].fpp);
			/* the channel's octet sits at its position of every frame */
			for (unsigned int f = 0; f < v[i].fpp; f++)
				CU_ASSERT_EQUAL(pkt[4 + f * opf + v[i].pos], (uint8_t)(1 + f));
		} else {
			CU_ASSERT_EQUAL(u->last_tx_n, v[i].fpp * 32);
			for (unsigned int j = 0; j < v[i].fpp * 32; j++)
				CU_ASSERT_EQUAL(pkt[4 + j], (uint8_t)(1 + j));
		}
		peer_close(&p);
	}
}

/* Annex A: a whole-span channel (ts 0) gets and gives the frames interleaved
 * as on the E1: 31 octets of frame 0, then frame 1, ... */
static void test_annex_a(void)
{
	struct peer p;
	struct user *u = user_new(0);
	uint8_t pkt[4096], payload[E1_PAYLOAD];
	char err[128];
	struct sg_chan *c;
	ssize_t n;

	peer_open(&p, AF_INET, SG_SPAN_E1, 8, 4, false);
	/* not offered: frames mode, 2.048 Mbit/s on a framed E1 */
	c = sg_chan_open(p.span, 0, SG_ADAPTER_MODE_FRAMES, SG_CHAN_1984K, &user_ops, u, err,
			 sizeof(err));
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_FALSE(p.span->drv->supports(p.span, SG_ADAPTER_MODE_FRAMES));
	c = sg_chan_open(p.span, 0, SG_ADAPTER_MODE_BITS, SG_CHAN_2048K, &user_ops, u, err,
			 sizeof(err));
	CU_ASSERT_PTR_NULL(c);
	chan_open(p.span, 0, SG_CHAN_1984K, u);

	/* transmit: the payload is the channel's octet stream */
	for (unsigned int k = 0; k < 2; k++) {
		step(8);
		n = peer_recv(&p, pkt, sizeof(pkt));
		CU_ASSERT_EQUAL_FATAL(n, 4 + E1_PAYLOAD);
		CU_ASSERT_EQUAL(u->last_tx_n, E1_PAYLOAD);
		for (unsigned int i = 0; i < E1_PAYLOAD; i++)
			CU_ASSERT_EQUAL(pkt[4 + i], (uint8_t)(k * E1_PAYLOAD + i));
	}
	/* receive: crafted packets, each octet names its frame and timeslot */
	u->rx_len = 0;
	for (unsigned int k = 0; k < 6; k++) {
		for (unsigned int f = 0; f < FPP; f++)
			for (unsigned int t = 0; t < E1_OPF; t++)
				payload[f * E1_OPF + t] = (uint8_t)((k * FPP + f) * 3 + t);
		peer_send(&p, 0, 7 + k, payload, sizeof(payload));
		step(8);
	}
	/* 2 ticks filling (all ones), then packets 0..3 */
	CU_ASSERT_EQUAL_FATAL(u->rx_len, 6 * E1_PAYLOAD);
	CU_ASSERT(all_ff(u->rx, 2 * E1_PAYLOAD));
	for (unsigned int k = 0; k < 4; k++)
		for (unsigned int f = 0; f < FPP; f++)
			for (unsigned int t = 0; t < E1_OPF; t++)
				CU_ASSERT_EQUAL(u->rx[(2 + k) * E1_PAYLOAD + f * E1_OPF + t],
						(uint8_t)((k * FPP + f) * 3 + t));
	CU_ASSERT_EQUAL(ctr(p.span, "rx:lost"), 0);
	peer_close(&p);

	/* unframed E1: 1984k is refused, 2048k carries all 32 timeslots */
	peer_open(&p, AF_INET, SG_SPAN_E1, 8, 4, true);
	c = sg_chan_open(p.span, 0, SG_ADAPTER_MODE_BITS, SG_CHAN_1984K, &user_ops, u, err,
			 sizeof(err));
	CU_ASSERT_PTR_NULL(c);
	u->next_tx = 0;
	chan_open(p.span, 0, SG_CHAN_2048K, u);
	step(8);
	n = peer_recv(&p, pkt, sizeof(pkt));
	CU_ASSERT_EQUAL_FATAL(n, 4 + 8 * 32);
	for (unsigned int i = 0; i < 8 * 32; i++)
		CU_ASSERT_EQUAL(pkt[4 + i], (uint8_t)i);
	peer_close(&p);
}

/* Sequence numbers wrap from 65535 to 0, on both sides. */
static void test_seq_wrap(void)
{
	struct peer p;
	struct user *u = user_new(0);
	uint8_t pkt[4096];
	int seqs[14];

	peer_open(&p, AF_INET, SG_SPAN_E1, 8, 4, false);
	chan_open(p.span, 16, SG_CHAN_64K, u);
	sg_pw_set_tx_seq(p.span, 65534);
	for (unsigned int k = 0; k < 16; k++) {
		uint16_t seq = 65530 + k;	/* 65530..65535, 0..9 */

		peer_send_ts16(&p, 0, seq);
		step(8);
		if (k < 4) {
			CU_ASSERT_EQUAL(peer_recv(&p, pkt, sizeof(pkt)), 4 + E1_PAYLOAD);
			CU_ASSERT_EQUAL(pkt[2] << 8 | pkt[3], (65534 + k) & 0xffff);
		}
	}
	peer_drain(&p);
	for (unsigned int k = 0; k < 14; k++)
		seqs[k] = (65530 + k) & 0xffff;
	CU_ASSERT(all_ff(u->rx, 16));
	check_ts16_stream(u, 16, seqs, 14);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:lost"), 0);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:late"), 0);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:early"), 0);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:reordered"), 0);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:packets"), 16);
	peer_close(&p);
}

/* A packet that never comes is played as all ones and counted as lost. */
static void test_lost_packet(void)
{
	struct peer p;
	struct user *u = user_new(0);
	int seqs[18];

	peer_open(&p, AF_INET, SG_SPAN_E1, 8, 4, false);
	chan_open(p.span, 16, SG_CHAN_64K, u);
	for (unsigned int k = 0; k < 20; k++) {
		if (k != 5)
			peer_send_ts16(&p, 0, 100 + k);
		step(8);
	}
	for (unsigned int k = 0; k < 18; k++)
		seqs[k] = k == 5 ? -1 : 100 + (int)k;
	CU_ASSERT(all_ff(u->rx, 16));
	check_ts16_stream(u, 16, seqs, 18);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:lost"), 1);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:packets"), 19);
	/* 2 ticks of filling and the lost packet */
	CU_ASSERT_EQUAL(ctr(p.span, "rx:substituted-frames"), 3 * FPP);
	CU_ASSERT_EQUAL(p.span->alarms, 0);
	CU_ASSERT_EQUAL(u->alarm_calls, 0);
	peer_close(&p);
}

/* Reordering within the window is put right; duplicates, late and far-early
 * packets are dropped and counted. */
static void test_reorder_dup_late(void)
{
	/* what the peer sends at each tick (-1: nothing) */
	static const int send1[] = { 200, 201, 203, 202, 204, 205, 206, 207 };
	struct peer p;
	struct user *u = user_new(0);
	int seqs[6] = { 200, 201, 202, 203, 204, 205 };

	peer_open(&p, AF_INET, SG_SPAN_E1, 8, 4, false);
	chan_open(p.span, 16, SG_CHAN_64K, u);
	for (unsigned int k = 0; k < ARRAY_SIZE(send1); k++) {
		peer_send_ts16(&p, 0, send1[k]);
		if (send1[k] == 204)
			peer_send_ts16(&p, 0, 204);	/* duplicate while buffered */
		step(8);
	}
	/* 8 ticks: 2 filling, then 200..205 */
	check_ts16_stream(u, 16, seqs, 6);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:reordered"), 1);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:duplicate"), 1);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:lost"), 0);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:late"), 0);

	/* 201 again, already played: a duplicate; 150: late; far ahead: early */
	peer_send_ts16(&p, 0, 201);
	peer_send_ts16(&p, 0, 150);
	peer_send_ts16(&p, 0, 208 + 1000);
	peer_send_ts16(&p, 0, 208);
	step(8);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:duplicate"), 2);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:late"), 1);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:early"), 1);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:packets"), 9);
	seqs[0] = 206;
	check_ts16_stream(u, 16 + 6 * FPP, seqs, 1);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:lost"), 0);
	peer_close(&p);
}

/* Malformed packets and packets from elsewhere are dropped and counted; the
 * stream goes on undisturbed. */
static void test_malformed(void)
{
	struct peer p;
	struct user *u = user_new(0);
	uint8_t pkt[3000], payload[E1_PAYLOAD];
	int seqs[10], stranger;
	uint16_t sport;

	peer_open(&p, AF_INET, SG_SPAN_E1, 8, 4, false);
	chan_open(p.span, 16, SG_CHAN_64K, u);
	memset(payload, 0x55, sizeof(payload));
	stranger = udp_bound(AF_INET, &sport);
	for (unsigned int k = 0; k < 12; k++) {
		uint16_t seq = 300 + k;

		switch (k) {
		case 1:	/* shorter than a control word */
			peer_send_raw(&p, (const uint8_t *)"\x00\x00\x01", 3);
			break;
		case 2:	/* bits 0..3 not zero */
			peer_send(&p, 0x10, seq, payload, E1_PAYLOAD);
			break;
		case 3:	/* fragmented */
			pkt[0] = 0;
			pkt[1] = 0x40;
			pkt[2] = seq >> 8;
			pkt[3] = seq;
			memcpy(pkt + 4, payload, E1_PAYLOAD);
			peer_send_raw(&p, pkt, 4 + E1_PAYLOAD);
			break;
		case 4:	/* wrong payload length for the structure */
			peer_send(&p, 0, seq, payload, 100);
			peer_send(&p, 0, seq, payload, E1_PAYLOAD - 1);
			break;
		case 5:	/* LEN beyond the packet; LEN shorter than the payload */
			pkt[0] = 0;
			pkt[1] = 63;
			pkt[2] = seq >> 8;
			pkt[3] = seq;
			peer_send_raw(&p, pkt, 20);
			pkt[1] = 40;
			memcpy(pkt + 4, payload, E1_PAYLOAD);
			peer_send_raw(&p, pkt, 4 + E1_PAYLOAD);
			break;
		case 6:	/* reserved L/M combinations; CAS signalling packets */
			peer_send(&p, 0x08 | 0x01, seq, payload, E1_PAYLOAD);
			peer_send(&p, 0x01, seq, payload, E1_PAYLOAD);
			peer_send(&p, 0x03, seq, payload, E1_PAYLOAD);
			break;
		case 7:	/* too long for any structure */
			memset(pkt, 0, sizeof(pkt));
			peer_send_raw(&p, pkt, sizeof(pkt));
			break;
		case 8: {	/* a valid packet from a stranger */
			struct sockaddr_in sin = { .sin_family = AF_INET,
						   .sin_port = htons(p.span_port),
						   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

			pkt[0] = 0;
			pkt[1] = 0;
			pkt[2] = seq >> 8;
			pkt[3] = seq;
			memcpy(pkt + 4, payload, E1_PAYLOAD);
			CU_ASSERT(sendto(stranger, pkt, 4 + E1_PAYLOAD, 0,
					 (struct sockaddr *)&sin, sizeof(sin)) > 0);
			break;
		}
		}
		peer_send_ts16(&p, 0, seq);
		step(8);
	}
	close(stranger);
	for (unsigned int k = 0; k < 10; k++)
		seqs[k] = 300 + k;
	check_ts16_stream(u, 16, seqs, 10);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:malformed"), 11);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:foreign"), 1);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:packets"), 12);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:lost"), 0);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:duplicate"), 0);
	peer_close(&p);
}

/* L bit: PW_L alarm and all ones; R bit and M = 10 (RDI): RAI; all clear
 * again when normal packets are played. */
static void test_l_r_bits(void)
{
	/* control word octet 0 per packet; 0x80 marks "L with the payload omitted" */
	static const uint8_t cw[] = {
		0, 0, 0, 0x88, 0x08, 0, 0, 0x04, 0x04, 0, 0, 0x02, 0, 0, 0, 0,
	};
	struct peer p;
	struct user *u = user_new(0);
	int seqs[ARRAY_SIZE(cw) - 2];
	uint8_t pkt[4096];
	bool r_seen = false;

	peer_open(&p, AF_INET, SG_SPAN_E1, 8, 4, false);
	chan_open(p.span, 16, SG_CHAN_64K, u);
	for (unsigned int k = 0; k < ARRAY_SIZE(cw); k++) {
		uint16_t seq = 40 + k;

		if (cw[k] & 0x80)
			peer_send(&p, cw[k] & 0x7f, seq, NULL, 0);
		else
			peer_send_ts16(&p, cw[k], seq);
		step(8);
		/* the L bit is a fault of the remote attachment circuit, not of
		 * the pseudowire: we do not answer it with the R bit */
		while (peer_recv(&p, pkt, sizeof(pkt)) > 0)
			r_seen |= pkt[0] & 0x04;
	}
	CU_ASSERT_FALSE(r_seen);
	for (unsigned int k = 0; k < ARRAY_SIZE(seqs); k++)
		seqs[k] = (cw[k] & 0x08) ? -1 : 40 + (int)k;
	check_ts16_stream(u, 16, seqs, ARRAY_SIZE(seqs));
	/* played at ticks k + 2: L (k 3, 4), clear (5), R (7, 8), clear (9), RDI (11), clear */
	CU_ASSERT_EQUAL_FATAL(u->alarm_calls, 6);
	CU_ASSERT_EQUAL(u->alarm_log[0], SG_ALARM_PW_L);
	CU_ASSERT_EQUAL(u->alarm_log[1], 0);
	CU_ASSERT_EQUAL(u->alarm_log[2], SG_ALARM_RAI);
	CU_ASSERT_EQUAL(u->alarm_log[3], 0);
	CU_ASSERT_EQUAL(u->alarm_log[4], SG_ALARM_RAI);
	CU_ASSERT_EQUAL(u->alarm_log[5], 0);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:l-bit"), 2);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:r-bit"), 2);
	CU_ASSERT_EQUAL(ctr(p.span, "alarms:raised"), 3);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:malformed"), 0);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:lost"), 0);
	CU_ASSERT_EQUAL(p.span->alarms, 0);
	peer_close(&p);
}

/* No packets: PW_LOSS after 10 periods without data, our packets carry the R
 * bit; packets again (a restarted peer, other sequence numbers): the buffer
 * starts over and the alarm clears after 10 periods played. */
static void test_loss_alarm(void)
{
	struct peer p;
	struct user *u = user_new(0);
	uint8_t pkt[4096];
	unsigned int t, raised_at = 0, cleared_at = 0;
	ssize_t n;

	peer_open(&p, AF_INET, SG_SPAN_E1, 8, 4, false);
	chan_open(p.span, 16, SG_CHAN_64K, u);
	for (t = 1; t <= 20; t++) {
		peer_send_ts16(&p, 0, 9000 + t);
		step(8);
	}
	peer_drain(&p);
	CU_ASSERT_EQUAL(u->alarm_calls, 0);
	/* silence: 2 buffered packets still play (ticks 21, 22), then 10 ticks
	 * without data: the alarm comes at tick 32 */
	for (; t <= 40; t++) {
		step(8);
		n = peer_recv(&p, pkt, sizeof(pkt));
		CU_ASSERT_EQUAL_FATAL(n, 4 + E1_PAYLOAD);
		if (!raised_at && u->alarm_calls) {
			raised_at = t;
			/* the packet of this very tick went out before the decision */
			CU_ASSERT_FALSE(pkt[0] & 0x04);
		} else {
			CU_ASSERT_EQUAL(!!(pkt[0] & 0x04), !!raised_at);
		}
	}
	CU_ASSERT_EQUAL(raised_at, 32);
	CU_ASSERT_EQUAL_FATAL(u->alarm_calls, 1);
	CU_ASSERT_EQUAL(u->alarm_log[0], SG_ALARM_PW_LOSS);
	CU_ASSERT_EQUAL(p.span->alarms, SG_ALARM_PW_LOSS);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:lost"), 10);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:restarts"), 1);
	/* the peer comes back with other sequence numbers */
	for (unsigned int k = 0; k < 20; k++, t++) {
		peer_send_ts16(&p, 0, 30000 + k);
		step(8);
		n = peer_recv(&p, pkt, sizeof(pkt));
		CU_ASSERT_EQUAL(n, 4 + E1_PAYLOAD);
		if (!cleared_at && u->alarm_calls == 2)
			cleared_at = k;
		if (cleared_at && k > cleared_at)
			CU_ASSERT_FALSE(pkt[0] & 0x04);
	}
	/* k = 0, 1 filling, 2..11 played: clear at the 10th */
	CU_ASSERT_EQUAL(cleared_at, 11);
	CU_ASSERT_EQUAL(u->alarm_log[1], 0);
	CU_ASSERT_EQUAL(p.span->alarms, 0);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:late"), 0);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:early"), 0);
	CU_ASSERT_EQUAL(ctr(p.span, "alarms:raised"), 1);
	peer_close(&p);
}

/* The jitter buffer absorbs a burst: packets held back and then delivered
 * together are played on time, none lost, as long as they fit the depth. */
static void test_jitter_absorbed(void)
{
	struct peer p;
	struct user *u = user_new(0);
	int seqs[26];
	unsigned int sent = 0;

	/* 8 ms jitter buffer: depth 8 packets, playout from 4 */
	peer_open(&p, AF_INET, SG_SPAN_E1, 8, 8, false);
	chan_open(p.span, 16, SG_CHAN_64K, u);
	for (unsigned int t = 0; t < 30; t++) {
		/* ticks 10..12: nothing arrives; tick 13: all of them at once */
		if (t < 10 || t > 12)
			for (; sent <= t; sent++)
				peer_send_ts16(&p, 0, 500 + sent);
		step(8);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(seqs); i++)
		seqs[i] = 500 + i;
	CU_ASSERT(all_ff(u->rx, 4 * FPP));
	check_ts16_stream(u, 4 * FPP, seqs, ARRAY_SIZE(seqs));
	CU_ASSERT_EQUAL(ctr(p.span, "rx:lost"), 0);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:late"), 0);
	CU_ASSERT_EQUAL(u->alarm_calls, 0);
	peer_close(&p);
}

/* A deep buffer (30 ms: playout from 15 packets) fills for longer than the
 * loss threshold of 10 periods: packets arriving meanwhile are no loss. */
static void test_deep_buffer(void)
{
	struct peer p;
	struct user *u = user_new(0);
	int seqs[25];

	peer_open(&p, AF_INET, SG_SPAN_E1, 8, 30, false);
	chan_open(p.span, 16, SG_CHAN_64K, u);
	for (unsigned int k = 0; k < 40; k++) {
		peer_send_ts16(&p, 0, 700 + k);
		step(8);
	}
	for (unsigned int k = 0; k < ARRAY_SIZE(seqs); k++)
		seqs[k] = 700 + k;
	CU_ASSERT(all_ff(u->rx, 15 * FPP));
	check_ts16_stream(u, 15 * FPP, seqs, ARRAY_SIZE(seqs));
	CU_ASSERT_EQUAL(u->alarm_calls, 0);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:lost"), 0);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:restarts"), 0);
	peer_close(&p);
}

/* The thread is late (the clock jumps 50 ms without running the loop): the
 * last 16 periods are caught up at once (the far end plays packets only up to
 * its playout delay late; 16 > the 2 periods of a 4 ms buffer), the older ones
 * skipped, and the deadlines stay on the grid of the first one.  The skipped
 * periods keep their sequence numbers (a gap the far end sees as the lost
 * packets it has already played out), so that the far end's playout stays on
 * the grid too. */
static void test_thread_late(void)
{
	struct peer p;
	struct user *u = user_new(0);
	uint8_t pkt[4096];
	unsigned int n = 0;
	uint16_t seq = 0;

	peer_open(&p, AF_INET, SG_SPAN_E1, 8, 4, false);
	chan_open(p.span, 16, SG_CHAN_64K, u);
	sg_pw_set_tx_seq(p.span, 7);
	for (unsigned int t = 0; t < 5; t++)
		step(8);
	/* 0.5 ms into period 6, then 50 ms more without the loop running */
	sg_clock_advance(500000);
	sg_clock_virtual(sg_now() + 50 * SG_NS_PER_MS);
	pump();
	CU_ASSERT_EQUAL(ctr(p.span, "tx:packets"), 5 + 16);
	CU_ASSERT_EQUAL(ctr(p.span, "tx:skipped"), 55 - 5 - 16);
	CU_ASSERT_EQUAL(u->next_tx, (5 + 16) * 8);	/* tx_bits once per packet sent */
	/* back on the grid: the next period ends 0.5 ms later */
	sg_clock_advance(400000);
	pump();
	CU_ASSERT_EQUAL(ctr(p.span, "tx:packets"), 21);
	sg_clock_advance(100000);
	pump();
	CU_ASSERT_EQUAL(ctr(p.span, "tx:packets"), 22);
	/* the 5 packets sent on time, a gap of the 34 skipped periods, the 16
	 * caught up and the next one on time */
	while (peer_recv(&p, pkt, sizeof(pkt)) > 0) {
		seq = pkt[2] << 8 | pkt[3];
		CU_ASSERT_EQUAL(seq, n < 5 ? 7 + n : 7 + n + 34);
		n++;
	}
	CU_ASSERT_EQUAL(n, 22);
	CU_ASSERT_EQUAL(seq, 7 + 21 + 34);
	peer_close(&p);
}

/* Our thread is late 30 ms while the far end keeps sending: its packets wait in
 * the socket.  With a 40 ms jitter buffer (playout from 20 packets) they are taken
 * in before the late periods are played out: the oldest 10 skipped (not sent, but
 * played out), the last 20 caught up (sent and played): nothing is lost, the
 * stream stays in order, no alarm, and playout keeps its distance to the far end
 * (the next packet sent on time is played 20 periods later, as before the stall). */
static void test_thread_late_rx(void)
{
	struct peer p;
	struct user *u = user_new(0);
	int seqs[60];
	unsigned int sent = 0, t;

	peer_open(&p, AF_INET, SG_SPAN_E1, 8, 40, false);
	chan_open(p.span, 16, SG_CHAN_64K, u);
	/* on time: one packet per period, playout from 20 */
	for (t = 0; t < 30; t++) {
		peer_send_ts16(&p, 0, 900 + sent++);
		step(8);
	}
	CU_ASSERT_EQUAL(u->rx_len, 30 * FPP);
	/* 0.5 ms into the next period, the thread stalls for 30 ms; the far end
	 * sends its 30 packets meanwhile */
	sg_clock_advance(500000);
	for (t = 0; t < 30; t++)
		peer_send_ts16(&p, 0, 900 + sent++);
	sg_clock_virtual(sg_now() + 30 * SG_NS_PER_MS);
	pump();
	CU_ASSERT_EQUAL(ctr(p.span, "tx:skipped"), 30 - 20);
	CU_ASSERT_EQUAL(ctr(p.span, "tx:packets"), 30 + 20);
	CU_ASSERT_EQUAL(u->rx_len, (30 + 30) * FPP);	/* every period played out */
	/* on time again, back on the grid */
	sg_clock_advance(500000);
	pump();
	for (t = 0; t < 19; t++) {
		peer_send_ts16(&p, 0, 900 + sent++);
		step(8);
	}
	/* 80 periods: 20 of all ones (filling), then 900, 901, ... without a gap */
	for (unsigned int i = 0; i < ARRAY_SIZE(seqs); i++)
		seqs[i] = 900 + i;
	CU_ASSERT(all_ff(u->rx, 20 * FPP));
	CU_ASSERT_FATAL(u->rx_len == (20 + ARRAY_SIZE(seqs)) * FPP);
	check_ts16_stream(u, 20 * FPP, seqs, ARRAY_SIZE(seqs));
	CU_ASSERT_EQUAL(ctr(p.span, "rx:lost"), 0);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:late"), 0);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:early"), 0);
	CU_ASSERT_EQUAL(u->alarm_calls, 0);
	peer_close(&p);
}

/* Short packets (T1, 1 frame per packet: 28 octets) may arrive padded: LEN
 * gives their size and the padding is ignored. */
static void test_len_padding(void)
{
	struct peer p;
	struct user *u = user_new(0);
	uint8_t pkt[64];

	peer_open(&p, AF_INET, SG_SPAN_T1, 1, 1, false);
	chan_open(p.span, 3, SG_CHAN_64K, u);
	for (unsigned int k = 0; k < 10; k++) {
		memset(pkt, 0xff, sizeof(pkt));
		pkt[0] = 0;
		pkt[1] = 28;
		pkt[2] = 0;
		pkt[3] = k;
		pkt[4 + 2] = 0x30 + k;	/* timeslot 3 */
		memset(pkt + 28, 0, sizeof(pkt) - 28);	/* padding to 64 */
		peer_send_raw(&p, pkt, sizeof(pkt));
		step(1);
	}
	CU_ASSERT_EQUAL(ctr(p.span, "rx:packets"), 10);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:malformed"), 0);
	/* LEN claims more than arrived: never read beyond the datagram */
	pkt[1] = 28;
	pkt[3] = 10;
	peer_send_raw(&p, pkt, 12);
	pump();
	CU_ASSERT_EQUAL(ctr(p.span, "rx:malformed"), 1);
	CU_ASSERT_EQUAL(ctr(p.span, "rx:packets"), 10);
	/* depth 8 packets (1 ms of 125 us packets), playout from 4 */
	CU_ASSERT_EQUAL_FATAL(u->rx_len, 10);
	CU_ASSERT(all_ff(u->rx, 4));
	for (unsigned int k = 0; k < 6; k++)
		CU_ASSERT_EQUAL(u->rx[4 + k], 0x30 + k);
	peer_close(&p);
}

/* Bad settings are refused when parsed (errors naming the section's path), what only
 * opening finds out at span open; without settings the span is not opened. */
static void test_open_errors(void)
{
	struct sg_span_cfg c = { .name = "bad", .type = SG_SPAN_E1, .driver = "pw" };
	char err[160] = "";

	c.drv_cfg = sg_adapter_cfg_json(ctx, "pw", "{ \"local\": \"127.0.0.1:0\", "
					"\"remote\": \"[::1]:4000\" }", SG_SPAN_E1, err,
					sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(c.drv_cfg);
	CU_ASSERT_PTR_NULL(sg_span_open(ctx, &c, err, sizeof(err)));	/* families differ */
	CU_ASSERT(strstr(err, "bad") != NULL);
	CU_ASSERT_PTR_NULL(sg_adapter_cfg_json(ctx, "pw", "{ \"local\": \"127.0.0.1:0\", "
					       "\"remote\": \"nowhere\" }", SG_SPAN_E1, err,
					       sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "pw.remote: 'nowhere' is not an address:port "
			       "(e.g. 127.0.0.1:5000 or [::1]:5000)");
	CU_ASSERT_PTR_NULL(sg_adapter_cfg_json(ctx, "pw", "{ \"local\": \"127.0.0.1:1\", "
					       "\"remote\": \"127.0.0.1:4000\", \"unframed\": true }",
					       SG_SPAN_T1, err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "pw.unframed: only an E1 can be carried unframed");
	CU_ASSERT_PTR_NULL(sg_adapter_cfg_json(ctx, "pw", "{ \"local\": \"127.0.0.1:1\", "
					       "\"remote\": \"127.0.0.1:1\", \"jitter_ms\": 101 }",
					       SG_SPAN_E1, err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "pw.jitter_ms: 101 is out of range 1..100");
	CU_ASSERT_PTR_NULL(sg_adapter_cfg_json(ctx, "pw", "{ \"local\": \"127.0.0.1:7\", "
					       "\"remote\": \"127.0.0.1:7\" }", SG_SPAN_E1, err,
					       sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "pw.remote: equals pw.local (127.0.0.1:7): the pseudowire "
			       "would loop to itself");
	c.drv_cfg = NULL;
	CU_ASSERT_PTR_NULL(sg_span_open(ctx, &c, err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "span bad: driver pw: no settings (its 'pw' section)");
}

/* The section's defaults: 8 frames per packet, a 4 ms jitter buffer (4 packets of 1 ms). */
static void test_defaults(void)
{
	char json[128], err[160] = "";
	struct sg_span_cfg c = { .name = "def", .type = SG_SPAN_E1, .driver = "pw" };
	struct json_object *info, *v;
	uint16_t pa, pb;
	struct sg_span *s;

	free_ports(AF_INET, &pa, &pb);
	snprintf(json, sizeof(json), "{ \"local\": \"127.0.0.1:%u\", \"remote\": "
		 "\"127.0.0.1:%u\" }", pa, pb);
	c.drv_cfg = sg_adapter_cfg_json(ctx, "pw", json, SG_SPAN_E1, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(c.drv_cfg);
	s = span_open(&c);
	CU_ASSERT_FALSE(s->unframed);
	info = sg_pw_driver.span_info(s);
	CU_ASSERT(json_object_object_get_ex(info, "frames_per_packet", &v) &&
		  json_object_get_int(v) == 8);
	CU_ASSERT(json_object_object_get_ex(info, "jitter_depth_packets", &v) &&
		  json_object_get_int(v) == 4);
	CU_ASSERT(json_object_object_get_ex(info, "structure", &v) &&
		  !strcmp(json_object_get_string(v), "e1"));
	json_object_put(info);
	sg_span_close(s);
}

/* Real time: ~100 ms of a pair on the monotonic clock.  Ticks are scheduled
 * from the previous deadline, so the number of periods handled (packets sent
 * plus periods skipped if the machine stalled us) is the number of deadlines
 * passed: bounds taken before and after a last loop run, which fires every
 * deadline up to then, hold however the scheduler treats us. */
static void test_real_time(void)
{
	const uint64_t period = 8 * 125000ULL;
	struct sg_span_cfg ca, cb;
	uint16_t pa, pb;
	struct sg_span *a, *b;
	struct user *ua = user_new(0), *ub = user_new(0);
	uint64_t t_open1, t_open2, now1, now2, periods, lo, hi;
	size_t i, runs = 0, data = 0;
	int prev = -1;

	sg_clock_monotonic();
	ua->tx_mod = 255;	/* never 0xFF: data tells itself from replacement */
	free_ports(AF_INET, &pa, &pb);
	ca = cfg_init("RA", SG_SPAN_E1, 8, 20, false, AF_INET, pa, pb);
	cb = cfg_init("RB", SG_SPAN_E1, 8, 20, false, AF_INET, pb, pa);
	t_open1 = sg_now();
	a = span_open(&ca);
	t_open2 = sg_now();
	b = span_open(&cb);
	chan_open(a, 16, SG_CHAN_64K, ua);
	chan_open(b, 16, SG_CHAN_64K, ub);
	while (sg_now() - t_open1 < 100 * SG_NS_PER_MS)
		sg_loop_once(5);
	now1 = sg_now();
	sg_loop_once(0);
	now2 = sg_now();
	periods = ctr(a, "tx:packets") + ctr(a, "tx:skipped");
	sg_span_close(a);
	sg_span_close(b);
	sg_clock_virtual(1000 * SG_NS_PER_S);

	lo = (now1 - t_open2) / period;
	hi = (now2 - t_open1) / period;
	CU_ASSERT(periods + 1 >= lo);
	CU_ASSERT(periods <= hi);
	if (periods + 1 < lo || periods > hi)
		fprintf(stderr, "periods %" PRIu64 " not in %" PRIu64 "..%" PRIu64 "\n", periods,
			lo, hi);
	/* whatever was played is the counter, in order (runs split by replacement) */
	for (i = 0; i < ub->rx_len; i++) {
		if (ub->rx[i] == 0xff) {
			prev = -1;
			continue;
		}
		if (prev < 0)
			runs++;
		else
			CU_ASSERT_EQUAL(ub->rx[i], (prev + 1) % 255);
		prev = ub->rx[i];
		data++;
	}
	CU_ASSERT(data > 0);
	printf("(%" PRIu64 " periods in %" PRIu64 " ms, %zu octets in %zu runs) ", periods,
	       (uint64_t)((now2 - t_open1) / SG_NS_PER_MS), data, runs);
}

static int suite_init(void)
{
	ctx = talloc_named_const(NULL, 0, "test_pw");
	if (sg_log_init(ctx, SG_LOG_STDERR, false) < 0)
		return -1;
	sg_log_set_level(DADP, LOGL_ERROR);
	if (sg_adapter_driver_register(&sg_pw_driver) < 0)
		return -1;
	if (sg_loop_init() < 0)
		return -1;
	sg_clock_virtual(1000 * SG_NS_PER_S);
	return 0;
}

static int suite_clean(void)
{
	sg_log_fini();
	talloc_free(ctx);
	return 0;
}

static const struct cu_test tests[] = {
	{ "pair E1 ts16: order, latency, idle timeslots", test_pair_e1_ts16 },
	{ "pair over IPv6", test_pair_ipv6 },
	{ "E1 packet format", test_packet_format_e1 },
	{ "T1, unframed E1, short packets (LEN)", test_packet_sizes },
	{ "Annex A whole-span channels", test_annex_a },
	{ "sequence number wrap-around", test_seq_wrap },
	{ "lost packet: all ones, counted", test_lost_packet },
	{ "reordered, duplicate, late, early", test_reorder_dup_late },
	{ "malformed and foreign packets", test_malformed },
	{ "L bit, R bit, RDI alarms", test_l_r_bits },
	{ "loss of packets: alarm, R bit, restart", test_loss_alarm },
	{ "jitter absorbed", test_jitter_absorbed },
	{ "deep buffer: no false loss while filling", test_deep_buffer },
	{ "thread late: catch up, skip", test_thread_late },
		{ "thread late: packets waiting in the socket are played, none lost",
		  test_thread_late_rx },
	{ "LEN and padding", test_len_padding },
	{ "bad configuration", test_open_errors },
	{ "defaults of the pw section", test_defaults },
	{ "real time, no drift", test_real_time },
	{ NULL, NULL }
};

int main(void)
{
	return cu_run_suite("pw", tests, suite_init, suite_clean);
}
