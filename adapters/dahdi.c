/* DAHDI adapter driver: E1/T1 timeslots of DAHDI cards, as HDLC frames or clear-channel octets. */

/*
 * One DAHDI channel per signalling channel: open the generic channel device
 * (/dev/dahdi/channel), bind it to a channel number with DAHDI_SPECIFY, then
 *  - FRAMES mode (the span's dahdi.hdlc): the card or DAHDI's kernel HDLC
 *    does flags, bit stuffing and FCS.  A "clear" channel is put in
 *    DAHDI_HDLCFCSMODE; a "hardhdlc" channel does HDLC in hardware already
 *    (the ioctl is refused there, as libosmo-abis notes).  Each read()
 *    returns one frame, SU + 2 FCS octets; each write() takes one frame with
 *    2 octets of room at the end that DAHDI fills with the FCS.
 *  - BITS mode: a "clear" channel in neither audio nor HDLC mode; read()
 *    returns line octets (bit 1 of the timeslot = MSB first).  The card's
 *    clock paces us: every octet read means one was sent, so the transmit
 *    queue is topped up to a constant depth (40 ms) after each read.
 * A pending DAHDI event makes read()/write() fail with ELAST (and poll()
 * report POLLPRI): DAHDI_GETEVENT fetches it.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <dahdi/user.h>
#include <json-c/json.h>
#include <osmocom/core/select.h>
#include <osmocom/core/utils.h>
#include <talloc.h>

#include <sg/adapter.h>
#include <sg/counter.h>
#include <sg/log.h>
#include <sg/schema.h>
#include <sg/timer.h>

#define LOGPSPAN(span, lvl, fmt, args...) \
	LOGP(DADP, lvl, "dahdi span %s: " fmt, (span)->name, ## args)
#define LOGPCHAN(ch, lvl, fmt, args...) \
	LOGP(DADP, lvl, "dahdi span %s ts %u (chan %d): " fmt, (ch)->chan->span->name, \
	     (ch)->chan->ts, (ch)->channo, ## args)

#define DAHDI_DEFAULT_DEVICE	"/dev/dahdi/channel"

/* BITS: 40 octets = 5 ms per block; 32 buffers (160 ms of slack for a late reader; receive
 * buffers add no delay); 8 blocks (40 ms) kept queued for transmission */
#define BITS_BLOCKSIZE		40
#define BITS_NUMBUFS		32
#define BITS_TX_DEPTH		(8 * BITS_BLOCKSIZE)
/* FRAMES: one frame per buffer; a frame that does not fit is a receive overrun */
#define FRAMES_BUFSIZE		512
#define FRAMES_NUMBUFS		16
/* at most this many reads / events per poll wake-up, so one channel cannot starve others */
#define MAX_READS_PER_WAKE	16
#define MAX_EVENTS_PER_WAKE	16
/* a lost channel (device removed: ENODEV) is reopened this often */
#define DAHDI_REOPEN_MS		1000
/* while the span is in alarm its status is read this often: DAHDI sends events only when
 * the span goes into alarm and when it leaves it (dahdi_alarm_notify()) */
#define DAHDI_ALARM_POLL_MS	500

enum dahdi_ctr {
	DAHDI_CTR_RX_FRAMES,
	DAHDI_CTR_RX_OCTETS,
	DAHDI_CTR_TX_FRAMES,
	DAHDI_CTR_TX_OCTETS,
	DAHDI_CTR_TX_BUSY,
	DAHDI_CTR_TX_SHORT,
	DAHDI_CTR_TX_UNDERRUN,
	DAHDI_CTR_RX_SHORT,
	DAHDI_CTR_EV_ALARM,
	DAHDI_CTR_EV_NOALARM,
	DAHDI_CTR_EV_ABORT,
	DAHDI_CTR_EV_BADFCS,
	DAHDI_CTR_EV_OVERRUN,
	DAHDI_CTR_EV_UNDERRUN,
	DAHDI_CTR_EV_OTHER,
	DAHDI_CTR_ERR_READ,
	DAHDI_CTR_ERR_WRITE,
	DAHDI_CTR_ERR_IOCTL,
	DAHDI_CTR_CHAN_LOST,
	DAHDI_CTR_CHAN_REOPENED,
	DAHDI_CTR_TX_DISCARDED,
	_DAHDI_CTR_MAX
};

static const struct sg_ctr_desc dahdi_ctr_desc[] = {
	[DAHDI_CTR_RX_FRAMES] = { "rx:frames", "HDLC frames received (FRAMES mode)" },
	[DAHDI_CTR_RX_OCTETS] = { "rx:octets", "Octets received (frames with FCS / line octets)" },
	[DAHDI_CTR_TX_FRAMES] = { "tx:frames", "HDLC frames written (FRAMES mode)" },
	[DAHDI_CTR_TX_OCTETS] = { "tx:octets", "Octets written (frames with FCS, or line octets)" },
	[DAHDI_CTR_TX_BUSY] = { "tx:busy", "Frames refused because DAHDI's buffers were full" },
	[DAHDI_CTR_TX_SHORT] = { "tx:short", "Line octets DAHDI did not take (BITS mode)" },
	[DAHDI_CTR_TX_UNDERRUN] = { "tx:underrun", "Line octets sent idle as we were late (estimate)" },
	[DAHDI_CTR_RX_SHORT] = { "rx:short", "Received frames too short to hold an FCS" },
	[DAHDI_CTR_EV_ALARM] = { "event:alarm", "DAHDI_EVENT_ALARM events" },
	[DAHDI_CTR_EV_NOALARM] = { "event:noalarm", "DAHDI_EVENT_NOALARM events" },
	[DAHDI_CTR_EV_ABORT] = { "event:abort", "DAHDI_EVENT_ABORT events (HDLC abort)" },
	[DAHDI_CTR_EV_BADFCS] = { "event:badfcs", "DAHDI_EVENT_BADFCS events (bad FCS)" },
	[DAHDI_CTR_EV_OVERRUN] = { "event:overrun", "DAHDI_EVENT_OVERRUN / READ_OVERRUN events" },
	[DAHDI_CTR_EV_UNDERRUN] = { "event:underrun", "DAHDI_EVENT_WRITE_UNDERRUN events" },
	[DAHDI_CTR_EV_OTHER] = { "event:other", "Other DAHDI events" },
	[DAHDI_CTR_ERR_READ] = { "error:read", "read() failures other than EAGAIN/ELAST" },
	[DAHDI_CTR_ERR_WRITE] = { "error:write", "write() failures other than EAGAIN/ELAST" },
	[DAHDI_CTR_ERR_IOCTL] = { "error:ioctl", "ioctl() failures after the channel was set up" },
	[DAHDI_CTR_CHAN_LOST] = { "chan:lost", "Channels lost: ENODEV or DAHDI_EVENT_REMOVED" },
	[DAHDI_CTR_CHAN_REOPENED] = { "chan:reopened", "Lost channels opened again" },
	[DAHDI_CTR_TX_DISCARDED] = { "tx:discarded", "Frames dropped while the channel was lost" },
};

static const struct sg_ctr_group_desc dahdi_ctr_group = {
	.name = "dahdi_span",
	.num = _DAHDI_CTR_MAX,
	.ctr = dahdi_ctr_desc,
};

static const struct value_string dahdi_event_names[] = {
	{ DAHDI_EVENT_NONE, "NONE" },
	{ DAHDI_EVENT_ALARM, "ALARM" },
	{ DAHDI_EVENT_NOALARM, "NOALARM" },
	{ DAHDI_EVENT_ABORT, "ABORT" },
	{ DAHDI_EVENT_OVERRUN, "OVERRUN" },
	{ DAHDI_EVENT_BADFCS, "BADFCS" },
	{ DAHDI_EVENT_REMOVED, "REMOVED" },
	{ DAHDI_EVENT_READ_OVERRUN, "READ_OVERRUN" },
	{ DAHDI_EVENT_WRITE_UNDERRUN, "WRITE_UNDERRUN" },
	{ 0, NULL }
};

struct dahdi_chan {
	struct sg_chan *chan;
	struct osmo_fd ofd;
	int channo;
	int sigtype;		/* DAHDI_SIG_CLEAR, _HDLCFCS (dchan) or _HARDHDLC */
	int blocksize;
	int numbufs;
	size_t tx_depth;	/* BITS: octets we believe queued in DAHDI for transmission */
	uint8_t *buf;		/* one block or one frame */
	/* the DAHDI channel went away (ENODEV): fd closed, reopened by `retry` */
	bool lost;
	bool enodev;		/* ENODEV seen where the loss could not be handled yet */
	bool in_tx;		/* inside chan_tx_frame(): the user is not to be called back */
	struct sg_timer retry;
};

/* settings: a span's "dahdi" section (doc/config.md) */
struct dahdi_cfg {
	unsigned int span;		/* DAHDI's span number */
	unsigned int base_channel;	/* DAHDI channel number of timeslot 1 */
	bool hdlc;			/* the card does HDLC (frames), else clear channel */
	char device[108];
};

static const struct sg_field dahdi_fields[] = {
	{ "span", SG_FT_INT, true, 1, 255 },
	{ "base_channel", SG_FT_INT, false, 1, 4096 },
	{ "hdlc", SG_FT_BOOL, false },
	{ "device", SG_FT_STRING, false, 1, 107 },
	{ NULL }
};

static const struct sg_schema dahdi_schema = { "dahdi", dahdi_fields };

static int dahdi_cfg_parse(void *cfg, struct json_object *o, enum sg_span_type type,
			   const char *path, char *err, size_t errlen)
{
	struct dahdi_cfg *c = cfg;

	c->span = sg_json_int(o, "span", 1);
	/* DAHDI numbers channels across spans: 31 per E1, 24 per T1 */
	c->base_channel = sg_json_int(o, "base_channel",
				      (c->span - 1) * (type == SG_SPAN_E1 ? 31 : 24) + 1);
	c->hdlc = sg_json_bool(o, "hdlc", false);
	snprintf(c->device, sizeof(c->device), "%s",
		 sg_json_str(o, "device", DAHDI_DEFAULT_DEVICE));
	return 0;
}

struct dahdi_span {
	struct sg_span *span;
	const char *device;
	struct dahdi_chan *ch[SG_SPAN_MAX_TS + 1];
	uint32_t line_alarms;	/* as DAHDI reports them, mapped */
	unsigned int lost;	/* channels lost (each adds SG_ALARM_LOS) */
	struct sg_timer alarm_poll;
};

static inline void ctr_inc(struct sg_span *span, enum dahdi_ctr c)
{
	sg_ctr_inc(span->ctr, c);
}

static const char *sig_name(int sigtype)
{
	switch (sigtype) {
	case DAHDI_SIG_CLEAR:
		return "clear";
	case DAHDI_SIG_HARDHDLC:
		return "hardhdlc";
	case DAHDI_SIG_HDLCFCS:
		return "dchan";
	case DAHDI_SIG_HDLCRAW:
		return "hdlcraw";
	case DAHDI_SIG_MTP2:
		return "mtp2";
	case DAHDI_SIG_NONE:
		return "unconfigured";
	default:
		return "other";
	}
}

/* ---- alarms and events ---- */

/*
 * DAHDI span alarm bits -> ours.  Any non-zero set is an alarm, as for DAHDI itself
 * (dahdi_alarm_notify() compares !span->alarms, chan_dahdi reports each bit): RECOVER (red
 * has cleared, the card waits before declaring the line good) counts as loss of frame
 * alignment still; NOTOPEN (span not started, or its device removed: disable_span()),
 * LOOPBACK (a maintenance loop) and bits unknown to us as loss of signal, unless a more
 * precise alarm is set as well.
 */
static uint32_t map_alarms(int dalarms)
{
	uint32_t a = 0;

	if (dalarms & DAHDI_ALARM_LOS)
		a |= SG_ALARM_LOS;
	if (dalarms & (DAHDI_ALARM_RED | DAHDI_ALARM_LFA | DAHDI_ALARM_LMFA |
		       DAHDI_ALARM_RECOVER))
		a |= SG_ALARM_LOF;
	if (dalarms & DAHDI_ALARM_BLUE)
		a |= SG_ALARM_AIS;
	if (dalarms & DAHDI_ALARM_YELLOW)
		a |= SG_ALARM_RAI;
	if (dalarms && !a)
		a = SG_ALARM_LOS;
	return a;
}

/* The span's current alarms as DAHDI reports them (DAHDI_SPANSTAT, spanno 0 = the
 * channel's own span); -errno if the query fails. */
static int query_alarms(struct dahdi_chan *ch, uint32_t *alarms)
{
	struct dahdi_spaninfo si;

	memset(&si, 0, sizeof(si));
	si.spanno = 0;
	if (ioctl(ch->ofd.fd, DAHDI_SPANSTAT, &si) < 0) {
		if (errno == ENODEV)
			ch->enodev = true;
		return -errno;
	}
	*alarms = map_alarms(si.alarms);
	return 0;
}

/* The span's alarms for our users: DAHDI's, plus loss of signal while a channel is lost.
 * Users' alarm callbacks run from here: the caller must not touch a channel afterwards. */
static void span_update_alarms(struct dahdi_span *ds)
{
	sg_span_set_alarms(ds->span, ds->line_alarms | (ds->lost ? SG_ALARM_LOS : 0));
}

/* DAHDI's alarm as read now; keep reading it while there is one (see DAHDI_ALARM_POLL_MS) */
static void set_line_alarms(struct dahdi_span *ds, uint32_t alarms)
{
	ds->line_alarms = alarms;
	if (alarms && !sg_timer_pending(&ds->alarm_poll))
		sg_timer_start_ms(&ds->alarm_poll, DAHDI_ALARM_POLL_MS);
	else if (!alarms)
		sg_timer_stop(&ds->alarm_poll);
}

static bool chan_lost(struct dahdi_chan *ch, const char *what);

static void alarm_poll_cb(void *data)
{
	struct dahdi_span *ds = data;
	struct dahdi_chan *ch = NULL;
	uint32_t alarms;

	for (unsigned int ts = 1; ts <= SG_SPAN_MAX_TS && !ch; ts++)
		if (ds->ch[ts] && !ds->ch[ts]->lost)
			ch = ds->ch[ts];
	if (!ch)
		return;		/* the next channel opened reads the status */
	if (query_alarms(ch, &alarms) < 0) {
		if (ch->enodev) {
			chan_lost(ch, "DAHDI_SPANSTAT");
			return;
		}
		sg_timer_start_ms(&ds->alarm_poll, DAHDI_ALARM_POLL_MS);
		return;
	}
	/* a NOALARM event follows when the span is clear; until then it is in alarm */
	set_line_alarms(ds, alarms ? alarms : ds->line_alarms);
	span_update_alarms(ds);
}

static void report_error(struct dahdi_chan *ch, enum sg_adapter_error err)
{
	const struct sg_chan_ops *ops = ch->chan->ops;

	if (ops && ops->rx_error)
		ops->rx_error(ch->chan->user, err);
}

static void handle_event(struct dahdi_chan *ch, int evt)
{
	struct sg_span *span = ch->chan->span;
	uint32_t alarms;

	LOGPCHAN(ch, evt == DAHDI_EVENT_ALARM || evt == DAHDI_EVENT_NOALARM ? LOGL_NOTICE :
		 LOGL_INFO, "event %s\n", get_value_string(dahdi_event_names, evt));
	switch (evt) {
	case DAHDI_EVENT_ALARM:
		ctr_inc(span, DAHDI_CTR_EV_ALARM);
		if (query_alarms(ch, &alarms) < 0 || !alarms)
			alarms = SG_ALARM_LOS;
		set_line_alarms(span->drv_priv, alarms);
		span_update_alarms(span->drv_priv);
		break;
	case DAHDI_EVENT_NOALARM:
		ctr_inc(span, DAHDI_CTR_EV_NOALARM);
		set_line_alarms(span->drv_priv, SG_ALARM_NONE);
		span_update_alarms(span->drv_priv);
		break;
	case DAHDI_EVENT_ABORT:
		ctr_inc(span, DAHDI_CTR_EV_ABORT);
		report_error(ch, SG_ADAPTER_ERR_ABORT);
		break;
	case DAHDI_EVENT_BADFCS:
		ctr_inc(span, DAHDI_CTR_EV_BADFCS);
		report_error(ch, SG_ADAPTER_ERR_FCS);
		break;
	case DAHDI_EVENT_OVERRUN:
	case DAHDI_EVENT_READ_OVERRUN:
		ctr_inc(span, DAHDI_CTR_EV_OVERRUN);
		report_error(ch, SG_ADAPTER_ERR_OVERRUN);
		break;
	case DAHDI_EVENT_WRITE_UNDERRUN:
		ctr_inc(span, DAHDI_CTR_EV_UNDERRUN);
		report_error(ch, SG_ADAPTER_ERR_UNDERRUN);
		break;
	case DAHDI_EVENT_REMOVED:
		/* disable_span(): the device is going; its channels are unregistered next
		 * and every call on our fd fails with ENODEV (nodev_fops) */
		ctr_inc(span, DAHDI_CTR_EV_OTHER);
		ch->enodev = true;
		break;
	default:
		ctr_inc(span, DAHDI_CTR_EV_OTHER);
		break;
	}
}

/* Fetch and handle pending events (read/write said ELAST, or poll said POLLPRI).
 * The channel may be closed by a callback: returns false then. */
static bool handle_events(struct dahdi_chan *ch)
{
	struct sg_span *span = ch->chan->span;
	unsigned int ts = ch->chan->ts;

	for (unsigned int i = 0; i < MAX_EVENTS_PER_WAKE; i++) {
		int evt = DAHDI_EVENT_NONE;

		if (ioctl(ch->ofd.fd, DAHDI_GETEVENT, &evt) < 0) {
			/* nodev_unlocked_ioctl() stores DAHDI_EVENT_REMOVED and fails */
			if (errno == ENODEV)
				return chan_lost(ch, "DAHDI_GETEVENT");
			ctr_inc(span, DAHDI_CTR_ERR_IOCTL);
			LOGPCHAN(ch, LOGL_ERROR, "DAHDI_GETEVENT: %s\n", strerror(errno));
			return true;
		}
		if (evt == DAHDI_EVENT_NONE)
			return true;
		handle_event(ch, evt);
		/* a user callback may have closed the channel */
		if (!span->chan[ts] || span->chan[ts]->drv_priv != ch)
			return false;
		if (ch->enodev)
			return chan_lost(ch, evt == DAHDI_EVENT_REMOVED ? "DAHDI_EVENT_REMOVED" :
					 "DAHDI_SPANSTAT");
	}
	return true;
}

/* ---- BITS mode ---- */

/* Write n octets pulled from the user's transmitter (idle: all ones instead); returns how
 * many DAHDI took. */
static size_t bits_tx(struct dahdi_chan *ch, size_t n, bool idle)
{
	struct sg_span *span = ch->chan->span;
	uint8_t out[BITS_BLOCKSIZE];
	ssize_t rc;

	if (n > sizeof(out))
		n = sizeof(out);
	if (!idle && ch->chan->ops && ch->chan->ops->tx_bits)
		ch->chan->ops->tx_bits(ch->chan->user, out, n);
	else
		memset(out, 0xff, n);
	rc = write(ch->ofd.fd, out, n);
	if (rc < 0) {
		if (errno == EAGAIN || errno == ELAST) {
			sg_ctr_add(span->ctr, DAHDI_CTR_TX_SHORT, n);
		} else if (errno == ENODEV) {
			ch->enodev = true;	/* the caller loses the channel */
		} else {
			ctr_inc(span, DAHDI_CTR_ERR_WRITE);
			LOGPCHAN(ch, LOGL_ERROR, "write: %s\n", strerror(errno));
		}
		return 0;
	}
	sg_ctr_add(span->ctr, DAHDI_CTR_TX_OCTETS, rc);
	if ((size_t)rc < n)
		sg_ctr_add(span->ctr, DAHDI_CTR_TX_SHORT, n - rc);
	return rc;
}

/*
 * The card sent `consumed` octets since the last call (as many as it received: one clock for
 * both directions): top the transmit queue up to BITS_TX_DEPTH again.  In steady state that is
 * one octet written per octet read; after a stall longer than the queue the card idled (an
 * underrun) and we refill only to the depth, so the delay does not grow with every stall.
 */
static void bits_refill(struct dahdi_chan *ch, size_t consumed, bool idle)
{
	struct sg_span *span = ch->chan->span;

	if (consumed > ch->tx_depth) {
		sg_ctr_add(span->ctr, DAHDI_CTR_TX_UNDERRUN, consumed - ch->tx_depth);
		ch->tx_depth = 0;
	} else {
		ch->tx_depth -= consumed;
	}
	while (ch->tx_depth < BITS_TX_DEPTH) {
		size_t want = BITS_TX_DEPTH - ch->tx_depth;
		size_t done = bits_tx(ch, want < (size_t)ch->blocksize ? want : (size_t)ch->blocksize,
				      idle);

		if (!done)
			break;
		ch->tx_depth += done;
	}
}

/* Is ch still the channel of its timeslot (a callback may have closed it)? */
static bool chan_alive(struct dahdi_chan *ch, struct sg_span *span, unsigned int ts)
{
	return span->chan[ts] && span->chan[ts]->drv_priv == ch;
}

/* One read() of up to a block into ch->buf, with DAHDI's events (ELAST)
 * handled on the way.  Returns 1 with *n octets read (possibly 0), 0 when
 * there is nothing more for now (or after a read error, counted and
 * logged), -1 when an event handler closed the channel. */
static int chan_read(struct dahdi_chan *ch, ssize_t *n)
{
	struct sg_span *span = ch->chan->span;

	for (;;) {
		*n = read(ch->ofd.fd, ch->buf, ch->blocksize);
		if (*n >= 0)
			return 1;
		if (errno == EAGAIN)
			return 0;
		if (errno == ELAST) {
			if (!handle_events(ch))
				return -1;
			continue;
		}
		if (errno == ENODEV) {
			chan_lost(ch, "read");
			return -1;
		}
		ctr_inc(span, DAHDI_CTR_ERR_READ);
		LOGPCHAN(ch, LOGL_ERROR, "read: %s\n", strerror(errno));
		return 0;
	}
}

/* Returns false if the channel was closed by a callback. */
static bool bits_read(struct dahdi_chan *ch)
{
	struct sg_span *span = ch->chan->span;
	unsigned int ts = ch->chan->ts;

	for (unsigned int i = 0; i < MAX_READS_PER_WAKE; i++) {
		ssize_t n;
		int rc = chan_read(ch, &n);

		if (rc <= 0)
			return rc == 0;
		if (n == 0)
			return true;
		sg_ctr_add(span->ctr, DAHDI_CTR_RX_OCTETS, n);
		if (ch->chan->ops && ch->chan->ops->rx_bits)
			ch->chan->ops->rx_bits(ch->chan->user, ch->buf, n);
		if (!chan_alive(ch, span, ts))
			return false;
		/* the line took n octets from us meanwhile */
		bits_refill(ch, n, false);
		if (ch->enodev) {
			chan_lost(ch, "write");
			return false;
		}
	}
	return true;
}

/* ---- FRAMES mode ---- */

static bool frames_read(struct dahdi_chan *ch)
{
	struct sg_span *span = ch->chan->span;
	unsigned int ts = ch->chan->ts;

	for (unsigned int i = 0; i < MAX_READS_PER_WAKE; i++) {
		ssize_t n;
		int rc = chan_read(ch, &n);

		if (rc <= 0)
			return rc == 0;
		if (n <= 2) {
			/* nothing but (part of) an FCS: not a signal unit */
			ctr_inc(span, DAHDI_CTR_RX_SHORT);
			report_error(ch, SG_ADAPTER_ERR_LENGTH);
		} else {
			ctr_inc(span, DAHDI_CTR_RX_FRAMES);
			sg_ctr_add(span->ctr, DAHDI_CTR_RX_OCTETS, n);
			if (ch->chan->ops && ch->chan->ops->rx_frame)
				ch->chan->ops->rx_frame(ch->chan->user, ch->buf, n);
		}
		if (!chan_alive(ch, span, ts))
			return false;
	}
	return true;
}

static int dahdi_chan_tx_frame(struct sg_chan *chan, const uint8_t *frame, size_t len)
{
	struct dahdi_chan *ch = chan->drv_priv;
	struct sg_span *span = chan->span;
	bool alive;

	/* DAHDI's receiver overruns on a frame as long as its block (dahdi-base.c) */
	if (len < 3 || len >= (size_t)ch->blocksize)
		return -EMSGSIZE;
	if (ch->lost || ch->enodev) {
		/* no line: the frame goes nowhere, as on a broken line (the user has, or is
		 * about to get, loss of signal) */
		ctr_inc(span, DAHDI_CTR_TX_DISCARDED);
		return 0;
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		/* DAHDI overwrites the last 2 octets with the FCS it computes */
		ssize_t rc = write(ch->ofd.fd, frame, len);

		if (rc == (ssize_t)len) {
			ctr_inc(span, DAHDI_CTR_TX_FRAMES);
			sg_ctr_add(span->ctr, DAHDI_CTR_TX_OCTETS, len);
			return 0;
		}
		if (rc >= 0) {
			ctr_inc(span, DAHDI_CTR_ERR_WRITE);
			LOGPCHAN(ch, LOGL_ERROR, "short write %zd of %zu\n", rc, len);
			return -EIO;
		}
		if (errno == EAGAIN) {
			ctr_inc(span, DAHDI_CTR_TX_BUSY);
			osmo_fd_write_enable(&ch->ofd);
			return -EAGAIN;
		}
		if (errno == ENODEV) {
			/* lost; handled from the loop (chan_lost() calls users back) */
			ch->enodev = true;
			sg_timer_start_ms(&ch->retry, 0);
			ctr_inc(span, DAHDI_CTR_TX_DISCARDED);
			return 0;
		}
		if (errno != ELAST || attempt)
			break;
		/* an event is pending: take it, then try once more */
		ch->in_tx = true;
		alive = handle_events(ch);
		ch->in_tx = false;
		if (!alive)
			return -ENODEV;
		if (ch->enodev) {
			ctr_inc(span, DAHDI_CTR_TX_DISCARDED);
			return 0;
		}
	}
	ctr_inc(span, DAHDI_CTR_ERR_WRITE);
	LOGPCHAN(ch, LOGL_ERROR, "write: %s\n", strerror(errno));
	return -errno;
}

/* ---- the channel's fd ---- */

static int dahdi_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct dahdi_chan *ch = ofd->data;
	struct sg_chan *chan = ch->chan;

	if (what & OSMO_FD_EXCEPT) {
		if (!handle_events(ch))
			return 0;
	}
	if (what & OSMO_FD_READ) {
		bool alive = chan->mode == SG_ADAPTER_MODE_BITS ? bits_read(ch) : frames_read(ch);

		if (!alive)
			return 0;
	}
	if (what & OSMO_FD_WRITE) {
		osmo_fd_write_disable(ofd);
		if (chan->mode == SG_ADAPTER_MODE_FRAMES && chan->ops && chan->ops->tx_ready)
			chan->ops->tx_ready(chan->user);
	}
	return 0;
}

/* ---- set-up ---- */

/* set-up errors: logged as errors, but only at debug level while reopening a lost channel
 * (its loss was logged once) */
static int setup_loglevel(const struct dahdi_chan *ch)
{
	return ch->lost ? LOGL_DEBUG : LOGL_ERROR;
}

static int chan_ioctl(struct dahdi_chan *ch, unsigned long req, void *arg, const char *name)
{
	if (ioctl(ch->ofd.fd, req, arg) < 0) {
		int err = errno;

		if (req == DAHDI_SPECIFY && err == EBUSY)
			LOGPCHAN(ch, setup_loglevel(ch), "DAHDI_SPECIFY: %s: the channel is open "
				 "elsewhere, or a slave of a bundle (one 'clear=a-b' line in "
				 "system.conf bundles a-b under channel a: give each timeslot its "
				 "own line)\n", strerror(err));
		else if (req == DAHDI_SPECIFY && err == ENXIO)
			LOGPCHAN(ch, setup_loglevel(ch), "DAHDI_SPECIFY: %s: the channel is not "
				 "configured in system.conf\n", strerror(err));
		else
			LOGPCHAN(ch, setup_loglevel(ch), "%s: %s\n", name, strerror(err));
		return -err;
	}
	return 0;
}

/* Configure the opened, specified channel for the wanted mode. */
static int chan_setup(struct dahdi_chan *ch)
{
	struct sg_chan *chan = ch->chan;
	const struct dahdi_cfg *cfg = chan->span->drv_cfg;
	struct dahdi_params par;
	struct dahdi_bufferinfo bi;
	int zero = 0, one = 1, flush = DAHDI_FLUSH_ALL;
	int lvl = setup_loglevel(ch);
	int rc;

	memset(&par, 0, sizeof(par));
	rc = chan_ioctl(ch, DAHDI_GET_PARAMS, &par, "DAHDI_GET_PARAMS");
	if (rc < 0)
		return rc;
	ch->sigtype = par.sigtype;
	if (cfg->span && par.spanno != (int)cfg->span) {
		LOGPCHAN(ch, lvl, "DAHDI channel %d is on DAHDI span %d, not %u: check "
			 "dahdi.base_channel\n", ch->channo, par.spanno, cfg->span);
		return -EXDEV;
	}
	if (chan->mode == SG_ADAPTER_MODE_FRAMES) {
		if (par.sigtype == DAHDI_SIG_MTP2) {
			/* dahdi-base.c, __dahdi_getbuf_chunk() with DAHDI_FLAG_MTP2: the last
			 * frame written is sent again and again until the next write, and
			 * __putbuf_chunk() drops a frame equal to the previous one; MTP2 above
			 * would see every MSU repeated (and lose real repetitions) */
			LOGPCHAN(ch, lvl, "signalling is mtp2 (0x%x): DAHDI repeats the "
				 "last frame written forever there; configure the channel as "
				 "'dchan', 'clear' or 'hardhdlc' in system.conf\n", par.sigtype);
			return -EMEDIUMTYPE;
		}
		if (par.sigtype != DAHDI_SIG_CLEAR && par.sigtype != DAHDI_SIG_HDLCFCS &&
		    par.sigtype != DAHDI_SIG_HARDHDLC) {
			LOGPCHAN(ch, lvl, "signalling is %s (0x%x): HDLC needs a 'dchan', "
				 "'clear' or 'hardhdlc' channel in system.conf\n",
				 sig_name(par.sigtype), par.sigtype);
			return -EMEDIUMTYPE;
		}
		if (par.sigtype == DAHDI_SIG_HARDHDLC) {
			/* DAHDI_HDLC_RATE only switches DAHDI's fasthdlc (DAHDI_FLAG_HDLC56):
			 * the card's HDLC never sees it (wct4xxp: 64 kbit/s only), so 56k
			 * would be accepted and then silently run at 64k */
			if (chan->rate == SG_CHAN_56K) {
				LOGPCHAN(ch, lvl, "hardhdlc: the card's HDLC runs "
					 "at 64 kbit/s only; a 56 kbit/s link needs a 'dchan' or "
					 "'clear' channel in system.conf\n");
				return -EOPNOTSUPP;
			}
		} else {
			/* always: DAHDI keeps DAHDI_FLAG_HDLC56 across close and open
			 * (initialize_channel() does not clear it), so a channel once used at
			 * 56k would stay at 56k */
			int rate = chan->rate == SG_CHAN_56K ? 56 : 64;

			rc = chan_ioctl(ch, DAHDI_HDLC_RATE, &rate, "DAHDI_HDLC_RATE");
			if (rc < 0)
				return rc;
		}
		/* DAHDI_HDLCFCSMODE is for a clear channel only (dahdi_chan_ioctl: EINVAL
		 * unless chan->sig == DAHDI_SIG_CLEAR): a dchan (DAHDI_SIG_HDLCFCS) got
		 * DAHDI_FLAG_HDLC | DAHDI_FLAG_FCS from dahdi_ioctl_chanconfig() already, a
		 * hardhdlc channel does HDLC and FCS in the card */
		if (par.sigtype == DAHDI_SIG_CLEAR) {
			rc = chan_ioctl(ch, DAHDI_HDLCFCSMODE, &one, "DAHDI_HDLCFCSMODE");
			if (rc < 0)
				return rc;
		}
	} else {
		if (par.sigtype != DAHDI_SIG_CLEAR) {
			LOGPCHAN(ch, lvl, "signalling is %s (0x%x): a bitstream needs a "
				 "'clear' channel in system.conf\n", sig_name(par.sigtype),
				 par.sigtype);
			return -EMEDIUMTYPE;
		}
		/* neither audio (no law conversion, no echo canceller) nor HDLC */
		rc = chan_ioctl(ch, DAHDI_AUDIOMODE, &zero, "DAHDI_AUDIOMODE 0");
		if (rc < 0)
			return rc;
		rc = chan_ioctl(ch, DAHDI_HDLCRAWMODE, &zero, "DAHDI_HDLCRAWMODE 0");
		if (rc < 0)
			return rc;
	}

	memset(&bi, 0, sizeof(bi));
	rc = chan_ioctl(ch, DAHDI_GET_BUFINFO, &bi, "DAHDI_GET_BUFINFO");
	if (rc < 0)
		return rc;
	bi.txbufpolicy = DAHDI_POLICY_IMMEDIATE;
	bi.rxbufpolicy = DAHDI_POLICY_IMMEDIATE;
	if (chan->mode == SG_ADAPTER_MODE_FRAMES) {
		bi.numbufs = FRAMES_NUMBUFS;
		bi.bufsize = FRAMES_BUFSIZE;
	} else {
		bi.numbufs = BITS_NUMBUFS;
		bi.bufsize = BITS_BLOCKSIZE;
	}
	rc = chan_ioctl(ch, DAHDI_SET_BUFINFO, &bi, "DAHDI_SET_BUFINFO");
	if (rc < 0)
		return rc;
	rc = chan_ioctl(ch, DAHDI_GET_BLOCKSIZE, &ch->blocksize, "DAHDI_GET_BLOCKSIZE");
	if (rc < 0)
		return rc;
	if (ch->blocksize != bi.bufsize) {
		LOGPCHAN(ch, lvl, "block size is %d, wanted %d\n", ch->blocksize,
			 bi.bufsize);
		return -EINVAL;
	}
	ch->numbufs = bi.numbufs;
	/* no DAHDI_EVENT_READ_OVERRUN / _WRITE_UNDERRUN: the flag (DAHDI_FLAGBIT_BUFEVENTS)
	 * stays with the DAHDI channel across opens, and a previous user's setting would make
	 * every underrun of a clear channel an event, which fails the next write() with
	 * ELAST; MTP2 finds lost frames by itself, and the bitstream's underruns are counted
	 * (tx:underrun) */
	rc = chan_ioctl(ch, DAHDI_BUFFER_EVENTS, &zero, "DAHDI_BUFFER_EVENTS 0");
	if (rc < 0)
		return rc;
	/* drop what a previous user left: data and events */
	rc = chan_ioctl(ch, DAHDI_FLUSH, &flush, "DAHDI_FLUSH");
	if (rc < 0)
		return rc;
	talloc_free(ch->buf);
	ch->buf = talloc_size(ch, ch->blocksize);
	if (!ch->buf)
		return -ENOMEM;
	return 0;
}

/* Open, specify and set up the DAHDI channel of ch, prime it, register its fd.  On
 * failure nothing stays open. */
static int chan_attach(struct dahdi_chan *ch)
{
	struct sg_chan *chan = ch->chan;
	struct dahdi_span *ds = chan->span->drv_priv;
	int fd, rc;

	ch->enodev = false;
	fd = open(ds->device, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		LOGPCHAN(ch, setup_loglevel(ch), "open %s: %s\n", ds->device, strerror(errno));
		return rc;
	}
	osmo_fd_setup(&ch->ofd, fd, OSMO_FD_READ | OSMO_FD_EXCEPT, dahdi_fd_cb, ch, chan->ts);
	/* must come before any other ioctl on the generic channel device */
	rc = chan_ioctl(ch, DAHDI_SPECIFY, &ch->channo, "DAHDI_SPECIFY");
	if (rc < 0)
		goto err;
	rc = chan_setup(ch);
	if (rc < 0)
		goto err;
	/* prime the transmit side with an idle line (all ones): the user's tx_bits is called
	 * from the loop only, never from inside sg_chan_open(), when it may not be ready yet */
	ch->tx_depth = 0;
	if (chan->mode == SG_ADAPTER_MODE_BITS)
		bits_refill(ch, 0, true);
	if (ch->enodev) {
		rc = -ENODEV;
		goto err;
	}
	if (osmo_fd_register(&ch->ofd) < 0) {
		rc = -EIO;
		goto err;
	}
	return 0;
err:
	close(ch->ofd.fd);
	ch->ofd.fd = -1;
	return rc;
}

/*
 * The DAHDI channel is gone: its device was removed (DAHDI_EVENT_REMOVED; then
 * dahdi_chan_unreg() gives our open file nodev_fops, whose read, write, ioctl and poll
 * sleep 5 ms and fail with ENODEV, forever).  Close the fd, tell the users loss of signal,
 * reopen every DAHDI_REOPEN_MS; logged once.  Users are called back last: the caller must
 * not touch ch after a false return.  Inside chan_tx_frame() the users are not to be called
 * back: the loss is left to the loop then (returns true, ch stays).
 */
static bool chan_lost(struct dahdi_chan *ch, const char *what)
{
	struct sg_span *span = ch->chan->span;
	struct dahdi_span *ds = span->drv_priv;

	if (ch->lost)
		return false;
	if (ch->in_tx) {
		ch->enodev = true;
		sg_timer_start_ms(&ch->retry, 0);
		return true;
	}
	LOGPCHAN(ch, LOGL_ERROR, "%s: the DAHDI channel is gone (device removed): loss of "
		 "signal; trying to open it again every %u ms\n", what, DAHDI_REOPEN_MS);
	ctr_inc(span, DAHDI_CTR_CHAN_LOST);
	if (osmo_fd_is_registered(&ch->ofd))
		osmo_fd_unregister(&ch->ofd);
	close(ch->ofd.fd);
	ch->ofd.fd = -1;
	ch->lost = true;
	ch->enodev = false;
	ds->lost++;
	sg_timer_start_ms(&ch->retry, DAHDI_REOPEN_MS);
	span_update_alarms(ds);
	return false;
}

static void chan_retry_cb(void *data)
{
	struct dahdi_chan *ch = data;
	struct sg_span *span = ch->chan->span;
	struct dahdi_span *ds = span->drv_priv;
	uint32_t alarms;

	if (!ch->lost) {
		/* ENODEV met inside chan_tx_frame() */
		chan_lost(ch, "write");
		return;
	}
	if (chan_attach(ch) < 0) {
		sg_timer_start_ms(&ch->retry, DAHDI_REOPEN_MS);
		return;
	}
	ch->lost = false;
	ds->lost--;
	ctr_inc(span, DAHDI_CTR_CHAN_REOPENED);
	LOGPCHAN(ch, LOGL_NOTICE, "open again: %s, %s mode\n", sig_name(ch->sigtype),
		 ch->chan->mode == SG_ADAPTER_MODE_BITS ? "bitstream" : "frame");
	if (query_alarms(ch, &alarms) == 0)
		set_line_alarms(ds, alarms);
	span_update_alarms(ds);
}

static int dahdi_chan_open(struct sg_chan *chan)
{
	struct sg_span *span = chan->span;
	struct dahdi_span *ds = span->drv_priv;
	const struct dahdi_cfg *cfg = span->drv_cfg;
	struct dahdi_chan *ch;
	uint32_t alarms, before;
	int rc;

	if (chan->ts == 0) {
		LOGPSPAN(span, LOGL_ERROR, "a DAHDI channel is one timeslot: the whole span "
			 "(Q.703 Annex A, timeslot 0) is not supported by this driver\n");
		return -EOPNOTSUPP;
	}
	ch = talloc_zero(span->ctx, struct dahdi_chan);
	if (!ch)
		return -ENOMEM;
	ch->chan = chan;
	ch->channo = cfg->base_channel + chan->ts - 1;
	ch->ofd.fd = -1;
	sg_timer_setup(&ch->retry, chan_retry_cb, ch);
	/* DAHDI delivers the first bit of a timeslot in bit 7 (G.704 bit 1) */
	chan->msb_first = true;
	chan->drv_priv = ch;
	rc = chan_attach(ch);
	if (rc < 0) {
		chan->drv_priv = NULL;
		talloc_free(ch);
		return rc;
	}
	ds->ch[chan->ts] = ch;
	LOGPCHAN(ch, LOGL_INFO, "open: %s, %s mode, %d x %d octet buffers\n",
		 sig_name(ch->sigtype), chan->mode == SG_ADAPTER_MODE_BITS ? "bitstream" : "frame",
		 ch->numbufs, ch->blocksize);
	/* where the line stands: a change tells every channel's user, else tell the new one */
	before = span->alarms;
	if (query_alarms(ch, &alarms) == 0)
		set_line_alarms(ds, alarms);
	span_update_alarms(ds);
	if (span->alarms == before && span->alarms && chan->ops && chan->ops->alarm)
		chan->ops->alarm(chan->user, span->alarms);
	return 0;
}

static void dahdi_chan_close(struct sg_chan *chan)
{
	struct dahdi_span *ds = chan->span->drv_priv;
	struct dahdi_chan *ch = chan->drv_priv;

	if (!ch)
		return;
	sg_timer_stop(&ch->retry);
	if (ch->lost) {
		/* its loss of signal goes with it at the next alarm update */
		ds->lost--;
	} else {
		osmo_fd_unregister(&ch->ofd);
		close(ch->ofd.fd);
	}
	ds->ch[chan->ts] = NULL;
	chan->drv_priv = NULL;
	LOGPCHAN(ch, LOGL_INFO, "closed\n");
	talloc_free(ch);
}

static int dahdi_span_open(struct sg_span *span)
{
	const struct dahdi_cfg *cfg = span->drv_cfg;
	struct dahdi_span *ds;

	if (cfg->base_channel < 1) {
		LOGPSPAN(span, LOGL_ERROR, "dahdi.base_channel must be 1 or more\n");
		return -EINVAL;
	}
	ds = talloc_zero(span->ctx, struct dahdi_span);
	if (!ds)
		return -ENOMEM;
	ds->span = span;
	ds->device = cfg->device[0] ? cfg->device : DAHDI_DEFAULT_DEVICE;
	span->ctr = sg_ctr_group_alloc(span->ctx, &dahdi_ctr_group);
	if (!span->ctr) {
		talloc_free(ds);
		return -ENOMEM;
	}
	span->drv_priv = ds;
	sg_timer_setup(&ds->alarm_poll, alarm_poll_cb, ds);
	LOGPSPAN(span, LOGL_INFO, "DAHDI span %u, timeslot 1 = channel %u, %s, device %s\n",
		 cfg->span, cfg->base_channel,
		 cfg->hdlc ? "HDLC by DAHDI" : "clear channel", ds->device);
	return 0;
}

static void dahdi_span_close(struct sg_span *span)
{
	struct dahdi_span *ds = span->drv_priv;

	/* sg_span_close() closed the channels already */
	sg_timer_stop(&ds->alarm_poll);
	talloc_free(ds);
	span->drv_priv = NULL;
}

static bool dahdi_supports(const struct sg_span *span, enum sg_adapter_mode mode)
{
	const struct dahdi_cfg *cfg = span->drv_cfg;

	return cfg->hdlc ? mode == SG_ADAPTER_MODE_FRAMES : mode == SG_ADAPTER_MODE_BITS;
}

static struct json_object *dahdi_span_info(const struct sg_span *span)
{
	const struct dahdi_span *ds = span->drv_priv;
	const struct dahdi_cfg *cfg = span->drv_cfg;
	struct json_object *o = json_object_new_object();
	struct json_object *chans = json_object_new_array();

	json_object_object_add(o, "driver", json_object_new_string("dahdi"));
	json_object_object_add(o, "device", json_object_new_string(ds->device));
	json_object_object_add(o, "dahdi_span", json_object_new_int(cfg->span));
	json_object_object_add(o, "base_channel", json_object_new_int(cfg->base_channel));
	json_object_object_add(o, "mode", json_object_new_string(cfg->hdlc ? "frames" :
								 "bits"));
	for (unsigned int ts = 1; ts <= SG_SPAN_MAX_TS; ts++) {
		const struct dahdi_chan *ch = ds->ch[ts];
		struct json_object *c;

		if (!ch)
			continue;
		c = json_object_new_object();
		json_object_object_add(c, "timeslot", json_object_new_int(ts));
		json_object_object_add(c, "channel", json_object_new_int(ch->channo));
		json_object_object_add(c, "signalling",
				       json_object_new_string(sig_name(ch->sigtype)));
		json_object_object_add(c, "blocksize", json_object_new_int(ch->blocksize));
		json_object_object_add(c, "numbufs", json_object_new_int(ch->numbufs));
		json_object_object_add(c, "lost", json_object_new_boolean(ch->lost));
		json_object_array_add(chans, c);
	}
	json_object_object_add(o, "channels", chans);
	return o;
}

struct sg_adapter_driver sg_dahdi_driver = {
	.name = "dahdi",
	.description = "DAHDI E1/T1 cards: HDLC by DAHDI (frames) or clear channel (bitstream)",
	.schema = &dahdi_schema,
	.cfg_size = sizeof(struct dahdi_cfg),
	.cfg_parse = dahdi_cfg_parse,
	.span_open = dahdi_span_open,
	.span_close = dahdi_span_close,
	.chan_open = dahdi_chan_open,
	.chan_close = dahdi_chan_close,
	.chan_tx_frame = dahdi_chan_tx_frame,
	.supports = dahdi_supports,
	.span_info = dahdi_span_info,
};
