/* The SCTP notification parser of both backends (RFC 6458 §6.1), included by sctp_kernel.c
 * after <netinet/sctp.h> and by sctp_usrsctp.c after <usrsctp.h>: the two headers name the
 * structures and constants alike, with their own layouts.  The including backend defines
 *   static bool sctp_ntf_peer_abort(const uint8_t *buf, size_t n)
 * which tells, from a COMM_LOST notification of n octets, whether the peer sent an ABORT
 * (each stack says it its own way). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sctp_int.h"

static bool sctp_ntf_peer_abort(const uint8_t *buf, size_t n);

static const char *sctp_ntf_paddr_state_name(int st)
{
	switch (st) {
	case SCTP_ADDR_AVAILABLE:
		return "available";
	case SCTP_ADDR_UNREACHABLE:
		return "unreachable";
	case SCTP_ADDR_REMOVED:
		return "removed";
	case SCTP_ADDR_ADDED:
		return "added";
	case SCTP_ADDR_MADE_PRIM:
		return "made primary";
	case SCTP_ADDR_CONFIRMED:
		return "confirmed";
#ifdef SCTP_ADDR_PF
	case SCTP_ADDR_PF:
		return "potentially failed";
#endif
	default:
		return "?";
	}
}

/* Parse a notification, checking its length before reading each part. */
static void sctp_ntf_parse(const uint8_t *buf, size_t n, struct sctp_rcv *r)
{
	const union sctp_notification *sn = (const void *)buf;

	r->ntf = SCTP_NTF_OTHER;
	if (n < sizeof(sn->sn_header))
		return;
	switch (sn->sn_header.sn_type) {
	case SCTP_ASSOC_CHANGE:
		if (n < sizeof(struct sctp_assoc_change))
			return;
		r->ntf = SCTP_NTF_ASSOC_CHANGE;
		r->ac_error = sn->sn_assoc_change.sac_error;
		switch (sn->sn_assoc_change.sac_state) {
		case SCTP_COMM_UP:
			r->ac = SCTP_AC_UP;
			break;
		case SCTP_COMM_LOST:
			r->ac = SCTP_AC_LOST;
			r->peer_abort = sctp_ntf_peer_abort(buf, n);
			break;
		case SCTP_RESTART:
			r->ac = SCTP_AC_RESTART;
			break;
		case SCTP_SHUTDOWN_COMP:
			r->ac = SCTP_AC_SHUTDOWN_COMP;
			break;
		case SCTP_CANT_STR_ASSOC:
			r->ac = SCTP_AC_CANT_START;
			break;
		default:
			r->ac = SCTP_AC_OTHER;
			break;
		}
		break;
	case SCTP_PEER_ADDR_CHANGE:
		if (n < sizeof(struct sctp_paddr_change))
			return;
		r->ntf = SCTP_NTF_PADDR_CHANGE;
		memcpy(&r->paddr, &sn->sn_paddr_change.spc_aaddr, sizeof(r->paddr));
		r->paddr_state = sn->sn_paddr_change.spc_state;
		r->paddr_state_name = sctp_ntf_paddr_state_name(r->paddr_state);
		break;
	case SCTP_SHUTDOWN_EVENT:
		r->ntf = SCTP_NTF_SHUTDOWN;
		break;
	case SCTP_SEND_FAILED:
	case SCTP_SEND_FAILED_EVENT:
		r->ntf = SCTP_NTF_SEND_FAILED;
		break;
	default:
		break;
	}
}
