/* Spans and signalling channels on top of the adapter drivers (see include/sg/adapter.h). */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <talloc.h>

#include <sg/adapter.h>
#include <sg/log.h>

unsigned int sg_chan_rate_octets(enum sg_chan_rate rate)
{
	switch (rate) {
	case SG_CHAN_1984K:
		return 31;
	case SG_CHAN_2048K:
		return 32;
	default:
		return 1;
	}
}

struct sg_span *sg_span_open(void *ctx, const struct sg_span_cfg *cfg, char *err, size_t errlen)
{
	struct sg_adapter_driver *drv = sg_adapter_driver_find(cfg->driver);
	struct sg_span *span;
	int rc;

	if (!drv) {
		snprintf(err, errlen, "span %s: driver '%s' is not available", cfg->name,
			 cfg->driver);
		return NULL;
	}
	if (drv->schema && !cfg->drv_cfg) {
		snprintf(err, errlen, "span %s: driver %s: no settings (its '%s' section)",
			 cfg->name, drv->name, drv->name);
		return NULL;
	}
	span = talloc_zero(ctx, struct sg_span);
	if (!span) {
		snprintf(err, errlen, "span %s: out of memory", cfg->name);
		return NULL;
	}
	snprintf(span->name, sizeof(span->name), "%s", cfg->name);
	span->type = cfg->type;
	span->drv = drv;
	span->drv_cfg = cfg->drv_cfg;
	span->ctx = span;
	rc = drv->span_open(span);
	if (rc < 0) {
		snprintf(err, errlen, "span %s: driver %s: %s", cfg->name, drv->name,
			 strerror(-rc));
		talloc_free(span);
		return NULL;
	}
	LOGP(DADP, LOGL_INFO, "span %s opened (driver %s, %s)\n", span->name, drv->name,
	     cfg->type == SG_SPAN_E1 ? "E1" : "T1");
	return span;
}

void sg_span_close(struct sg_span *span)
{
	if (!span)
		return;
	for (unsigned int ts = 0; ts <= SG_SPAN_MAX_TS; ts++)
		sg_chan_close(span->chan[ts]);
	if (span->drv->span_close)
		span->drv->span_close(span);
	LOGP(DADP, LOGL_INFO, "span %s closed\n", span->name);
	talloc_free(span);
}

struct sg_chan *sg_chan_open(struct sg_span *span, unsigned int ts, enum sg_adapter_mode mode,
			     enum sg_chan_rate rate, const struct sg_chan_ops *ops, void *user,
			     char *err, size_t errlen)
{
	unsigned int max_ts = span->type == SG_SPAN_E1 ? 31 : 24;
	struct sg_chan *chan;
	int rc;

	if (ts > max_ts) {
		snprintf(err, errlen, "span %s: no timeslot %u", span->name, ts);
		return NULL;
	}
	if (span->chan[ts] || (ts && span->chan[0])) {
		snprintf(err, errlen, "span %s: timeslot %u is in use", span->name, ts);
		return NULL;
	}
	if (!ts) {
		for (unsigned int i = 1; i <= SG_SPAN_MAX_TS; i++)
			if (span->chan[i]) {
				snprintf(err, errlen, "span %s: the whole span is wanted but "
					 "timeslot %u is in use", span->name, i);
				return NULL;
			}
	}
	if ((rate == SG_CHAN_1984K || rate == SG_CHAN_2048K) != (ts == 0) ||
	    (rate == SG_CHAN_56K && span->type != SG_SPAN_T1) ||
	    ((rate == SG_CHAN_1984K || rate == SG_CHAN_2048K) && span->type != SG_SPAN_E1)) {
		snprintf(err, errlen, "span %s: rate does not fit timeslot %u", span->name, ts);
		return NULL;
	}
	if (span->drv->supports && !span->drv->supports(span, mode)) {
		snprintf(err, errlen, "span %s: driver %s does not offer %s mode", span->name,
			 span->drv->name, mode == SG_ADAPTER_MODE_BITS ? "bitstream" : "frame");
		return NULL;
	}
	chan = talloc_zero(span, struct sg_chan);
	if (!chan) {
		snprintf(err, errlen, "span %s: out of memory", span->name);
		return NULL;
	}
	*chan = (struct sg_chan){ .span = span, .ts = ts, .mode = mode, .rate = rate,
				  .ops = ops, .user = user };
	span->chan[ts] = chan;
	rc = span->drv->chan_open ? span->drv->chan_open(chan) : 0;
	if (rc < 0) {
		snprintf(err, errlen, "span %s timeslot %u: %s", span->name, ts, strerror(-rc));
		span->chan[ts] = NULL;
		talloc_free(chan);
		return NULL;
	}
	return chan;
}

void sg_chan_close(struct sg_chan *chan)
{
	if (!chan)
		return;
	if (chan->span->drv->chan_close)
		chan->span->drv->chan_close(chan);
	chan->span->chan[chan->ts] = NULL;
	talloc_free(chan);
}

int sg_chan_tx_frame(struct sg_chan *chan, const uint8_t *frame, size_t len)
{
	if (chan->mode != SG_ADAPTER_MODE_FRAMES || !chan->span->drv->chan_tx_frame)
		return -EOPNOTSUPP;
	return chan->span->drv->chan_tx_frame(chan, frame, len);
}

void sg_span_set_alarms(struct sg_span *span, uint32_t alarms)
{
	if (alarms == span->alarms)
		return;
	LOGP(DADP, LOGL_NOTICE, "span %s: alarms 0x%x -> 0x%x\n", span->name, span->alarms,
	     alarms);
	span->alarms = alarms;
	for (unsigned int ts = 0; ts <= SG_SPAN_MAX_TS; ts++) {
		struct sg_chan *chan = span->chan[ts];

		if (chan && chan->ops && chan->ops->alarm)
			chan->ops->alarm(chan->user, alarms);
	}
}
