/* Q.782 test network: MTP3 instances and scripted SPs on real MTP2 links, in virtual time. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <osmocom/core/linuxlist.h>

#include <sg/mtp2.h>
#include <sg/mtp3.h>
#include <sg/mtp3_core.h>

/*
 * A cable joins two MTP2 links back to back: every 1 ms of virtual time each end's next SU
 * (sg_mtp2_tx_next) is handed to the other end (sg_mtp2_rx_su).  One end of a cable is
 * either bound to an MTP3 link (q_end_mtp3) or scripted (q_end_script): the test then reads
 * what arrives (decoded) and sends exact MSUs.  Between MTP3 and MTP2 everything (requests
 * and indications) goes through one FIFO that is drained after each 1 ms step, so MTP3
 * sees MTP2 asynchronously, as on the core thread of sgd.
 */

#define Q_MAX_MSU 300

struct q_msu {
	struct llist_head list;
	uint64_t t;			/* arrival, ns */
	uint8_t data[Q_MAX_MSU];
	uint16_t len;
	int rc;				/* header decode result */
	struct sg_mtp3_hdr h;
};

struct q_end {
	struct sg_mtp2_link *mtp2;
	struct q_cable *cable;
	/* MTP3 end */
	struct sg_mtp3 *m;
	struct sg_mtp3_link *l3;
	/* scripted end */
	bool script;
	uint32_t pc, adj_pc;
	uint8_t slc;
	bool auto_slta;			/* answer SLTMs */
	bool auto_cba;			/* answer CBDs */
	bool no_bsnt;			/* MTP3 end: MTP2 cannot retrieve BSNT */
	bool in_service;
	unsigned int n_in_service, n_oos;
	uint64_t in_service_at, oos_at;
	unsigned int tx_msu;		/* MSUs sent since the last alignment */
	bool bsnt_valid;
	uint16_t bsnt;
	struct llist_head rx;		/* struct q_msu, MSUs received */
	unsigned int nrx;
};

struct q_cable {
	struct llist_head list;
	struct q_end *e[2];
	bool cut;
};

extern const struct sg_mtp3_fmt q_fmt;	/* ITU */
extern const struct sg_mtp3_l2_ops q_l2_ops;

void q_net_init(void);
void q_net_fini(void);
struct q_end *q_end_script(uint32_t pc, uint32_t adj_pc, uint8_t slc);
struct q_end *q_end_mtp3(struct sg_mtp3 *m, struct sg_mtp3_link *l);
struct q_cable *q_cable(struct q_end *a, struct q_end *b, const struct sg_mtp2_cfg *cfg);
/* Link failure at end e (adapter alarm raised and cleared). */
void q_fail(struct q_end *e);

/* Advance virtual time by ms (1 ms steps, draining the MTP2<->MTP3 queue after each). */
void q_run(unsigned int ms);
/* Advance until pred(arg) or limit_ms; returns whether pred became true. */
bool q_run_until(bool (*pred)(void *), void *arg, unsigned int limit_ms);
void q_drain(void);

/* Scripted end: start MTP2, wait for in service, SLTM answered; optionally send TRA. */
bool q_script_up(struct q_end *e, bool tra, unsigned int limit_ms);
/* Send raw MSU (SIO onwards). */
void q_script_tx(struct q_end *e, const uint8_t *msu, size_t len);
void q_script_tx_snm(struct q_end *e, uint32_t dpc, const struct sg_mtp3_snm *s);
/* user MSU: SI, DPC, SLS, payload (seq number) */
void q_script_tx_user(struct q_end *e, uint8_t si, uint32_t dpc, uint8_t sls, uint32_t seq,
		      size_t pad);
/* Find the first received MSU at index >= *from that is an SNM with heading (0: any SNM);
 * decodes into s, sets *from past it.  NULL when none. */
struct q_msu *q_find_snm(struct q_end *e, unsigned int *from, uint8_t heading,
			 struct sg_mtp3_snm *s);
struct q_msu *q_find_slt(struct q_end *e, unsigned int *from, uint8_t heading,
			 struct sg_mtp3_slt *s);
struct q_msu *q_msu_at(struct q_end *e, unsigned int i);
void q_rx_clear(struct q_end *e);
/* Retrieve BSNT of a scripted end (after its link went out of service). */
bool q_script_bsnt(struct q_end *e, uint16_t *bsnt);
