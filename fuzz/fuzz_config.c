/* libFuzzer target: the configuration loader (sg/config/config.c, sg/config/config_schema.c,
 * sg/check.c): whole JSON text -> validated struct sg_config, or one error line naming the JSON
 * path. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <talloc.h>

#include <sg/config.h>

#include "../sg/daemon.h"

/*
 * Input: a config file's text.  sg_config_load() reads the file and hands its text to
 * sg_config_parse(), which this target calls (a file with a NUL octet is refused before that,
 * as the loader does); sgd then runs the layers' checks (sg_daemon_check_config).  Checks:
 * an error always says something; nothing stays allocated on the context after an error or
 * after sg_config_free (LeakSanitizer sees the rest); and an accepted config, written out as
 * JSON by json-c (GET /api/v1/config), is accepted again with the same counts.
 *
 * Seeds: the configs of etc/, tests/configs/ and tests/configs/bad/ (fuzz/targets.list).
 */

static struct sg_config *parse(void *ctx, const char *text, char *err, size_t errlen)
{
	struct sg_config *cfg;

	err[0] = '\0';
	cfg = sg_config_parse(ctx, text, "fuzz.json", err, errlen);
	if (cfg && sg_daemon_check_config(cfg, err, errlen) < 0) {
		sg_config_free(cfg);
		cfg = NULL;
	}
	if (!cfg && !err[0])
		abort();
	return cfg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *ctx = talloc_named_const(NULL, 0, "fuzz");
	struct sg_config *cfg, *again;
	char err[512];
	char *text;

	/* the loader refuses a NUL octet in the file */
	if (memchr(data, 0, size) || size > 256 * 1024)
		goto out;
	text = talloc_strndup(ctx, (const char *)data, size);
	cfg = parse(ctx, text, err, sizeof(err));
	talloc_free(text);
	if (cfg) {
		const char *js = json_object_to_json_string_ext(cfg->root, JSON_C_TO_STRING_PRETTY);

		again = parse(ctx, js, err, sizeof(err));
		if (!again || again->num_sps != cfg->num_sps ||
		    again->num_spans != cfg->num_spans ||
		    again->num_linksets != cfg->num_linksets ||
		    again->num_routes != cfg->num_routes || again->num_xlates != cfg->num_xlates)
			abort();
		sg_config_free(again);
		sg_config_free(cfg);
	}
	/* the error paths free what they allocated on ctx */
	if (talloc_total_blocks(ctx) != 1)
		abort();
out:
	talloc_free(ctx);
	return 0;
}
