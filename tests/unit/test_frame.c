/* Tests of the frame adapter driver: HDLC frames over AF_UNIX SOCK_SEQPACKET, listen/connect. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <json-c/json.h>
#include <talloc.h>

#include <sg/adapter.h>
#include <sg/log.h>
#include <sg/thread.h>

#include "bound.h"
#include "cu_main.h"


/* counters of the frame driver, in its order (adapters/frame.c) */
enum {
	C_RX_FRAMES, C_RX_OCTETS, C_TX_FRAMES, C_TX_OCTETS, C_TX_BUSY, C_TX_DISCARDED,
	C_TX_REFUSED, C_RX_OVERSIZE, C_RX_SHORT, C_CONN_UP, C_CONN_DOWN, C_CONN_FAIL,
	C_CONN_REFUSED,
};

#define MAX_FRAMES 256

struct user {
	struct sg_chan *chan;
	uint8_t rx[MAX_FRAMES][600];
	size_t rx_len[MAX_FRAMES];
	unsigned int rx_n;
	unsigned int err_length;
	unsigned int alarm_calls;
	uint32_t alarms;
	unsigned int tx_ready_calls;
};

static void u_rx_frame(void *p, const uint8_t *frame, size_t len)
{
	struct user *u = p;

	if (u->rx_n < MAX_FRAMES && len <= sizeof(u->rx[0])) {
		memcpy(u->rx[u->rx_n], frame, len);
		u->rx_len[u->rx_n] = len;
	}
	u->rx_n++;
}

static void u_rx_error(void *p, enum sg_adapter_error err)
{
	struct user *u = p;

	if (err == SG_ADAPTER_ERR_LENGTH)
		u->err_length++;
}

static void u_alarm(void *p, uint32_t alarms)
{
	struct user *u = p;

	u->alarm_calls++;
	u->alarms = alarms;
}

static void u_tx_ready(void *p)
{
	struct user *u = p;

	u->tx_ready_calls++;
}

static const struct sg_chan_ops user_ops = {
	.rx_frame = u_rx_frame,
	.rx_error = u_rx_error,
	.alarm = u_alarm,
	.tx_ready = u_tx_ready,
};

static void *ctx;
static char path[108];
static struct sg_span_cfg cfg_l, cfg_c;

static bool run_until(bool (*cond)(void *), void *arg, unsigned int timeout_ms)
{
	uint64_t end = test_now_ms() + test_bound_ms(timeout_ms);

	while (!cond(arg)) {
		if (test_now_ms() >= end)
			return cond(arg);
		sg_loop_once(5);
	}
	return true;
}

static bool no_alarm(void *arg)
{
	return ((struct user *)arg)->alarms == 0 && ((struct user *)arg)->chan->span->alarms == 0;
}

static bool los(void *arg)
{
	return ((struct user *)arg)->alarms == SG_ALARM_LOS;
}

struct want {
	struct user *u;
	unsigned int n;
};

static bool got_frames(void *arg)
{
	struct want *w = arg;

	return w->u->rx_n >= w->n;
}

static bool got_length_errors(void *arg)
{
	struct want *w = arg;

	return w->u->err_length >= w->n;
}

static void make_cfg(struct sg_span_cfg *c, const char *name, bool listen)
{
	char json[200], err[160] = "";

	snprintf(json, sizeof(json), "{ \"path\": \"%s\", \"listen\": %s }", path,
		 listen ? "true" : "false");
	*c = (struct sg_span_cfg){ .name = name, .type = SG_SPAN_E1, .driver = "frame",
		.drv_cfg = sg_adapter_cfg_json(ctx, "frame", json, SG_SPAN_E1, err, sizeof(err)) };
	if (!c->drv_cfg)
		fprintf(stderr, "%s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c->drv_cfg);
}

static struct sg_span *open_span(struct sg_span_cfg *c, struct user *u)
{
	char err[160];
	struct sg_span *s = sg_span_open(ctx, c, err, sizeof(err));

	if (!s) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	u->chan = sg_chan_open(s, 1, SG_ADAPTER_MODE_FRAMES, SG_CHAN_64K, &user_ops, u, err,
			       sizeof(err));
	if (!u->chan) {
		fprintf(stderr, "%s\n", err);
		sg_span_close(s);
		return NULL;
	}
	return s;
}

static int suite_init(void)
{
	ctx = talloc_named_const(NULL, 0, "test_frame");
	snprintf(path, sizeof(path), "/tmp/sg-test-frame-%d.sock", (int)getpid());
	if (sg_log_init(ctx, SG_LOG_STDERR, false) < 0 || sg_loop_init() < 0)
		return -1;
	if (getenv("TEST_DEBUG"))
		sg_log_set_level(DADP, LOGL_DEBUG);
	return sg_adapter_driver_register(&sg_frame_driver) < 0 ? -1 : 0;
}

static int suite_clean(void)
{
	unlink(path);
	talloc_free(ctx);
	return 0;
}

/* A listening span and a connecting one exchange frames both ways, verbatim */
static void test_exchange(void)
{
	struct user *ul = talloc_zero(ctx, struct user), *uc = talloc_zero(ctx, struct user);
	struct sg_span *l, *c;
	struct want w;
	uint8_t f[300];
	char err[160];
	struct json_object *info;

	make_cfg(&cfg_l, "L", true);
	make_cfg(&cfg_c, "C", false);
	l = open_span(&cfg_l, ul);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	/* no peer yet: loss of signal, told to the user when it opened */
	CU_ASSERT_EQUAL(l->alarms, SG_ALARM_LOS);
	CU_ASSERT_EQUAL(ul->alarms, SG_ALARM_LOS);
	c = open_span(&cfg_c, uc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_TRUE(run_until(no_alarm, ul, 2000));
	CU_ASSERT_TRUE(run_until(no_alarm, uc, 2000));

	for (unsigned int i = 0; i < 100; i++) {
		size_t len = 3 + (i * 41) % 270;

		for (size_t j = 0; j < len; j++)
			f[j] = i + j;
		/* libss7's convention: 2 FCS octets that are 00 00, passed verbatim */
		f[len] = f[len + 1] = 0;
		CU_ASSERT_EQUAL(sg_chan_tx_frame(uc->chan, f, len + 2), 0);
		f[0] = 0x80 | i;
		CU_ASSERT_EQUAL(sg_chan_tx_frame(ul->chan, f, len + 2), 0);
	}
	w = (struct want){ ul, 100 };
	CU_ASSERT_TRUE(run_until(got_frames, &w, 2000));
	w = (struct want){ uc, 100 };
	CU_ASSERT_TRUE(run_until(got_frames, &w, 2000));
	for (unsigned int i = 0; i < 100 && i < ul->rx_n && i < uc->rx_n; i++) {
		size_t len = 3 + (i * 41) % 270;

		for (size_t j = 0; j < len; j++)
			f[j] = i + j;
		f[len] = f[len + 1] = 0;
		CU_ASSERT_EQUAL(ul->rx_len[i], len + 2);
		CU_ASSERT_EQUAL(memcmp(ul->rx[i], f, len + 2), 0);
		f[0] = 0x80 | i;
		CU_ASSERT_EQUAL(uc->rx_len[i], len + 2);
		CU_ASSERT_EQUAL(memcmp(uc->rx[i], f, len + 2), 0);
	}
	CU_ASSERT_EQUAL(sg_ctr_get(l->ctr, C_RX_FRAMES), 100);
	CU_ASSERT_EQUAL(sg_ctr_get(c->ctr, C_TX_FRAMES), 100);
	CU_ASSERT_EQUAL(sg_ctr_get(c->ctr, C_CONN_UP), 1);

	/* one link per span */
	CU_ASSERT_PTR_NULL(sg_chan_open(l, 2, SG_ADAPTER_MODE_FRAMES, SG_CHAN_64K, &user_ops, ul,
					err, sizeof(err)));
	/* frames only */
	CU_ASSERT_PTR_NULL(sg_chan_open(l, 3, SG_ADAPTER_MODE_BITS, SG_CHAN_64K, &user_ops, ul,
					err, sizeof(err)));
	info = l->drv->span_info(l);
	CU_ASSERT_TRUE(json_object_get_boolean(json_object_object_get(info, "connected")));
	json_object_put(info);

	sg_span_close(c);
	sg_span_close(l);
	talloc_free(ul);
	talloc_free(uc);
}

static int raw_connect(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static bool conn_failed_2(void *arg)
{
	return sg_ctr_get(((struct sg_span *)arg)->ctr, C_CONN_FAIL) >= 2;
}

static bool conn_refused_1(void *arg)
{
	return sg_ctr_get(((struct sg_span *)arg)->ctr, C_CONN_REFUSED) >= 1;
}

/* Bad lengths from a raw peer are counted and dropped; a second peer is turned away;
 * the peer going away raises LOS */
static void test_lengths_and_peers(void)
{
	struct user *ul = talloc_zero(ctx, struct user);
	struct sg_span *l;
	struct want w;
	uint8_t big[1000], ok[7] = { 1, 2, 3, 4, 5, 0, 0 };
	char buf[16];
	int fd, fd2;

	make_cfg(&cfg_l, "L", true);
	l = open_span(&cfg_l, ul);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	/* nothing to send to: discarded, as on a line without far end */
	CU_ASSERT_EQUAL(sg_chan_tx_frame(ul->chan, ok, sizeof(ok)), 0);
	CU_ASSERT_EQUAL(sg_ctr_get(l->ctr, C_TX_DISCARDED), 1);
	fd = raw_connect();
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_TRUE(run_until(no_alarm, ul, 2000));

	memset(big, 0x42, sizeof(big));
	CU_ASSERT_EQUAL(send(fd, big, 515, 0), 515);	/* oversize */
	CU_ASSERT_EQUAL(send(fd, big, 0, 0), 0);	/* empty: a record, not end of file */
	CU_ASSERT_EQUAL(send(fd, big, 4, 0), 4);	/* too short for SU + FCS */
	CU_ASSERT_EQUAL(send(fd, ok, sizeof(ok), 0), (ssize_t)sizeof(ok));
	CU_ASSERT_EQUAL(send(fd, big, 514, 0), 514);	/* the largest accepted */
	w = (struct want){ ul, 2 };
	CU_ASSERT_TRUE(run_until(got_frames, &w, 2000));
	w = (struct want){ ul, 3 };
	CU_ASSERT_TRUE(run_until(got_length_errors, &w, 2000));
	CU_ASSERT_EQUAL(ul->rx_n, 2);
	CU_ASSERT_EQUAL(ul->rx_len[0], sizeof(ok));
	CU_ASSERT_EQUAL(ul->rx_len[1], 514);
	CU_ASSERT_EQUAL(sg_ctr_get(l->ctr, C_RX_OVERSIZE), 1);
	CU_ASSERT_EQUAL(sg_ctr_get(l->ctr, C_RX_SHORT), 2);
	CU_ASSERT_EQUAL(ul->alarms, 0);

	/* what we refuse to send */
	CU_ASSERT_EQUAL(sg_chan_tx_frame(ul->chan, big, 515), -EMSGSIZE);
	CU_ASSERT_EQUAL(sg_chan_tx_frame(ul->chan, big, 4), -EMSGSIZE);
	CU_ASSERT_EQUAL(sg_ctr_get(l->ctr, C_TX_REFUSED), 2);
	CU_ASSERT_EQUAL(sg_chan_tx_frame(ul->chan, ok, sizeof(ok)), 0);
	CU_ASSERT_EQUAL(recv(fd, buf, sizeof(buf), 0), (ssize_t)sizeof(ok));

	/* a second peer sees end of file at once */
	fd2 = raw_connect();
	CU_ASSERT_FATAL(fd2 >= 0);
	CU_ASSERT_TRUE(run_until(conn_refused_1, l, 2000));
	CU_ASSERT_EQUAL(recv(fd2, buf, sizeof(buf), 0), 0);
	close(fd2);
	CU_ASSERT_EQUAL(ul->alarms, 0);

	/* the peer goes away: LOS */
	close(fd);
	CU_ASSERT_TRUE(run_until(los, ul, 2000));
	CU_ASSERT_EQUAL(l->alarms, SG_ALARM_LOS);
	CU_ASSERT_EQUAL(sg_ctr_get(l->ctr, C_CONN_DOWN), 1);
	/* and a new one clears it */
	fd = raw_connect();
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_TRUE(run_until(no_alarm, ul, 2000));
	close(fd);
	sg_span_close(l);
	talloc_free(ul);
}

/* The connecting side retries with back-off while the listener is absent or gone */
static void test_reconnect(void)
{
	struct user *ul = talloc_zero(ctx, struct user), *uc = talloc_zero(ctx, struct user);
	struct sg_span *l, *c;
	struct json_object *info;
	uint8_t f[5] = { 9, 8, 7, 0, 0 };
	struct want w;

	unlink(path);
	make_cfg(&cfg_c, "C", false);
	make_cfg(&cfg_l, "L", true);
	c = open_span(&cfg_c, uc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(uc->alarms, SG_ALARM_LOS);
	info = c->drv->span_info(c);
	CU_ASSERT_PTR_NOT_NULL(json_object_object_get(info, "retry_in_ms"));
	CU_ASSERT_FALSE(json_object_get_boolean(json_object_object_get(info, "connected")));
	json_object_put(info);
	/* a few attempts fail, and are counted */
	CU_ASSERT_TRUE(run_until(conn_failed_2, c, 2000));
	CU_ASSERT_EQUAL(uc->alarms, SG_ALARM_LOS);

	l = open_span(&cfg_l, ul);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_TRUE(run_until(no_alarm, uc, 3000));
	CU_ASSERT_TRUE(run_until(no_alarm, ul, 3000));

	/* the listener goes away: LOS; it comes back: cleared again */
	sg_span_close(l);
	CU_ASSERT_TRUE(run_until(los, uc, 2000));
	ul->alarms = SG_ALARM_LOS;
	l = open_span(&cfg_l, ul);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_TRUE(run_until(no_alarm, uc, 3000));
	CU_ASSERT_TRUE(run_until(no_alarm, ul, 3000));
	CU_ASSERT_EQUAL(sg_ctr_get(c->ctr, C_CONN_UP), 2);
	CU_ASSERT_EQUAL(sg_ctr_get(c->ctr, C_CONN_DOWN), 1);
	/* and frames flow again */
	CU_ASSERT_EQUAL(sg_chan_tx_frame(uc->chan, f, sizeof(f)), 0);
	w = (struct want){ ul, 1 };
	CU_ASSERT_TRUE(run_until(got_frames, &w, 2000));

	sg_span_close(c);
	sg_span_close(l);
	talloc_free(ul);
	talloc_free(uc);
}

static const struct cu_test tests[] = {
	{ "exchange frames, listen and connect", test_exchange },
	{ "lengths, second peer, peer gone", test_lengths_and_peers },
	{ "reconnect with back-off", test_reconnect },
	{ NULL, NULL }
};

int main(void)
{
	return cu_run_suite("frame driver", tests, suite_init, suite_clean);
}
