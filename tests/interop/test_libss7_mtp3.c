/* Interop with libss7: our MTP3 (2 links) and a small ISUP user against its MTP3 and ISUP. */

/*
 * One process, one thread, real time (libss7's timers run on the wall clock).
 *
 *   libss7 (MTP2+MTP3+ISUP)        relay (this test)         our stack
 *   link i: socketpair end <--> forwards, decodes MSUs <--> frame span i + SLT i (MTP2)
 *                                                               |
 *                                            one sg_mtp3, linkset of 2 links (SLC 0, 1)
 *                                                               |
 *                                      ISUP user (SI 5): IAM -> ACM, ANM; REL -> RLC
 *
 * libss7 runs in SS7_TRANSPORT_DAHDIMTP2 mode on one end of an AF_UNIX SOCK_SEQPACKET
 * socketpair per link (doc/testing.md, "libss7 as a peer").  The test relays each frame to the
 * socket our frame span connects to, decoding it on the way (SLTM/SLTA, SNM, ISUP) so
 * that the checks can see what each side sent on which link.  Cutting a link closes
 * the relay: our span sees end of file (loss of signal), libss7 sees a dead socket.
 *
 * The MTP2 <-> MTP3 glue is asynchronous, as in sgd: MTP3's requests to a link are
 * queued and handed to the SLT's MTP2 from the loop; MTP2's indications go straight
 * to sg_mtp3_l2_ind().
 *
 * libss7 specifics (2.0.0): its MTP3 timers are all 0 (off) unless set with
 * ss7_set_mtp3_timer; T19/T21 stay off on purpose, so that libss7 can only declare
 * the adjacent SP up on our TRA (T21 running out would do it without one).  It sends
 * its SLTM with SLS = SLC and answers SLTM on the link whose SLC equals the SLS, and it
 * drops MSUs whose NI differs from its own.  Two limits shape the changeover check:
 *  - it drops an SNM message whose label SLS differs from the SLC of the link it arrives
 *    on ("Received message for slc 0x0, but we are 0x1"), so our COO for the failed link,
 *    sent on the other one as Q.704 §5.2 wants, never reaches its MTP3 and libss7 does
 *    no buffer updating (it changes over when its T2 runs out);
 *  - in ANSI it codes COO/COA/CBD/CBA like ITU's (one octet after the heading, no SLC
 *    field; T1.111.4 §15.4/§15.5 have SLC + FSN/CBC in two), which our decoder rightly
 *    refuses as too short: neither side updates buffers in ANSI.
 * So MSUs lost on the wire at the cut can only be recovered from our side, in ITU; the
 * check delivers what libss7 sent before the cut (and in ANSI what we sent).
 *
 * Our two SLTs write pcap traces; at the end of each variant tshark (when installed) must
 * decode what we sent without a malformed frame.
 *
 * Run with SS7_DEBUG=1 for libss7's and our logs (see doc/testing.md).
 */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <libss7.h>
#include <osmocom/core/select.h>
#include <talloc.h>

#include <sg/adapter.h>
#include <sg/config.h>
#include <sg/log.h>
#include <sg/mtp3.h>
#include <sg/mtp3_core.h>
#include <sg/slt.h>
#include <sg/thread.h>
#include <sg/timer.h>
#include "../unit/cu_main.h"
#include "../unit/cu_log.h"
#include "libss7_peer.h"
#include "../unit/tshark.h"

#define NLINKS		2
#define CALL_CIC	10	/* the ISUP call placed by libss7 */
#define SEQ_N		40	/* numbered MSUs across the link failure, each way */
#define SEQ_CIC_SS7	100	/* CICs of libss7's numbered IAMs */
#define SEQ_CIC_OURS	200	/* CICs of our numbered IAMs */
#define SEQ_CUT_AT	12	/* the link goes dead after this many */
#define SEQ_FROZEN	4	/* and is cut (alarm) this many later */
#define L2Q_MAX		4096
#define FRAME_MAX	300

struct variant {
	const char *name;
	int ss7_type;			/* SS7_ITU, SS7_ANSI */
	enum sg_pc_variant pcv;
	uint32_t our_pc, their_pc;
};

static const struct variant v_itu = { "ITU", SS7_ITU, SG_PC_ITU, 0x0101, 0x0202 };	/* 14 bit */
static const struct variant v_ansi = { "ANSI", SS7_ANSI, SG_PC_ANSI, 0x010203, 0x010204 };

enum dir { FROM_SS7, FROM_US };

/* one link: libss7's socket, the relay, our span and SLT */
struct link {
	int idx;
	int ss7_fd;			/* libss7's end of the socketpair */
	int relay_ss7_fd;		/* the relay's end of it */
	int listen_fd;			/* our span connects here */
	int relay_our_fd;		/* accepted from our span */
	struct osmo_fd ofd_ss7, ofd_relay_ss7, ofd_relay_our;
	bool cut;
	char sock[100];
	char pcap[100];			/* trace of our end */
	struct sg_span *span;
	struct sg_slt *slt;
	struct sg_mtp3_link *ml;
	/* seen by the relay, per direction */
	unsigned int sltm[2], slta_match[2], tra[2], coo[2], coa[2], eco[2], eca[2];
	unsigned int cbd[2], cba[2], isup[2], snm_other[2];
	unsigned int wire_lost[2];	/* MSUs dropped by the cut */
	uint8_t sltm_pat[2][SG_MTP3_SLT_PATTERN_MAX];
	uint8_t sltm_len[2];
	int sltm_sls[2], slta_sls[2];
};

struct l2req {
	int link;
	enum sg_mtp2_prim prim;
	bool has_p;
	struct sg_mtp2_param p;
	struct msgb *msg;
};

static struct {
	const struct variant *v;
	bool ready;			/* set up completely */
	char dir[40];
	struct link lk[NLINKS];
	struct sg_mtp3 *m;
	struct sg_mtp3_linkset *ls;
	struct sg_mtp3_fmt fmt;
	struct l2req q[L2Q_MAX];
	unsigned int q_head, q_tail, q_drop;
	bool closing;
	/* libss7 */
	struct ss7 *ss7;
	struct sg_timer pace;
	unsigned int sp_up, sp_down, mtp2_up;
	bool call_acm, call_anm, call_rlc;
	unsigned int iam_events;
	int ss7_seq[SEQ_N];		/* CIC order of our numbered IAMs at libss7 */
	unsigned int n_ss7_seq;
	/* our ISUP user */
	unsigned int user_iam, user_rel, user_other, user_pause, user_resume;
	char called[32];
	int our_seq[SEQ_N];		/* CIC order of libss7's numbered IAMs at our user */
	uint8_t our_seq_sls[SEQ_N];
	unsigned int n_our_seq;
} T;

/* ---- MTP2 <-> MTP3 glue (queued requests) ---- */

static int l2_req(void *l2_priv, enum sg_mtp2_prim prim, const struct sg_mtp2_param *p,
		  struct msgb *msg)
{
	struct link *lk = l2_priv;
	struct l2req *r;

	if (T.q_tail - T.q_head >= L2Q_MAX) {
		T.q_drop++;
		msgb_free(msg);
		return -ENOSPC;
	}
	r = &T.q[T.q_tail++ % L2Q_MAX];
	r->link = lk->idx;
	r->prim = prim;
	r->has_p = p != NULL;
	if (p)
		r->p = *p;
	r->msg = msg;
	return 0;
}

static const struct sg_mtp3_l2_ops l2_ops = { .req = l2_req };

static void l2q_run(void)
{
	while (T.q_head != T.q_tail) {
		struct l2req *r = &T.q[T.q_head++ % L2Q_MAX];
		struct link *lk = &T.lk[r->link];

		sg_mtp2_l3_req(sg_slt_mtp2(lk->slt), r->prim, r->has_p ? &r->p : NULL, r->msg);
	}
}

static void l2q_flush(void)
{
	while (T.q_head != T.q_tail)
		msgb_free(T.q[T.q_head++ % L2Q_MAX].msg);
}

static void mtp2_ind(struct sg_mtp2_link *link, enum sg_mtp2_prim prim,
		     const struct sg_mtp2_param *param, struct msgb *msg, void *priv)
{
	struct link *lk = priv;

	if (T.closing || !T.m || !lk->ml) {
		msgb_free(msg);
		return;
	}
	sg_mtp3_l2_ind(T.m, lk->ml, prim, param, msg);
}

/* ---- our ISUP user (Q.763 formats, minimal) ---- */

/* CIC: ITU 12 bits, ANSI 14 bits, least significant octet first (Q.763 §1.2, T1.113) */
static unsigned int put_cic(uint8_t *b, unsigned int cic)
{
	b[0] = cic & 0xff;
	b[1] = (cic >> 8) & (T.v->pcv == SG_PC_ANSI ? 0x3f : 0x0f);
	return 2;
}

static unsigned int get_cic(const uint8_t *b)
{
	return b[0] | ((b[1] & (T.v->pcv == SG_PC_ANSI ? 0x3f : 0x0f)) << 8);
}

static void isup_send(const uint8_t *buf, unsigned int len, uint8_t sls)
{
	struct sg_mtp_param p = { .dpc = T.v->their_pc, .sls = sls, .si = SG_MTP3_SI_ISUP };
	struct msgb *msg = sg_msgb_alloc(len + 32, "isup");
	int rc;

	if (!msg)
		return;
	msgb_reserve(msg, 32);	/* room for SIO and routing label */
	memcpy(msgb_put(msg, len), buf, len);
	rc = sg_mtp3_transfer_req(T.m, &p, msg);
	if (rc < 0)
		fprintf(stderr, "  sg_mtp3_transfer_req: %s\n", strerror(-rc));
}

/* ACM, Q.763 §3.2 / Table 22: CIC, type, backward call indicators (F, 2), optional part
 * pointer (none). */
static void send_acm(unsigned int cic, uint8_t sls)
{
	uint8_t b[8];
	unsigned int n = put_cic(b, cic);

	b[n++] = ISUP_ACM;
	/* BCI octet 1: BA charge indicator 10 (charge), DC called party's status 01
	 * (subscriber free), FE called party's category 01 (ordinary), HG end-to-end
	 * method 00 (none) */
	b[n++] = 0x02 | (0x01 << 2) | (0x01 << 4);
	/* BCI octet 2: K ISDN user part indicator 1 (used all the way); others 0 */
	b[n++] = 0x04;
	b[n++] = 0;		/* pointer to the optional part: none */
	isup_send(b, n, sls);
}

/* ANM (Q.763 Table 24) and RLC (Table 34): CIC, type, optional part pointer (none). */
static void send_simple(unsigned int cic, uint8_t type, uint8_t sls)
{
	uint8_t b[4];
	unsigned int n = put_cic(b, cic);

	b[n++] = type;
	b[n++] = 0;
	isup_send(b, n, sls);
}

/* BCD digits, first digit in the low nibble (Q.763 §3.9) */
static unsigned int put_digits(uint8_t *b, const char *digits)
{
	unsigned int n = strlen(digits);

	for (unsigned int i = 0; i < n; i++) {
		uint8_t d = digits[i] - '0';

		if (i & 1)
			b[i / 2] |= d << 4;
		else
			b[i / 2] = d;
	}
	return (n + 1) / 2;
}

/* IAM, Q.763 Table 32 (ITU) / T1.113 (ANSI): numbered by its CIC. */
static void send_iam(unsigned int cic, uint8_t sls)
{
	static const char digits[] = "4711";
	uint8_t b[40], *ptr, *called;
	unsigned int n = put_cic(b, cic);

	b[n++] = ISUP_IAM;
	b[n++] = 0x00;		/* nature of connection: no satellite, no COT, no echo dev. */
	b[n++] = 0x20;		/* forward call ind. octet 1: F ISDN user part used all the way */
	b[n++] = 0x01;		/* octet 2: I originating access ISDN */
	b[n++] = 0x0a;		/* calling party's category: ordinary subscriber */
	if (T.v->pcv == SG_PC_ANSI) {
		/* mandatory variable: user service information, called party number */
		ptr = &b[n];
		n += 3;		/* pointers: USI, called party number, optional part */
		ptr[0] = 3;	/* USI follows the 3 pointers */
		b[n++] = 3;	/* USI length */
		b[n++] = 0x80;	/* ext, coding standard CCITT, speech */
		b[n++] = 0x90;	/* ext, circuit mode, 64 kbit/s */
		b[n++] = 0xa2;	/* ext, layer 1, G.711 mu-law */
		ptr[1] = &b[n] - &ptr[1];
		ptr[2] = 0;	/* no optional part */
	} else {
		b[n++] = 0x00;	/* transmission medium requirement: speech */
		ptr = &b[n];
		n += 2;		/* pointers: called party number, optional part */
		ptr[0] = 2;
		ptr[1] = 0;
	}
	called = &b[n++];	/* length */
	b[n++] = (strlen(digits) & 1 ? 0x80 : 0) | 0x03;	/* O/E, NAI national number */
	b[n++] = 0x10;		/* INN 0, numbering plan ISDN (E.164) */
	n += put_digits(&b[n], digits);
	*called = &b[n] - called - 1;
	isup_send(b, n, sls);
}

static void isup_user(struct sg_mtp3 *m, enum sg_mtp_prim prim, const struct sg_mtp_param *p,
		      struct msgb *msg, void *priv)
{
	const uint8_t *u;
	unsigned int len, cic;

	if (prim == SG_MTP_PAUSE)
		T.user_pause++;
	else if (prim == SG_MTP_RESUME)
		T.user_resume++;
	if (prim != SG_MTP_TRANSFER || !msg)
		return;
	u = msgb_l4(msg);
	len = msgb_l4len(msg);
	if (len < 3) {
		T.user_other++;
		msgb_free(msg);
		return;
	}
	cic = get_cic(u);
	switch (u[2]) {
	case ISUP_IAM:
		T.user_iam++;
		if (cic == CALL_CIC) {
			iam_called(u, len, T.v->pcv == SG_PC_ANSI, T.called, sizeof(T.called));
			send_acm(cic, p->sls);
			send_simple(cic, ISUP_ANM, p->sls);
		} else if (cic >= SEQ_CIC_SS7 && cic < SEQ_CIC_SS7 + SEQ_N && T.n_our_seq < SEQ_N) {
			T.our_seq_sls[T.n_our_seq] = p->sls;
			T.our_seq[T.n_our_seq++] = cic;
		}
		break;
	case ISUP_REL:
		T.user_rel++;
		send_simple(cic, ISUP_RLC, p->sls);
		break;
	default:
		T.user_other++;
		break;
	}
	msgb_free(msg);
}

static const struct sg_mtp_user isup = { .name = "isup", .prim_cb = isup_user };

/* ---- the relay: forward frames, decode MSUs ---- */

static void inspect(struct link *lk, enum dir d, const uint8_t *f, size_t n)
{
	struct sg_mtp3_hdr h;
	const uint8_t *msu;
	size_t len;

	if (n < 3 + 2 || (f[2] & 0x3f) < 3)
		return;		/* FISU, LSSU (or too short) */
	msu = f + 3;
	len = n - 3 - 2;	/* frames carry 2 FCS octets */
	if (sg_mtp3_hdr_decode(&h, &T.fmt, msu, len))
		return;
	if (h.si == SG_MTP3_SI_MTN || (h.si == SG_MTP3_SI_MTNS && T.v->pcv == SG_PC_ANSI)) {
		struct sg_mtp3_slt s;

		if (sg_mtp3_slt_msu_decode(&h, &s, &T.fmt, msu, len))
			return;
		if (s.heading == SG_MTP3_SLTM) {
			lk->sltm[d]++;
			lk->sltm_sls[d] = h.label.sls;
			lk->sltm_len[d] = s.len;
			memcpy(lk->sltm_pat[d], s.pattern, s.len);
		} else if (s.heading == SG_MTP3_SLTA) {
			enum dir o = d == FROM_US ? FROM_SS7 : FROM_US;

			lk->slta_sls[d] = h.label.sls;
			if (lk->sltm[o] && s.len == lk->sltm_len[o] &&
			    !memcmp(s.pattern, lk->sltm_pat[o], s.len))
				lk->slta_match[d]++;
		}
	} else if (h.si == SG_MTP3_SI_SNM && len > sg_mtp3_hdr_len(T.v->pcv)) {
		uint8_t head = msu[sg_mtp3_hdr_len(T.v->pcv)];

		unsigned int *ctr = head == SG_MTP3_TRA ? lk->tra :
				    head == SG_MTP3_COO ? lk->coo :
				    head == SG_MTP3_COA ? lk->coa :
				    head == SG_MTP3_ECO ? lk->eco :
				    head == SG_MTP3_ECA ? lk->eca :
				    head == SG_MTP3_CBD ? lk->cbd :
				    head == SG_MTP3_CBA ? lk->cba : lk->snm_other;

		ctr[d]++;
		if (debug())
			fprintf(stderr, "relay link %d %s: SNM %s SLS %u\n", lk->idx,
				d == FROM_US ? "us->ss7" : "ss7->us",
				get_value_string(sg_mtp3_snm_type_names, head), h.label.sls);
	} else if (h.si == SG_MTP3_SI_ISUP) {
		lk->isup[d]++;
	}
}

static void relay_unregister(struct osmo_fd *ofd)
{
	if (ofd->fd >= 0) {
		osmo_fd_unregister(ofd);
		ofd->fd = -1;
	}
}

/* Frames waiting in the relay's socket from one side: forwarded (drain) or lost on the wire
 * (MSUs lost are counted).  Returns the number of frames. */
static unsigned int relay_flush(struct link *lk, enum dir d, bool drain)
{
	int in = d == FROM_SS7 ? lk->relay_ss7_fd : lk->relay_our_fd;
	int out = d == FROM_SS7 ? lk->relay_our_fd : lk->relay_ss7_fd;
	uint8_t buf[FRAME_MAX];
	unsigned int frames = 0;
	ssize_t n;

	if (in < 0)
		return 0;
	while ((n = recv(in, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		frames++;
		inspect(lk, d, buf, n);
		if (drain && out >= 0)
			send(out, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
		else if (n >= 3 + 2 && (buf[2] & 0x3f) >= 3)
			lk->wire_lost[d]++;
	}
	return frames;
}

/* The relay stops reading (the line goes dead; neither end knows yet). */
static void link_freeze(struct link *lk)
{
	relay_unregister(&lk->ofd_relay_ss7);
	relay_unregister(&lk->ofd_relay_our);
}

/* A line break: the relay stops; our span reads end of file, libss7's socket is dead. */
static void link_cut(struct link *lk)
{
	lk->cut = true;
	relay_unregister(&lk->ofd_ss7);
	relay_unregister(&lk->ofd_relay_ss7);
	relay_unregister(&lk->ofd_relay_our);
	if (lk->relay_ss7_fd >= 0)
		close(lk->relay_ss7_fd);
	if (lk->relay_our_fd >= 0)
		close(lk->relay_our_fd);
	lk->relay_ss7_fd = lk->relay_our_fd = -1;
}

static int relay_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct link *lk = ofd->data;
	bool from_ss7 = ofd == &lk->ofd_relay_ss7;
	int out = from_ss7 ? lk->relay_our_fd : lk->relay_ss7_fd;
	uint8_t buf[FRAME_MAX];

	for (int i = 0; i < 64 && !lk->cut; i++) {
		ssize_t n = recv(ofd->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0) {
			link_cut(lk);
			break;
		}
		inspect(lk, from_ss7 ? FROM_SS7 : FROM_US, buf, n);
		if (out >= 0)
			send(out, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	}
	return 0;
}

/* ---- libss7 ---- */

static void drain_events(void)
{
	ss7_event *ev;

	while ((ev = ss7_peer_event(T.ss7, &T.sp_up, &T.sp_down))) {
		switch (ev->e) {
		case MTP2_LINK_UP:
			T.mtp2_up++;
			break;
		case ISUP_EVENT_ACM:
			if (ev->acm.cic == CALL_CIC)
				T.call_acm = true;
			break;
		case ISUP_EVENT_ANM:
			if (ev->anm.cic == CALL_CIC)
				T.call_anm = true;
			break;
		case ISUP_EVENT_RLC:
			if (ev->rlc.cic == CALL_CIC)
				T.call_rlc = true;
			break;
		case ISUP_EVENT_IAM:
			T.iam_events++;
			if (ev->iam.cic >= SEQ_CIC_OURS && ev->iam.cic < SEQ_CIC_OURS + SEQ_N &&
			    T.n_ss7_seq < SEQ_N)
				T.ss7_seq[T.n_ss7_seq++] = ev->iam.cic;
			break;
		default:
			break;
		}
	}
}

static int ss7_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	ss7_peer_read(T.ss7, ofd, what);
	drain_events();
	return 0;
}

/* every 5 ms: libss7 writes what changed and runs its timers */
static void pace_cb(void *data)
{
	for (int i = 0; i < NLINKS; i++)
		if (!T.lk[i].cut)
			ss7_write(T.ss7, T.lk[i].ss7_fd);
	ss7_peer_run_timers(T.ss7);
	drain_events();
	sg_timer_start_ms(&T.pace, 5);
}

/* ---- loop ---- */

static void step(void)
{
	sg_loop_once(T.q_head == T.q_tail ? 2 : 0);
	l2q_run();
	drain_events();
}

#define WAIT_FOR(cond, ms) do {						\
		uint64_t end_ = sg_now() + (uint64_t)(ms) * SG_NS_PER_MS;	\
		while (!(cond) && sg_now() < end_)				\
			step();							\
	} while (0)

static void run_ms(unsigned int ms)
{
	uint64_t end = sg_now() + (uint64_t)ms * SG_NS_PER_MS;

	while (sg_now() < end)
		step();
}

/* ---- set up and tear down one variant ---- */

/* Frames of both traces matching filter, sent by us when ours (opc = our PC). */
static int trace_count(const char *filter, bool ours)
{
	const char *opts = T.v->pcv == SG_PC_ANSI ? "-o mtp3.standard:ANSI" : "";
	char f[320];
	int n = 0;

	if (ours && T.v->pcv == SG_PC_ANSI)
		snprintf(f, sizeof(f), "(%s) && mtp3.opc.network == %u && mtp3.opc.cluster == %u "
			 "&& mtp3.opc.member == %u", filter, T.v->our_pc >> 16,
			 (T.v->our_pc >> 8) & 0xff, T.v->our_pc & 0xff);
	else if (ours)
		snprintf(f, sizeof(f), "(%s) && mtp3.opc == %u", filter, T.v->our_pc);
	else
		snprintf(f, sizeof(f), "%s", filter);
	for (int i = 0; i < NLINKS; i++) {
		int c = tshark_count(T.lk[i].pcap, opts, f);

		if (c < 0)
			return -1;
		n += c;
	}
	return n;
}

/* Wireshark decodes what we sent: our IAMs, ACM, ANM, RLC, SNM and SLT messages, nothing
 * malformed.  (libss7's ANSI COO/CBD are malformed to it as to us: counted, not checked.) */
static void check_traces(void)
{
	static const char bad[] = "_ws.malformed || _ws.expert.severity >= error";
	int iam, acm, anm, rlc, snm, bad_ours, bad_all;

	if (!tshark_available()) {
		printf("\n  tshark not available: traces not checked\n");
		return;
	}
	iam = trace_count("isup.message_type == 1", true);
	acm = trace_count("isup.message_type == 6", true);
	anm = trace_count("isup.message_type == 9", true);
	rlc = trace_count("isup.message_type == 16", true);
	snm = trace_count("mtp3mg", true);
	bad_ours = trace_count(bad, true);
	bad_all = trace_count(bad, false);
	printf("\n  %s tshark: from us IAM %d ACM %d ANM %d RLC %d SNM/SLT %d, malformed %d "
	       "(all frames: %d)\n", T.v->name, iam, acm, anm, rlc, snm, bad_ours, bad_all);
	CU_ASSERT(iam >= SEQ_N);
	CU_ASSERT(acm >= 1);
	CU_ASSERT(anm >= 1);
	CU_ASSERT(rlc >= 1);
	CU_ASSERT(snm >= 2);
	CU_ASSERT_EQUAL(bad_ours, 0);
	if (T.v->pcv == SG_PC_ITU)
		CU_ASSERT_EQUAL(bad_all, 0);
}

/* Free everything; with traces, check the pcap traces of our ends in tshark first. */
static void teardown(bool traces)
{
	if (!T.v)
		return;
	sg_timer_stop(&T.pace);
	T.closing = true;
	if (T.m)
		sg_mtp3_free(T.m);
	T.m = NULL;
	l2q_flush();
	for (int i = 0; i < NLINKS; i++) {
		struct link *lk = &T.lk[i];

		link_cut(lk);
		if (lk->slt)
			sg_slt_close(lk->slt);	/* closes the trace */
		if (lk->span)
			sg_span_close(lk->span);
		if (lk->listen_fd >= 0)
			close(lk->listen_fd);
		unlink(lk->sock);
	}
	if (traces)
		check_traces();
	for (int i = 0; i < NLINKS; i++)
		unlink(T.lk[i].pcap);
	if (T.ss7)
		ss7_destroy(T.ss7);
	for (int i = 0; i < NLINKS; i++)
		if (T.lk[i].ss7_fd >= 0)
			close(T.lk[i].ss7_fd);
	rmdir(T.dir);
	memset(&T, 0, sizeof(T));
}

static int link_setup(struct link *lk, int idx)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct sg_span_cfg scfg = { .type = SG_SPAN_E1, .driver = "frame" };
	struct sg_slt_cfg lcfg = { .ts = 16 };
	char name[16], err[256], json[140];
	int sp[2];

	lk->idx = idx;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) < 0)
		return -1;
	lk->ss7_fd = sp[0];
	lk->relay_ss7_fd = sp[1];

	snprintf(lk->sock, sizeof(lk->sock), "%s/link%d", T.dir, idx);
	lk->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", lk->sock);
	if (lk->listen_fd < 0 || bind(lk->listen_fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(lk->listen_fd, 1) < 0)
		return -1;

	snprintf(name, sizeof(name), "ss7-%d", idx);
	scfg.name = name;
	snprintf(json, sizeof(json), "{ \"path\": \"%s\" }", lk->sock);
	scfg.drv_cfg = sg_adapter_cfg_json(NULL, "frame", json, SG_SPAN_E1, err, sizeof(err));
	lk->span = scfg.drv_cfg ? sg_span_open(NULL, &scfg, err, sizeof(err)) : NULL;
	if (!lk->span) {
		fprintf(stderr, "  span: %s\n", err);
		return -1;
	}
	talloc_steal(lk->span->ctx, (void *)scfg.drv_cfg);	/* goes with the span */
	snprintf(name, sizeof(name), "l%d", idx);
	lcfg.name = name;
	lcfg.link_id = idx;
	lk->slt = sg_slt_open(NULL, lk->span, &lcfg, mtp2_ind, lk, err, sizeof(err));
	if (!lk->slt) {
		fprintf(stderr, "  slt: %s\n", err);
		return -1;
	}
	snprintf(lk->pcap, sizeof(lk->pcap), "%s/link%d.pcap", T.dir, idx);
	if (sg_slt_trace_start(lk->slt, lk->pcap, false))
		return -1;
	/* accept our span's connection (it connects from the loop) */
	for (int i = 0; i < 400; i++) {
		struct pollfd p = { .fd = lk->listen_fd, .events = POLLIN };

		sg_loop_once(5);
		if (poll(&p, 1, 0) == 1)
			break;
	}
	lk->relay_our_fd = accept(lk->listen_fd, NULL, NULL);
	if (lk->relay_our_fd < 0)
		return -1;
	/* no second connection: after a cut, our span finds nobody */
	close(lk->listen_fd);
	lk->listen_fd = -1;

	osmo_fd_setup(&lk->ofd_relay_ss7, lk->relay_ss7_fd, OSMO_FD_READ, relay_cb, lk, 0);
	osmo_fd_setup(&lk->ofd_relay_our, lk->relay_our_fd, OSMO_FD_READ, relay_cb, lk, 1);
	if (osmo_fd_register(&lk->ofd_relay_ss7) < 0 || osmo_fd_register(&lk->ofd_relay_our) < 0)
		return -1;
	return 0;
}

static bool setup(const struct variant *v)
{
	struct sg_mtp3_cfg mcfg;
	char tmpl[] = "/tmp/sg-ss7m3-XXXXXX";

	teardown(false);
	T.v = v;
	for (int i = 0; i < NLINKS; i++) {
		struct link *lk = &T.lk[i];

		lk->listen_fd = lk->ss7_fd = lk->relay_ss7_fd = lk->relay_our_fd = -1;
		lk->ofd_ss7.fd = lk->ofd_relay_ss7.fd = lk->ofd_relay_our.fd = -1;
	}
	if (!mkdtemp(tmpl))
		return false;
	snprintf(T.dir, sizeof(T.dir), "%s", tmpl);
	T.fmt.variant = v->pcv;

	/* our MTP3: one SP, a linkset of 2 links to libss7, national network */
	sg_mtp3_cfg_defaults(&mcfg);
	mcfg.name = v->name;
	mcfg.variant = v->pcv;
	mcfg.pc = v->our_pc;
	mcfg.ni = SG_NI_NATIONAL;
	T.m = sg_mtp3_alloc(NULL, &mcfg);
	if (!T.m)
		return false;
	T.ls = sg_mtp3_linkset_add(T.m, "to-libss7", v->their_pc);
	if (!T.ls)
		return false;
	for (int i = 0; i < NLINKS; i++) {
		char name[16];

		snprintf(name, sizeof(name), "l%d", i);
		T.lk[i].ml = sg_mtp3_link_add(T.ls, name, i);	/* SLC = link index */
		if (!T.lk[i].ml)
			return false;
		sg_mtp3_link_bind(T.lk[i].ml, &l2_ops, &T.lk[i]);
	}
	if (sg_mtp3_user_register(T.m, SG_MTP_SI_BIT(SG_MTP3_SI_ISUP), &isup))
		return false;

	for (int i = 0; i < NLINKS; i++)
		if (link_setup(&T.lk[i], i))
			return false;

	/* libss7: same NI, its links with SLC 0 and 1 */
	T.ss7 = ss7_peer_new(v->ss7_type, v->their_pc);
	if (!T.ss7)
		return false;
	for (int i = 0; i < NLINKS; i++) {
		struct link *lk = &T.lk[i];

		if (ss7_add_link(T.ss7, SS7_TRANSPORT_DAHDIMTP2, lk->ss7_fd, i, v->our_pc))
			return false;
		osmo_fd_setup(&lk->ofd_ss7, lk->ss7_fd, OSMO_FD_READ, ss7_fd_cb, lk, 2);
		if (osmo_fd_register(&lk->ofd_ss7) < 0)
			return false;
	}
	sg_timer_setup(&T.pace, pace_cb, NULL);
	sg_timer_start_ms(&T.pace, 5);

	if (ss7_start(T.ss7))
		return false;
	if (sg_mtp3_start(T.m))
		return false;
	T.ready = true;
	return true;
}

static bool all_available(void)
{
	for (int i = 0; i < NLINKS; i++)
		if (sg_mtp3_link_state(T.lk[i].ml) != SG_MTP3_LINK_AVAILABLE)
			return false;
	return true;
}

/* ---- the checks ---- */

/* Both links align, pass the signalling link test on our side, TRA both ways, and
 * libss7's MTP3 declares the adjacent SP (us) up. */
static void check_up(const struct variant *v)
{
	bool ok = setup(v);

	if (!ok)
		printf("\n  %s: set-up failed\n", v->name);
	CU_ASSERT_TRUE_FATAL(ok);
	WAIT_FOR(T.sp_up && all_available() && sg_mtp3_dpc_accessible(T.m, v->their_pc), 8000);
	for (int i = 0; i < NLINKS; i++) {
		enum sg_mtp3_link_state st = sg_mtp3_link_state(T.lk[i].ml);

		if (st != SG_MTP3_LINK_AVAILABLE)
			printf("\n  %s link %d: %s\n", v->name, i,
			       get_value_string(sg_mtp3_link_state_names, st));
		CU_ASSERT_EQUAL(st, SG_MTP3_LINK_AVAILABLE);
	}
	CU_ASSERT_EQUAL(T.mtp2_up, NLINKS);
	CU_ASSERT_TRUE(sg_mtp3_linkset_available(T.ls));
	/* TRA both ways: ours made libss7 declare us up; libss7's made the SP accessible */
	CU_ASSERT(T.lk[0].tra[FROM_US] + T.lk[1].tra[FROM_US] >= 1);
	CU_ASSERT(T.lk[0].tra[FROM_SS7] + T.lk[1].tra[FROM_SS7] >= 1);
	CU_ASSERT_TRUE(sg_mtp3_dpc_accessible(T.m, v->their_pc));
	CU_ASSERT_EQUAL(T.sp_up, 1);
	CU_ASSERT_EQUAL(T.sp_down, 0);
	if (!T.sp_up)
		printf("\n  %s: libss7 did not declare the SP up (TRA %u/%u from us, SLTA "
		       "%u/%u from us)\n", v->name, T.lk[0].tra[FROM_US], T.lk[1].tra[FROM_US],
		       T.lk[0].slta_match[FROM_US], T.lk[1].slta_match[FROM_US]);
}

/* SLTM from us answered by libss7's SLTA (our link is AVAILABLE only then, and the relay
 * sees an SLTA with our pattern on that link), and libss7's SLTM answered by ours. */
static void check_slt(void)
{
	if (!ready_or_say(T.ready, T.v ? T.v->name : "?"))
		CU_FAIL_FATAL("not set up");
	for (int i = 0; i < NLINKS; i++) {
		struct link *lk = &T.lk[i];

		if (!lk->slta_match[FROM_US] || !lk->slta_match[FROM_SS7])
			printf("\n  %s link %d: SLTM %u/%u, matching SLTA %u/%u (ours/libss7's)\n",
			       T.v->name, i, lk->sltm[FROM_US], lk->sltm[FROM_SS7],
			       lk->slta_match[FROM_US], lk->slta_match[FROM_SS7]);
		/* ours -> libss7's answer */
		CU_ASSERT(lk->sltm[FROM_US] >= 1);
		CU_ASSERT(lk->slta_match[FROM_SS7] >= 1);
		CU_ASSERT_EQUAL(lk->sltm_sls[FROM_US], i);	/* ITU: SLS = SLC */
		CU_ASSERT_EQUAL(sg_mtp3_link_state(lk->ml), SG_MTP3_LINK_AVAILABLE);
		CU_ASSERT_EQUAL(sg_ctr_get(sg_mtp3_link_counters(lk->ml), SG_MTP3_CTR_SLT_FAIL), 0);
		/* libss7's -> our answer, on the same link, same SLS */
		CU_ASSERT(lk->sltm[FROM_SS7] >= 1);
		CU_ASSERT(lk->slta_match[FROM_US] >= 1);
		CU_ASSERT_EQUAL(lk->slta_sls[FROM_US], lk->sltm_sls[FROM_SS7]);
	}
}

/* libss7 places a call: IAM reaches our user through MTP-TRANSFER, our ACM and ANM reach
 * libss7, its REL gets our RLC. */
static void check_isup(void)
{
	struct isup_call *c;
	int rc;
	unsigned int iam0 = T.user_iam;

	if (!ready_or_say(T.ready, T.v ? T.v->name : "?"))
		CU_FAIL_FATAL("not set up");
	c = ss7_peer_call(T.ss7, CALL_CIC, T.v->our_pc, &rc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(rc, 0);
	WAIT_FOR(T.call_acm && T.call_anm, 3000);
	CU_ASSERT_EQUAL(T.user_iam, iam0 + 1);
	CU_ASSERT_STRING_EQUAL(T.called, "12345");
	if (strcmp(T.called, "12345"))
		printf("\n  %s: called party number at our user: \"%s\"\n", T.v->name, T.called);
	CU_ASSERT_TRUE(T.call_acm);
	CU_ASSERT_TRUE(T.call_anm);
	if (!T.call_acm || !T.call_anm)
		printf("\n  %s: IAM at our user %u, ACM %d ANM %d at libss7\n", T.v->name,
		       T.user_iam - iam0, T.call_acm, T.call_anm);

	CU_ASSERT_EQUAL(isup_rel(T.ss7, c, 16), 0);	/* normal call clearing */
	WAIT_FOR(T.call_rlc, 3000);
	CU_ASSERT_EQUAL(T.user_rel, 1);
	CU_ASSERT_TRUE(T.call_rlc);
	CU_ASSERT_EQUAL(T.user_other, 0);
}

/* per SLS, the CICs must come in increasing order; each exactly once */
static void check_sequence(const char *what, const int *cic, const uint8_t *sls,
			   unsigned int n, unsigned int base)
{
	unsigned int seen[SEQ_N] = { 0 }, lost = 0, dup = 0, reorder = 0;
	int last[256];

	for (int i = 0; i < 256; i++)
		last[i] = -1;
	for (unsigned int i = 0; i < n; i++) {
		unsigned int k = cic[i] - base;
		unsigned int s = sls ? sls[i] : (cic[i] & 0xf);

		if (seen[k]++)
			dup++;
		if (cic[i] < last[s])
			reorder++;
		last[s] = cic[i];
	}
	for (unsigned int k = 0; k < SEQ_N; k++)
		if (!seen[k])
			lost++;
	printf("\n  %s %s: %u of %u received, %u lost, %u duplicated, %u out of order", T.v->name,
	       what, n, SEQ_N, lost, dup, reorder);
	CU_ASSERT_EQUAL(lost, 0);
	CU_ASSERT_EQUAL(dup, 0);
	CU_ASSERT_EQUAL(reorder, 0);
}

/*
 * Link 0 has gone dead (frozen relay) for a few MSUs each way; now both ends see the line
 * break (DAHDI would report the alarm to libss7).  Our MSUs stuck in the relay are lost on
 * the wire: in ITU our buffer updating must bring them back, with the FSN of libss7's COO.
 * libss7's are delivered first, because libss7 cannot update its buffers (it drops our
 * COO, see the top of the file), and in ANSI, where neither side can decode the other's
 * COO, ours are delivered too.
 */
static void cut_link0(void)
{
	struct link *l0 = &T.lk[0];
	bool ansi = T.v->pcv == SG_PC_ANSI;

	l2q_run();
	for (int k = 0; k < 20; k++) {
		unsigned int n = relay_flush(l0, FROM_SS7, true);

		if (ansi)
			n += relay_flush(l0, FROM_US, true);
		if (!n)
			break;
		run_ms(5);	/* both ends read what was delivered */
	}
	relay_flush(l0, FROM_US, false);
	link_cut(l0);
	ss7_link_alarm(T.ss7, l0->ss7_fd);
}

/* Link 0 fails while numbered IAMs flow both ways: changeover to link 1, nothing lost,
 * duplicated or reordered (per SLS). */
static void check_changeover(void)
{
	struct link *l0 = &T.lk[0], *l1 = &T.lk[1];
	unsigned int isup_l0_before = 0;

	if (!ready_or_say(T.ready, T.v ? T.v->name : "?"))
		CU_FAIL_FATAL("not set up");
	T.n_our_seq = T.n_ss7_seq = 0;
	/* ANSI: our decoder refuses libss7's one-octet CBD (top of the file), so libss7 ends
	 * the changeback it started when link 1 came up by T4 + T5 only; meanwhile it
	 * would not change over */
	if (T.v->pcv == SG_PC_ANSI)
		run_ms(2000);
	for (unsigned int i = 0; i < SEQ_N; i++) {
		struct isup_call *c = isup_new_call(T.ss7, SEQ_CIC_SS7 + i, T.v->our_pc, 1);

		CU_ASSERT_PTR_NOT_NULL_FATAL(c);
		isup_set_called(c, "4711", SS7_NAI_NATIONAL, T.ss7);
		isup_set_calling(c, "5550100", SS7_NAI_NATIONAL, SS7_PRESENTATION_ALLOWED,
				 SS7_SCREENING_USER_PROVIDED);
		isup_iam(T.ss7, c);
		/* ours: SLS = CIC's low bits, as ISUP does (Q.764 §2.1) */
		send_iam(SEQ_CIC_OURS + i, (SEQ_CIC_OURS + i) & 0xf);
		if (i + 1 == SEQ_CUT_AT) {
			isup_l0_before = l0->isup[FROM_SS7] + l0->isup[FROM_US];
			CU_ASSERT(isup_l0_before > 0);
			link_freeze(l0);
		} else if (i + 1 == SEQ_CUT_AT + SEQ_FROZEN) {
			cut_link0();
			printf("\n  %s: link 0 dead after %u MSUs each way, cut after %u more "
			       "(%u ISUP MSUs had crossed it)", T.v->name, SEQ_CUT_AT,
			       SEQ_FROZEN, isup_l0_before);
		}
		run_ms(10);
	}
	WAIT_FOR(T.n_our_seq == SEQ_N && T.n_ss7_seq == SEQ_N, 8000);

	check_sequence("libss7 -> us", T.our_seq, T.our_seq_sls, T.n_our_seq, SEQ_CIC_SS7);
	check_sequence("us -> libss7", T.ss7_seq, NULL, T.n_ss7_seq, SEQ_CIC_OURS);
	printf("\n  %s: MSUs lost on the wire at the cut: %u from us, %u from libss7", T.v->name,
	       l0->wire_lost[FROM_US], l0->wire_lost[FROM_SS7]);
	printf("\n  %s: COO/COA/ECO/ECA us->libss7 %u/%u/%u/%u, libss7->us %u/%u/%u/%u\n",
	       T.v->name, l1->coo[FROM_US], l1->coa[FROM_US], l1->eco[FROM_US], l1->eca[FROM_US],
	       l1->coo[FROM_SS7], l1->coa[FROM_SS7], l1->eco[FROM_SS7], l1->eca[FROM_SS7]);
	CU_ASSERT_NOT_EQUAL(sg_mtp3_link_state(l0->ml), SG_MTP3_LINK_AVAILABLE);
	CU_ASSERT_EQUAL(sg_mtp3_link_state(l1->ml), SG_MTP3_LINK_AVAILABLE);
	CU_ASSERT(sg_ctr_get(sg_mtp3_counters(T.m), SG_MTP3_CTR_CHANGEOVER) >= 1);
	CU_ASSERT_EQUAL(sg_ctr_get(sg_mtp3_counters(T.m), SG_MTP3_CTR_CO_LOST), 0);
	/* ITU: libss7's COO (SLC 0 in the label, on link 1) reached us, and our buffer
	 * updating brought back the MSUs lost on the wire */
	if (T.v->pcv == SG_PC_ITU) {
		CU_ASSERT(l1->coo[FROM_SS7] >= 1);
		CU_ASSERT(l0->wire_lost[FROM_US] >= 1);
	}
	CU_ASSERT(l1->coo[FROM_US] + l1->eco[FROM_US] >= 1);
	CU_ASSERT_EQUAL(T.sp_down, 0);
	CU_ASSERT_TRUE(sg_mtp3_dpc_accessible(T.m, T.v->their_pc));
	CU_ASSERT_EQUAL(T.q_drop, 0);
	teardown(true);
}

static void test_itu_up(void) { check_up(&v_itu); }
static void test_ansi_up(void) { check_up(&v_ansi); }

static int init(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (cu_log_init(CU_LOG_ALL, NULL, debug() ? LOGL_DEBUG : LOGL_ERROR) < 0)
		return -1;
	sg_adapter_register_builtin();
	return sg_loop_init();
}

static int fini(void)
{
	teardown(false);
	sg_log_fini();
	return 0;
}

int main(void)
{
	static const struct cu_test tests[] = {
		{ "ITU: two links in service, TRA both ways, libss7 declares the SP up",
		  test_itu_up },
		{ "ITU: signalling link test both directions (SLTM/SLTA)", check_slt },
		{ "ITU: ISUP call IAM/ACM/ANM/REL/RLC through MTP-TRANSFER", check_isup },
		{ "ITU: link failure, changeover, no MSU lost/duplicated/reordered",
		  check_changeover },
		{ "ANSI: two links in service, TRA both ways, libss7 declares the SP up",
		  test_ansi_up },
		{ "ANSI: signalling link test both directions (SLTM/SLTA)", check_slt },
		{ "ANSI: ISUP call IAM/ACM/ANM/REL/RLC through MTP-TRANSFER", check_isup },
		{ "ANSI: link failure, changeover, no MSU lost/duplicated/reordered",
		  check_changeover },
		{ NULL, NULL }
	};

	return cu_run_suite("libss7 MTP3/ISUP interop", tests, init, fini);
}
