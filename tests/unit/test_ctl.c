/*
 * test_ctl.c — the controller itself, without SSH: the real ctl_init on a
 * temporary SQLite database and a hosts.ini whose node is never connected,
 * fed what a node would answer and a clock the test advances.
 *
 * Theory of operation: the seam is the one the main loop uses.  Everything
 * a node says reaches the controller as a node_result (shell up, a probe's
 * output, answer lines of a batch, event-stream lines) through
 * ctl_on_results(); the harness builds those results by hand.  Everything
 * the controller would send is queued on the node with node_request(); the
 * node's workers never start, so the queue keeps it and the harness takes
 * it (node_requests_take) to look at the launch, kill and reconcile
 * programs.  Time is the controller's clock (struct ctl_clock), moved by
 * the test: a time limit or a kill grace is a number, not a wait.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "arrayspec.h"
#include "backend.h"
#include "config.h"
#include "ctl.h"
#include "ctl_internal.h"
#include "db.h"
#include "eligible.h"
#include "eligible.h"
#include "job.h"
#include "launch.h"
#include "log.h"
#include "mailtype.h"
#include "node.h"
#include "priority.h"
#include "streamwatch.h"
#include "svc.h"
#include "svc_health.h"
#include "svc_roll.h"
#include "util.h"

#define UID 1000

/* One controller on one temporary directory (hosts.ini, herd.db). */
struct h {
	char dir[64];
	struct config cfg;
	struct db *db;
	struct ctl c;
	struct ctl_clock clk;
	int ended;		/* jobs announced over (on_job_end) */
};

static void on_end(void *arg, const struct job *j)
{
	(void)j;
	((struct h *)arg)->ended++;
}

static void h_init_ctl(struct h *h)
{
	char err[HERD_ERRLEN];
	assert_int_equal(ctl_init(&h->c, &h->cfg, h->db, &h->clk, err, sizeof err), 0);
	h->c.on_job_end = on_end;
	h->c.on_job_end_arg = h;
}

/* extra: more of hosts.ini after the node (accounts, limits). */
static struct h *h_new_with(const char *extra)
{
	struct h *h = xcalloc(1, sizeof *h);
	char path[128], err[HERD_ERRLEN];
	strlcpy_h(h->dir, "/tmp/herd-test-ctl-XXXXXX", sizeof h->dir);
	assert_non_null(mkdtemp(h->dir));
	snprintf(path, sizeof path, "%s/hosts.ini", h->dir);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "[controller]\ncluster = t\nstate_dir = %s\nkill_grace = 10\n\n"
	    "[node gpu1]\nhost = 127.0.0.1\nport = 1\n%s", h->dir, extra);
	fclose(fp);
	assert_int_equal(config_load(path, &h->cfg, err, sizeof err), 0);
	snprintf(path, sizeof path, "%s/herd.db", h->dir);
	assert_int_equal(db_open(&h->db, path, err, sizeof err), 0);
	h->clk.mono_ms = 1000000;
	h->clk.wall_s = 1700000000;
	h_init_ctl(h);
	return h;
}

static struct h *h_new(void)
{
	return h_new_with("");
}

/* Everything queued for the node since the last look: REQ_BATCH texts one
 * after the other; *probes counts REQ_PROBEs.  Caller frees. */
static char *sent(struct h *h, int *probes)
{
	struct buf b;
	buf_init(&b, 1u << 30);
	int np = 0;
	struct node_req *q = node_requests_take(&h->c.nodes[0]);
	for (struct node_req *r = q; r != NULL; r = r->next) {
		if (r->kind == REQ_PROBE)
			np++;
		else
			buf_add(&b, r->text, r->len);
	}
	node_req_free(q);
	if (probes != NULL)
		*probes = np;
	size_t len;
	return buf_detach(&b, &len);
}

static void drop_sent(struct h *h)
{
	free(sent(h, NULL));
}

/* A node answer, as the node's workers would post it. */
static void feed(struct h *h, enum res_kind kind, const char *text)
{
	struct node_result *r = xcalloc(1, sizeof *r);
	r->node = 0;
	r->gen = h->c.nodes[0].gen;
	r->kind = kind;
	r->text = xstrdup(text != NULL ? text : "");
	ctl_on_results(&h->c, r);
	node_result_free(r);
}

static void feedf(struct h *h, enum res_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void feedf(struct h *h, enum res_kind kind, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	feed(h, kind, line);
}

/* A node with 16 CPUs, 64 GB and two GPUs, booted as `boot`. */
static void probe(struct h *h, const char *boot)
{
	feedf(h, RES_PROBE, "hostname gpu1\ncpus 16\nmem_kb 67108864\nboot_id %s\ncgroup v2\n"
	    "gpu_rc 0\ngpus\n0, GPU-a, NVIDIA H100, 81559, 4, 0, 00000000:0F:00.0, 35\n"
	    "1, GPU-b, NVIDIA H100, 81559, 4, 0, 00000000:1F:00.0, 35\napps\nend\n", boot);
}

/* The node's shell comes up, its probe and its start-up scan answer. */
static void node_up(struct h *h, const char *boot, const char *scan)
{
	int probes;
	feed(h, RES_SHELL_UP, NULL);
	char *s = sent(h, &probes);
	assert_int_equal(probes, 1);
	assert_non_null(strstr(s, "echo 'S - done'"));	/* the scan was asked for */
	free(s);
	probe(h, boot);
	feed(h, RES_LINES, scan);
}

static void key_of(struct h *h, int64_t id, int attempt, char *key, size_t size)
{
	struct job_key k;
	assert_int_equal(job_key_make(&k, h->c.key_prefix, id, attempt), 0);
	snprintf(key, size, "%s", job_key_str(&k));
}

/* A submit's outcome: the id, or -1 with err. */
/* A submit's outcome, with -p and --qos (NULL: none): the id, or -1 with err. */
static int64_t try_submit_to(struct h *h, int gpus, int64_t time_limit_s, const char *part,
    const char *qos, char *err, size_t errsz)
{
	struct submit_req r = { 0 };
	int64_t id;
	job_row_init(&r.job);
	r.job.user = "alice";
	r.job.name = "train";
	r.job.workdir = "/home/alice";
	r.job.gpus = gpus;
	r.job.cpus = 2;
	r.job.mem_mb = 1024;
	r.job.time_limit_s = time_limit_s;
	r.job.partition = (char *)part;
	r.job.qos = (char *)qos;
	r.data = (struct job_data){ .script = "#!/bin/sh\ntrue\n", .script_len = 15, .ntasks = 1 };
	return ctl_submit(&h->c, &r, UID, &id, err, errsz) == 0 ? id : -1;
}

static int64_t try_submit(struct h *h, int gpus, int64_t time_limit_s, char *err, size_t errsz)
{
	return try_submit_to(h, gpus, time_limit_s, NULL, NULL, err, errsz);
}

/* As submit, with -p and --qos (NULL: none). */
static int64_t submit_to(struct h *h, int gpus, int64_t time_limit_s, const char *part,
    const char *qos)
{
	char err[HERD_ERRLEN] = "";
	int64_t id = try_submit_to(h, gpus, time_limit_s, part, qos, err, sizeof err);
	if (id < 0)
		fail_msg("submit refused: %s", err);
	return id;
}

static int64_t submit(struct h *h, int gpus, int64_t time_limit_s)
{
	return submit_to(h, gpus, time_limit_s, NULL, NULL);
}

/* The job's state as the database has it. */
static int stored_state(struct h *h, int64_t id)
{
	struct job_row r;
	job_row_init(&r);
	assert_int_equal(db_job_get(h->db, id, &r), 1);
	int s = r.state;
	job_row_clear(&r);
	return s;
}

static int state(struct h *h, int64_t id)
{
	struct job *j = ctl_find(&h->c, id);
	assert_non_null(j);
	return j->state;
}

/* Placed by a pass; returns the launch program it queued. */
static char *schedule(struct h *h)
{
	ctl_schedule(&h->c);
	return sent(h, NULL);
}

/* Submit, place and start one job; its key in key. */
static int64_t running_job(struct h *h, int gpus, int64_t limit, char *key, size_t size)
{
	int64_t id = submit(h, gpus, limit);
	free(schedule(h));
	key_of(h, id, 1, key, size);
	feedf(h, RES_EVENT, "start %s 4242", key);
	assert_int_equal(state(h, id), JOB_RUNNING);
	return id;
}

static void h_free(struct h *h)
{
	drop_sent(h);
	assert_int_equal(ctl_clear(&h->c), 0);
	db_close(h->db);
	config_clear(&h->cfg);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", h->dir);
	assert_int_equal(system(cmd), 0);
	free(h);
}

/* ---- the tests ---- */

/*
 * The whole way of one job: pending until its node is up and scanned,
 * placed (committed LAUNCHING before its launch program leaves), started
 * by the event stream, ended by it; its resources taken and given back.
 */
static void job_lifecycle(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char key[JOB_KEY_MAX];
	struct node *n = &h->c.nodes[0];

	int64_t id = submit(h, 1, 0);
	char *s = schedule(h);
	assert_string_equal(s, "");	/* no node known yet: nothing sent */
	free(s);
	assert_int_equal(state(h, id), JOB_PENDING);

	node_up(h, "boot-1", "S - done");
	assert_int_equal(state(h, id), JOB_PENDING);
	assert_true(h->c.sched_needed);
	s = schedule(h);
	key_of(h, id, 1, key, sizeof key);
	char want[256];
	snprintf(want, sizeof want, "echo L '%s' launched \"$!\"", key);
	assert_non_null(strstr(s, want));
	free(s);
	assert_int_equal(state(h, id), JOB_LAUNCHING);
	assert_int_equal(stored_state(h, id), JOB_LAUNCHING);
	assert_int_equal(__builtin_popcountll(n->gpu_used), 1);
	assert_int_equal(n->cpus_used, 2);
	assert_int_equal(n->mem_used_mb, 1024);
	/* What the request layer sees of it (ctl_query.c). */
	int g = n->gpu_used == 1 ? 0 : 1;
	assert_int_equal(ctl_gpu_holder(&h->c, n, (size_t)g), id);
	assert_int_equal(ctl_gpu_holder(&h->c, n, (size_t)!g), 0);
	assert_int_equal(ctl_user_jobs_active(&h->c, UID), 1);
	assert_int_equal(ctl_user_jobs_active(&h->c, UID + 1), 0);
	assert_ptr_equal(ctl_job_next(&h->c, 0), ctl_find(&h->c, id));
	assert_null(ctl_job_next(&h->c, id + 1));
	assert_string_equal(ctl_node_name(&h->c, 0), "gpu1");

	feedf(h, RES_LINES, "L %s launched 4242", key);
	assert_int_equal(state(h, id), JOB_LAUNCHING);	/* forked is not started */
	h->clk.wall_s += 5;
	feedf(h, RES_EVENT, "start %s 4242", key);
	assert_int_equal(state(h, id), JOB_RUNNING);
	assert_int_equal(stored_state(h, id), JOB_RUNNING);
	assert_int_equal(ctl_find(&h->c, id)->start_time, h->clk.wall_s);

	h->clk.wall_s += 30;
	feedf(h, RES_EVENT, "end %s 0", key);
	assert_int_equal(stored_state(h, id), JOB_COMPLETED);
	struct job_row r;
	job_row_init(&r);
	assert_int_equal(db_job_get(h->db, id, &r), 1);
	assert_int_equal(r.exit_code, 0);
	assert_int_equal(r.end_time, h->clk.wall_s);
	assert_int_equal(r.end_time - r.start_time, 30);
	job_row_clear(&r);
	assert_int_equal(n->gpu_used, 0);
	assert_int_equal(n->cpus_used, 0);
	assert_int_equal(n->mem_used_mb, 0);
	assert_int_equal(h->ended, 1);
	assert_int_equal(ctl_user_jobs_active(&h->c, UID), 0);
	assert_null(ctl_find(&h->c, id));	/* over and holding nothing: evicted */
	/* A late or repeated answer changes nothing. */
	feedf(h, RES_EVENT, "end %s 3", key);
	assert_int_equal(stored_state(h, id), JOB_COMPLETED);
	assert_int_equal(h->ended, 1);
	h_free(h);
}

/*
 * A time limit reached by the clock: TIMEOUT committed and TERM asked
 * for; the node keeps the job's resources until it is confirmed gone;
 * KILL once the grace period is over.
 */
static void time_limit(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char key[JOB_KEY_MAX], want[256];
	node_up(h, "boot-1", "S - done");
	int64_t id = running_job(h, 1, 60, key, sizeof key);
	drop_sent(h);

	h->clk.wall_s += 59;
	h->clk.mono_ms += 59000;
	ctl_tick(&h->c);
	assert_int_equal(state(h, id), JOB_RUNNING);
	char *s = sent(h, NULL);
	assert_null(strstr(s, "kill -s"));
	free(s);

	h->clk.wall_s += 1;
	h->clk.mono_ms += 1000;
	ctl_tick(&h->c);
	assert_int_equal(state(h, id), JOB_TIMEOUT);
	assert_int_equal(stored_state(h, id), JOB_TIMEOUT);
	s = sent(h, NULL);
	snprintf(want, sizeof want, "then echo K '%s' sent", key);
	assert_non_null(strstr(s, "kill -s 'TERM'"));
	assert_non_null(strstr(s, want));
	free(s);
	assert_int_equal(__builtin_popcountll(h->c.nodes[0].gpu_used), 1);	/* still there */
	assert_int_equal(h->ended, 0);

	h->clk.mono_ms += 9999;		/* kill_grace = 10 */
	ctl_tick(&h->c);
	s = sent(h, NULL);
	assert_null(strstr(s, "kill -s 'KILL'"));
	free(s);
	h->clk.mono_ms += 1;
	ctl_tick(&h->c);
	s = sent(h, NULL);
	assert_non_null(strstr(s, "kill -s 'KILL'"));
	free(s);

	feedf(h, RES_EVENT, "end %s 137", key);
	assert_int_equal(stored_state(h, id), JOB_TIMEOUT);	/* ended by its limit, not its status */
	assert_int_equal(h->c.nodes[0].gpu_used, 0);
	assert_int_equal(h->ended, 1);
	h_free(h);
}

/*
 * herdd stops and starts again on the same database: a running job stays
 * running on the GPU it had, and a job whose launch the database lost (a
 * power cut: its row says pending) is adopted from the node's scan with
 * the GPU its runner recorded, not launched a second time.
 */
static void restart_adopts(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char ka[JOB_KEY_MAX], kb[JOB_KEY_MAX];
	node_up(h, "boot-1", "S - done");
	int64_t a = running_job(h, 1, 0, ka, sizeof ka);
	int64_t start_a = ctl_find(&h->c, a)->start_time;
	uint64_t gpu_a = h->c.nodes[0].gpu_used;
	int64_t b = running_job(h, 1, 0, kb, sizeof kb);
	assert_int_equal(h->c.nodes[0].gpu_used, 3);

	/* The state disk lost b's launch: the row is pending again. */
	struct job_row r;
	job_row_init(&r);
	assert_int_equal(db_job_get(h->db, b, &r), 1);
	r.state = JOB_PENDING;
	free(r.node);
	free(r.gpu_list);
	r.node = r.gpu_list = NULL;
	r.held = 0;
	r.start_time = 0;
	assert_int_equal(db_begin(h->db), 0);
	assert_int_equal(db_job_update(h->db, &r), 0);
	assert_int_equal(db_commit(h->db), 0);
	job_row_clear(&r);

	drop_sent(h);
	assert_int_equal(ctl_clear(&h->c), 0);
	h->clk.mono_ms += 60000;
	h->clk.wall_s += 60;
	h_init_ctl(h);
	assert_int_equal(state(h, a), JOB_RUNNING);
	assert_int_equal(ctl_find(&h->c, a)->start_time, start_a);
	assert_int_equal(state(h, b), JOB_PENDING);

	/* Up and probed, not scanned: nothing may start (b could be running). */
	int probes;
	feed(h, RES_SHELL_UP, NULL);
	char *s = sent(h, &probes);
	char want[256];
	snprintf(want, sizeof want, "__herd_k='%s'\n", ka);
	assert_non_null(strstr(s, want));	/* a is asked about */
	snprintf(want, sizeof want, "__herd_k='%s'\n", kb);
	assert_null(strstr(s, want));
	free(s);
	probe(h, "boot-1");
	assert_int_equal(h->c.nodes[0].gpu_used, gpu_a);	/* a's GPU, by index */
	s = schedule(h);
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(state(h, b), JOB_PENDING);

	/* The scan finds b's files, with the GPU its runner recorded. */
	feedf(h, RES_LINES, "S %s gpus %d\nS %s gpus %d\nS - done", ka,
	    gpu_a == 1 ? 0 : 1, kb, gpu_a == 1 ? 1 : 0);
	assert_int_equal(state(h, b), JOB_LAUNCHING);
	assert_int_equal(stored_state(h, b), JOB_LAUNCHING);
	assert_int_equal(ctl_find(&h->c, b)->gpu_mask, 3 & ~gpu_a);
	assert_int_equal(h->c.nodes[0].gpu_used, 3);
	s = schedule(h);
	assert_non_null(strstr(s, want));	/* b is asked about, */
	snprintf(want, sizeof want, "L '%s' launched", kb);
	assert_null(strstr(s, want));		/* not launched again */
	free(s);

	feedf(h, RES_LINES, "R %s running 4242\nR %s running 4343", ka, kb);
	assert_int_equal(state(h, a), JOB_RUNNING);
	assert_int_equal(state(h, b), JOB_RUNNING);
	assert_int_equal(stored_state(h, b), JOB_RUNNING);

	/* No GPU left: a third job waits. */
	int64_t c3 = submit(h, 1, 0);
	free(schedule(h));
	assert_int_equal(state(h, c3), JOB_PENDING);
	h_free(h);
}

static int attempt_cb(void *arg, const struct attempt_row *a)
{
	struct attempt_row *out = arg;
	out->attempt = a->attempt;
	out->state = a->state;
	out->job_id++;		/* counts the rows */
	return 0;
}

/*
 * The node rebooted (its boot id changed): a running job that allows it
 * is requeued as a new attempt, the old one recorded NODE_FAIL, its
 * resources free; the next pass launches attempt 2 under a new key, and
 * attempt 1's late answers change nothing.
 */
static void node_lost_requeues(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char k1[JOB_KEY_MAX], k2[JOB_KEY_MAX];
	node_up(h, "boot-1", "S - done");
	int64_t id = running_job(h, 2, 0, k1, sizeof k1);
	drop_sent(h);

	probe(h, "boot-2");
	struct job *j = ctl_find(&h->c, id);
	assert_non_null(j);
	assert_int_equal(j->state, JOB_PENDING);
	assert_int_equal(j->attempt, 2);
	assert_int_equal(h->c.nodes[0].gpu_used, 0);
	assert_int_equal(h->c.nodes[0].cpus_used, 0);
	struct job_row r;
	job_row_init(&r);
	assert_int_equal(db_job_get(h->db, id, &r), 1);
	assert_int_equal(r.state, JOB_PENDING);
	assert_int_equal(r.attempt, 2);
	job_row_clear(&r);
	struct attempt_row seen = { 0 };
	assert_int_equal(db_attempts(h->db, id, attempt_cb, &seen), 0);
	assert_int_equal(seen.job_id, 1);
	assert_int_equal(seen.attempt, 1);
	assert_int_equal(seen.state, JOB_NODE_FAIL);
	assert_int_equal(h->ended, 0);	/* requeued, not over */

	char *s = schedule(h);
	key_of(h, id, 2, k2, sizeof k2);
	char want[256];
	snprintf(want, sizeof want, "echo L '%s' launched \"$!\"", k2);
	assert_non_null(strstr(s, want));
	free(s);
	assert_int_equal(state(h, id), JOB_LAUNCHING);
	feedf(h, RES_EVENT, "end %s 1", k1);	/* the old attempt's: ignored */
	assert_int_equal(state(h, id), JOB_LAUNCHING);
	feedf(h, RES_EVENT, "start %s 99", k2);
	assert_int_equal(state(h, id), JOB_RUNNING);
	h_free(h);
}

/* ---- herd service (ctl_svc.c) ---- */

static void advance(struct h *h, int64_t secs);
static int sent_has(struct h *h, const char *what);

/* The submission of alice's service NAME: its policy, at most maxr
 * restarts in 600 s, `gpus` GPUs. */
static void service_req(struct submit_req *r, const char *name, int policy, int maxr, int gpus)
{
	memset(r, 0, sizeof *r);
	job_row_init(&r->job);
	r->job.user = "alice";
	r->job.name = (char *)name;
	r->job.workdir = "/home/alice";
	r->job.cpus = 2;
	r->job.mem_mb = 1024;
	r->job.gpus = gpus;
	r->job.svc_name = (char *)name;
	r->job.svc_restart = policy;
	r->job.svc_max_restarts = maxr;
	r->job.svc_window_s = 600;
	r->data = (struct job_data){ .script = "#!/bin/sh\ntrue\n", .script_len = 15, .ntasks = 1 };
}

/* As service_req, with --qos (NULL: none) and a health check when
 * health_cmd is not NULL (every 5 s, 2 retries). */
static int64_t try_submit_full(struct h *h, const char *name, int policy, int maxr,
    int gpus, const char *qos, const char *health_cmd, char *err, size_t errsz)
{
	struct submit_req r;
	int64_t id;
	service_req(&r, name, policy, maxr, gpus);
	r.job.svc_health_cmd = (char *)health_cmd;
	r.job.svc_health_interval = 5;
	r.job.svc_health_timeout = 2;
	r.job.svc_health_retries = 2;
	r.job.qos = (char *)qos;
	return ctl_submit(&h->c, &r, UID, &id, err, errsz) == 0 ? id : -1;
}

static int64_t try_submit_service(struct h *h, const char *name, int policy, int maxr,
    char *err, size_t errsz)
{
	return try_submit_full(h, name, policy, maxr, 0, NULL, NULL, err, errsz);
}

static int64_t try_submit_service_gpus(struct h *h, const char *name, int policy, int maxr,
    int gpus, const char *qos, char *err, size_t errsz)
{
	return try_submit_full(h, name, policy, maxr, gpus, qos, NULL, err, errsz);
}

static int64_t try_submit_checked(struct h *h, const char *name, int policy, int maxr,
    const char *health_cmd, char *err, size_t errsz)
{
	return try_submit_full(h, name, policy, maxr, 0, NULL, health_cmd, err, errsz);
}

/* Placed and started as attempt `attempt`; its key in key. */
static void service_runs(struct h *h, int64_t id, int attempt, char *key, size_t size)
{
	free(schedule(h));
	key_of(h, id, attempt, key, size);
	feedf(h, RES_EVENT, "start %s 4242", key);
	assert_int_equal(state(h, id), JOB_RUNNING);
	assert_int_equal(ctl_find(&h->c, id)->attempt, attempt);
}

/* Not placed before `secs` have passed (and the second the exit came in),
 * then placed (one second at a time). */
static void backoff_is(struct h *h, int64_t id, int64_t secs)
{
	for (int64_t t = 0; t <= secs; t++) {
		assert_int_equal(state(h, id), JOB_PENDING);
		assert_string_equal(ctl_pending_reason(&h->c, ctl_find(&h->c, id)), "BackOff");
		free(schedule(h));
		assert_int_equal(state(h, id), JOB_PENDING);
		h->c.sched_needed = 0;
		advance(h, 1);
	}
	assert_true(h->c.sched_needed);	/* the tick saw the backoff end */
	free(schedule(h));
	assert_int_equal(state(h, id), JOB_LAUNCHING);
}

static int attempt_states(void *arg, const struct attempt_row *a)
{
	char *out = arg;
	size_t n = strlen(out);
	snprintf(out + n, 64 - n, "%s%s", n ? " " : "", job_state_name((enum job_state)a->state));
	return 0;
}

/*
 * on-failure: each failing exit starts the service again after 1 s, then
 * 2 s (pending BackOff, each attempt recorded FAILED); one failure more
 * than max_restarts ends it FAILED CrashLoop with its last exit.  A second
 * start of its name is refused while it is active, not after.
 */
static void service_restart_policy(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char key[JOB_KEY_MAX], err[HERD_ERRLEN] = "", states[64] = "";
	node_up(h, "boot-1", "S - done");
	int64_t id = try_submit_service(h, "web", SVC_RESTART_ON_FAILURE, 2, err, sizeof err);
	assert_true(id > 0);
	assert_int_equal(ctl_find(&h->c, id)->time_limit_s, 0);	/* none unless asked */
	assert_int_equal(try_submit_service(h, "web", SVC_RESTART_NEVER, 0, err, sizeof err), -1);
	assert_non_null(strstr(err, "already running as job"));

	service_runs(h, id, 1, key, sizeof key);
	feedf(h, RES_EVENT, "end %s 1", key);
	assert_int_equal(stored_state(h, id), JOB_PENDING);
	assert_int_equal(state(h, id), JOB_PENDING);
	assert_int_equal(ctl_find(&h->c, id)->svc_restarts, 1);
	assert_int_equal(h->c.nodes[0].cpus_used, 0);	/* nothing held while it waits */
	backoff_is(h, id, 1);
	service_runs(h, id, 2, key, sizeof key);
	feedf(h, RES_EVENT, "end %s 1", key);
	backoff_is(h, id, 2);
	service_runs(h, id, 3, key, sizeof key);
	assert_int_equal(h->ended, 0);
	feedf(h, RES_EVENT, "end %s 7", key);	/* the third failure: over the limit */
	struct job_row r;
	job_row_init(&r);
	assert_int_equal(db_job_get(h->db, id, &r), 1);
	assert_int_equal(r.state, JOB_FAILED);
	assert_string_equal(r.reason, "CrashLoop");
	assert_int_equal(r.exit_code, 7);
	assert_int_equal(r.svc_last_exit, 7);
	assert_int_equal(r.svc_restarts, 2);
	job_row_clear(&r);
	assert_int_equal(h->ended, 1);
	assert_int_equal(db_attempts(h->db, id, attempt_states, states), 0);
	assert_string_equal(states, "FAILED FAILED");
	/* Ended: its name is free again. */
	assert_true(try_submit_service(h, "web", SVC_RESTART_NEVER, 0, err, sizeof err) > 0);
	h_free(h);
}

/*
 * on-failure ends with an exit 0; never with any exit; always restarts an
 * exit 0; a cancel (herd service stop) is never restarted.
 */
static void service_policies_and_stop(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char key[JOB_KEY_MAX], err[HERD_ERRLEN] = "";
	node_up(h, "boot-1", "S - done");
	int64_t a = try_submit_service(h, "a", SVC_RESTART_ON_FAILURE, 5, err, sizeof err);
	service_runs(h, a, 1, key, sizeof key);
	feedf(h, RES_EVENT, "end %s 0", key);
	assert_int_equal(stored_state(h, a), JOB_COMPLETED);

	int64_t b = try_submit_service(h, "b", SVC_RESTART_NEVER, 5, err, sizeof err);
	service_runs(h, b, 1, key, sizeof key);
	feedf(h, RES_EVENT, "end %s 2", key);
	assert_int_equal(stored_state(h, b), JOB_FAILED);

	int64_t c = try_submit_service(h, "c", SVC_RESTART_ALWAYS, 5, err, sizeof err);
	service_runs(h, c, 1, key, sizeof key);
	feedf(h, RES_EVENT, "end %s 0", key);
	assert_int_equal(stored_state(h, c), JOB_PENDING);
	backoff_is(h, c, 1);
	drop_sent(h);
	key_of(h, c, 2, key, sizeof key);
	feedf(h, RES_EVENT, "start %s 4243", key);
	assert_int_equal(ctl_event(&h->c, ctl_find(&h->c, c), EV_CANCEL, 0, NULL), 0);
	feedf(h, RES_EVENT, "end %s 143", key);	/* the kill's end */
	struct job_row r;
	job_row_init(&r);
	assert_int_equal(db_job_get(h->db, c, &r), 1);
	assert_int_equal(r.state, JOB_CANCELLED);
	assert_int_equal(r.attempt, 2);
	assert_int_equal(r.svc_restarts, 1);
	job_row_clear(&r);
	h_free(h);
}

/* Each attempt as "STATE:reason", space-separated, into a 256-byte out. */
static int attempt_reasons(void *arg, const struct attempt_row *a)
{
	char *out = arg;
	size_t n = strlen(out);
	snprintf(out + n, 256 - n, "%s%s:%s", n ? " " : "", job_state_name((enum job_state)a->state),
	    a->reason != NULL ? a->reason : "-");
	return 0;
}

/*
 * herd drain --move-services: the service on the drained node is requeued
 * (REQUEUED, killed; the batch job beside it runs on and gets no kill),
 * and its end makes it PENDING as attempt 2 with the old one recorded
 * REQUEUED with the move's reason: no restart (--max-restarts 0 would have
 * crash-looped on one), nothing charged to its window.  The drained node
 * does not take it back; after herd resume it starts there again.  A
 * plain drain moves nothing; a non-admin's is refused.
 */
static void drain_moves_services(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char skey[JOB_KEY_MAX], bkey[JOB_KEY_MAX], err[HERD_ERRLEN] = "", reasons[256] = "";
	const char *names[] = { "gpu1" };
	struct buf rep;
	buf_init(&rep, 1 << 16);
	node_up(h, "boot-1", "S - done");
	int64_t b = running_job(h, 1, 0, bkey, sizeof bkey);
	int64_t s = try_submit_service(h, "web", SVC_RESTART_ON_FAILURE, 0, err, sizeof err);
	assert_true(s > 0);
	service_runs(h, s, 1, skey, sizeof skey);
	drop_sent(h);

	assert_int_equal(ctl_drain_move(&h->c, UID, names, 1, "x", &rep, err, sizeof err), -1);
	assert_int_equal(state(h, s), JOB_RUNNING);
	assert_int_equal(ctl_drain_move(&h->c, 0, names, 1, "maintenance", &rep, err, sizeof err),
	    0);
	assert_non_null(strstr(rep.data, "gpu1: service web (job "));
	assert_int_equal(state(h, s), JOB_REQUEUED);
	assert_int_equal(state(h, b), JOB_RUNNING);
	char *t = sent(h, NULL);
	assert_non_null(strstr(t, skey));	/* its kill */
	assert_null(strstr(t, bkey));
	free(t);
	feedf(h, RES_EVENT, "end %s 143", skey);
	assert_int_equal(stored_state(h, s), JOB_PENDING);
	const struct job *j = ctl_find(&h->c, s);
	assert_int_equal(j->attempt, 2);
	assert_int_equal(j->svc_restarts, 0);
	assert_int_equal(j->svc_win_count, 0);
	assert_int_equal(db_attempts(h->db, s, attempt_reasons, reasons), 0);
	assert_string_equal(reasons, "REQUEUED:" SVC_REASON_MOVED);
	free(schedule(h));
	assert_int_equal(state(h, s), JOB_PENDING);	/* not back on the drained node */
	assert_int_equal(state(h, b), JOB_RUNNING);

	assert_int_equal(ctl_drain(&h->c, 0, 0, names, 1, NULL, &rep, err, sizeof err), 0);
	service_runs(h, s, 2, skey, sizeof skey);
	/* A plain drain leaves it running. */
	assert_int_equal(ctl_drain(&h->c, 0, 1, names, 1, NULL, &rep, err, sizeof err), 0);
	assert_int_equal(state(h, s), JOB_RUNNING);
	buf_clear(&rep);
	h_free(h);
}

/*
 * An end event with " oom N" (the job's memory cgroup counted OOM kills):
 * a failed batch job ends FAILED OutOfMemory with last_oom; a service is
 * restarted by its policy, its attempt recorded with the reason; an exit 0
 * after a kill, or a word that is not "oom N", is no OOM end.
 */
static void oom_end(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char key[JOB_KEY_MAX], err[HERD_ERRLEN] = "", reasons[256] = "";
	node_up(h, "boot-1", "S - done");
	int64_t a = running_job(h, 0, 0, key, sizeof key);
	feedf(h, RES_EVENT, "end %s 137 oom 1", key);
	struct job_row r;
	job_row_init(&r);
	assert_int_equal(db_job_get(h->db, a, &r), 1);
	assert_int_equal(r.state, JOB_FAILED);
	assert_string_equal(r.reason, "OutOfMemory");
	assert_int_equal(r.last_oom, 1);
	job_row_clear(&r);

	int64_t b = running_job(h, 0, 0, key, sizeof key);
	feedf(h, RES_EVENT, "end %s 0 oom 1", key);
	assert_int_equal(stored_state(h, b), JOB_COMPLETED);
	assert_int_equal(ctl_find(&h->c, b) ? ctl_find(&h->c, b)->last_oom : 0, 0);
	int64_t c = running_job(h, 0, 0, key, sizeof key);
	feedf(h, RES_EVENT, "end %s 137 oom $(id)", key);
	job_row_init(&r);
	assert_int_equal(db_job_get(h->db, c, &r), 1);
	assert_int_equal(r.state, JOB_FAILED);
	assert_int_equal(r.last_oom, 0);
	assert_true(r.reason == NULL || strcmp(r.reason, "OutOfMemory") != 0);
	job_row_clear(&r);

	int64_t s = try_submit_service(h, "hog", SVC_RESTART_ON_FAILURE, 3, err, sizeof err);
	service_runs(h, s, 1, key, sizeof key);
	feedf(h, RES_EVENT, "end %s 137 oom 2", key);
	assert_int_equal(stored_state(h, s), JOB_PENDING);
	const struct job *j = ctl_find(&h->c, s);
	assert_int_equal(j->svc_restarts, 1);
	assert_int_equal(j->svc_last_exit, 137);
	assert_int_equal(j->last_oom, 1);
	assert_int_equal(db_attempts(h->db, s, attempt_reasons, reasons), 0);
	assert_string_equal(reasons, "FAILED:OutOfMemory");
	h_free(h);
}

/*
 * A health check: every 2 s while STARTING (a failure then not counted
 * in its start period, interval x retries), then one each interval from
 * the deadline heap; a success makes it HEALTHY (stored); two failures in
 * a row make it UNHEALTHY: the reason kept with the first line, the
 * attempt stopped (TERM), and its end restarts it through the policy
 * (BackOff); the next attempt is STARTING again and a late result of the
 * old one changes nothing.
 */
static void service_health(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char key[JOB_KEY_MAX], old[JOB_KEY_MAX], err[HERD_ERRLEN] = "";
	node_up(h, "boot-1", "S - done");
	int64_t id = try_submit_checked(h, "web", SVC_RESTART_ON_FAILURE, 5, "check-it 'x'",
	    err, sizeof err);
	assert_true(id > 0);
	service_runs(h, id, 1, key, sizeof key);
	struct job *j = ctl_find(&h->c, id);
	assert_int_equal(j->svc_health, SVC_HEALTH_STARTING);
	drop_sent(h);
	advance(h, 1);
	assert_false(sent_has(h, "check-it"));
	advance(h, 1);	/* STARTING: every 2 s, not every interval (5 s) */
	assert_true(sent_has(h, "check-it"));
	feedf(h, RES_EVENT, "health %s 1 loading", key);
	assert_int_equal(j->svc_health, SVC_HEALTH_STARTING);
	assert_int_equal(j->svc_health_fails, 0);	/* its start period: 2 x 5 s */
	drop_sent(h);
	advance(h, 2);
	assert_true(sent_has(h, "check-it"));
	feedf(h, RES_EVENT, "health %s 0 ok", key);
	assert_int_equal(j->svc_health, SVC_HEALTH_HEALTHY);
	struct job_row r;
	job_row_init(&r);
	assert_int_equal(db_job_get(h->db, id, &r), 1);
	assert_int_equal(r.svc_health, SVC_HEALTH_HEALTHY);
	job_row_clear(&r);

	advance(h, 5);
	assert_true(sent_has(h, "check-it"));
	feedf(h, RES_EVENT, "health %s 1 first", key);
	assert_int_equal(j->svc_health, SVC_HEALTH_HEALTHY);
	assert_int_equal(j->svc_health_fails, 1);
	assert_false(sent_has(h, "TERM"));
	advance(h, 5);
	feedf(h, RES_EVENT, "health %s 7 it is down", key);
	assert_int_equal(j->svc_health, SVC_HEALTH_UNHEALTHY);
	assert_string_equal(j->svc_health_why, "health check failed 2 times: it is down");
	assert_true(sent_has(h, "TERM"));
	advance(h, 5);
	assert_false(sent_has(h, "check-it"));	/* none while it is stopped */
	feedf(h, RES_EVENT, "end %s 143", key);
	assert_int_equal(state(h, id), JOB_PENDING);
	assert_int_equal(j->svc_restarts, 1);
	backoff_is(h, id, 1);
	snprintf(old, sizeof old, "%s", key);
	service_runs(h, id, 2, key, sizeof key);
	assert_int_equal(j->svc_health, SVC_HEALTH_STARTING);
	assert_int_equal(j->svc_health_fails, 0);
	feedf(h, RES_EVENT, "health %s 0 late", old);	/* the old attempt's */
	assert_int_equal(j->svc_health, SVC_HEALTH_STARTING);
	job_row_init(&r);
	assert_int_equal(db_job_get(h->db, id, &r), 1);
	assert_string_equal(r.svc_health_why, "health check failed 2 times: it is down");
	job_row_clear(&r);
	/* Past its start period, a STARTING one's failures count. */
	advance(h, 10);
	feedf(h, RES_EVENT, "health %s 1 never up", key);
	assert_int_equal(j->svc_health_fails, 1);
	advance(h, 2);
	feedf(h, RES_EVENT, "health %s 1 never up", key);
	assert_int_equal(j->svc_health, SVC_HEALTH_UNHEALTHY);
	h_free(h);
}

/* ---- --idle-stop (ctl_idlestop.c) ---- */

/* A service of alice's with one GPU and --idle-stop idle_s, never restarted
 * by its policy unless it fails. */
static int64_t submit_idle_service(struct h *h, const char *name, int64_t idle_s)
{
	struct submit_req r;
	char err[HERD_ERRLEN] = "";
	int64_t id;
	service_req(&r, name, SVC_RESTART_ALWAYS, 5, 1);
	r.job.svc_idle_stop_s = idle_s;
	if (ctl_submit(&h->c, &r, UID, &id, err, sizeof err) != 0)
		fail_msg("submit refused: %s", err);
	return id;
}

/* gpu1's probe: GPU-a at util_a % (-1: [N/A]), GPU-b idle, these apps lines. */
static void probe_util(struct h *h, const char *boot, int util_a, const char *apps)
{
	char ua[16];
	snprintf(ua, sizeof ua, util_a < 0 ? "[N/A]" : "%d", util_a);
	feedf(h, RES_PROBE, "hostname gpu1\ncpus 16\nmem_kb 67108864\nboot_id %s\ncgroup v2\n"
	    "gpu_rc 0\ngpus\n0, GPU-a, NVIDIA H100, 81559, 4, %s, 00000000:0F:00.0, 35\n"
	    "1, GPU-b, NVIDIA H100, 81559, 4, 0, 00000000:1F:00.0, 35\napps\n%send\n", boot, ua,
	    apps);
}

/* Seconds (one at a time, at most `max`) until the job is no longer RUNNING. */
static int secs_until_stopped(struct h *h, int64_t id, int max)
{
	for (int t = 1; t <= max; t++) {
		advance(h, 1);
		if (state(h, id) != JOB_RUNNING)
			return t;
	}
	return -1;
}

/*
 * --idle-stop 1m on a one-GPU service (GPU-a): busy (utilization 30 %, a
 * process on its GPU, a utilization nvidia-smi cannot read) keeps it
 * running well past a minute; a process on the other GPU does not.  Idle
 * for 60 s from the first look: its log line is queued, then the TERM;
 * it is CANCELLED with reason IdleStop (stored) and its exit does not
 * restart it (--restart always).  A herdd restart 50 s into an idle spell
 * starts the spell again: the stop comes 60 s after the new herdd's first
 * look, not 10 s after.
 */
static void service_idle_stop(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char key[JOB_KEY_MAX];
	node_up(h, "boot-1", "S - done");
	int64_t id = submit_idle_service(h, "nb", 60);
	service_runs(h, id, 1, key, sizeof key);
	assert_int_equal(ctl_find(&h->c, id)->gpu_mask, 1);	/* GPU-a */
	probe_util(h, "boot-1", 30, "");
	assert_int_equal(secs_until_stopped(h, id, 120), -1);
	probe_util(h, "boot-1", 0, "GPU-a, 777, python3, 2048\n");
	assert_int_equal(secs_until_stopped(h, id, 120), -1);
	probe_util(h, "boot-1", -1, "");
	assert_int_equal(secs_until_stopped(h, id, 120), -1);
	probe_util(h, "boot-1", 0, "GPU-b, 778, python3, 2048\n");
	drop_sent(h);
	assert_int_equal(secs_until_stopped(h, id, 200), 61);	/* first look, then 60 s */
	char *s = sent(h, NULL);
	const char *line = strstr(s, "herd: service nb stopped: its GPUs idle for 1m "
	    "(--idle-stop 1m)");
	assert_non_null(line);
	assert_non_null(strstr(s, "/home/alice/herd-"));	/* its output file */
	assert_non_null(strstr(line, "TERM"));	/* the line before the stop */
	free(s);
	assert_int_equal(state(h, id), JOB_CANCELLED);
	assert_string_equal(ctl_find(&h->c, id)->reason, SVC_REASON_IDLESTOP);
	struct job_row r;
	job_row_init(&r);
	assert_int_equal(db_job_get(h->db, id, &r), 1);
	assert_int_equal(r.state, JOB_CANCELLED);
	assert_string_equal(r.reason, SVC_REASON_IDLESTOP);
	assert_int_equal(r.svc_idle_stop_s, 60);
	job_row_clear(&r);
	feedf(h, RES_EVENT, "end %s 143", key);
	assert_int_equal(stored_state(h, id), JOB_CANCELLED);	/* not restarted */
	assert_int_equal(ctl_find(&h->c, id) == NULL ? 0 : ctl_find(&h->c, id)->svc_restarts, 0);

	/* herdd restarted 50 s into an idle spell: 60 s from its first look. */
	int64_t b = submit_idle_service(h, "nb2", 60);
	service_runs(h, b, 1, key, sizeof key);
	probe_util(h, "boot-1", 0, "");
	assert_int_equal(secs_until_stopped(h, b, 50), -1);
	drop_sent(h);
	assert_int_equal(ctl_clear(&h->c), 0);
	h_init_ctl(h);
	feed(h, RES_SHELL_UP, NULL);
	drop_sent(h);
	probe_util(h, "boot-1", 0, "");
	feed(h, RES_LINES, "S - done");
	assert_int_equal(state(h, b), JOB_RUNNING);
	assert_int_equal(secs_until_stopped(h, b, 200), 61);
	assert_string_equal(ctl_find(&h->c, b)->reason, SVC_REASON_IDLESTOP);
	h_free(h);
}

/*
 * --idle-stop 1m: idle 50 s, then its attempt fails and --restart always
 * starts it again.  The new attempt's spell starts at its own first look:
 * it is stopped 60 s after it, not within seconds of its start because the
 * first attempt's spell (its start kept in memory) went on counting.
 */
static void service_idle_stop_restarted(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char key[JOB_KEY_MAX];
	node_up(h, "boot-1", "S - done");
	int64_t id = submit_idle_service(h, "nb", 60);
	service_runs(h, id, 1, key, sizeof key);
	probe_util(h, "boot-1", 0, "");
	assert_int_equal(secs_until_stopped(h, id, 50), -1);
	feedf(h, RES_EVENT, "end %s 1", key);
	assert_int_equal(state(h, id), JOB_PENDING);
	backoff_is(h, id, 1);
	service_runs(h, id, 2, key, sizeof key);
	probe_util(h, "boot-1", 0, "");
	assert_int_equal(secs_until_stopped(h, id, 200), 61);
	assert_string_equal(ctl_find(&h->c, id)->reason, SVC_REASON_IDLESTOP);
	h_free(h);
}

/*
 * herd update --gpus 0 of a pending service with --idle-stop is refused,
 * as its submit would be: with no GPU there is nothing to watch and its
 * --idle-stop would never act.  Another GPU count is taken.
 */
static void service_idle_stop_update_gpus(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char err[HERD_ERRLEN] = "";
	node_up(h, "boot-1", "S - done");
	int64_t id = submit_idle_service(h, "nb", 60);
	assert_int_equal(state(h, id), JOB_PENDING);
	struct job_update up = { .set = UPD_GPUS, .gpus = 0 };
	assert_int_equal(ctl_update(&h->c, id, UID, &up, err, sizeof err), -1);
	assert_non_null(strstr(err, "--idle-stop"));
	assert_int_equal(ctl_find(&h->c, id)->gpus, 1);
	up.gpus = 2;
	assert_int_equal(ctl_update(&h->c, id, UID, &up, err, sizeof err), 0);
	assert_int_equal(ctl_find(&h->c, id)->gpus, 2);
	h_free(h);
}

/*
 * A service whose start event never came (its event stream was not
 * following yet) but a reconcile found it running: the port from its state
 * file (the reconcile's answer) and its health checks start as they would
 * have with the event; stored with the start.
 */
static void service_start_by_reconcile(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char key[JOB_KEY_MAX], err[HERD_ERRLEN] = "";
	struct submit_req r;
	int64_t id;
	node_up(h, "boot-1", "S - done");
	service_req(&r, "web", SVC_RESTART_ON_FAILURE, 5, 0);
	r.job.svc_port_want = 1;
	r.job.svc_health_http = "/";
	r.job.svc_health_interval = 30;
	r.job.svc_health_timeout = 2;
	r.job.svc_health_retries = 3;
	assert_int_equal(ctl_submit(&h->c, &r, UID, &id, err, sizeof err), 0);
	free(schedule(h));
	assert_int_equal(state(h, id), JOB_LAUNCHING);
	key_of(h, id, 1, key, sizeof key);
	feedf(h, RES_LINES, "R %s running 4242 45678", key);
	assert_int_equal(state(h, id), JOB_RUNNING);
	struct job *j = ctl_find(&h->c, id);
	assert_int_equal(j->svc_port, 45678);
	assert_int_equal(j->svc_health, SVC_HEALTH_STARTING);
	struct job_row row;
	job_row_init(&row);
	assert_int_equal(db_job_get(h->db, id, &row), 1);
	assert_int_equal(row.svc_port, 45678);
	job_row_clear(&row);
	drop_sent(h);
	advance(h, 2);
	assert_true(sent_has(h, "45678"));	/* the check GETs that port */
	/* A running job's later reconcile changes neither. */
	feedf(h, RES_LINES, "R %s running 4242 1", key);
	assert_int_equal(j->svc_port, 45678);
	h_free(h);
}

/* ---- herd service --replicas and restart (ctl_roll.c) ---- */

static void restart(struct h *h, int64_t secs);

/* alice's service NAME of `n` replicas (array 0..n-1) with a health
 * check every 5 s; its array's id. */
static int64_t submit_replicas(struct h *h, const char *name, int n)
{
	struct submit_req r = { 0 };
	struct arrayspec a;
	char err[HERD_ERRLEN] = "", spec[32];
	int64_t id;
	snprintf(spec, sizeof spec, "0-%d", n - 1);
	arrayspec_init(&a);
	assert_int_equal(arrayspec_parse(&a, spec, 100000, err, sizeof err), 0);
	job_row_init(&r.job);
	r.job.user = "alice";
	r.job.name = (char *)name;
	r.job.workdir = "/home/alice";
	r.job.cpus = 1;
	r.job.mem_mb = 64;
	r.job.svc_name = (char *)name;
	r.job.svc_restart = SVC_RESTART_ON_FAILURE;
	r.job.svc_max_restarts = 5;
	r.job.svc_window_s = 600;
	r.job.svc_replicas = n;
	r.job.svc_health_cmd = "check-it";
	r.job.svc_health_interval = 5;
	r.job.svc_health_timeout = 2;
	r.job.svc_health_retries = 2;
	r.array = &a;
	r.data = (struct job_data){ .script = "#!/bin/sh\ntrue\n", .script_len = 15, .ntasks = 1 };
	if (ctl_submit(&h->c, &r, UID, &id, err, sizeof err) != 0)
		fail_msg("submit refused: %s", err);
	arrayspec_clear(&a);
	return id;
}

/* The job of replica k of array arr. */
static struct job *replica(struct h *h, int64_t arr, int k)
{
	int64_t id;
	assert_int_equal(ctl_array_task_job(&h->c, arr, (uint32_t)k, &id), 1);
	struct job *j = ctl_find(&h->c, id);
	assert_non_null(j);
	return j;
}

/* Replica j started as attempt `attempt` and its check passed. */
static void replica_healthy(struct h *h, struct job *j, int attempt)
{
	char key[JOB_KEY_MAX];
	key_of(h, j->id, attempt, key, sizeof key);
	feedf(h, RES_EVENT, "start %s 4242", key);
	assert_int_equal(j->state, JOB_RUNNING);
	assert_int_equal(j->svc_health, SVC_HEALTH_STARTING);
	feedf(h, RES_EVENT, "health %s 0 ok", key);
	assert_int_equal(j->svc_health, SVC_HEALTH_HEALTHY);
}

static int stored_roll(struct h *h, int64_t id)
{
	struct job_row r;
	job_row_init(&r);
	assert_int_equal(db_job_get(h->db, id, &r), 1);
	int v = r.svc_roll;
	job_row_clear(&r);
	return v;
}

/*
 * --replicas 2 as an array: a second start of the name refused, each
 * replica its own job.  herd service restart: replica 0 drained, then
 * requeued (attempt 2, no restart counted), replica 1 untouched until 0
 * is RUNNING and HEALTHY again; a restart during the roll refused; the
 * marks stored, so a controller restart in the middle goes on with
 * replica 1; the roll over, marks cleared.  A replica that crashes is
 * restarted alone by the policy (BackOff), the other left running.
 */
static void service_rolling_restart(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char key[JOB_KEY_MAX], err[HERD_ERRLEN] = "";
	int n = 0;
	node_up(h, "boot-1", "S - done");
	int64_t arr = submit_replicas(h, "web", 2);
	assert_true(try_submit_service(h, "web", SVC_RESTART_ON_FAILURE, 5, err, sizeof err) < 0);
	assert_non_null(strstr(err, "already running"));
	for (int pass = 0; pass < 10 && ctl_array_active(&h->c, arr) < 2; pass++)
		free(schedule(h));
	struct job *r0 = replica(h, arr, 0), *r1 = replica(h, arr, 1);
	assert_int_not_equal(r0->id, r1->id);
	assert_int_equal(r0->svc_replicas, 2);
	replica_healthy(h, r0, 1);
	replica_healthy(h, r1, 1);
	assert_int_equal(ctl_svc_restart(&h->c, UID + 1, "web", &n, err, sizeof err), -1);
	assert_non_null(strstr(err, "no running service named web"));

	drop_sent(h);
	assert_int_equal(ctl_svc_restart(&h->c, UID, "web", &n, err, sizeof err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(r0->svc_roll, SVC_ROLL_DRAINING);
	assert_int_equal(r1->svc_roll, SVC_ROLL_WAITING);
	assert_int_equal(stored_roll(h, r1->id), SVC_ROLL_WAITING);
	assert_false(sent_has(h, "TERM"));	/* drained first */
	assert_int_equal(ctl_svc_restart(&h->c, UID, "web", &n, err, sizeof err), -1);
	assert_non_null(strstr(err, "being restarted already"));
	advance(h, 1);
	assert_int_equal(r0->state, JOB_RUNNING);
	advance(h, 1);
	assert_int_equal(r0->state, JOB_REQUEUED);	/* the drain is over: stopped */
	assert_int_equal(r0->svc_roll, SVC_ROLL_RESTARTED);
	assert_true(sent_has(h, "TERM"));
	assert_int_equal(r1->state, JOB_RUNNING);
	key_of(h, r0->id, 1, key, sizeof key);
	feedf(h, RES_EVENT, "end %s 143", key);
	assert_int_equal(r0->state, JOB_PENDING);
	assert_int_equal(r0->svc_restarts, 0);	/* a roll is no crash */
	assert_int_equal(r0->svc_health, SVC_HEALTH_STARTING);	/* not up before its check */
	assert_int_equal(r0->svc_win_count, 0);
	free(schedule(h));
	key_of(h, r0->id, 2, key, sizeof key);
	feedf(h, RES_EVENT, "start %s 4343", key);
	assert_int_equal(r0->attempt, 2);
	advance(h, 3);
	assert_int_equal(r1->svc_roll, SVC_ROLL_WAITING);	/* 0 is not healthy yet */
	assert_false(sent_has(h, "TERM"));
	feedf(h, RES_EVENT, "health %s 0 ok", key);
	advance(h, 1);
	assert_int_equal(r0->svc_roll, SVC_ROLL_NONE);
	assert_int_equal(r1->svc_roll, SVC_ROLL_DRAINING);
	assert_int_equal(stored_roll(h, r1->id), SVC_ROLL_DRAINING);

	/* herdd restarts in the middle: the roll goes on with replica 1. */
	int64_t id1 = r1->id;
	char k1[JOB_KEY_MAX];
	key_of(h, id1, 1, k1, sizeof k1);
	key_of(h, r0->id, 2, key, sizeof key);
	restart(h, 5);
	feed(h, RES_SHELL_UP, NULL);
	probe(h, "boot-1");
	feedf(h, RES_LINES, "S %s\nS %s\nS - done", key, k1);
	feedf(h, RES_LINES, "R %s running 4343\nR %s running 4242", key, k1);
	r1 = ctl_find(&h->c, id1);
	assert_int_equal(r1->state, JOB_RUNNING);
	drop_sent(h);
	advance(h, 1);
	assert_int_equal(r1->state, JOB_REQUEUED);	/* its drain's clock was not kept */
	assert_true(sent_has(h, "TERM"));
	feedf(h, RES_EVENT, "end %s 143", k1);
	free(schedule(h));
	replica_healthy(h, r1, 2);
	advance(h, 1);
	assert_int_equal(r1->svc_roll, SVC_ROLL_NONE);
	assert_int_equal(stored_roll(h, id1), SVC_ROLL_NONE);
	assert_int_equal(ctl_svc_restart(&h->c, UID, "web", &n, err, sizeof err), 0);	/* again */

	/* A replica that crashes restarts alone, by the policy. */
	h_free(h);
	h = h_new();
	node_up(h, "boot-1", "S - done");
	arr = submit_replicas(h, "web", 2);
	for (int pass = 0; pass < 10 && ctl_array_active(&h->c, arr) < 2; pass++)
		free(schedule(h));
	r0 = replica(h, arr, 0);
	r1 = replica(h, arr, 1);
	replica_healthy(h, r0, 1);
	replica_healthy(h, r1, 1);
	key_of(h, r1->id, 1, k1, sizeof k1);
	feedf(h, RES_EVENT, "end %s 1", k1);
	assert_int_equal(r1->state, JOB_PENDING);
	assert_string_equal(ctl_pending_reason(&h->c, r1), "BackOff");
	assert_int_equal(r1->svc_restarts, 1);
	assert_int_equal(r0->state, JOB_RUNNING);
	assert_int_equal(r0->svc_restarts, 0);
	backoff_is(h, r1->id, 1);
	h_free(h);
}

/* ---- commits grouped per loop turn (ctl_batch.c) ---- */

/* A node with room for 1,000 one-CPU tasks besides its two GPUs. */
static void probe_big(struct h *h, const char *boot)
{
	feedf(h, RES_PROBE, "hostname gpu1\ncpus 2048\nmem_kb 1073741824\nboot_id %s\ncgroup v2\n"
	    "gpu_rc 0\ngpus\n0, GPU-a, NVIDIA H100, 81559, 4, 0, 00000000:0F:00.0, 35\n"
	    "1, GPU-b, NVIDIA H100, 81559, 4, 0, 00000000:1F:00.0, 35\napps\nend\n", boot);
}

/* An array of `n` CPU-only tasks, all placed (LAUNCHING); its id. */
static int64_t array_placed(struct h *h, unsigned n)
{
	struct submit_req r = { 0 };
	struct arrayspec a;
	char err[HERD_ERRLEN], spec[32];
	int64_t id;
	snprintf(spec, sizeof spec, "0-%u", n - 1);
	arrayspec_init(&a);
	assert_int_equal(arrayspec_parse(&a, spec, 100000, err, sizeof err), 0);
	job_row_init(&r.job);
	r.job.user = "alice";
	r.job.name = "sweep";
	r.job.workdir = "/home/alice";
	r.job.cpus = 1;
	r.job.mem_mb = 1;
	r.array = &a;
	r.data = (struct job_data){ .script = "#!/bin/sh\ntrue\n", .script_len = 15, .ntasks = 1 };
	assert_int_equal(ctl_submit(&h->c, &r, UID, &id, err, sizeof err), 0);
	arrayspec_clear(&a);
	for (int pass = 0; pass < 100 && ctl_array_active(&h->c, id) < n; pass++)
		drop_sent(h), ctl_schedule(&h->c);
	assert_int_equal(ctl_array_active(&h->c, id), n);
	drop_sent(h);
	return id;
}

static size_t count_of(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

/*
 * 1,000 tasks started by one turn's answers, then cancelled by one
 * request: one commit each time, and not one kill queued for the node
 * before the cancel's commit.
 */
static void turn_one_commit(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char key[JOB_KEY_MAX];
	enum { N = 1000 };

	feed(h, RES_SHELL_UP, NULL);
	drop_sent(h);
	probe_big(h, "boot-1");
	feed(h, RES_LINES, "S - done");
	int64_t aid = array_placed(h, N);

	unsigned long long before = db_commits(h->db);
	ctl_turn_begin(&h->c);
	for (const struct job *j = ctl_job_next(&h->c, 0); j != NULL; j = ctl_job_next(&h->c, j->id + 1))
		if (j->array_job_id == aid && j->state == JOB_LAUNCHING) {
			key_of(h, j->id, 1, key, sizeof key);
			feedf(h, RES_EVENT, "start %s %" PRId64, key, 1000 + j->id);
		}
	ctl_turn_end(&h->c);
	assert_int_equal(db_commits(h->db) - before, 1);
	int64_t last = 0;
	for (const struct job *j = ctl_job_next(&h->c, 0); j != NULL; j = ctl_job_next(&h->c, j->id + 1))
		if (j->array_job_id == aid && j->array_task_id >= 0) {
			assert_int_equal(j->state, JOB_RUNNING);
			last = j->id;
		}
	assert_int_equal(stored_state(h, last), JOB_RUNNING);

	char err[HERD_ERRLEN];
	before = db_commits(h->db);
	ctl_turn_begin(&h->c);
	assert_int_equal(ctl_cancel(&h->c, aid, UID, err, sizeof err), 0);
	char *s = sent(h, NULL);
	assert_string_equal(s, "");		/* no kill before the commit */
	free(s);
	assert_int_equal(db_commits(h->db), before);
	ctl_turn_end(&h->c);
	assert_int_equal(db_commits(h->db) - before, 1);
	s = sent(h, NULL);
	assert_int_equal(count_of(s, "kill -s 'TERM' --"), N);	/* every task's kill, after it */
	free(s);
	assert_int_equal(stored_state(h, last), JOB_CANCELLED);
	assert_int_equal(state(h, last), JOB_CANCELLED);
	h_free(h);
}

/*
 * A running job, and a pending one, in a harness whose database fails its
 * commit number `fail_at` (0: none).  Returns the harness; ids in r, p.
 */
static struct h *two_jobs(unsigned long long fail_at, int64_t *r, int64_t *p, char *key,
    size_t size)
{
	char spec[64];
	if (fail_at > 0) {
		snprintf(spec, sizeof spec, "commit:%llu", fail_at);
		setenv("HERD_FAULT_DB", spec, 1);
	}
	struct h *h = h_new();
	unsetenv("HERD_FAULT_DB");
	node_up(h, "boot-1", "S - done");
	*r = running_job(h, 1, 0, key, size);
	*p = submit(h, 2, 0);	/* two GPUs: waits for the running one's */
	free(schedule(h));
	assert_int_equal(state(h, *p), JOB_PENDING);
	return h;
}

/*
 * The turn's commit fails: the database keeps what it had; the cancelled
 * job stays cancelled in memory, unsaved, and is written by the next tick
 * (its kill goes, as a failed commit's did before: memory is what the
 * controller acts on).  A hold in a turn is durable before it is answered:
 * when its commit fails it is refused and undone, and the turn's earlier
 * changes become unsaved with it.
 */
static void turn_commit_fails(void **state_)
{
	(void)state_;
	char key[JOB_KEY_MAX], err[HERD_ERRLEN];
	int64_t r, p;

	/* Count the commits of the set-up, the same in each harness. */
	struct h *h = two_jobs(0, &r, &p, key, sizeof key);
	unsigned long long setup = db_commits(h->db);
	h_free(h);

	/* 1. The turn's own commit fails. */
	h = two_jobs(setup + 1, &r, &p, key, sizeof key);
	ctl_turn_begin(&h->c);
	assert_int_equal(ctl_cancel(&h->c, r, UID, err, sizeof err), 0);
	ctl_turn_end(&h->c);
	assert_int_equal(db_commits(h->db), setup);
	assert_int_equal(stored_state(h, r), JOB_RUNNING);
	assert_int_equal(state(h, r), JOB_CANCELLED);
	assert_int_equal(ctl_find(&h->c, r)->unsaved, 1);
	char *s = sent(h, NULL);
	assert_int_equal(count_of(s, "kill -s 'TERM' --"), 1);
	free(s);
	ctl_tick(&h->c);
	assert_int_equal(stored_state(h, r), JOB_CANCELLED);
	assert_int_equal(ctl_find(&h->c, r)->unsaved, 0);
	h_free(h);

	/* 2. A hold's commit, made in the turn, fails: refused, undone. */
	h = two_jobs(setup + 1, &r, &p, key, sizeof key);
	ctl_turn_begin(&h->c);
	assert_int_equal(ctl_cancel(&h->c, r, UID, err, sizeof err), 0);
	assert_int_not_equal(ctl_hold(&h->c, p, UID, 1, err, sizeof err), 0);
	assert_int_equal(ctl_find(&h->c, p)->hold, JOB_HOLD_NONE);
	assert_int_equal(ctl_find(&h->c, r)->unsaved, 1);
	s = sent(h, NULL);
	assert_string_equal(s, "");	/* nothing before the turn's end */
	free(s);
	/* The same hold again, in the same turn: durable before it returns. */
	unsigned long long before = db_commits(h->db);
	assert_int_equal(ctl_hold(&h->c, p, UID, 1, err, sizeof err), 0);
	assert_int_equal(db_commits(h->db) - before, 1);
	struct job_row row;
	job_row_init(&row);
	assert_int_equal(db_job_get(h->db, p, &row), 1);
	assert_int_equal(row.hold, JOB_HOLD_USER);
	job_row_clear(&row);
	ctl_turn_end(&h->c);
	s = sent(h, NULL);
	assert_int_equal(count_of(s, "kill -s 'TERM' --"), 1);	/* the cancel's kill, now */
	free(s);
	assert_int_equal(stored_state(h, r), JOB_RUNNING);	/* lost with the failed commit */
	ctl_tick(&h->c);
	assert_int_equal(stored_state(h, r), JOB_CANCELLED);	/* written again */
	h_free(h);
}

/*
 * Isolation (isolate.c): a kill that found processes of the job outside its
 * process group by HERD_JOB_KEY says so ("K KEY escaped N"); the job's
 * reason keeps its own and adds the count, stored, once; the end that
 * follows keeps it.
 */
static void kill_reports_escape(void **state_)
{
	(void)state_;
	char key[JOB_KEY_MAX], err[HERD_ERRLEN];
	int64_t r, p;
	struct h *h = two_jobs(0, &r, &p, key, sizeof key);
	assert_int_equal(ctl_cancel(&h->c, r, UID, err, sizeof err), 0);
	free(sent(h, NULL));
	feedf(h, RES_LINES, "K %s escaped 2\nK %s sent", key, key);
	const char *why = ctl_find(&h->c, r)->reason;
	assert_non_null(why);
	assert_non_null(strstr(why, "cancelled; 2 processes had left the job's process group"));
	assert_non_null(strstr(why, "HERD_JOB_KEY"));
	feedf(h, RES_LINES, "K %s escaped 1", key);	/* the KILL's: said already */
	assert_string_equal(ctl_find(&h->c, r)->reason, why);
	feedf(h, RES_EVENT, "end %s 143", key);
	struct job_row row;
	job_row_init(&row);
	assert_int_equal(db_job_get(h->db, r, &row), 1);
	assert_int_equal(row.state, JOB_CANCELLED);
	assert_string_equal(row.reason, why);
	job_row_clear(&row);
	h_free(h);
}

/*
 * The kill's answer and the job's end come on two channels: where the end
 * came first and the controller let go of the job (ended, evicted), the
 * escape is still noted, in the job's row; for another attempt or node not.
 */
static void escape_after_end(void **state_)
{
	(void)state_;
	char key[JOB_KEY_MAX], err[HERD_ERRLEN];
	int64_t r, p;
	struct h *h = two_jobs(0, &r, &p, key, sizeof key);
	assert_int_equal(ctl_cancel(&h->c, r, UID, err, sizeof err), 0);
	free(sent(h, NULL));
	feedf(h, RES_EVENT, "end %s 143", key);
	assert_null(ctl_find(&h->c, r));
	char other[JOB_KEY_MAX];
	key_of(h, r, 2, other, sizeof other);	/* an attempt the job never had */
	feedf(h, RES_LINES, "K %s escaped 3", other);
	feedf(h, RES_LINES, "K %s escaped 2\nK %s sent", key, key);
	feedf(h, RES_LINES, "K %s escaped 1", key);	/* the KILL's: said already */
	struct job_row row;
	job_row_init(&row);
	assert_int_equal(db_job_get(h->db, r, &row), 1);
	assert_int_equal(row.state, JOB_CANCELLED);
	assert_non_null(row.reason);
	if (strncmp(row.reason, "cancelled; 2 processes had left", 31) != 0 ||
	    strstr(row.reason, "HERD_JOB_KEY") == NULL || strstr(row.reason, "3 proc") != NULL ||
	    strstr(row.reason, "1 proc") != NULL)
		fail_msg("reason after a late escape note: \"%s\"", row.reason);
	job_row_clear(&row);
	h_free(h);
}

/*
 * Limits (limit.h): an account at max_gpus holds its next GPU job with
 * AssocGrpGRES while a CPU-only job of it starts; a job that could never
 * start and one past max_submit_jobs are refused at submit, naming the
 * limit; the held job starts once the running one ends.
 */
static void limit_reached_then_freed(void **state_)
{
	(void)state_;
	struct h *h = h_new_with("[account bio]\nusers = alice\nmax_gpus = 1\n"
	    "max_submit_jobs = 3\n");
	char ka[JOB_KEY_MAX], kb[JOB_KEY_MAX], err[HERD_ERRLEN];
	node_up(h, "boot-1", "S - done");
	int64_t a = running_job(h, 1, 0, ka, sizeof ka);
	int64_t b = submit(h, 1, 0);
	char *s = schedule(h);
	assert_string_equal(s, "");	/* a GPU is free, but bio holds its one */
	free(s);
	assert_int_equal(state(h, b), JOB_PENDING);
	assert_string_equal(ctl_pending_reason(&h->c, ctl_find(&h->c, b)), "AssocGrpGRES");
	/* Never: more GPUs than the account may hold. */
	assert_int_equal(try_submit(h, 2, 0, err, sizeof err), -1);
	assert_non_null(strstr(err, "account bio's max_gpus = 1"));
	assert_non_null(strstr(err, "(AssocGrpGRES)"));
	/* A CPU-only job is not held by max_gpus: it starts. */
	int64_t c = submit(h, 0, 0);
	free(schedule(h));
	assert_int_equal(state(h, c), JOB_LAUNCHING);
	/* Three jobs pending or running: a fourth is refused. */
	assert_int_equal(try_submit(h, 0, 0, err, sizeof err), -1);
	assert_non_null(strstr(err, "max_submit_jobs = 3"));
	assert_non_null(strstr(err, "(AssocGrpSubmitJobsLimit)"));
	/* The running one ends: b starts. */
	h->clk.wall_s += 60;
	feedf(h, RES_EVENT, "end %s 0", ka);
	assert_null(ctl_find(&h->c, a));
	s = schedule(h);
	key_of(h, b, 1, kb, sizeof kb);
	assert_non_null(strstr(s, kb));
	free(s);
	assert_int_equal(state(h, b), JOB_LAUNCHING);
	h_free(h);
}

/* A service of `gpus` GPUs, --restart never; refused: the test fails. */
static int64_t submit_service_gpus(struct h *h, const char *name, int gpus, const char *qos)
{
	char err[HERD_ERRLEN] = "";
	int64_t id = try_submit_service_gpus(h, name, SVC_RESTART_NEVER, 0, gpus, qos, err,
	    sizeof err);
	if (id < 0)
		fail_msg("service %s refused: %s", name, err);
	return id;
}

/*
 * max_service_gpus (limit.h): an account's running services hold one GPU
 * at most; a second 1-GPU service waits AccountServiceGPULimit while a
 * batch GPU job of the same account starts (batch work is not held by
 * it); the first service ends: the second starts.  The same on a QoS
 * gives QOSServiceGPULimit.  A service of more GPUs than the limit could
 * never start: refused at submit, naming it.
 */
static void service_gpu_limit(void **state_)
{
	(void)state_;
	static const struct { const char *cfg, *qos, *reason; } cases[] = {
		{ "[account bio]\nusers = alice\nmax_service_gpus = 1\n", NULL,
		    "AccountServiceGPULimit" },
		{ "[qos serve]\nmax_service_gpus = 1\n", "serve", "QOSServiceGPULimit" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct h *h = h_new_with(cases[i].cfg);
		char ka[JOB_KEY_MAX], kb[JOB_KEY_MAX], err[HERD_ERRLEN] = "";
		node_up(h, "boot-1", "S - done");
		assert_int_equal(try_submit_service_gpus(h, "big", SVC_RESTART_NEVER, 0, 2,
		    cases[i].qos, err, sizeof err), -1);
		assert_non_null(strstr(err, "max_service_gpus = 1"));
		assert_non_null(strstr(err, cases[i].reason));
		int64_t a = submit_service_gpus(h, "a", 1, cases[i].qos);
		service_runs(h, a, 1, ka, sizeof ka);
		int64_t b = submit_service_gpus(h, "b", 1, cases[i].qos);
		free(schedule(h));
		assert_int_equal(state(h, b), JOB_PENDING);
		assert_string_equal(ctl_pending_reason(&h->c, ctl_find(&h->c, b)),
		    cases[i].reason);
		/* A batch job of 1 GPU is not a service: it starts beside them. */
		int64_t c = submit_to(h, 1, 0, NULL, cases[i].qos);
		free(schedule(h));
		assert_int_equal(state(h, c), JOB_LAUNCHING);
		assert_int_equal(state(h, b), JOB_PENDING);
		/* The running service ends: b starts. */
		h->clk.wall_s += 60;
		feedf(h, RES_EVENT, "end %s 0", ka);
		char *s = schedule(h);
		key_of(h, b, 1, kb, sizeof kb);
		assert_non_null(strstr(s, kb));
		free(s);
		assert_int_equal(state(h, b), JOB_LAUNCHING);
		h_free(h);
	}
}

/*
 * A parent account's limits hold over its sub-accounts' jobs together (as
 * Slurm's Grp limits over an association's subtree): alice's jobs are in
 * bio, and lab above it allows 1 GPU and 3 jobs queued.
 */
static void limit_of_parent_account(void **state_)
{
	(void)state_;
	struct h *h = h_new_with("[account lab]\nmax_gpus = 1\nmax_submit_jobs = 3\n\n"
	    "[account bio]\nusers = alice\nparent = lab\n");
	char ka[JOB_KEY_MAX], kb[JOB_KEY_MAX], err[HERD_ERRLEN];
	node_up(h, "boot-1", "S - done");
	int64_t a = running_job(h, 1, 0, ka, sizeof ka);
	assert_string_equal(ctl_find(&h->c, a)->account, "bio");
	int64_t b = submit(h, 1, 0);
	char *s = schedule(h);
	assert_string_equal(s, "");	/* a GPU is free, but lab holds its one */
	free(s);
	assert_string_equal(ctl_pending_reason(&h->c, ctl_find(&h->c, b)), "AssocGrpGRES");
	assert_int_equal(try_submit(h, 2, 0, err, sizeof err), -1);
	assert_non_null(strstr(err, "account lab's max_gpus = 1"));
	(void)submit(h, 0, 0);
	assert_int_equal(try_submit(h, 0, 0, err, sizeof err), -1);
	assert_non_null(strstr(err, "account lab already has 3 jobs pending or running"));
	assert_non_null(strstr(err, "(AssocGrpSubmitJobsLimit)"));
	h->clk.wall_s += 60;
	feedf(h, RES_EVENT, "end %s 0", ka);
	s = schedule(h);
	key_of(h, b, 1, kb, sizeof kb);
	assert_non_null(strstr(s, kb));
	free(s);
	h_free(h);
}

/*
 * max_gpu_hours per period: a job that used the account's GPU-hour holds
 * the next GPU job (AssocGrpGRESMinutes) until the period has moved past
 * it; what ended is read from the database.
 */
static void limit_gpu_hours(void **state_)
{
	(void)state_;
	struct h *h = h_new_with("[account bio]\nusers = alice\nmax_gpu_hours = 1\n"
	    "period = 1-0\n");
	char ka[JOB_KEY_MAX];
	node_up(h, "boot-1", "S - done");
	int64_t a = running_job(h, 1, 0, ka, sizeof ka);
	h->clk.wall_s += 1800;
	int64_t b = submit(h, 1, 0);
	free(schedule(h));
	assert_int_equal(state(h, b), JOB_LAUNCHING);	/* half an hour used: under 1 */
	h->clk.wall_s += 1800;
	feedf(h, RES_EVENT, "end %s 0", ka);
	assert_null(ctl_find(&h->c, a));
	int64_t c = submit(h, 1, 0);
	char *s = schedule(h);
	assert_string_equal(s, "");	/* 1 h ended + b's half hour */
	free(s);
	assert_string_equal(ctl_pending_reason(&h->c, ctl_find(&h->c, c)), "AssocGrpGRESMinutes");
	/* A day later a's hour is out of the window, but b has run all along. */
	char kb[JOB_KEY_MAX];
	key_of(h, b, 1, kb, sizeof kb);
	feedf(h, RES_EVENT, "start %s 4343", kb);
	h->clk.wall_s += 86400 + 120;
	free(schedule(h));
	assert_int_equal(state(h, c), JOB_PENDING);
	/* b ends long ago... and the window passes it too. */
	feedf(h, RES_EVENT, "end %s 0", kb);
	h->clk.wall_s += 2 * 86400;
	free(schedule(h));
	assert_int_equal(state(h, c), JOB_LAUNCHING);
	assert_int_equal(ctl_find(&h->c, c)->limit_reason, 0);
	h_free(h);
}

/*
 * Multifactor priority's partition and QoS factors from hosts.ini: a job
 * of the partition with the larger priority_job_factor and the QoS with
 * the larger priority gets factors 1; the other 0.25 and 0.
 */
static void priority_partition_qos(void **state_)
{
	(void)state_;
	struct h *h = h_new_with("[partition low]\nnodes = ALL\ndefault = yes\npriority_tier = 1\n"
	    "[partition high]\nnodes = ALL\npriority_tier = 1\npriority_job_factor = 4\n"
	    "[qos normal]\n[qos urgent]\npriority = 10\n"
	    "[priority]\nweight_partition = 1000\nweight_qos = 2000\n");
	int64_t a = submit_to(h, 1, 60, "high", "urgent"), b = submit(h, 1, 60);
	struct job *ja = ctl_find(&h->c, a), *jb = ctl_find(&h->c, b);
	struct share_tree t;
	struct prio_factors fa, fb;
	ctl_share_tree(&h->c, h->clk.wall_s, &t);
	ctl_job_priority(&h->c, &t, ja, h->clk.wall_s, &fa);
	ctl_job_priority(&h->c, &t, jb, h->clk.wall_s, &fb);
	ctl_share_tree_free(&t);
	assert_true(fa.partition == 1.0 && fa.qos == 1.0);
	if (!(fb.partition == 0.25 && fb.qos == 0))
		fail_msg("b: partition %g qos %g (%s)", fb.partition, fb.qos,
		    jb->partition ? jb->partition : "NULL");
	assert_true(fa.total - fb.total == 1000 * 0.75 + 2000);
	h_free(h);
}

/*
 * A pass's word on each pending job: a 1-GPU job runs (limit 600 s) on the
 * 2-GPU node; a 2-GPU job waits for Resources, planned to start when the
 * running one reaches its limit; the next 2-GPU job waits for Priority
 * with no plan; a long 1-GPU job may not take the free GPU (it would
 * delay the reservation) while a short one does.  With reservations = 2
 * (a reload) the second 2-GPU job is planned too, after the first.
 */
static void reasons_and_planned_start(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char key[JOB_KEY_MAX];
	node_up(h, "boot-1", "S - done");
	int64_t run = running_job(h, 1, 600, key, sizeof key);
	int64_t t0 = ctl_find(&h->c, run)->start_time;
	int64_t wide = submit(h, 2, 100), wide2 = submit(h, 2, 100);
	int64_t lng = submit(h, 1, 1000), shrt = submit(h, 1, 60);
	h->clk.wall_s += 10;
	free(schedule(h));

	assert_int_equal(state(h, shrt), JOB_LAUNCHING);	/* ends by t0 + 600 */
	assert_int_equal(state(h, lng), JOB_PENDING);
	assert_string_equal(ctl_pending_reason(&h->c, ctl_find(&h->c, wide)), "Resources");
	assert_string_equal(ctl_pending_reason(&h->c, ctl_find(&h->c, wide2)), "Priority");
	assert_string_equal(ctl_pending_reason(&h->c, ctl_find(&h->c, lng)), "Priority");
	const struct ctl_resv *v = ctl_planned(&h->c, ctl_find(&h->c, wide));
	assert_non_null(v);
	assert_int_equal(v->start, t0 + 600);
	assert_int_equal(v->node, 0);
	assert_int_equal(v->after, run);
	assert_null(ctl_planned(&h->c, ctl_find(&h->c, wide2)));
	assert_null(ctl_planned(&h->c, ctl_find(&h->c, lng)));

	h->cfg.reservations = 2;
	free(schedule(h));
	assert_string_equal(ctl_pending_reason(&h->c, ctl_find(&h->c, wide2)), "Resources");
	v = ctl_planned(&h->c, ctl_find(&h->c, wide2));
	assert_non_null(v);
	assert_int_equal(v->start, t0 + 600 + 100);
	assert_int_equal(v->after, wide);
	/* A held job says so first, whatever the pass said. */
	struct job *w2 = ctl_find(&h->c, wide2);
	w2->hold = JOB_HOLD_USER;
	assert_string_equal(ctl_pending_reason(&h->c, w2), "JobHeldUser");
	w2->hold = JOB_HOLD_NONE;
	h_free(h);
}

/*
 * A reconfigure that lowers a QoS's max_time below a pending job's limit,
 * or removes its QoS, keeps it waiting with Slurm's reason (submit refused
 * both, but the job was queued before); it runs once the QoS allows it.
 */
static void qos_changed_after_submit(void **state_)
{
	(void)state_;
	struct h *h = h_new_with("[qos short]\nmax_time = 1:00:00\n");
	node_up(h, "boot-1", "S - done");
	int64_t id = submit_to(h, 1, 1800, NULL, "short");
	struct qos_conf *q = &h->cfg.qos[0];
	q->max_time_s = 600;
	char *s = schedule(h);
	assert_string_equal(s, "");
	free(s);
	assert_string_equal(ctl_pending_reason(&h->c, ctl_find(&h->c, id)),
	    "QOSMaxWallDurationPerJobLimit");
	q->max_time_s = 3600;
	char *name = q->name;
	q->name = (char *)"long";	/* the QoS renamed away */
	free(schedule(h));
	assert_int_equal(state(h, id), JOB_PENDING);
	assert_string_equal(ctl_pending_reason(&h->c, ctl_find(&h->c, id)), "InvalidQOS");
	q->name = name;
	free(schedule(h));
	assert_int_equal(state(h, id), JOB_LAUNCHING);
	h_free(h);
}

/* ---- issue 14: where a job may run ---- */

/* Submit one GPU job with a type, a --gpu-mem and -x (NULL/0: none). */
static int64_t try_submit_place(struct h *h, const char *type, int64_t gpu_mem_mb,
    const char *exclude, char *err, size_t errsz)
{
	struct submit_req r = { 0 };
	int64_t id;
	job_row_init(&r.job);
	r.job.user = "alice";
	r.job.name = "typed";
	r.job.workdir = "/home/alice";
	r.job.gpus = 1;
	r.job.cpus = 1;
	r.job.mem_mb = 1;
	r.job.gpu_type = (char *)type;
	r.job.gpu_mem_mb = gpu_mem_mb;
	r.job.exclude = (char *)exclude;
	r.data = (struct job_data){ .script = "#!/bin/sh\ntrue\n", .script_len = 15, .ntasks = 1 };
	return ctl_submit(&h->c, &r, UID, &id, err, errsz) == 0 ? id : -1;
}

static int64_t submit_place(struct h *h, const char *type, int64_t gpu_mem_mb,
    const char *exclude)
{
	char err[HERD_ERRLEN] = "";
	int64_t id = try_submit_place(h, type, gpu_mem_mb, exclude, err, sizeof err);
	if (id < 0)
		fail_msg("submit refused: %s", err);
	return id;
}

/*
 * A node of two GPU models: a typed job and a --gpu-mem job get the GPU
 * that qualifies, though a lower-numbered one is free; a type that no
 * node turned out to have (submitted before the probe) waits with
 * BadConstraints and holds nobody up; -x of the only node is refused at
 * submit, as is a type once the probe shows it is nowhere, naming what is.
 */
static void gpu_type_and_mem_place(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	struct node *n = &h->c.nodes[0];
	char err[HERD_ERRLEN], key[JOB_KEY_MAX];
	int64_t h100 = submit_place(h, "h100", 0, NULL);	/* node not probed: may be */
	feed(h, RES_SHELL_UP, NULL);
	drop_sent(h);
	feed(h, RES_PROBE, "hostname gpu1\ncpus 16\nmem_kb 67108864\nboot_id b1\ncgroup v2\n"
	    "gpu_rc 0\ngpus\n0, GPU-r, NVIDIA GeForce RTX 3090, 24576, 4, 0, 00000000:0F:00.0, 35\n"
	    "1, GPU-a, NVIDIA A100-SXM4-80GB, 81920, 4, 0, 00000000:1F:00.0, 35\napps\nend\n");
	feed(h, RES_LINES, "S - done");
	int64_t big = submit_place(h, NULL, 40 * 1024, NULL);
	int64_t any = submit(h, 1, 0);
	free(schedule(h));
	assert_int_equal(state(h, h100), JOB_PENDING);
	assert_string_equal(ctl_pending_reason(&h->c, ctl_find(&h->c, h100)), "BadConstraints");
	assert_null(ctl_planned(&h->c, ctl_find(&h->c, h100)));
	/* --gpu-mem 40G: the A100 (GPU 1), not the free RTX 3090 (GPU 0) */
	assert_int_equal(state(h, big), JOB_LAUNCHING);
	assert_int_equal(ctl_gpu_holder(&h->c, n, 1), big);
	assert_int_equal(state(h, any), JOB_LAUNCHING);	/* behind it: not held up */
	assert_int_equal(ctl_gpu_holder(&h->c, n, 0), any);

	/* a100 asked for while the A100 is taken: Resources, then it */
	int64_t a100 = submit_place(h, "a100", 0, NULL);
	free(schedule(h));
	assert_int_equal(state(h, a100), JOB_PENDING);
	assert_string_equal(ctl_pending_reason(&h->c, ctl_find(&h->c, a100)), "Resources");
	key_of(h, any, 1, key, sizeof key);
	feedf(h, RES_EVENT, "start %s 4242", key);
	feedf(h, RES_EVENT, "end %s 0", key);
	free(schedule(h));
	assert_int_equal(state(h, a100), JOB_PENDING);	/* the RTX 3090 is free: not its */
	key_of(h, big, 1, key, sizeof key);
	feedf(h, RES_EVENT, "start %s 4243", key);
	feedf(h, RES_EVENT, "end %s 0", key);
	free(schedule(h));
	assert_int_equal(state(h, a100), JOB_LAUNCHING);
	assert_int_equal(ctl_gpu_holder(&h->c, n, 1), a100);
	assert_int_equal(n->gpu_used, 0x2);

	/* Refused at submit now that the node is known. */
	assert_int_equal(try_submit_place(h, "v100", 0, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "of type v100"));
	assert_non_null(strstr(err, "GPU types there: rtx3090, a100 (gpu1)"));
	assert_int_equal(try_submit_place(h, NULL, 100 * 1024, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "with at least 102400 MB each"));
	assert_int_equal(try_submit_place(h, NULL, 0, "gpu[1-2]", err, sizeof err), -1);
	assert_non_null(strstr(err, "no node meets -w/-x"));
	h_free(h);
}

/* ---- review of issue 13: usage charged for every attempt ---- */

/* alice's raw usage (billed GPU-hours, decayed) as fair share sees it now. */
static double alice_usage(struct h *h)
{
	struct share_tree t;
	double u = -1;
	ctl_share_tree(&h->c, h->clk.wall_s, &t);
	for (size_t k = 0; k + t.naccts < t.n; k++)
		if (strcmp(ctl_share_user(&h->c, k), "alice") == 0)
			u = t.raw[t.naccts + k];
	ctl_share_tree_free(&t);
	return u;
}

/*
 * A job that ran an hour on 2 GPUs and was then requeued (its node
 * rebooted; or herd requeue) has used 2 GPU-hours: fair share must charge
 * them, as it charges an attempt that ends.  Today only the final end
 * (ACT_NOTIFY, ctl_share_job_end) charges, and new_attempt clears
 * start_time, so every requeued attempt is free: a self-requeueing
 * training job is never charged.
 */
static void usage_of_requeued_attempt(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char k1[JOB_KEY_MAX], k2[JOB_KEY_MAX], err[HERD_ERRLEN];
	node_up(h, "boot-1", "S - done");
	int64_t id = running_job(h, 2, 0, k1, sizeof k1);
	drop_sent(h);
	h->clk.wall_s += 3600;
	probe(h, "boot-2");		/* rebooted: requeued, attempt 2 pending */
	assert_int_equal(state(h, id), JOB_PENDING);
	double u = alice_usage(h);
	if (!(u > 1.9))
		fail_msg("node-requeued attempt of 2 GPU-hours charged %g", u);

	/* herd requeue of the running attempt 2: another hour on 2 GPUs. */
	free(schedule(h));
	key_of(h, id, 2, k2, sizeof k2);
	feedf(h, RES_EVENT, "start %s 4343", k2);
	assert_int_equal(state(h, id), JOB_RUNNING);
	h->clk.wall_s += 3600;
	assert_int_equal(ctl_requeue(&h->c, id, UID, err, sizeof err), 0);
	feedf(h, RES_EVENT, "end %s 143", k2);
	assert_int_equal(state(h, id), JOB_PENDING);
	u = alice_usage(h);
	if (!(u > 3.8))
		fail_msg("two requeued attempts of 2 GPU-hours each charged %g", u);
	h_free(h);
}

/*
 * herd usage -S/-E: the GPU-hours allocated inside a period, undecayed,
 * every attempt counted and a running one up to now; bounds that roll
 * forward (a clock time) or an empty period are refused.
 */
static void usage_in_period(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char k1[JOB_KEY_MAX], k2[JOB_KEY_MAX], err[HERD_ERRLEN];
	struct share_period p;
	node_up(h, "boot-1", "S - done");
	int64_t id = running_job(h, 2, 0, k1, sizeof k1);
	drop_sent(h);
	h->clk.wall_s += 3600;
	probe(h, "boot-2");		/* attempt 1 ended after an hour: requeued */
	free(schedule(h));
	key_of(h, id, 2, k2, sizeof k2);
	feedf(h, RES_EVENT, "start %s 4343", k2);
	assert_int_equal(state(h, id), JOB_RUNNING);
	h->clk.wall_s += 3600;		/* attempt 2 has run an hour */

	/* The last 90 minutes: half an hour of attempt 1, the hour of attempt 2. */
	assert_int_equal(ctl_share_period(&h->c, "now-90min", NULL, &p, err, sizeof err), 0);
	double g = 0;
	for (size_t k = 0; k < p.n; k++)
		if (strcmp(ctl_share_user(&h->c, k), "alice") == 0)
			g += p.gpu_h[k];
	ctl_share_period_clear(&p);
	if (g < 2.99 || g > 3.01)
		fail_msg("2 GPUs for 90 minutes over two attempts counted %g GPU-hours", g);
	/* Before the job: nothing. */
	assert_int_equal(ctl_share_period(&h->c, "now-1000days", "now-3hours", &p, err,
	    sizeof err), 0);
	for (size_t k = 0; k < p.n; k++)
		assert_true(p.gpu_h[k] == 0);
	ctl_share_period_clear(&p);

	assert_int_equal(ctl_share_period(&h->c, "teatime", NULL, &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "invalid -S \"teatime\": a period's bound is today, now"));
	assert_int_equal(ctl_share_period(&h->c, "now", "now-1hour", &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "the period is empty"));
	assert_int_equal(ctl_share_period(&h->c, "2026-13-01", NULL, &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "invalid -S \"2026-13-01\""));
	h_free(h);
}

/*
 * An exclusive job asking 1 GPU holds the node's every GPU (its launch
 * gets them all, as sched.c's place and limits_take count them), so an
 * hour of it is 2 GPU-hours on this 2-GPU node.  Fair share charges
 * j->gpus, the GPUs asked (1): --exclusive halves what a lab pays here,
 * and on an 8-GPU box an hour of 8 GPUs costs 1.
 */
static void usage_of_exclusive_job(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char key[JOB_KEY_MAX], err[HERD_ERRLEN] = "";
	struct submit_req r = { 0 };
	int64_t id;
	node_up(h, "boot-1", "S - done");
	job_row_init(&r.job);
	r.job.user = "alice";
	r.job.name = "excl";
	r.job.workdir = "/home/alice";
	r.job.gpus = 1;
	r.job.cpus = 2;
	r.job.mem_mb = 1024;
	r.job.exclusive = JOB_EXCL_NODE;
	r.data = (struct job_data){ .script = "#!/bin/sh\ntrue\n", .script_len = 15, .ntasks = 1 };
	if (ctl_submit(&h->c, &r, UID, &id, err, sizeof err) != 0)
		fail_msg("submit refused: %s", err);
	free(schedule(h));
	assert_int_equal(state(h, id), JOB_LAUNCHING);
	assert_int_equal(__builtin_popcountll(ctl_find(&h->c, id)->gpu_mask), 2);
	key_of(h, id, 1, key, sizeof key);
	feedf(h, RES_EVENT, "start %s 4242", key);
	h->clk.wall_s += 3600;
	feedf(h, RES_EVENT, "end %s 0", key);
	double u = alice_usage(h);
	if (!(u > 1.9))
		fail_msg("an hour holding both GPUs (exclusive, -G 1) charged %g GPU-hours", u);
	h_free(h);
}

/*
 * A failed turn commit is "written again later" (ctl_tick) for job rows
 * only.  What else the turn wrote is lost for good while memory keeps it:
 * a requeued attempt's record (its node rebooted in that turn): herd
 * history never shows attempt 1, though the job row, rewritten by the
 * tick, says attempt 2.
 */
static void turn_commit_fails_rows_beside_jobs(void **state_)
{
	(void)state_;
	char key[JOB_KEY_MAX];
	int64_t r, p;
	struct h *h = two_jobs(0, &r, &p, key, sizeof key);
	unsigned long long setup = db_commits(h->db);
	h_free(h);

	/* 1. A requeue within the failed turn: the node rebooted. */
	h = two_jobs(setup + 1, &r, &p, key, sizeof key);
	ctl_turn_begin(&h->c);
	probe(h, "boot-2");
	ctl_turn_end(&h->c);
	assert_int_equal(state(h, r), JOB_PENDING);
	ctl_tick(&h->c);
	struct job_row row;
	job_row_init(&row);
	assert_int_equal(db_job_get(h->db, r, &row), 1);
	assert_int_equal(row.attempt, 2);	/* the job row was written again */
	job_row_clear(&row);
	struct attempt_row seen = { 0 };
	assert_int_equal(db_attempts(h->db, r, attempt_cb, &seen), 0);
	if (seen.job_id != 1)
		fail_msg("job row says attempt 2, attempts table has %" PRId64 " rows for it "
		    "(attempt 1's record lost with the failed turn, never written again)",
		    seen.job_id);
	h_free(h);
}

/*
 * A side effect listed in a turn runs at its end against the job as it is
 * then, not as it was when listed.  herd requeue of a running job lists a
 * kill; the node's end of attempt 1 in the same turn makes the job PENDING
 * (node -1, attempt 2); ctl_turn_end then runs the kill: ctl_send_kill
 * reads c->nodes[-1] (ASan: heap-buffer-overflow) and would name attempt
 * 2's key.  herdd's loop today handles node answers before requests, so
 * this order needs a node answer after a request in one turn (latent; the
 * harness, like ctl_batch.c's comment, allows any order).  Last in the
 * list: under ASan it aborts the binary.
 */
static void deferred_kill_after_requeue(void **state_)
{
	(void)state_;
	char key[JOB_KEY_MAX], err[HERD_ERRLEN];
	int64_t r, p;
	struct h *h = two_jobs(0, &r, &p, key, sizeof key);
	ctl_turn_begin(&h->c);
	assert_int_equal(ctl_requeue(&h->c, r, UID, err, sizeof err), 0);
	feedf(h, RES_EVENT, "end %s 143", key);
	assert_int_equal(state(h, r), JOB_PENDING);
	ctl_turn_end(&h->c);
	char k2[JOB_KEY_MAX];
	key_of(h, r, 2, k2, sizeof k2);
	char *s = sent(h, NULL);
	assert_null(strstr(s, k2));	/* no kill of an attempt never launched */
	free(s);
	h_free(h);
}


/* A probe of the node with these GPU rows (index, uuid, ..., bus id). */
static void probe_rows(struct h *h, const char *boot, const char *rows)
{
	feedf(h, RES_PROBE, "hostname gpu1\ncpus 16\nmem_kb 67108864\nboot_id %s\ncgroup v2\n"
	    "gpu_rc 0\ngpus\n%sapps\nend\n", boot, rows);
}

#define ROW_A(i) #i ", GPU-a, NVIDIA H100, 81559, 4, 0, 00000000:0F:00.0, 35\n"
#define ROW_B(i) #i ", GPU-b, NVIDIA H100, 81559, 4, 0, 00000000:1F:00.0, 35\n"

/* What the controller says of a job's GPUs: "INDICES|UUIDS". */
static void gpus_of(struct h *h, int64_t id, char *buf, size_t size)
{
	struct job_row r;
	job_row_init(&r);
	assert_int_equal(ctl_job_get(&h->c, id, &r), 1);
	snprintf(buf, size, "%s|%s", r.gpu_list ? r.gpu_list : "", r.gpu_uuids ? r.gpu_uuids : "");
	job_row_clear(&r);
}

/*
 * A job's GPUs are known by UUID: stored so, kept across a probe that
 * renumbers them (a GPU fell off the bus, the driver reloaded) and across
 * a restart of herdd whose first probe lists them in another order; a new
 * job never gets a GPU still held, and its launch checks index against UUID.
 */
static void gpus_known_by_uuid(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char ka[JOB_KEY_MAX], g[256];
	node_up(h, "boot-1", "S - done");
	int64_t a = running_job(h, 1, 0, ka, sizeof ka);
	gpus_of(h, a, g, sizeof g);
	assert_string_equal(g, "0|GPU-a");
	struct job_row r;
	job_row_init(&r);
	assert_int_equal(db_job_get(h->db, a, &r), 1);
	assert_string_equal(r.gpu_uuids, "GPU-a");
	job_row_clear(&r);

	/* Renumbered between two probes: a keeps GPU-a, now index 1. */
	probe_rows(h, "boot-1", ROW_B(0) ROW_A(1));
	gpus_of(h, a, g, sizeof g);
	assert_string_equal(g, "1|GPU-a");
	assert_int_equal(h->c.nodes[0].gpu_used, 2);
	int64_t b = submit(h, 1, 0);
	char *s = schedule(h);
	assert_non_null(strstr(s, " '0=GPU-b';"));	/* the launch checks index 0 is GPU-b */
	free(s);
	gpus_of(h, b, g, sizeof g);
	assert_string_equal(g, "0|GPU-b");
	assert_int_equal(h->c.nodes[0].gpu_used, 3);

	/* herdd restarts; its first probe lists them the first way again. */
	drop_sent(h);
	assert_int_equal(ctl_clear(&h->c), 0);
	h_init_ctl(h);
	feed(h, RES_SHELL_UP, NULL);
	drop_sent(h);
	probe_rows(h, "boot-1", ROW_A(0) ROW_B(1));
	feed(h, RES_LINES, "S - done");
	gpus_of(h, a, g, sizeof g);
	assert_string_equal(g, "0|GPU-a");
	gpus_of(h, b, g, sizeof g);
	assert_string_equal(g, "1|GPU-b");
	assert_int_equal(h->c.nodes[0].gpu_used, 3);
	int64_t c3 = submit(h, 1, 0);
	free(schedule(h));
	assert_int_equal(state(h, c3), JOB_PENDING);	/* both GPUs still held */

	/* GPU-a falls off the bus: b keeps GPU-b, now index 0; a holds none. */
	probe_rows(h, "boot-1", ROW_B(0));
	gpus_of(h, b, g, sizeof g);
	assert_string_equal(g, "0|GPU-b");
	assert_int_equal(ctl_find(&h->c, a)->gpu_mask, 0);
	assert_int_equal(h->c.nodes[0].gpu_used, 1);
	h_free(h);
}

/* ---- GPUs in use outside herd (ctl_foreign.c) ---- */

/* gpu1's probe with GPU-b's memory in use, and its apps and procs lines. */
static void probe_apps(struct h *h, int64_t mem_b, const char *apps, const char *procs)
{
	feedf(h, RES_PROBE, "hostname gpu1\ncpus 16\nmem_kb 67108864\nboot_id boot-1\n"
	    "cgroup v2\ngpu_rc 0\ngpus\n0, GPU-a, NVIDIA H100, 81559, 4, 0, 00000000:0F:00.0, 35\n"
	    "1, GPU-b, NVIDIA H100, 81559, %lld, 0, 00000000:1F:00.0, 35\napps\n%sprocs\n%send\n",
	    (long long)mem_b, apps, procs);
}

/*
 * Bob's process on GPU 1: a 2-GPU job waits with GpusInUseOutsideHerd, and
 * the text herd show gives names the GPU and bob.  At the first probe
 * without it the GPU is free and the job starts.  The job's own process
 * (its session) listed on its GPU is not foreign; carol's on it is shown.
 */
static void foreign_gpu_waits_then_frees(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	struct node *n = &h->c.nodes[0];
	char key[JOB_KEY_MAX], text[512];

	node_up(h, "boot-1", "S - done");
	probe_apps(h, 2052, "GPU-b, 777, python3, 2048\n", "777 1001 bob 777 777 - -\n");
	assert_int_equal(n->foreign.busy, 2);
	int64_t id = submit(h, 2, 0);
	char *s = schedule(h);
	assert_string_equal(s, "");
	free(s);
	struct job *j = ctl_find(&h->c, id);
	assert_int_equal(j->state, JOB_PENDING);
	assert_string_equal(ctl_pending_reason(&h->c, j), "GpusInUseOutsideHerd");
	assert_true(ctl_foreign_text(&h->c, j, text, sizeof text) > 0);
	assert_string_equal(text, "gpu1 GPU 1 (bob, pid 777)");
	/* Still there at the next probe: still waiting, since unchanged. */
	probe_apps(h, 2052, "GPU-b, 777, python3, 2048\n", "777 1001 bob 777 777 - -\n");
	assert_int_equal(n->foreign.procs[0].since, 1700000000);
	free(schedule(h));
	assert_int_equal(j->state, JOB_PENDING);

	/* Gone: the first probe without it frees the GPU. */
	h->c.sched_needed = 0;
	probe_apps(h, 4, "", "");
	assert_int_equal(n->foreign.busy, 0);
	assert_true(h->c.sched_needed);
	s = schedule(h);
	key_of(h, id, 1, key, sizeof key);
	assert_non_null(strstr(s, key));
	free(s);
	assert_int_equal(j->state, JOB_LAUNCHING);
	assert_int_equal(n->gpu_used, 3);
	assert_int_equal(ctl_foreign_text(&h->c, j, text, sizeof text), 0);

	/* Running: its own process (in its session, pid 4242) is no one else's. */
	feedf(h, RES_EVENT, "start %s 4242", key);
	assert_int_equal(j->pid, 4242);
	probe_apps(h, 2052, "GPU-b, 4300, python3, 2048\n", "4300 0 root 4242 4300 4242,1 -\n");
	assert_int_equal(n->foreign.busy, 0);
	assert_int_equal(n->foreign.nprocs, 0);
	/* Carol's on the job's GPU: shown for herd nodes. */
	probe_apps(h, 4, "GPU-a, 888, x, 10\n", "888 1002 carol 888 888 - -\n");
	assert_int_equal(n->foreign.busy, 1);
	assert_string_equal(n->foreign.procs[0].user, "carol");
	h_free(h);
}

/* ---- sharing a GPU by memory (ctl_gpushare.c) ---- */

static int64_t try_submit_share(struct h *h, int64_t gpu_mem_mb, char *err, size_t errsz)
{
	struct submit_req r = { 0 };
	int64_t id;
	job_row_init(&r.job);
	r.job.user = "alice";
	r.job.name = "share";
	r.job.workdir = "/home/alice";
	r.job.gpus = 1;
	r.job.cpus = 1;
	r.job.mem_mb = 1;
	r.job.gpu_mem_mb = gpu_mem_mb;
	r.job.gpu_share = 1;
	r.data = (struct job_data){ .script = "#!/bin/sh\ntrue\n", .script_len = 15, .ntasks = 1 };
	return ctl_submit(&h->c, &r, UID, &id, err, errsz) == 0 ? id : -1;
}

static int64_t submit_share(struct h *h, int64_t gpu_mem_mb)
{
	char err[HERD_ERRLEN] = "";
	int64_t id = try_submit_share(h, gpu_mem_mb, err, sizeof err);
	if (id < 0)
		fail_msg("submit refused: %s", err);
	return id;
}

/*
 * gpu_share = yes (report): a whole-GPU job takes GPU 0; two sharers of
 * 40000 MB join on GPU 1 (81559 MiB), a third waits (Resources).  One
 * sharer's process uses 50000 MiB: its reason says so, it runs on.  It
 * ends: GPU 1 stays held by the other, and the third joins it.  With
 * gpu_share_enforce = kill, a sharer over its declaration is cancelled
 * with GpuMemExceeded.  On a node without gpu_share, --gpu-share is
 * refused at submit.
 */
static void gpu_share_split_and_enforce(void **state_)
{
	(void)state_;
	struct h *h = h_new_with("gpu_share = yes\n");
	struct node *n = &h->c.nodes[0];
	char key[JOB_KEY_MAX], err[HERD_ERRLEN];

	node_up(h, "boot-1", "S - done");
	probe_apps(h, 4, "", "");
	int64_t whole = submit(h, 1, 0);
	int64_t s1 = submit_share(h, 40000), s2 = submit_share(h, 40000);
	int64_t s3 = submit_share(h, 40000);
	free(schedule(h));
	assert_int_equal(ctl_gpu_holder(&h->c, n, 0), whole);
	assert_int_equal(ctl_find(&h->c, s1)->gpu_mask, 0x2);
	assert_int_equal(ctl_find(&h->c, s2)->gpu_mask, 0x2);
	assert_int_equal(state(h, s3), JOB_PENDING);
	assert_string_equal(ctl_pending_reason(&h->c, ctl_find(&h->c, s3)), "Resources");
	assert_int_equal(n->gpu_used, 0x3);

	/* s1 runs (pid 5000) and uses more than it declared: reported. */
	key_of(h, s1, 1, key, sizeof key);
	feedf(h, RES_EVENT, "start %s 5000", key);
	probe_apps(h, 50004, "GPU-b, 5000, python3, 50000\n", "5000 1000 alice 5000 5000 - -\n");
	struct job *j1 = ctl_find(&h->c, s1);
	assert_int_equal(j1->state, JOB_RUNNING);
	assert_non_null(j1->reason);
	assert_string_equal(j1->reason, "GpuMemExceeded: uses 50000 MiB of GPU memory, "
	    "declared 40000 MiB");
	assert_int_equal(n->foreign.busy, 0);	/* its own process: not foreign */

	/* s1 ends: s2 still holds GPU 1; s3 joins it, not GPU 0's holder. */
	feedf(h, RES_EVENT, "end %s 0", key);
	assert_int_equal(n->gpu_used, 0x3);
	free(schedule(h));
	assert_int_equal(state(h, s3), JOB_LAUNCHING);
	assert_int_equal(ctl_find(&h->c, s3)->gpu_mask, 0x2);

	/* gpu_share_enforce = kill: s2 over its declaration is ended. */
	((struct node_conf *)n->conf)->gpu_share_enforce = 1;
	key_of(h, s2, 1, key, sizeof key);
	feedf(h, RES_EVENT, "start %s 6000", key);
	probe_apps(h, 45004, "GPU-b, 6000, python3, 45000\n", "6000 1000 alice 6000 6000 - -\n");
	struct job *j2 = ctl_find(&h->c, s2);
	assert_int_equal(j2->state, JOB_CANCELLED);
	assert_non_null(strstr(j2->reason, "GpuMemExceeded: uses 45000 MiB"));
	h_free(h);

	h = h_new();
	node_up(h, "boot-1", "S - done");
	probe_apps(h, 4, "", "");
	assert_int_equal(try_submit_share(h, 1000, err, sizeof err), -1);
	assert_non_null(strstr(err, "no node this job may use shares GPUs"));
	h_free(h);
}

/* share_foreign = yes: the GPU is handed out anyway; memory above the
 * node's foreign_mem_threshold with no process listed counts as use. */
static void foreign_share_and_threshold(void **state_)
{
	(void)state_;
	struct h *h = h_new_with("share_foreign = yes\n");
	node_up(h, "boot-1", "S - done");
	probe_apps(h, 2052, "GPU-b, 777, python3, 2048\n", "777 1001 bob 777 777 - -\n");
	int64_t id = submit(h, 2, 0);
	free(schedule(h));
	assert_int_equal(state(h, id), JOB_LAUNCHING);
	h_free(h);

	h = h_new_with("foreign_mem_threshold = 1G\n");
	node_up(h, "boot-1", "S - done");
	probe_apps(h, 1024, "", "");	/* at the threshold: free */
	assert_int_equal(h->c.nodes[0].foreign.busy, 0);
	probe_apps(h, 1025, "", "");
	assert_int_equal(h->c.nodes[0].foreign.busy, 2);
	id = submit(h, 2, 0);
	free(schedule(h));
	assert_string_equal(ctl_pending_reason(&h->c, ctl_find(&h->c, id)),
	    "GpusInUseOutsideHerd");
	char text[256];
	ctl_foreign_text(&h->c, ctl_find(&h->c, id), text, sizeof text);
	assert_string_equal(text, "gpu1 GPU 1 (1025 MiB in use, no process listed)");
	h_free(h);
}

/* ---- node outages, health, housekeeping (ctl_outage.c) ---- */

static const char *view(struct h *h, const char **reason)
{
	static char st[32];
	const char *r;
	int64_t since;
	ctl_node_view(&h->c, &h->c.nodes[0], st, sizeof st, reason ? reason : &r, &since);
	return st;
}

static void advance(struct h *h, int64_t secs)
{
	h->clk.mono_ms += secs * 1000;
	h->clk.wall_s += secs;
	ctl_tick(&h->c);
}

/*
 * A node that stops answering takes no new job at once, is DOWN only
 * after down_after, and its running job is left alone: when the node is
 * back, the reconcile finds the job running (adopted), then it ends
 * normally and the waiting job starts.
 */
static void outage_adopts_on_return(void **state_)
{
	(void)state_;
	struct h *h = h_new_with("down_after = 120\nnode_fail_after = 600\n");
	char key[JOB_KEY_MAX], want[256];
	const char *reason;
	struct node *n = &h->c.nodes[0];
	node_up(h, "boot-1", "S - done");
	int64_t id = running_job(h, 1, 0, key, sizeof key);
	assert_string_equal(view(h, NULL), "MIXED");
	drop_sent(h);

	feed(h, RES_SHELL_DOWN, "connection refused");
	int64_t other = submit(h, 1, 0);
	char *s = schedule(h);
	assert_string_equal(s, "");	/* nothing launched on a node that does not answer */
	free(s);
	assert_int_equal(state(h, other), JOB_PENDING);
	assert_string_equal(view(h, &reason), "MIXED*");
	assert_string_equal(reason, "connection refused");
	advance(h, 119);
	assert_int_not_equal(n->state, NODE_DOWN);
	advance(h, 1);
	assert_int_equal(n->state, NODE_DOWN);
	assert_string_equal(view(h, &reason), "DOWN");
	assert_string_equal(reason, "unreachable for 120 s: connection refused");
	assert_int_equal(n->state_since, h->clk.wall_s - 120);
	assert_int_equal(state(h, id), JOB_RUNNING);
	assert_int_equal(stored_state(h, id), JOB_RUNNING);
	advance(h, 300);
	assert_int_equal(state(h, id), JOB_RUNNING);	/* before node_fail_after */

	feed(h, RES_SHELL_UP, NULL);
	s = sent(h, NULL);
	snprintf(want, sizeof want, "__herd_k='%s'\n", key);
	assert_non_null(strstr(s, want));	/* reconciled */
	assert_null(strstr(s, "kill -s"));	/* nothing killed */
	free(s);
	feedf(h, RES_LINES, "R %s running 4242", key);
	assert_int_equal(state(h, id), JOB_RUNNING);
	probe(h, "boot-1");
	assert_int_equal(n->state, NODE_UP);
	assert_string_equal(view(h, NULL), "MIXED");
	free(schedule(h));
	assert_int_equal(state(h, other), JOB_LAUNCHING);
	feedf(h, RES_EVENT, "end %s 0", key);
	assert_int_equal(stored_state(h, id), JOB_COMPLETED);
	h_free(h);
}

/*
 * Past node_fail_after the node's jobs are given up: the requeueable one
 * is pending again (a new attempt), the --no-requeue one ends NODE_FAIL;
 * when the node comes back, what may still run of both attempts is killed.
 */
static void outage_node_fail_after(void **state_)
{
	(void)state_;
	struct h *h = h_new_with("down_after = 10\nnode_fail_after = 60\n");
	char ka[JOB_KEY_MAX], kb[JOB_KEY_MAX], want[256];
	node_up(h, "boot-1", "S - done");
	int64_t a = running_job(h, 1, 0, ka, sizeof ka);
	int64_t b = running_job(h, 1, 0, kb, sizeof kb);
	ctl_find(&h->c, b)->requeue = 0;
	drop_sent(h);

	feed(h, RES_SHELL_DOWN, "timed out");
	advance(h, 59);
	assert_int_equal(state(h, a), JOB_RUNNING);
	advance(h, 1);
	assert_int_equal(state(h, a), JOB_PENDING);
	assert_int_equal(ctl_find(&h->c, a)->attempt, 2);
	assert_int_equal(stored_state(h, b), JOB_NODE_FAIL);
	struct job_row r;
	job_row_init(&r);
	assert_int_equal(db_job_get(h->db, b, &r), 1);
	assert_string_equal(r.reason, "node unreachable for 60 s (node_fail_after)");
	job_row_clear(&r);
	assert_int_equal(h->c.nodes[0].gpu_used, 0);

	feed(h, RES_SHELL_UP, NULL);
	char *s = sent(h, NULL);
	snprintf(want, sizeof want, "__herd_d=\"$HOME\"/'.herd'/'jobs'/'%s'\n", ka);
	assert_non_null(strstr(s, want));
	snprintf(want, sizeof want, "__herd_d=\"$HOME\"/'.herd'/'jobs'/'%s'\n", kb);
	assert_non_null(strstr(s, want));
	assert_non_null(strstr(s, "kill -s 'KILL'"));
	free(s);
	/* Forgotten once the node has answered each kill. */
	assert_int_equal(h->c.nodes[0].norphans, 2);
	feedf(h, RES_LINES, "K %s killed\nK %s gone", ka, kb);
	assert_int_equal(h->c.nodes[0].norphans, 0);
	h_free(h);
}

/* ---- what of a node survives a restart (ctl_nodekeep.c) ---- */

static void probe_gpus(struct h *h, const char *gpus_rc, const char *gpus);

/* herdd stops and starts again on the same database, `secs` later. */
static void restart(struct h *h, int64_t secs)
{
	drop_sent(h);
	assert_int_equal(ctl_clear(&h->c), 0);
	h->clk.mono_ms += secs * 1000;
	h->clk.wall_s += secs;
	h_init_ctl(h);
}

/* The shell comes up, the probe lists `gpus` (probe_gpus), the scan is empty. */
static void node_up_gpus(struct h *h, const char *gpus)
{
	feed(h, RES_SHELL_UP, NULL);
	drop_sent(h);
	probe_gpus(h, "0", gpus);
	feed(h, RES_LINES, "S - done");
}

#define GPU_A "0, GPU-a, NVIDIA H100, 81559, 4, 0, 00000000:0F:00.0, 35\n"
#define GPU_B "1, GPU-b, NVIDIA H100, 81559, 4, 0, 00000000:1F:00.0, 35\n"

/* The audit rows by actor herdd, newest first, as "action detail;". */
static int audit_cb(void *arg, const struct audit_row *a)
{
	if (a->actor != NULL && strcmp(a->actor, "herdd") == 0)
		buf_printf(arg, "%s %s;", a->action, a->detail ? a->detail : "");
	return 0;
}

static char *herdd_audit(struct h *h)
{
	struct buf b;
	size_t len;
	buf_init(&b, 1 << 16);
	assert_int_equal(db_audit_list(h->db, 100, audit_cb, &b), 0);
	return buf_detach(&b, &len);
}

/*
 * A GPU already missing when herdd starts is noticed: the most GPUs the
 * node has shown is kept.  herd's drain survives the restart with its
 * reason and since, is in herd audit as herdd's, holds a job that only
 * that node could run (ReqNodeNotAvail), and lifts by itself when the GPU
 * is back.
 */
static void restart_keeps_herd_drain(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	const char *reason;
	node_up_gpus(h, GPU_A GPU_B);
	assert_string_equal(view(h, NULL), "IDLE");
	int64_t id = submit(h, 2, 0);	/* not placed before the restart */
	restart(h, 60);
	node_up_gpus(h, GPU_A);	/* GPU-b fell off the bus while herdd was down */
	assert_string_equal(view(h, &reason), "DRAINED");
	assert_string_equal(reason, "GPU lost: nvidia-smi shows 1 of the 2 GPUs it showed before");
	int64_t since = h->clk.wall_s;
	free(schedule(h));
	assert_int_equal(state(h, id), JOB_PENDING);
	assert_string_equal(ctl_pending_reason(&h->c, ctl_find(&h->c, id)), "ReqNodeNotAvail");

	restart(h, 60);
	assert_non_null(strstr(h->c.nodes[0].sick, "GPU lost"));	/* before any probe */
	node_up_gpus(h, GPU_A);
	int64_t s2;
	char st[32];
	ctl_node_view(&h->c, &h->c.nodes[0], st, sizeof st, &reason, &s2);
	assert_string_equal(st, "DRAINED");
	assert_string_equal(reason, "GPU lost: nvidia-smi shows 1 of the 2 GPUs it showed before");
	assert_int_equal(s2, since);
	char *a = herdd_audit(h);
	assert_string_equal(a, "drain gpu1: GPU lost: nvidia-smi shows 1 of the 2 GPUs it "
	    "showed before;");
	free(a);
	probe_gpus(h, "0", GPU_A GPU_B);	/* back: herd's own drain lifts itself */
	assert_string_equal(view(h, NULL), "IDLE");
	a = herdd_audit(h);
	assert_string_equal(a, "resume gpu1;drain gpu1: GPU lost: nvidia-smi shows 1 of the 2 "
	    "GPUs it showed before;");
	free(a);
	free(schedule(h));
	assert_int_equal(state(h, id), JOB_LAUNCHING);
	h_free(h);
}

/* herd's own drain is herdd's row in herd audit, and a job that only the
 * drained node could run waits ReqNodeNotAvail, not Resources. */
static void herd_drain_audited_and_blocks(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	node_up_gpus(h, GPU_A GPU_B);
	int64_t id = submit(h, 2, 0);
	probe_gpus(h, "0", GPU_A);
	free(schedule(h));
	assert_int_equal(state(h, id), JOB_PENDING);
	assert_string_equal(ctl_pending_reason(&h->c, ctl_find(&h->c, id)), "ReqNodeNotAvail");
	char *a = herdd_audit(h);
	assert_string_equal(a, "drain gpu1: GPU lost: nvidia-smi shows 1 of the 2 GPUs it "
	    "showed before;");
	free(a);
	h_free(h);
}

/* An admin's drain and herd's on one node: after a restart a healthy
 * probe lifts herd's only; the admin's stays until herd resume. */
static void restart_keeps_admin_drain_apart(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	const char *reason;
	char err[HERD_ERRLEN];
	const char *names[] = { "gpu1" };
	struct buf rep;
	buf_init(&rep, 1 << 16);
	node_up_gpus(h, GPU_A GPU_B);
	assert_int_equal(ctl_drain(&h->c, 0, 1, names, 1, "maintenance", &rep, err, sizeof err), 0);
	probe_gpus(h, "9", "Unable to determine the device handle for GPU 0000:02:00.0: GPU is lost.\n");
	restart(h, 60);
	node_up_gpus(h, GPU_A GPU_B);
	assert_string_equal(view(h, &reason), "DRAINED");
	assert_non_null(strstr(reason, "maintenance ["));
	assert_string_equal(h->c.nodes[0].sick, "");
	restart(h, 60);
	assert_int_equal(ctl_drain(&h->c, 0, 0, names, 1, NULL, &rep, err, sizeof err), 0);
	node_up_gpus(h, GPU_A GPU_B);
	assert_string_equal(view(h, NULL), "IDLE");
	buf_clear(&rep);
	h_free(h);
}

/*
 * A node unreachable before the restart keeps its since: it is DOWN from
 * its last contact, and its jobs are given up node_fail_after from then,
 * not from the restart; an outage restored at start waits for the node's
 * first answer (or failure) before it gives up jobs.
 */
static void restart_keeps_outage_clock(void **state_)
{
	(void)state_;
	struct h *h = h_new_with("down_after = 120\nnode_fail_after = 600\n");
	char key[JOB_KEY_MAX];
	const char *reason;
	node_up(h, "boot-1", "S - done");
	int64_t id = running_job(h, 1, 0, key, sizeof key);
	int64_t lost = h->clk.wall_s;
	feed(h, RES_SHELL_DOWN, "connection refused");
	advance(h, 200);
	assert_int_equal(h->c.nodes[0].state, NODE_DOWN);
	restart(h, 300);	/* 500 s since the last contact */
	advance(h, 1);
	feed(h, RES_SHELL_DOWN, "connection refused");
	advance(h, 1);
	assert_string_equal(view(h, &reason), "DOWN");
	assert_int_equal(h->c.nodes[0].state_since, lost);
	assert_non_null(strstr(reason, "connection refused"));
	assert_int_equal(state(h, id), JOB_RUNNING);
	advance(h, 98);	/* 600 s */
	assert_int_equal(state(h, id), JOB_PENDING);
	assert_int_equal(ctl_find(&h->c, id)->attempt, 2);

	h_free(h);

	/* Restored past node_fail_after, not yet tried: its jobs wait for the try. */

	h = h_new_with("down_after = 120\nnode_fail_after = 600\n");
	node_up(h, "boot-1", "S - done");
	id = running_job(h, 1, 0, key, sizeof key);
	feed(h, RES_SHELL_DOWN, "connection refused");
	advance(h, 590);
	restart(h, 60);
	advance(h, 1);
	assert_int_equal(state(h, id), JOB_RUNNING);	/* it may be answering right now */
	feed(h, RES_SHELL_UP, NULL);	/* it was: adopted, nothing given up */
	feedf(h, RES_LINES, "R %s running 4242", key);
	advance(h, 60);
	assert_int_equal(state(h, id), JOB_RUNNING);
	assert_int_equal(h->c.nodes[0].lost_ms, 0);
	restart(h, 10);
	assert_int_equal(h->c.nodes[0].lost_ms, 0);	/* its return is kept too */
	h_free(h);
}

/*
 * The keys of attempts given up while the node was away survive a
 * restart: when the node answers, what may still run of them is killed
 * (the requeued job must never run twice), and they are forgotten once
 * the node has answered the kill.
 */
static void restart_keeps_orphans(void **state_)
{
	(void)state_;
	struct h *h = h_new_with("down_after = 10\nnode_fail_after = 60\n");
	char ka[JOB_KEY_MAX], want[256];
	node_up(h, "boot-1", "S - done");
	int64_t a = running_job(h, 1, 0, ka, sizeof ka);
	feed(h, RES_SHELL_DOWN, "timed out");
	advance(h, 60);
	assert_int_equal(state(h, a), JOB_PENDING);	/* requeued: attempt 2 */
	restart(h, 30);
	feed(h, RES_SHELL_UP, NULL);
	char *s = sent(h, NULL);
	snprintf(want, sizeof want, "__herd_d=\"$HOME\"/'.herd'/'jobs'/'%s'\n", ka);
	assert_non_null(strstr(s, want));
	assert_non_null(strstr(s, "kill -s 'KILL'"));
	free(s);
	restart(h, 5);	/* the answer never came: killed again on the next return */
	feed(h, RES_SHELL_UP, NULL);
	s = sent(h, NULL);
	assert_non_null(strstr(s, want));
	free(s);
	feedf(h, RES_LINES, "K %s killed", ka);
	assert_int_equal(h->c.nodes[0].norphans, 0);
	restart(h, 5);
	assert_int_equal(h->c.nodes[0].norphans, 0);
	feed(h, RES_SHELL_UP, NULL);
	s = sent(h, NULL);
	assert_null(strstr(s, want));
	free(s);
	h_free(h);
}

static int count_row(void *arg, const char *key, uint32_t uid, const char *user)
{
	(void)key, (void)uid, (void)user;
	++*(int *)arg;
	return 0;
}

/*
 * A kept attempt is read back like a node's answer (job_key_parse): a row
 * that is not a key of this cluster (another prefix, a path, a shell word)
 * is never killed, and its row is deleted; a key of ours is kept.
 */
static void restart_drops_foreign_orphans(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char ka[JOB_KEY_MAX], other[JOB_KEY_MAX + 8];
	node_up(h, "boot-1", "S - done");
	key_of(h, 7, 1, ka, sizeof ka);
	snprintf(other, sizeof other, "x%s", ka);
	const char *bad[] = { other, "../../etc", "a'; rm -rf ~; '", "", "7.1" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(db_orphan_put(h->db, "gpu1", bad[i], 0, NULL), 0);
	assert_int_equal(db_orphan_put(h->db, "gpu1", ka, 0, NULL), 0);
	restart(h, 5);
	assert_int_equal(h->c.nodes[0].norphans, 1);
	assert_string_equal(job_key_str(&h->c.nodes[0].orphans[0].key), ka);
	int rows = 0;
	assert_int_equal(db_orphans(h->db, "gpu1", count_row, &rows), 0);
	assert_int_equal(rows, 1);
	feed(h, RES_SHELL_UP, NULL);
	char *s = sent(h, NULL);
	assert_null(strstr(s, "etc"));
	assert_null(strstr(s, "rm -rf"));
	assert_non_null(strstr(s, ka));
	free(s);
	h_free(h);
}

static void probe_gpus(struct h *h, const char *gpus_rc, const char *gpus)
{
	feedf(h, RES_PROBE, "hostname gpu1\ncpus 16\nmem_kb 67108864\nboot_id boot-1\ncgroup v2\n"
	    "disk_free_kb 104857600\ngpu_rc %s\ngpus\n%sapps\nend\n", gpus_rc, gpus);
}

/*
 * A lost GPU or a failing nvidia-smi drains the node (herd's own drain,
 * the message quoted); a healthy probe resumes it.  An admin's drain is
 * not lifted by a healthy probe.  Low disk drains too.
 */
static void health_drains_and_resumes(void **state_)
{
	(void)state_;
	struct h *h = h_new_with("min_free_disk = 200G\n");
	const char *reason;
	char err[HERD_ERRLEN];
	node_up(h, "boot-1", "S - done");
	assert_string_equal(view(h, NULL), "IDLE");	/* free disk unknown */
	probe_gpus(h, "0", "0, GPU-a, NVIDIA H100, 81559, 4, 0, 00000000:0F:00.0, 35\n1, GPU-b, NVIDIA H100, 81559, 4, 0, 00000000:0F:00.0, 35\n");
	assert_string_equal(view(h, &reason), "DRAINED");	/* 100 GB free, 200 wanted */
	assert_non_null(strstr(reason, "low disk: 102400 MB free"));
	h_free(h);

	h = h_new();
	node_up(h, "boot-1", "S - done");
	assert_string_equal(view(h, NULL), "IDLE");
	probe_gpus(h, "0", "0, GPU-a, NVIDIA H100, 81559, 4, 0, 00000000:0F:00.0, 35\n");
	assert_string_equal(view(h, &reason), "DRAINED");
	assert_string_equal(reason, "GPU lost: nvidia-smi shows 1 of the 2 GPUs it showed before");
	int64_t id = submit(h, 1, 0);
	free(schedule(h));
	assert_int_equal(state(h, id), JOB_PENDING);
	probe_gpus(h, "9", "Unable to determine the device handle for GPU 0000:02:00.0: GPU is lost.\n");
	assert_string_equal(view(h, &reason), "DRAINED");
	assert_string_equal(reason, "nvidia-smi failed: \"Unable to determine the device handle "
	    "for GPU 0000:02:00.0: GPU is lost.\"");
	probe(h, "boot-1");
	assert_string_equal(view(h, NULL), "IDLE");
	free(schedule(h));
	assert_int_equal(state(h, id), JOB_LAUNCHING);

	/* An admin's drain stays through a healthy probe. */
	const char *names[] = { "gpu1" };
	struct buf rep;
	buf_init(&rep, 1 << 16);
	assert_int_equal(ctl_drain(&h->c, 0, 1, names, 1, "maintenance", &rep, err, sizeof err), 0);
	probe(h, "boot-1");
	assert_string_equal(view(h, &reason), "DRAINING");
	assert_non_null(strstr(reason, "maintenance ["));
	/* A resume takes a node that lost a GPU as it is now. */
	probe_gpus(h, "0", "0, GPU-a, NVIDIA H100, 81559, 4, 0, 00000000:0F:00.0, 35\n");
	assert_int_equal(ctl_drain(&h->c, 0, 0, names, 1, NULL, &rep, err, sizeof err), 0);
	assert_string_equal(view(h, NULL), "ALLOCATED");	/* its one GPU held */
	buf_clear(&rep);
	h_free(h);
}

/*
 * Housekeeping: the node lists ended keys; only those whose end the
 * database holds since keep_job_files are removed; a rotation of the
 * events file reconciles the node's jobs.
 */
static void housekeeping_removes_old_files(void **state_)
{
	(void)state_;
	struct h *h = h_new_with("keep_job_files = 100s\n");
	char ka[JOB_KEY_MAX], kb[JOB_KEY_MAX], want[640];
	node_up(h, "boot-1", "S - done");
	int64_t a = running_job(h, 1, 0, ka, sizeof ka);
	(void)running_job(h, 1, 0, kb, sizeof kb);
	feedf(h, RES_EVENT, "end %s 0", ka);
	assert_int_equal(stored_state(h, a), JOB_COMPLETED);
	drop_sent(h);
	advance(h, 30);
	char *s = sent(h, NULL);
	assert_non_null(strstr(s, "echo 'C - done'"));	/* the list was asked for */
	free(s);
	/* Too young, still running, unknown, not ours: nothing removed. */
	feedf(h, RES_LINES, "C %s ended\nC %s ended\nC t.x-999.1 ended\nC other-1.1 ended\n"
	    "C - done", ka, kb);
	s = sent(h, NULL);
	assert_null(strstr(s, "rm -f"));
	free(s);
	advance(h, 70);
	drop_sent(h);
	feedf(h, RES_LINES, "C %s ended\nC %s ended\nC - done", ka, kb);
	s = sent(h, NULL);
	snprintf(want, sizeof want, "rm -f -- \"$__herd_d\"/'%s.script' \"$__herd_d\"/'%s.state'",
	    ka, ka);
	assert_non_null(strstr(s, want));
	assert_null(strstr(s, kb));
	free(s);
	feed(h, RES_LINES, "C - rotated\nC - done");
	s = sent(h, NULL);
	snprintf(want, sizeof want, "__herd_k='%s'\n", kb);
	assert_non_null(strstr(s, want));	/* reconciled after the rotation */
	free(s);
	h_free(h);
}

/* ---- review of issue 14 ---- */

/*
 * gpu1 with GPU-m in MIG mode (two 3g.40gb devices) and GPU-w whole, in
 * that order or the other; apps and procs lines as given.  nvidia-smi
 * --query-compute-apps names a MIG device's process by its parent GPU's
 * UUID (the real capture computeapps_gpuexp_h100-mig_590.48.01_load.csv).
 */
static void probe_mig(struct h *h, int whole_first, const char *apps, const char *procs)
{
	const char *m = "0, GPU-m, NVIDIA H100 80GB HBM3, 81559, 7484, 0, 00000000:0F:00.0, 35\n";
	const char *w = "1, GPU-w, NVIDIA H100 80GB HBM3, 81559, 4, 0, 00000000:1F:00.0, 35\n";
	const char *lm = "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-m)\n"
	    "  MIG 3g.40gb     Device  0: (UUID: MIG-m0)\n"
	    "  MIG 3g.40gb     Device  1: (UUID: MIG-m1)\n";
	const char *lw = "GPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-w)\n";
	feedf(h, RES_PROBE, "hostname gpu1\ncpus 16\nmem_kb 67108864\nboot_id boot-1\n"
	    "cgroup v2\ngpu_rc 0\ngpus\n%s%sapps\n%slist\n%s%sprocs\n%send\n",
	    whole_first ? w : m, whole_first ? m : w, apps, whole_first ? lw : lm,
	    whole_first ? lm : lw, procs);
}

/*
 * Bob runs a process on a MIG device of GPU-m (nvidia-smi lists it under
 * GPU-m's UUID, using 7484 MiB).  The MIG devices replaced GPU-m in the
 * probe's list, so foreign.c finds no GPU with that UUID and drops the
 * process ("not a GPU of this list"); the devices' memory is unknown, so
 * the threshold never applies either.  A 3g.40gb job is then handed a MIG
 * device of the GPU bob is using: the one thing foreign use is for.
 */
static void review_mig_foreign_use_seen(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	node_up(h, "boot-1", "S - done");
	probe_mig(h, 0, "GPU-m, 777, python3, 7480\n", "777 1001 bob 777 777 - -\n");
	struct node *n = &h->c.nodes[0];
	assert_int_equal(n->probe.ngpus, 3);	/* MIG-m0, MIG-m1, GPU-w */
	int64_t id = submit_place(h, "3g.40gb", 0, NULL);
	free(schedule(h));
	/* Bob's process is on GPU-m: its MIG devices are not free. */
	assert_int_not_equal(n->foreign.busy & 3, 0);
	assert_int_equal(state(h, id), JOB_PENDING);
	assert_string_equal(ctl_pending_reason(&h->c, ctl_find(&h->c, id)),
	    "GpusInUseOutsideHerd");
	h_free(h);
}

/*
 * A job asking for 2 GPUs of no type on a node with a whole GPU and a GPU
 * in MIG mode may get one of each.  CUDA_VISIBLE_DEVICES is then by UUID
 * (gpu_mask_visible), but the launch's GPU check looks only at the first
 * word ("MIG-" or not): a whole GPU listed first makes the UUID list read
 * as indices, the check refuses its own program, and the job FAILS with
 * "the launch program could not be built" instead of running.
 */
static void review_mixed_mig_whole_launch(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	node_up(h, "boot-1", "S - done");
	probe_mig(h, 1, "", "");
	struct node *n = &h->c.nodes[0];
	assert_int_equal(n->probe.ngpus, 3);	/* GPU-w, MIG-m0, MIG-m1 */
	int64_t id = submit(h, 2, 0);
	char *s = schedule(h);
	assert_int_equal(state(h, id), JOB_LAUNCHING);
	assert_non_null(strstr(s, "CUDA_VISIBLE_DEVICES"));
	free(s);
	h_free(h);
}

/* ---- a second backend: the controller needs nothing but backend.h ---- */

/*
 * "mem": a backend that runs nothing.  Its requests are written to a log
 * the test reads; its answers are its own words ("launched KEY PID",
 * "begin KEY PID", "finish KEY RC", "cpus=N gpus=N"), not the sh backend's,
 * and no launch.c or probe.c parser reads them.  A controller that built
 * node programs or parsed node output itself would fail here.
 */
struct mem_be {
	struct buf log;		/* one line per request */
};

static int mem_log(struct node *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int mem_log(struct node *n, const char *fmt, ...)
{
	struct mem_be *m = n->be_state;
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	return buf_printf(&m->log, "%s\n", line);
}

static int mem_prelude(struct node *n, struct buf *out)
{
	(void)n;
	return buf_addstr(out, "ready\n");
}

static int mem_probe(struct node *n, char *err, size_t errsz)
{
	(void)err, (void)errsz;
	return mem_log(n, "probe");
}

static int mem_scan(struct node *n, const char *prefix, int64_t min_id, char *err, size_t errsz)
{
	(void)err, (void)errsz;
	return mem_log(n, "scan %s from %" PRId64, prefix, min_id);
}

static int mem_launch(struct node *n, const struct launch_spec *s, char *err, size_t errsz)
{
	(void)err, (void)errsz;
	return mem_log(n, "launch %s gpus=%s cpus=%d", job_key_str(s->key), s->gpus, s->cpus);
}

static int mem_kill(struct node *n, const struct job_key *k, const char *sig, char *err,
    size_t errsz)
{
	(void)err, (void)errsz;
	return mem_log(n, "kill %s %s", job_key_str(k), sig);
}

static int mem_signal(struct node *n, const struct job_key *k, const char *sig, int batch_only,
    char *err, size_t errsz)
{
	(void)err, (void)errsz;
	return mem_log(n, "signal %s %s %d", job_key_str(k), sig, batch_only);
}

static int mem_reconcile(struct node *n, const struct job_key *keys, size_t nkeys, char *err,
    size_t errsz)
{
	(void)err, (void)errsz;
	for (size_t i = 0; i < nkeys; i++)
		mem_log(n, "reconcile %s", job_key_str(&keys[i]));
	return 0;
}

static int mem_tail(struct node *n, uint64_t reqid, const char *path, int64_t offset,
    int64_t bytes, char *err, size_t errsz)
{
	(void)err, (void)errsz;
	if (offset >= 0)
		return mem_log(n, "tail %" PRIu64 " %s %" PRId64 " from %" PRId64, reqid, path,
		    bytes, offset);
	return mem_log(n, "tail %" PRIu64 " %s %" PRId64, reqid, path, bytes);
}

static int mem_hk_list(struct node *n, const char *prefix, char *err, size_t errsz)
{
	(void)err, (void)errsz;
	return mem_log(n, "housekeep %s", prefix);
}

static int mem_hk_remove(struct node *n, const struct job_key *keys, size_t nkeys, char *err,
    size_t errsz)
{
	(void)err, (void)errsz;
	return mem_log(n, "remove %zu first %s", nkeys, nkeys > 0 ? job_key_str(&keys[0]) : "-");
}

/* Its words into the answers backend.h defines. */
static int mem_parse_answer(struct node *n, char *line, struct be_reply *r)
{
	char *save = NULL, *w = strtok_r(line, " ", &save);
	(void)n;
	memset(r, 0, sizeof *r);
	r->num = r->num2 = -1;
	r->rest = "";
	if (w != NULL && strcmp(w, "scan-done") == 0) {
		r->kind = BE_SCAN, r->key = "-", r->word = "done";
		return 0;
	}
	if (w == NULL || strcmp(w, "launched") != 0)
		return -1;
	r->kind = BE_LAUNCH, r->word = "launched";
	r->key = strtok_r(NULL, " ", &save);
	const char *pid = strtok_r(NULL, " ", &save);
	r->num = pid != NULL ? atoll(pid) : -1;
	return r->key != NULL ? 0 : -1;
}

static int mem_parse_event(struct node *n, char *line, struct be_reply *r)
{
	char *save = NULL, *w = strtok_r(line, " ", &save);
	(void)n;
	memset(r, 0, sizeof *r);
	r->kind = BE_EVENT;
	r->num2 = -1;
	r->rest = "";
	if (w == NULL || (strcmp(w, "begin") != 0 && strcmp(w, "finish") != 0))
		return -1;
	r->word = strcmp(w, "begin") == 0 ? "start" : "end";
	r->key = strtok_r(NULL, " ", &save);
	const char *num = strtok_r(NULL, " ", &save);
	if (r->key == NULL || num == NULL)
		return -1;
	r->num = atoll(num);
	return 0;
}

static int mem_parse_probe(struct node *n, const char *text, size_t len, struct probe_result *pr,
    char *err, size_t errsz)
{
	int cpus = 0, gpus = 0;
	(void)n, (void)len;
	if (sscanf(text, "cpus=%d gpus=%d", &cpus, &gpus) != 2 || gpus < 0 || gpus > 8) {
		snprintf(err, errsz, "not a mem probe");
		return -1;
	}
	snprintf(pr->hostname, sizeof pr->hostname, "mem");
	snprintf(pr->boot_id, sizeof pr->boot_id, "mem-boot");
	snprintf(pr->cgroup, sizeof pr->cgroup, "none");
	pr->cpus = cpus;
	pr->mem_mb = 65536;
	pr->gpu_state = GPUS_OK;
	pr->gpus = xcalloc((size_t)gpus + 1, sizeof *pr->gpus);
	for (int i = 0; i < gpus; i++) {
		struct gpu_info *g = &pr->gpus[i];
		g->index = i;
		snprintf(g->uuid, sizeof g->uuid, "GPU-mem-%d", i);
		snprintf(g->name, sizeof g->name, "NVIDIA H100");
		g->mem_total_mb = 81559;
		g->mem_used_mb = 0;
		g->util = g->temp_c = -1;
		g->mig_index = -1;
	}
	pr->ngpus = (size_t)gpus;
	return 0;
}

static const struct backend_ops mem_backend = {
	.name = "mem",
	.prelude = mem_prelude, .events = mem_prelude,
	.probe = mem_probe, .scan = mem_scan, .launch = mem_launch, .kill = mem_kill,
	.signal = mem_signal, .reconcile = mem_reconcile, .tail = mem_tail,
	.housekeep_list = mem_hk_list, .housekeep_remove = mem_hk_remove,
	.parse_answer = mem_parse_answer, .parse_event = mem_parse_event,
	.parse_probe = mem_parse_probe,
};

/* What the backend was asked since the last look (caller frees). */
static char *mem_asked(struct mem_be *m)
{
	size_t len;
	char *s = buf_detach(&m->log, &len);
	buf_init(&m->log, 1 << 20);
	return s != NULL ? s : xstrdup("");
}

/*
 * A job's whole way through the "mem" backend: node up, probe, scan,
 * launch, start, cancel, kill, end, a restart's reconcile; the job's states
 * and the node's resources as with sh, and nothing queued in sh's form.
 */
static void second_backend(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	struct node *n = &h->c.nodes[0];
	struct mem_be m;
	char key[JOB_KEY_MAX], want[256], err[HERD_ERRLEN];
	buf_init(&m.log, 1 << 20);
	n->be = &mem_backend;
	n->be_state = &m;

	feed(h, RES_SHELL_UP, NULL);
	char *s = mem_asked(&m);
	snprintf(want, sizeof want, "probe\nscan %s from 1\n", h->c.key_prefix);
	assert_string_equal(s, want);
	free(s);
	feed(h, RES_PROBE, "cpus=8 gpus=2");
	assert_int_equal(n->have_probe, 1);
	assert_int_equal(n->probe.ngpus, 2);
	assert_int_equal(n->state, NODE_UP);
	feed(h, RES_LINES, "scan-done");
	assert_int_equal(n->scanned, 1);

	int64_t id = submit(h, 1, 0);
	ctl_schedule(&h->c);
	key_of(h, id, 1, key, sizeof key);
	s = mem_asked(&m);
	snprintf(want, sizeof want, "launch %s gpus=", key);
	assert_non_null(strstr(s, want));
	free(s);
	assert_int_equal(state(h, id), JOB_LAUNCHING);
	assert_int_equal(__builtin_popcountll(n->gpu_used), 1);
	feedf(h, RES_LINES, "launched %s 77", key);
	assert_int_equal(state(h, id), JOB_LAUNCHING);
	feedf(h, RES_EVENT, "begin %s 77", key);
	assert_int_equal(state(h, id), JOB_RUNNING);
	assert_int_equal(ctl_find(&h->c, id)->pid, 77);

	/* The shell comes back: the running job is reconciled through it. */
	feed(h, RES_SHELL_DOWN, "gone");
	feed(h, RES_SHELL_UP, NULL);
	s = mem_asked(&m);
	snprintf(want, sizeof want, "reconcile %s\n", key);
	assert_non_null(strstr(s, want));
	free(s);

	assert_int_equal(ctl_cancel(&h->c, id, UID, err, sizeof err), 0);
	s = mem_asked(&m);
	snprintf(want, sizeof want, "kill %s TERM\n", key);
	assert_non_null(strstr(s, want));
	free(s);
	assert_int_equal(stored_state(h, id), JOB_CANCELLED);
	assert_int_equal(__builtin_popcountll(n->gpu_used), 1);	/* until it is gone */
	feedf(h, RES_EVENT, "finish %s 143", key);
	assert_int_equal(n->gpu_used, 0);
	assert_int_equal(n->cpus_used, 0);
	assert_int_equal(h->ended, 1);
	/* A line in sh's words means nothing to this backend. */
	feedf(h, RES_EVENT, "start %s 4242", key);
	assert_int_equal(stored_state(h, id), JOB_CANCELLED);

	/* Nothing went the sh way: no program was queued for the node. */
	struct node_req *q = node_requests_take(n);
	assert_null(q);
	buf_clear(&m.log);
	n->be = &backend_sh;
	n->be_state = NULL;
	h_free(h);
}

/*
 * herd's own drain of a node that lost a GPU is lost with a restart of
 * herdd: "fewer GPUs than before" compares with n->gpus_max, which lives
 * in memory only, so the restarted herdd's first probe makes the short
 * list the new normal.  The node that was DRAINED ("GPU lost") is IDLE
 * again and takes jobs on what is left of its GPUs, though nobody looked
 * at it (only `herd resume` should accept the loss), and although the
 * database still says a running job holds the GPU that is gone.
 */
static void review_gpu_lost_drain_survives_restart(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	const char *reason;
	char kb[JOB_KEY_MAX];
	node_up(h, "boot-1", "S - done");
	int64_t a = running_job(h, 1, 0, kb, sizeof kb);	/* GPU-a */
	(void)a;
	probe_gpus(h, "0", "0, GPU-b, NVIDIA H100, 81559, 4, 0, 00000000:1F:00.0, 35\n");
	assert_string_equal(view(h, &reason), "DRAINING");	/* GPU-a fell off the bus */
	assert_non_null(strstr(reason, "GPU lost"));

	drop_sent(h);
	assert_int_equal(ctl_clear(&h->c), 0);
	h_init_ctl(h);
	feed(h, RES_SHELL_UP, NULL);
	drop_sent(h);
	probe_gpus(h, "0", "0, GPU-b, NVIDIA H100, 81559, 4, 0, 00000000:1F:00.0, 35\n");
	feed(h, RES_LINES, "S - done");
	assert_string_equal(view(h, &reason), "DRAINING");
	assert_non_null(strstr(reason, "GPU lost"));
	int64_t b = submit(h, 1, 0);
	free(schedule(h));
	assert_int_equal(state(h, b), JOB_PENDING);
	h_free(h);
}

/*
 * The attempts given up past node_fail_after are killed when their node
 * answers again (n->orphans), but that list lives in memory only: herdd
 * restarted during the outage forgets it.  The returning node's start-up
 * scan names the old attempt's key, still running, and nothing kills it,
 * while the requeued attempt 2 starts: two live copies of one job, the
 * promise requeue after node_fail_after exists to keep.
 */
static void review_orphans_survive_restart(void **state_)
{
	(void)state_;
	struct h *h = h_new_with("down_after = 10\nnode_fail_after = 60\n");
	char ka[JOB_KEY_MAX], want[256];
	node_up(h, "boot-1", "S - done");
	int64_t a = running_job(h, 1, 0, ka, sizeof ka);
	drop_sent(h);
	feed(h, RES_SHELL_DOWN, "timed out");
	advance(h, 60);
	assert_int_equal(state(h, a), JOB_PENDING);	/* given up, requeued: attempt 2 */
	assert_int_equal(ctl_find(&h->c, a)->attempt, 2);

	/* herdd restarts while the node is still away; then the node is back,
	 * attempt 1 still running there. */
	drop_sent(h);
	assert_int_equal(ctl_clear(&h->c), 0);
	h_init_ctl(h);
	feed(h, RES_SHELL_UP, NULL);
	char *s0 = sent(h, NULL);	/* a kill may go at once or after the scan */
	probe(h, "boot-1");
	feedf(h, RES_LINES, "S %s gpus 0 GPU-a\nS - done", ka);
	free(schedule(h));
	char *s = sent(h, NULL);
	snprintf(want, sizeof want, "__herd_d=\"$HOME\"/'.herd'/'jobs'/'%s'\n", ka);
	int killed = (strstr(s0, want) != NULL && strstr(s0, "kill -s 'KILL'") != NULL) ||
	    (strstr(s, want) != NULL && strstr(s, "kill -s 'KILL'") != NULL);
	free(s0);
	free(s);
	assert_true(killed);	/* what is left of attempt 1 is killed */
	h_free(h);
}

/* ---- being told (ctl_notify.c) ---- */

static int cmp_line(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Start what the controller queued for notify_command and reap it; the
 * lines its runs appended, sorted, then emptied. */
static char *told(struct h *h)
{
	char path[128];
	ctl_notify_pump(&h->c);
	for (int i = 0; i < 1000; i++) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);
		if (pid > 0)
			(void)ctl_notify_reaped(&h->c, pid, st);
		else if (pid < 0)
			break;	/* none left */
		else
			usleep(5000);
	}
	snprintf(path, sizeof path, "%s/told", h->dir);
	FILE *f = fopen(path, "r");
	char *s = xcalloc(1, 4096), lines[16][128];
	size_t n = 0;
	while (f != NULL && n < 16 && fgets(lines[n], sizeof lines[n], f) != NULL)
		n++;
	if (f != NULL) {
		fclose(f);
		unlink(path);
	}
	/* Runs of one turn go at once: their lines in any order. */
	qsort(lines, n, sizeof lines[0], cmp_line);
	for (size_t i = 0, off = 0; i < n; i++)
		off += strlcpy_h(s + off, lines[i], 4096 - off);	/* 16 x 128 < 4096 */
	return s;
}

static void expect_told(struct h *h, const char *want)
{
	char *s = told(h);
	if (strcmp(s, want) != 0)
		fail_msg("told \"%s\", want \"%s\"", s, want);
	free(s);
}

/* A notify_command that appends "ID EVENT STATE" to DIR/told (told() reads it). */
static void notify_script(struct h *h)
{
	char path[128];
	snprintf(path, sizeof path, "%s/notify.sh", h->dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\necho \"$HERD_JOB_ID $HERD_EVENT $HERD_JOB_STATE\" >>%s/told\n",
	    h->dir);
	fclose(f);
	assert_int_equal(chmod(path, 0700), 0);
	h->cfg.notify_command = xstrdup(path);
}

/*
 * --mail-type=ALL,TIME_LIMIT,TIME_LIMIT_80,TIME_LIMIT_90 on a job of 100 s that runs
 * into its limit: BEGIN at its start, the 80% and 90% marks once each as
 * the clock passes them (not at the ticks between), TIME_LIMIT when its
 * limit ends it, END and FAIL when it is over; each with the job's state
 * at the event, started only after the turn's commit.  A submit without a
 * notify_command is kept with a warning (no one will be told).
 */
static void notify_events(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char key[JOB_KEY_MAX], err[HERD_ERRLEN], canon[MAILTYPE_TEXT_MAX], warn[256];
	assert_int_equal(ctl_notify_submit(&h->c, "END", NULL, 0, canon, sizeof canon, warn,
	    sizeof warn, err, sizeof err), 0);
	assert_non_null(strstr(warn, "names no notify_command"));
	assert_string_equal(canon, "END");
	notify_script(h);
	assert_int_equal(ctl_notify_submit(&h->c, "all,time_limit_90,TIME_LIMIT_80", "bob", 0,
	    canon, sizeof canon, warn, sizeof warn, err, sizeof err), 0);
	assert_string_equal(canon, "ALL,TIME_LIMIT_80,TIME_LIMIT_90");
	assert_string_equal(warn, "");
	assert_int_equal(ctl_notify_submit(&h->c, "END", NULL, 1, canon, sizeof canon, warn,
	    sizeof warn, err, sizeof err), 0);	/* an array without ARRAY_TASKS: kept, told nothing */
	assert_non_null(strstr(warn, "add ARRAY_TASKS"));
	assert_int_equal(ctl_notify_submit(&h->c, "END", "-x", 0, canon, sizeof canon, warn,
	    sizeof warn, err, sizeof err), -1);

	node_up(h, "boot-1", "S - done");
	struct submit_req r = { 0 };
	int64_t id;
	job_row_init(&r.job);
	r.job.user = "alice";
	r.job.name = "train";
	r.job.workdir = "/home/alice";
	r.job.cpus = 1;
	r.job.time_limit_s = 100;
	r.job.mail_type = "ALL,TIME_LIMIT,TIME_LIMIT_80,TIME_LIMIT_90";
	r.data = (struct job_data){ .script = "#!/bin/sh\ntrue\n", .script_len = 15, .ntasks = 1 };
	assert_int_equal(ctl_submit(&h->c, &r, UID, &id, err, sizeof err), 0);
	free(schedule(h));
	expect_told(h, "");
	key_of(h, id, 1, key, sizeof key);
	feedf(h, RES_EVENT, "start %s 4242", key);
	char want[256];
	snprintf(want, sizeof want, "%" PRId64 " BEGIN RUNNING\n", id);
	expect_told(h, want);

	int64_t t0 = h->clk.wall_s;
	static const struct { int at; const char *ev, *st; } steps[] = {
		{ 50, NULL, NULL }, { 79, NULL, NULL }, { 80, "TIME_LIMIT_80", "RUNNING" },
		{ 85, NULL, NULL }, { 91, "TIME_LIMIT_90", "RUNNING" }, { 95, NULL, NULL },
		{ 100, "TIME_LIMIT", "TIMEOUT" },
	};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		h->clk.mono_ms += (t0 + steps[i].at - h->clk.wall_s) * 1000;
		h->clk.wall_s = t0 + steps[i].at;
		ctl_tick(&h->c);
		if (steps[i].ev != NULL)
			snprintf(want, sizeof want, "%" PRId64 " %s %s\n", id, steps[i].ev,
			    steps[i].st);
		else
			want[0] = '\0';
		expect_told(h, want);
	}
	drop_sent(h);
	feedf(h, RES_EVENT, "end %s 143", key);
	snprintf(want, sizeof want, "%" PRId64 " END TIMEOUT\n%" PRId64 " FAIL TIMEOUT\n", id, id);
	expect_told(h, want);
	h_free(h);
}

/*
 * herd top's events (rpc_watch.c): ctl->changes moves for a submit, a job's
 * state change, a node's state change and GPU readings that moved, and not
 * for a probe that says the same again.
 */
static void watch_changes(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	uint64_t c0 = h->c.changes;
	node_up(h, "boot-1", "S - done");
	assert_true(h->c.changes > c0);		/* the node came up */
	uint64_t c1 = h->c.changes;
	probe(h, "boot-1");
	assert_int_equal(h->c.changes, c1);	/* the same readings: nothing to tell */
	feedf(h, RES_PROBE, "hostname gpu1\ncpus 16\nmem_kb 67108864\nboot_id boot-1\ncgroup v2\n"
	    "gpu_rc 0\ngpus\n0, GPU-a, NVIDIA H100, 81559, 4000, 57, 00000000:0F:00.0, 35\n"
	    "1, GPU-b, NVIDIA H100, 81559, 4, 0, 00000000:1F:00.0, 35\napps\nend\n");
	assert_int_equal(h->c.changes, c1 + 1);	/* GPU 0's memory and load moved */
	int64_t id = submit(h, 1, 0);
	assert_int_equal(h->c.changes, c1 + 2);
	free(schedule(h));
	assert_int_equal(state(h, id), JOB_LAUNCHING);
	assert_int_equal(h->c.changes, c1 + 3);
	h_free(h);
}

/* ---- deadlines (ctl_deadline.c) ---- */

/* A small running job with a limit, --signal and --mail-type (NULL: none). */
static int64_t submit_timed(struct h *h, int64_t limit, const char *warn, const char *mail)
{
	struct submit_req r = { 0 };
	char err[HERD_ERRLEN] = "";
	int64_t id;
	job_row_init(&r.job);
	r.job.user = "alice";
	r.job.name = "train";
	r.job.workdir = "/home/alice";
	r.job.cpus = 1;
	r.job.mem_mb = 1;
	r.job.time_limit_s = limit;
	r.job.warn_signal = (char *)warn;
	r.job.mail_type = (char *)mail;
	r.data = (struct job_data){ .script = "#!/bin/sh\ntrue\n", .script_len = 15, .ntasks = 1 };
	if (ctl_submit(&h->c, &r, UID, &id, err, sizeof err) != 0)
		fail_msg("submit refused: %s", err);
	return id;
}

/* Both clocks at t0 + secs (ms: milliseconds past it), then a tick. */
static void tick_at(struct h *h, int64_t t0, int64_t secs, int64_t ms)
{
	h->clk.mono_ms += (t0 + secs - h->clk.wall_s) * 1000 + ms;
	h->clk.wall_s = t0 + secs;
	ctl_tick(&h->c);
}

/* Whether what the tick queued for the node names `what`. */
static int sent_has(struct h *h, const char *what)
{
	char *s = sent(h, NULL);
	int has = strstr(s, what) != NULL;
	free(s);
	return has;
}


/*
 * A tick visits only the jobs whose deadline came: 40 running jobs far from
 * their limits are never looked at, while a job's TIME_LIMIT_80 mark, its
 * --signal, its time limit and its kill escalation come at their second
 * (or millisecond) — moved by `herd update` of the running job (raised by
 * root, lowered by its owner) and kept across a restart of the controller.
 */
static void deadlines_visit_only_due(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char key[JOB_KEY_MAX], want[128], err[HERD_ERRLEN];
	int64_t idle[40];
	notify_script(h);
	node_up(h, "boot-1", "S - done");
	feedf(h, RES_PROBE, "hostname gpu1\ncpus 256\nmem_kb 67108864\nboot_id boot-1\ncgroup v2\n"
	    "gpu_rc 0\ngpus\n0, GPU-a, NVIDIA H100, 81559, 4, 0, 00000000:0F:00.0, 35\n"
	    "1, GPU-b, NVIDIA H100, 81559, 4, 0, 00000000:1F:00.0, 35\napps\nend\n");
	int64_t a = submit_timed(h, 100, "USR1@10", "TIME_LIMIT_80");
	int64_t b = submit_timed(h, 1000, NULL, NULL);
	for (size_t i = 0; i < 40; i++)
		idle[i] = submit_timed(h, 100000, "USR2@60", "TIME_LIMIT_50");
	free(schedule(h));
	for (int64_t id = a; id <= idle[39]; id++) {
		key_of(h, id, 1, key, sizeof key);
		feedf(h, RES_EVENT, "start %s 4242", key);
		assert_int_equal(state(h, id), JOB_RUNNING);
	}
	drop_sent(h);
	expect_told(h, "");
	int64_t t0 = h->clk.wall_s;
	assert_int_equal(ctl_deadlines_armed(&h->c), 42);

	tick_at(h, t0, 50, 0);
	uint64_t v0 = ctl_tick_visits(&h->c);
	assert_true(v0 <= 2);	/* nothing is due before 80 s */
	struct job_update up = { .set = UPD_TIME, .time_limit_s = 200 };
	assert_int_equal(ctl_update(&h->c, a, 0, &up, err, sizeof err), 0);	/* root raises */
	up.time_limit_s = 150;
	assert_int_equal(ctl_update(&h->c, b, UID, &up, err, sizeof err), 0);	/* its owner lowers */

	tick_at(h, t0, 80, 0);		/* the old 80% mark: moved to 160 */
	expect_told(h, "");
	tick_at(h, t0, 90, 0);		/* the old --signal time: moved to 190 */
	assert_false(sent_has(h, "'USR1'"));
	tick_at(h, t0, 100, 0);		/* the old limit: moved to 200 */
	assert_int_equal(state(h, a), JOB_RUNNING);
	assert_int_equal(ctl_tick_visits(&h->c), v0);	/* no one was due */
	tick_at(h, t0, 149, 999);
	assert_int_equal(state(h, b), JOB_RUNNING);
	tick_at(h, t0, 150, 0);		/* b's lowered limit */
	assert_int_equal(state(h, b), JOB_TIMEOUT);
	assert_true(sent_has(h, "kill -s 'TERM'"));
	key_of(h, b, 1, key, sizeof key);
	feedf(h, RES_EVENT, "end %s 143", key);	/* gone: no kill escalation */
	tick_at(h, t0, 159, 0);
	expect_told(h, "");
	tick_at(h, t0, 160, 0);		/* 80% of 200 s */
	snprintf(want, sizeof want, "%" PRId64 " TIME_LIMIT_80 RUNNING\n", a);
	expect_told(h, want);
	/* b's limit and a's mark, not 42 jobs at each of 8 ticks. */
	assert_true(ctl_tick_visits(&h->c) - v0 <= 4);

	restart(h, 10);			/* at 170 s */
	node_up(h, "boot-1", "S - done");
	drop_sent(h);
	tick_at(h, t0, 189, 0);
	assert_false(sent_has(h, "'USR1'"));
	expect_told(h, "");		/* 160 was told before the restart */
	tick_at(h, t0, 190, 0);		/* --signal=USR1@10 of 200 s */
	assert_true(sent_has(h, "'USR1'"));
	tick_at(h, t0, 199, 0);
	assert_int_equal(state(h, a), JOB_RUNNING);
	tick_at(h, t0, 200, 0);
	assert_int_equal(state(h, a), JOB_TIMEOUT);
	assert_true(sent_has(h, "kill -s 'TERM'"));
	tick_at(h, t0, 209, 999);	/* kill_grace = 10 */
	assert_false(sent_has(h, "kill -s 'KILL'"));
	tick_at(h, t0, 210, 0);
	assert_true(sent_has(h, "kill -s 'KILL'"));
	/* Since the restart: a's signal, limit and kill; none of the 40. */
	assert_true(ctl_tick_visits(&h->c) <= 10);
	for (size_t i = 0; i < 40; i++)
		assert_int_equal(state(h, idle[i]), JOB_RUNNING);
	h_free(h);
}

/*
 * The rule alone (ctl_job_due): the earliest of a job's deadlines on the
 * monotonic clock, wall times converted at the clocks' offset; none for a
 * pending job; "now" for a wall time already past or a launch to check.
 */
static void deadline_rule(void **state_)
{
	(void)state_;
	struct job j;
	memset(&j, 0, sizeof j);
	struct job_due_in in = { .now_ms = 5000, .wall = 1000, .looked_wall = 1000 };
	j.node = 0;
	j.state = JOB_PENDING;
	j.time_limit_s = 100;
	j.start_time = 990;
	assert_true(ctl_job_due(&j, &in) == CTL_DUE_NONE);
	j.state = JOB_RUNNING;
	j.attempt = 1;
	assert_int_equal(ctl_job_due(&j, &in), 5000 + 90 * 1000);	/* its limit at 1090 */
	j.warn_sig = 10;	/* SIGUSR1 */
	j.warn_time = 30;
	assert_int_equal(ctl_job_due(&j, &in), 5000 + 60 * 1000);	/* --signal at 1060 */
	j.warn_sent = 1;	/* this attempt had it */
	in.mail_mask = MAIL_TIME_LIMIT_50;
	assert_int_equal(ctl_job_due(&j, &in), 5000 + 40 * 1000);	/* 50% at 1040 */
	in.looked_wall = 1040;	/* told */
	assert_int_equal(ctl_job_due(&j, &in), 5000 + 90 * 1000);
	j.check_at_ms = 7000;	/* a node's answer asked for a look */
	assert_int_equal(ctl_job_due(&j, &in), 7000);
	j.kill_stage = 1;
	j.kill_at_ms = 6000;
	assert_int_equal(ctl_job_due(&j, &in), 6000);
	j.kill_stage = 0;
	j.check_at_ms = 0;
	in.wall = 2000;		/* past its limit: now */
	assert_int_equal(ctl_job_due(&j, &in), 5000);
	/* An interactive allocation under idle_timeout: looked at each second
	 * (its use shows only to a look); without one, as any job. */
	j.time_limit_s = 0;
	j.interactive = 1;
	assert_true(ctl_job_due(&j, &in) == CTL_DUE_NONE);
	in.idle_timeout_s = 1800;
	assert_int_equal(ctl_job_due(&j, &in), 6000);
	j.interactive = 0;
	assert_true(ctl_job_due(&j, &in) == CTL_DUE_NONE);
	j.state = JOB_LAUNCHING;	/* its launch check is set by a visit */
	in.wall = 1000;
	assert_int_equal(ctl_job_due(&j, &in), 5000);
	j.node = -1;
	assert_true(ctl_job_due(&j, &in) == CTL_DUE_NONE);
	j.state = JOB_RUNNING;
	j.time_limit_s = 0;	/* no limit, nothing asked: nothing to wait for */
	j.warn_sent = 0;
	assert_true(ctl_job_due(&j, &in) == CTL_DUE_NONE);
	/* A service in its restart backoff: due when its begin time comes; a
	 * batch job's --begin is the scheduler's own wake-up. */
	j.state = JOB_PENDING;
	j.begin_time = 1004;
	assert_true(ctl_job_due(&j, &in) == CTL_DUE_NONE);
	j.svc_name = "web";
	assert_int_equal(ctl_job_due(&j, &in), 5000 + 4 * 1000);
	j.begin_time = 1000;	/* over: nothing more to wait for */
	assert_true(ctl_job_due(&j, &in) == CTL_DUE_NONE);
}

/*
 * The wall clock set forward past a running job's limit while the
 * monotonic clock moved a second: the limit is due at once (as the scan of
 * every job found it), not an hour later on the monotonic clock.
 */
static void deadlines_follow_wall_jump(void **state_)
{
	(void)state_;
	struct h *h = h_new();
	char key[JOB_KEY_MAX];
	node_up(h, "boot-1", "S - done");
	int64_t a = running_job(h, 0, 3600, key, sizeof key);
	int64_t b = running_job(h, 0, 7200, key, sizeof key);
	h->clk.wall_s += 3600;
	h->clk.mono_ms += 1000;
	ctl_tick(&h->c);
	assert_int_equal(state(h, a), JOB_TIMEOUT);
	assert_int_equal(state(h, b), JOB_RUNNING);
	h_free(h);
}

/* ---- idle_timeout (ctl_idle.c) ---- */

static int64_t submit_inter(struct h *h, int interactive)
{
	struct submit_req r = { 0 };
	char err[HERD_ERRLEN] = "";
	int64_t id;
	job_row_init(&r.job);
	r.job.user = "alice";
	r.job.name = "interactive";
	r.job.workdir = "/home/alice";
	r.job.gpus = interactive;	/* the batch job holds none: the two GPUs are theirs */
	r.job.cpus = 2;
	r.job.interactive = interactive;
	r.data = (struct job_data){ .script = "#!/bin/sh\ntrue\n", .script_len = 15, .ntasks = 1 };
	if (ctl_submit(&h->c, &r, UID, &id, err, sizeof err) != 0)
		fail_msg("submit refused: %s", err);
	free(schedule(h));
	char key[JOB_KEY_MAX];
	key_of(h, id, 1, key, sizeof key);
	feedf(h, RES_EVENT, "start %s 4242", key);
	assert_int_equal(state(h, id), JOB_RUNNING);
	return id;
}

/* Its node confirms the end (after the TERM): its GPU is free again. */
static void idle_ended(struct h *h, int64_t id)
{
	char key[JOB_KEY_MAX];
	key_of(h, id, 1, key, sizeof key);
	feedf(h, RES_EVENT, "end %s 143", key);
	drop_sent(h);
}

/*
 * The pure rule: idle since the start at the first look; busy restarts
 * the clock; no timeout, never.
 */
static void idle_rule(void **state_)
{
	(void)state_;
	uint32_t since = 0;
	assert_false(idle_due(30, 1029, 1000, 0, &since));
	assert_int_equal(since, 1000);
	assert_true(idle_due(30, 1030, 1000, 0, &since));
	assert_false(idle_due(30, 1031, 1000, 1, &since));
	assert_int_equal(since, 1031);
	assert_false(idle_due(30, 1060, 1000, 0, &since));
	assert_true(idle_due(30, 1061, 1000, 0, &since));
	since = 0;
	assert_false(idle_due(0, 99999, 1000, 0, &since));
	assert_false(idle_due(30, 500, 1000, 0, &since));	/* a start ahead of the clock */
	assert_int_equal(since, 500);
	/* The warning's lead: a minute, or a tenth when less, 1 s at least. */
	assert_int_equal(idle_warn_lead(1800), 60);
	assert_int_equal(idle_warn_lead(600), 60);
	assert_int_equal(idle_warn_lead(300), 30);
	assert_int_equal(idle_warn_lead(30), 3);
	assert_int_equal(idle_warn_lead(3), 1);
}

/*
 * idle_timeout = 30s: an interactive job with nothing attached ends
 * TIMEOUT at 30 s, with the reason; a stream attached keeps it (and its
 * end restarts the clock), and so does a GPU process of its own; a batch
 * job is never idle-released.
 */
static void idle_timeout_releases(void **state_)
{
	(void)state_;
	struct h *h = h_new_with("[partition p]\nnodes = gpu1\ndefault = yes\nidle_timeout = 30s\n");
	node_up(h, "boot-1", "S - done");
	int64_t batch = submit_inter(h, 0);
	int64_t a = submit_inter(h, 1);
	advance(h, 29);
	assert_int_equal(state(h, a), JOB_RUNNING);
	advance(h, 1);
	assert_int_equal(state(h, a), JOB_TIMEOUT);
	assert_int_equal(stored_state(h, a), JOB_TIMEOUT);
	struct job *j = ctl_find(&h->c, a);
	assert_non_null(j->reason);
	assert_string_equal(j->reason, "idle: nothing typed or printed on a terminal and no GPU "
	    "process for 30s (idle_timeout)");
	assert_int_equal(state(h, batch), JOB_RUNNING);
	idle_ended(h, a);

	/* A stream attached and in use: kept however long.  Silent, it is
	 * warned 3 s (a tenth) before, once, then released. */
	int64_t b = submit_inter(h, 1);
	char w[STREAMWATCH_WARN_MAX];
	unsigned seen = 0;
	streamwatch_attach(b);
	for (int i = 0; i < 10; i++) {
		streamwatch_used(b);
		advance(h, 10);
	}
	assert_int_equal(state(h, b), JOB_RUNNING);
	advance(h, 26);
	assert_false(streamwatch_warning(b, &seen, w, sizeof w));
	advance(h, 1);
	assert_true(streamwatch_warning(b, &seen, w, sizeof w));
	assert_non_null(strstr(w, "is idle"));
	assert_non_null(strstr(w, "released in 3 s unless used (idle_timeout 30s)"));
	advance(h, 1);
	assert_false(streamwatch_warning(b, &seen, w, sizeof w));	/* once */
	advance(h, 1);
	assert_int_equal(state(h, b), JOB_RUNNING);
	advance(h, 1);
	assert_int_equal(state(h, b), JOB_TIMEOUT);
	streamwatch_detach(b);
	idle_ended(h, b);

	/* Its own process on a GPU (in its session, 4242): kept. */
	int64_t g = submit_inter(h, 1);
	probe_apps(h, 2052, "GPU-b, 4300, python3, 2048\nGPU-a, 4300, python3, 2048\n",
	    "4300 0 root 4242 4300 4242,1 -\n");
	advance(h, 100);
	assert_int_equal(state(h, g), JOB_RUNNING);
	probe_apps(h, 4, "", "");
	advance(h, 30);
	assert_int_equal(state(h, g), JOB_TIMEOUT);
	assert_int_equal(state(h, batch), JOB_RUNNING);
	h_free(h);
}

int main(void)
{
	log_init("test_ctl", LOG_ERROR + 1, 2);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(job_lifecycle),
		cmocka_unit_test(gpu_share_split_and_enforce),
		cmocka_unit_test(time_limit),
		cmocka_unit_test(idle_rule),
		cmocka_unit_test(idle_timeout_releases),
		cmocka_unit_test(notify_events),
		cmocka_unit_test(restart_adopts),
		cmocka_unit_test(gpus_known_by_uuid),
		cmocka_unit_test(node_lost_requeues),
		cmocka_unit_test(service_restart_policy),
		cmocka_unit_test(service_health),
		cmocka_unit_test(service_start_by_reconcile),
		cmocka_unit_test(drain_moves_services),
		cmocka_unit_test(oom_end),
		cmocka_unit_test(service_idle_stop),
		cmocka_unit_test(service_idle_stop_restarted),
		cmocka_unit_test(service_idle_stop_update_gpus),
		cmocka_unit_test(service_rolling_restart),
		cmocka_unit_test(service_policies_and_stop),
		cmocka_unit_test(service_gpu_limit),
		cmocka_unit_test(turn_one_commit),
		cmocka_unit_test(turn_commit_fails),
		cmocka_unit_test(limit_reached_then_freed),
		cmocka_unit_test(limit_gpu_hours),
		cmocka_unit_test(limit_of_parent_account),
		cmocka_unit_test(qos_changed_after_submit),
		cmocka_unit_test(priority_partition_qos),
		cmocka_unit_test(reasons_and_planned_start),
		cmocka_unit_test(usage_of_requeued_attempt),
		cmocka_unit_test(usage_of_exclusive_job),
		cmocka_unit_test(usage_in_period),
		cmocka_unit_test(turn_commit_fails_rows_beside_jobs),
		cmocka_unit_test(outage_adopts_on_return),
		cmocka_unit_test(outage_node_fail_after),
		cmocka_unit_test(health_drains_and_resumes),
		cmocka_unit_test(restart_keeps_herd_drain),
		cmocka_unit_test(herd_drain_audited_and_blocks),
		cmocka_unit_test(restart_keeps_admin_drain_apart),
		cmocka_unit_test(restart_keeps_outage_clock),
		cmocka_unit_test(restart_keeps_orphans),
		cmocka_unit_test(restart_drops_foreign_orphans),
		cmocka_unit_test(housekeeping_removes_old_files),
		cmocka_unit_test(deferred_kill_after_requeue),
		cmocka_unit_test(kill_reports_escape),
		cmocka_unit_test(escape_after_end),

		cmocka_unit_test(foreign_gpu_waits_then_frees),
		cmocka_unit_test(foreign_share_and_threshold),
		cmocka_unit_test(gpu_type_and_mem_place),
		cmocka_unit_test(review_mig_foreign_use_seen),
		cmocka_unit_test(review_mixed_mig_whole_launch),
		cmocka_unit_test(second_backend),
		cmocka_unit_test(review_gpu_lost_drain_survives_restart),
		cmocka_unit_test(review_orphans_survive_restart),
		cmocka_unit_test(watch_changes),
		cmocka_unit_test(deadlines_visit_only_due),
		cmocka_unit_test(deadline_rule),
		cmocka_unit_test(deadlines_follow_wall_jump),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
