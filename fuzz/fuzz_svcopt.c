/*
 * Fuzz target: the first line of the input as each of herd service
 * start's option values (svc.h): the name, --restart, --max-restarts,
 * --restart-window and --replicas, and as a runner's start event's
 * "port N".  A value that parses must be in its range, a policy must name
 * itself back; then the restart decision on the parsed values (any window
 * state) must keep its backoff within 1 s .. 5 min.  The line as a
 * service's array: taken only as the tasks 0..N-1 of its --replicas.
 * The same line as each health option (svc_health.h) and as a check's
 * command in its node program; as --share-with's list (svc_share.h,
 * every well-shaped name a user) whose uids must hold each user, and as
 * OWNER/NAME; as --idle-stop (in range), and as a service's name and
 * output path in --idle-stop's log line and its node program (built, the
 * line one line).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arrayspec.h"
#include "svc.h"
#include "svc_roll.h"
#include "svc_health.h"
#include "svc_share.h"
#include "svc_idle.h"
#include "util.h"

/* The health options (svc_health.h) on the same line: what passes is in
 * range, and the node program built from it holds the line only quoted. */
static int health_values(const char *line, size_t n)
{
	char why[HERD_ERRLEN];
	int64_t d = 0;
	int retries = 0, bad = 0;
	if (svc_health_parse_dur("--health-interval", line, &d, why, sizeof why) == 0)
		bad |= d < 1 || d > SVC_HEALTH_DUR_MAX_S;
	if (svc_health_parse_retries(line, &retries, why, sizeof why) == 0)
		bad |= retries < 1 || retries > SVC_HEALTH_RETRIES_MAX;
	if (svc_health_check_path(line, why, sizeof why) == 0)
		bad |= strpbrk(line, " \t\n'") != NULL;
	if (svc_health_check_cmd(line, why, sizeof why) == 0) {
		struct buf b;
		buf_init(&b, 1 << 16);
		bad |= strchr(line, '\n') != NULL ||
		    svc_health_program(&b, "/var/herd", "herd-1.1", line, line, 8080, 10) != 0;
		buf_clear(&b);
	}
	struct svc_health_out o;
	int h = (int)(n % 5);	/* 4: a state that is none of them, left alone */
	svc_health_step(h, (int)(n % 7), (int)(n % 4), (int)(n & 1), &o);
	bad |= o.fails < 0 || (h > SVC_HEALTH_UNHEALTHY ? o.health != h || o.restart :
	    o.health < 0 || o.health > SVC_HEALTH_UNHEALTHY);
	return bad;
}

/* Every user exists; its uid is its name's length. */
static int any_user(const char *name, uint32_t *uid, void *arg)
{
	(void)arg;
	*uid = (uint32_t)strlen(name);
	return 0;
}

/* --share-with and OWNER/NAME on the same line. */
static int share_values(const char *line)
{
	char names[SVC_SHARE_NAMES_MAX], uids[SVC_SHARE_UIDS_MAX], why[HERD_ERRLEN];
	char owner[SVC_SHARE_USER_MAX + 1];
	const char *name;
	int bad = 0;
	if (svc_share_resolve(line, any_user, NULL, names, uids, why, sizeof why) == 0) {
		bad |= strcmp(names, line) != 0 || strlen(uids) >= SVC_SHARE_UIDS_MAX;
		for (const char *p = names; *p;) {
			size_t k = strcspn(p, ",");
			bad |= !svc_share_has(uids, (uint32_t)k) || k == 0 || k > SVC_SHARE_USER_MAX;
			p += k + (p[k] == ',');
		}
	}
	svc_share_has(line, 0);
	if (svc_ref_split(line, owner, &name) == 0)
		bad |= strlen(owner) > SVC_SHARE_USER_MAX || strchr(name, '/') != NULL;
	return bad;
}

/* --idle-stop, its log line and the program that appends it. */
static int idle_values(const char *line)
{
	char why[HERD_ERRLEN], text[512];
	int64_t secs = 0;
	int bad = 0;
	if (svc_parse_idle_stop(line, &secs, why, sizeof why) == 0)
		bad |= secs < 1 || secs > SVC_WINDOW_MAX_S;
	svc_idle_line(text, sizeof text, line, secs > 0 ? secs : 3600);
	bad |= strchr(text, '\n') != NULL;
	struct buf b;
	buf_init(&b, 1 << 16);
	bad |= svc_note_program(&b, line, text) != 0;
	buf_clear(&b);
	return bad;
}

/* The line as a client's --array for a service of n % 18 replicas
 * (svc_roll.h): taken only as exactly the tasks 0..N-1, unthrottled. */
static int replicas_array(const char *line, size_t n)
{
	char why[HERD_ERRLEN];
	struct arrayspec a;
	uint32_t lo = 1, hi = 0;
	int want = (int)(n % 18), bad = 0;
	arrayspec_init(&a);
	if (arrayspec_parse(&a, line, 100000, why, sizeof why) == 0 &&
	    svc_check_replicas(want, &a, why, sizeof why) == 0)
		bad = want < 2 || a.throttle != 0 || arrayspec_count(&a) != (uint64_t)want ||
		    arrayspec_min(&a, &lo) != 0 || arrayspec_max(&a, &hi) != 0 || lo != 0 ||
		    hi != (uint32_t)want - 1;
	arrayspec_clear(&a);
	return bad;
}

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
	int port = 0, replicas = 0;
	if (svc_parse_start_port(line, &port) == 0 && (port < 1 || port > 65535))
		abort();
	if (svc_parse_replicas(line, &replicas, why, sizeof why) == 0 &&
	    (replicas < 1 || replicas > SVC_REPLICAS_MAX))
		abort();
	if (replicas_array(line, n) != 0)
		abort();
	if (health_values(line, n) != 0 || share_values(line) != 0 || idle_values(line) != 0)
		abort();
	struct svc_state s = { policy, maxr, window, (int64_t)(n * 977), (int)(n % 40) };
	struct svc_verdict v;
	svc_decide(&s, (int32_t)n - 2, 1700000000, &v);
	if (v.restart && (v.delay_s < 1 || v.delay_s > SVC_BACKOFF_MAX_S || v.crashloop))
		abort();
	return 0;
}
