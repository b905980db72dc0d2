/* sgd's SIGTRAN side: SCTP associations <-> M3UA peers (sg_m3ua) <-> the NIF <-> MTP3.
 *
 * Everything here runs on the core thread (M3UA, the NIF and MTP3 live there); the SCTP
 * instance does its socket I/O on the sctp thread and calls back on the core thread.
 *
 * Peers and associations (doc/m3ua.md "Associations"):
 *  - role "sgp" (and "ipsp"/"ipsp-double" without remote.port): the peer connects to our
 *    listening endpoint.  An association is accepted only when one of the peer's addresses
 *    is among the remote.addresses of a configured peer of that kind that has no association
 *    yet; any other is refused (ABORT) and counted in the endpoint's "assoc_refused".
 *    A peer's association that never sends ASPUP is closed after m3ua.timers.aspup_ms and
 *    replaced at once by a new association from the peer; one that is up but no longer
 *    answers is replaced once it fails a liveness probe (a BEAT unanswered for T(ack)),
 *    which a new association from the peer's address starts.
 *  - role "asp" (and "ipsp"/"ipsp-double" with remote.port): we connect, and reconnect after
 *    sctp.reconnect_ms whenever the association fails.
 *  - M3UA is sent with PPID 3; messages with another PPID are counted and dropped.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <semaphore.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <sg/config.h>
#include <sg/log.h>
#include <sg/m3ua.h>
#include <sg/m3ua_sg.h>
#include <sg/tdef.h>
#include <sg/mgmt.h>
#include <sg/msg.h>
#include <sg/mtp3_core.h>
#include <sg/nif.h>
#include <sg/sctp.h>
#include <sg/timer.h>
#include <sg/thread.h>

#include "config/config_schema.h"
#include "tdm/core.h"
#include "sigtran.h"

struct st_peer {
	struct sg_sigtran *st;
	const struct sg_cfg_m3ua_asp *cfg;
	struct sg_m3ua_asp *asp;
	bool client;			/* we connect */
	int conn_id;			/* client: the connector */
	uint32_t assoc_id;		/* 0: none */
	struct sockaddr_storage allowed[SG_CFG_MAX_ADDRS];	/* remote.addresses, parsed once */
	unsigned int nallowed;
	bool accepted;			/* server: accepted, up() not yet seen */
	uint64_t rx_bad_ppid;
	struct sg_timer t_aspup;	/* server: ASPUP due within m3ua.timers.aspup_ms */
	uint64_t silent_closed;		/* associations closed for want of an ASPUP */
	/* liveness probe (server): a new association from the peer's address while its
	 * association is up; the old one must show life within T(ack) or is replaced */
	struct sg_timer t_probe;
	uint64_t rx_msgs;		/* M3UA messages received on the current association */
	uint64_t rx_at_probe;		/* rx_msgs when the probe's BEAT went out */
	uint64_t probes;		/* probes started */
	uint64_t dead_closed;		/* associations closed for failing the probe */
	struct sg_log_limit log_probe;	/* "probing" lines (a client may repeat the cause) */
};

struct sg_sigtran {
	const struct sg_config *cfg;
	struct sg_thread *core_thread, *sctp_thread;
	/* core thread from start on */
	bool started;
	struct sg_log_limit log_refused;	/* "refused: no configured peer" lines */
	struct sg_mtp3 *mtp3;
	struct sg_sctp *sctp;
	struct sg_m3ua *m3ua;
	struct sg_nif *nif;
	int listen_id;
	unsigned int npeers;
	struct st_peer *peers;
};

/* ---- the M3UA instance's transport (the NIF is its user) ---- */

static struct st_peer *peer_of(struct sg_m3ua_asp *asp)
{
	return sg_m3ua_asp_user(asp);
}

static int t_send(void *priv, struct sg_m3ua_asp *asp, uint16_t stream, struct msgb *msg)
{
	struct sg_sigtran *st = priv;
	struct st_peer *p = peer_of(asp);

	if (!p || !p->assoc_id || !st->sctp) {
		msgb_free(msg);
		return -ENOTCONN;
	}
	return sg_sctp_send(st->sctp, p->assoc_id, stream, SG_M3UA_PPID, msg);
}

static void t_close(void *priv, struct sg_m3ua_asp *asp)
{
	struct sg_sigtran *st = priv;
	struct st_peer *p = peer_of(asp);

	if (p && p->assoc_id && st->sctp)
		sg_sctp_abort(st->sctp, p->assoc_id);
}

/* The M3UA instance's transport: its peers' associations */
static const struct sg_xua_transport_ops m3ua_transport = {
	.send = t_send,
	.close = t_close,
};

/* ---- SCTP callbacks ---- */

static struct st_peer *peer_by_assoc(struct sg_sigtran *st, uint32_t id)
{
	for (unsigned int i = 0; i < st->npeers; i++)
		if (st->peers[i].assoc_id == id)
			return &st->peers[i];
	return NULL;
}

/* A server peer's association that has not sent ASPUP yet (its ASP is ASP-DOWN): a client
 * that connected and never spoke, or a stale association of a peer that restarted. */
static bool peer_silent(const struct st_peer *p)
{
	return !p->client && p->assoc_id && !p->accepted &&
	       sg_m3ua_asp_state(p->asp) == SG_M3UA_ASP_DOWN;
}

/* Abort the peer's association (ABORT, RFC 4960 §9.1): the peer is ASP-DOWN at once in
 * every AS (RFC 4666 §4.3.4.2), and its traffic goes to the other ASPs of each AS. */
static void drop_assoc(struct st_peer *p, const char *why)
{
	LOGP(DSCTP, LOGL_NOTICE, "peer %s: association %u closed: %s\n", p->cfg->name,
	     p->assoc_id, why);
	sg_timer_stop(&p->t_aspup);
	sg_timer_stop(&p->t_probe);
	sg_sctp_abort(p->st->sctp, p->assoc_id);
	p->assoc_id = 0;
	p->accepted = false;
	sg_m3ua_asp_conn_down(p->asp);
}

static void drop_silent(struct st_peer *p, const char *why)
{
	p->silent_closed++;
	drop_assoc(p, why);
}

/* T(ack) after the probe's BEAT: nothing at all came from the peer on the association (no
 * BEAT ACK, no other message): it is dead, and the peer's next association takes its slot. */
static void probe_timeout(void *data)
{
	struct st_peer *p = data;

	if (!p->assoc_id || p->rx_msgs != p->rx_at_probe)
		return;
	p->dead_closed++;
	drop_assoc(p, "no answer to a liveness probe (BEAT) within m3ua.timers.ack_ms, while "
		      "a new association came from the peer's address");
}

/* A new association from a server peer's address while the peer's association is up: the
 * peer may have restarted (new ports; same ports give an SCTP restart instead) and its old
 * association be dead without SCTP or BEAT supervision having noticed yet.  Ask it (a BEAT,
 * RFC 4666 §4.3.4.6, answered by BEAT Ack); a live peer keeps its association. */
static void probe_start(struct st_peer *p)
{
	if (p->accepted || sg_timer_pending(&p->t_probe))
		return;
	p->probes++;
	p->rx_at_probe = p->rx_msgs;
	LOGP_LIMIT(&p->log_probe, DSCTP, LOGL_NOTICE, "peer %s: a new association from its "
		   "address while association %u is up: probing it (BEAT)\n", p->cfg->name,
		   p->assoc_id);
	sg_m3ua_asp_beat(p->asp);
	sg_timer_start_ms(&p->t_probe, p->st->cfg->m3ua.ack_ms);
}

static void aspup_timeout(void *data)
{
	struct st_peer *p = data;

	if (peer_silent(p))
		drop_silent(p, "no ASPUP in time (m3ua.timers.aspup_ms)");
}

/* Are the association's addresses (and port, if configured) those of server peer p? */
static bool peer_matches(const struct st_peer *p, const struct sockaddr_storage *peers,
			 unsigned int npeers)
{
	if (p->client || !sg_sctp_peer_allowed(peers, npeers, p->allowed, p->nallowed))
		return false;
	if (p->cfg->remote_port) {
		uint16_t port = peers[0].ss_family == AF_INET6 ?
			ntohs(((const struct sockaddr_in6 *)&peers[0])->sin6_port) :
			ntohs(((const struct sockaddr_in *)&peers[0])->sin_port);

		if (port != p->cfg->remote_port)
			return false;
	}
	return true;
}

/* A new association takes the first configured peer it matches that has none; failing
 * that, one whose association is silent (no ASPUP yet), which it replaces: a stale or
 * hostile association must not hold a real peer's slot (doc/m3ua.md). */
static bool srv_accept(void *priv, uint32_t assoc_id, const struct sockaddr_storage *peers,
		       unsigned int npeers)
{
	struct sg_sigtran *st = priv;
	struct st_peer *take = NULL;
	char buf[64];

	for (unsigned int i = 0; i < st->npeers && !take; i++)
		if (!st->peers[i].assoc_id && peer_matches(&st->peers[i], peers, npeers))
			take = &st->peers[i];
	for (unsigned int i = 0; i < st->npeers && !take; i++)
		if (peer_silent(&st->peers[i]) && peer_matches(&st->peers[i], peers, npeers)) {
			take = &st->peers[i];
			drop_silent(take, "replaced by a new association from the peer's address");
		}
	/* every peer of the address whose association is up gets a liveness probe; this
	 * association is refused, the peer's next attempt gets the slot if the probe fails */
	for (unsigned int i = 0; i < st->npeers && !take; i++)
		if (st->peers[i].assoc_id && !st->peers[i].client &&
		    peer_matches(&st->peers[i], peers, npeers))
			probe_start(&st->peers[i]);
	if (take) {
		take->assoc_id = assoc_id;
		take->accepted = true;
		LOGP(DSCTP, LOGL_NOTICE, "association %u from %s: peer %s\n", assoc_id,
		     sg_sctp_addr_str(&peers[0], buf, sizeof(buf)), take->cfg->name);
		return true;
	}
	LOGP_LIMIT(&st->log_refused, DSCTP, LOGL_NOTICE,
		   "association %u from %s refused: no configured peer without an association "
		   "has this address\n", assoc_id,
		   npeers ? sg_sctp_addr_str(&peers[0], buf, sizeof(buf)) : "?");
	return false;
}

static void assoc_up(struct st_peer *p, uint32_t assoc_id, const struct sg_sctp_assoc_info *info)
{
	p->assoc_id = assoc_id;
	p->accepted = false;
	p->rx_msgs = 0;
	sg_timer_stop(&p->t_probe);
	sg_m3ua_asp_conn_up(p->asp, info->in_streams, info->out_streams);
	if (!p->client && p->st->cfg->m3ua.aspup_ms)
		sg_timer_start_ms(&p->t_aspup, p->st->cfg->m3ua.aspup_ms);
}

static void srv_up(void *priv, uint32_t assoc_id, const struct sg_sctp_assoc_info *info)
{
	struct st_peer *p = peer_by_assoc(priv, assoc_id);

	if (p)
		assoc_up(p, assoc_id, info);
}

static void any_data(void *priv, uint32_t assoc_id, uint16_t stream, uint32_t ppid,
		     struct msgb *msg)
{
	struct st_peer *p = peer_by_assoc(priv, assoc_id);

	if (p)
		p->rx_msgs++;	/* any message shows the peer alive */
	if (p && ppid == SG_M3UA_PPID) {
		/* the layer takes the buffer: a DATA goes on to the NIF in it (no copy) */
		sg_m3ua_asp_rx_msg(p->asp, stream, msg);
		return;
	}
	if (p)
		p->rx_bad_ppid++;
	msgb_free(msg);
}

static void any_down(void *priv, uint32_t assoc_id, enum sg_sctp_down_reason why)
{
	struct st_peer *p = peer_by_assoc(priv, assoc_id);

	if (!p)
		return;
	LOGP(DSCTP, LOGL_NOTICE, "peer %s: association %u down (%s)\n", p->cfg->name, assoc_id,
	     get_value_string(sg_sctp_down_reason_names, why));
	p->assoc_id = 0;
	p->accepted = false;
	sg_timer_stop(&p->t_aspup);
	sg_timer_stop(&p->t_probe);
	sg_m3ua_asp_conn_down(p->asp);
}

/* SCTP restart (RFC 4960 §5.2.2, §5.2.4 action A): the peer came back from the same
 * addresses and ports and re-established the association under the same id.  For M3UA that is
 * a new association: the peer's old state is gone, so it is ASP-DOWN everywhere (§4.3.4.2, NTFY
 * ASP Failure to the others) and must send ASPUP again, within aspup_ms like any new one. */
static void any_restart(void *priv, uint32_t assoc_id, const struct sg_sctp_assoc_info *info)
{
	struct st_peer *p = peer_by_assoc(priv, assoc_id);

	if (!p)
		return;
	LOGP(DSCTP, LOGL_NOTICE, "peer %s: association %u restarted by the peer (SCTP restart): "
	     "ASP-DOWN until it sends ASPUP\n", p->cfg->name, assoc_id);
	sg_m3ua_asp_conn_down(p->asp);
	sg_timer_stop(&p->t_aspup);
	assoc_up(p, assoc_id, info);
}

static const struct sg_sctp_ops srv_ops = {
	.accept = srv_accept,
	.up = srv_up,
	.data = any_data,
	.down = any_down,
	.restart = any_restart,
};

static void cli_up(void *priv, uint32_t assoc_id, const struct sg_sctp_assoc_info *info)
{
	struct st_peer *p = priv;

	assoc_up(p, assoc_id, info);
}

static void cli_data(void *priv, uint32_t assoc_id, uint16_t stream, uint32_t ppid,
		     struct msgb *msg)
{
	struct st_peer *p = priv;

	any_data(p->st, assoc_id, stream, ppid, msg);
}

static void cli_down(void *priv, uint32_t assoc_id, enum sg_sctp_down_reason why)
{
	struct st_peer *p = priv;

	any_down(p->st, assoc_id, why);
}

static void cli_restart(void *priv, uint32_t assoc_id, const struct sg_sctp_assoc_info *info)
{
	struct st_peer *p = priv;

	any_restart(p->st, assoc_id, info);
}

static const struct sg_sctp_ops cli_ops = {
	.up = cli_up,
	.data = cli_data,
	.down = cli_down,
	.restart = cli_restart,
};

/* ---- from the config ---- */

static void params_from_cfg(const struct sg_cfg_sctp *c, struct sg_sctp_params *p)
{
	*p = (struct sg_sctp_params){
		.out_streams = c->streams,
		.in_streams = c->streams,
		.max_init_attempts = c->max_init_attempts,
		.max_init_timeo_ms = c->max_init_timeo_ms,
		.rto_initial_ms = c->rto_initial_ms,
		.rto_min_ms = c->rto_min_ms,
		.rto_max_ms = c->rto_max_ms,
		.hb_interval_ms = c->heartbeat_ms,
		.hb_disable = !c->heartbeat,
		.path_max_retrans = c->path_max_retrans,
		.assoc_max_retrans = c->assoc_max_retrans,
		.delay = !c->nodelay,
	};
}

static void rkey_from_cfg(const struct sg_cfg_rk *c, struct sg_m3ua_rkey *rk)
{
	*rk = (struct sg_m3ua_rkey){ 0 };
	for (unsigned int i = 0; i < c->ndpc && i < SG_M3UA_RK_MAX_DPC; i++)
		rk->dpc[rk->ndpc++] = (struct sg_m3ua_pc_mask){ .pc = c->dpc[i] };
	for (unsigned int i = 0; i < c->nopc && i < SG_M3UA_RK_MAX_OPC; i++)
		rk->opc[rk->nopc++] = (struct sg_m3ua_pc_mask){ .pc = c->opc[i] };
	for (unsigned int i = 0; i < c->nsi && i < SG_M3UA_RK_MAX_SI; i++)
		rk->si[rk->nsi++] = c->si[i];
	for (unsigned int i = 0; i < c->nssn && i < SG_M3UA_RK_MAX_SSN; i++)
		rk->ssn[rk->nssn++] = c->ssn[i];
	for (unsigned int i = 0; i < c->ncic && i < SG_M3UA_RK_MAX_CIC; i++)
		rk->cic[rk->ncic++] = (struct sg_m3ua_cic){ .opc = c->cic[i].opc,
							    .lo = c->cic[i].from, .hi = c->cic[i].to };
	rk->has_na = c->has_na;
	rk->na = c->na;
}

/* An AS of the config (or of an API request, parsed the same way) for the M3UA layer; the
 * strings point into a (the config outlives the layer's copy) */
static void as_cfg_from_cfg(const struct sg_config *cfg, const struct sg_cfg_m3ua_as *a,
			    const char *name, struct sg_m3ua_as_cfg *acfg)
{
	*acfg = (struct sg_m3ua_as_cfg){
		.name = name,
		.has_rc = a->has_rc,
		.rc = a->rc,
		.tmt = a->traffic_mode,
		.min_asps = a->min_asps,
		.t_r_ms = a->recovery_ms,
		.nasps = a->nasps,
	};
	for (unsigned int k = 0; k < a->nasps; k++)
		acfg->asps[k] = cfg->m3ua.asps[a->asps[k]].name;
	rkey_from_cfg(&a->rk, &acfg->rk);
}

static int build_m3ua(struct sg_sigtran *st)
{
	const struct sg_config *cfg = st->cfg;
	const struct sg_cfg_m3ua *mc = &cfg->m3ua;
	const struct sg_cfg_sp *sp = &cfg->sps[mc->sp];
	struct sg_m3ua_cfg m3cfg;
	struct sg_xua_user_ops uops;
	struct sg_nif_cfg ncfg;

	sg_nif_cfg_defaults(&ncfg);
	ncfg.variant = sp->variant;
	ncfg.ni = sp->ni;
	st->nif = sg_nif_alloc(st, st->mtp3, &ncfg);
	if (!st->nif)
		return -ENOMEM;
	for (unsigned int i = 0; i < cfg->num_xlates; i++) {
		struct sg_nif_xlate x = {
			.tdm_ni = cfg->xlates[i].tdm_ni, .ip_ni = cfg->xlates[i].ip_ni,
			.tdm_pc = cfg->xlates[i].tdm_pc, .ip_pc = cfg->xlates[i].ip_pc,
		};

		snprintf(x.name, sizeof(x.name), "%s", cfg->xlates[i].name);
		if (sg_nif_xlate_add(st->nif, &x) < 0)
			LOGP(DNIF, LOGL_ERROR, "translation %s not added\n", x.name);
	}

	sg_m3ua_cfg_defaults(&m3cfg);
	m3cfg.name = "m3ua";
	m3cfg.variant = sp->variant;
	m3cfg.local_pc = sp->pc;
	{
		uint8_t ni = sp->ni;

		sg_nif_tdm_to_ip(st->nif, &ni, &m3cfg.local_pc);
	}
	m3cfg.has_na = mc->has_na;
	m3cfg.na = mc->na;
	m3cfg.t_r_ms = mc->recovery_ms;
	m3cfg.t_ack_ms = mc->ack_ms;
	m3cfg.beat_ms = mc->beat_ms;
	m3cfg.beat_max_lost = mc->beat_max_lost;
	m3cfg.asp_id_required = mc->asp_id_required;
	m3cfg.rkm = mc->rkm_mode == SG_CFG_RKM_OFF ? SG_M3UA_RKM_OFF :
		    mc->rkm_mode == SG_CFG_RKM_DYNAMIC ? SG_M3UA_RKM_DYNAMIC : SG_M3UA_RKM_STATIC;
	for (unsigned int i = 0; i < mc->nprov && i < SG_M3UA_MAX_PROV; i++)
		m3cfg.prov[m3cfg.nprov++] = (struct sg_m3ua_pc_mask){ .pc = mc->provisioned[i] };
	m3cfg.max_dynamic = mc->max_dynamic;
	m3cfg.rc_dynamic_base = mc->rc_base;
	/* the config's enum values are listed in the order of the layer's enums */
	m3cfg.aspac_norc = mc->aspac_norc;
	m3cfg.ssnm_to = mc->ssnm_to;
	m3cfg.daud_unknown = mc->daud_unknown;
	m3cfg.block = mc->block;
	m3cfg.pending_max = mc->pending_max;
	m3cfg.asp_audit = mc->asp_audit;
	m3cfg.asp_snm_inactive = mc->asp_snm_inactive;
	/* the SCTP glue below, the NIF above */
	sg_nif_m3ua_user(&uops);
	st->m3ua = sg_m3ua_alloc(st, &m3cfg, &m3ua_transport, st, &uops, st->nif);
	if (!st->m3ua)
		return -EINVAL;
	sg_nif_set_m3ua(st->nif, st->m3ua);

	st->npeers = mc->num_asps;
	st->peers = talloc_zero_array(st, struct st_peer, st->npeers ? st->npeers : 1);
	for (unsigned int i = 0; i < mc->num_asps; i++) {
		const struct sg_cfg_m3ua_asp *a = &mc->asps[i];
		struct st_peer *p = &st->peers[i];
		struct sg_m3ua_asp_cfg acfg = {
			.name = a->name,
			.has_asp_id = a->has_asp_id,
			.asp_id = a->asp_id,
			.blocked = a->blocked,
			.may_register = a->may_register,
		};

		/* IP numbering, like the routing keys' DPCs and m3ua.rkm.provisioned_dpcs */
		for (unsigned int k = 0; k < a->nallowed && k < SG_M3UA_ASP_MAX_ALLOWED; k++)
			acfg.allowed[acfg.nallowed++] =
				(struct sg_m3ua_pc_mask){ .pc = a->allowed[k] };

		p->st = st;
		p->cfg = a;
		sg_timer_setup(&p->t_aspup, aspup_timeout, p);
		sg_timer_setup(&p->t_probe, probe_timeout, p);
		for (unsigned int k = 0; k < a->remote.n; k++)
			if (sg_sctp_addr_parse(&p->allowed[p->nallowed], a->remote.addr[k], 0) == 0)
				p->nallowed++;
		switch (a->role) {
		case SG_CFG_ROLE_SGP:
			acfg.role = SG_M3UA_ROLE_SGP;
			break;
		case SG_CFG_ROLE_ASP:
			acfg.role = SG_M3UA_ROLE_ASP;
			p->client = true;
			break;
		case SG_CFG_ROLE_IPSP:
		case SG_CFG_ROLE_IPSP_DOUBLE:
			acfg.role = SG_M3UA_ROLE_IPSP;
			acfg.ipsp_double = a->role == SG_CFG_ROLE_IPSP_DOUBLE;
			p->client = a->remote_port != 0;
			acfg.ipsp_client = p->client;
			break;
		}
		/* the traffic mode we ask for: that of the first AS the peer is in */
		for (unsigned int k = 0; k < mc->num_as; k++)
			for (unsigned int j = 0; j < mc->as[k].nasps; j++)
				if (mc->as[k].asps[j] == (int)i && acfg.tmt == SG_M3UA_TMT_NONE)
					acfg.tmt = mc->as[k].traffic_mode;
		if (acfg.role == SG_M3UA_ROLE_SGP)
			acfg.tmt = SG_M3UA_TMT_NONE;
		p->asp = sg_m3ua_asp_add(st->m3ua, &acfg);
		if (!p->asp)
			return -EINVAL;
		sg_m3ua_asp_set_user(p->asp, p);
	}
	for (unsigned int i = 0; i < mc->num_as; i++) {
		const struct sg_cfg_m3ua_as *a = &mc->as[i];
		struct sg_m3ua_as_cfg acfg;
		struct sg_m3ua_as *as;

		as_cfg_from_cfg(cfg, a, a->name, &acfg);
		as = sg_m3ua_as_add(st->m3ua, &acfg);
		if (!as) {
			LOGP(DM3UA, LOGL_ERROR, "AS %s: not accepted by the M3UA layer\n", a->name);
			return -EINVAL;
		}
		if (sg_nif_as_add(st->nif, as) < 0)
			return -EINVAL;
	}
	return sg_nif_start(st->nif);
}

static int build_sctp(struct sg_sigtran *st)
{
	const struct sg_config *cfg = st->cfg;
	const struct sg_cfg_m3ua *mc = &cfg->m3ua;
	struct sg_sctp_cfg scfg = {
		.transport = cfg->sctp.transport == SG_CFG_SCTP_KERNEL ? SG_SCTP_KERNEL :
			     cfg->sctp.transport == SG_CFG_SCTP_USRSCTP ? SG_SCTP_USRSCTP :
			     SG_SCTP_AUTO,
		.udp_port = cfg->sctp.udp_port,
		.usrsctp_mode = cfg->sctp.usrsctp_raw ? SG_SCTP_USRSCTP_RAW : SG_SCTP_USRSCTP_UDP,
		.send_queue_max = cfg->sctp.send_queue_max,
		.rx_max = cfg->sctp.rx_max,
	};
	bool need_listen = false;
	int rc;

	st->sctp = sg_sctp_alloc(st, &scfg, st->sctp_thread, st->core_thread);
	if (!st->sctp)
		return -EIO;
	LOGP(DSCTP, LOGL_NOTICE, "SCTP transport: %s\n",
	     get_value_string(sg_sctp_transport_names, sg_sctp_transport(st->sctp)));
	for (unsigned int i = 0; i < st->npeers; i++)
		need_listen |= !st->peers[i].client;
	if (need_listen && mc->listen.n) {
		struct sg_sctp_ep_cfg ep = {
			.name = "m3ua",
			.port = mc->listen_port,
			.ops = &srv_ops,
			.priv = st,
		};

		params_from_cfg(&cfg->sctp, &ep.params);
		for (unsigned int i = 0; i < mc->listen.n; i++)
			if (sg_sctp_addr_parse(&ep.addrs[ep.naddrs], mc->listen.addr[i],
					       mc->listen_port) == 0)
				ep.naddrs++;
		rc = sg_sctp_listen(st->sctp, &ep);
		if (rc < 0) {
			LOGP(DSCTP, LOGL_ERROR, "cannot listen on %s port %u: %s\n",
			     mc->listen.addr[0], mc->listen_port, strerror(-rc));
			return rc;
		}
		st->listen_id = rc;
	}
	for (unsigned int i = 0; i < st->npeers; i++) {
		struct st_peer *p = &st->peers[i];
		const struct sg_cfg_m3ua_asp *a = p->cfg;
		struct sg_sctp_conn_cfg cc = {
			.name = a->name,
			.local_port = a->local_port,
			.remote_port = a->remote_port,
			.remote_udp_port = a->remote_udp_port,
			.reconnect_ms = cfg->sctp.reconnect_ms,
			.ops = &cli_ops,
			.priv = p,
		};

		if (!p->client)
			continue;
		params_from_cfg(&cfg->sctp, &cc.params);
		memcpy(cc.remote, p->allowed, sizeof(p->allowed[0]) * p->nallowed);
		cc.nremote = p->nallowed;
		for (unsigned int k = 0; k < a->local.n; k++)
			if (sg_sctp_addr_parse(&cc.local[cc.nlocal], a->local.addr[k], 0) == 0)
				cc.nlocal++;
		if (!cc.nlocal && mc->listen.n &&
		    sg_sctp_addr_parse(&cc.local[0], mc->listen.addr[0], 0) == 0)
			cc.nlocal = 1;	/* usrsctp must not bind the wildcard */
		rc = sg_sctp_connect(st->sctp, &cc);
		if (rc < 0) {
			LOGP(DSCTP, LOGL_ERROR, "peer %s: cannot connect: %s\n", a->name, strerror(-rc));
			return rc;
		}
		p->conn_id = rc;
	}
	return 0;
}

void sg_sigtran_start(struct sg_sigtran *st, struct sg_core *core)
{
	if (!st)
		return;
	st->mtp3 = sg_core_mtp3(core, st->cfg->m3ua.sp);
	if (!st->mtp3) {
		LOGP(DM3UA, LOGL_ERROR, "no MTP3 for signalling point %d: M3UA not started\n",
		     st->cfg->m3ua.sp);
		return;
	}
	if (build_m3ua(st) < 0) {
		LOGP(DM3UA, LOGL_ERROR, "M3UA not started (configuration refused by the layer)\n");
		return;
	}
	if (build_sctp(st) < 0) {
		LOGP(DSCTP, LOGL_ERROR, "SCTP transport not started\n");
		return;
	}
	st->started = true;
}

struct sg_sigtran *sg_sigtran_alloc(void *ctx, const struct sg_config *cfg, struct sg_thread *core,
				    struct sg_thread *sctp)
{
	struct sg_sigtran *st;

	if (!cfg->m3ua.enabled)
		return NULL;
	st = talloc_zero(ctx, struct sg_sigtran);
	st->cfg = cfg;
	st->core_thread = core;
	st->sctp_thread = sctp;
	return st;
}

/* ---- stop ---- */

struct stop_call {
	struct sg_sigtran *st;
	sem_t done;
};

static void stop_on_core(void *arg)
{
	struct stop_call *c = arg;
	struct sg_sigtran *st = c->st;

	st->started = false;
	if (st->m3ua)
		for (unsigned int i = 0; i < st->npeers; i++)
			if (st->peers[i].client && st->peers[i].assoc_id)
				sg_m3ua_asp_stop(st->peers[i].asp);
	if (st->sctp)
		sg_sctp_free(st->sctp);
	st->sctp = NULL;
	for (unsigned int i = 0; i < st->npeers; i++) {
		st->peers[i].assoc_id = 0;
		sg_timer_stop(&st->peers[i].t_aspup);
		sg_timer_stop(&st->peers[i].t_probe);
	}
	if (st->m3ua)
		sg_m3ua_free(st->m3ua);
	st->m3ua = NULL;
	if (st->nif)
		sg_nif_free(st->nif);
	st->nif = NULL;
	sem_post(&c->done);
}

void sg_sigtran_stop(struct sg_sigtran *st, unsigned int timeout_ms)
{
	struct stop_call *c;
	struct timespec ts;

	if (!st)
		return;
	/* on the heap: if the core thread is stuck we give up waiting and leak it */
	c = talloc_zero(NULL, struct stop_call);
	c->st = st;
	sem_init(&c->done, 0, 0);
	if (sg_thread_call(st->core_thread, stop_on_core, c) < 0) {
		talloc_free(c);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (sem_timedwait(&c->done, &ts) < 0 && errno == EINTR)
		;
	sem_destroy(&c->done);
	talloc_free(c);
}

/* ---- management (on the core thread) ---- */

static bool ready(struct sg_sigtran *st, struct sg_mgmt_err *err)
{
	if (st->started && st->m3ua)
		return true;
	sg_mgmt_err_set(err, 503, "the SIGTRAN side is not running (see the log)");
	return false;
}

static struct json_object *peer_json(struct st_peer *p)
{
	struct json_object *o = sg_m3ua_asp_to_json(p->asp);
	char buf[64];

	json_object_object_add(o, "connects", json_object_new_boolean(p->client));
	json_object_object_add(o, "association",
			       p->assoc_id ? json_object_new_int64(p->assoc_id) : NULL);
	if (p->cfg->remote.n) {
		snprintf(buf, sizeof(buf), "%s", p->cfg->remote.addr[0]);
		json_object_object_add(o, "remote_address", json_object_new_string(buf));
	}
	json_object_object_add(o, "rx_bad_ppid", json_object_new_int64(p->rx_bad_ppid));
	json_object_object_add(o, "silent_closed", json_object_new_int64(p->silent_closed));
	json_object_object_add(o, "probing",
			       json_object_new_boolean(sg_timer_pending(&p->t_probe)));
	json_object_object_add(o, "probes", json_object_new_int64(p->probes));
	json_object_object_add(o, "dead_closed", json_object_new_int64(p->dead_closed));
	return o;
}

static struct st_peer *peer_by_name(struct sg_sigtran *st, const char *name)
{
	for (unsigned int i = 0; i < st->npeers; i++)
		if (!strcmp(st->peers[i].cfg->name, name))
			return &st->peers[i];
	return NULL;
}

static struct json_object *asps_list(void *priv, struct sg_mgmt_err *err)
{
	struct sg_sigtran *st = priv;
	struct json_object *a;

	if (!ready(st, err))
		return NULL;
	a = json_object_new_array();
	for (unsigned int i = 0; i < st->npeers; i++)
		json_object_array_add(a, peer_json(&st->peers[i]));
	return a;
}

static struct json_object *asps_get(void *priv, const char *item, struct sg_mgmt_err *err)
{
	struct sg_sigtran *st = priv;
	struct st_peer *p;
	struct json_object *o;

	if (!ready(st, err))
		return NULL;
	p = peer_by_name(st, item);
	if (!p) {
		sg_mgmt_err_set(err, 404, "no ASP/peer named '%s'", item);
		return NULL;
	}
	o = peer_json(p);
	if (p->assoc_id && st->sctp) {
		struct json_object *as = sg_sctp_assoc_json(st->sctp, p->assoc_id);

		if (as)
			json_object_object_add(o, "sctp", as);
	}
	return o;
}

static const struct sg_mgmt_cmd_desc asp_commands[] = {
	{ "block", "administratively block the ASP (RFC 4666 §4.3.4.5: ERR Refused - "
		   "Management Blocking; an active ASP is made inactive)" },
	{ "unblock", "lift the block" },
	{ NULL }
};

static struct json_object *asps_command(void *priv, const char *item, const char *cmd,
					struct json_object *args, struct sg_mgmt_err *err)
{
	struct sg_sigtran *st = priv;
	struct st_peer *p;
	int rc;

	(void)args;
	if (!ready(st, err))
		return NULL;
	p = peer_by_name(st, item);
	if (!p) {
		sg_mgmt_err_set(err, 404, "no ASP/peer named '%s'", item);
		return NULL;
	}
	rc = !strcmp(cmd, "block") ? sg_m3ua_asp_block(p->asp) : sg_m3ua_asp_unblock(p->asp);
	if (rc < 0) {
		sg_mgmt_err_set(err, 409, "%s of '%s' refused: %s", cmd, item, strerror(-rc));
		return NULL;
	}
	return peer_json(p);
}

static struct json_object *as_list(void *priv, struct sg_mgmt_err *err)
{
	struct sg_sigtran *st = priv;

	return ready(st, err) ? sg_m3ua_as_json(st->m3ua) : NULL;
}

static struct json_object *as_get(void *priv, const char *item, struct sg_mgmt_err *err)
{
	struct sg_sigtran *st = priv;
	struct sg_m3ua_as *as;

	if (!ready(st, err))
		return NULL;
	as = sg_m3ua_as_by_name(st->m3ua, item);
	if (!as) {
		sg_mgmt_err_set(err, 404, "no AS named '%s'", item);
		return NULL;
	}
	return sg_m3ua_as_to_json(as);
}

static struct json_object *rk_list(void *priv, struct sg_mgmt_err *err)
{
	struct sg_sigtran *st = priv;

	return ready(st, err) ? sg_m3ua_rks_json(st->m3ua) : NULL;
}

/* An API request body, validated with the config's schema of an entry (its name from the URL)
 * and parsed by the config's own code: err names the JSON path of a fault. */
static int body_check(struct json_object *body, const char *name, const struct sg_schema *schema,
		      struct sg_mgmt_err *err)
{
	struct json_object *named = json_object_get(body);
	char e[256];
	int rc;

	json_object_object_add(named, "name", json_object_new_string(name));
	rc = sg_schema_validate(schema, named, "", e, sizeof(e));
	json_object_put(named);
	if (rc < 0)
		sg_mgmt_err_set(err, 400, "%s", e);
	return rc;
}

/* PUT /api/v1/routing-keys/<AS name>: a new AS with its routing key (body as an m3ua.as[]
 * entry of the config, without "name") */
static struct json_object *rk_set(void *priv, const char *item, struct json_object *body,
				  struct sg_mgmt_err *err)
{
	struct sg_sigtran *st = priv;
	struct sg_cfg_m3ua_as ca;
	struct sg_m3ua_as_cfg c;
	struct sg_m3ua_as *as;
	char e[256];

	if (!ready(st, err))
		return NULL;
	if (body_check(body, item, &sg_config_as_schema, err) < 0)
		return NULL;
	if (sg_config_parse_as(st->cfg, body, "", &ca, e, sizeof(e)) < 0 ||
	    (ca.recovery_ms && sg_tdef_check_value(&sg_xua_timer_defs[SG_XUA_T_R], ca.recovery_ms,
						   "", e, sizeof(e)) < 0)) {
		sg_mgmt_err_set(err, 400, "%s", e);
		return NULL;
	}
	if (sg_m3ua_as_by_name(st->m3ua, item)) {
		sg_mgmt_err_set(err, 409, "AS '%s' exists; delete it first", item);
		return NULL;
	}
	if (ca.has_rc && sg_m3ua_as_by_rc(st->m3ua, ca.rc)) {
		sg_mgmt_err_set(err, 409, "routing context %u is already used", ca.rc);
		return NULL;
	}
	as_cfg_from_cfg(st->cfg, &ca, item, &c);
	as = sg_m3ua_rk_add(st->m3ua, &c);
	if (!as) {
		sg_mgmt_err_set(err, 409, "the M3UA layer refused the routing key (duplicate key or "
				"routing context, or a member in use)");
		return NULL;
	}
	if (sg_nif_as_add(st->nif, as) < 0) {
		sg_m3ua_as_del(as, true);
		sg_mgmt_err_set(err, 409, "a DPC of the key is already a route or adjacent point "
				"code of MTP3");
		return NULL;
	}
	return sg_m3ua_as_to_json(as);
}

static const struct sg_mgmt_cmd_desc rk_commands[] = {
	{ "delete", "remove the AS and its routing key (refused while an ASP is active in it)" },
	{ NULL }
};

static struct json_object *rk_command(void *priv, const char *item, const char *cmd,
				      struct json_object *args, struct sg_mgmt_err *err)
{
	struct sg_sigtran *st = priv;
	struct sg_m3ua_as *as;
	int rc;

	(void)cmd;
	(void)args;
	if (!ready(st, err))
		return NULL;
	as = sg_m3ua_as_by_name(st->m3ua, item);
	if (!as) {
		sg_mgmt_err_set(err, 404, "no AS named '%s'", item);
		return NULL;
	}
	rc = sg_m3ua_as_del(as, false);
	if (rc < 0) {
		sg_mgmt_err_set(err, 409, "AS '%s' not removed: %s", item,
				rc == -EBUSY ? "an ASP is active in it" : strerror(-rc));
		return NULL;
	}
	sg_nif_as_del(st->nif, as);
	return json_object_new_object();
}

static struct json_object *assocs_list(void *priv, struct sg_mgmt_err *err)
{
	struct sg_sigtran *st = priv;

	if (!st->sctp) {
		sg_mgmt_err_set(err, 503, "the SCTP transport is not running (see the log)");
		return NULL;
	}
	return sg_sctp_assocs_json(st->sctp);
}

static struct json_object *assocs_get(void *priv, const char *item, struct sg_mgmt_err *err)
{
	struct sg_sigtran *st = priv;
	struct json_object *o;
	char *end;
	unsigned long id = strtoul(item, &end, 10);

	if (!st->sctp) {
		sg_mgmt_err_set(err, 503, "the SCTP transport is not running (see the log)");
		return NULL;
	}
	o = *end ? NULL : sg_sctp_assoc_json(st->sctp, id);
	if (!o)
		sg_mgmt_err_set(err, 404, "no association %s", item);
	return o;
}

/* the transport as a whole: its kind, endpoints (with accepted/refused counters), associations */
static struct json_object *sctp_list(void *priv, struct sg_mgmt_err *err)
{
	struct sg_sigtran *st = priv;
	struct json_object *a, *o;

	if (!st->sctp) {
		sg_mgmt_err_set(err, 503, "the SCTP transport is not running (see the log)");
		return NULL;
	}
	a = json_object_new_array();
	o = sg_sctp_json(st->sctp);
	json_object_object_add(o, "name", json_object_new_string("sctp"));
	json_object_array_add(a, o);
	return a;
}

static struct json_object *xl_list(void *priv, struct sg_mgmt_err *err)
{
	struct sg_sigtran *st = priv;

	return ready(st, err) ? sg_nif_xlates_json(st->nif) : NULL;
}

/* PUT /api/v1/translations/<name> {"tdm": {"ni":..., "pc":...}, "ip": {...}} */
static struct json_object *xl_set(void *priv, const char *item, struct json_object *body,
				  struct sg_mgmt_err *err)
{
	struct sg_sigtran *st = priv;
	struct sg_cfg_xlate cx;
	struct sg_nif_xlate x;
	char e[256];
	int rc;

	if (!ready(st, err))
		return NULL;
	if (body_check(body, item, &sg_config_xlate_schema, err) < 0)
		return NULL;
	if (sg_config_parse_xlate(st->cfg, body, "", &cx, e, sizeof(e)) < 0) {
		sg_mgmt_err_set(err, 400, "%s", e);
		return NULL;
	}
	x = (struct sg_nif_xlate){ .tdm_ni = cx.tdm_ni, .ip_ni = cx.ip_ni, .tdm_pc = cx.tdm_pc,
				   .ip_pc = cx.ip_pc };
	snprintf(x.name, sizeof(x.name), "%s", item);
	rc = sg_nif_xlate_add(st->nif, &x);
	if (rc < 0) {
		sg_mgmt_err_set(err, rc == -EEXIST ? 409 : 400, "translation '%s' not added: %s", item,
				rc == -EEXIST ? "the name or one of its (NI, PC) is already used" :
				strerror(-rc));
		return NULL;
	}
	return sg_nif_xlates_json(st->nif);
}

static struct json_object *xl_command(void *priv, const char *item, const char *cmd,
				      struct json_object *args, struct sg_mgmt_err *err)
{
	struct sg_sigtran *st = priv;

	(void)cmd;
	(void)args;
	if (!ready(st, err))
		return NULL;
	if (sg_nif_xlate_del(st->nif, item) < 0) {
		sg_mgmt_err_set(err, 404, "no translation named '%s'", item);
		return NULL;
	}
	return sg_nif_xlates_json(st->nif);
}

static const struct sg_mgmt_cmd_desc xl_commands[] = {
	{ "delete", "remove the translation rule" },
	{ NULL }
};

static struct json_object *nif_list(void *priv, struct sg_mgmt_err *err)
{
	struct sg_sigtran *st = priv;
	struct json_object *a, *o;

	if (!ready(st, err))
		return NULL;
	a = json_object_new_array();
	o = sg_nif_json(st->nif);
	json_object_object_add(o, "name", json_object_new_string("m3ua"));
	json_object_object_add(o, "m3ua_counters", sg_m3ua_counters_json(st->m3ua));
	json_object_array_add(a, o);
	return a;
}

void sg_sigtran_register_mgmt(struct sg_sigtran *st, struct sg_mgmt *mgmt)
{
	if (!st)
		return;
	sg_mgmt_register(mgmt, &(struct sg_mgmt_collection){
		.name = "asps",
		.description = "M3UA peers (ASPs of our SGP, SGPs we are the ASP of, IPSPs): "
			       "state, association, counters; block and unblock",
		.owner = st->core_thread, .priv = st,
		.list = asps_list, .get = asps_get,
		.command = asps_command, .commands = asp_commands,
	});
	sg_mgmt_register(mgmt, &(struct sg_mgmt_collection){
		.name = "as",
		.description = "M3UA application servers: state, traffic mode, members",
		.owner = st->core_thread, .priv = st,
		.list = as_list, .get = as_get,
	});
	sg_mgmt_register(mgmt, &(struct sg_mgmt_collection){
		.name = "routing-keys",
		.description = "M3UA routing keys; PUT /routing-keys/<AS> adds an AS with its key, "
			       "POST /routing-keys/<AS>/delete removes it",
		.owner = st->core_thread, .priv = st,
		.list = rk_list, .get = as_get, .set = rk_set,
		.command = rk_command, .commands = rk_commands,
	});
	sg_mgmt_register(mgmt, &(struct sg_mgmt_collection){
		.name = "associations",
		.description = "SCTP associations and endpoints: state, streams, addresses, counters",
		.owner = st->core_thread, .priv = st,
		.list = assocs_list, .get = assocs_get,
	});
	sg_mgmt_register(mgmt, &(struct sg_mgmt_collection){
		.name = "sctp",
		.description = "the SCTP transport: kind (kernel or usrsctp), listening and connecting "
			       "endpoints with their accepted/refused counters, associations",
		.owner = st->core_thread, .priv = st,
		.list = sctp_list,
	});
	sg_mgmt_register(mgmt, &(struct sg_mgmt_collection){
		.name = "translations",
		.description = "point-code translation rules (NI, PC) TDM <-> IP; PUT adds one, "
			       "POST .../delete removes it",
		.owner = st->core_thread, .priv = st,
		.list = xl_list, .set = xl_set,
		.command = xl_command, .commands = xl_commands,
	});
	sg_mgmt_register(mgmt, &(struct sg_mgmt_collection){
		.name = "interworking",
		.description = "the MTP3 <-> M3UA interworking: AS point codes and counters",
		.owner = st->core_thread, .priv = st,
		.list = nif_list,
	});
}
