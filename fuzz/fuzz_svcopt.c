/*
 * Fuzz target: the first line of the input as each of herd service
 * start's option values (svc.h): the name, --restart, --max-restarts and
 * --restart-window, and as a runner's start event's "port N".  A value
 * that parses must be in its range, a policy must name itself back; then
 * the restart decision on the parsed values (any window state) must keep
 * its backoff within 1 s .. 5 min.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svc.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[1024], why[HERD_ERRLEN];
	size_t n = strnlen((const char *)data, size < 1023 ? size : 1023);
	int policy = SVC_RESTART_ON_FAILURE, maxr = 3, back;
	int64_t window = 600;

	memcpy(line, data, n);
	line[n] = '\0';
	if (svc_check_name(line, why, sizeof why) == 0 &&
	    (strlen(line) > SVC_NAME_MAX || line[0] == '-'))
		abort();
	if (svc_parse_restart(line, &policy, why, sizeof why) == 0 &&
	    (svc_parse_restart(svc_restart_name(policy), &back, why, sizeof why) != 0 ||
	    back != policy))
		abort();
	if (svc_parse_max_restarts(line, &maxr, why, sizeof why) == 0 &&
	    (maxr < 0 || maxr > SVC_MAX_RESTARTS_MAX))
		abort();
	if (svc_parse_window(line, &window, why, sizeof why) == 0 &&
	    (window < 1 || window > SVC_WINDOW_MAX_S))
		abort();
	int port = 0;
	if (svc_parse_start_port(line, &port) == 0 && (port < 1 || port > 65535))
		abort();
	struct svc_state s = { policy, maxr, window, (int64_t)(n * 977), (int)(n % 40) };
	struct svc_verdict v;
	svc_decide(&s, (int32_t)n - 2, 1700000000, &v);
	if (v.restart && (v.delay_s < 1 || v.delay_s > SVC_BACKOFF_MAX_S || v.crashloop))
		abort();
	return 0;
}
