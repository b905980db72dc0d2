/* The SG's nodal interworking function: MTP3 <-> M3UA with point-code translation
 * (RFC 4666 §1.4.2, §1.4.3, §4.5; Q.704 §2.3, §2.4, §11.2.7).  See include/sg/nif.h. */

#include <errno.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <sg/counter.h>
#include <sg/log.h>
#include <sg/m3ua.h>
#include <sg/m3ua_sg.h>
#include <sg/msg.h>
#include <sg/mtp3.h>
#include <sg/mtp3_core.h>
#include <sg/mtp_sap.h>
#include <sg/nif.h>
#include <sg/timer.h>

#define NIF_MAX_XLATE	1024
#define NIF_MAX_AS	256
#define NIF_MAX_DEST	256	/* remembered congestion / UPU states */
#define SIF_MAX		272	/* Q.703 §2.3.8: SIF of a narrowband MSU */
#define XTAB_SIZE	2048	/* power of 2, at least twice NIF_MAX_XLATE */

static const struct sg_ctr_desc nif_ctr_desc[] = {
	[SG_NIF_CTR_TDM_TO_IP] = { "tdm_to_ip", "MSUs from SS7 sent as M3UA DATA" },
	[SG_NIF_CTR_TDM_TO_IP_BUF] = { "tdm_to_ip:buffered", "of which buffered (AS pending)" },
	[SG_NIF_CTR_IP_TO_TDM] = { "ip_to_tdm", "M3UA DATA sent on to SS7 as MSUs" },
	[SG_NIF_CTR_IP_TO_IP] = { "ip_to_ip", "M3UA DATA relayed between ASs" },
	[SG_NIF_CTR_NO_KEY] = { "drop:no_routing_key", "MSUs matching no routing key" },
	[SG_NIF_CTR_AS_UNAVAIL] = { "drop:as_unavailable", "MSUs for an AS that could not take them" },
	[SG_NIF_CTR_UPU_TX] = { "upu_caused", "UPUs sent for MSUs that could not be delivered" },
	[SG_NIF_CTR_DEST_UNAVAIL] = { "drop:dest_inaccessible", "DATA for an inaccessible SS7 destination (DUNA back)" },
	[SG_NIF_CTR_BAD_OPC] = { "drop:bad_opc", "DATA whose OPC is not a local point code" },
	[SG_NIF_CTR_BAD_NI] = { "drop:bad_ni", "DATA with a network indicator other than MTP3's" },
	[SG_NIF_CTR_SIF_TOO_LONG] = { "drop:sif_too_long", "DATA longer than 272 octets of SIF" },
	[SG_NIF_CTR_SSNM_TX] = { "ssnm_tx", "DUNA/DAVA/SCON/DUPU/DRST sent to ASPs" },
	[SG_NIF_CTR_SSNM_RX] = { "ssnm_rx", "SSNM received from remote SGPs" },
	[SG_NIF_CTR_XLATED] = { "pc_translated", "point codes translated" },
	[SG_NIF_CTR_BUF_COPY] = { "buf:copied", "conversions that copied the message (too little "
				  "head- or tailroom for converting in place)" },
};
static const struct sg_ctr_group_desc nif_ctrg_desc = {
	"nif", ARRAY_SIZE(nif_ctr_desc), nif_ctr_desc
};

/* An AS known to the NIF, with its routing key's DPCs on the TDM side. */
struct nif_as {
	struct sg_m3ua_as *as;
	unsigned int ndpc;
	uint32_t tdm_dpc[SG_M3UA_RK_MAX_DPC];
	bool alias[SG_M3UA_RK_MAX_DPC];	/* we added it as an MTP3 alias */
	/* remote: DUNA/DAVA from the SGP about each DPC */
	bool remote_unavail[SG_M3UA_RK_MAX_DPC];
};

/* What MTP3 told us about a destination that is not in its route-set state */
struct nif_dest {
	uint32_t tdm_pc;
	uint8_t cong_level;
	uint64_t cong_until;		/* sg_now() */
	uint64_t scon_at;		/* last SCON sent */
	uint16_t upu_si;		/* bit per SI */
	uint8_t upu_cause;
};

struct sg_nif {
	struct sg_nif_cfg cfg;
	struct sg_mtp3 *mtp3;
	struct sg_m3ua *m3ua;
	struct sg_mtp_user mtp_user;	/* registered with mtp3 by sg_nif_start() */
	unsigned int nx;
	struct sg_nif_xlate *x;		/* NIF_MAX_XLATE */
	/* (NI, PC) -> rule index + 1, open addressing, one table per side (XTAB_SIZE) */
	uint16_t *tdm_tab, *ip_tab;
	unsigned int nas;
	struct nif_as as[NIF_MAX_AS];
	unsigned int ndest;
	struct nif_dest dest[NIF_MAX_DEST];
	struct sg_ctr_group *ctr;
};

void sg_nif_cfg_defaults(struct sg_nif_cfg *cfg)
{
	*cfg = (struct sg_nif_cfg){
		.variant = SG_PC_ITU,
		.ni = SG_NI_INTERNATIONAL,
		.upu_when_unavailable = true,
		.cong_hold_ms = 5000,
		.sis = SG_MTP_SI_USERS,
	};
}

/* ---- point-code translation ---- */

static inline unsigned int xkey_hash(uint8_t ni, uint32_t pc)
{
	return (((uint32_t)ni << 24 | pc) * 2654435761u) >> (32 - 11);
}

static void xtab_rebuild(struct sg_nif *nif)
{
	memset(nif->tdm_tab, 0, XTAB_SIZE * sizeof(nif->tdm_tab[0]));
	memset(nif->ip_tab, 0, XTAB_SIZE * sizeof(nif->ip_tab[0]));
	for (unsigned int i = 0; i < nif->nx; i++) {
		const struct sg_nif_xlate *x = &nif->x[i];
		unsigned int h;

		for (h = xkey_hash(x->tdm_ni, x->tdm_pc); nif->tdm_tab[h]; h = (h + 1) & (XTAB_SIZE - 1))
			;
		nif->tdm_tab[h] = i + 1;
		for (h = xkey_hash(x->ip_ni, x->ip_pc); nif->ip_tab[h]; h = (h + 1) & (XTAB_SIZE - 1))
			;
		nif->ip_tab[h] = i + 1;
	}
}

bool sg_nif_tdm_to_ip(const struct sg_nif *nif, uint8_t *ni, uint32_t *pc)
{
	for (unsigned int h = xkey_hash(*ni, *pc); nif->tdm_tab[h]; h = (h + 1) & (XTAB_SIZE - 1)) {
		const struct sg_nif_xlate *x = &nif->x[nif->tdm_tab[h] - 1];

		if (x->tdm_pc == *pc && x->tdm_ni == *ni) {
			*pc = x->ip_pc;
			*ni = x->ip_ni;
			return true;
		}
	}
	return false;
}

bool sg_nif_ip_to_tdm(const struct sg_nif *nif, uint8_t *ni, uint32_t *pc)
{
	for (unsigned int h = xkey_hash(*ni, *pc); nif->ip_tab[h]; h = (h + 1) & (XTAB_SIZE - 1)) {
		const struct sg_nif_xlate *x = &nif->x[nif->ip_tab[h] - 1];

		if (x->ip_pc == *pc && x->ip_ni == *ni) {
			*pc = x->tdm_pc;
			*ni = x->tdm_ni;
			return true;
		}
	}
	return false;
}

/* a PC alone (SSNM, routing keys): the rule for MTP3's NI on the TDM side, or for the NI the
 * IP side uses for it */
static uint32_t pc_to_ip(struct sg_nif *nif, uint32_t pc)
{
	uint8_t ni = nif->cfg.ni;

	if (sg_nif_tdm_to_ip(nif, &ni, &pc))
		sg_ctr_inc(nif->ctr, SG_NIF_CTR_XLATED);
	return pc;
}

static uint32_t pc_to_tdm(struct sg_nif *nif, uint32_t pc)
{
	/* the IP side's NI is not known here: the rule of any NI leading to MTP3's */
	for (uint8_t ni = 0; ni < 4; ni++) {
		uint8_t n = ni;
		uint32_t p = pc;

		if (sg_nif_ip_to_tdm(nif, &n, &p) && n == nif->cfg.ni) {
			sg_ctr_inc(nif->ctr, SG_NIF_CTR_XLATED);
			return p;
		}
	}
	return pc;
}

int sg_nif_xlate_add(struct sg_nif *nif, const struct sg_nif_xlate *x)
{
	unsigned int bits = sg_pc_bits(nif->cfg.variant);

	if (x->tdm_ni > 3 || x->ip_ni > 3 || x->tdm_pc >= (1u << bits) || x->ip_pc >= (1u << bits) ||
	    !x->name[0])
		return -EINVAL;
	for (unsigned int i = 0; i < nif->nx; i++) {
		const struct sg_nif_xlate *y = &nif->x[i];

		if (!strcmp(y->name, x->name) || (y->tdm_ni == x->tdm_ni && y->tdm_pc == x->tdm_pc) ||
		    (y->ip_ni == x->ip_ni && y->ip_pc == x->ip_pc))
			return -EEXIST;
	}
	if (nif->nx >= NIF_MAX_XLATE)
		return -ENOSPC;
	nif->x[nif->nx++] = *x;
	xtab_rebuild(nif);
	return 0;
}

int sg_nif_xlate_del(struct sg_nif *nif, const char *name)
{
	for (unsigned int i = 0; i < nif->nx; i++) {
		if (strcmp(nif->x[i].name, name))
			continue;
		memmove(&nif->x[i], &nif->x[i + 1], (nif->nx - i - 1) * sizeof(nif->x[0]));
		nif->nx--;
		xtab_rebuild(nif);
		return 0;
	}
	return -ENOENT;
}

/* ---- ASs and their point codes (MTP3 aliases) ---- */

static struct nif_as *nas_find(struct sg_nif *nif, const struct sg_m3ua_as *as)
{
	for (unsigned int i = 0; i < nif->nas; i++)
		if (nif->as[i].as == as)
			return &nif->as[i];
	return NULL;
}

static bool as_up(const struct sg_m3ua_as *as)
{
	enum sg_m3ua_as_state s = sg_m3ua_as_state(as);

	return s == SG_M3UA_AS_ACTIVE || s == SG_M3UA_AS_PENDING;
}

/* Is the local point code pc (TDM side) reachable through some AS? */
static bool alias_accessible(struct sg_nif *nif, uint32_t pc)
{
	for (unsigned int i = 0; i < nif->nas; i++) {
		const struct nif_as *a = &nif->as[i];

		for (unsigned int k = 0; k < a->ndpc; k++)
			if (a->tdm_dpc[k] == pc && as_up(a->as) && !a->remote_unavail[k])
				return true;
	}
	return false;
}

static void alias_update(struct sg_nif *nif, uint32_t pc)
{
	if (pc == sg_mtp3_pc(nif->mtp3))
		return;
	sg_mtp3_alias_set_accessible(nif->mtp3, pc, alias_accessible(nif, pc));
}

int sg_nif_as_add(struct sg_nif *nif, struct sg_m3ua_as *as)
{
	const struct sg_m3ua_rkey *rk = sg_m3ua_as_rkey(as);
	struct nif_as *a;
	int rc;

	if (nas_find(nif, as))
		return 0;
	if (nif->nas >= NIF_MAX_AS)
		return -ENOSPC;
	a = &nif->as[nif->nas];
	*a = (struct nif_as){ .as = as };
	for (unsigned int k = 0; rk && k < rk->ndpc && a->ndpc < SG_M3UA_RK_MAX_DPC; k++) {
		uint32_t pc;

		if (rk->dpc[k].mask) {
			/* a range cannot be a local point code: traffic for it must be routed
			 * to the SG by the SS7 network some other way (documented) */
			LOGP(DNIF, LOGL_NOTICE, "AS %s: DPC %u/%u is a range; not a local PC of MTP3\n",
			     sg_m3ua_as_name(as), rk->dpc[k].pc, rk->dpc[k].mask);
			continue;
		}
		pc = pc_to_tdm(nif, rk->dpc[k].pc);
		a->tdm_dpc[a->ndpc] = pc;
		if (!sg_mtp3_is_local(nif->mtp3, pc)) {
			rc = sg_mtp3_alias_add(nif->mtp3, pc, false);
			if (rc < 0) {
				LOGP(DNIF, LOGL_ERROR, "AS %s: DPC %u cannot be a local PC of MTP3: %s\n",
				     sg_m3ua_as_name(as), pc, strerror(-rc));
				for (unsigned int j = 0; j < a->ndpc; j++)
					if (a->alias[j])
						sg_mtp3_alias_del(nif->mtp3, a->tdm_dpc[j]);
				return rc;
			}
			a->alias[a->ndpc] = true;
		}
		a->ndpc++;
	}
	nif->nas++;
	for (unsigned int k = 0; k < a->ndpc; k++)
		alias_update(nif, a->tdm_dpc[k]);
	return 0;
}

void sg_nif_as_del(struct sg_nif *nif, struct sg_m3ua_as *as)
{
	struct nif_as *a = nas_find(nif, as);
	struct nif_as old;

	if (!a)
		return;
	old = *a;
	*a = nif->as[--nif->nas];
	for (unsigned int k = 0; k < old.ndpc; k++) {
		bool used = false;

		for (unsigned int i = 0; i < nif->nas; i++)
			for (unsigned int j = 0; j < nif->as[i].ndpc; j++)
				if (nif->as[i].tdm_dpc[j] == old.tdm_dpc[k])
					used = true;
		if (old.alias[k] && !used)
			sg_mtp3_alias_del(nif->mtp3, old.tdm_dpc[k]);
		else
			alias_update(nif, old.tdm_dpc[k]);
	}
}

/* ---- remembered MTP-STATUS (for DAUD answers) ---- */

static struct nif_dest *dest_get(struct sg_nif *nif, uint32_t pc, bool create)
{
	for (unsigned int i = 0; i < nif->ndest; i++)
		if (nif->dest[i].tdm_pc == pc)
			return &nif->dest[i];
	if (!create)
		return NULL;
	if (nif->ndest < NIF_MAX_DEST) {
		nif->dest[nif->ndest] = (struct nif_dest){ .tdm_pc = pc };
		return &nif->dest[nif->ndest++];
	}
	/* full: reuse the entry whose congestion ran out first */
	unsigned int oldest = 0;

	for (unsigned int i = 1; i < nif->ndest; i++)
		if (nif->dest[i].cong_until < nif->dest[oldest].cong_until)
			oldest = i;
	nif->dest[oldest] = (struct nif_dest){ .tdm_pc = pc };
	return &nif->dest[oldest];
}

/* ---- SS7 -> IP ---- */

static int ssnm(struct sg_nif *nif, uint8_t type, uint32_t ip_pc, const struct sg_m3ua_ssnm_extra *x)
{
	int n;

	if (!nif->m3ua)
		return 0;
	n = sg_m3ua_ssnm_send(nif->m3ua, type, &ip_pc, 1, x);
	if (n > 0)
		sg_ctr_add(nif->ctr, SG_NIF_CTR_SSNM_TX, n);
	return n;
}

/* Send the user part at msgb_l4(msg) (or msg->data) to the AS as DATA, converted in place
 * (include/sg/msg.h): the room for the largest DATA first, counted when the message had to
 * be copied for it.  Takes msg.  sg_m3ua_send_data_msg()'s result. */
static int data_to_as(struct sg_nif *nif, struct sg_m3ua_as *as, const struct sg_m3ua_pdata *pd,
		      struct msgb *msg)
{
	int r = sg_m3ua_data_room(&msg);

	if (r < 0) {
		msgb_free(msg);
		return r;
	}
	if (r > 0)
		sg_ctr_inc(nif->ctr, SG_NIF_CTR_BUF_COPY);
	return sg_m3ua_send_data_msg(nif->m3ua, as, pd, msg);
}

void sg_nif_mtp_transfer_ind(struct sg_nif *nif, const struct sg_mtp_param *p, struct msgb *msg)
{
	struct sg_m3ua_pdata pd = {
		.opc = p->opc, .dpc = p->dpc, .si = p->si, .ni = p->ni, .mp = p->prio,
		.sls = p->sls,
	};
	uint8_t ni_o = p->ni, ni_d = p->ni;
	struct sg_m3ua_as *as = NULL;
	uint8_t *up = msgb_l4(msg) ? msgb_l4(msg) : msg->data;
	int rc;

	pd.data = up;
	pd.len = msg->tail - up;
	/* translate: the NI on the IP side is the DPC's rule's, else the OPC's, else as is */
	if (sg_nif_tdm_to_ip(nif, &ni_o, &pd.opc)) {
		pd.ni = ni_o;
		sg_ctr_inc(nif->ctr, SG_NIF_CTR_XLATED);
	}
	if (sg_nif_tdm_to_ip(nif, &ni_d, &pd.dpc)) {
		pd.ni = ni_d;
		sg_ctr_inc(nif->ctr, SG_NIF_CTR_XLATED);
	}
	if (nif->m3ua) {
		as = sg_m3ua_route(nif->m3ua, &pd);
		if (!as)
			as = sg_m3ua_route_remote(nif->m3ua, &pd);
	}
	if (!as) {
		sg_ctr_inc(nif->ctr, SG_NIF_CTR_NO_KEY);
		LOGP(DNIF, LOGL_INFO, "MSU SI %u %u->%u matches no routing key: UPU unequipped\n",
		     p->si, p->opc, p->dpc);
		if (sg_mtp3_upu_send(nif->mtp3, p, false) == 0)
			sg_ctr_inc(nif->ctr, SG_NIF_CTR_UPU_TX);
		msgb_free(msg);
		return;
	}
	rc = data_to_as(nif, as, &pd, msg);
	if (rc >= 0) {
		sg_ctr_inc(nif->ctr, SG_NIF_CTR_TDM_TO_IP);
		if (rc == 1)
			sg_ctr_inc(nif->ctr, SG_NIF_CTR_TDM_TO_IP_BUF);
		return;
	}
	sg_ctr_inc(nif->ctr, SG_NIF_CTR_AS_UNAVAIL);
	LOGP(DNIF, LOGL_INFO, "AS %s cannot take MSU SI %u for %u: %s\n", sg_m3ua_as_name(as),
	     p->si, p->dpc, strerror(-rc));
	if (nif->cfg.upu_when_unavailable && sg_mtp3_upu_send(nif->mtp3, p, true) == 0)
		sg_ctr_inc(nif->ctr, SG_NIF_CTR_UPU_TX);
}

static void mtp_status_ind(struct sg_nif *nif, enum sg_mtp_prim prim, const struct sg_mtp_param *p)
{
	struct sg_m3ua_ssnm_extra x = { 0 };
	struct nif_dest *d;
	uint32_t ip_pc;

	ip_pc = pc_to_ip(nif, p->dpc);
	switch (prim) {
	case SG_MTP_PAUSE:		/* L3-SG-01, RFC 4666 §4.5.1 */
		ssnm(nif, SG_M3UA_SSNM_DUNA, ip_pc, NULL);
		break;
	case SG_MTP_RESUME:
		d = dest_get(nif, p->dpc, false);
		if (d)
			d->cong_level = 0;
		ssnm(nif, SG_M3UA_SSNM_DAVA, ip_pc, NULL);
		break;
	case SG_MTP_STATUS:
		switch (p->cause) {
		case SG_MTP_STATUS_CONGESTION: {	/* L3-SG-02, §4.5.2 */
			uint8_t level = p->cong_level ? p->cong_level : 1;
			uint64_t now = sg_now();

			d = dest_get(nif, p->dpc, true);
			/* one SCON per level change, and at most one a second while it lasts
			 * (every congested MSU of a local user is indicated) */
			if (d->cong_level == level && now < d->scon_at + SG_NS_PER_S &&
			    now < d->cong_until) {
				d->cong_until = now + nif->cfg.cong_hold_ms * SG_NS_PER_MS;
				break;
			}
			d->cong_level = level;
			d->cong_until = now + nif->cfg.cong_hold_ms * SG_NS_PER_MS;
			d->scon_at = now;
			x.has_cong = true;
			x.cong_level = level;
			ssnm(nif, SG_M3UA_SSNM_SCON, ip_pc, &x);
			break;
		}
		case SG_MTP_STATUS_UPU_UNKNOWN:
		case SG_MTP_STATUS_UPU_UNEQUIPPED:
		case SG_MTP_STATUS_UPU_INACCESSIBLE:	/* L3-SG-02, §4.5.4 */
			d = dest_get(nif, p->dpc, true);
			x.user = p->si;
			x.cause = p->cause == SG_MTP_STATUS_UPU_UNEQUIPPED ? SG_M3UA_DUPU_UNEQUIPPED :
				  p->cause == SG_MTP_STATUS_UPU_INACCESSIBLE ?
				  SG_M3UA_DUPU_INACCESSIBLE : SG_M3UA_DUPU_UNKNOWN;
			d->upu_si |= 1u << (p->si & 15);
			d->upu_cause = x.cause;
			ssnm(nif, SG_M3UA_SSNM_DUPU, ip_pc, &x);
			break;
		case SG_MTP_STATUS_RESTRICTED:	/* L3-SG-03: DRST (RFC 4666 §3.4.6, national) */
			ssnm(nif, SG_M3UA_SSNM_DRST, ip_pc, NULL);
			break;
		}
		break;
	default:
		break;
	}
}

/* The NIF's one entry point from MTP3 (the MTP-user SAP, include/sg/mtp_sap.h): MSUs of its
 * SIs, and PAUSE/RESUME/STATUS once each */
static void mtp_prim_cb(struct sg_mtp3 *m, enum sg_mtp_prim prim, const struct sg_mtp_param *p,
			struct msgb *msg, void *priv)
{
	struct sg_nif *nif = priv;

	(void)m;
	if (prim == SG_MTP_TRANSFER) {
		sg_nif_mtp_transfer_ind(nif, p, msg);
		return;
	}
	mtp_status_ind(nif, prim, p);
}

int sg_nif_start(struct sg_nif *nif)
{
	nif->mtp_user = (struct sg_mtp_user){ .name = "nif", .prim_cb = mtp_prim_cb, .priv = nif };
	return sg_mtp3_user_register(nif->mtp3, nif->cfg.sis, &nif->mtp_user);
}

/* ---- IP -> SS7 (the M3UA instance's user) ---- */

/* The MSU's user part: the DATA's, in place, with the room for SIO and routing label in
 * front (msg: the DATA's buffer), or a copy of pd's (msg NULL).  Takes msg; NULL when out of
 * memory. */
static struct msgb *msu_user_part(struct sg_nif *nif, const struct sg_m3ua_pdata *pd,
				  struct msgb *msg)
{
	bool copied;

	msg = sg_m3ua_data_user_part(msg, pd, sg_mtp3_hdr_len(nif->cfg.variant), &copied);
	if (copied)
		sg_ctr_inc(nif->ctr, SG_NIF_CTR_BUF_COPY);
	return msg;
}

/* DATA from a peer (IP -> SS7, or IP -> IP).  msg: the buffer the DATA came in (taken: it
 * becomes the MSU or the relayed DATA in place), or NULL (the layer was given octets, not a
 * buffer: pd's user part is copied). */
static void ip_data(struct sg_nif *nif, struct sg_m3ua_as *as, struct sg_m3ua_asp *asp,
		    const struct sg_m3ua_pdata *pd, struct msgb *msg)
{
	struct sg_mtp_param p = { .si = pd->si, .sls = pd->sls, .prio = pd->mp };
	uint8_t ni_o = pd->ni, ni_d = pd->ni;
	uint32_t opc = pd->opc, dpc = pd->dpc;
	struct sg_m3ua_as *to;
	unsigned int hl = sg_mtp3_hdr_len(nif->cfg.variant);
	int rc;

	if (sg_nif_ip_to_tdm(nif, &ni_o, &opc))
		sg_ctr_inc(nif->ctr, SG_NIF_CTR_XLATED);
	if (sg_nif_ip_to_tdm(nif, &ni_d, &dpc))
		sg_ctr_inc(nif->ctr, SG_NIF_CTR_XLATED);
	if (ni_o != nif->cfg.ni || ni_d != nif->cfg.ni) {
		sg_ctr_inc(nif->ctr, SG_NIF_CTR_BAD_NI);
		LOGP(DNIF, LOGL_NOTICE, "%s: DATA with NI %u (MTP3 uses %u): discarded\n",
		     sg_m3ua_asp_name(asp), ni_d, nif->cfg.ni);
		goto drop;
	}
	/* IP -> IP: the DPC is a point code of another AS (RFC 4666 §1.4.2, M3-DATA-08) */
	if (sg_mtp3_is_local(nif->mtp3, dpc) && dpc != sg_mtp3_pc(nif->mtp3)) {
		to = sg_m3ua_route(nif->m3ua, pd);
		if (!to)
			to = sg_m3ua_route_remote(nif->m3ua, pd);
		if (to && to != as) {
			if (!msg)
				rc = sg_m3ua_send_data(nif->m3ua, to, pd);
			else if (sg_m3ua_data_unwrap(msg, pd) == 0)
				rc = data_to_as(nif, to, pd, msg);
			else {
				msgb_free(msg);	/* pd is not from msg: the layer's bug */
				rc = -EINVAL;
			}
			sg_ctr_inc(nif->ctr, rc >= 0 ? SG_NIF_CTR_IP_TO_IP : SG_NIF_CTR_AS_UNAVAIL);
			return;
		}
	}
	if (!sg_mtp3_is_local(nif->mtp3, opc)) {
		sg_ctr_inc(nif->ctr, SG_NIF_CTR_BAD_OPC);
		LOGP(DNIF, LOGL_NOTICE, "%s: DATA with OPC %u, not a point code of this SG or its "
		     "ASs: discarded\n", sg_m3ua_asp_name(asp), opc);
		goto drop;
	}
	if (!sg_mtp3_dpc_accessible(nif->mtp3, dpc)) {
		/* M3-DATA-06: tell the sender */
		uint32_t apc = pd->dpc;

		sg_ctr_inc(nif->ctr, SG_NIF_CTR_DEST_UNAVAIL);
		if (sg_m3ua_ssnm_send_asp(asp, SG_M3UA_SSNM_DUNA, &apc, 1, NULL) > 0)
			sg_ctr_inc(nif->ctr, SG_NIF_CTR_SSNM_TX);
		goto drop;
	}
	if (pd->len + hl - 1 > SIF_MAX) {
		/* M3-DATA-10: never cut, never segmented (MTP3 has no segmentation) */
		sg_ctr_inc(nif->ctr, SG_NIF_CTR_SIF_TOO_LONG);
		LOGP(DNIF, LOGL_NOTICE, "%s: DATA of %u octets exceeds the 272-octet SIF: "
		     "discarded\n", sg_m3ua_asp_name(asp), pd->len);
		goto drop;
	}
	/* MTP3 (HMRT) writes SIO and routing label in front of the user part */
	msg = msu_user_part(nif, pd, msg);
	if (!msg)
		return;
	p.opc = opc;
	p.dpc = dpc;
	p.ni = nif->cfg.ni;
	if (sg_mtp3_transfer_req_opc(nif->mtp3, &p, msg) == 0)
		sg_ctr_inc(nif->ctr, SG_NIF_CTR_IP_TO_TDM);
	return;
drop:
	if (msg)
		msgb_free(msg);
}

static void m3ua_data_ind(void *priv, struct sg_m3ua_as *as, struct sg_m3ua_asp *asp,
			  const struct sg_m3ua_pdata *pd)
{
	ip_data(priv, as, asp, pd, NULL);
}

static void m3ua_data_msg_ind(void *priv, struct sg_m3ua_as *as, struct sg_m3ua_asp *asp,
			      const struct sg_m3ua_pdata *pd, struct msgb *msg)
{
	ip_data(priv, as, asp, pd, msg);
}

static void m3ua_as_state(void *priv, struct sg_m3ua_as *as, enum sg_m3ua_as_state old,
			  enum sg_m3ua_as_state new_state)
{
	struct sg_nif *nif = priv;
	struct nif_as *a = nas_find(nif, as);
	bool was = old == SG_M3UA_AS_ACTIVE || old == SG_M3UA_AS_PENDING;
	bool is = new_state == SG_M3UA_AS_ACTIVE || new_state == SG_M3UA_AS_PENDING;

	LOGP(DNIF, LOGL_NOTICE, "AS %s: %s -> %s\n", sg_m3ua_as_name(as),
	     get_value_string(sg_m3ua_as_state_names, old),
	     get_value_string(sg_m3ua_as_state_names, new_state));
	if (!a) {
		/* created by RKM registration */
		if (sg_nif_as_add(nif, as) < 0)
			return;
		a = nas_find(nif, as);
	}
	if (was == is)
		return;
	for (unsigned int k = 0; k < a->ndpc; k++) {
		/* M3-SSNM-12: the other ASPs learn about this AS's point codes */
		struct sg_m3ua_ssnm_extra x = { .skip_as = as };

		alias_update(nif, a->tdm_dpc[k]);
		if (!sg_m3ua_as_remote(as) && a->tdm_dpc[k] != sg_mtp3_pc(nif->mtp3))
			ssnm(nif, alias_accessible(nif, a->tdm_dpc[k]) ? SG_M3UA_SSNM_DAVA :
			     SG_M3UA_SSNM_DUNA, pc_to_ip(nif, a->tdm_dpc[k]), &x);
	}
}

struct push_ctx {
	struct sg_nif *nif;
	struct sg_m3ua_asp *asp;
};

static void push_dest(uint32_t dpc, const struct sg_mtp3_dest_status *st, void *priv)
{
	struct push_ctx *c = priv;
	uint32_t ip = pc_to_ip(c->nif, dpc);
	struct nif_dest *d = dest_get(c->nif, dpc, false);
	uint8_t type = 0;

	if (!st->accessible)
		type = SG_M3UA_SSNM_DUNA;
	else if (st->restricted)
		type = SG_M3UA_SSNM_DRST;
	if (type && sg_m3ua_ssnm_send_asp(c->asp, type, &ip, 1, NULL) > 0)
		sg_ctr_inc(c->nif->ctr, SG_NIF_CTR_SSNM_TX);
	if (st->accessible && d && d->cong_level && sg_now() < d->cong_until) {
		struct sg_m3ua_ssnm_extra x = { .has_cong = true, .cong_level = d->cong_level };

		if (sg_m3ua_ssnm_send_asp(c->asp, SG_M3UA_SSNM_SCON, &ip, 1, &x) > 0)
			sg_ctr_inc(c->nif->ctr, SG_NIF_CTR_SSNM_TX);
	}
}

static void m3ua_asp_state(void *priv, struct sg_m3ua_asp *asp, enum sg_m3ua_asp_state old,
			   enum sg_m3ua_asp_state new_state)
{
	struct sg_nif *nif = priv;

	/* for the operator (the layer logs every transition at INFO) */
	LOGP(DM3UA, LOGL_NOTICE, "peer %s: %s -> %s\n", sg_m3ua_asp_name(asp),
	     get_value_string(sg_m3ua_asp_state_names, old),
	     get_value_string(sg_m3ua_asp_state_names, new_state));
	/* M3-SSNM-11: a peer that becomes active (as our ASP) learns which SS7 destinations are
	 * unavailable, restricted or congested now (the point codes of other ASs are told as
	 * they change, M3-SSNM-12) */
	if (new_state == SG_M3UA_ASP_ACTIVE && old != SG_M3UA_ASP_ACTIVE &&
	    sg_m3ua_asp_role(asp) != SG_M3UA_ROLE_ASP) {
		struct push_ctx c = { nif, asp };

		sg_mtp3_foreach_dest(nif->mtp3, push_dest, &c);
	}
}

/* DAUD (L3-SG-04): the IP-side PC's state from MTP3 (route sets, aliases) and what MTP-STATUS
 * told us */
static int m3ua_dest_status(void *priv, uint32_t pc, uint8_t mask, struct sg_m3ua_dest_status *out)
{
	struct sg_nif *nif = priv;
	struct sg_mtp3_dest_status st;
	uint32_t tdm = pc_to_tdm(nif, pc);
	struct nif_dest *d;

	*out = (struct sg_m3ua_dest_status){ .state = SG_M3UA_DEST_UNKNOWN };
	if (mask)
		return -1;
	if (sg_mtp3_dest_status(nif->mtp3, tdm, &st) < 0 || !st.known)
		return -1;
	if (st.local && tdm != sg_mtp3_pc(nif->mtp3))
		out->state = alias_accessible(nif, tdm) ? SG_M3UA_DEST_AVAILABLE :
							  SG_M3UA_DEST_UNAVAILABLE;
	else if (!st.accessible)
		out->state = SG_M3UA_DEST_UNAVAILABLE;
	else
		out->state = st.restricted ? SG_M3UA_DEST_RESTRICTED : SG_M3UA_DEST_AVAILABLE;
	d = dest_get(nif, tdm, false);
	if (d && out->state != SG_M3UA_DEST_UNAVAILABLE) {
		if (d->cong_level && sg_now() < d->cong_until)
			out->cong_level = d->cong_level;
		out->upu_si = d->upu_si;
		out->upu_cause = d->upu_cause;
	}
	return 0;
}

/* SSNM from a remote SGP (we are its ASP): the point codes behind it come and go */
static void m3ua_ssnm_ind(void *priv, struct sg_m3ua_asp *asp, uint8_t type, const uint32_t *pcs,
			  unsigned int n, const struct sg_m3ua_ssnm_extra *x)
{
	struct sg_nif *nif = priv;

	(void)asp;
	(void)x;
	sg_ctr_inc(nif->ctr, SG_NIF_CTR_SSNM_RX);
	if (type != SG_M3UA_SSNM_DUNA && type != SG_M3UA_SSNM_DAVA)
		return;
	for (unsigned int i = 0; i < n; i++) {
		uint32_t pc = sg_m3ua_apc_pc(pcs[i]);
		uint8_t mask = sg_m3ua_apc_mask(pcs[i]);
		uint32_t m = mask >= 32 ? ~0u : (1u << mask) - 1;

		for (unsigned int j = 0; j < nif->nas; j++) {
			struct nif_as *a = &nif->as[j];
			const struct sg_m3ua_rkey *rk;

			if (!sg_m3ua_as_remote(a->as))
				continue;
			rk = sg_m3ua_as_rkey(a->as);
			for (unsigned int k = 0, r = 0; r < rk->ndpc && k < a->ndpc; r++) {
				if (rk->dpc[r].mask)
					continue;
				if ((rk->dpc[r].pc & ~m) == (pc & ~m)) {
					a->remote_unavail[k] = type == SG_M3UA_SSNM_DUNA;
					alias_update(nif, a->tdm_dpc[k]);
				}
				k++;
			}
		}
	}
}

void sg_nif_m3ua_user(struct sg_xua_user_ops *ops)
{
	*ops = (struct sg_xua_user_ops){
		.data_ind = m3ua_data_ind,
		.data_msg_ind = m3ua_data_msg_ind,
		.as_state = m3ua_as_state,
		.asp_state = m3ua_asp_state,
		.dest_status = m3ua_dest_status,
		.ssnm_ind = m3ua_ssnm_ind,
	};
}

/* ---- instance ---- */

struct sg_nif *sg_nif_alloc(void *ctx, struct sg_mtp3 *mtp3, const struct sg_nif_cfg *cfg)
{
	struct sg_nif *nif = talloc_zero(ctx, struct sg_nif);

	if (!nif)
		return NULL;
	nif->cfg = *cfg;
	nif->mtp3 = mtp3;
	nif->x = talloc_zero_array(nif, struct sg_nif_xlate, NIF_MAX_XLATE);
	nif->tdm_tab = talloc_zero_array(nif, uint16_t, XTAB_SIZE);
	nif->ip_tab = talloc_zero_array(nif, uint16_t, XTAB_SIZE);
	nif->ctr = sg_ctr_group_alloc(nif, &nif_ctrg_desc);
	if (!nif->x || !nif->tdm_tab || !nif->ip_tab || !nif->ctr) {
		talloc_free(nif);
		return NULL;
	}
	return nif;
}

void sg_nif_free(struct sg_nif *nif)
{
	if (!nif)
		return;
	/* MTP3 outlives us: no more indications to a freed NIF */
	if (nif->mtp3) {
		sg_mtp3_user_unregister(nif->mtp3, &nif->mtp_user);
		for (unsigned int i = 0; i < nif->nas; i++)
			for (unsigned int k = 0; k < nif->as[i].ndpc; k++)
				if (nif->as[i].alias[k])
					sg_mtp3_alias_del(nif->mtp3, nif->as[i].tdm_dpc[k]);
	}
	talloc_free(nif);
}

uint64_t sg_nif_ctr(const struct sg_nif *nif, enum sg_nif_ctr c)
{
	return sg_ctr_get(nif->ctr, c);
}

void sg_nif_set_m3ua(struct sg_nif *nif, struct sg_m3ua *m3ua)
{
	nif->m3ua = m3ua;
}

struct sg_m3ua *sg_nif_m3ua(struct sg_nif *nif)
{
	return nif->m3ua;
}

/* ---- management ---- */

struct json_object *sg_nif_xlates_json(struct sg_nif *nif)
{
	static const char *const nis[] = { "international", "international-spare", "national",
					   "national-spare" };
	struct json_object *a = json_object_new_array();

	for (unsigned int i = 0; i < nif->nx; i++) {
		const struct sg_nif_xlate *x = &nif->x[i];
		struct json_object *o = json_object_new_object(), *t = json_object_new_object(),
				   *ip = json_object_new_object();
		char buf[32];

		json_object_object_add(o, "name", json_object_new_string(x->name));
		json_object_object_add(t, "ni", json_object_new_string(nis[x->tdm_ni & 3]));
		json_object_object_add(t, "pc", json_object_new_string(
			sg_pc_format(buf, sizeof(buf), x->tdm_pc, nif->cfg.variant)));
		json_object_object_add(ip, "ni", json_object_new_string(nis[x->ip_ni & 3]));
		json_object_object_add(ip, "pc", json_object_new_string(
			sg_pc_format(buf, sizeof(buf), x->ip_pc, nif->cfg.variant)));
		json_object_object_add(o, "tdm", t);
		json_object_object_add(o, "ip", ip);
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *sg_nif_json(struct sg_nif *nif)
{
	struct json_object *o = json_object_new_object(), *al = json_object_new_array();

	for (unsigned int i = 0; i < nif->nas; i++) {
		const struct nif_as *a = &nif->as[i];

		for (unsigned int k = 0; k < a->ndpc; k++) {
			struct json_object *e = json_object_new_object();
			char buf[32];

			json_object_object_add(e, "pc", json_object_new_string(
				sg_pc_format(buf, sizeof(buf), a->tdm_dpc[k], nif->cfg.variant)));
			json_object_object_add(e, "as", json_object_new_string(sg_m3ua_as_name(a->as)));
			json_object_object_add(e, "remote", json_object_new_boolean(sg_m3ua_as_remote(a->as)));
			json_object_object_add(e, "accessible",
					       json_object_new_boolean(alias_accessible(nif, a->tdm_dpc[k])));
			json_object_array_add(al, e);
		}
	}
	json_object_object_add(o, "as_point_codes", al);
	json_object_object_add(o, "counters", sg_ctr_group_to_json(nif->ctr));
	return o;
}
