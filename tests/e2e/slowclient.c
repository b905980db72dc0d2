/* Slow HTTP clients for the management API's tests: connections that trickle a request and
 * never finish it (tests/e2e/api_slow.sh).
 *
 *   slowclient [-m headers|body|idle] [-i TICK_MS] [-w BOUND_MS] [-r] PORT COUNT@SRC...
 *
 * Opens COUNT connections from each source address SRC (bound before connect, e.g.
 * 127.0.0.2) to 127.0.0.1:PORT and keeps them busy:
 *   headers  the request line at once, then one more header line every TICK_MS, never the
 *            empty line that ends the headers;
 *   body     complete headers of a PUT with Content-Length: 1000, then one byte of the body
 *            every TICK_MS (the Authorization header comes from $SLOW_TOKEN when set);
 *   idle     one complete GET, and after its answer nothing (a keep-alive connection idling).
 * Connections the server closes (or resets) are counted; with -r each is opened again at the
 * next tick, so that the pressure stays.  Prints "ready" once every connection is open and has
 * sent its first bytes (idle: has its answer), and at the end one line of counts:
 *   slowclient: N connections: C closed by the server, O open, A answered, R reopened, E errors
 * (C, A and R count over the whole run, reopened connections included).
 * Ends when every connection is closed by the server (without -r; exit 0), on SIGTERM or SIGINT
 * (exit 0), or when BOUND_MS have passed (exit 1: only a broken run gets there).  Answers to a
 * request that was never complete ("answered" in headers/body mode) are reported, not judged.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define MAX_CONNS 4096

enum mode { M_HEADERS, M_BODY, M_IDLE };
enum cstate { C_CONNECTING, C_OPEN, C_CLOSED };

struct conn {
	int fd;
	enum cstate st;
	struct in_addr src;
	bool answered;		/* bytes received */
	bool counted;		/* its first bytes went out (ready) */
	unsigned int sent;	/* lines / body bytes trickled */
};

static volatile sig_atomic_t stop;
static struct conn conns[MAX_CONNS];
static unsigned int nconns;
static enum mode mode = M_HEADERS;
static uint16_t port;
static const char *token;
static unsigned long n_closed, n_answered, n_reopened, n_errors;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Send all of buf or fail; a closed or reset connection counts as closed by the server. */
static bool send_all(struct conn *c, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;	/* the socket buffer is full: the rest is dropped */
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

static void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->st = C_CLOSED;
	n_closed++;
}

static bool conn_open(struct conn *c)
{
	struct sockaddr_in src = { .sin_family = AF_INET, .sin_addr = c->src };
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd;

	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("slowclient: socket");
		return false;
	}
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0) {
		fprintf(stderr, "slowclient: bind %s: %s\n", inet_ntoa(c->src), strerror(errno));
		close(fd);
		return false;
	}
	if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) < 0 && errno != EINPROGRESS) {
		fprintf(stderr, "slowclient: connect: %s\n", strerror(errno));
		close(fd);
		return false;
	}
	c->fd = fd;
	c->st = C_CONNECTING;
	c->answered = false;
	c->counted = false;
	c->sent = 0;
	return true;
}

/* The connection is established: send the first part of its request. */
static bool conn_start(struct conn *c)
{
	char buf[512];
	int n;

	switch (mode) {
	case M_HEADERS:
		n = snprintf(buf, sizeof(buf), "GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n");
		break;
	case M_BODY:
		n = snprintf(buf, sizeof(buf),
			     "PUT /api/v1/log/mgmt HTTP/1.1\r\nHost: 127.0.0.1\r\n"
			     "Content-Type: application/json\r\nContent-Length: 1000\r\n%s%s%s\r\n",
			     token ? "Authorization: Bearer " : "", token ? token : "",
			     token ? "\r\n" : "");
		break;
	case M_IDLE:
	default:
		n = snprintf(buf, sizeof(buf),
			     "GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n%s%s%s\r\n",
			     token ? "Authorization: Bearer " : "", token ? token : "",
			     token ? "\r\n" : "");
		break;
	}
	c->st = C_OPEN;
	return send_all(c, buf, (size_t)n);
}

static bool conn_trickle(struct conn *c)
{
	char buf[64];
	int n;

	switch (mode) {
	case M_HEADERS:
		n = snprintf(buf, sizeof(buf), "X-Trickle-%u: %u\r\n", c->sent, c->sent);
		break;
	case M_BODY:
		if (c->sent >= 999)
			return true;	/* never the last byte */
		n = snprintf(buf, sizeof(buf), " ");
		break;
	case M_IDLE:
	default:
		return true;
	}
	c->sent++;
	return send_all(c, buf, (size_t)n);
}

static int usage(void)
{
	fprintf(stderr, "usage: slowclient [-m headers|body|idle] [-i TICK_MS] [-w BOUND_MS] [-r] "
		"PORT COUNT@SRC...\n");
	return 2;
}

int main(int argc, char **argv)
{
	static struct pollfd pfd[MAX_CONNS];
	unsigned long tick_ms = 500, bound_ms = 60000;
	bool reconnect = false, ready = false;
	uint64_t t0, next_tick;
	int opt;

	while ((opt = getopt(argc, argv, "m:i:w:r")) != -1) {
		switch (opt) {
		case 'm':
			if (!strcmp(optarg, "headers"))
				mode = M_HEADERS;
			else if (!strcmp(optarg, "body"))
				mode = M_BODY;
			else if (!strcmp(optarg, "idle"))
				mode = M_IDLE;
			else
				return usage();
			break;
		case 'i':
			tick_ms = strtoul(optarg, NULL, 10);
			break;
		case 'w':
			bound_ms = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			reconnect = true;
			break;
		default:
			return usage();
		}
	}
	if (argc - optind < 2 || !tick_ms)
		return usage();
	port = (uint16_t)strtoul(argv[optind++], NULL, 10);
	token = getenv("SLOW_TOKEN");
	if (token && !*token)
		token = NULL;
	for (; optind < argc; optind++) {
		char *at = strchr(argv[optind], '@');
		unsigned long n;
		struct in_addr src;

		if (!at || inet_pton(AF_INET, at + 1, &src) != 1)
			return usage();
		n = strtoul(argv[optind], NULL, 10);
		if (!n || n > MAX_CONNS - nconns)
			return usage();
		for (unsigned long i = 0; i < n; i++) {
			conns[nconns].fd = -1;
			conns[nconns].src = src;
			nconns++;
		}
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (unsigned int i = 0; i < nconns; i++) {
		if (!conn_open(&conns[i]))
			return 1;
	}
	t0 = now_ms();
	next_tick = t0 + tick_ms;
	while (!stop) {
		unsigned int open = 0, counted = 0;
		uint64_t now = now_ms();
		int to;

		if (now - t0 > bound_ms) {
			fprintf(stderr, "slowclient: bound of %lu ms passed\n", bound_ms);
			break;
		}
		if (now >= next_tick) {
			next_tick = now + tick_ms;
			for (unsigned int i = 0; i < nconns; i++) {
				struct conn *c = &conns[i];

				if (c->st == C_OPEN && !conn_trickle(c))
					conn_close(c);
				else if (c->st == C_CLOSED && reconnect) {
					if (!conn_open(c))
						n_errors++;
					else
						n_reopened++;
				}
			}
		}
		for (unsigned int i = 0; i < nconns; i++) {
			struct conn *c = &conns[i];

			pfd[i].fd = c->st == C_CLOSED ? -1 : c->fd;
			pfd[i].events = c->st == C_CONNECTING ? POLLOUT : POLLIN;
			pfd[i].revents = 0;
			if (c->st != C_CLOSED)
				open++;
			if (c->counted)
				counted++;
		}
		if (!ready && counted == nconns) {
			ready = true;
			printf("ready\n");
		}
		if (!open && !reconnect)
			break;
		now = now_ms();
		to = next_tick > now ? (int)(next_tick - now) : 0;
		if (poll(pfd, nconns, to) < 0) {
			if (errno == EINTR)
				continue;
			perror("slowclient: poll");
			return 1;
		}
		for (unsigned int i = 0; i < nconns; i++) {
			struct conn *c = &conns[i];

			if (!pfd[i].revents || c->st == C_CLOSED)
				continue;
			if (c->st == C_CONNECTING) {
				int err = 0;
				socklen_t len = sizeof(err);

				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
				if (err) {
					/* refused before it was accepted: not the server's doing */
					conn_close(c);
					n_closed--;
					n_errors++;
					continue;
				}
				if (!conn_start(c)) {
					conn_close(c);
					continue;
				}
				if (mode != M_IDLE)
					c->counted = true;
				continue;
			}
			for (;;) {
				char buf[4096];
				ssize_t n = recv(c->fd, buf, sizeof(buf), 0);

				if (n > 0) {
					if (!c->answered)
						n_answered++;
					c->answered = true;
					c->counted = true;
					continue;
				}
				if (n < 0 && errno == EINTR)
					continue;
				if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
					break;
				conn_close(c);	/* 0: closed; < 0: reset */
				break;
			}
		}
	}
	{
		unsigned int open = 0;

		for (unsigned int i = 0; i < nconns; i++) {
			if (conns[i].st != C_CLOSED)
				open++;
		}
		printf("slowclient: %u connections: %lu closed by the server, %u open, %lu answered, "
		       "%lu reopened, %lu errors\n", nconns, n_closed, open, n_answered, n_reopened,
		       n_errors);
		for (unsigned int i = 0; i < nconns; i++) {
			if (conns[i].fd >= 0)
				close(conns[i].fd);
		}
		return stop || (!open && !reconnect) ? 0 : 1;
	}
}
