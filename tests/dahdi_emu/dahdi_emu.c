/* DAHDI emulation for tests: an LD_PRELOAD library backing /dev/dahdi/channel with cabled lines. */

/*
 * What it emulates (DAHDI 2.11 dahdi-base.c, generic channel device):
 *  - open("/dev/dahdi/channel") gives an fd (an eventfd underneath, so that
 *    poll() can wait on it); DAHDI_SPECIFY binds it to a channel number; any
 *    other ioctl before that fails with ENOSYS, as DAHDI's "prechan" does.
 *  - ioctls: SPECIFY, GET_PARAMS, GET/SET_BUFINFO, GET/SET_BLOCKSIZE, FLUSH,
 *    AUDIOMODE, HDLCRAWMODE, HDLCFCSMODE, HDLC_RATE, BUFFER_EVENTS, GETEVENT, SPANSTAT,
 *    CHANNO; anything else fails with EINVAL and is logged.
 *  - buffers: numbufs buffers of blocksize octets each way; read() returns
 *    one buffer (one frame in HDLC mode), write() fills one (EAGAIN when all
 *    are full); transmit policies IMMEDIATE / WHEN_FULL / HALF_FULL.
 *  - events: a queue per channel; while it is not empty read() and write()
 *    fail with ELAST and poll() reports POLLPRI; DAHDI_GETEVENT pops one.
 *  - the line: every channel is a 64 kbit/s timeslot.  A pacing thread runs
 *    a 1 ms tick on CLOCK_MONOTONIC and moves 8 octets per tick (DAHDI's
 *    chunk size) from each open channel's transmitter to its cabled peer's
 *    receiver, as a card's interrupt would: 8000 octets per second.  Line
 *    octets carry their first bit in bit 7, as DAHDI delivers a timeslot.
 *  - HDLC mode (HDLCFCSMODE on a clear channel, or a "hardhdlc" channel): the
 *    emulation frames and deframes like DAHDI's fasthdlc: flags, zero bit
 *    stuffing, FCS-16 computed on write over all but the last 2 octets and
 *    written there, checked on receive and delivered with the frame; a bad
 *    FCS gives DAHDI_EVENT_BADFCS, 7 ones inside a frame DAHDI_EVENT_ABORT, a
 *    frame longer than the block size DAHDI_EVENT_OVERRUN.  The idle line
 *    carries flags.  So an HDLC channel interworks with software HDLC run
 *    over a clear channel on the other end of the cable.
 *  - an unopened or uncabled channel transmits all ones; a span in red or
 *    blue alarm receives all ones.
 *  - per channel number, as the kernel keeps it across opens: the system.conf
 *    signalling (clear, hardhdlc, dchan, mtp2, unconfigured, bundles), the 56k
 *    HDLC setting (which a hardhdlc card ignores), DAHDI_BUFFER_EVENTS and the
 *    underrun / overrun state behind them.
 *  - surprise removal: the fds of a removed span's channels get DAHDI's
 *    nodev_fops behaviour (5 ms, then ENODEV; POLLERR).
 *
 * Locking: one mutex over all state; the pacing thread takes it per tick and
 * the wrappers per call.  The app's fd is signalled (eventfd += 1) whenever
 * its channel's state changes; poll() recomputes the readiness from the state.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <dahdi/user.h>

#define EMU_MAX_CHANS		256	/* channel numbers 1..255 */
#define EMU_MAX_FDS		4096
#define EMU_CHUNK		8	/* octets per channel per 1 ms tick */
#define EMU_TICK_NS		1000000LL
#define EMU_MAX_CATCHUP		200	/* ticks run at once after a stall, then resync */
#define EMU_MAX_EVENTS		32
#define EMU_DEFAULT_DEVICE	"/dev/dahdi/channel"

/* ---- the channel (kernel side) ---- */

struct hdlc_tx {
	uint32_t bits;		/* queued line bits, next one in bit 0 */
	int nbits;
	int ones;		/* consecutive ones sent inside the frame */
	bool in_frame;
	bool need_flag;
	int idx;		/* next octet of the current frame */
};

struct hdlc_rx {
	bool in_frame;
	int ones;
	int nbits;		/* destuffed bits collected since the last flag */
	uint8_t *frame;		/* blocksize + 1 octets */
};

struct emu_chan {
	int fd;			/* the app's fd (eventfd) */
	bool nonblock;
	int channo;		/* 0 until DAHDI_SPECIFY */
	int sig;
	bool hdlc, fcs, audio, rate56;
	int blocksize, numbufs, txpolicy;
	/* receive: rx_count full buffers from rx_head; the next one fills at rx_fill */
	uint8_t *rxbuf;
	int rxlen[DAHDI_MAX_NUM_BUFS];
	int rx_head, rx_count, rx_fill;
	/* transmit: tx_count full buffers from tx_head; the oldest sends from tx_pos */
	uint8_t *txbuf;
	int txlen[DAHDI_MAX_NUM_BUFS];
	int tx_head, tx_count, tx_pos;
	bool txdisable;
	int events[EMU_MAX_EVENTS];
	int ev_head, ev_count;
	struct hdlc_tx htx;
	struct hdlc_rx hrx;
	bool inj_corrupt, inj_abort;
	bool nodev;		/* its channel was removed: DAHDI's nodev_fops from now on */
	bool dirty;		/* signal the app's fd after this tick */
	bool rx_dropped_now;	/* this chunk lost receive data (no free buffer) */
	bool tx_idle_now;	/* this chunk sent idle for want of data (clear, not HDLC) */
	/* DAHDI_SIG_MTP2: the frame last received, dropped when it comes again */
	uint8_t *mtp2_last;
	int mtp2_last_len;
	uint64_t rx_octets, tx_octets, rx_frames, tx_frames, rx_dropped, tx_underruns, n_events;
};

static pthread_mutex_t emu_lock = PTHREAD_MUTEX_INITIALIZER;
static struct emu_chan *by_fd[EMU_MAX_FDS];
static struct emu_chan *by_chan[EMU_MAX_CHANS];
static int link_peer[EMU_MAX_CHANS];
/* what the kernel keeps per channel number, across opens (struct dahdi_chan) */
static int chan_sig[EMU_MAX_CHANS];		/* system.conf signalling, 0: unset */
static int chan_master[EMU_MAX_CHANS];		/* bundle master (clear=a-b), 0 = itself */
static bool chan_hdlc56[EMU_MAX_CHANS];	/* DAHDI_FLAG_HDLC56: DAHDI_HDLC_RATE 56 */
static bool chan_bufevents[EMU_MAX_CHANS];	/* DAHDI_FLAGBIT_BUFEVENTS */
static bool chan_txunderrun[EMU_MAX_CHANS];	/* DAHDI_FLAGBIT_TXUNDERRUN */
static bool chan_rxoverrun[EMU_MAX_CHANS];	/* DAHDI_FLAGBIT_RXOVERRUN */
static int chan_alarms[EMU_MAX_CHANS];		/* chan->chan_alarms, set on transitions */
static int span_alarms[EMU_MAX_CHANS];
static bool span_removed[EMU_MAX_CHANS];	/* the span's device was unplugged */
static unsigned long long nodev_calls;		/* calls on fds of removed channels */
static int chans_per_span = 31;
static bool debug;
static int ctl_fd = -1;
static pthread_once_t engine_once = PTHREAD_ONCE_INIT;

static int (*real_open)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_write)(int, const void *, size_t);
static int (*real_ioctl)(int, unsigned long, ...);
static int (*real_close)(int);
static int (*real_poll)(struct pollfd *, nfds_t, int);

#define EMU_LOG(fmt, args...) fprintf(stderr, "dahdi_emu: " fmt, ## args)
#define EMU_DBG(fmt, args...) do { if (debug) EMU_LOG(fmt, ## args); } while (0)

static void *resolve(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	if (!p) {
		EMU_LOG("cannot resolve %s: %s\n", name, dlerror());
		abort();
	}
	return p;
}

static void *real_get(void **slot, const char *name)
{
	void *p = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

	if (!p) {
		p = resolve(name);
		__atomic_store_n(slot, p, __ATOMIC_RELEASE);
	}
	return p;
}

/* the next definition of fn after ours (libc's, or a sanitizer's before it) */
#define REAL(fn) ((__typeof__(real_##fn))real_get((void **)&real_##fn, #fn))

/* ---- helpers ---- */

static void fd_signal(int fd)
{
	uint64_t one = 1;

	/* straight to the kernel: neither our wrappers nor a sanitizer's */
	if (syscall(SYS_write, fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		EMU_LOG("eventfd signal: %s\n", strerror(errno));
}

static void fd_drain(int fd)
{
	uint64_t v;

	(void)!syscall(SYS_read, fd, &v, sizeof(v));
}

static int span_of(int channo)
{
	return (channo - 1) / chans_per_span + 1;
}

static uint16_t fcs16(uint16_t crc, const uint8_t *p, int len)
{
	while (len-- > 0) {
		crc ^= *p++;
		for (int i = 0; i < 8; i++)
			crc = (crc >> 1) ^ (crc & 1 ? 0x8408 : 0);
	}
	return crc;
}

static void queue_event(struct emu_chan *c, int evt)
{
	if (c->ev_count == EMU_MAX_EVENTS) {
		EMU_LOG("channel %d: event queue full, event %d lost\n", c->channo, evt);
		return;
	}
	c->events[(c->ev_head + c->ev_count++) % EMU_MAX_EVENTS] = evt;
	c->n_events++;
	c->dirty = true;
	EMU_DBG("channel %d: event %d queued\n", c->channo, evt);
}

/* HDLC receive errors: __putbuf_chunk() queues them only while the span has no alarm */
static void queue_rx_error(struct emu_chan *c, int evt)
{
	if (span_alarms[span_of(c->channo)]) {
		EMU_DBG("channel %d: event %d not queued: span in alarm\n", c->channo, evt);
		return;
	}
	queue_event(c, evt);
}

static void hdlc_reset(struct emu_chan *c)
{
	c->hrx.in_frame = false;
	c->hrx.ones = c->hrx.nbits = 0;
	c->htx = (struct hdlc_tx){ .need_flag = true };
}

static int alloc_bufs(struct emu_chan *c, int blocksize, int numbufs)
{
	uint8_t *rx = calloc(numbufs, blocksize);
	uint8_t *tx = calloc(numbufs, blocksize);
	uint8_t *fr = calloc(1, blocksize + 1);
	uint8_t *last = calloc(1, blocksize + 1);

	if (!rx || !tx || !fr || !last) {
		free(rx);
		free(tx);
		free(fr);
		free(last);
		return -ENOMEM;
	}
	free(c->rxbuf);
	free(c->txbuf);
	free(c->hrx.frame);
	free(c->mtp2_last);
	c->rxbuf = rx;
	c->txbuf = tx;
	c->hrx.frame = fr;
	c->mtp2_last = last;
	c->mtp2_last_len = -1;
	c->blocksize = blocksize;
	c->numbufs = numbufs;
	c->rx_head = c->rx_count = c->rx_fill = 0;
	c->tx_head = c->tx_count = c->tx_pos = 0;
	c->txdisable = c->txpolicy != DAHDI_POLICY_IMMEDIATE;
	hdlc_reset(c);
	return 0;
}

/* ---- receive side ---- */

/* A complete buffer (clear-channel block or frame) for the app; dropped if none is free. */
static void rx_deliver(struct emu_chan *c, const uint8_t *data, int len)
{
	int slot;

	if (c->rx_count == c->numbufs) {
		c->rx_dropped++;
		c->rx_dropped_now = true;
		return;
	}
	slot = (c->rx_head + c->rx_count) % c->numbufs;
	memcpy(c->rxbuf + (size_t)slot * c->blocksize, data, len);
	c->rxlen[slot] = len;
	c->rx_count++;
	c->dirty = true;
}

static void rx_clear(struct emu_chan *c, const uint8_t *oct, int n)
{
	for (int i = 0; i < n; i++) {
		int slot = (c->rx_head + c->rx_count) % c->numbufs;
		uint8_t o = oct[i];

		if (c->rx_count == c->numbufs) {
			/* no buffer to fill: DAHDI stops receiving until the app reads */
			c->rx_dropped++;
			c->rx_dropped_now = true;
			continue;
		}
		if (c->inj_corrupt && o != 0x7e && o != 0xff) {
			o ^= 0x01;
			c->inj_corrupt = false;
		}
		c->rxbuf[(size_t)slot * c->blocksize + c->rx_fill++] = o;
		c->rx_octets++;
		if (c->rx_fill == c->blocksize) {
			c->rxlen[slot] = c->blocksize;
			c->rx_count++;
			c->rx_fill = 0;
			c->dirty = true;
		}
	}
}

static void hrx_end_frame(struct emu_chan *c)
{
	struct hdlc_rx *r = &c->hrx;
	int len;

	if (r->nbits <= 0)
		return;
	if (r->nbits % 8) {
		queue_rx_error(c, DAHDI_EVENT_ABORT);
		return;
	}
	len = r->nbits / 8;
	if (c->fcs && fcs16(0xffff, r->frame, len) != 0xf0b8) {
		queue_rx_error(c, DAHDI_EVENT_BADFCS);
		return;
	}
	if (c->sig == DAHDI_SIG_MTP2 && c->mtp2_last) {
		/* __putbuf_chunk() with DAHDI_FLAG_MTP2: a frame equal to the one before is
		 * dropped (the far end's kernel repeats its last frame) */
		if (len == c->mtp2_last_len && !memcmp(c->mtp2_last, r->frame, len)) {
			EMU_DBG("channel %d: mtp2: repeated frame dropped\n", c->channo);
			return;
		}
		memcpy(c->mtp2_last, r->frame, len);
		c->mtp2_last_len = len;
	}
	EMU_DBG("channel %d: frame of %d octets\n", c->channo, len);
	c->rx_frames++;
	c->rx_octets += len;
	rx_deliver(c, r->frame, len);
}

static void hrx_add_bit(struct emu_chan *c, int b)
{
	struct hdlc_rx *r = &c->hrx;

	if (r->nbits >= (c->blocksize - 1) * 8 + 6) {
		/* the frame does not fit a buffer (DAHDI: length >= blocksize); the 6 are
		 * the closing flag's bits that go in before it is recognised */
		queue_rx_error(c, DAHDI_EVENT_OVERRUN);
		r->in_frame = false;
		return;
	}
	if (c->inj_corrupt && r->nbits >= 8) {
		b ^= 1;
		c->inj_corrupt = false;
	}
	if (b)
		r->frame[r->nbits / 8] |= 1 << (r->nbits % 8);
	else
		r->frame[r->nbits / 8] &= ~(1 << (r->nbits % 8));
	r->nbits++;
}

static void hrx_bit(struct emu_chan *c, int b)
{
	struct hdlc_rx *r = &c->hrx;

	if (b) {
		r->ones++;
		if (r->ones == 7 && r->in_frame) {
			/* abort: only a frame with content is worth an event (idle ones after a
			 * flag are not) */
			if (r->nbits - 5 > 0)
				queue_rx_error(c, DAHDI_EVENT_ABORT);
			else
				EMU_DBG("channel %d: idle ones, hunting\n", c->channo);
			r->in_frame = false;
		}
		if (r->in_frame && r->ones < 6)
			hrx_add_bit(c, 1);
		return;
	}
	if (r->ones == 6) {
		/* flag: the 0 and five 1s before this 0 went in as data */
		if (r->in_frame) {
			r->nbits -= 6;
			hrx_end_frame(c);
		} else {
			EMU_DBG("channel %d: flag found\n", c->channo);
		}
		r->in_frame = true;
		r->nbits = 0;
	} else if (r->in_frame) {
		if (r->ones != 5)	/* else a stuffed zero */
			hrx_add_bit(c, 0);
	}
	r->ones = 0;
	if (r->in_frame && c->inj_abort && r->nbits >= 8) {
		c->inj_abort = false;
		queue_rx_error(c, DAHDI_EVENT_ABORT);
		r->in_frame = false;
	}
}

/* DAHDI_FLAG_HDLC56 selects fasthdlc's 56k mode; a hardhdlc channel's HDLC is the card's,
 * which the flag does not reach (wct4xxp: 64k only) */
static bool hdlc56(const struct emu_chan *c)
{
	return c->rate56 && c->sig != DAHDI_SIG_HARDHDLC;
}

static void rx_hdlc(struct emu_chan *c, const uint8_t *oct, int n)
{
	bool r56 = hdlc56(c);

	for (int i = 0; i < n; i++)
		for (int bit = 7; bit >= 0; bit--) {
			if (r56 && bit == 0)
				continue;
			hrx_bit(c, (oct[i] >> bit) & 1);
		}
}

static void line_rx(struct emu_chan *c, const uint8_t *oct, int n)
{
	c->rx_dropped_now = false;
	if (c->hdlc)
		rx_hdlc(c, oct, n);
	else
		rx_clear(c, oct, n);
	if (!c->rx_dropped_now) {
		chan_rxoverrun[c->channo] = false;
	} else if (!chan_rxoverrun[c->channo]) {
		chan_rxoverrun[c->channo] = true;
		if (chan_bufevents[c->channo])
			queue_event(c, DAHDI_EVENT_READ_OVERRUN);
	}
}

/* ---- transmit side ---- */

static void tx_release(struct emu_chan *c)
{
	if (c->sig == DAHDI_SIG_MTP2 && c->tx_count == 1) {
		/* __dahdi_getbuf_chunk() with DAHDI_FLAG_MTP2: the last buffer written is
		 * sent again until another one is written */
		c->tx_pos = 0;
		return;
	}
	c->tx_head = (c->tx_head + 1) % c->numbufs;
	c->tx_count--;
	c->tx_pos = 0;
	c->dirty = true;
	if (!c->tx_count && c->txpolicy != DAHDI_POLICY_IMMEDIATE)
		c->txdisable = true;
}

static void tx_clear(struct emu_chan *c, uint8_t *out, int n)
{
	for (int i = 0; i < n; i++) {
		if (!c->tx_count || c->txdisable) {
			if (c->tx_octets)
				c->tx_underruns++;
			c->tx_idle_now = true;
			out[i] = 0xff;
			continue;
		}
		out[i] = c->txbuf[(size_t)c->tx_head * c->blocksize + c->tx_pos++];
		c->tx_octets++;
		if (c->tx_pos == c->txlen[c->tx_head])
			tx_release(c);
	}
}

static void htx_push(struct hdlc_tx *t, unsigned int bit)
{
	t->bits |= (uint32_t)bit << t->nbits++;
}

static void htx_refill(struct emu_chan *c)
{
	struct hdlc_tx *t = &c->htx;

	if (t->need_flag || (!t->in_frame && (!c->tx_count || c->txdisable))) {
		for (int i = 0; i < 8; i++)
			htx_push(t, (0x7e >> i) & 1);
		t->need_flag = false;
		return;
	}
	if (!t->in_frame) {
		t->in_frame = true;
		t->idx = 0;
		t->ones = 0;
	}
	{
		uint8_t o = c->txbuf[(size_t)c->tx_head * c->blocksize + t->idx++];

		for (int i = 0; i < 8; i++) {
			unsigned int bit = (o >> i) & 1;

			htx_push(t, bit);
			t->ones = bit ? t->ones + 1 : 0;
			if (t->ones == 5) {
				htx_push(t, 0);
				t->ones = 0;
			}
		}
		c->tx_octets++;
	}
	if (t->idx == c->txlen[c->tx_head]) {
		t->in_frame = false;
		t->need_flag = true;
		c->tx_frames++;
		tx_release(c);
	}
}

static void tx_hdlc(struct emu_chan *c, uint8_t *out, int n)
{
	struct hdlc_tx *t = &c->htx;
	bool r56 = hdlc56(c);

	for (int i = 0; i < n; i++) {
		uint8_t o = 0;

		for (int bit = 7; bit >= 0; bit--) {
			if (r56 && bit == 0) {
				o |= 1;
				continue;
			}
			if (!t->nbits)
				htx_refill(c);
			o |= (t->bits & 1) << bit;
			t->bits >>= 1;
			t->nbits--;
		}
		out[i] = o;
	}
}

/*
 * DAHDI_BUFFER_EVENTS: __dahdi_getbuf_chunk() / __putbuf_chunk() queue WRITE_UNDERRUN /
 * READ_OVERRUN on the transition into an underrun / overrun (DAHDI_FLAGBIT_TXUNDERRUN /
 * _RXOVERRUN, kept in the channel across opens), and only when the app asked for buffer
 * events; a chunk without the condition clears the flag.
 */
static void line_tx(struct emu_chan *c, uint8_t *out, int n)
{
	c->tx_idle_now = false;
	if (c->hdlc)
		tx_hdlc(c, out, n);
	else
		tx_clear(c, out, n);
	if (!c->tx_idle_now) {
		chan_txunderrun[c->channo] = false;
	} else if (!chan_txunderrun[c->channo]) {
		chan_txunderrun[c->channo] = true;
		if (chan_bufevents[c->channo])
			queue_event(c, DAHDI_EVENT_WRITE_UNDERRUN);
	}
}

/* ---- the pacing thread ---- */

/* Timeslots of the bundle channel ch masters (1 when it is alone): dahdi_cfg makes
 * 'clear=a-b' one master (a) with slaves a+1..b, recalc_slaves() */
static int bundle_size(int ch)
{
	int n = 1;

	while (ch + n < EMU_MAX_CHANS && chan_master[ch + n] == ch)
		n++;
	return n;
}

static void run_tick(void)
{
	static uint8_t out[EMU_MAX_CHANS][EMU_CHUNK];
	static bool has_out[EMU_MAX_CHANS];
	static const uint8_t ones[EMU_CHUNK] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t multi[EMU_CHUNK * EMU_MAX_CHANS];

	memset(has_out, 0, sizeof(has_out));
	for (int ch = 1; ch < EMU_MAX_CHANS; ch++) {
		struct emu_chan *c = by_chan[ch];
		int k;

		if (!c)
			continue;
		k = bundle_size(ch);
		if (k == 1) {
			has_out[ch] = true;
			line_tx(c, out[ch], EMU_CHUNK);
			continue;
		}
		/* a bundle master sends its buffer across its timeslots, frame by frame
		 * (__dahdi_transmit_chunk() of the master, then each slave's share) */
		line_tx(c, multi, EMU_CHUNK * k);
		for (int i = 0; i < k; i++) {
			has_out[ch + i] = true;
			for (int f = 0; f < EMU_CHUNK; f++)
				out[ch + i][f] = multi[f * k + i];
		}
	}
	for (int ch = 1; ch < EMU_MAX_CHANS; ch++) {
		struct emu_chan *c = by_chan[ch];
		int k;

		if (!c)
			continue;
		k = bundle_size(ch);
		for (int i = 0; i < k; i++) {
			int peer = link_peer[ch + i];
			const uint8_t *in = ones;

			if (peer && has_out[peer])
				in = out[peer];
			/* red (no frame alignment), loss of signal, blue (AIS): nothing but
			 * ones arrives; yellow is the far end's complaint and leaves our
			 * receiver alone */
			if (span_alarms[span_of(ch)] & (DAHDI_ALARM_RED | DAHDI_ALARM_LOS |
							DAHDI_ALARM_BLUE))
				in = ones;
			/* the master reads its timeslots interleaved, frame by frame */
			for (int f = 0; f < EMU_CHUNK; f++)
				multi[f * k + i] = in[f];
		}
		line_rx(c, multi, EMU_CHUNK * k);
	}
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int emu_command(const char *cmd, char *reply, size_t len);

static void ctl_poll(void)
{
	char buf[1024], reply[512];
	struct sockaddr_un from;
	socklen_t flen = sizeof(from);
	ssize_t n;

	if (ctl_fd < 0)
		return;
	n = recvfrom(ctl_fd, buf, sizeof(buf) - 1, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
	if (n <= 0)
		return;
	buf[n] = 0;
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	pthread_mutex_lock(&emu_lock);
	/* on the socket, failures read "error: ..." */
	if (emu_command(buf, reply + 7, sizeof(reply) - 7) < 0)
		memcpy(reply, "error: ", 7);
	else
		memmove(reply, reply + 7, strlen(reply + 7) + 1);
	pthread_mutex_unlock(&emu_lock);
	if (flen > sizeof(sa_family_t))
		sendto(ctl_fd, reply, strlen(reply), MSG_DONTWAIT, (struct sockaddr *)&from, flen);
}

static void *engine(void *arg)
{
	int64_t next = mono_ns();

	for (;;) {
		struct timespec ts = { .tv_sec = next / 1000000000LL,
				       .tv_nsec = next % 1000000000LL };
		int64_t now;
		int ticks;

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		now = mono_ns();
		ticks = (now - next) / EMU_TICK_NS + 1;
		pthread_mutex_lock(&emu_lock);
		for (int i = 0; i < ticks && i < EMU_MAX_CATCHUP; i++)
			run_tick();
		for (int ch = 1; ch < EMU_MAX_CHANS; ch++) {
			struct emu_chan *c = by_chan[ch];

			if (c && c->dirty) {
				c->dirty = false;
				fd_signal(c->fd);
			}
		}
		pthread_mutex_unlock(&emu_lock);
		if (ticks > EMU_MAX_CATCHUP) {
			EMU_DBG("stalled for %d ms, resynchronising\n", ticks);
			next = now + EMU_TICK_NS;
		} else {
			next += ticks * EMU_TICK_NS;
		}
		ctl_poll();
	}
	return NULL;
}

static int parse_links(const char *spec)
{
	int peer[EMU_MAX_CHANS] = { 0 };
	const char *p = spec;

	while (*p && strcmp(p, "-")) {
		char *end;
		long a = strtol(p, &end, 10), b;

		if (end == p || *end != '-')
			return -EINVAL;
		p = end + 1;
		b = strtol(p, &end, 10);
		if (end == p || a < 1 || b < 1 || a >= EMU_MAX_CHANS || b >= EMU_MAX_CHANS ||
		    a == b || peer[a] || peer[b])
			return -EINVAL;
		peer[a] = b;
		peer[b] = a;
		p = end;
		if (*p == ',')
			p++;
		else if (*p)
			return -EINVAL;
	}
	memcpy(link_peer, peer, sizeof(peer));
	return 0;
}

static void engine_start(void)
{
	const char *s;
	pthread_t t;
	pthread_attr_t attr;
	sigset_t all, old;

	debug = getenv("DAHDI_EMU_DEBUG") != NULL;
	s = getenv("DAHDI_EMU_CHANS_PER_SPAN");
	if (s && atoi(s) > 0)
		chans_per_span = atoi(s);
	s = getenv("DAHDI_EMU_LINKS");
	if (s && parse_links(s) < 0)
		EMU_LOG("DAHDI_EMU_LINKS='%s' is not a list like 1-32,2-33: ignored\n", s);
	for (int ch = 0; ch < EMU_MAX_CHANS; ch++)
		chan_sig[ch] = DAHDI_SIG_CLEAR;
	s = getenv("DAHDI_EMU_HARDHDLC");
	while (s && *s) {
		char *end;
		long ch = strtol(s, &end, 10);

		if (end == s)
			break;
		if (ch > 0 && ch < EMU_MAX_CHANS)
			chan_sig[ch] = DAHDI_SIG_HARDHDLC;
		s = *end == ',' ? end + 1 : end;
	}
	s = getenv("DAHDI_EMU_CTL");
	if (s && *s) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		ctl_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", s);
		unlink(sun.sun_path);
		if (ctl_fd < 0 || bind(ctl_fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
			EMU_LOG("control socket %s: %s\n", s, strerror(errno));
			if (ctl_fd >= 0)
				REAL(close)(ctl_fd);
			ctl_fd = -1;
		}
	}
	/* the pacing thread takes no signals: a program that sigwait()s (sgd) must get them
	 * all, even when the thread starts from the constructor, before main() blocks them */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, engine, NULL)) {
		EMU_LOG("cannot start the pacing thread\n");
		abort();
	}
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* With a control socket asked for, serve it from the start (before any channel opens). */
__attribute__((constructor)) static void emu_ctor(void)
{
	if (getenv("DAHDI_EMU_CTL"))
		pthread_once(&engine_once, engine_start);
}

/* ---- control ---- */

static const struct {
	const char *name;
	int val;
} event_names[] = {
	{ "alarm", DAHDI_EVENT_ALARM }, { "noalarm", DAHDI_EVENT_NOALARM },
	{ "abort", DAHDI_EVENT_ABORT }, { "badfcs", DAHDI_EVENT_BADFCS },
	{ "overrun", DAHDI_EVENT_OVERRUN }, { "underrun", DAHDI_EVENT_WRITE_UNDERRUN },
	{ "removed", DAHDI_EVENT_REMOVED },
}, alarm_names[] = {
	{ "none", 0 }, { "red", DAHDI_ALARM_RED }, { "yellow", DAHDI_ALARM_YELLOW },
	{ "blue", DAHDI_ALARM_BLUE }, { "los", DAHDI_ALARM_RED | DAHDI_ALARM_LOS },
	{ "recover", DAHDI_ALARM_RECOVER }, { "loopback", DAHDI_ALARM_LOOPBACK },
	{ "notopen", DAHDI_ALARM_NOTOPEN },
}, sig_names[] = {
	{ "clear", DAHDI_SIG_CLEAR }, { "hardhdlc", DAHDI_SIG_HARDHDLC },
	{ "dchan", DAHDI_SIG_HDLCFCS }, { "mtp2", DAHDI_SIG_MTP2 },
	{ "none", DAHDI_SIG_NONE },
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* dahdi_alarm_notify(): the channels hear of none <-> some transitions only (through
 * dahdi_alarm_channel(), which also sets chan_alarms); a change from one alarm to
 * another is seen in DAHDI_SPANSTAT alone. */
static int set_span_alarm(int span, int alarms)
{
	int old = span_alarms[span];

	span_alarms[span] = alarms;
	if (!old == !alarms)
		return 0;
	for (int ch = 1; ch < EMU_MAX_CHANS; ch++) {
		struct emu_chan *c = by_chan[ch];

		if (span_of(ch) != span)
			continue;
		chan_alarms[ch] = alarms;
		if (c)
			queue_event(c, alarms ? DAHDI_EVENT_ALARM : DAHDI_EVENT_NOALARM);
	}
	return 0;
}

/*
 * Surprise removal of the span's device: disable_span() sets DAHDI_ALARM_NOTOPEN and queues
 * DAHDI_EVENT_REMOVED, then dahdi_chan_unreg() turns every open file of its channels over to
 * nodev_fops (read, write, ioctl and poll sleep 5 ms and fail with ENODEV; DAHDI_GETEVENT
 * also stores DAHDI_EVENT_REMOVED), so the queued events are never read.  The channels are
 * gone: DAHDI_SPECIFY on them fails (EINVAL) until the device comes back ("restore").
 */
static void remove_span(int span)
{
	set_span_alarm(span, DAHDI_ALARM_NOTOPEN);
	span_removed[span] = true;
	for (int ch = 1; ch < EMU_MAX_CHANS; ch++) {
		struct emu_chan *c = by_chan[ch];

		if (!c || span_of(ch) != span)
			continue;
		queue_event(c, DAHDI_EVENT_REMOVED);
		c->nodev = true;
		by_chan[ch] = NULL;
		c->dirty = false;
		fd_signal(c->fd);
	}
}

static void restore_span(int span)
{
	span_removed[span] = false;
	span_alarms[span] = 0;
	for (int ch = 1; ch < EMU_MAX_CHANS; ch++)
		if (span_of(ch) == span)
			chan_alarms[ch] = 0;
}

static int emu_command(const char *cmd, char *reply, size_t len)
{
	char verb[16] = "", arg[1024] = "";
	int num = 0, n;
	struct emu_chan *c;

	reply[0] = 0;
	n = sscanf(cmd, "%15s %d %1023s", verb, &num, arg);
	if (n >= 1 && !strcmp(verb, "links")) {
		if (sscanf(cmd, "%*s %1023s", arg) != 1 || parse_links(arg) < 0) {
			snprintf(reply, len, "bad links '%s'", arg);
			return -EINVAL;
		}
		snprintf(reply, len, "ok");
		return 0;
	}
	if (n < 2 || num < 1 || num >= EMU_MAX_CHANS) {
		snprintf(reply, len, "usage: <verb> <channel|span> [arg]");
		return -EINVAL;
	}
	if (!strcmp(verb, "alarm")) {
		for (size_t i = 0; i < ARRAY_LEN(alarm_names); i++)
			if (n == 3 && !strcmp(arg, alarm_names[i].name)) {
				set_span_alarm(num, alarm_names[i].val);
				snprintf(reply, len, "ok");
				return 0;
			}
		snprintf(reply, len, "alarm <span> none|red|yellow|blue|los|recover|loopback|"
			 "notopen");
		return -EINVAL;
	}
	if (!strcmp(verb, "sig")) {
		for (size_t i = 0; i < ARRAY_LEN(sig_names); i++)
			if (n == 3 && !strcmp(arg, sig_names[i].name)) {
				chan_sig[num] = sig_names[i].val;
				/* a new line in system.conf: out of any bundle */
				if (chan_master[num]) {
					chan_master[num] = 0;
				} else {
					for (int s2 = num + 1; s2 < EMU_MAX_CHANS &&
					     chan_master[s2] == num; s2++)
						chan_master[s2] = 0;
				}
				snprintf(reply, len, "ok");
				return 0;
			}
		snprintf(reply, len, "sig <chan> clear|hardhdlc|dchan|mtp2|none");
		return -EINVAL;
	}
	if (!strcmp(verb, "bundle")) {
		/* "bundle <a> <b>": system.conf clear=a-b, a the master */
		int last = atoi(arg);

		if (n != 3 || last <= num || last >= EMU_MAX_CHANS) {
			snprintf(reply, len, "bundle <first> <last>");
			return -EINVAL;
		}
		for (int ch = num; ch <= last; ch++) {
			chan_sig[ch] = DAHDI_SIG_CLEAR;
			chan_master[ch] = ch == num ? 0 : num;
		}
		snprintf(reply, len, "ok");
		return 0;
	}
	if (!strcmp(verb, "remove") || !strcmp(verb, "restore")) {
		if (num > (EMU_MAX_CHANS - 1) / chans_per_span + 1) {
			snprintf(reply, len, "%s <span>", verb);
			return -EINVAL;
		}
		if (verb[2] == 'm')
			remove_span(num);
		else
			restore_span(num);
		snprintf(reply, len, "ok");
		return 0;
	}
	if (!strcmp(verb, "nodev")) {
		/* "nodev <span>": the calls made on removed channels' fds, the fds still open */
		int fds = 0;

		for (int fd = 0; fd < EMU_MAX_FDS; fd++) {
			struct emu_chan *e = by_fd[fd];

			if (e && e->nodev && span_of(e->channo) == num)
				fds++;
		}
		snprintf(reply, len, "calls=%llu fds=%d", nodev_calls, fds);
		return 0;
	}
	c = by_chan[num];
	if (!strcmp(verb, "stats")) {
		struct emu_chan z = { 0 };

		if (!c)
			c = &z;
		snprintf(reply, len, "rx_octets=%llu tx_octets=%llu rx_frames=%llu tx_frames=%llu "
			 "rx_dropped=%llu tx_underruns=%llu events=%llu open=%d rx_sync=%d",
			 (unsigned long long)c->rx_octets, (unsigned long long)c->tx_octets,
			 (unsigned long long)c->rx_frames, (unsigned long long)c->tx_frames,
			 (unsigned long long)c->rx_dropped, (unsigned long long)c->tx_underruns,
			 (unsigned long long)c->n_events, c != &z,
			 c != &z && (!c->hdlc || c->hrx.in_frame));
		return 0;
	}
	if (!c) {
		snprintf(reply, len, "channel %d is not open", num);
		return -ENODEV;
	}
	if (!strcmp(verb, "event")) {
		for (size_t i = 0; i < ARRAY_LEN(event_names); i++)
			if (n == 3 && !strcmp(arg, event_names[i].name)) {
				queue_event(c, event_names[i].val);
				fd_signal(c->fd);
				c->dirty = false;
				snprintf(reply, len, "ok");
				return 0;
			}
		snprintf(reply, len, "event <chan> alarm|noalarm|abort|badfcs|overrun|"
			 "underrun|removed");
		return -EINVAL;
	}
	if (!strcmp(verb, "corrupt")) {
		c->inj_corrupt = true;
		snprintf(reply, len, "ok");
		return 0;
	}
	if (!strcmp(verb, "abort")) {
		if (c->hdlc) {
			c->inj_abort = true;
		} else {
			/* a clear channel has no frames: the receiver sees ones */
			c->inj_corrupt = true;
		}
		snprintf(reply, len, "ok");
		return 0;
	}
	snprintf(reply, len, "unknown command '%s'", verb);
	return -EINVAL;
}

/* Exported: the test-facing control entry point (see dahdi_emu.h). */
__attribute__((visibility("default"))) int dahdi_emu_ctl(const char *cmd, char *reply, size_t len);
int dahdi_emu_ctl(const char *cmd, char *reply, size_t len)
{
	char dummy[8];
	int rc;

	if (!reply || !len) {
		reply = dummy;
		len = sizeof(dummy);
	}
	pthread_once(&engine_once, engine_start);
	pthread_mutex_lock(&emu_lock);
	rc = emu_command(cmd, reply, len);
	for (int ch = 1; ch < EMU_MAX_CHANS; ch++) {
		struct emu_chan *c = by_chan[ch];

		if (c && c->dirty) {
			c->dirty = false;
			fd_signal(c->fd);
		}
	}
	pthread_mutex_unlock(&emu_lock);
	return rc;
}

/* ---- the device: open, ioctl, read, write, poll, close ---- */

static bool is_emu_path(const char *path)
{
	const char *extra = getenv("DAHDI_EMU_DEVICE");

	return path && (!strcmp(path, EMU_DEFAULT_DEVICE) || (extra && !strcmp(path, extra)));
}

static struct emu_chan *emu_get(int fd)
{
	if (fd < 0 || fd >= EMU_MAX_FDS)
		return NULL;
	return __atomic_load_n(&by_fd[fd], __ATOMIC_ACQUIRE);
}

static int emu_open(int flags)
{
	struct emu_chan *c;
	int fd;

	pthread_once(&engine_once, engine_start);
	c = calloc(1, sizeof(*c));
	if (!c) {
		errno = ENOMEM;
		return -1;
	}
	fd = eventfd(0, EFD_NONBLOCK | (flags & O_CLOEXEC ? EFD_CLOEXEC : 0));
	if (fd < 0 || fd >= EMU_MAX_FDS) {
		if (fd >= 0)
			REAL(close)(fd);
		free(c);
		errno = fd < 0 ? errno : EMFILE;
		return -1;
	}
	c->fd = fd;
	c->nonblock = flags & O_NONBLOCK;
	__atomic_store_n(&by_fd[fd], c, __ATOMIC_RELEASE);
	EMU_DBG("open -> fd %d\n", fd);
	return fd;
}

/* dahdi_prechan_ioctl() and dahdi_specchan_open() */
static int ioctl_specify(struct emu_chan *c, int channo)
{
	if (c->channo)
		return -EINVAL;
	/* chan_from_num(): no such channel (or its device is gone) */
	if (channo < 1 || channo >= EMU_MAX_CHANS || span_removed[span_of(channo)])
		return -EINVAL;
	/* not configured in system.conf (chan->sig == 0) */
	if (chan_sig[channo] == DAHDI_SIG_NONE)
		return -ENXIO;
	/* a slave of a bundle (chan->master != chan), or open already */
	if (chan_master[channo] || by_chan[channo])
		return -EBUSY;
	c->sig = chan_sig[channo];
	/* dahdi_ioctl_chanconfig() gave dchan and mtp2 DAHDI_FLAG_HDLC | DAHDI_FLAG_FCS, which
	 * initialize_channel() clears for clear and hardhdlc only; the emulation does a
	 * hardhdlc card's HDLC with the same code */
	c->hdlc = c->fcs = c->sig == DAHDI_SIG_HARDHDLC || c->sig == DAHDI_SIG_HDLCFCS ||
			   c->sig == DAHDI_SIG_MTP2;
	c->audio = false;
	/* DAHDI_FLAG_HDLC56 survives close and open: nothing resets it */
	c->rate56 = chan_hdlc56[channo];
	c->txpolicy = DAHDI_POLICY_IMMEDIATE;
	if (alloc_bufs(c, DAHDI_DEFAULT_BLOCKSIZE, DAHDI_DEFAULT_NUM_BUFS) < 0)
		return -ENOMEM;
	c->channo = channo;
	by_chan[channo] = c;
	return 0;
}

static int emu_ioctl_locked(struct emu_chan *c, unsigned long req, void *arg)
{
	int *ip = arg;

	if (req == DAHDI_SPECIFY)
		return ioctl_specify(c, *ip);
	if (!c->channo)
		return -ENOSYS;
	switch (req) {
	case DAHDI_CHANNO:
		*ip = c->channo;
		return 0;
	case DAHDI_GET_PARAMS: {
		struct dahdi_params *p = arg;

		memset(p, 0, sizeof(*p));
		p->channo = c->channo;
		p->spanno = span_of(c->channo);
		p->chanpos = (c->channo - 1) % chans_per_span + 1;
		p->sigtype = c->sig;
		p->sigcap = DAHDI_SIG_CLEAR | DAHDI_SIG_HDLCFCS | DAHDI_SIG_HARDHDLC;
		p->curlaw = DAHDI_LAW_ALAW;
		p->chan_alarms = chan_alarms[c->channo];
		snprintf(p->name, sizeof(p->name), "EMU/%d/%d", p->spanno, p->chanpos);
		return 0;
	}
	case DAHDI_GET_BUFINFO: {
		struct dahdi_bufferinfo *bi = arg;

		memset(bi, 0, sizeof(*bi));
		bi->rxbufpolicy = DAHDI_POLICY_IMMEDIATE;
		bi->txbufpolicy = c->txpolicy;
		bi->numbufs = c->numbufs;
		bi->bufsize = c->blocksize;
		bi->readbufs = -1;
		bi->writebufs = -1;
		return 0;
	}
	case DAHDI_SET_BUFINFO: {
		struct dahdi_bufferinfo *bi = arg;
		int numbufs = bi->numbufs;

		if (bi->bufsize > DAHDI_MAX_BLOCKSIZE || bi->bufsize < 16 ||
		    bi->bufsize * bi->numbufs > DAHDI_MAX_BUF_SPACE)
			return -EINVAL;
		if (numbufs > DAHDI_MAX_NUM_BUFS)
			numbufs = DAHDI_MAX_NUM_BUFS;
		if (numbufs < 2)
			numbufs = 2;
		c->txpolicy = bi->txbufpolicy & 3;
		return alloc_bufs(c, bi->bufsize, numbufs);
	}
	case DAHDI_GET_BLOCKSIZE:
		*ip = c->blocksize;
		return 0;
	case DAHDI_SET_BLOCKSIZE:
		if (*ip > DAHDI_MAX_BLOCKSIZE || *ip < 16)
			return -EINVAL;
		return alloc_bufs(c, *ip, c->numbufs);
	case DAHDI_FLUSH:
		if (*ip & DAHDI_FLUSH_READ) {
			c->rx_head = c->rx_count = c->rx_fill = 0;
			c->hrx.in_frame = false;
		}
		if (*ip & DAHDI_FLUSH_WRITE) {
			c->tx_head = c->tx_count = c->tx_pos = 0;
			c->htx = (struct hdlc_tx){ .need_flag = true };
			c->txdisable = c->txpolicy != DAHDI_POLICY_IMMEDIATE;
		}
		if (*ip & DAHDI_FLUSH_EVENT)
			c->ev_head = c->ev_count = 0;
		return 0;
	case DAHDI_AUDIOMODE:
		if (c->sig != DAHDI_SIG_CLEAR)
			return -EINVAL;
		c->audio = *ip;
		if (*ip)
			c->hdlc = c->fcs = false;
		hdlc_reset(c);
		return 0;
	case DAHDI_HDLCRAWMODE:
	case DAHDI_HDLCFCSMODE:
		if (c->sig != DAHDI_SIG_CLEAR)
			return -EINVAL;
		c->audio = false;
		c->hdlc = *ip;
		c->fcs = *ip && req == DAHDI_HDLCFCSMODE;
		hdlc_reset(c);
		return 0;
	case DAHDI_HDLC_RATE:
		/* any channel; 56 sets DAHDI_FLAG_HDLC56, anything else clears it; both
		 * fasthdlc_init() (a hardhdlc card's HDLC never looks at the flag) */
		c->rate56 = chan_hdlc56[c->channo] = *ip == 56;
		hdlc_reset(c);
		return 0;
	case DAHDI_BUFFER_EVENTS:
		chan_bufevents[c->channo] = *ip != 0;
		return 0;
	case DAHDI_GETEVENT:
		if (!c->ev_count) {
			*ip = DAHDI_EVENT_NONE;
			return 0;
		}
		*ip = c->events[c->ev_head];
		c->ev_head = (c->ev_head + 1) % EMU_MAX_EVENTS;
		c->ev_count--;
		return 0;
	case DAHDI_SPANSTAT: {
		struct dahdi_spaninfo *si = arg;
		int span = si->spanno ? si->spanno : span_of(c->channo);

		if (span < 1 || span > (EMU_MAX_CHANS - 1) / chans_per_span + 1)
			return -EINVAL;
		memset(si, 0, sizeof(*si));
		si->spanno = span;
		snprintf(si->name, sizeof(si->name), "EMU/%d", span);
		snprintf(si->desc, sizeof(si->desc), "DAHDI emulation span %d", span);
		si->alarms = span_alarms[span];
		si->numchans = si->totalchans = chans_per_span;
		si->totalspans = (EMU_MAX_CHANS - 1) / chans_per_span;
		snprintf(si->spantype, sizeof(si->spantype), chans_per_span == 24 ? "T1" : "E1");
		return 0;
	}
	default:
		EMU_LOG("channel %d: ioctl 0x%lx is not emulated: EINVAL\n", c->channo, req);
		return -EINVAL;
	}
}

static ssize_t emu_read(struct emu_chan *c, void *buf, size_t count)
{
	for (;;) {
		ssize_t rc;
		struct pollfd p;

		pthread_mutex_lock(&emu_lock);
		if (!count || !c->channo) {
			rc = -EINVAL;
		} else if (c->ev_count) {
			rc = -ELAST;
		} else if (c->rx_count) {
			int slot = c->rx_head;

			rc = c->rxlen[slot] < (int)count ? c->rxlen[slot] : (int)count;
			memcpy(buf, c->rxbuf + (size_t)slot * c->blocksize, rc);
			c->rx_head = (c->rx_head + 1) % c->numbufs;
			c->rx_count--;
		} else {
			rc = -EAGAIN;
		}
		pthread_mutex_unlock(&emu_lock);
		if (rc != -EAGAIN || c->nonblock) {
			if (rc < 0) {
				errno = -rc;
				return -1;
			}
			return rc;
		}
		p = (struct pollfd){ .fd = c->fd, .events = POLLIN };
		REAL(poll)(&p, 1, -1);
		fd_drain(c->fd);
	}
}

static ssize_t emu_write(struct emu_chan *c, const void *buf, size_t count)
{
	for (;;) {
		ssize_t rc;
		struct pollfd p;

		pthread_mutex_lock(&emu_lock);
		if (!count || !c->channo) {
			rc = -EINVAL;
		} else if (c->ev_count) {
			rc = -ELAST;
		} else if (c->tx_count < c->numbufs) {
			int slot = (c->tx_head + c->tx_count) % c->numbufs;
			uint8_t *d = c->txbuf + (size_t)slot * c->blocksize;

			rc = count < (size_t)c->blocksize ? (ssize_t)count : c->blocksize;
			memcpy(d, buf, rc);
			if (c->fcs && rc >= 2) {
				/* DAHDI's calc_fcs(): the last 2 octets are the FCS' room */
				uint16_t fcs = ~fcs16(0xffff, d, rc - 2);

				d[rc - 2] = fcs & 0xff;
				d[rc - 1] = fcs >> 8;
			}
			c->txlen[slot] = rc;
			c->tx_count++;
			if (c->txpolicy == DAHDI_POLICY_WHEN_FULL && c->tx_count == c->numbufs)
				c->txdisable = false;
			if (c->txpolicy == DAHDI_POLICY_HALF_FULL && c->tx_count >= c->numbufs / 2)
				c->txdisable = false;
		} else {
			rc = -EAGAIN;
		}
		pthread_mutex_unlock(&emu_lock);
		if (rc != -EAGAIN || c->nonblock) {
			if (rc < 0) {
				errno = -rc;
				return -1;
			}
			return rc;
		}
		p = (struct pollfd){ .fd = c->fd, .events = POLLIN };
		REAL(poll)(&p, 1, -1);
		fd_drain(c->fd);
	}
}

/* The readiness DAHDI's poll would report for this channel. */
static void nodev_sleep(void)
{
	struct timespec ts = { 0, 5000000 };
	int err = errno;

	__atomic_add_fetch(&nodev_calls, 1, __ATOMIC_RELAXED);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	errno = err;
}

static short emu_revents(struct emu_chan *c, short events)
{
	short rev = 0;

	/* nodev_chan_poll() returns -ENODEV as the mask: POLLERR, POLLIN and POLLOUT (not
	 * POLLPRI, not POLLHUP) as far as do_pollfd() lets them through */
	if (c->nodev)
		return (short)(unsigned int)-ENODEV & (events | POLLERR | POLLHUP);
	if (!c->channo)
		return 0;
	if (c->rx_count)
		rev |= POLLIN | POLLRDNORM;
	if (c->tx_count < c->numbufs)
		rev |= POLLOUT | POLLWRNORM;
	if (c->ev_count)
		rev |= POLLPRI;
	return rev & (events | POLLERR | POLLHUP);
}

/* Readiness of the emulated fds among fds[] into their revents (draining their eventfds);
 * returns how many are ready. */
static int emu_poll_state(struct pollfd *fds, nfds_t nfds)
{
	int n = 0, nodev = 0;

	pthread_mutex_lock(&emu_lock);
	for (nfds_t i = 0; i < nfds; i++) {
		struct emu_chan *c = emu_get(fds[i].fd);

		if (!c)
			continue;
		fd_drain(c->fd);
		fds[i].revents = emu_revents(c, fds[i].events);
		n += fds[i].revents != 0;
		nodev += c->nodev;
	}
	pthread_mutex_unlock(&emu_lock);
	while (nodev--)
		nodev_sleep();
	return n;
}

static int emu_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	struct pollfd stack[64], *cp = nfds <= 64 ? stack : calloc(nfds, sizeof(*cp));
	int64_t deadline = timeout > 0 ? mono_ns() + (int64_t)timeout * 1000000 : 0;
	int rc;

	if (!cp) {
		errno = ENOMEM;
		return -1;
	}
	for (;;) {
		int emu_ready = emu_poll_state(fds, nfds), wait_ms = timeout, n = 0;

		if (timeout > 0) {
			int64_t left = deadline - mono_ns();

			wait_ms = left > 0 ? (int)((left + 999999) / 1000000) : 0;
		}
		if (emu_ready)
			wait_ms = 0;
		/* the real fds as asked; an emulated one waits on its eventfd, unless some
		 * emulated fd is ready already (then only the real fds are looked at) */
		for (nfds_t i = 0; i < nfds; i++) {
			cp[i] = fds[i];
			cp[i].revents = 0;
			if (emu_get(fds[i].fd)) {
				cp[i].events = POLLIN;
				if (emu_ready)
					cp[i].fd = -1;
			}
		}
		rc = REAL(poll)(cp, nfds, wait_ms);
		if (rc < 0)
			break;
		if (rc > 0 && !emu_ready)
			emu_ready = emu_poll_state(fds, nfds);
		for (nfds_t i = 0; i < nfds; i++) {
			if (!emu_get(fds[i].fd))
				fds[i].revents = cp[i].revents;
			n += fds[i].revents != 0;
		}
		rc = n;
		/* only an eventfd moved without making its channel ready: wait on */
		if (n || wait_ms == 0)
			break;
	}
	if (cp != stack)
		free(cp);
	return rc;
}

/* nodev_common(): every call on the file of a removed channel sleeps 5 ms, then ENODEV */
static int nodev_common(void)
{
	nodev_sleep();
	errno = ENODEV;
	return -1;
}

/* ---- the interposed libc entry points ---- */

static int open_common(int dirfd, bool at, const char *path, int flags, mode_t mode)
{
	if (is_emu_path(path))
		return emu_open(flags);
	if (at)
		return REAL(openat)(dirfd, path, flags, mode);
	return REAL(open)(path, flags, mode);
}

#define OPEN_MODE(flags, mode) do {					\
	if ((flags) & (O_CREAT | __O_TMPFILE)) {			\
		va_list ap;						\
		va_start(ap, flags);					\
		mode = va_arg(ap, mode_t);				\
		va_end(ap);						\
	}								\
} while (0)

int open(const char *path, int flags, ...);
int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return open_common(AT_FDCWD, false, path, flags, mode);
}

int open64(const char *path, int flags, ...);
int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return open_common(AT_FDCWD, false, path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return open_common(dirfd, true, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...);
int openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return open_common(dirfd, true, path, flags, mode);
}

int __open_2(const char *path, int flags);
int __open_2(const char *path, int flags)
{
	return open_common(AT_FDCWD, false, path, flags, 0);
}

int __open64_2(const char *path, int flags);
int __open64_2(const char *path, int flags)
{
	return open_common(AT_FDCWD, false, path, flags, 0);
}

int ioctl(int fd, unsigned long req, ...);
int ioctl(int fd, unsigned long req, ...)
{
	struct emu_chan *c = emu_get(fd);
	va_list ap;
	void *arg;
	int rc;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!c)
		return REAL(ioctl)(fd, req, arg);
	if (!arg) {
		errno = EFAULT;
		return -1;
	}
	if (c->nodev) {
		/* nodev_unlocked_ioctl(): "the channel is gone for good" */
		if (req == DAHDI_GETEVENT)
			*(int *)arg = DAHDI_EVENT_REMOVED;
		return nodev_common();
	}
	pthread_mutex_lock(&emu_lock);
	rc = emu_ioctl_locked(c, req, arg);
	if (c->channo && c->dirty) {
		c->dirty = false;
		fd_signal(c->fd);
	}
	pthread_mutex_unlock(&emu_lock);
	EMU_DBG("fd %d channel %d ioctl 0x%lx -> %d\n", fd, c->channo, req, rc);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return rc;
}

ssize_t read(int fd, void *buf, size_t count);
ssize_t read(int fd, void *buf, size_t count)
{
	struct emu_chan *c = emu_get(fd);

	if (c && c->nodev)
		return nodev_common();
	return c ? emu_read(c, buf, count) : REAL(read)(fd, buf, count);
}

ssize_t __read_chk(int fd, void *buf, size_t count, size_t buflen);
ssize_t __read_chk(int fd, void *buf, size_t count, size_t buflen)
{
	if (count > buflen)
		abort();
	return read(fd, buf, count);
}

ssize_t write(int fd, const void *buf, size_t count);
ssize_t write(int fd, const void *buf, size_t count)
{
	struct emu_chan *c = emu_get(fd);

	if (c && c->nodev)
		return nodev_common();
	return c ? emu_write(c, buf, count) : REAL(write)(fd, buf, count);
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout);
int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	for (nfds_t i = 0; i < nfds; i++)
		if (emu_get(fds[i].fd))
			return emu_poll(fds, nfds, timeout);
	return REAL(poll)(fds, nfds, timeout);
}

int __poll_chk(struct pollfd *fds, nfds_t nfds, int timeout, size_t fdslen);
int __poll_chk(struct pollfd *fds, nfds_t nfds, int timeout, size_t fdslen)
{
	if (fdslen / sizeof(*fds) < nfds)
		abort();
	return poll(fds, nfds, timeout);
}

int close(int fd);
int close(int fd)
{
	struct emu_chan *c = emu_get(fd);

	if (c) {
		pthread_mutex_lock(&emu_lock);
		__atomic_store_n(&by_fd[fd], NULL, __ATOMIC_RELEASE);
		if (c->channo && by_chan[c->channo] == c)
			by_chan[c->channo] = NULL;
		pthread_mutex_unlock(&emu_lock);
		EMU_DBG("close fd %d (channel %d)\n", fd, c->channo);
		free(c->rxbuf);
		free(c->txbuf);
		free(c->hrx.frame);
		free(c->mtp2_last);
		free(c);
	}
	return REAL(close)(fd);
}
