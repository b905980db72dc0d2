/* Software HDLC for Q.703 signalling links: flags, FCS, acceptance (Q.703 §3, §4, Annex A). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <osmocom/core/utils.h>

/*
 * Conventions
 * -----------
 * Line octets: by default bit 0 (the least significant bit) of each octet in a line buffer is
 * the first bit on the line, as HDLC and Q.703 (§2, the SU format figures) send every field
 * least significant bit first; SU octet k is sent before octet k+1.  SG_HDLC_F_MSB_FIRST
 * selects the opposite order within line octets, which is how most TDM drivers (DAHDI raw
 * channels, G.704 bit 1 = MSB) deliver a timeslot.
 *
 * 56 kbit/s (T1 DS0A, SG_HDLC_F_56K): only 7 bits of each line octet carry signalling; the
 * unused bit is the last one transmitted in the timeslot (T1 bit 8, the robbed-bit position):
 * bit 7 of the octet in LSB-first order, bit 0 in MSB-first order.  It is sent as 1 and ignored
 * on receive.
 *
 * Frames: an SU ("signal unit") is what MTP2 sees: BSN/BIB, FSN/FIB, LI, [SIO, SIF]; the
 * 2-octet FCS (ISO 3309 / X.25 CRC-16, Q.703 §4.2) is added by the transmitter and checked and
 * stripped by the receiver.  Lengths below count SU octets without FCS and without flags.
 *
 * Q.703 §4.1.4 acceptance, expressed in SU octets (the Recommendation counts one flag and the
 * FCS, "fewer than six octets" and "more than m+7 octets"):
 *   basic format (7-bit sequence numbers): SU shorter than 3 octets or longer than m+4,
 *   Annex A (12-bit sequence numbers, 1.5/2 Mbit/s):  shorter than 6 octets or longer than m+7,
 * with m = 272 by default.
 *
 * All state lives in struct sg_hdlc_rx / struct sg_hdlc_tx, which the caller embeds or allocates
 * (plain or talloc).  Nothing allocates memory.  One object is used by one thread at a time.
 */

/*! Largest SU (octets, without FCS) the fixed buffers hold; configurable maxima must be <= this */
#define SG_HDLC_MAX_SU		512
/*! Q.703 default maximum signalling information field length */
#define SG_HDLC_Q703_M		272
/*! Q.703 §4.1.4 / §10.2: octets per error event in octet counting mode */
#define SG_HDLC_Q703_N		16

/* Option flags (struct sg_hdlc_cfg.flags) */
#define SG_HDLC_F_56K		0x01	/* 7 bits per line octet (T1 DS0A) */
#define SG_HDLC_F_MSB_FIRST	0x02	/* bit 7 of a line octet goes first on the line */

enum sg_hdlc_format {
	SG_HDLC_BASIC,		/* Q.703 basic SU format, 7-bit FSN/BSN */
	SG_HDLC_ANNEX_A,	/* Q.703 Annex A, 12-bit FSN/BSN, 9-bit LI */
};

/*! Configuration shared by receiver and transmitter (copied at init) */
struct sg_hdlc_cfg {
	unsigned int flags;		/* SG_HDLC_F_* */
	unsigned int min_su;		/* shorter SUs are "too short" (receiver) */
	unsigned int max_su;		/* longer SUs are "too long" (receiver), tx buffer size */
	unsigned int ocm_n;		/* octets per octet-counting event, 0 = 16 */
	unsigned int tx_flags;		/* flags sent between two frames (transmitter), >= 1 */
};

/*! Fill cfg with the Q.703 values for a format and SIF length m (0 = 272); flags = 0, one flag
 *  between frames.  Returns -EINVAL if m does not fit SG_HDLC_MAX_SU. */
int sg_hdlc_cfg_q703(struct sg_hdlc_cfg *cfg, enum sg_hdlc_format format, unsigned int m);

/*
 * FCS-16 (ISO 3309 / ITU-T X.25 §2.2.7, Q.703 §4.2): generator x^16+x^12+x^5+1, register
 * preset to ones, ones complement transmitted, low-order octet first.  Computing sg_hdlc_fcs16()
 * over SU+FCS gives SG_HDLC_FCS_GOOD.
 */
#define SG_HDLC_FCS_INIT	0xffff
#define SG_HDLC_FCS_GOOD	0xf0b8
/*! Running CRC register over len octets (no final complement); buf is read only */
uint16_t sg_hdlc_crc16(uint16_t crc, const uint8_t *buf, size_t len);
/*! FCS of an SU as transmitted: ~crc16(INIT, su, len); send (fcs & 0xff) first */
static inline uint16_t sg_hdlc_fcs16(const uint8_t *su, size_t len)
{
	return (uint16_t)~sg_hdlc_crc16(SG_HDLC_FCS_INIT, su, len);
}

/*! Word-at-a-time receiver using BMI2 PEXT (x86-64 with fast PEXT; on by default where
 *  available).  enable: 1 = use it if the CPU has it, 0 = octet tables only, -1 = query.
 *  Returns whether it is in use.  Process-wide; call before starting threads that use HDLC. */
int sg_hdlc_accel(int enable);

/* ---------------------------------------------------------------------------------------- */
/* Receiver                                                                                 */
/* ---------------------------------------------------------------------------------------- */

/*! Why a frame was rejected (Q.703 §4.1.4, §4.2) */
enum sg_hdlc_rx_err {
	SG_HDLC_RX_ERR_FCS,		/* frame check sequence wrong */
	SG_HDLC_RX_ERR_ABORT,		/* 7 or more consecutive ones inside a frame */
	SG_HDLC_RX_ERR_SHORT,		/* fewer octets than min_su + 2 */
	SG_HDLC_RX_ERR_LONG,		/* more octets than max_su + 2 (detected while receiving) */
	SG_HDLC_RX_ERR_NONOCTET,	/* not a whole number of octets between flags */
	_NUM_SG_HDLC_RX_ERR
};
extern const struct value_string sg_hdlc_rx_err_names[];

/*! Receiver callbacks; each is optional (NULL = not interested). */
struct sg_hdlc_rx_ops {
	/*! A correct SU: su points into the receiver, valid only during the call, without FCS */
	void (*frame)(void *priv, const uint8_t *su, size_t len);
	/*! A rejected frame outside octet counting mode; octets = octets received so far (incl.
	 *  FCS), for NONOCTET the whole octets.  In octet counting mode errors are only counted. */
	void (*error)(void *priv, enum sg_hdlc_rx_err err, size_t octets);
	/*! Octet counting mode (Q.703 §4.1.4): entered (Q.703 loss of alignment: 7 or more ones, or
	 *  a frame exceeding max_su) */
	void (*ocm_enter)(void *priv);
	/*! Octet counting mode: ocm_n more octets received; feed SUERM/AERM one error each */
	void (*ocm_octets)(void *priv);
	/*! Octet counting mode left because a correct SU was received (reported before frame()) */
	void (*ocm_leave)(void *priv);
};

struct sg_hdlc_rx_stats {
	uint64_t bits;			/* line bits consumed (data bits only in 56k mode) */
	uint64_t frames;		/* correct SUs delivered */
	uint64_t su_octets;		/* their octets, without FCS */
	uint64_t err[_NUM_SG_HDLC_RX_ERR];	/* rejected frames by reason (also in ocm) */
	uint64_t ocm_entered;		/* times octet counting mode was entered */
	uint64_t ocm_events;		/* N-octet events */
};

struct sg_hdlc_rx {
	/* configuration (read only after init) */
	const struct sg_hdlc_rx_ops *ops;
	void *priv;
	struct sg_hdlc_cfg cfg;
	/* delimitation state */
	uint8_t hunting;		/* 1 = looking for a flag (after abort, too long, init) */
	uint8_t ones;			/* consecutive ones just received */
	uint8_t nbits;			/* destuffed bits in acc (< 8) */
	uint8_t in_ocm;			/* octet counting mode */
	uint32_t acc;			/* destuffed bits not yet a whole octet, LSB first */
	uint32_t len;			/* octets in buf */
	uint32_t ocm_count;		/* octets counted towards the next N in ocm */
	/* 56k unpacking */
	uint32_t pk_acc;
	uint32_t pk_n;
	struct sg_hdlc_rx_stats stats;
	uint8_t buf[SG_HDLC_MAX_SU + 2 + 16];	/* + room for 8-octet stores */
};

/*! Initialise rx (caller owns it; ops and priv must outlive it). cfg is copied.
 *  Starts hunting for a flag, not in octet counting mode. Returns 0 or -EINVAL. */
int sg_hdlc_rx_init(struct sg_hdlc_rx *rx, const struct sg_hdlc_cfg *cfg,
		    const struct sg_hdlc_rx_ops *ops, void *priv);
/*! Back to hunting for a flag, discarding a partial frame; octet counting mode and counters kept */
void sg_hdlc_rx_reset(struct sg_hdlc_rx *rx);
/*! Feed len line octets (read only, caller keeps ownership).  Callbacks run from inside this
 *  call, in line order.  Callbacks must not call sg_hdlc_rx_feed() on the same rx. */
void sg_hdlc_rx_feed(struct sg_hdlc_rx *rx, const uint8_t *line, size_t len);

/* ---------------------------------------------------------------------------------------- */
/* Transmitter                                                                              */
/* ---------------------------------------------------------------------------------------- */

/*! Called each time the transmitter needs the next SU (after the flags following the previous
 *  one, or at every idle flag): write at most max octets of SU (without FCS) into buf, which
 *  belongs to the transmitter, and return the length; 0 = nothing to send now, send a flag.
 *  MTP2 returns its current FISU/LSSU again and again to repeat it (Q.703 §5.1, §6). */
typedef size_t (*sg_hdlc_next_su_cb)(void *priv, uint8_t *buf, size_t max);

struct sg_hdlc_tx_stats {
	uint64_t bits;			/* line bits produced (data bits only in 56k mode) */
	uint64_t frames;		/* SUs sent */
	uint64_t su_octets;		/* their octets, without FCS */
	uint64_t idle_flags;		/* flags sent because next_su returned 0 */
	uint64_t bits_flipped;		/* by error injection */
};

struct sg_hdlc_tx {
	sg_hdlc_next_su_cb next_su;
	void *priv;
	struct sg_hdlc_cfg cfg;
	uint64_t acc;			/* line bits not yet output, first bit in bit 0 */
	uint32_t nacc;			/* number of bits in acc */
	uint32_t ones;			/* consecutive ones of the frame being stuffed */
	uint32_t pos, len;		/* next octet of buf to send, octets in buf (SU + FCS) */
	uint32_t flags_left;		/* flags still to send before asking for the next SU */
	uint64_t line_octets;		/* line octets produced since init */
	/* error injection (tests): flip bits at absolute stream positions and/or at a rate */
	const uint64_t *flip_pos;	/* ascending bit positions in the stream (caller's) */
	size_t flip_n;
	uint64_t rng;			/* xorshift64* state, 0 = no random errors */
	uint32_t ber_thresh;		/* P(bit flipped) * 2^32 */
	struct sg_hdlc_tx_stats stats;
	uint8_t buf[SG_HDLC_MAX_SU + 2];
};

/*! Initialise tx (caller owns it).  Starts with one opening flag.  Returns 0 or -EINVAL.
 *  A next_su that returns more than max octets is a programming error (OSMO_ASSERT). */
int sg_hdlc_tx_init(struct sg_hdlc_tx *tx, const struct sg_hdlc_cfg *cfg,
		    sg_hdlc_next_su_cb next_su, void *priv);
/*! Produce exactly nbytes line octets into out (caller's buffer).  Calls next_su as needed. */
void sg_hdlc_tx_fill(struct sg_hdlc_tx *tx, uint8_t *out, size_t nbytes);

/*! Error injection on the transmitted stream (tests): flip the bits at the given absolute
 *  positions of the stream (bit 0 = first bit produced after init; array owned by the caller,
 *  must stay valid, ascending), and/or flip each bit with probability ber using a PRNG seeded
 *  with seed (deterministic).  ber = 0 and n = 0 switch it off.  Positions count line bits
 *  including the unused bit of 56k octets. */
void sg_hdlc_tx_inject(struct sg_hdlc_tx *tx, const uint64_t *pos, size_t n, double ber,
		       uint64_t seed);

/*! Flip each bit of buf (len octets, caller's) with probability ber, PRNG state in *rng
 *  (seed it non-zero).  Returns the number of bits flipped. */
size_t sg_hdlc_corrupt(uint8_t *buf, size_t len, double ber, uint64_t *rng);
