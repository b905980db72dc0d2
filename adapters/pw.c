/* TDM pseudowire driver "pw": E1/T1 over UDP, RFC 5086 (CESoPSN); unframed E1 as RFC 4553. */

/*
 * One UDP packet every frames_per_packet x 125 us carries the control word of
 * RFC 5086 §5.2 and frames_per_packet frames of the span, frame after frame:
 *
 *   E1 (framed):   timeslots 1..31  = 31 octets per frame  (CESoPSN basic NxDS0, N = 31)
 *   T1:            timeslots 1..24  = 24 octets per frame  (CESoPSN basic NxDS0, N = 24)
 *   E1 unframed:   timeslots 0..31  = 32 octets per frame  (SAToP-like: the whole 2.048 Mbit/s)
 *
 * No RTP header.  One sg_timer of the span's TDM thread ticks once per packet
 * period; each tick sends one packet (octets asked from the channels through
 * tx_bits, idle timeslots all ones) and plays one packet's worth out of the
 * jitter buffer to the channels (rx_bits).  See doc/adapters.md, "pw driver".
 */

#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <talloc.h>
#include <osmocom/core/select.h>
#include <osmocom/core/utils.h>

#include <sg/adapter.h>
#include <sg/counter.h>
#include <sg/log.h>
#include <sg/schema.h>
#include <sg/timer.h>

#define LOGPW(pw, lvl, fmt, args...) \
	LOGP(DADP, lvl, "pw %s: " fmt, (pw)->span->name, ##args)

#define PW_FRAME_NS		125000ULL	/* one E1/T1 frame */
#define PW_CW_LEN		4
#define PW_MAX_FPP		64		/* config schema: frames_per_packet 1..64 */
#define PW_MAX_OPF		32		/* octets per frame, unframed E1 */
#define PW_MAX_PAYLOAD		(PW_MAX_FPP * PW_MAX_OPF)
#define PW_RXBUF_LEN		(PW_CW_LEN + PW_MAX_PAYLOAD + 64)
#define PW_RX_BURST		64		/* datagrams read per wake-up */
#define PW_MIN_DEPTH		2		/* packets */
#define PW_LOSS_TICKS		10		/* consecutive ticks without a packet: loss */
#define PW_CLEAR_TICKS		10		/* consecutive ticks played from packets: clear */
#define PW_MAX_LAG		16		/* periods caught up at least (then skipped) */
#define PW_IDLE			0xff		/* idle timeslot and replacement data */

/*
 * Control word, RFC 5086 §5.2 (bit 0 = MSB of the first octet):
 *   bits 0-3 zero, 4 L, 5 R, 6-7 M, 8-9 FRG, 10-15 LEN, 16-31 sequence number.
 */
#define CW0_ZERO		0xf0
#define CW0_L			0x08	/* TDM data invalid (attachment circuit fault) */
#define CW0_R			0x04	/* sender is in the loss-of-packets state */
#define CW0_M			0x03
#define CW0_M_RDI		0x02	/* M = 10 with L = 0: RDI of the attachment circuit */
#define CW1_FRG			0xc0
#define CW1_LEN			0x3f
#define CW_LEN_MAX		64	/* LEN is used below this packet size, else 0 */

enum pw_ctr {
	PW_CTR_TX_PACKETS,
	PW_CTR_TX_OCTETS,
	PW_CTR_TX_ERRORS,
	PW_CTR_TX_SKIPPED,
	PW_CTR_RX_PACKETS,
	PW_CTR_RX_OCTETS,
	PW_CTR_RX_LOST,
	PW_CTR_RX_LATE,
	PW_CTR_RX_DUPLICATE,
	PW_CTR_RX_REORDERED,
	PW_CTR_RX_EARLY,
	PW_CTR_RX_MALFORMED,
	PW_CTR_RX_FOREIGN,
	PW_CTR_RX_L_BIT,
	PW_CTR_RX_R_BIT,
	PW_CTR_RX_SUBST_FRAMES,
	PW_CTR_RX_RESTARTS,
	PW_CTR_ALARMS,
};

static const struct sg_ctr_desc pw_ctr_desc[] = {
	[PW_CTR_TX_PACKETS] = { "tx:packets", "Packets sent" },
	[PW_CTR_TX_OCTETS] = { "tx:octets", "TDM payload octets sent" },
	[PW_CTR_TX_ERRORS] = { "tx:errors", "Packets the socket refused to send" },
	[PW_CTR_TX_SKIPPED] = { "tx:skipped",
				"Packet periods skipped because the thread was late" },
	[PW_CTR_RX_PACKETS] = { "rx:packets", "Packets accepted into the jitter buffer" },
	[PW_CTR_RX_OCTETS] = { "rx:octets", "TDM payload octets accepted" },
	[PW_CTR_RX_LOST] = { "rx:lost", "Packets missing at playout time (replaced)" },
	[PW_CTR_RX_LATE] = { "rx:late", "Packets dropped: arrived after their playout time" },
	[PW_CTR_RX_DUPLICATE] = { "rx:duplicate", "Packets dropped: sequence number seen" },
	[PW_CTR_RX_REORDERED] = { "rx:reordered",
				  "Packets received out of order and put right" },
	[PW_CTR_RX_EARLY] = { "rx:early", "Packets dropped: beyond the jitter buffer window" },
	[PW_CTR_RX_MALFORMED] = { "rx:malformed",
				  "Packets dropped: bad control word or length" },
	[PW_CTR_RX_FOREIGN] = { "rx:foreign", "Packets dropped: not from the remote address" },
	[PW_CTR_RX_L_BIT] = { "rx:l-bit", "Packets received with the L bit (data invalid)" },
	[PW_CTR_RX_R_BIT] = { "rx:r-bit", "Packets received with the R bit (remote loss)" },
	[PW_CTR_RX_SUBST_FRAMES] = { "rx:substituted-frames",
				     "Frames played out as all ones (no valid data)" },
	[PW_CTR_RX_RESTARTS] = { "rx:restarts", "Jitter buffer restarts after loss of packets" },
	[PW_CTR_ALARMS] = { "alarms:raised", "Alarms raised (each alarm bit counts)" },
};

static const struct sg_ctr_group_desc pw_ctr_group_desc = {
	.name = "pw_span",
	.num = ARRAY_SIZE(pw_ctr_desc),
	.ctr = pw_ctr_desc,
};

/* One jitter buffer slot: the packet of sequence number seq. */
struct pw_slot {
	uint16_t seq;
	bool valid;		/* holds a packet not yet played */
	bool played;		/* held seq and was played (tells duplicates from late) */
	uint8_t cw0;		/* L, R, M of the packet */
	bool has_payload;	/* false: L bit with the payload omitted */
	uint8_t *data;		/* payload_len octets */
};

enum pw_rx_state {
	PW_RX_IDLE,		/* waiting for the first packet */
	PW_RX_FILLING,		/* buffering until start_fill packets are there */
	PW_RX_PLAYING,
};

static const char *const pw_rx_state_names[] = {
	[PW_RX_IDLE] = "idle", [PW_RX_FILLING] = "filling", [PW_RX_PLAYING] = "playing",
};

struct pw_span {
	struct sg_span *span;
	struct osmo_fd ofd;
	struct sg_timer tick;
	uint64_t deadline;		/* expiry of the current tick, sg_now() ns */
	uint64_t period_ns;

	struct sockaddr_storage remote;
	socklen_t remote_len;

	unsigned int fpp;		/* frames per packet */
	unsigned int opf;		/* octets per frame in the packet */
	unsigned int payload_len;	/* fpp * opf */
	unsigned int depth;		/* jitter buffer depth, packets */
	unsigned int start_fill;	/* playout starts with this many packets */
	unsigned int nslots;		/* window: power of two >= 2 * depth */
	bool unframed;

	/* transmit */
	uint16_t tx_seq;
	uint8_t *txbuf;			/* control word + payload */
	uint8_t *chanbuf;		/* one channel's octets of one packet */

	/* receive */
	struct pw_slot *slot;
	uint8_t *rxbuf;
	enum pw_rx_state rx_state;
	uint16_t play_seq;		/* next packet to play out */
	uint16_t high_seq;		/* highest sequence number accepted */
	bool rx_since_tick;		/* a packet was accepted since the last tick */
	unsigned int missing_run;	/* consecutive ticks without data */
	unsigned int good_run;		/* consecutive ticks played from packets */
	bool loss;			/* loss-of-packets state: we send the R bit */
	uint8_t last_cw0;		/* L, R, M of the last packet played */
};

static inline struct pw_span *to_pw(const struct sg_span *span)
{
	return span->drv_priv;
}

/* ---- settings: a span's "pw" section (doc/config.md) ---- */

struct pw_cfg {
	char local[64];			/* "addr:port" */
	char remote[64];
	unsigned int fpp;		/* frames per packet */
	unsigned int jitter_ms;
	bool unframed;			/* E1 carried unframed (32 octets per frame) */
};

static const struct sg_field pw_fields[] = {
	{ "local", SG_FT_HOSTPORT, true },
	{ "remote", SG_FT_HOSTPORT, true },
	{ "frames_per_packet", SG_FT_INT, false, 1, PW_MAX_FPP },
	{ "jitter_ms", SG_FT_INT, false, 1, 100 },
	{ "unframed", SG_FT_BOOL, false },
	{ NULL }
};

static const struct sg_schema pw_schema = { "pw", pw_fields };

/* Whether two numeric address:port strings (already checked by the schema) are the same
 * endpoint: the addresses compared as binary ("::1" and "0::1" are one), the ports as numbers */
static bool same_endpoint(const char *a, const char *b)
{
	uint8_t ba[16], bb[16];
	char ha[64], hb[64];
	uint16_t pa, pb;

	if (sg_parse_hostport(a, ha, sizeof(ha), &pa) < 0 ||
	    sg_parse_hostport(b, hb, sizeof(hb), &pb) < 0 || pa != pb)
		return false;
	if (inet_pton(AF_INET, ha, ba) == 1 && inet_pton(AF_INET, hb, bb) == 1)
		return !memcmp(ba, bb, 4);
	if (inet_pton(AF_INET6, ha, ba) == 1 && inet_pton(AF_INET6, hb, bb) == 1)
		return !memcmp(ba, bb, 16);
	return !strcmp(ha, hb);
}

static int pw_cfg_parse(void *cfg, struct json_object *o, enum sg_span_type type,
			const char *path, char *err, size_t errlen)
{
	struct pw_cfg *c = cfg;

	snprintf(c->local, sizeof(c->local), "%s", sg_json_str(o, "local", ""));
	snprintf(c->remote, sizeof(c->remote), "%s", sg_json_str(o, "remote", ""));
	c->fpp = sg_json_int(o, "frames_per_packet", 8);
	c->jitter_ms = sg_json_int(o, "jitter_ms", 4);
	c->unframed = sg_json_bool(o, "unframed", false);
	/* a pseudowire to itself would receive its own packets: a loop */
	if (same_endpoint(c->local, c->remote)) {
		snprintf(err, errlen, "%s.remote: equals pw.local (%s): the pseudowire would loop "
			 "to itself", path, c->local);
		return -EINVAL;
	}
	if (c->unframed && type != SG_SPAN_E1) {
		snprintf(err, errlen, "%s.unframed: only an E1 can be carried unframed", path);
		return -EINVAL;
	}
	return 0;
}

/* ---- addresses ---- */

static int pw_resolve(const char *hostport, struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_DGRAM,
		.ai_protocol = IPPROTO_UDP,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
	};
	struct addrinfo *res;
	char host[INET6_ADDRSTRLEN + 1], port_s[8];
	uint16_t port;

	if (sg_parse_hostport(hostport, host, sizeof(host), &port) < 0)
		return -EINVAL;
	snprintf(port_s, sizeof(port_s), "%u", port);
	if (getaddrinfo(host, port_s, &hints, &res) != 0)
		return -EINVAL;
	if (res->ai_addrlen > sizeof(*ss)) {
		freeaddrinfo(res);
		return -EINVAL;
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* Same address and port (IPv4 or IPv6). */
static bool pw_addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) &&
		       x->sin6_scope_id == y->sin6_scope_id;
	}
	return false;
}

/* ---- where a channel's octets sit in a frame of the packet ---- */

static void pw_chan_layout(const struct pw_span *pw, const struct sg_chan *chan,
			   unsigned int *first, unsigned int *count)
{
	switch (chan->rate) {
	case SG_CHAN_1984K:	/* framed E1: the whole payload frame (timeslots 1..31) */
	case SG_CHAN_2048K:	/* unframed E1: the whole payload frame (timeslots 0..31) */
		*first = 0;
		*count = pw->opf;
		break;
	default:		/* one timeslot; framed spans carry no timeslot 0 */
		*first = pw->unframed ? chan->ts : chan->ts - 1;
		*count = 1;
		break;
	}
}

/* ---- alarms ---- */

#define PW_ALARM_MASK	(SG_ALARM_PW_L | SG_ALARM_RAI | SG_ALARM_PW_LOSS)

static void pw_update_alarms(struct pw_span *pw)
{
	struct sg_span *span = pw->span;
	uint32_t ours = 0, alarms;

	if (pw->loss) {
		ours |= SG_ALARM_PW_LOSS;
	} else {
		if (pw->last_cw0 & CW0_L)
			ours |= SG_ALARM_PW_L;
		if ((pw->last_cw0 & CW0_R) ||
		    (!(pw->last_cw0 & CW0_L) && (pw->last_cw0 & CW0_M) == CW0_M_RDI))
			ours |= SG_ALARM_RAI;
	}
	alarms = (span->alarms & ~PW_ALARM_MASK) | ours;
	if (alarms == span->alarms)
		return;
	sg_ctr_add(span->ctr, PW_CTR_ALARMS, __builtin_popcount(alarms & ~span->alarms));
	sg_span_set_alarms(span, alarms);
}

/* ---- jitter buffer ---- */

static void pw_jb_reset(struct pw_span *pw)
{
	for (unsigned int i = 0; i < pw->nslots; i++) {
		pw->slot[i].valid = false;
		pw->slot[i].played = false;
	}
	pw->rx_state = PW_RX_IDLE;
	pw->last_cw0 = 0;
}

static unsigned int pw_jb_fill(const struct pw_span *pw)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < pw->nslots; i++)
		n += pw->slot[i].valid;
	return n;
}

/* A well-formed packet: put it in its slot, or count why not. */
static void pw_jb_insert(struct pw_span *pw, uint16_t seq, uint8_t cw0,
			 const uint8_t *payload, size_t len)
{
	struct sg_ctr_group *ctr = pw->span->ctr;
	struct pw_slot *s;
	int16_t delta;

	if (pw->rx_state == PW_RX_IDLE) {
		/* the first packet after start or after loss of packets */
		pw->play_seq = seq;
		pw->high_seq = seq;
		pw->rx_state = PW_RX_FILLING;
	}
	delta = (int16_t)(uint16_t)(seq - pw->play_seq);
	s = &pw->slot[seq & (pw->nslots - 1)];
	if (delta < 0) {
		if (s->played && s->seq == seq)
			sg_ctr_inc(ctr, PW_CTR_RX_DUPLICATE);
		else
			sg_ctr_inc(ctr, PW_CTR_RX_LATE);
		return;
	}
	if ((unsigned int)delta >= pw->nslots) {
		sg_ctr_inc(ctr, PW_CTR_RX_EARLY);
		return;
	}
	if (s->valid && s->seq == seq) {
		sg_ctr_inc(ctr, PW_CTR_RX_DUPLICATE);
		return;
	}
	if ((int16_t)(uint16_t)(seq - pw->high_seq) < 0)
		sg_ctr_inc(ctr, PW_CTR_RX_REORDERED);
	else
		pw->high_seq = seq;
	s->seq = seq;
	s->valid = true;
	s->played = false;
	s->cw0 = cw0;
	s->has_payload = len != 0;
	if (len)
		memcpy(s->data, payload, len);
	sg_ctr_inc(ctr, PW_CTR_RX_PACKETS);
	sg_ctr_add(ctr, PW_CTR_RX_OCTETS, len);
	if (cw0 & CW0_L)
		sg_ctr_inc(ctr, PW_CTR_RX_L_BIT);
	if (cw0 & CW0_R)
		sg_ctr_inc(ctr, PW_CTR_RX_R_BIT);
	pw->rx_since_tick = true;
}

/* Check one datagram (RFC 5086 §5.2) and hand it to the jitter buffer. */
static void pw_rx_packet(struct pw_span *pw, const uint8_t *pkt, size_t len)
{
	struct sg_ctr_group *ctr = pw->span->ctr;
	unsigned int lenf;
	uint8_t cw0, cw1;
	uint16_t seq;
	size_t plen;

	if (len < PW_CW_LEN)
		goto malformed;
	cw0 = pkt[0];
	cw1 = pkt[1];
	seq = (uint16_t)(pkt[2] << 8 | pkt[3]);
	if ((cw0 & CW0_ZERO) || (cw1 & CW1_FRG))
		goto malformed;
	/* L with M != 00, and M = 01, are reserved; L = 0, M = 11 are CESoPSN
	 * signalling packets (CAS), which we do not carry */
	if ((cw0 & CW0_L) ? (cw0 & CW0_M) != 0 : ((cw0 & CW0_M) == 1 || (cw0 & CW0_M) == 3))
		goto malformed;
	lenf = cw1 & CW1_LEN;
	if (lenf) {
		/* a short packet may be padded: LEN tells its real size */
		if (lenf < PW_CW_LEN || lenf > len)
			goto malformed;
		len = lenf;
	}
	plen = len - PW_CW_LEN;
	/* the payload has the configured size, or is omitted along with the L bit */
	if (plen != pw->payload_len && !(plen == 0 && (cw0 & CW0_L)))
		goto malformed;
	pw_jb_insert(pw, seq, cw0, pkt + PW_CW_LEN, plen);
	return;
malformed:
	sg_ctr_inc(ctr, PW_CTR_RX_MALFORMED);
	LOGPW(pw, LOGL_DEBUG, "malformed packet of %zu octets dropped\n", len);
}

/* Read up to max datagrams waiting in the socket into the jitter buffer. */
static void pw_drain(struct pw_span *pw, unsigned int max)
{
	struct osmo_fd *ofd = &pw->ofd;

	for (unsigned int i = 0; i < max; i++) {
		struct sockaddr_storage from = { .ss_family = AF_UNSPEC };
		socklen_t fromlen = sizeof(from);
		ssize_t n;

		/* MSG_TRUNC: n is the datagram's real length, even if longer */
		n = recvfrom(ofd->fd, pw->rxbuf, PW_RXBUF_LEN, MSG_TRUNC,
			     (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				LOGPW(pw, LOGL_ERROR, "recvfrom: %s\n", strerror(errno));
			break;
		}
		if (!pw_addr_equal(&from, &pw->remote)) {
			sg_ctr_inc(pw->span->ctr, PW_CTR_RX_FOREIGN);
			continue;
		}
		if ((size_t)n > PW_RXBUF_LEN) {
			sg_ctr_inc(pw->span->ctr, PW_CTR_RX_MALFORMED);
			continue;
		}
		pw_rx_packet(pw, pw->rxbuf, n);
	}
}

static int pw_read_cb(struct osmo_fd *ofd, unsigned int what)
{
	pw_drain(ofd->data, PW_RX_BURST);
	return 0;
}

/* ---- the clock: one packet out, one packet played out, per tick ---- */

static void pw_deliver(struct pw_span *pw, const uint8_t *payload)
{
	struct sg_span *span = pw->span;

	for (unsigned int ts = 0; ts <= SG_SPAN_MAX_TS; ts++) {
		struct sg_chan *chan = span->chan[ts];
		unsigned int first, count;
		size_t n;

		if (!chan || chan->mode != SG_ADAPTER_MODE_BITS || !chan->ops->rx_bits)
			continue;
		pw_chan_layout(pw, chan, &first, &count);
		n = (size_t)pw->fpp * count;
		if (!payload) {
			memset(pw->chanbuf, PW_IDLE, n);
		} else if (count == pw->opf) {
			memcpy(pw->chanbuf, payload, n);
		} else {
			for (unsigned int f = 0; f < pw->fpp; f++)
				memcpy(pw->chanbuf + f * count, payload + f * pw->opf + first,
				       count);
		}
		chan->ops->rx_bits(chan->user, pw->chanbuf, n);
	}
}

static void pw_playout(struct pw_span *pw)
{
	struct sg_ctr_group *ctr = pw->span->ctr;
	struct pw_slot *s;

	if (pw->rx_state == PW_RX_FILLING &&
	    (unsigned int)(uint16_t)(pw->high_seq - pw->play_seq) + 1 >= pw->start_fill) {
		pw->rx_state = PW_RX_PLAYING;
		LOGPW(pw, LOGL_INFO, "playout starts at sequence number %u\n", pw->play_seq);
	}
	if (pw->rx_state != PW_RX_PLAYING) {
		pw_deliver(pw, NULL);
		sg_ctr_add(ctr, PW_CTR_RX_SUBST_FRAMES, pw->fpp);
		pw->good_run = 0;
		if (pw->rx_since_tick)
			pw->missing_run = 0;
		else
			pw->missing_run++;
		return;
	}
	s = &pw->slot[pw->play_seq & (pw->nslots - 1)];
	if (s->valid && s->seq == pw->play_seq) {
		pw->last_cw0 = s->cw0;
		/* L bit: the TDM data is invalid; play all ones instead */
		if (!s->has_payload || (s->cw0 & CW0_L)) {
			pw_deliver(pw, NULL);
			sg_ctr_add(ctr, PW_CTR_RX_SUBST_FRAMES, pw->fpp);
		} else {
			pw_deliver(pw, s->data);
		}
		s->valid = false;
		s->played = true;
		pw->missing_run = 0;
		pw->good_run++;
	} else {
		/* lost (or not there yet): replacement data, all ones */
		pw_deliver(pw, NULL);
		sg_ctr_inc(ctr, PW_CTR_RX_LOST);
		sg_ctr_add(ctr, PW_CTR_RX_SUBST_FRAMES, pw->fpp);
		s->played = false;
		pw->missing_run++;
		pw->good_run = 0;
	}
	pw->play_seq++;
	/* nothing received beyond what we play: high_seq follows playout so
	 * that the fill computation stays meaningful */
	if ((int16_t)(uint16_t)(pw->high_seq - pw->play_seq) < 0)
		pw->high_seq = pw->play_seq - 1;
}

/* Loss of packets (RFC 5086's "loss of packets state"): enter after
 * PW_LOSS_TICKS ticks without data, leave after PW_CLEAR_TICKS ticks played
 * from packets.  On entry the jitter buffer restarts, so that a peer that
 * restarted with another sequence number is followed. */
static void pw_loss_check(struct pw_span *pw)
{
	if (!pw->loss && pw->missing_run >= PW_LOSS_TICKS) {
		pw->loss = true;
		pw_jb_reset(pw);
		sg_ctr_inc(pw->span->ctr, PW_CTR_RX_RESTARTS);
		LOGPW(pw, LOGL_NOTICE, "loss of packets (%u periods without data)\n",
		      pw->missing_run);
	} else if (pw->loss && pw->good_run >= PW_CLEAR_TICKS) {
		pw->loss = false;
		LOGPW(pw, LOGL_NOTICE, "packets flow again\n");
	}
}

static void pw_transmit(struct pw_span *pw)
{
	struct sg_span *span = pw->span;
	uint8_t *payload = pw->txbuf + PW_CW_LEN;
	size_t len = PW_CW_LEN + pw->payload_len;
	ssize_t rc;

	memset(payload, PW_IDLE, pw->payload_len);
	for (unsigned int ts = 0; ts <= SG_SPAN_MAX_TS; ts++) {
		struct sg_chan *chan = span->chan[ts];
		unsigned int first, count;

		if (!chan || chan->mode != SG_ADAPTER_MODE_BITS || !chan->ops->tx_bits)
			continue;
		pw_chan_layout(pw, chan, &first, &count);
		if (count == pw->opf) {
			chan->ops->tx_bits(chan->user, payload, (size_t)pw->fpp * count);
			continue;
		}
		chan->ops->tx_bits(chan->user, pw->chanbuf, (size_t)pw->fpp * count);
		for (unsigned int f = 0; f < pw->fpp; f++)
			memcpy(payload + f * pw->opf + first, pw->chanbuf + f * count, count);
	}
	pw->txbuf[0] = pw->loss ? CW0_R : 0;
	pw->txbuf[1] = len < CW_LEN_MAX ? (uint8_t)len : 0;
	pw->txbuf[2] = pw->tx_seq >> 8;
	pw->txbuf[3] = pw->tx_seq & 0xff;
	pw->tx_seq++;
	rc = sendto(pw->ofd.fd, pw->txbuf, len, 0, (struct sockaddr *)&pw->remote,
		    pw->remote_len);
	if (rc != (ssize_t)len) {
		sg_ctr_inc(span->ctr, PW_CTR_TX_ERRORS);
		LOGPW(pw, LOGL_DEBUG, "sendto: %s\n", rc < 0 ? strerror(errno) : "short");
		return;
	}
	sg_ctr_inc(span->ctr, PW_CTR_TX_PACKETS);
	sg_ctr_add(span->ctr, PW_CTR_TX_OCTETS, pw->payload_len);
}

/* One packet period's receive side: play one packet out, judge the alarms. */
static void pw_rx_period(struct pw_span *pw)
{
	pw_playout(pw);
	pw->rx_since_tick = false;
	pw_loss_check(pw);
	pw_update_alarms(pw);
}

/* One packet period: send a packet, play one out, judge the alarms. */
static void pw_period(struct pw_span *pw)
{
	pw_transmit(pw);
	pw_rx_period(pw);
}

static void pw_tick_cb(void *data)
{
	struct pw_span *pw = data;
	uint64_t now = sg_now(), due, skip, play;
	unsigned int lag;

	/* Deadlines follow each other from the first, never from "now": no
	 * drift.  due: the periods that fell due, more than one if the thread
	 * was late. */
	due = now >= pw->deadline ? (now - pw->deadline) / pw->period_ns + 1 : 1;
	if (due > 1) {
		/* the packets of the periods to catch up wait in the socket (the
		 * loop may run this timer first): into the jitter buffer with them
		 * before those periods are played out */
		pw_drain(pw, PW_RX_BURST + 4 * pw->nslots);
	}
	/* At most lag periods are caught up, sent in a burst: the far end can
	 * still play a packet up to its playout delay late (ceil(D / 2)
	 * periods, D our own depth: both ends are normally configured alike),
	 * older ones it has already given up as lost.  The oldest periods
	 * beyond that are skipped, not sent, but their sequence numbers are
	 * used up (RFC 5086 §5.2: the sequence number is how the far end
	 * detects lost packets): the far end has played them out as lost
	 * already, and the packets that follow arrive on its playout grid.
	 * Sent without the gap, every later packet would reach it that much
	 * later, eating its jitter margin stall after stall.  Our receive side
	 * plays the skipped periods out at once, from the jitter buffer, so
	 * that our playout delay does not grow either (after nslots +
	 * PW_LOSS_TICKS periods nothing buffered remains and loss of packets
	 * has been declared: no need to go on). */
	lag = pw->start_fill > PW_MAX_LAG ? pw->start_fill : PW_MAX_LAG;
	if (due > lag) {
		skip = due - lag;
		pw->tx_seq += skip;
		play = skip < pw->nslots + PW_LOSS_TICKS ? skip : pw->nslots + PW_LOSS_TICKS;
		for (uint64_t i = 0; i < play; i++)
			pw_rx_period(pw);
		pw->deadline += skip * pw->period_ns;
		due = lag;
		sg_ctr_add(pw->span->ctr, PW_CTR_TX_SKIPPED, skip);
		LOGPW(pw, LOGL_NOTICE, "thread late, %" PRIu64 " packet periods skipped\n", skip);
	}
	while (due--) {
		pw_period(pw);
		pw->deadline += pw->period_ns;
	}
	sg_timer_start_ns(&pw->tick, pw->deadline - now);
}

/* ---- driver interface ---- */

static int pw_span_open(struct sg_span *span)
{
	const struct pw_cfg *cfg = span->drv_cfg;
	struct sockaddr_storage local;
	socklen_t local_len;
	struct pw_span *pw;
	unsigned int jitter_ms;
	int fd, rc, tos = 0xb8;	/* DSCP EF */
	uint16_t seq0;

	if (cfg->unframed && span->type != SG_SPAN_E1)
		return -EINVAL;
	pw = talloc_zero(span->ctx, struct pw_span);
	if (!pw)
		return -ENOMEM;
	pw->span = span;
	pw->ofd.fd = -1;
	pw->unframed = cfg->unframed;
	span->unframed = cfg->unframed;
	pw->fpp = cfg->fpp;
	if (!pw->fpp || pw->fpp > PW_MAX_FPP) {
		rc = -EINVAL;
		goto err;
	}
	pw->opf = span->type == SG_SPAN_T1 ? 24 : pw->unframed ? 32 : 31;
	pw->payload_len = pw->fpp * pw->opf;
	pw->period_ns = pw->fpp * PW_FRAME_NS;
	/* depth in packets: jitter_ms rounded up to whole packets */
	jitter_ms = cfg->jitter_ms;
	pw->depth = (jitter_ms * 8 + pw->fpp - 1) / pw->fpp;
	if (pw->depth < PW_MIN_DEPTH)
		pw->depth = PW_MIN_DEPTH;
	pw->start_fill = (pw->depth + 1) / 2;
	for (pw->nslots = 1; pw->nslots < 2 * pw->depth; pw->nslots <<= 1)
		;

	rc = pw_resolve(cfg->remote, &pw->remote, &pw->remote_len);
	if (rc < 0) {
		LOGPW(pw, LOGL_ERROR, "bad remote address '%s'\n", cfg->remote);
		goto err;
	}
	rc = pw_resolve(cfg->local, &local, &local_len);
	if (rc < 0) {
		LOGPW(pw, LOGL_ERROR, "bad local address '%s'\n", cfg->local);
		goto err;
	}
	if (local.ss_family != pw->remote.ss_family) {
		LOGPW(pw, LOGL_ERROR, "local and remote address families differ\n");
		rc = -EAFNOSUPPORT;
		goto err;
	}

	pw->txbuf = talloc_size(pw, PW_CW_LEN + pw->payload_len);
	pw->chanbuf = talloc_size(pw, pw->fpp * PW_MAX_OPF);
	pw->rxbuf = talloc_size(pw, PW_RXBUF_LEN);
	pw->slot = talloc_zero_array(pw, struct pw_slot, pw->nslots);
	span->ctr = sg_ctr_group_alloc(span->ctx, &pw_ctr_group_desc);
	if (!pw->txbuf || !pw->chanbuf || !pw->rxbuf || !pw->slot || !span->ctr) {
		rc = -ENOMEM;
		goto err;
	}
	for (unsigned int i = 0; i < pw->nslots; i++) {
		pw->slot[i].data = talloc_size(pw->slot, pw->payload_len);
		if (!pw->slot[i].data) {
			rc = -ENOMEM;
			goto err;
		}
	}

	fd = socket(local.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0) {
		rc = -errno;
		goto err;
	}
	if (local.ss_family == AF_INET)
		setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	else
		setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
	if (bind(fd, (struct sockaddr *)&local, local_len) < 0) {
		rc = -errno;
		LOGPW(pw, LOGL_ERROR, "bind %s: %s\n", cfg->local, strerror(errno));
		close(fd);
		goto err;
	}
	osmo_fd_setup(&pw->ofd, fd, OSMO_FD_READ, pw_read_cb, pw, 0);
	if (osmo_fd_register(&pw->ofd) < 0) {
		close(fd);
		pw->ofd.fd = -1;
		rc = -EIO;
		goto err;
	}

	/* RFC 5086 / RFC 3550: the initial sequence number should be random */
	if (getrandom(&seq0, sizeof(seq0), GRND_NONBLOCK) != (ssize_t)sizeof(seq0))
		seq0 = (uint16_t)sg_now();
	pw->tx_seq = seq0;
	pw_jb_reset(pw);
	span->drv_priv = pw;

	sg_timer_setup(&pw->tick, pw_tick_cb, pw);
	pw->deadline = sg_now() + pw->period_ns;
	sg_timer_start_ns(&pw->tick, pw->period_ns);
	LOGPW(pw, LOGL_INFO, "%s %s -> %s, %u frames (%u octets) per packet, jitter buffer "
	      "%u packets, playout from %u\n", pw->unframed ? "E1 unframed" :
	      span->type == SG_SPAN_T1 ? "T1" : "E1", cfg->local, cfg->remote, pw->fpp,
	      pw->payload_len, pw->depth, pw->start_fill);
	return 0;
err:
	TALLOC_FREE(span->ctr);
	talloc_free(pw);
	return rc;
}

static void pw_span_close(struct sg_span *span)
{
	struct pw_span *pw = to_pw(span);

	if (!pw)
		return;
	sg_timer_stop(&pw->tick);
	if (pw->ofd.fd >= 0) {
		osmo_fd_unregister(&pw->ofd);
		close(pw->ofd.fd);
		pw->ofd.fd = -1;
	}
	span->drv_priv = NULL;
	talloc_free(pw);
}

static bool pw_supports(const struct sg_span *span, enum sg_adapter_mode mode)
{
	return mode == SG_ADAPTER_MODE_BITS;
}

static int pw_chan_open(struct sg_chan *chan)
{
	struct pw_span *pw = to_pw(chan->span);

	if (chan->mode != SG_ADAPTER_MODE_BITS)
		return -EOPNOTSUPP;
	/* a framed E1 carries no timeslot 0; an unframed one has no 31-slot structure */
	if ((chan->rate == SG_CHAN_1984K && pw->unframed) ||
	    (chan->rate == SG_CHAN_2048K && !pw->unframed))
		return -EINVAL;
	if (!chan->ts && chan->rate != SG_CHAN_1984K && chan->rate != SG_CHAN_2048K)
		return -EINVAL;
	/* G.704: the first bit of a timeslot on the line is the octet's MSB */
	chan->msb_first = true;
	LOGPW(pw, LOGL_INFO, "channel on timeslot %u opened\n", chan->ts);
	return 0;
}

static void pw_chan_close(struct sg_chan *chan)
{
	LOGPW(to_pw(chan->span), LOGL_INFO, "channel on timeslot %u closed\n", chan->ts);
}

static struct json_object *pw_span_info(const struct sg_span *span)
{
	static const char *const alarm_names[] = { "los", "lof", "ais", "rai", "pw-l", "pw-loss" };
	const struct pw_span *pw = to_pw(span);
	const struct pw_cfg *cfg = span->drv_cfg;
	struct json_object *o = json_object_new_object(), *alarms = json_object_new_array();

	json_object_object_add(o, "local", json_object_new_string(cfg->local));
	json_object_object_add(o, "remote", json_object_new_string(cfg->remote));
	json_object_object_add(o, "structure", json_object_new_string(
		pw->unframed ? "e1-unframed" : span->type == SG_SPAN_T1 ? "t1" : "e1"));
	json_object_object_add(o, "frames_per_packet", json_object_new_int(pw->fpp));
	json_object_object_add(o, "packet_octets",
			       json_object_new_int(PW_CW_LEN + pw->payload_len));
	json_object_object_add(o, "jitter_depth_packets", json_object_new_int(pw->depth));
	json_object_object_add(o, "jitter_depth_us",
			       json_object_new_int64(pw->depth * pw->period_ns / 1000));
	json_object_object_add(o, "playout_start_packets", json_object_new_int(pw->start_fill));
	json_object_object_add(o, "fill_packets", json_object_new_int(pw_jb_fill(pw)));
	json_object_object_add(o, "rx_state",
			       json_object_new_string(pw_rx_state_names[pw->rx_state]));
	json_object_object_add(o, "loss_of_packets", json_object_new_boolean(pw->loss));
	json_object_object_add(o, "tx_seq", json_object_new_int(pw->tx_seq));
	for (unsigned int i = 0; i < ARRAY_SIZE(alarm_names); i++)
		if (span->alarms & (1u << i))
			json_object_array_add(alarms, json_object_new_string(alarm_names[i]));
	json_object_object_add(o, "alarms", alarms);
	return o;
}

struct sg_adapter_driver sg_pw_driver = {
	.name = "pw",
	.description = "TDM pseudowire over UDP (RFC 5086 CESoPSN, unframed E1 as RFC 4553)",
	.schema = &pw_schema,
	.cfg_size = sizeof(struct pw_cfg),
	.cfg_parse = pw_cfg_parse,
	.span_open = pw_span_open,
	.span_close = pw_span_close,
	.chan_open = pw_chan_open,
	.chan_close = pw_chan_close,
	.supports = pw_supports,
	.span_info = pw_span_info,
};

/* For tests and tools: the sequence number of the next packet sent. */
void sg_pw_set_tx_seq(struct sg_span *span, uint16_t seq);
void sg_pw_set_tx_seq(struct sg_span *span, uint16_t seq)
{
	if (span->drv == &sg_pw_driver && span->drv_priv)
		to_pw(span)->tx_seq = seq;
}
