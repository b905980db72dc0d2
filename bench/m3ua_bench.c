/* Benchmark: MTP3 MSU <-> M3UA DATA translation (Q.704 §2.2 routing label, RFC 4666 §3.3.1
 * DATA, §1.4.2 routing keys, point-code translation), against libosmo-xua's codec. */

/*
 * One "message" is a round trip through the signalling gateway's interworking, done the way
 * the real path does it, with a msgb per hop:
 *
 *   SS7 -> IP  an ISUP IAM MSU (41 octets: SIO, ITU label, 36-octet IAM) in its own msgb, as
 *              MTP3 hands it over; MTP3 routing label decoded (sg_mtp3_hdr_decode); OPC and
 *              DPC translated (sg_nif_tdm_to_ip, 256 rules); routing key looked up
 *              (sg_m3ua_route, 64 ASs keyed on DPC + SI); DATA encoded into a new msgb sized
 *              as sg_m3ua_send_data sizes it (sg_m3ua_msg_new_len + Routing Context +
 *              Protocol Data + finish: 68 octets); the MSU's msgb freed.
 *   IP -> SS7  the DATA decoded from that msgb's octets (sg_m3ua_decode, full syntax check),
 *              Routing Context looked up (sg_m3ua_as_by_rc), Protocol Data read
 *              (sg_m3ua_get_pdata), OPC and DPC translated back (sg_nif_ip_to_tdm), a new
 *              msgb for the MSU with the user part copied and SIO + label encoded
 *              (sg_mtp3_hdr_encode), then both msgbs freed (as SCTP and MTP2 would once
 *              sent).
 *
 * Variants measured in the same run:
 *   ours          the above.
 *   ours-8k       the same with the DATA msgb from sg_m3ua_msg_new (room for
 *                 SG_M3UA_MAX_LEN, which libosmocore zeroes): the cost of an oversized buffer.
 *   ours-inplace  the same work in place, by the buffer convention of include/sg/msg.h: the
 *                 DATA's headers written around the MSU's user part in the MSU's own msgb
 *                 (sg_m3ua_data_wrap), and back (sg_m3ua_data_unwrap, SIO + label pushed in
 *                 front): one msgb per round trip instead of three, no copy of the user part.
 *   ours-layer    through the real layers: sg_nif_mtp_transfer_ind (NIF: translation, route,
 *                 counters) -> sg_m3ua_send_data (AS state, load sharing over the ACTIVE
 *                 peer, counters) -> ops.send; then sg_m3ua_asp_rx (layer: decode, ASP
 *                 state, NA/RC/stream checks, counters) -> ops.data_ind -> translation back,
 *                 MSU msgb and label as sg/iwf/nif.c does it (MTP3's own route lookup for the
 *                 outgoing MSU is not included: it needs a running MTP3).  The NIF sends
 *                 in place (sg_m3ua_send_data_msg); the DATA comes back as octets.
 *   ours-layer-inplace  the same, the DATA fed back in its buffer (sg_m3ua_asp_rx_msg ->
 *                 ops.data_msg_ind) and made the MSU in place, as sgd does.
 *   ours-codec    codec only, the same work as the baseline: decode the DATA (sg_m3ua_decode
 *                 + sg_m3ua_get_pdata) and re-encode it into a new msgb (sized as above).
 *   osmo          the baseline: libosmo-xua xua_from_msg() on the DATA (a talloc'd xua_msg
 *                 with one talloc'd part and one talloc'd copy per parameter), xua_to_msg()
 *                 (a new 2048-octet msgb, zeroed by libosmocore), both freed.  libosmoxua is
 *                 loaded with dlopen (it is under-linked and optional); without it the
 *                 baseline is skipped.
 *
 * Every variant is checked first (outside the timed part): the round trips must give back
 * the original MSU octet for octet, osmo's re-encoding must equal the DATA it decoded, the
 * in-place DATA must equal the copying encoder's and keep its user part's address.
 * Time is CLOCK_THREAD_CPUTIME_ID (CPU time of this thread, so other processes on a shared
 * machine do not count); the variants run interleaved, R runs of N messages each.  The ratios
 * in place / copying (ours-inplace/ours, ours-layer-inplace/ours-layer) are per run.
 *
 *   bench/m3ua_bench [-n MESSAGES] [-r RUNS] [-v VARIANT]
 *
 * -v runs one variant only (for valgrind --tool=callgrind --toggle-collect=loop_VARIANT,
 * see bench/m3ua_instr.sh).
 */

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/bit16gen.h>
#include <osmocom/core/bit32gen.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <sg/config.h>
#include <sg/log.h>
#include <sg/m3ua.h>
#include <sg/m3ua_sg.h>
#include <sg/msg.h>
#include <sg/mtp3.h>
#include <sg/mtp_sap.h>
#include <sg/nif.h>
#include <sg/timer.h>

#define NOINLINE __attribute__((noinline))

#define N_AS		64	/* application servers, one routing key each */
#define N_AS_ISUP	48	/* ASs 0..47 keyed on DPC + SI 5 (ISUP), 48..63 on DPC + SI 3 */
#define N_XLATE		256	/* point-code translation rules */
#define N_MSG		64	/* distinct MSUs, used in turn */
#define MSU_MAX		64

static const struct sg_mtp3_fmt fmt = { .variant = SG_PC_ITU };
static const uint8_t tdm_ni = SG_NI_NATIONAL, ip_ni = SG_NI_NATIONAL;

/* Rule r maps TDM point code 1000 + r to IP point code 5000 + r (ITU 14-bit PCs).  The ASs'
 * point codes use rules 4k + 1, the remote switches' rules 4j + 3: the translations hit the
 * whole table, not its first entries. */
static uint32_t rule_tdm(unsigned int r) { return 1000 + r; }
static uint32_t rule_ip(unsigned int r) { return 5000 + r; }

struct bench_msu {
	uint8_t data[128];
	unsigned int len;
};
static struct bench_msu msus[N_MSG];
/* the same MSUs as M3UA DATA (with RC), for the codec-only and osmo variants */
static struct bench_msu datas[N_MSG];
static uint8_t data_buf[N_MSG][128];

static void *ctx;
static struct sg_nif *nif;
static struct sg_m3ua *m3ua;	/* API pipeline: ASs without peers */
static unsigned long sink;

/* a message the checks accepted failed in the timed loop: our bug, not a figure */
static void consume(struct msgb *msg, const char *what)
{
	if (!msg) {
		fprintf(stderr, "%s: a round trip failed during timing\n", what);
		exit(1);
	}
	sink += msg->tail[-1];
	msgb_free(msg);
}

/* ---- an ISUP IAM, Q.763 §1.3 / Table 32 ---- */

static unsigned int bcd(uint8_t *out, const char *digits)
{
	unsigned int n = strlen(digits), i;

	for (i = 0; i < n; i++) {
		uint8_t d = digits[i] - '0';

		if (i & 1)
			out[i / 2] |= d << 4;
		else
			out[i / 2] = d;
	}
	return (n + 1) / 2;
}

static unsigned int iam_build(uint8_t *p, unsigned int cic, unsigned int k)
{
	char called[12], calling[12];
	unsigned int n = 0, ptr_opt, l;

	snprintf(called, sizeof(called), "06%08u", 10000000 + k * 7919 % 89999999);
	snprintf(calling, sizeof(calling), "01%08u", 20000000 + k * 104729 % 79999999);
	p[n++] = cic & 0xff;
	p[n++] = (cic >> 8) & 0x0f;
	p[n++] = 0x01;		/* message type: IAM */
	p[n++] = 0x00;		/* nature of connection indicators */
	p[n++] = 0x60;		/* forward call indicators: ISUP all the way, preferred */
	p[n++] = 0x01;		/* ... originating access ISDN */
	p[n++] = 0x0a;		/* calling party's category: ordinary subscriber */
	p[n++] = 0x00;		/* transmission medium requirement: speech */
	p[n++] = 2;		/* pointer to the called party number */
	ptr_opt = n++;		/* pointer to the optional part */
	/* called party number: even, national number, ISDN numbering plan, INN allowed */
	l = n++;
	p[n++] = 0x03;
	p[n++] = 0x10;
	n += bcd(p + n, called);
	p[l] = n - l - 1;
	p[ptr_opt] = n - ptr_opt;
	/* optional: calling party number, national, ISDN, presentation allowed, network
	 * provided; optional forward call indicators; user service information (speech) */
	p[n++] = 0x0a;
	l = n++;
	p[n++] = 0x03;
	p[n++] = 0x13;
	n += bcd(p + n, calling);
	p[l] = n - l - 1;
	p[n++] = 0x08;
	p[n++] = 1;
	p[n++] = 0x00;
	p[n++] = 0x1d;
	p[n++] = 3;
	p[n++] = 0x80;
	p[n++] = 0x90;
	p[n++] = 0xa3;
	p[n++] = 0x00;		/* end of optional parameters */
	return n;
}

/* MSU k: from remote switch j (rule 4j + 3) to the ISUP AS a (rule 4a + 1) */
static void msu_build(struct bench_msu *b, unsigned int k)
{
	unsigned int j = (k * 7) % 64, a = (k * 13) % N_AS_ISUP;
	struct sg_mtp3_hdr h = {
		.si = SG_MTP3_SI_ISUP, .ni = tdm_ni,
		.label = { .opc = rule_tdm(4 * j + 3), .dpc = rule_tdm(4 * a + 1), .sls = k & 15 },
	};
	size_t n = sg_mtp3_hdr_encode(b->data, sizeof(b->data), &fmt, &h);

	OSMO_ASSERT(n == 5);
	b->len = n + iam_build(b->data + n, 1 + k * 3, k);
	OSMO_ASSERT(b->len <= MSU_MAX);
}

/* ---- the API pipeline ---- */

/* How the DATA is made from the MSU and back: a new msgb sized as sg_m3ua_send_data sized it
 * before the buffer convention (COPY), the same with sg_m3ua_msg_new's 8 KiB (BIG), or in place
 * in the MSU's own buffer (INPLACE, include/sg/msg.h) */
enum mode { COPY, BIG, INPLACE };

/* The DATA msgb as sg_m3ua_send_data sizes it (header, NA, RC, Protocol Data, padding), or
 * with sg_m3ua_msg_new's default room (SG_M3UA_MAX_LEN, zeroed by libosmocore) */
static struct msgb *data_new(unsigned int user_len, bool big)
{
	if (big)
		return sg_m3ua_msg_new(SG_M3UA_CLS_XFER, SG_M3UA_XFER_DATA);
	return sg_m3ua_msg_new_len(SG_M3UA_CLS_XFER, SG_M3UA_XFER_DATA,
				   8 + 8 + 8 + 4 + 12 + user_len + 4);
}

/* An MSU as MTP3 hands it to its user (SIO at l3h, user part at l4h), in a buffer as
 * MTP2 allocates it (sg_msgb_new: the convention's head- and tailroom) */
static struct msgb *msu_new(const struct bench_msu *in)
{
	struct msgb *msu = sg_msgb_new(in->len, "msu");

	if (!msu)
		return NULL;
	msu->l3h = msgb_put(msu, in->len);
	memcpy(msu->l3h, in->data, in->len);
	msu->l4h = msu->l3h + sg_mtp3_hdr_len(fmt.variant);
	return msu;
}

/* SS7 -> IP: returns the DATA msgb (l3h at its common header), or NULL */
static struct msgb *tdm_to_ip(const struct bench_msu *in, enum mode mode)
{
	struct sg_mtp3_hdr h;
	struct sg_m3ua_pdata pd;
	struct sg_m3ua_as *as;
	struct msgb *msu, *msg;
	uint32_t rc;
	uint8_t ni_o, ni_d;

	msu = msu_new(in);
	if (!msu)
		return NULL;
	if (sg_mtp3_hdr_decode(&h, &fmt, msgb_l3(msu), msgb_l3len(msu)) != SG_MTP3_OK)
		goto drop;
	pd = (struct sg_m3ua_pdata){
		.opc = h.label.opc, .dpc = h.label.dpc, .si = h.si, .ni = h.ni, .mp = h.prio,
		.sls = h.label.sls, .data = msgb_l4(msu), .len = msu->tail - msu->l4h,
	};
	ni_o = ni_d = h.ni;
	if (sg_nif_tdm_to_ip(nif, &ni_o, &pd.opc))
		pd.ni = ni_o;
	if (sg_nif_tdm_to_ip(nif, &ni_d, &pd.dpc))
		pd.ni = ni_d;
	as = sg_m3ua_route(m3ua, &pd);
	if (!as || !sg_m3ua_as_rc(as, &rc))
		goto drop;
	if (mode == INPLACE)
		return sg_m3ua_data_wrap(&msu, &pd, NULL, &rc, NULL) < 0 ? NULL : msu;
	msg = data_new(pd.len, mode == BIG);
	if (!msg)
		goto drop;
	if (sg_m3ua_put_u32(msg, SG_M3UA_IEI_ROUTE_CTX, rc) < 0 || sg_m3ua_put_pdata(msg, &pd) < 0) {
		msgb_free(msg);
		goto drop;
	}
	sg_m3ua_finish(msg);
	msgb_free(msu);
	return msg;
drop:
	msgb_free(msu);
	return NULL;
}

/* SS7 side of an IP -> SS7 DATA (as sg/iwf/nif.c's ip_data): the MSU msgb, SIO at l3h.  msg:
 * the DATA's buffer, made the MSU in place (taken), or NULL: the user part is copied. */
static struct msgb *pd_to_msu(const struct sg_m3ua_pdata *pd, struct msgb *msg)
{
	unsigned int hl = sg_mtp3_hdr_len(fmt.variant);
	struct sg_mtp3_hdr h = { .si = pd->si, .prio = pd->mp, .label = { .sls = pd->sls } };
	uint8_t ni_o = pd->ni, ni_d = pd->ni;
	uint32_t opc = pd->opc, dpc = pd->dpc;
	struct msgb *msu;

	sg_nif_ip_to_tdm(nif, &ni_o, &opc);
	sg_nif_ip_to_tdm(nif, &ni_d, &dpc);
	if (ni_o != tdm_ni || ni_d != tdm_ni) {
		msgb_free(msg);
		return NULL;
	}
	msu = sg_m3ua_data_user_part(msg, pd, hl, NULL);
	if (!msu)
		return NULL;
	/* MTP3 (HMRT) puts SIO and routing label in front of the user part */
	h.ni = tdm_ni;
	h.label.opc = opc;
	h.label.dpc = dpc;
	msu->l3h = msgb_push(msu, hl);
	if (sg_mtp3_hdr_encode(msu->l3h, hl, &fmt, &h) != hl) {
		msgb_free(msu);
		return NULL;
	}
	return msu;
}

/* IP -> SS7: takes the DATA msgb; returns the MSU msgb (in the DATA's buffer with INPLACE) or
 * NULL */
static struct msgb *ip_to_tdm(struct msgb *msg, enum mode mode)
{
	struct sg_m3ua_msg m;
	struct sg_m3ua_decode_err err;
	struct sg_m3ua_pdata pd;
	struct msgb *msu = NULL;
	uint32_t rc;

	if (sg_m3ua_decode(&m, msgb_l3(msg), msgb_l3len(msg), &err) < 0 ||
	    m.cls != SG_M3UA_CLS_XFER || m.type != SG_M3UA_XFER_DATA)
		goto out;
	if (!sg_m3ua_get_u32(&m, SG_M3UA_IEI_ROUTE_CTX, &rc) || !sg_m3ua_as_by_rc(m3ua, rc))
		goto out;
	if (sg_m3ua_get_pdata(&m, &pd) < 0)
		goto out;
	if (mode == INPLACE)
		return pd_to_msu(&pd, msg);
	msu = pd_to_msu(&pd, NULL);
out:
	msgb_free(msg);
	return msu;
}

static struct msgb *round_trip(const struct bench_msu *in, enum mode mode)
{
	struct msgb *msg = tdm_to_ip(in, mode);

	return msg ? ip_to_tdm(msg, mode) : NULL;
}

static NOINLINE void loop_ours(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		struct msgb *msu = round_trip(&msus[i % N_MSG], COPY);

		consume(msu, __func__);
	}
}

static NOINLINE void loop_inplace(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		struct msgb *msu = round_trip(&msus[i % N_MSG], INPLACE);

		consume(msu, __func__);
	}
}

static NOINLINE void loop_8k(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		struct msgb *msu = round_trip(&msus[i % N_MSG], BIG);

		consume(msu, __func__);
	}
}

/* ---- codec only: decode the DATA and re-encode it ---- */

static struct msgb *codec_one(const struct bench_msu *d)
{
	struct sg_m3ua_msg m;
	struct sg_m3ua_decode_err err;
	struct sg_m3ua_pdata pd;
	struct msgb *msg;
	uint32_t rc;

	if (sg_m3ua_decode(&m, d->data, d->len, &err) < 0 ||
	    !sg_m3ua_get_u32(&m, SG_M3UA_IEI_ROUTE_CTX, &rc) || sg_m3ua_get_pdata(&m, &pd) < 0)
		return NULL;
	msg = data_new(pd.len, false);
	if (!msg)
		return NULL;
	if (sg_m3ua_put_u32(msg, SG_M3UA_IEI_ROUTE_CTX, rc) < 0 || sg_m3ua_put_pdata(msg, &pd) < 0) {
		msgb_free(msg);
		return NULL;
	}
	sg_m3ua_finish(msg);
	return msg;
}

static NOINLINE void loop_codec(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		struct msgb *msg = codec_one(&datas[i % N_MSG]);

		consume(msg, __func__);
	}
}

/* ---- the layer path: NIF and M3UA layer, one ACTIVE peer in all 64 ASs ---- */

struct layer {
	struct sg_m3ua *m;
	struct sg_nif *nif;
	struct sg_m3ua_asp *asp;
	bool up;		/* set-up done: sends are DATA */
	struct msgb *out;	/* DATA sent by the layer */
	uint16_t out_stream;
	struct msgb *msu;	/* MSU built from the DATA received */
	unsigned long ctl_tx;
};
static struct layer ly;

static int ly_send(void *priv, struct sg_m3ua_asp *asp, uint16_t stream, struct msgb *msg)
{
	struct layer *l = priv;

	(void)asp;
	if (!l->up || l->out) {
		l->ctl_tx++;
		msgb_free(msg);
		return 0;
	}
	l->out = msg;
	l->out_stream = stream;
	return 0;
}

static void ly_data_ind(void *priv, struct sg_m3ua_as *as, struct sg_m3ua_asp *asp,
			const struct sg_m3ua_pdata *pd)
{
	struct layer *l = priv;

	(void)as;
	(void)asp;
	if (!l->msu)
		l->msu = pd_to_msu(pd, NULL);
}

/* the same with the DATA's buffer (sg_m3ua_asp_rx_msg): the MSU is made in it */
static void ly_data_msg_ind(void *priv, struct sg_m3ua_as *as, struct sg_m3ua_asp *asp,
			    const struct sg_m3ua_pdata *pd, struct msgb *msg)
{
	struct layer *l = priv;

	(void)as;
	(void)asp;
	if (!l->msu)
		l->msu = pd_to_msu(pd, msg);
	else
		msgb_free(msg);
}

static void ly_rx(struct layer *l, struct msgb *msg, uint16_t stream)
{
	sg_m3ua_asp_rx(l->asp, stream, msgb_l3(msg), msgb_l3len(msg));
	msgb_free(msg);
}

static int layer_setup(void)
{
	struct sg_m3ua_cfg mcfg;
	const struct sg_xua_transport_ops tops = { .send = ly_send };
	const struct sg_xua_user_ops uops = { .data_ind = ly_data_ind,
					      .data_msg_ind = ly_data_msg_ind };
	struct sg_m3ua_asp_cfg acfg = { .name = "asp0", .role = SG_M3UA_ROLE_SGP };
	struct sg_nif_cfg ncfg;
	struct msgb *msg;

	sg_m3ua_cfg_defaults(&mcfg);
	mcfg.variant = SG_PC_ITU;
	ly.m = sg_m3ua_alloc(ctx, &mcfg, &tops, &ly, &uops, &ly);
	if (!ly.m || !(ly.asp = sg_m3ua_asp_add(ly.m, &acfg)))
		return -1;
	for (unsigned int k = 0; k < N_AS; k++) {
		struct sg_m3ua_as_cfg c = {
			.has_rc = true, .rc = 100 + k, .nasps = 1, .asps = { "asp0" },
			.rk = { .ndpc = 1, .dpc = { { .pc = rule_ip(4 * k + 1) } }, .nsi = 1,
				.si = { k < N_AS_ISUP ? SG_MTP3_SI_ISUP : SG_MTP3_SI_SCCP } },
		};
		char name[16];

		snprintf(name, sizeof(name), "as%u", k);
		c.name = name;
		if (!sg_m3ua_as_add(ly.m, &c))
			return -1;
	}
	sg_nif_cfg_defaults(&ncfg);
	ncfg.ni = tdm_ni;
	ly.nif = sg_nif_alloc(ctx, NULL, &ncfg);
	if (!ly.nif)
		return -1;
	for (unsigned int r = 0; r < N_XLATE; r++) {
		struct sg_nif_xlate x = { .tdm_ni = tdm_ni, .ip_ni = ip_ni, .tdm_pc = rule_tdm(r),
					  .ip_pc = rule_ip(r) };

		snprintf(x.name, sizeof(x.name), "x%u", r);
		if (sg_nif_xlate_add(ly.nif, &x))
			return -1;
	}
	sg_nif_set_m3ua(ly.nif, ly.m);
	/* the peer comes up and activates (ASPAC without RC: active in all its ASs) */
	sg_m3ua_asp_conn_up(ly.asp, 16, 16);
	msg = sg_m3ua_msg_new(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_UP);
	sg_m3ua_finish(msg);
	ly_rx(&ly, msg, 0);
	msg = sg_m3ua_msg_new(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_ACT);
	sg_m3ua_put_u32(msg, SG_M3UA_IEI_TRAFFIC_MODE, SG_M3UA_TMT_LOADSHARE);
	sg_m3ua_finish(msg);
	ly_rx(&ly, msg, 0);
	if (sg_m3ua_asp_state(ly.asp) != SG_M3UA_ASP_ACTIVE)
		return -1;
	for (unsigned int k = 0; k < N_AS; k++) {
		char name[16];

		snprintf(name, sizeof(name), "as%u", k);
		if (sg_m3ua_as_state(sg_m3ua_as_by_name(ly.m, name)) != SG_M3UA_AS_ACTIVE)
			return -1;
	}
	ly.up = true;
	return 0;
}

/* One round trip through the NIF and the layer; the DATA goes back to the layer as octets
 * (sg_m3ua_asp_rx: the MSU is a copy) or in its buffer (sg_m3ua_asp_rx_msg: in place) */
static struct msgb *layer_one(const struct bench_msu *in, bool inplace)
{
	struct sg_mtp3_hdr h;
	struct sg_mtp_param p;
	struct msgb *msu, *out;

	msu = msu_new(in);
	if (!msu)
		return NULL;
	/* MTP3 (HMDT) has decoded the label before the MTP-TRANSFER indication */
	if (sg_mtp3_hdr_decode(&h, &fmt, msgb_l3(msu), msgb_l3len(msu)) != SG_MTP3_OK) {
		msgb_free(msu);
		return NULL;
	}
	p = (struct sg_mtp_param){ .opc = h.label.opc, .dpc = h.label.dpc, .sls = h.label.sls,
				   .si = h.si, .ni = h.ni, .prio = h.prio };
	sg_nif_mtp_transfer_ind(ly.nif, &p, msu);	/* takes msu */
	if (!ly.out)
		return NULL;
	out = ly.out;
	ly.out = NULL;
	if (inplace)
		sg_m3ua_asp_rx_msg(ly.asp, ly.out_stream, out);
	else
		ly_rx(&ly, out, ly.out_stream);
	out = ly.msu;
	ly.msu = NULL;
	return out;
}

static NOINLINE void loop_layer(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		struct msgb *msu = layer_one(&msus[i % N_MSG], false);

		consume(msu, __func__);
	}
}

static NOINLINE void loop_layer_inplace(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		struct msgb *msu = layer_one(&msus[i % N_MSG], true);

		consume(msu, __func__);
	}
}

/* ---- the baseline: libosmo-xua ---- */

struct xua_msg;
static struct {
	void *h;
	struct xua_msg *(*from_msg)(const int version, uint16_t len, uint8_t *data);
	struct msgb *(*to_msg)(const int version, struct xua_msg *xua);
	void (*free)(struct xua_msg *xua);
} xua;

static bool xua_load(void)
{
	static const char *const libs[] = { "libosmoxua.so.0", "libosmoxua.so" };

	for (unsigned int i = 0; i < ARRAY_SIZE(libs) && !xua.h; i++)
		xua.h = dlopen(libs[i], RTLD_NOW | RTLD_LOCAL);
	if (!xua.h)
		return false;
	*(void **)&xua.from_msg = dlsym(xua.h, "xua_from_msg");
	*(void **)&xua.to_msg = dlsym(xua.h, "xua_to_msg");
	*(void **)&xua.free = dlsym(xua.h, "xua_msg_free");
	return xua.from_msg && xua.to_msg && xua.free;
}

static struct msgb *osmo_one(unsigned int k)
{
	struct xua_msg *x = xua.from_msg(SG_M3UA_VERSION, datas[k].len, data_buf[k]);
	struct msgb *msg;

	if (!x)
		return NULL;
	msg = xua.to_msg(SG_M3UA_VERSION, x);
	xua.free(x);
	return msg;
}

static NOINLINE void loop_osmo(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		struct msgb *msg = osmo_one(i % N_MSG);

		consume(msg, __func__);
	}
}

/* ---- set-up and checks ---- */

static int setup(void)
{
	struct sg_m3ua_cfg mcfg;
	const struct sg_xua_transport_ops tops = { .send = ly_send };
	struct sg_nif_cfg ncfg;

	ctx = talloc_named_const(NULL, 0, "m3ua_bench");
	sg_m3ua_cfg_defaults(&mcfg);
	mcfg.variant = SG_PC_ITU;
	m3ua = sg_m3ua_alloc(ctx, &mcfg, &tops, &ly, NULL, NULL);
	sg_nif_cfg_defaults(&ncfg);
	ncfg.ni = tdm_ni;
	nif = sg_nif_alloc(ctx, NULL, &ncfg);
	if (!m3ua || !nif)
		return -1;
	for (unsigned int k = 0; k < N_AS; k++) {
		struct sg_m3ua_as_cfg c = {
			.has_rc = true, .rc = 100 + k,
			.rk = { .ndpc = 1, .dpc = { { .pc = rule_ip(4 * k + 1) } }, .nsi = 1,
				.si = { k < N_AS_ISUP ? SG_MTP3_SI_ISUP : SG_MTP3_SI_SCCP } },
		};
		char name[16];

		snprintf(name, sizeof(name), "as%u", k);
		c.name = name;
		if (!sg_m3ua_as_add(m3ua, &c))
			return -1;
	}
	for (unsigned int r = 0; r < N_XLATE; r++) {
		struct sg_nif_xlate x = { .tdm_ni = tdm_ni, .ip_ni = ip_ni, .tdm_pc = rule_tdm(r),
					  .ip_pc = rule_ip(r) };

		snprintf(x.name, sizeof(x.name), "x%u", r);
		if (sg_nif_xlate_add(nif, &x))
			return -1;
	}
	for (unsigned int k = 0; k < N_MSG; k++)
		msu_build(&msus[k], k);
	return layer_setup();
}

/* msu is in's MSU (and is freed) */
static bool msu_is(struct msgb *msu, const struct bench_msu *in)
{
	bool ok = msu && msgb_l3len(msu) == in->len && !memcmp(msgb_l3(msu), in->data, in->len);

	if (msu)
		msgb_free(msu);
	return ok;
}

/* In place: the DATA is the copying encoder's, octet for octet, and the MSU comes back in the
 * same buffer with its user part where it was */
static bool inplace_ok(const struct bench_msu *in, const struct bench_msu *data)
{
	struct msgb *msg = tdm_to_ip(in, INPLACE), *msu;
	uint8_t *up;

	if (!msg || msgb_l3len(msg) != data->len || memcmp(msgb_l3(msg), data->data, data->len)) {
		msgb_free(msg);
		return false;
	}
	up = msg->l4h;
	msu = ip_to_tdm(msg, INPLACE);
	return msu == msg && msu->l4h == up && msu_is(msu, in);
}

/* the round trips give the MSUs back, the DATA is what RFC 4666 §3.3.1 says */
static int check(bool have_osmo)
{
	for (unsigned int k = 0; k < N_MSG; k++) {
		const struct bench_msu *in = &msus[k];
		struct msgb *msg = tdm_to_ip(in, COPY), *c;
		unsigned int a = (k * 13) % N_AS_ISUP, j = (k * 7) % 64, hl = 5;
		const uint8_t *d;

		if (!msg) {
			fprintf(stderr, "MSU %u: no DATA\n", k);
			return -1;
		}
		/* header, RC (AS a), Protocol Data with translated OPC/DPC, SI, NI, MP, SLS */
		d = msgb_l3(msg);
		if (msgb_l3len(msg) != 8 + 8 + ((16 + in->len - hl + 3) & ~3u) ||
		    d[0] != 1 || d[2] != 1 || d[3] != 1 || osmo_load32be(d + 4) != msgb_l3len(msg) ||
		    osmo_load16be(d + 8) != SG_M3UA_IEI_ROUTE_CTX || osmo_load32be(d + 12) != 100 + a ||
		    osmo_load16be(d + 16) != SG_M3UA_IEI_PROT_DATA ||
		    osmo_load16be(d + 18) != 16 + in->len - hl ||
		    osmo_load32be(d + 20) != rule_ip(4 * j + 3) ||
		    osmo_load32be(d + 24) != rule_ip(4 * a + 1) || d[28] != SG_MTP3_SI_ISUP ||
		    d[29] != ip_ni || d[30] != 0 || d[31] != (k & 15) ||
		    memcmp(d + 32, in->data + hl, in->len - hl)) {
			fprintf(stderr, "MSU %u: wrong DATA\n", k);
			return -1;
		}
		datas[k].len = msgb_l3len(msg);
		memcpy(datas[k].data, d, datas[k].len);
		memcpy(data_buf[k], d, datas[k].len);
		if (!msu_is(ip_to_tdm(msg, COPY), in) || !msu_is(round_trip(in, BIG), in) ||
		    !msu_is(layer_one(in, false), in) || !msu_is(layer_one(in, true), in) ||
		    !inplace_ok(in, &datas[k])) {
			fprintf(stderr, "MSU %u: a round trip changed it (or in place was not)\n", k);
			return -1;
		}
		c = codec_one(&datas[k]);
		if (!c || msgb_l3len(c) != datas[k].len ||
		    memcmp(msgb_l3(c), datas[k].data, datas[k].len)) {
			fprintf(stderr, "DATA %u: our re-encoding differs\n", k);
			return -1;
		}
		msgb_free(c);
		if (have_osmo) {
			c = osmo_one(k);
			if (!c || msgb_l2len(c) != datas[k].len ||
			    memcmp(msgb_l2(c), datas[k].data, datas[k].len)) {
				fprintf(stderr, "DATA %u: osmo's re-encoding differs\n", k);
				return -1;
			}
			msgb_free(c);
		}
	}
	return 0;
}

/* ---- timing ---- */

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

enum { V_OURS, V_8K, V_INPLACE, V_LAYER, V_LAYER_INPLACE, V_CODEC, V_OSMO, V_MAX };
static const struct {
	const char *name;
	void (*loop)(unsigned long n);
	const char *what;
} variants[V_MAX] = {
	[V_OURS] = { "ours", loop_ours, "MSU -> DATA -> MSU, API pipeline (headline)" },
	[V_8K] = { "ours-8k", loop_8k, "the same, DATA msgb from sg_m3ua_msg_new (8 KiB)" },
	[V_INPLACE] = { "ours-inplace", loop_inplace, "the same, in place (no copy, one msgb)" },
	[V_LAYER] = { "ours-layer", loop_layer, "MSU -> DATA -> MSU through NIF + M3UA layer" },
	[V_LAYER_INPLACE] = { "ours-layer-inplace", loop_layer_inplace,
			      "the same, DATA -> MSU in place too (sg_m3ua_asp_rx_msg)" },
	[V_CODEC] = { "ours-codec", loop_codec, "DATA decode + re-encode (baseline's work)" },
	[V_OSMO] = { "osmo", loop_osmo, "libosmo-xua xua_from_msg + xua_to_msg" },
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	unsigned long n = 200000;
	unsigned int runs = 9;
	int only = -1, c;
	bool have_osmo;
	double rate[V_MAX][64], ratio[3][64], inplace[2][64];

	while ((c = getopt(argc, argv, "n:r:v:")) != -1) {
		switch (c) {
		case 'n': n = strtoul(optarg, NULL, 0); break;
		case 'r': runs = atoi(optarg); break;
		case 'v':
			for (int v = 0; v < V_MAX; v++)
				if (!strcmp(optarg, variants[v].name))
					only = v;
			if (only < 0) {
				fprintf(stderr, "unknown variant %s\n", optarg);
				return 2;
			}
			break;
		default:
			fprintf(stderr, "usage: %s [-n MESSAGES] [-r RUNS] [-v ours|ours-8k|"
				"ours-inplace|ours-layer|ours-layer-inplace|ours-codec|osmo]\n", argv[0]);
			return 2;
		}
	}
	if (!n || !runs || runs > 64) {
		fprintf(stderr, "-n must be > 0, -r 1..64\n");
		return 2;
	}
	sg_log_init(NULL, SG_LOG_STDERR, false);
	for (int i = 0; i < _SG_LOG_CAT_MAX; i++)
		sg_log_set_level(i, LOGL_FATAL);
	sg_clock_virtual(0);
	if (setup() < 0) {
		fprintf(stderr, "set-up failed\n");
		return 1;
	}
	have_osmo = xua_load();
	if (!have_osmo)
		fprintf(stderr, "libosmoxua.so.0 not found (libosmo-sccp-dev): baseline skipped\n");
	if (check(have_osmo) < 0)
		return 1;
	if (only == V_OSMO && !have_osmo)
		return 1;
	printf("m3ua_bench: %u ASs (DPC+SI keys), %u translation rules, %u distinct ISUP IAMs "
	       "(MSU %u octets, DATA %u octets), %lu messages x %u runs, CPU time of the thread\n",
	       N_AS, N_XLATE, N_MSG, msus[0].len, datas[0].len, n, runs);
	if (only >= 0) {
		double t0 = cpu_now();

		variants[only].loop(n);
		t0 = cpu_now() - t0;
		printf("%-18s %10.0f msg/s  %7.1f ns/msg   %s\n", variants[only].name, n / t0,
		       t0 * 1e9 / n, variants[only].what);
		return sink == 0xdeadbeef;
	}
	for (unsigned int r = 0; r < runs; r++) {
		/* a short warm-up, then each variant in turn */
		for (int v = 0; v < V_MAX; v++) {
			double t0;

			if (v == V_OSMO && !have_osmo) {
				rate[v][r] = 0;
				continue;
			}
			variants[v].loop(n / 20 + 1);
			t0 = cpu_now();
			variants[v].loop(n);
			rate[v][r] = n / (cpu_now() - t0);
		}
		printf("run %u:", r + 1);
		for (int v = 0; v < V_MAX; v++)
			printf(" %s %.0f", variants[v].name, rate[v][r]);
		/* in place against copying, the same messages in the same run */
		inplace[0][r] = rate[V_INPLACE][r] / rate[V_OURS][r];
		inplace[1][r] = rate[V_LAYER_INPLACE][r] / rate[V_LAYER][r];
		printf("  ratio inplace/copy %.2f, layer %.2f", inplace[0][r], inplace[1][r]);
		if (have_osmo) {
			ratio[0][r] = rate[V_OURS][r] / rate[V_OSMO][r];
			ratio[1][r] = rate[V_LAYER][r] / rate[V_OSMO][r];
			ratio[2][r] = rate[V_CODEC][r] / rate[V_OSMO][r];
			printf("  ratio ours/osmo %.2f", ratio[0][r]);
		}
		printf("\n");
	}
	printf("\n%-18s %12s %12s %12s %9s\n", "variant", "median msg/s", "min", "max",
	       "ns/msg");
	for (int v = 0; v < V_MAX; v++) {
		double med;

		if (v == V_OSMO && !have_osmo)
			continue;
		med = median(rate[v], runs);
		printf("%-18s %12.0f %12.0f %12.0f %9.1f   %s\n", variants[v].name, med,
		       rate[v][0], rate[v][runs - 1], 1e9 / med, variants[v].what);
	}
	for (int i = 0; i < 2; i++) {
		static const char *const rn[2] = { "ours-inplace/ours",
						   "ours-layer-inplace/ours-layer" };
		double med = median(inplace[i], runs);

		printf("ratio %-29s median %.2f (min %.2f, max %.2f)\n", rn[i], med,
		       inplace[i][0], inplace[i][runs - 1]);
	}
	if (have_osmo) {
		static const char *const rn[3] = { "ours/osmo", "ours-layer/osmo",
						   "ours-codec/osmo" };

		for (int i = 0; i < 3; i++) {
			double med = median(ratio[i], runs);

			printf("ratio %-16s median %.2f (min %.2f, max %.2f)%s\n", rn[i], med,
			       ratio[i][0], ratio[i][runs - 1],
			       i == 0 ? (med >= 5 ? "  goal >= 5: met" : "  goal >= 5: NOT met") : "");
		}
	}
	/* the NIFs have no MTP3 to detach from (sg_nif_free would): free them with ctx */
	sg_m3ua_free(ly.m);
	sg_m3ua_free(m3ua);
	talloc_free(ctx);
	return sink == 0xdeadbeef;	/* keeps the loops' results alive */
}
