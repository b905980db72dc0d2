/* End to end: a libss7 ISUP call through sgd to an M3UA ASP (RFC 4666 §1.4, §4.5; Q.764). */

/*
 *   this process                                  sgd (child process)
 *   libss7 (MTP2+MTP3+ISUP),   link i: AF_UNIX     frame span i -> MTP2 -> MTP3 (SP "sg")
 *   the legacy switch          SOCK_SEQPACKET <--> (sgd connects to our listening socket)
 *                                                        |  NIF: point-code translation
 *   M3UA ASP (sg_sctp over     SCTP over UDP           M3UA SGP
 *   usrsctp, the M3UA codec)   (RFC 6951) <---------->  (usrsctp, its own UDP port)
 *
 * libss7 places a call to the AS's point code on the TDM side; the IAM must reach the ASP as
 * M3UA DATA with OPC and DPC (and NI) in the IP numbering of the translation rules; the ASP
 * answers ACM and ANM, which libss7 accepts only when their OPC is the DPC of its call (so
 * they crossed back in TDM numbering); libss7 releases, the REL reaches the ASP, its RLC
 * clears the call in libss7.  The ASP also checks DAUD (answered with DAVA for the switch,
 * in IP numbering) and BEAT.  Then the ASP leaves (ASPIA, ASPDN, SCTP SHUTDOWN), sgd gets
 * SIGTERM and must exit 0 without a sanitizer report on its stderr.  ITU, then ANSI.
 *
 * Ports: sgd's UDP encapsulation port, its SCTP port and our UDP port derive from the PID
 * (or from $SG_E2E_PORT_BASE: base, base + 1, base + 2).  $SG_E2E_VARIANTS ("itu", "ansi",
 * "itu,ansi": the default) picks the variants; tests/e2e/sctp_capture.sh uses both to
 * capture the SCTP side.  sgd: argv[1], else $top_builddir/sg/sgd, else ./sg/sgd.
 * SS7_DEBUG=1: libss7's dumps, sgd at debug level, our M3UA messages.  SG_E2E_KEEP=1 keeps
 * the temporary directory (config, sgd's log).
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <libss7.h>
#include <osmocom/core/select.h>

#include <sg/config.h>
#include <sg/log.h>
#include <sg/m3ua.h>
#include <sg/msg.h>
#include <sg/sctp.h>
#include <sg/thread.h>
#include <sg/timer.h>
#include "../unit/cu_main.h"
#include "../unit/cu_log.h"
#include "libss7_peer.h"

#define NLINKS		2
#define CALL_CIC	10
#define RCTX		1	/* routing context of the AS */
#define BEAT_DATA	"sigtran-sg e2e heartbeat"

struct variant {
	const char *name;
	const char *cfg_variant;	/* sgd's "variant" */
	int ss7_type;			/* SS7_ITU, SS7_ANSI */
	enum sg_pc_variant pcv;
	/* point codes in the SP's notation */
	const char *sg_pc;		/* sgd's SP (TDM side) */
	const char *sw_pc, *sw_ip_pc;	/* the switch (libss7) on the TDM / IP side */
	const char *as_pc, *as_ip_pc;	/* the AS on the TDM side (alias) / IP side (key) */
	uint8_t ip_ni;			/* NI on the IP side (TDM: national) */
	const char *ip_ni_name;
};

static const struct variant v_itu = {
	"ITU", "itu", SS7_ITU, SG_PC_ITU,
	"2-100-1", "2-100-2", "3-0-2", "2-100-5", "3-0-5",
	SS7_NI_INT, "international",
};
static const struct variant v_ansi = {
	"ANSI", "ansi", SS7_ANSI, SG_PC_ANSI,
	"1-2-1", "1-2-2", "7-7-2", "1-2-5", "7-7-5",
	SS7_NI_NAT_SPARE, "national-spare",
};

/* what the ASP saw of one ISUP message */
struct seen {
	unsigned int n;
	struct sg_m3ua_pdata pd;	/* data not kept */
	bool has_rc;
	uint32_t rc;
	uint16_t stream;
};

static struct {
	const struct variant *v;
	uint32_t sg_pc, sw_pc, sw_ip_pc, as_pc, as_ip_pc;
	bool ready;
	char dir[64], cfg[128], log[128];
	pid_t sgd;
	int sgd_status;			/* from waitpid, valid when sgd == 0 */
	/* libss7 */
	int listen_fd[NLINKS], ss7_fd[NLINKS];
	char sock[NLINKS][100];
	struct osmo_fd ofd[NLINKS];
	struct ss7 *ss7;
	struct sg_timer pace;
	unsigned int sp_up, sp_down;
	bool acm, anm, rlc;
	uint32_t acm_opc, anm_opc, rlc_opc;
	struct isup_call *rlc_call;
	/* the ASP */
	int conn;
	uint32_t assoc;
	uint16_t out_streams;
	unsigned int ups, downs;
	unsigned int rx[16][16];	/* M3UA messages received by class and type */
	unsigned int rx_bad, rx_err, rx_other_ppid;
	uint32_t err_code;
	bool ntfy_as_active;
	uint32_t dava_pc[8];
	int ndava;
	bool beat_ack_ok;
	struct seen iam, rel, other;
	char called[32];
	unsigned int tx_data;
} T;

/* for the whole run */
static struct {
	struct sg_sctp *s;		/* the ASP's SCTP instance (usrsctp: one UDP port) */
	uint16_t sgd_udp, asp_udp, sctp_port;
	const char *sgd_path;
} P;

static uint32_t pc(const char *s)
{
	uint32_t v = 0;

	OSMO_ASSERT(sg_pc_parse(s, T.v->pcv, &v) == 0);
	return v;
}

static const char *pcs(uint32_t p)
{
	static char buf[4][24];
	static int i;

	i = (i + 1) % 4;
	return sg_pc_format(buf[i], sizeof(buf[i]), p, T.v->pcv);
}

/* ---- the loop ---- */

static void drain_events(void);

static void step(void)
{
	sg_loop_once(2);
	drain_events();
}

#define WAIT_FOR(cond, ms) ({							\
		uint64_t end_ = sg_now() + (uint64_t)(ms) * SG_NS_PER_MS;	\
		while (!(cond) && sg_now() < end_)				\
			step();							\
		(cond);								\
	})

static void run_ms(unsigned int ms)
{
	uint64_t end = sg_now() + (uint64_t)ms * SG_NS_PER_MS;

	while (sg_now() < end)
		step();
}

/* Has sgd exited?  Reaps it once. */
static bool sgd_gone(void)
{
	if (T.sgd > 0 && waitpid(T.sgd, &T.sgd_status, WNOHANG) == T.sgd)
		T.sgd = 0;
	return T.sgd <= 0;
}

static void print_sgd_log(void)
{
	char line[512];
	FILE *f = fopen(T.log, "r");
	unsigned int n = 0;

	if (!f)
		return;
	printf("\n  ---- sgd's log (%s) ----\n", T.log);
	while (fgets(line, sizeof(line), f) && n++ < 200)
		printf("  | %s", line);
	fclose(f);
}

/* ---- ISUP (Q.763 formats) for the ASP's answers ---- */

static unsigned int cic_mask(void)
{
	return T.v->pcv == SG_PC_ANSI ? 0x3fff : 0x0fff;	/* 14 / 12 bits */
}

static unsigned int get_cic(const uint8_t *b)
{
	return (b[0] | (b[1] << 8)) & cic_mask();
}

static int asp_send(struct msgb *msg, uint16_t stream)
{
	sg_m3ua_finish(msg);
	if (debug())
		fprintf(stderr, "ASP tx %s on stream %u\n",
			sg_m3ua_msg_name(msg->data[2], msg->data[3]), stream);
	return sg_sctp_send(P.s, T.assoc, stream, SG_M3UA_PPID, msg);
}

/* DATA (RFC 4666 §3.3.1) back to the sender of pd, on the stream for its SLS */
static void isup_answer(const struct sg_m3ua_pdata *in, const uint8_t *isup, unsigned int len)
{
	struct sg_m3ua_pdata pd = {
		.opc = in->dpc, .dpc = in->opc, .si = in->si, .ni = in->ni, .mp = in->mp,
		.sls = in->sls, .data = isup, .len = len,
	};
	struct msgb *msg = sg_m3ua_msg_new(SG_M3UA_CLS_XFER, SG_M3UA_XFER_DATA);
	uint16_t stream = T.out_streams > 1 ? 1 + in->sls % (T.out_streams - 1) : 0;

	sg_m3ua_put_u32(msg, SG_M3UA_IEI_ROUTE_CTX, RCTX);
	sg_m3ua_put_pdata(msg, &pd);
	if (asp_send(msg, stream) == 0)
		T.tx_data++;
}

static void on_isup(const struct sg_m3ua_msg *m, const struct sg_m3ua_pdata *pd,
		    uint16_t stream)
{
	const uint8_t *u = pd->data;
	struct seen *s;
	uint8_t b[8];
	unsigned int cic;

	if (pd->len < 3) {
		T.other.n++;
		return;
	}
	cic = get_cic(u);
	s = u[2] == ISUP_IAM ? &T.iam : u[2] == ISUP_REL ? &T.rel : &T.other;
	s->n++;
	s->pd = *pd;
	s->pd.data = NULL;
	s->has_rc = sg_m3ua_get_u32(m, SG_M3UA_IEI_ROUTE_CTX, &s->rc);
	s->stream = stream;
	b[0] = u[0];
	b[1] = u[1];
	switch (u[2]) {
	case ISUP_IAM:
		iam_called(u, pd->len, T.v->pcv == SG_PC_ANSI, T.called, sizeof(T.called));
		if (cic != CALL_CIC)
			break;
		/* ACM, Q.763 Table 22: backward call indicators: charge, subscriber free,
		 * ordinary subscriber; ISDN user part all the way; no optional part */
		b[2] = ISUP_ACM;
		b[3] = 0x02 | (0x01 << 2) | (0x01 << 4);
		b[4] = 0x04;
		b[5] = 0;
		isup_answer(pd, b, 6);
		/* ANM, Q.763 Table 24: no optional part */
		b[2] = ISUP_ANM;
		b[3] = 0;
		isup_answer(pd, b, 4);
		break;
	case ISUP_REL:
		/* RLC, Q.763 Table 34 */
		b[2] = ISUP_RLC;
		b[3] = 0;
		isup_answer(pd, b, 4);
		break;
	default:
		break;
	}
}

/* ---- the ASP's SCTP side ---- */

static void asp_up(void *priv, uint32_t id, const struct sg_sctp_assoc_info *info)
{
	T.assoc = id;
	T.out_streams = info->out_streams;
	T.ups++;
}

static void asp_down(void *priv, uint32_t id, enum sg_sctp_down_reason why)
{
	if (debug())
		fprintf(stderr, "ASP: association %u down (%s)\n", id,
			get_value_string(sg_sctp_down_reason_names, why));
	if (id == T.assoc)
		T.assoc = 0;
	T.downs++;
}

static void asp_data(void *priv, uint32_t id, uint16_t stream, uint32_t ppid, struct msgb *msg)
{
	struct sg_m3ua_msg m;
	struct sg_m3ua_decode_err err;
	struct sg_m3ua_pdata pd;
	uint32_t v[8];
	int n;

	if (ppid != SG_M3UA_PPID) {
		T.rx_other_ppid++;
		msgb_free(msg);
		return;
	}
	if (sg_m3ua_decode(&m, msg->data, msg->len, &err) < 0) {
		T.rx_bad++;
		printf("\n  ASP: undecodable M3UA message from sgd: %s (%s)\n",
		       sg_m3ua_err_name(err.code), err.reason);
		msgb_free(msg);
		return;
	}
	if (debug())
		fprintf(stderr, "ASP rx %s on stream %u\n", sg_m3ua_msg_name(m.cls, m.type),
			stream);
	T.rx[m.cls & 15][m.type & 15]++;
	switch (m.cls) {
	case SG_M3UA_CLS_MGMT:
		if (m.type == SG_M3UA_MGMT_ERR) {
			T.rx_err++;
			sg_m3ua_get_u32(&m, SG_M3UA_IEI_ERR_CODE, &T.err_code);
			printf("\n  ASP: ERR %s from sgd\n", sg_m3ua_err_name(T.err_code));
		} else if (m.type == SG_M3UA_MGMT_NTFY && sg_m3ua_get_u32(&m, SG_M3UA_IEI_STATUS,
									   &v[0])) {
			/* Status: type (16 bits), information (16 bits), §3.8.2 */
			if (v[0] >> 16 == SG_M3UA_NTFY_T_STATCHG)
				T.ntfy_as_active = (v[0] & 0xffff) == SG_M3UA_NTFY_I_AS_ACT;
		}
		break;
	case SG_M3UA_CLS_SSNM:
		if (m.type == SG_M3UA_SSNM_DAVA) {
			n = sg_m3ua_get_u32_list(&m, SG_M3UA_IEI_AFFECTED_PC, v, 8);
			for (int i = 0; i < n && T.ndava < 8; i++)
				T.dava_pc[T.ndava++] = v[i];
		}
		break;
	case SG_M3UA_CLS_ASPSM:
		if (m.type == SG_M3UA_ASPSM_BEAT_ACK) {
			const struct sg_m3ua_param *p;

			p = sg_m3ua_find(&m, SG_M3UA_IEI_HEARTBEAT_DATA, 0);
			T.beat_ack_ok = p && p->len == strlen(BEAT_DATA) &&
					!memcmp(p->val, BEAT_DATA, p->len);
		}
		break;
	case SG_M3UA_CLS_XFER:
		if (sg_m3ua_get_pdata(&m, &pd) == 0 && pd.si == 5)
			on_isup(&m, &pd, stream);
		else
			T.other.n++;
		break;
	default:
		break;
	}
	msgb_free(msg);
}

static const struct sg_sctp_ops asp_ops = {
	.up = asp_up,
	.data = asp_data,
	.down = asp_down,
};

/* ---- libss7 ---- */

static void drain_events(void)
{
	ss7_event *ev;

	while ((ev = ss7_peer_event(T.ss7, &T.sp_up, &T.sp_down))) {
		switch (ev->e) {
		case ISUP_EVENT_ACM:
			if (ev->acm.cic == CALL_CIC) {
				T.acm = true;
				T.acm_opc = ev->acm.opc;
			}
			break;
		case ISUP_EVENT_ANM:
			if (ev->anm.cic == CALL_CIC) {
				T.anm = true;
				T.anm_opc = ev->anm.opc;
			}
			break;
		case ISUP_EVENT_RLC:
			if (ev->rlc.cic == CALL_CIC) {
				T.rlc = true;
				T.rlc_opc = ev->rlc.opc;
				T.rlc_call = ev->rlc.call;
			}
			break;
		default:
			break;
		}
	}
}

static int ss7_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	uint8_t c;

	/* end of file: sgd went away; stop polling a dead socket */
	if (recv(ofd->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0) {
		osmo_fd_unregister(ofd);
		return 0;
	}
	ss7_read(T.ss7, ofd->fd);
	drain_events();
	return 0;
}

/* every 5 ms: libss7 writes what changed (MTP2 mode: the driver repeats) and runs timers */
static void pace_cb(void *data)
{
	for (int i = 0; i < NLINKS; i++)
		if (T.ss7_fd[i] >= 0)
			ss7_write(T.ss7, T.ss7_fd[i]);
	ss7_peer_run_timers(T.ss7);
	drain_events();
	sg_timer_start_ms(&T.pace, 5);
}

/* ---- sgd ---- */

static int write_config(void)
{
	const struct variant *v = T.v;
	FILE *f = fopen(T.cfg, "w");
	const char *lvl = debug() ? "debug" : "notice";

	if (!f)
		return -1;
	fprintf(f,
		"{\n"
		"  \"node\": { \"name\": \"e2e-sg\" },\n"
		"  \"log\": { \"target\": \"stderr\", \"timestamps\": true, \"level\": \"%s\" },\n"
		"  \"management\": { \"listen\": \"127.0.0.1\", \"port\": 0 },\n"
		"  \"threads\": { \"tdm\": 1 },\n"
		"  \"signalling_points\": [ { \"name\": \"sg\", \"variant\": \"%s\",\n"
		"      \"pc\": \"%s\", \"ni\": \"national\", \"stp\": true } ],\n"
		"  \"spans\": [\n",
		lvl, v->cfg_variant, v->sg_pc);
	for (int i = 0; i < NLINKS; i++)
		fprintf(f, "    { \"name\": \"sw%d\", \"type\": \"e1\", \"driver\": \"frame\",\n"
			"      \"frame\": { \"path\": \"%s\", \"listen\": false } }%s\n",
			i, T.sock[i], i + 1 < NLINKS ? "," : "");
	fprintf(f,
		"  ],\n"
		"  \"linksets\": [ { \"name\": \"to-switch\", \"sp\": \"sg\",\n"
		"      \"adjacent_pc\": \"%s\", \"links\": [\n", v->sw_pc);
	for (int i = 0; i < NLINKS; i++)
		fprintf(f, "        { \"name\": \"sw-l%d\", \"slc\": %d, \"span\": \"sw%d\", "
			"\"timeslot\": 16 }%s\n", i, i, i, i + 1 < NLINKS ? "," : "");
	fprintf(f,
		"      ] } ],\n"
		"  \"sctp\": { \"transport\": \"usrsctp\", \"udp_port\": %u,\n"
		"      \"usrsctp_mode\": \"udp\" },\n"
		"  \"m3ua\": {\n"
		"    \"sp\": \"sg\",\n"
		"    \"listen\": { \"addresses\": [\"127.0.0.1\"], \"port\": %u },\n"
		"    \"timers\": { \"recovery_ms\": 2000, \"ack_ms\": 2000, \"beat_ms\": 0 },\n"
		"    \"asps\": [ { \"name\": \"asp1\", \"role\": \"sgp\", \"asp_id\": 7,\n"
		"                \"remote\": { \"addresses\": [\"127.0.0.1\"] } } ],\n"
		"    \"as\": [ { \"name\": \"as1\", \"routing_context\": %u,\n"
		"              \"traffic_mode\": \"override\",\n"
		"              \"min_asps\": 1, \"asps\": [\"asp1\"],\n"
		"              \"routing_key\": { \"dpc\": [\"%s\"], \"si\": [5] } } ]\n"
		"  },\n"
		"  \"translations\": [\n"
		"    { \"name\": \"switch\", \"tdm\": { \"ni\": \"national\", \"pc\": \"%s\" },\n"
		"      \"ip\": { \"ni\": \"%s\", \"pc\": \"%s\" } },\n"
		"    { \"name\": \"as1\", \"tdm\": { \"ni\": \"national\", \"pc\": \"%s\" },\n"
		"      \"ip\": { \"ni\": \"%s\", \"pc\": \"%s\" } }\n"
		"  ]\n"
		"}\n",
		P.sgd_udp, P.sctp_port, RCTX, v->as_ip_pc, v->sw_pc, v->ip_ni_name, v->sw_ip_pc,
		v->as_pc, v->ip_ni_name, v->as_ip_pc);
	return fclose(f);
}

static pid_t start_sgd(void)
{
	pid_t pid;
	int fd = open(T.log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		for (int i = 3; i < 1024; i++)
			if (i != 2)
				close(i);
		execl(P.sgd_path, "sgd", "-c", T.cfg, (char *)NULL);
		_exit(127);
	}
	close(fd);
	return pid;
}

/* SIGTERM, then wait up to ms for the exit (SIGKILL after that: a failure). */
static int stop_sgd(unsigned int ms)
{
	uint64_t end = sg_now() + (uint64_t)ms * SG_NS_PER_MS;

	if (T.sgd <= 0)
		return T.sgd_status;
	kill(T.sgd, SIGTERM);
	while (!sgd_gone() && sg_now() < end)
		step();
	if (!sgd_gone()) {
		printf("\n  %s: sgd did not exit within %u ms of SIGTERM: killed\n", T.v->name, ms);
		kill(T.sgd, SIGKILL);
		waitpid(T.sgd, &T.sgd_status, 0);
		T.sgd = 0;
		return -1;
	}
	return T.sgd_status;
}

/* Lines of sgd's log that a sanitizer wrote. */
static unsigned int sanitizer_reports(void)
{
	static const char *const pats[] = { "AddressSanitizer", "LeakSanitizer", "runtime error:",
					    "ThreadSanitizer" };
	char line[1024];
	unsigned int n = 0;
	FILE *f = fopen(T.log, "r");

	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f))
		for (unsigned int i = 0; i < ARRAY_SIZE(pats); i++)
			if (strstr(line, pats[i]))
				n++;
	fclose(f);
	return n;
}

/* ---- set up and tear down one variant ---- */

static void cleanup_files(void)
{
	if (!T.dir[0])
		return;
	for (int i = 0; i < NLINKS; i++)
		unlink(T.sock[i]);
	if (getenv("SG_E2E_KEEP")) {
		printf("\n  kept %s\n", T.dir);
		return;
	}
	unlink(T.cfg);
	unlink(T.log);
	rmdir(T.dir);
}

/* Everything of the variant, also after a failure half-way (sgd killed if still there). */
static void teardown(void)
{
	if (!T.v)
		return;
	if (T.sgd > 0) {
		kill(T.sgd, SIGKILL);
		waitpid(T.sgd, NULL, 0);
		T.sgd = 0;
	}
	sg_timer_stop(&T.pace);
	if (T.conn > 0)
		sg_sctp_conn_stop(P.s, T.conn);
	T.conn = 0;
	if (T.ss7)
		ss7_destroy(T.ss7);
	T.ss7 = NULL;
	for (int i = 0; i < NLINKS; i++) {
		if (T.ofd[i].fd >= 0 && osmo_fd_is_registered(&T.ofd[i]))
			osmo_fd_unregister(&T.ofd[i]);
		if (T.ss7_fd[i] >= 0)
			close(T.ss7_fd[i]);
		if (T.listen_fd[i] >= 0)
			close(T.listen_fd[i]);
		T.ss7_fd[i] = T.listen_fd[i] = T.ofd[i].fd = -1;
	}
	cleanup_files();
	T.v = NULL;
	T.ready = false;
}

static int accept_links(void)
{
	for (int i = 0; i < NLINKS; i++) {
		uint64_t end = sg_now() + 15000 * SG_NS_PER_MS;
		struct pollfd p = { .fd = T.listen_fd[i], .events = POLLIN };

		while (poll(&p, 1, 10) == 0) {
			if (sgd_gone()) {
				printf("\n  %s: sgd exited (status 0x%x) before connecting its "
				       "spans\n", T.v->name, T.sgd_status);
				return -1;
			}
			if (sg_now() > end) {
				printf("\n  %s: sgd's span %d did not connect\n", T.v->name, i);
				return -1;
			}
		}
		T.ss7_fd[i] = accept(T.listen_fd[i], NULL, NULL);
		if (T.ss7_fd[i] < 0)
			return -1;
		close(T.listen_fd[i]);
		T.listen_fd[i] = -1;
		fcntl(T.ss7_fd[i], F_SETFL, fcntl(T.ss7_fd[i], F_GETFL) | O_NONBLOCK);
	}
	return 0;
}

static bool setup(const struct variant *v)
{
	char tmpl[] = "/tmp/sg-e2e-XXXXXX";

	teardown();
	memset(&T, 0, sizeof(T));
	T.v = v;
	T.sg_pc = pc(v->sg_pc);
	T.sw_pc = pc(v->sw_pc);
	T.sw_ip_pc = pc(v->sw_ip_pc);
	T.as_pc = pc(v->as_pc);
	T.as_ip_pc = pc(v->as_ip_pc);
	for (int i = 0; i < NLINKS; i++)
		T.listen_fd[i] = T.ss7_fd[i] = T.ofd[i].fd = -1;
	if (!mkdtemp(tmpl))
		return false;
	snprintf(T.dir, sizeof(T.dir), "%s", tmpl);
	snprintf(T.cfg, sizeof(T.cfg), "%s/sgd.json", T.dir);
	snprintf(T.log, sizeof(T.log), "%s/sgd.log", T.dir);

	/* our end of each link listens; sgd's frame span connects */
	for (int i = 0; i < NLINKS; i++) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		snprintf(T.sock[i], sizeof(T.sock[i]), "%s/link%d", T.dir, i);
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", T.sock[i]);
		T.listen_fd[i] = socket(AF_UNIX, SOCK_SEQPACKET, 0);
		if (T.listen_fd[i] < 0 ||
		    bind(T.listen_fd[i], (struct sockaddr *)&sun, sizeof(sun)) ||
		    listen(T.listen_fd[i], 1))
			return false;
	}
	if (write_config())
		return false;
	T.sgd = start_sgd();
	if (T.sgd < 0)
		return false;
	if (accept_links())
		return false;

	/* libss7: the switch, adjacent to sgd's SP, same NI */
	T.ss7 = ss7_peer_new(v->ss7_type, T.sw_pc);
	if (!T.ss7)
		return false;
	for (int i = 0; i < NLINKS; i++) {
		if (ss7_add_link(T.ss7, SS7_TRANSPORT_DAHDIMTP2, T.ss7_fd[i], i, T.sg_pc))
			return false;
		osmo_fd_setup(&T.ofd[i], T.ss7_fd[i], OSMO_FD_READ, ss7_fd_cb, NULL, i);
		if (osmo_fd_register(&T.ofd[i]) < 0)
			return false;
	}
	sg_timer_setup(&T.pace, pace_cb, NULL);
	sg_timer_start_ms(&T.pace, 5);
	if (ss7_start(T.ss7))
		return false;

	return true;
}

/* The ASP connects to sgd's SGP.  Called once libss7 got sgd's TRA: sgd's SIGTRAN side
 * started (listening) before MTP3 brought a link into service, so the first INIT is answered
 * (tests/e2e/sctp_capture.sh expects no ABORT on the wire). */
static int asp_connect(void)
{
	struct sg_sctp_conn_cfg cc = {
		.name = "asp", .nlocal = 1, .nremote = 1, .remote_port = P.sctp_port,
		.remote_udp_port = P.sgd_udp, .reconnect_ms = 200,
		.params = { .rto_initial_ms = 200, .rto_min_ms = 100, .rto_max_ms = 1000,
			    .max_init_attempts = 4 },
		.ops = &asp_ops,
	};

	sg_sctp_addr_parse(&cc.local[0], "127.0.0.1", 0);
	sg_sctp_addr_parse(&cc.remote[0], "127.0.0.1", 0);
	T.conn = sg_sctp_connect(P.s, &cc);
	return T.conn > 0 ? 0 : -1;
}

/* ---- the checks ---- */

/* sgd starts, its links to libss7 come into service (TRA: libss7 declares the SP up); the
 * ASP's association comes up, ASPUP/ASPUP ACK, ASPAC/ASPAC ACK for the AS's routing context
 * (RFC 4666 §4.3.4.1, §4.3.4.3) and NTFY AS-ACTIVE (§4.3.4.3, §3.8.2). */
static void check_up(const struct variant *v)
{
	struct msgb *msg;
	bool ok = setup(v);

	if (!ok) {
		printf("\n  %s: set-up failed\n", v->name);
		print_sgd_log();
	}
	CU_ASSERT_TRUE_FATAL(ok);
	/* libss7 up: both links aligned and tested, sgd's TRA received */
	ok = WAIT_FOR(T.sp_up || sgd_gone(), 10000) && T.sp_up;
	if (!ok) {
		printf("\n  %s: libss7 did not declare sgd's SP up\n", v->name);
		print_sgd_log();
	}
	CU_ASSERT_TRUE_FATAL(ok);

	CU_ASSERT_EQUAL_FATAL(asp_connect(), 0);
	ok = WAIT_FOR(T.assoc != 0 || sgd_gone(), 10000) && T.assoc;
	if (!ok) {
		printf("\n  %s: no association with sgd's SGP\n", v->name);
		print_sgd_log();
	}
	CU_ASSERT_TRUE_FATAL(ok);

	msg = sg_m3ua_msg_new(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_UP);
	sg_m3ua_put_u32(msg, SG_M3UA_IEI_ASP_ID, 7);
	CU_ASSERT_EQUAL(asp_send(msg, 0), 0);
	CU_ASSERT_TRUE(WAIT_FOR(T.rx[SG_M3UA_CLS_ASPSM][SG_M3UA_ASPSM_UP_ACK] == 1, 3000));

	msg = sg_m3ua_msg_new(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_ACT);
	sg_m3ua_put_u32(msg, SG_M3UA_IEI_TRAFFIC_MODE, SG_M3UA_TMT_OVERRIDE);
	sg_m3ua_put_u32(msg, SG_M3UA_IEI_ROUTE_CTX, RCTX);
	CU_ASSERT_EQUAL(asp_send(msg, 0), 0);
	CU_ASSERT_TRUE(WAIT_FOR(T.rx[SG_M3UA_CLS_ASPTM][SG_M3UA_ASPTM_ACT_ACK] == 1, 3000));
	CU_ASSERT_TRUE(WAIT_FOR(T.ntfy_as_active, 3000));
	/* the AS is active: sgd announces its point code to the switch (TFA, Q.704 §13.3);
	 * let that reach libss7 */
	run_ms(300);
	CU_ASSERT_EQUAL(T.sp_down, 0);
	CU_ASSERT_EQUAL(T.rx_err, 0);
	CU_ASSERT_EQUAL(T.rx_bad, 0);
	CU_ASSERT_FALSE(sgd_gone());
	T.ready = !sgd_gone();
}

/* The call: IAM libss7 -> sgd -> ASP with the label translated to IP numbering; ACM and
 * ANM back with TDM numbering; REL -> ASP; RLC back; the call cleared in libss7. */
static void check_call(void)
{
	struct isup_call *c;
	int rc;
	char want[2][24];

	if (!ready_or_say(T.ready, T.v ? T.v->name : "?"))
		CU_FAIL_FATAL("not set up");
	c = ss7_peer_call(T.ss7, CALL_CIC, T.as_pc, &rc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(rc, 0);
	WAIT_FOR(T.acm && T.anm, 5000);

	/* the IAM at the ASP: IP numbering, the AS's routing context */
	CU_ASSERT_EQUAL(T.iam.n, 1);
	if (T.iam.n) {
		snprintf(want[0], sizeof(want[0]), "%s", pcs(T.sw_ip_pc));
		snprintf(want[1], sizeof(want[1]), "%s", pcs(T.as_ip_pc));
		printf("\n  %s: IAM at the ASP: OPC %s DPC %s NI %u SI %u SLS %u RC %s%u "
		       "stream %u, called \"%s\" (expected OPC %s DPC %s NI %u)", T.v->name,
		       pcs(T.iam.pd.opc), pcs(T.iam.pd.dpc), T.iam.pd.ni, T.iam.pd.si,
		       T.iam.pd.sls, T.iam.has_rc ? "" : "none/", T.iam.rc, T.iam.stream,
		       T.called, want[0], want[1], T.v->ip_ni);
		CU_ASSERT_EQUAL(T.iam.pd.opc, T.sw_ip_pc);
		CU_ASSERT_EQUAL(T.iam.pd.dpc, T.as_ip_pc);
		CU_ASSERT_EQUAL(T.iam.pd.ni, T.v->ip_ni);
		CU_ASSERT_EQUAL(T.iam.pd.si, 5);
		CU_ASSERT_TRUE(T.iam.has_rc);
		CU_ASSERT_EQUAL(T.iam.rc, RCTX);
		CU_ASSERT_NOT_EQUAL(T.iam.stream, 0);	/* RFC 4666 §1.4.7: DATA not on 0 */
		CU_ASSERT_STRING_EQUAL(T.called, "12345");
	}
	/* ACM and ANM at libss7: from the AS's TDM point code */
	printf("\n  %s: at libss7: ACM %s from %s, ANM %s from %s (expected from %s)", T.v->name,
	       T.acm ? "yes" : "no", pcs(T.acm_opc), T.anm ? "yes" : "no", pcs(T.anm_opc),
	       pcs(T.as_pc));
	CU_ASSERT_TRUE(T.acm);
	CU_ASSERT_TRUE(T.anm);
	CU_ASSERT_EQUAL(T.acm_opc, T.as_pc);
	CU_ASSERT_EQUAL(T.anm_opc, T.as_pc);

	/* libss7 hangs up */
	CU_ASSERT_EQUAL(isup_rel(T.ss7, c, 16), 0);	/* normal call clearing */
	WAIT_FOR(T.rlc, 5000);
	CU_ASSERT_EQUAL(T.rel.n, 1);
	if (T.rel.n) {
		printf("\n  %s: REL at the ASP: OPC %s DPC %s NI %u", T.v->name, pcs(T.rel.pd.opc),
		       pcs(T.rel.pd.dpc), T.rel.pd.ni);
		CU_ASSERT_EQUAL(T.rel.pd.opc, T.sw_ip_pc);
		CU_ASSERT_EQUAL(T.rel.pd.dpc, T.as_ip_pc);
		CU_ASSERT_EQUAL(T.rel.pd.ni, T.v->ip_ni);
	}
	printf("\n  %s: RLC at libss7: %s from %s\n", T.v->name, T.rlc ? "yes" : "no",
	       pcs(T.rlc_opc));
	CU_ASSERT_TRUE(T.rlc);
	CU_ASSERT_EQUAL(T.rlc_opc, T.as_pc);
	CU_ASSERT_PTR_EQUAL(T.rlc_call, c);
	/* REL sent and RLC received: nothing left, libss7 frees the call */
	if (T.rlc && T.rlc_call == c)
		CU_ASSERT_PTR_NULL(isup_free_call_if_clear(T.ss7, c));
	CU_ASSERT_EQUAL(T.other.n, 0);
	CU_ASSERT_EQUAL(T.tx_data, 3);
	CU_ASSERT_EQUAL(T.rx_err, 0);
	CU_ASSERT_EQUAL(T.sp_down, 0);
}

/* DAUD for the switch (IP numbering) is answered with DAVA for it (RFC 4666 §4.5.3; the
 * affected PC translated back), BEAT with BEAT ACK carrying the same data (§3.5.5). */
static void check_daud_beat(void)
{
	struct msgb *msg;
	bool dava = false;

	if (!ready_or_say(T.ready, T.v ? T.v->name : "?"))
		CU_FAIL_FATAL("not set up");
	/* sgd already sent DAVA on its own when the switch became accessible (§4.5.1):
	 * count only the answer */
	run_ms(100);
	T.ndava = 0;
	msg = sg_m3ua_msg_new(SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_DAUD);
	sg_m3ua_put_u32(msg, SG_M3UA_IEI_ROUTE_CTX, RCTX);
	sg_m3ua_put_u32(msg, SG_M3UA_IEI_AFFECTED_PC, T.sw_ip_pc);
	CU_ASSERT_EQUAL(asp_send(msg, 0), 0);
	WAIT_FOR(T.ndava > 0, 3000);
	for (int i = 0; i < T.ndava; i++)
		dava |= T.dava_pc[i] == T.sw_ip_pc;
	printf("\n  %s: DAUD %s -> DAVA %s", T.v->name, pcs(T.sw_ip_pc),
	       T.ndava ? pcs(T.dava_pc[0]) : "none");
	CU_ASSERT_TRUE(dava);

	msg = sg_m3ua_msg_new(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_BEAT);
	sg_m3ua_put(msg, SG_M3UA_IEI_HEARTBEAT_DATA, strlen(BEAT_DATA), BEAT_DATA);
	CU_ASSERT_EQUAL(asp_send(msg, 0), 0);
	CU_ASSERT_TRUE(WAIT_FOR(T.beat_ack_ok, 3000));
	printf("\n  %s: BEAT -> BEAT ACK %s\n", T.v->name, T.beat_ack_ok ? "with our data" : "no");
	CU_ASSERT_EQUAL(T.rx_err, 0);
}

/* The ASP leaves (ASPIA/ACK, ASPDN/ACK, SCTP SHUTDOWN); SIGTERM: sgd exits 0, its stderr
 * holds no sanitizer report. */
static void check_shutdown(void)
{
	struct msgb *msg;
	unsigned int downs;
	int st, reports;

	if (!ready_or_say(T.ready, T.v ? T.v->name : "?")) {
		teardown();
		CU_FAIL_FATAL("not set up");
	}
	msg = sg_m3ua_msg_new(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_INACT);
	sg_m3ua_put_u32(msg, SG_M3UA_IEI_ROUTE_CTX, RCTX);
	CU_ASSERT_EQUAL(asp_send(msg, 0), 0);
	CU_ASSERT_TRUE(WAIT_FOR(T.rx[SG_M3UA_CLS_ASPTM][SG_M3UA_ASPTM_INACT_ACK] == 1, 3000));
	msg = sg_m3ua_msg_new(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_DOWN);
	CU_ASSERT_EQUAL(asp_send(msg, 0), 0);
	CU_ASSERT_TRUE(WAIT_FOR(T.rx[SG_M3UA_CLS_ASPSM][SG_M3UA_ASPSM_DOWN_ACK] == 1, 3000));
	downs = T.downs;
	CU_ASSERT_EQUAL(sg_sctp_close(P.s, T.assoc), 0);
	CU_ASSERT_TRUE(WAIT_FOR(T.downs > downs, 3000));
	sg_sctp_conn_stop(P.s, T.conn);
	T.conn = 0;
	CU_ASSERT_EQUAL(T.ups, 1);

	st = stop_sgd(15000);
	reports = sanitizer_reports();
	printf("\n  %s: sgd exit status %d (%s), sanitizer reports in its stderr: %d\n",
	       T.v->name, WIFEXITED(st) ? WEXITSTATUS(st) : -1,
	       WIFEXITED(st) ? "exited" : WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "?",
	       reports);
	CU_ASSERT_TRUE(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CU_ASSERT_EQUAL(reports, 0);
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) || reports)
		print_sgd_log();
	teardown();
}

static void test_itu_up(void) { check_up(&v_itu); }
static void test_ansi_up(void) { check_up(&v_ansi); }

static int init(void)
{
	struct sg_sctp_cfg scfg = {
		.transport = SG_SCTP_USRSCTP, .usrsctp_mode = SG_SCTP_USRSCTP_UDP,
	};
	const char *b = getenv("SG_E2E_PORT_BASE");
	int base;

	signal(SIGPIPE, SIG_IGN);
	if (cu_log_init(CU_LOG_ALL, NULL, debug() ? LOGL_DEBUG : LOGL_ERROR) < 0)
		return -1;
	if (sg_loop_init() < 0)
		return -1;
	base = b ? atoi(b) : 30000 + (getpid() % 11000) * 3;
	P.sgd_udp = base;
	P.asp_udp = base + 1;
	P.sctp_port = base + 2;
	printf("sgd %s; UDP ports: sgd %u, ASP %u; sgd's SCTP port %u\n", P.sgd_path, P.sgd_udp,
	       P.asp_udp, P.sctp_port);
	scfg.udp_port = P.asp_udp;
	P.s = sg_sctp_alloc(NULL, &scfg, NULL, NULL);
	return P.s ? 0 : -1;
}

static int fini(void)
{
	teardown();
	if (P.s) {
		sg_sctp_free(P.s);
		run_ms(50);
	}
	P.s = NULL;
	sg_log_fini();
	return 0;
}

int main(int argc, char **argv)
{
	static const struct cu_test itu[] = {
		{ "ITU: sgd up, libss7 links in service, ASPUP/ASPAC, AS active", test_itu_up },
		{ "ITU: ISUP call IAM/ACM/ANM/REL/RLC through sgd, point codes translated",
		  check_call },
		{ "ITU: DAUD -> DAVA (translated), BEAT -> BEAT ACK", check_daud_beat },
		{ "ITU: ASPIA, ASPDN, SIGTERM: sgd exits 0, no sanitizer report", check_shutdown },
	};
	static const struct cu_test ansi[] = {
		{ "ANSI: sgd up, libss7 links in service, ASPUP/ASPAC, AS active", test_ansi_up },
		{ "ANSI: ISUP call IAM/ACM/ANM/REL/RLC through sgd, point codes translated",
		  check_call },
		{ "ANSI: DAUD -> DAVA (translated), BEAT -> BEAT ACK", check_daud_beat },
		{ "ANSI: ASPIA, ASPDN, SIGTERM: sgd exits 0, no sanitizer report", check_shutdown },
	};
	struct cu_test tests[ARRAY_SIZE(itu) + ARRAY_SIZE(ansi) + 1];
	const char *vs = getenv("SG_E2E_VARIANTS");
	static char path[512];
	const char *bd = getenv("top_builddir");
	unsigned int n = 0;

	if (!vs)
		vs = "itu,ansi";
	if (strstr(vs, "itu"))
		for (unsigned int i = 0; i < ARRAY_SIZE(itu); i++)
			tests[n++] = itu[i];
	if (strstr(vs, "ansi"))
		for (unsigned int i = 0; i < ARRAY_SIZE(ansi); i++)
			tests[n++] = ansi[i];
	tests[n] = (struct cu_test){ NULL, NULL };
	if (argc > 1)
		snprintf(path, sizeof(path), "%s", argv[1]);
	else
		snprintf(path, sizeof(path), "%s/sg/sgd", bd ? bd : ".");
	P.sgd_path = path;
	if (access(path, X_OK)) {
		printf("%s: no sgd at %s (argv[1] or $top_builddir/sg/sgd)\n", argv[0], path);
		return 2;
	}
	return cu_run_suite("libss7 ISUP call end to end through sgd (M3UA SGP)", tests, init,
			    fini);
}
