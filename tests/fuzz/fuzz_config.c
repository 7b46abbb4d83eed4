/* fuzz_config.c — the YAML configuration loader.
 *
 * The input is a configuration file's text, loaded with
 * ff_config_load_text; an accepted configuration then goes through
 * ff_analysis_new, which checks the sections later stages own (goals,
 * funnels, experiments, pixels, bot patterns).  Every refusal must name the
 * file and carry no raw control byte, since it is printed to a terminal as
 * it is (SPEC §9). */
#include <string.h>

#include "analysis.h"
#include "config.h"
#include "fuzz.h"
#include "useragent.h"

static void check_message(const char *err, size_t errsz)
{
	FUZZ_ASSERT(memchr(err, '\0', errsz) != NULL);
	FUZZ_ASSERT(err[0] != '\0');
	for (const unsigned char *p = (const unsigned char *)err; *p; p++)
		FUZZ_ASSERT(*p >= 0x20 && *p != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ff_config cfg;
	char err[1024];
	ff_config_init(&cfg);
	if (ff_config_load_text(&cfg, "fuzz.yaml", (const char *)data, size, err, sizeof err) != 0) {
		check_message(err, sizeof err);
		FUZZ_ASSERT(strncmp(err, "fuzz.yaml:", 10) == 0);
		/* A refused text leaves the configuration as it was. */
		FUZZ_ASSERT(cfg.source == NULL && cfg.doc == NULL && cfg.log_format == NULL);
		ff_config_free(&cfg);
		return 0;
	}
	FUZZ_ASSERT(cfg.source && strcmp(cfg.source, "fuzz.yaml") == 0);
	FUZZ_ASSERT(cfg.visits_timeout >= 0 && cfg.visits_reorder_window >= 0);

	ff_ua *ua = ff_ua_empty();
	FUZZ_ASSERT(ua != NULL);
	ff_analysis_options ao = {
		.timeout = cfg.visits_timeout,
		.reorder_window = cfg.visits_reorder_window,
		.site_hosts = &cfg.site_hosts,
		.seed = 42,
	};
	ff_analysis *a = ff_analysis_new(&ao, ua, &cfg, err, sizeof err);
	if (!a)
		check_message(err, sizeof err);
	ff_analysis_free(a);
	ff_ua_free(ua);
	ff_config_free(&cfg);
	return 0;
}
