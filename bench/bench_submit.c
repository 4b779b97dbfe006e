/*
 * bench_submit.c — a socket client for scripts/bench: many submissions over
 * one connection, or one "ping".
 *
 *   bench_submit [-s SOCKET] submit N [-b BATCH] [-g GPUS] [-D DIR] [-w CMD] [-E]
 *   bench_submit [-s SOCKET] sched K [same options]
 *   bench_submit [-s SOCKET] ping
 *
 * Theory of operation: a submission is built the way `herd submit --wrap`
 * builds it (src/cmd_submit.c build()): name, workdir, gpus, cpus, mem_mb,
 * time_limit, script "#!/bin/sh\nCMD\n", argv and the whole environment
 * (-E sends only PATH, to keep a 100,000-job fill small).  BATCH frames are
 * encoded into one buffer and written at once, then BATCH answers are read;
 * BATCH 1 is one request at a time, each answered before the next is sent,
 * which is what one `herd submit` does minus the process and the connect.
 * With BATCH > 1 herdd reads several frames per wakeup, so its scheduling
 * pass (run once per loop turn) is shared between them.
 *
 * Output is one line of key=value words for the script to pick apart:
 *   submit: n= secs= rate= first= last= med_us= p99_us= (the last two are
 *           per-batch round trips)
 *   sched:  n= jobs= med_us= p99_us= (K times one submit then one ping:
 *           the duration of the pass each submit caused)
 *   ping:   jobs= sched_us=
 * Exit 1 on any error answer or connection failure.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "proto.h"
#include "protover.h"
#include "util.h"

extern char **environ;

struct opts {
	long n;
	long batch;
	int gpus;
	int small_env;
	const char *dir;
	const char *cmd;
};

static void usage(void)
{
	fprintf(stderr, "usage: bench_submit [-s SOCKET] submit N [-b BATCH] [-g GPUS] "
	    "[-D DIR] [-w CMD] [-E]\n       bench_submit [-s SOCKET] sched K [options]\n"
	    "       bench_submit [-s SOCKET] ping\n");
	exit(2);
}

/* One "submit" request, as cmd_submit.c's build() lays it out. */
static void build(struct msg *m, const struct opts *o, const char *script)
{
	struct buf envb;

	msg_init(m, "submit");
	msg_adds(m, "name", "wrap");
	msg_adds(m, "workdir", o->dir);
	msg_addi(m, "gpus", o->gpus);
	msg_addi(m, "cpus", 1);
	msg_addi(m, "mem_mb", 0);
	msg_addi(m, "time_limit", 0);
	msg_adds(m, "script", script);
	msg_add(m, "argv", "", 0);
	buf_init(&envb, 1u << 20);
	for (char **e = environ; *e; e++) {
		if (o->small_env && strncmp(*e, "PATH=", 5) != 0)
			continue;
		buf_add(&envb, *e, strlen(*e) + 1);
	}
	msg_add(m, "env", envb.data ? envb.data : "", envb.len);
	buf_clear(&envb);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
static int64_t pct(const int64_t *v, size_t n, double p)
{
	size_t k = (size_t)(p * (double)n + 0.999999);
	return v[k == 0 ? 0 : k > n ? n - 1 : k - 1];
}

/* Read `k` answers; each must be "ok" with an id.  Records first and last. */
static int read_answers(struct hclient *c, long k, int64_t *first, int64_t *last)
{
	for (long i = 0; i < k; i++) {
		struct msg ans;
		if (hclient_next(c, &ans) != 1)
			return -1;
		if (hclient_is_error(&ans)) {
			msg_clear(&ans);
			return -1;
		}
		int64_t id = msg_geti(&ans, "id", -1);
		msg_clear(&ans);
		if (*first < 0)
			*first = id;
		*last = id;
	}
	return 0;
}

static int run_submit(struct hclient *c, const struct opts *o)
{
	struct msg m;
	struct buf frame, out;
	char *script;
	int64_t first = -1, last = -1, t0, *rtt;
	long nb = (o->n + o->batch - 1) / o->batch, b = 0, sent = 0;
	int rc = -1;

	xasprintf(&script, "#!/bin/sh\n%s\n", o->cmd);
	build(&m, o, script);
	buf_init(&frame, PROTO_FRAME_MAX + 8);
	buf_init(&out, (size_t)1 << 31);
	rtt = xcalloc((size_t)nb, sizeof *rtt);
	if (proto_encode_request(&frame, &m) != 0) {	/* as herd sends it: with "v" */
		fprintf(stderr, "bench_submit: request too large\n");
		goto out;
	}
	t0 = now_us();
	for (; sent < o->n; b++) {
		long k = o->n - sent < o->batch ? o->n - sent : o->batch;
		buf_reset(&out);
		for (long i = 0; i < k; i++)
			buf_add(&out, frame.data, frame.len);
		int64_t t = now_us();
		if (write_all(c->fd, out.data, out.len) != 0 ||
		    read_answers(c, k, &first, &last) != 0) {
			fprintf(stderr, "bench_submit: failed after %ld submissions\n", sent);
			goto out;
		}
		rtt[b] = now_us() - t;
		sent += k;
	}
	double secs = (double)(now_us() - t0) / 1e6;
	qsort(rtt, (size_t)nb, sizeof *rtt, cmp_i64);
	printf("n=%ld batch=%ld secs=%.3f rate=%.0f first=%" PRId64 " last=%" PRId64
	    " med_us=%" PRId64 " p99_us=%" PRId64 "\n", o->n, o->batch, secs,
	    secs > 0 ? (double)o->n / secs : 0.0, first, last, pct(rtt, (size_t)nb, 0.5),
	    pct(rtt, (size_t)nb, 0.99));
	rc = 0;
out:
	free(rtt);
	free(script);
	buf_clear(&out);
	buf_clear(&frame);
	msg_clear(&m);
	return rc;
}

/* One "ping": herdd's job count and the duration of its last pass. */
static int ping(struct hclient *c, int64_t *jobs, int64_t *sched_us)
{
	struct msg m, ans;
	int rc = -1;
	msg_init(&m, "ping");
	if (hclient_send(c, &m) == 0 && hclient_next(c, &ans) == 1) {
		if (!hclient_is_error(&ans)) {
			*jobs = msg_geti(&ans, "jobs", -1);
			*sched_us = msg_geti(&ans, "sched_us", -1);
			rc = 0;
		}
		msg_clear(&ans);
	}
	msg_clear(&m);
	return rc;
}

static int run_ping(struct hclient *c)
{
	int64_t jobs, us;
	if (ping(c, &jobs, &us) != 0)
		return -1;
	printf("jobs=%" PRId64 " sched_us=%" PRId64 "\n", jobs, us);
	return 0;
}

/*
 * K times: one submit, then a ping.  herdd runs its pass between the two
 * (the loop schedules before it polls again), so each ping reports the pass
 * that this submit caused.
 */
static int run_sched(struct hclient *c, const struct opts *o)
{
	struct msg m;
	int64_t *us = xcalloc((size_t)o->n, sizeof *us), jobs = -1, first = -1, last = -1;
	char *script;
	int rc = 0;

	xasprintf(&script, "#!/bin/sh\n%s\n", o->cmd);
	build(&m, o, script);
	for (long i = 0; i < o->n && rc == 0; i++) {
		if (hclient_send(c, &m) != 0 || read_answers(c, 1, &first, &last) != 0 ||
		    ping(c, &jobs, &us[i]) != 0)
			rc = -1;
	}
	if (rc == 0) {
		qsort(us, (size_t)o->n, sizeof *us, cmp_i64);
		printf("n=%ld jobs=%" PRId64 " med_us=%" PRId64 " p99_us=%" PRId64 "\n", o->n, jobs,
		    pct(us, (size_t)o->n, 0.5), pct(us, (size_t)o->n, 0.99));
	}
	msg_clear(&m);
	free(script);
	free(us);
	return rc;
}

static void parse_submit(struct opts *o, int argc, char **argv)
{
	int ch;
	if (argc < 2)
		usage();
	o->n = strtol(argv[1], NULL, 10);
	optind = 2;
	while ((ch = getopt(argc, argv, "b:g:D:w:E")) != -1) {
		switch (ch) {
		case 'b': o->batch = strtol(optarg, NULL, 10); break;
		case 'g': o->gpus = atoi(optarg); break;
		case 'D': o->dir = optarg; break;
		case 'w': o->cmd = optarg; break;
		case 'E': o->small_env = 1; break;
		default: usage();
		}
	}
	if (o->n < 1 || o->batch < 1 || o->dir[0] != '/')
		usage();
}

int main(int argc, char **argv)
{
	static char cwd[4096];
	struct opts o = { .batch = 1, .cmd = "true" };
	struct hclient c;
	int rc;

	if (argc > 2 && strcmp(argv[1], "-s") == 0) {
		opt_socket = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		usage();
	o.dir = getcwd(cwd, sizeof cwd) ? cwd : "/";
	if (strcmp(argv[1], "submit") == 0 || strcmp(argv[1], "sched") == 0)
		parse_submit(&o, argc - 1, argv + 1);
	else if (strcmp(argv[1], "ping") != 0)
		usage();
	if (hclient_connect(&c) != 0)
		return 1;
	if (strcmp(argv[1], "ping") == 0)
		rc = run_ping(&c);
	else if (strcmp(argv[1], "sched") == 0)
		rc = run_sched(&c, &o);
	else
		rc = run_submit(&c, &o);
	hclient_close(&c);
	return rc == 0 ? 0 : 1;
}
