/*
 * Fuzz target: arbitrary bytes as a batch script for directives_parse(),
 * and the first line of them as a size, a duration, an option spelling
 * (abbreviations, aliases) and the values of the options with handlers;
 * a --signal value that parses must read back the same from its canonical
 * text (what herdd stores).  Inputs beginning with 'S' are read with
 * herd service's options too (directives_parse_svc): what parses must
 * have a valid name whenever it has any service option.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "directives.h"
#include "jobopt.h"
#include "sigspec.h"
#include "svc.h"
#include "svcopt.h"
#include "util.h"

static void
ignore_warning(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static void
signal_round_trip(const char *line)
{
	struct sigspec s, again;
	char err[HERD_ERRLEN], canon[SIGSPEC_TEXT_MAX];

	if (sigspec_parse(line, &s, err, sizeof err) != 0)
		return;
	sigspec_format(&s, canon, sizeof canon);
	if (sigspec_parse(canon, &again, err, sizeof err) != 0 ||
	    again.sig != s.sig || again.time_s != s.time_s ||
	    again.flags != s.flags || sigspec_name(s.sig) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jobopt o;
	char err[HERD_ERRLEN], line[256], dur[32];
	size_t n = strnlen((const char *)data, size < 255 ? size : 255);
	uint64_t mb;
	int64_t secs;

	jobopt_init(&o);
	if (size > 0 && data[0] == 'C')	/* sometimes as if after a command line */
		jobopt_apply(&o, "gpus", "1", 0, err, sizeof err);
	if (size > 0 && data[0] == 'S') {
		struct svcopt so;
		svcopt_init(&so);
		if (directives_parse_svc("fuzz.sh", (const char *)data, size, &o, &so,
		    ignore_warning, NULL, err, sizeof err) == 0 && so.set != 0 &&
		    (so.name == NULL || svc_check_name(so.name, err, sizeof err) != 0))
			abort();
		svcopt_clear(&so);
	} else if (directives_parse("fuzz.sh", (const char *)data, size, &o,
	    ignore_warning, NULL, err, sizeof err) == 0)
		jobopt_finish(&o, err, sizeof err);
	jobopt_clear(&o);

	memcpy(line, data, n);
	line[n] = '\0';
	parse_size_mb(line, &mb, err, sizeof err);
	if (parse_duration_s(line, &secs, err, sizeof err) == 0)
		format_duration(secs, dur, sizeof dur);
	jobopt_init(&o);
	jobopt_apply(&o, line, line, 0, err, sizeof err);
	jobopt_apply(&o, "gres", line, 1, err, sizeof err);
	jobopt_apply(&o, "nodes", line, 0, err, sizeof err);
	jobopt_apply(&o, "gpus", line, 0, err, sizeof err);
	jobopt_apply(&o, "ntasks-per-node", line, 0, err, sizeof err);
	jobopt_apply(&o, "signal", line, 0, err, sizeof err);
	signal_round_trip(line);
	jobopt_resolve(line, err, sizeof err);
	jobopt_finish(&o, err, sizeof err);
	jobopt_clear(&o);
	return 0;
}
