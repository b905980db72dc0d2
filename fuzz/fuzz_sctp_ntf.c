/* libFuzzer target: SCTP notification decoding (RFC 6458 §6.1), kernel SCTP
 * (sg/sigtran/sctp_kernel.c) and usrsctp (sg/sigtran/sctp_usrsctp.c): union sctp_notification
 * -> struct sctp_rcv. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <sg/sctp.h>

#include "../sg/sigtran/sctp_int.h"

/*
 * Input: one octet choosing the backend (even: kernel, odd: usrsctp), then a notification as
 * the backend's recvmsg hands it over (MSG_NOTIFICATION).  Its decoder must check the length
 * before reading each part (the buffer is copied to exactly n octets, so that ASan sees any
 * read beyond), and give a kind and fields in range; a peer address change is then formatted
 * as sg/sigtran/sctp.c logs it (sg_sctp_addr_str), whatever address family the octets claim.
 *
 * Seeds: fuzz/corpus/sctp_ntf/: each notification sgd acts on (association up, lost with and
 * without the peer's ABORT, restart, shutdown complete, cannot start, peer address change,
 * shutdown, send failed) in both backends' layouts (Linux <linux/sctp.h>, <usrsctp.h>).
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sctp_rcv r;
	char addr[INET6_ADDRSTRLEN + 8];
	uint8_t *buf;

	if (size < 1)
		return 0;
	buf = malloc(size - 1 ? size - 1 : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	memset(&r, 0x5a, sizeof(r));
	r.paddr_state_name = NULL;
	if (data[0] & 1)
		sctp_usrsctp_notification(buf, size - 1, &r);
	else
		sctp_kernel_notification(buf, size - 1, &r);
	free(buf);
	switch (r.ntf) {
	case SCTP_NTF_ASSOC_CHANGE:
		if (r.ac > SCTP_AC_OTHER)
			abort();
		break;
	case SCTP_NTF_PADDR_CHANGE:
		if (!r.paddr_state_name)
			abort();
		if (!sg_sctp_addr_str(&r.paddr, addr, sizeof(addr)) || strlen(addr) >= sizeof(addr))
			abort();
		break;
	case SCTP_NTF_SHUTDOWN:
	case SCTP_NTF_SEND_FAILED:
	case SCTP_NTF_OTHER:
		break;
	default:
		/* SCTP_NTF_NONE is for data, never a notification */
		abort();
	}
	return 0;
}
