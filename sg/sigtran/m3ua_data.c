/* M3UA DATA in place (RFC 4666 §3.3.1): the headers written in front of an MTP user part and
 * pulled off it again, by the buffer convention of include/sg/msg.h.  See include/sg/m3ua.h. */

#include <errno.h>
#include <string.h>

#include <osmocom/core/bit16gen.h>
#include <osmocom/core/bit32gen.h>
#include <osmocom/core/msgb.h>

#include <sg/m3ua.h>
#include <sg/msg.h>

/* a parameter with a 32-bit value: 8 octets */
static void tlv_u32(uint8_t *p, uint16_t tag, uint32_t v)
{
	osmo_store16be(tag, p);
	osmo_store16be(8, p + 2);
	osmo_store32be(v, p + 4);
}

/* Room for head octets in front of the user part (msgb_l4, or msg->data when l4h is unset;
 * what lies between msg->data and it counts towards head) and tail behind the message, and
 * l4h at the user part: sg_msgb_room()'s result, or -EINVAL when l4h is outside the message.
 * On an error the message is as it was. */
static int room_around_up(struct msgb **msgp, size_t head, size_t tail)
{
	struct msgb *msg = *msgp;
	uint8_t *up = msgb_l4(msg) ? msgb_l4(msg) : msg->data, *l4h = msg->l4h;
	size_t front;
	int r;

	if (up < msg->data || up > msg->tail)
		return -EINVAL;
	front = up - msg->data;
	msg->l4h = up;
	r = sg_msgb_room(msgp, head > front ? head - front : 0, tail);
	if (r < 0)
		msg->l4h = l4h;
	return r;
}

int sg_m3ua_data_room(struct msgb **msgp)
{
	return room_around_up(msgp, SG_M3UA_DATA_HEAD_MAX, SG_M3UA_DATA_TAIL_MAX);
}

int sg_m3ua_data_wrap(struct msgb **msgp, const struct sg_m3ua_pdata *pd, const uint32_t *na,
		      const uint32_t *rc, const uint32_t *corr_id)
{
	struct msgb *msg = *msgp;
	uint8_t *up = msgb_l4(msg) ? msgb_l4(msg) : msg->data;
	size_t len, head, pad, tail;
	uint8_t *p;
	int r;

	if (pd->si > 15 || pd->ni > 3 || pd->mp > 3 || up < msg->data || up > msg->tail)
		return -EINVAL;
	len = msg->tail - up;
	pad = -len & 3;
	head = SG_M3UA_HDR_LEN + (na ? 8 : 0) + (rc ? 8 : 0) + 4 + 12;
	tail = pad + (corr_id ? 8 : 0);
	if (head + len + tail > SG_M3UA_MAX_LEN)
		return -EINVAL;
	/* the room first, so that a failure leaves the message as it was */
	r = room_around_up(msgp, head, tail);
	if (r < 0)
		return r;
	msg = *msgp;
	up = sg_msgb_pull_to(msg, msg->l4h);
	msg->l4h = up;
	/* behind: padding, Correlation Id */
	memset(msgb_put(msg, pad), 0, pad);
	if (corr_id)
		tlv_u32(msgb_put(msg, 8), SG_M3UA_IEI_CORR_ID, *corr_id);
	/* in front, from the inside out: Protocol Data header and label, RC, NA, header */
	p = msgb_push(msg, 4 + 12);
	osmo_store16be(SG_M3UA_IEI_PROT_DATA, p);
	osmo_store16be(4 + 12 + len, p + 2);
	osmo_store32be(pd->opc, p + 4);
	osmo_store32be(pd->dpc, p + 8);
	p[12] = pd->si;
	p[13] = pd->ni;
	p[14] = pd->mp;
	p[15] = pd->sls;
	if (rc)
		tlv_u32(msgb_push(msg, 8), SG_M3UA_IEI_ROUTE_CTX, *rc);
	if (na)
		tlv_u32(msgb_push(msg, 8), SG_M3UA_IEI_NET_APPEAR, *na);
	p = msgb_push(msg, SG_M3UA_HDR_LEN);
	p[0] = SG_M3UA_VERSION;
	p[1] = 0;
	p[2] = SG_M3UA_CLS_XFER;
	p[3] = SG_M3UA_XFER_DATA;
	osmo_store32be(msgb_length(msg), p + 4);
	msg->l3h = p;
	return r;
}

int sg_m3ua_data_unwrap(struct msgb *msg, const struct sg_m3ua_pdata *pd)
{
	if (!pd->data || pd->data < msg->data || pd->data > msg->tail ||
	    pd->len > msg->tail - pd->data)
		return -EINVAL;
	sg_msgb_pull_to(msg, pd->data);
	msgb_trim(msg, pd->len);
	msg->l4h = msg->data;
	return 0;
}

struct msgb *sg_m3ua_data_user_part(struct msgb *msg, const struct sg_m3ua_pdata *pd, size_t head,
				    bool *copied)
{
	int r = 0;

	if (copied)
		*copied = false;
	if (msg) {
		r = sg_m3ua_data_unwrap(msg, pd);
		if (r == 0)
			r = sg_msgb_room(&msg, head, 0);
		if (r < 0) {
			msgb_free(msg);
			return NULL;
		}
		if (copied)
			*copied = r > 0;
		return msg;
	}
	msg = sg_msgb_new(head > SG_MSGB_HEADROOM ? head - SG_MSGB_HEADROOM + pd->len : pd->len,
			  "m3ua user part");
	if (!msg)
		return NULL;
	if (head > SG_MSGB_HEADROOM)
		msgb_reserve(msg, head - SG_MSGB_HEADROOM);
	msg->l4h = msgb_put(msg, pd->len);
	if (pd->len)
		memcpy(msg->l4h, pd->data, pd->len);
	return msg;
}
