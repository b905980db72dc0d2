/* Logging set-up: one category per layer on a stderr or syslog target. */

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include <osmocom/core/application.h>
#include <osmocom/core/utils.h>

#include <sg/log.h>
#include <sg/timer.h>

static const struct log_info_cat sg_log_cats[] = {
	[DSG] = { "DSG", "\033[1;37m", "daemon, start-up and shutdown", LOGL_NOTICE, 1 },
	[DCFG] = { "DCFG", "\033[1;36m", "configuration", LOGL_NOTICE, 1 },
	[DTHR] = { "DTHR", "\033[0;37m", "threads and mailboxes", LOGL_NOTICE, 1 },
	[DADP] = { "DADP", "\033[1;34m", "E1/T1 adapters", LOGL_NOTICE, 1 },
	[DHDLC] = { "DHDLC", "\033[0;34m", "software HDLC", LOGL_NOTICE, 1 },
	[DMTP2] = { "DMTP2", "\033[1;32m", "MTP2 (Q.703)", LOGL_NOTICE, 1 },
	[DMTP3] = { "DMTP3", "\033[0;32m", "MTP3 (Q.704)", LOGL_NOTICE, 1 },
	[DSCCP] = { "DSCCP", "\033[1;33m", "SCCP (Q.713/Q.714)", LOGL_NOTICE, 1 },
	[DSCTP] = { "DSCTP", "\033[0;35m", "SCTP transport", LOGL_NOTICE, 1 },
	[DM3UA] = { "DM3UA", "\033[1;35m", "M3UA (RFC 4666)", LOGL_NOTICE, 1 },
	[DSUA] = { "DSUA", "\033[0;33m", "SUA (RFC 3868)", LOGL_NOTICE, 1 },
	[DNIF] = { "DNIF", "\033[0;36m", "interworking and point-code translation", LOGL_NOTICE, 1 },
	[DMGMT] = { "DMGMT", "\033[1;31m", "management API", LOGL_NOTICE, 1 },
};

/* lower-case names used in the config file and the API */
static const char *const sg_log_cat_names[_SG_LOG_CAT_MAX] = {
	[DSG] = "sg", [DCFG] = "cfg", [DTHR] = "thread", [DADP] = "adapter",
	[DHDLC] = "hdlc", [DMTP2] = "mtp2", [DMTP3] = "mtp3", [DSCCP] = "sccp",
	[DSCTP] = "sctp", [DM3UA] = "m3ua", [DSUA] = "sua", [DNIF] = "nif",
	[DMGMT] = "mgmt",
};

static const struct log_info sg_log_info = {
	.cat = sg_log_cats,
	.num_cat = ARRAY_SIZE(sg_log_cats),
};

static const struct value_string level_names[] = {
	{ LOGL_DEBUG, "debug" },
	{ LOGL_INFO, "info" },
	{ LOGL_NOTICE, "notice" },
	{ LOGL_ERROR, "error" },
	{ LOGL_FATAL, "fatal" },
	{ 0, NULL }
};

static struct log_target *sg_target;

int sg_log_init(void *ctx, enum sg_log_target_kind target, bool timestamps)
{
	if (sg_target)
		return 0;
	if (osmo_init_logging2(ctx, &sg_log_info) < 0)
		return -ENOMEM;
	if (target == SG_LOG_SYSLOG) {
		struct log_target *t = log_target_create_syslog("sgd", LOG_PID, LOG_DAEMON);

		if (!t)
			return -ENOMEM;
		log_del_target(osmo_stderr_target);
		log_target_destroy(osmo_stderr_target);
		osmo_stderr_target = NULL;
		log_add_target(t);
		sg_target = t;
	} else {
		sg_target = osmo_stderr_target;
		log_set_print_extended_timestamp(sg_target, timestamps);
	}
	log_set_print_category(sg_target, 1);
	log_set_print_category_hex(sg_target, 0);
	log_set_print_level(sg_target, 1);
	log_set_print_filename2(sg_target, LOG_FILENAME_NONE);
	log_set_use_color(sg_target, 0);
	/* levels are filtered per category only: in libosmocore a non-zero
	 * target level overrides the category levels */
	log_set_log_level(sg_target, 0);
	log_set_all_filter(sg_target, 1);
	for (unsigned int i = 0; i < _SG_LOG_CAT_MAX; i++)
		log_set_category_filter(sg_target, i, 1, sg_log_cats[i].loglevel);
	return 0;
}

void sg_log_fini(void)
{
	if (!sg_target)
		return;
	sg_target = NULL;
	log_fini();
}

const char *sg_log_cat_name(enum sg_log_cat cat)
{
	return cat < _SG_LOG_CAT_MAX ? sg_log_cat_names[cat] : NULL;
}

int sg_log_cat_by_name(const char *name)
{
	for (unsigned int i = 0; i < _SG_LOG_CAT_MAX; i++)
		if (!strcasecmp(name, sg_log_cat_names[i]))
			return i;
	return -EINVAL;
}

int sg_log_level_by_name(const char *name)
{
	int lvl = get_string_value(level_names, name);

	return lvl < 0 ? -EINVAL : lvl;
}

const char *sg_log_level_name(int level)
{
	return get_value_string_or_null(level_names, level);
}

int sg_log_set_level(enum sg_log_cat cat, int level)
{
	if (cat >= _SG_LOG_CAT_MAX || !sg_log_level_name(level))
		return -EINVAL;
	log_tgt_mutex_lock();
	if (sg_target)
		log_set_category_filter(sg_target, cat, 1, level);
	log_tgt_mutex_unlock();
	return 0;
}

int sg_log_get_level(enum sg_log_cat cat)
{
	int level = -EINVAL;

	if (cat >= _SG_LOG_CAT_MAX)
		return -EINVAL;
	log_tgt_mutex_lock();
	if (sg_target)
		level = sg_target->categories[cat].loglevel;
	log_tgt_mutex_unlock();
	return level;
}

/* ---- rate limit for repeatable causes ---- */

static uint64_t held_back[_SG_LOG_CAT_MAX];

bool sg_log_limit_pass(struct sg_log_limit *l, enum sg_log_cat cat, unsigned int *held)
{
	uint64_t now = sg_now();

	if (!l->started || now - l->window_start >= (uint64_t)SG_LOG_LIMIT_WINDOW_MS * SG_NS_PER_MS) {
		l->started = true;
		l->window_start = now;
		l->passed = 0;
	}
	if (l->passed >= SG_LOG_LIMIT_BURST) {
		l->held++;
		if ((unsigned int)cat < _SG_LOG_CAT_MAX)
			__atomic_add_fetch(&held_back[cat], 1, __ATOMIC_RELAXED);
		return false;
	}
	l->passed++;
	if (held)
		*held = l->held;
	l->held = 0;
	return true;
}

uint64_t sg_log_held_back(enum sg_log_cat cat)
{
	return (unsigned int)cat < _SG_LOG_CAT_MAX ?
		       __atomic_load_n(&held_back[cat], __ATOMIC_RELAXED) : 0;
}
