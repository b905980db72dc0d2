/* libss7 as the peer of the interop tests (tests/interop/test_libss7_*.c): its
 * callbacks, one instance set up as both tests use it, its timer run, and the ISUP they read. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

#include <libss7.h>
#include <osmocom/core/select.h>

/* ISUP message types, Q.763 Table 4 */
#define ISUP_IAM	0x01
#define ISUP_ACM	0x06
#define ISUP_ANM	0x09
#define ISUP_REL	0x0c
#define ISUP_RLC	0x10

/* SS7_DEBUG=1: libss7's own output and the tests' traces on stderr */
static inline bool debug(void)
{
	return getenv("SS7_DEBUG") != NULL;
}

static inline void ss7_msg_cb(struct ss7 *ss7, char *s)
{
	if (debug())
		fprintf(stderr, "libss7: %s", s);
}

static inline int ss7_hangup_cb(struct ss7 *ss7, int cic, unsigned int dpc, int cause,
				int do_hangup)
{
	return SS7_CIC_IDLE;
}

static inline void ss7_call_null_cb(struct ss7 *ss7, struct isup_call *c, int lock)
{
}

static inline void ss7_notinservice_cb(struct ss7 *ss7, int cic, unsigned int dpc)
{
}

static inline void ss7_timer(struct ss7 *ss7, const char *name, int ms)
{
	char n[16];

	snprintf(n, sizeof(n), "%s", name);
	ss7_set_mtp3_timer(ss7, n, ms);
}

/* A libss7 instance of type (SS7_ITU, SS7_ANSI) with point code pc, national network, its
 * MTP3 timers inside Q.704's and Q.707's ranges; no links yet.  NULL when libss7 says no. */
static inline struct ss7 *ss7_peer_new(int type, unsigned int pc)
{
	struct ss7 *ss7 = ss7_new(type);

	if (!ss7)
		return NULL;
	ss7_set_message(ss7_msg_cb);
	ss7_set_error(ss7_msg_cb);
	ss7_set_hangup(ss7_hangup_cb);
	ss7_set_call_null(ss7_call_null_cb);
	ss7_set_notinservice(ss7_notinservice_cb);
	if (debug())
		ss7_set_debug(ss7, SS7_DEBUG_MTP3 | SS7_DEBUG_ISUP);
	ss7_set_network_ind(ss7, SS7_NI_NAT);
	ss7_set_pc(ss7, pc);
	ss7_timer(ss7, "t1", 800);		/* Q.704 T1: 0.5-1.2 s */
	ss7_timer(ss7, "t2", 1400);		/* T2: 0.7-2 s */
	ss7_timer(ss7, "t3", 800);		/* T3: 0.5-1.2 s */
	ss7_timer(ss7, "t4", 800);		/* T4: 0.5-1.2 s */
	ss7_timer(ss7, "t5", 800);		/* T5: 0.5-1.2 s */
	ss7_timer(ss7, "q707_t1", 6000);	/* Q.707 T1: 4-12 s */
	ss7_timer(ss7, "q707_t2", 60000);	/* Q.707 T2: 30-90 s */
	return ss7;
}

/* The next event of libss7 (NULL: none or no instance), printed with SS7_DEBUG; the adjacent
 * SP's up and down events are also counted in *sp_up and *sp_down. */
static inline ss7_event *ss7_peer_event(struct ss7 *ss7, unsigned int *sp_up,
					unsigned int *sp_down)
{
	ss7_event *ev = ss7 ? ss7_check_event(ss7) : NULL;

	if (!ev)
		return NULL;
	if (ev->e == SS7_EVENT_UP)
		(*sp_up)++;
	else if (ev->e == SS7_EVENT_DOWN)
		(*sp_down)++;
	if (debug())
		fprintf(stderr, "libss7 event: %s\n", ss7_event2str(ev->e));
	return ev;
}

/* libss7 places a call: an IAM on cic to dpc from 5550100 to 12345 (national numbers).  The
 * call (NULL when libss7 has none to give), isup_iam()'s result in *rc. */
static inline struct isup_call *ss7_peer_call(struct ss7 *ss7, int cic, unsigned int dpc,
					      int *rc)
{
	struct isup_call *c = isup_new_call(ss7, cic, dpc, 1);

	*rc = -1;
	if (!c)
		return NULL;
	isup_set_called(c, "12345", SS7_NAI_NATIONAL, ss7);
	isup_set_calling(c, "5550100", SS7_NAI_NATIONAL, SS7_PRESENTATION_ALLOWED,
			 SS7_SCREENING_USER_PROVIDED);
	*rc = isup_iam(ss7, c);
	return c;
}

/* libss7 reads what its link's socket ofd has, when it is readable (what). */
static inline void ss7_peer_read(struct ss7 *ss7, struct osmo_fd *ofd, unsigned int what)
{
	if (what & OSMO_FD_READ)
		ss7_read(ss7, ofd->fd);
}

/* Run libss7's timers that are due. */
static inline void ss7_peer_run_timers(struct ss7 *ss7)
{
	struct timeval *next, now;

	next = ss7_schedule_next(ss7);
	gettimeofday(&now, NULL);
	if (next && timercmp(next, &now, <=))
		ss7_schedule_run(ss7);
}

/* The called party number of an IAM (u: from the CIC on) as a string, "" when it cannot be
 * read.  The mandatory variable part follows CIC (2), type (1) and the fixed part: ITU NCI,
 * FCI, CPC, TMR (5 octets); ANSI NCI, FCI, CPC (4 octets), then user service information
 * before the called party number. */
static inline void iam_called(const uint8_t *u, unsigned int len, bool ansi, char *out,
			      size_t outlen)
{
	unsigned int pos = ansi ? 3 + 4 + 1 : 3 + 5;
	unsigned int p, l, nd = 0;

	out[0] = 0;
	if (pos >= len)
		return;
	p = pos + u[pos];
	if (p + 3 > len)
		return;
	l = u[p];
	if (l < 2 || p + 1 + l > len)
		return;
	/* digits 0-9; code 1111 is the end-of-pulsing signal ST (Q.763 §3.9 f)); an odd
	 * number of digits leaves the last high nibble as filler */
	for (unsigned int i = 2; i < l; i++) {
		uint8_t o = u[p + 1 + i], d[2] = { o & 0xf, o >> 4 };

		for (unsigned int k = 0; k < 2 && nd + 1 < outlen; k++) {
			if (k == 1 && i + 1 == l && (u[p + 1] & 0x80))
				break;
			if (d[k] == 0xf)
				goto done;
			out[nd++] = d[k] <= 9 ? '0' + d[k] : '?';
		}
	}
done:
	out[nd] = 0;
}

/* A test of a variant whose set-up failed says so and checks nothing more. */
static inline bool ready_or_say(bool ready, const char *variant)
{
	if (!ready)
		printf("\n  %s: not set up (see the first test of this variant)\n", variant);
	return ready;
}
