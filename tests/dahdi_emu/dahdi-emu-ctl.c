/* dahdi-emu-ctl: send one command to the DAHDI emulation's control socket (DAHDI_EMU_CTL). */

/*
 * Usage: dahdi-emu-ctl SOCKET COMMAND [ARG...]
 * e.g.   dahdi-emu-ctl /tmp/emu.sock alarm 1 red
 * Prints the reply; exits 0 on success, 1 if the emulation refused the command, 2 if it
 * did not answer within 2 s.  The commands are listed in tests/dahdi_emu/dahdi_emu.h.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(int argc, char **argv)
{
	struct sockaddr_un to = { .sun_family = AF_UNIX }, me = { .sun_family = AF_UNIX };
	char cmd[1024] = "", reply[512];
	struct pollfd p;
	size_t off = 0;
	ssize_t n;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: %s SOCKET COMMAND [ARG...]\n", argv[0]);
		return 2;
	}
	if (strlen(argv[1]) >= sizeof(to.sun_path)) {
		fprintf(stderr, "%s: socket path too long\n", argv[0]);
		return 2;
	}
	memcpy(to.sun_path, argv[1], strlen(argv[1]));
	for (int i = 2; i < argc && off < sizeof(cmd); i++)
		off += snprintf(cmd + off, sizeof(cmd) - off, "%s%s", i > 2 ? " " : "", argv[i]);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	/* an autobound (abstract) address, so that the reply finds us */
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(sa_family_t)) < 0) {
		perror("socket");
		return 2;
	}
	if (sendto(fd, cmd, strlen(cmd), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1], strerror(errno));
		return 2;
	}
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	if (poll(&p, 1, 2000) != 1) {
		fprintf(stderr, "%s: no answer from %s\n", argv[0], argv[1]);
		return 2;
	}
	n = recv(fd, reply, sizeof(reply) - 1, 0);
	if (n < 0) {
		perror("recv");
		return 2;
	}
	reply[n] = 0;
	printf("%s\n", reply);
	close(fd);
	return strncmp(reply, "error", 5) ? 0 : 1;
}
