/*
 * ctl.c — the controller's job and node state machine.
 *
 * Theory of operation: active jobs live in `jobs`, sorted by id (ids only
 * grow, so a submit appends).  A pass builds a snapshot of the pending jobs
 * and the nodes' free resources, asks sched_pass() for decisions, commits
 * every chosen job as LAUNCHING in one transaction, and only then queues
 * the launch programs (one batch per node).  What nodes answer is handled
 * in ctl_node.c; every change of a job's state, times and resources is a
 * step of the lifecycle table applied by ctl_event.c.
 * A job that ended but may still have processes (cancel, time limit) keeps
 * its resources ("held") until its end event or the KILL is delivered.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ctl_internal.h"
#include "ctl_place.h"
#include "eligible.h"
#include "jobfield.h"
#include "launch.h"
#include "lifecycle.h"
#include "log.h"
#include "partition.h"
#include "sched.h"
#include "svc.h"
#include "util.h"



static int64_t node_gpu_count(const struct node *n)
{
	return n->have_probe ? (int64_t)n->probe.ngpus : 0;
}

/* Not before its job files were scanned: a job the database lost may hold GPUs there. */
static int node_schedulable(const struct node *n)
{
	return n->life == NODE_LIVE && n->state == NODE_UP && n->have_probe && n->scanned &&
	    ctl_node_usable(n);
}

/* ---- the job table ---- */

static void table_add(struct ctl *c, struct job *j)
{
	if (c->njobs == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 1024;
		c->jobs = xreallocarray(c->jobs, c->cap, sizeof *c->jobs);
	}
	c->jobs[c->njobs++] = j;
	c->nexcl += j->exclusive != JOB_SHARED;
	/* A new submit is pending: only a restored job may be over already. */
	c->evict_due |= job_state_is_final(j->state);
	ctl_arm(c, j);	/* a restored one may be running, killed, launching */
}

size_t ctl_lower_bound(struct ctl *c, int64_t id)
{
	size_t lo = 0, hi = c->njobs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->jobs[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct job *ctl_find(struct ctl *c, int64_t id)
{
	size_t i = ctl_lower_bound(c, id);
	return i < c->njobs && c->jobs[i]->id == id ? c->jobs[i] : NULL;
}

static void job_free(struct job *j)
{
	jobfield_release(j);
	ctl_array_free(j);
	ctl_dep_free(j);
	ctl_warn_free(j);
	free(j);
}

void ctl_job_free(struct job *j)
{
	job_free(j);
}

void ctl_table_add(struct ctl *c, struct job *j)
{
	table_add(c, j);
}

/* Drop ended jobs that hold nothing; keeps the table dense.  A job becomes
 * such only through a write of it (its end, its release, its unsaved
 * change retried: persist) or its batch's commit, which set evict_due:
 * without one, a turn (a listing's chunk) does not walk 100,000 jobs. */
void ctl_evict(struct ctl *c)
{
	size_t o = 0;
	if (!c->evict_due || ctl_batch_busy(c))
		return;		/* a held side effect may be this job's end; ctl_turn_end evicts */
	c->evict_due = 0;
	for (size_t i = 0; i < c->njobs; i++) {
		struct job *j = c->jobs[i];
		if (job_state_is_final(j->state) && !j->held && !j->unsaved) {
			c->nexcl -= j->exclusive != JOB_SHARED;
			ctl_disarm(c, j);
			job_free(j);
		}
		else
			c->jobs[o++] = j;
	}
	c->njobs = o;
}

/* The record's members by the table (jobfield.h), then the derived ones. */
static struct job *job_from_row(const struct job_row *r)
{
	struct job *j = xcalloc(1, sizeof *j);
	jobfield_load(j, r);
	j->node = -1;	/* placed by its restore (ctl_restore, load_one) */
	ctl_dep_attach(j, r->dependency);
	ctl_array_from_row(j, r);
	ctl_warn_attach(j, r->warn_signal);
	return j;
}

struct job *ctl_job_new(const struct job_row *r)
{
	return job_from_row(r);
}

/* ids only grow, so a submit appends; a job read back (a requeue of an ended one) is
 * put in its place. */
static void table_insert(struct ctl *c, struct job *j)
{
	size_t at = ctl_lower_bound(c, j->id);
	table_add(c, j);
	if (at < c->njobs - 1) {
		memmove(&c->jobs[at + 1], &c->jobs[at], (c->njobs - 1 - at) * sizeof *c->jobs);
		c->jobs[at] = j;
	}
}

struct job *ctl_restore(struct ctl *c, const struct job_row *r)
{
	struct job *j = job_from_row(r);
	for (size_t k = 0; r->node != NULL && k < c->nnodes; k++) {
		struct node *n = &c->nodes[k];
		if (strcmp(n->conf->name, r->node) != 0)
			continue;
		j->node = (int16_t)k;	/* where it ran, for its attempt record; holds nothing */
		j->gpu_mask = ctl_gpu_mask_of(n, r->gpu_uuids, r->gpu_list);
		break;
	}
	table_insert(c, j);
	return j;
}

uint64_t ctl_gpu_mask_of(const struct node *n, const char *uuids, const char *indices)
{
	if (uuids != NULL && uuids[0] != '\0')
		return gpu_mask_by_uuids(n->probe.gpus, n->probe.ngpus, uuids, NULL);
	return gpu_mask_by_indices(n->probe.gpus, n->probe.ngpus, indices);
}

void ctl_gpu_list(struct ctl *c, const struct job *j, char *buf, size_t size)
{
	buf[0] = '\0';
	if (j->node < 0)
		return;
	const struct node *n = &c->nodes[j->node];
	(void)gpu_mask_indices(n->probe.gpus, n->probe.ngpus, j->gpu_mask, buf, size);
}

/* What j holds (whole: also once released, for billing). */
static void alloc_of(struct ctl *c, const struct job *j, int whole, int *gpus, int *cpus,
    int64_t *mem_mb)
{
	*gpus = j->gpus;
	*cpus = j->cpus;
	*mem_mb = (int64_t)j->mem_mb;
	if (j->exclusive != JOB_EXCL_NODE || (!whole && !j->held) || j->node < 0 ||
	    (size_t)j->node >= c->nnodes)
		return;
	const struct node *n = &c->nodes[j->node];
	*gpus = __builtin_popcountll(j->gpu_mask);
	if (n->have_probe) {
		*cpus = n->probe.cpus;
		*mem_mb = n->probe.mem_mb;
	}
}

void ctl_job_alloc(struct ctl *c, const struct job *j, int *gpus, int *cpus, int64_t *mem_mb)
{
	alloc_of(c, j, 0, gpus, cpus, mem_mb);
}

void ctl_job_billed(struct ctl *c, const struct job *j, int *gpus, int *cpus)
{
	int64_t mem;
	alloc_of(c, j, 1, gpus, cpus, &mem);
}

int ctl_node_exclusive(struct ctl *c, const struct node *n)
{
	for (size_t i = 0; c->nexcl > 0 && i < c->njobs; i++) {
		const struct job *j = c->jobs[i];
		if (j->exclusive == JOB_EXCL_NODE && j->held && j->node == n->idx)
			return 1;
	}
	return 0;
}

void ctl_alloc_view(struct ctl *c, const struct job *j, struct job_row *r)
{
	int64_t mem;
	ctl_job_alloc(c, j, &r->gpus, &r->cpus, &mem);
	r->mem_mb = mem;
}

void ctl_job_view(struct ctl *c, const struct job *j, struct job_row *r, char *gl, size_t glsize)
{
	memset(r, 0, sizeof *r);
	jobfield_view(j, r);
	/* The derived fields (D in JOB_FIELDS). */
	ctl_gpu_list(c, j, gl, glsize);
	r->node = j->node >= 0 ? c->nodes[j->node].conf->name : NULL;
	r->gpu_list = j->node >= 0 && j->gpus ? gl : NULL;
	r->held = j->held;
	ctl_array_view(j, r);
	r->dependency = (char *)ctl_dep_stored(j);
	r->warn_signal = (char *)j->warn_signal;
}

/* Write a job's changed fields; the caller owns the transaction. */
static int persist(struct ctl *c, const struct job *j)
{
	struct job_row r;
	char gl[512];
	ctl_job_view(c, j, &r, gl, sizeof gl);
	c->evict_due = 1;	/* it may have ended: ctl_evict looks */
	int rc = db_job_update(c->db, &r);
	if (rc != 0)
		log_error("job %" PRId64 ": %s", j->id, db_errmsg(c->db));
	return rc;
}

int ctl_persist(struct ctl *c, const struct job *j)
{
	return persist(c, j);
}

void ctl_db_write_failed(struct ctl *c)
{
	if (c->db_failing_since == 0) {
		c->db_failing_since = ctl_now_wall(c);
		log_error("cannot write the database: %s; job changes are kept in memory "
		    "and written again", db_errmsg(c->db));
	}
	strlcpy_h(c->db_error, db_errmsg(c->db), sizeof c->db_error);
}

void ctl_db_write_worked(struct ctl *c)
{
	if (c->db_failing_since != 0)
		log_info("the database takes writes again (failing since %" PRId64 " s)",
		    ctl_now_wall(c) - c->db_failing_since);
	c->db_failing_since = 0;
	c->db_error[0] = '\0';
}

/* One transition, committed on its own or in the turn's batch; a failure
 * leaves no open transaction (or savepoint) of its own. */
int ctl_commit_job(struct ctl *c, struct job *j)
{
	if (ctl_batch_tx(c) != 0 || db_begin(c->db) != 0 || persist(c, j) != 0 ||
	    db_commit(c->db) != 0) {
		ctl_db_write_failed(c);	/* before the rollback overwrites the message */
		db_rollback(c->db);
		j->unsaved = 1;
		c->unsaved_jobs = 1;
		return -1;
	}
	if (db_batch_is_open(c->db)) {
		ctl_batch_wrote(c, j);	/* durable at the turn's commit */
		return 0;
	}
	if (j->unsaved)
		log_info("job %" PRId64 ": %s recorded", j->id, job_state_name(j->state));
	j->unsaved = 0;
	ctl_db_write_worked(c);
	return 0;
}

int ctl_commit_job_now(struct ctl *c, struct job *j)
{
	if (ctl_commit_job(c, j) != 0)
		return -1;
	return ctl_batch_commit(c);	/* j too: unsaved again when it failed */
}

/* A new attempt with the old one's record, in one transaction: a restart
 * sees one or the other.  A failure loses the record; the job is unsaved. */
int ctl_commit_attempt(struct ctl *c, struct job *j, const struct attempt_row *a)
{
	if (ctl_batch_tx(c) != 0 || db_begin(c->db) != 0 || db_attempt_insert(c->db, a) != 0 ||
	    persist(c, j) != 0 || db_commit(c->db) != 0) {
		ctl_db_write_failed(c);
		db_rollback(c->db);
		j->unsaved = 1;
		c->unsaved_jobs = 1;
		return -1;
	}
	if (db_batch_is_open(c->db)) {
		ctl_batch_wrote(c, j);
		ctl_batch_attempt(c, a);
		return 0;
	}
	j->unsaved = 0;
	ctl_db_write_worked(c);
	return 0;
}

void ctl_save_unsaved(struct ctl *c)
{
	if (ctl_batch_rewrite_lost(c) != 0 || !c->unsaved_jobs)
		return;	/* none: a tick does not walk every job for nothing */
	c->unsaved_jobs = 0;	/* set again by the commit that fails */
	for (size_t i = 0; i < c->njobs; i++)
		if (c->jobs[i]->unsaved == 1 && ctl_commit_job(c, c->jobs[i]) != 0)
			return;
}

int ctl_job_get(struct ctl *c, int64_t id, struct job_row *r)
{
	struct job *j = ctl_find(c, id);
	if (j == NULL)
		return db_job_get(c->db, id, r);
	struct job_row view;
	char gl[512];
	ctl_job_view(c, j, &view, gl, sizeof gl);
	job_row_copy(r, &view);
	return 1;
}

/* Find which node a restored job (held) sits on, and take its resources. */
static void restore_placement(struct ctl *c, struct job *j, const struct job_row *r)
{
	for (size_t k = 0; r->node != NULL && k < c->nnodes; k++) {
		if (strcmp(c->nodes[k].conf->name, r->node) != 0)
			continue;
		j->node = (int16_t)k;
		c->nodes[k].cpus_used += j->cpus;
		c->nodes[k].mem_used_mb += (int64_t)j->mem_mb;
		/* Its GPUs are known by UUID (j->gpu_uuids, loaded with the
		 * record): the node's first probe says where each is now
		 * (ctl_node.c).  Until then the bits are the nvidia-smi
		 * indices it had (all a job of an older release has). */
		if (r->gpu_list != NULL) {
			int idx[GPU_MASK_BITS];
			size_t ni;
			j->gpus_by_index = 1;
			if (gpu_list_parse(r->gpu_list, idx, GPU_MASK_BITS, &ni) != 0)
				log_warn("job %" PRId64 ": bad GPU list \"%s\" in the database", j->id,
				    r->gpu_list);
			for (size_t i = 0; i < ni; i++)
				j->gpu_mask |= 1ULL << idx[i];
			c->nodes[k].gpu_used |= j->gpu_mask;
		}
		return;
	}
}

static int load_one(void *arg, const struct job_row *r)
{
	struct ctl *c = arg;
	struct job *j = job_from_row(r);
	/* Every job loaded but a pending one holds resources on its node (an
	 * ended one is loaded only while it does): taken again if that node is
	 * still in hosts.ini, else ctl_init ends it there (EV_NODE_LOST). */
	j->held = j->state != JOB_PENDING;
	if (j->held)
		restore_placement(c, j, r);
	j->launch_since_ms = ctl_now_ms(c);	/* a launch under way gets its full wait again */
	if (job_is_stopping(j)) {
		/* Cancelled, timed out or requeued, maybe still running: kill it again. */
		j->kill_stage = 1;
		j->kill_at_ms = ctl_now_ms(c) + c->cfg->kill_grace_s * 1000LL;
	}
	table_add(c, j);
	return 0;
}

int64_t ctl_now_ms(const struct ctl *c)
{
	return c->clock != NULL ? c->clock->mono_ms : now_ms();
}

int64_t ctl_now_wall(const struct ctl *c)
{
	return c->clock != NULL ? c->clock->wall_s : wall_s();
}

int ctl_init(struct ctl *c, struct config *cfg, struct db *db, const struct ctl_clock *clock,
    char *err, size_t errsz)
{
	memset(c, 0, sizeof *c);
	c->clock = clock;
	c->cfg = cfg;
	c->db = db;
	c->nnodes = cfg->nnodes;
	/* Every slot a reload may use, now: workers hold pointers to theirs.
	 * Each node owns a copy of its settings (ctl_reload.c swaps them). */
	c->nodes = xcalloc(CTL_NODE_SLOTS, sizeof *c->nodes);
	for (size_t i = 0; i < cfg->nnodes; i++) {
		node_init(&c->nodes[i], config_node_dup(&cfg->nodes[i]), (int)i);
		c->nodes[i].life = NODE_LIVE;
		c->nodes[i].no_events = cfg->lab;
	}
	char inst[64];
	if (db_instance(db, inst, sizeof inst) != 0) {
		snprintf(err, errsz, "reading the instance id: %s", db_errmsg(db));
		return -1;
	}
	/* Job ids restart with a new database; the instance id keeps two
	 * controllers (or a reinstall) from ever sharing a job directory. */
	snprintf(c->key_prefix, sizeof c->key_prefix, "%s.%s", cfg->cluster, inst);
	ctl_admins_load(c);
	if (ctl_drains_load(c, err, errsz) != 0 || ctl_share_load(c, err, errsz) != 0)
		return -1;
	for (size_t i = 0; i < cfg->nnodes; i++)
		ctl_node_restore(c, &c->nodes[i]);	/* herd's drain, outage, orphans */
	if (db_jobs_active(db, load_one, c) != 0) {
		snprintf(err, errsz, "loading jobs: %s", db_errmsg(db));
		return -1;
	}
	/* Jobs on a node that hosts.ini no longer has cannot be asked about:
	 * lost with it (an ended one being stopped there is over). */
	for (size_t i = 0; i < c->njobs; i++) {
		struct job *j = c->jobs[i];
		if (j->held && j->node < 0)
			ctl_event(c, j, EV_NODE_LOST, 0, "its node is no longer in hosts.ini");
	}
	c->loaded_ms = ctl_now_ms(c);
	c->sched_needed = 1;
	c->deps_dirty = 1;	/* dependencies and begin times restored: evaluate them */
	/* Long enough for every reachable node to connect and answer its scan. */
	int longest = 0;
	for (size_t i = 0; i < c->nnodes; i++) {
		int t = cfg->nodes[i].connect_timeout_s + cfg->nodes[i].command_timeout_s;
		if (t > longest)
			longest = t;
	}
	c->scan_deadline_ms = ctl_now_ms(c) + longest * 1000LL;
	return 0;
}

/*
 * Whether start-up may schedule: a job the database lost the launch of
 * could be running on a node not scanned yet, and would then run twice.
 * Every node scanned, or the deadline passed (a node down at start is
 * scanned when it comes back, before it takes work).
 */
int ctl_scans_over(struct ctl *c)
{
	if (c->scan_deadline_ms == 0)
		return 1;
	size_t missing = 0;
	for (size_t i = 0; i < c->nnodes; i++)
		missing += !c->nodes[i].scanned;
	if (missing > 0 && ctl_now_ms(c) < c->scan_deadline_ms)
		return 0;
	if (missing > 0)
		log_warn("%zu node(s) not reachable since start: scheduling on the others; a job "
		    "launched there that the database lost could run twice", missing);
	c->scan_deadline_ms = 0;
	return 1;
}

void ctl_start_nodes(struct ctl *c)
{
	for (size_t i = 0; i < c->nnodes; i++)
		if (node_start(&c->nodes[i]) != 0)
			log_error("node %s: cannot start worker threads", c->nodes[i].conf->name);
}

int ctl_clear(struct ctl *c)
{
	int64_t deadline = now_ms() + 3000;	/* real time: it waits for threads */
	int joined = 1;
	ctl_lanes_stop(c);
	for (size_t i = 0; i < c->nnodes; i++)
		if (ctl_node_has_workers(&c->nodes[i]))
			node_stop(&c->nodes[i]);
	if (ctl_lanes_join(c, deadline) != 0)
		joined = 0;
	for (size_t i = 0; i < c->nnodes; i++)
		if (ctl_node_has_workers(&c->nodes[i]) && node_join(&c->nodes[i], deadline) != 0)
			joined = 0;
	if (!joined)
		return -1;	/* a worker is stuck in a remote step: leave it all */
	for (size_t i = 0; i < c->nnodes; i++) {
		probe_result_clear(&c->nodes[i].probe);
		foreign_state_clear(&c->nodes[i].foreign);
		ctl_outage_forget(&c->nodes[i]);
		config_node_free((struct node_conf *)c->nodes[i].conf);
		config_node_free(c->nodes[i].next_conf);
	}
	for (size_t i = 0; i < c->njobs; i++)
		job_free(c->jobs[i]);
	free(c->jobs);
	free(c->nodes);
	free(c->admins);
	ctl_drains_clear(c);
	ctl_share_free(c);
	ctl_batch_free(c);
	ctl_notify_free(c);
	ctl_deadlines_free(c);
	ctl_roll_free(c);
	ctl_limits_cache_free(c);
	return 0;
}

/* ---- submit and cancel ---- */

/* The node slots of a job's partitions (partition.h) and its tier; how
 * many partitions take it.  mask: CTL_MASK_WORDS words. */
static int job_nodes(struct ctl *c, const char *parts, const char *user, const char *account,
    int64_t limit, uint64_t *mask, int *tier)
{
	const char *names[CTL_NODE_SLOTS];
	for (size_t k = 0; k < c->nnodes; k++)
		names[k] = c->nodes[k].life == NODE_LIVE ? c->nodes[k].conf->name : NULL;
	memset(mask, 0, CTL_MASK_WORDS * sizeof *mask);
	return part_nodes(c->cfg, parts, user, account, limit, names, c->nnodes, mask, tier);
}

static int in_mask(const uint64_t *mask, size_t k)
{
	return mask == NULL || (mask[k / 64] >> (k % 64) & 1);
}

/* Whether some node of the job's partitions (mask; NULL: any) could ever run it. */
static int check_fits_somewhere(struct ctl *c, const struct job_row *r, const uint64_t *mask,
    char *err, size_t errsz)
{
	struct sched_job sj = { .gpus = r->gpus, .cpus = r->cpus, .mem_mb = r->mem_mb,
	    .nomt = r->nomt, .mem_all = r->mem_all };
	int unknown = 0, max_gpus = 0, max_cpus = 0;
	int64_t max_mem = 0;

	for (size_t k = 0; k < c->nnodes; k++) {
		struct node *n = &c->nodes[k];
		if (n->life != NODE_LIVE || !in_mask(mask, k))
			continue;	/* leaving (a reload removed it), or not its partition's */
		if (!n->have_probe) {
			unknown = 1;
			continue;
		}
		if (sched_fits_node(&sj, n->probe.cpus, n->probe.mem_mb, (int)node_gpu_count(n),
		    n->probe.threads_per_core))
			return 0;
		if (node_gpu_count(n) > max_gpus)
			max_gpus = (int)node_gpu_count(n);
		if (n->probe.cpus > max_cpus)
			max_cpus = n->probe.cpus;
		if (n->probe.mem_mb > max_mem)
			max_mem = n->probe.mem_mb;
	}
	if (unknown)
		return 0;	/* cannot tell yet; it waits */
	char where[96] = "";
	if (mask != NULL && r->partition != NULL)
		snprintf(where, sizeof where, " of partition %.63s", r->partition);
	if (r->gpus > max_gpus)
		snprintf(err, errsz, "no node%s has %d GPU%s (the most on one node is %d)", where,
		    r->gpus, r->gpus == 1 ? "" : "s", max_gpus);
	else if (r->nomt)
		snprintf(err, errsz, "no node%s has %d whole cores (--hint=nomultithread; the most "
		    "CPUs on one node is %d)", where, r->cpus, max_cpus);
	else if (r->cpus > max_cpus)
		snprintf(err, errsz, "no node%s has %d CPUs (the most on one node is %d)", where,
		    r->cpus, max_cpus);
	else
		snprintf(err, errsz, "no node%s has %" PRId64 " MB of memory (the most on one node "
		    "is %" PRId64 " MB)", where, r->mem_mb, max_mem);
	return -1;
}

static void test_place(struct ctl *c, const struct job_row *row, struct submit_test *t);

/* --test-only: the row as it would be stored, where it would start; nothing stored. */
static int submit_test(struct ctl *c, const struct job_row *row, struct submit_test *t,
    char *err, size_t errsz)
{
	int64_t max = 0;
	if (db_max_job_id(c->db, &max) != 0) {
		snprintf(err, errsz, "cannot read the next job id: %s", db_errmsg(c->db));
		return -1;
	}
	job_row_copy(&t->row, row);
	t->row.id = max + 1;
	test_place(c, &t->row, t);
	return 0;
}

/*
 * An array's record carries its tasks as text (array_tasks, array_spec):
 * the spec normalised, the same text for both at submit.  The array_job_id
 * is the record's own id, set once the insert has made it.  Returns the
 * text (malloc'd; the row borrows it), NULL when not an array.
 */
static char *submit_array_text(const struct submit_req *r, struct job_row *row)
{
	struct buf b;
	if (r->array == NULL)
		return NULL;
	buf_init(&b, ARRAYSPEC_TEXT_MAX * 2);
	if (arrayspec_format(r->array, &b) != 0) {
		buf_clear(&b);
		return NULL;
	}
	char *t = buf_detach(&b, NULL);
	row->array_tasks = t;
	row->array_spec = t;
	row->array_throttle = (int32_t)r->array->throttle;
	return t;
}

/*
 * The job's partitions and QoS (partition.h): checked, its default time
 * limit given; row->partition becomes the list to store (*parts, the
 * caller frees).  Then whether a node of them could ever run it.
 */
static int submit_partition(struct ctl *c, struct job_row *row, char **parts, char *err,
    size_t errsz)
{
	uint64_t mask[CTL_MASK_WORDS];
	int tier;
	if (part_submit(c->cfg, row->partition, row->qos, row->user, row->account,
	    &row->time_limit_s, parts, err, errsz) != 0)
		return -1;
	row->partition = *parts;
	if (*parts == NULL)
		return ctl_place_submit(c, row, NULL, err, errsz) != 0 ||
		    ctl_gpushare_submit(c, row, NULL, err, errsz) != 0 ? -1 :
		    check_fits_somewhere(c, row, NULL, err, errsz);
	job_nodes(c, *parts, row->user, row->account, row->time_limit_s, mask, &tier);
	return ctl_place_submit(c, row, mask, err, errsz) != 0 ||
	    ctl_gpushare_submit(c, row, mask, err, errsz) != 0 ? -1 :
	    check_fits_somewhere(c, row, mask, err, errsz);
}

int ctl_submit(struct ctl *c, const struct submit_req *r, uid_t uid, int64_t *id,
    char *err, size_t errsz)
{
	struct job_row row = r->job;	/* borrowing its strings */
	char *parts = NULL;
	if (ctl_check_registered(c, uid, row.user, err, errsz) != 0)
		return -1;
	/* -A: one of the user's accounts; none: their default (acct.h). */
	const char *acct = acct_for_user(&c->cfg->acct, row.user ? row.user : "", row.account,
	    err, errsz);
	if (acct == NULL)
		return -1;
	row.account = (char *)acct;	/* borrowed from the config, copied by the insert */
	row.uid = (uint32_t)uid;
	int64_t asked_limit = row.time_limit_s;
	int named_parts = row.partition != NULL;
	/* Its partitions (allow_accounts needs the account), then its limits. */
	if (submit_partition(c, &row, &parts, err, errsz) != 0 ||
	    (row.svc_name != NULL &&
	    part_services_refused(c->cfg, row.partition, named_parts, err, errsz) != 0) ||
	    ctl_svc_submit(c, &row, asked_limit, r->array, err, errsz) != 0 ||
	    ctl_limits_submit(c, &row, r->array ? arrayspec_count(r->array) : 1, err, errsz) != 0) {
		free(parts);
		return -1;
	}
	row.state = JOB_PENDING;
	row.attempt = 1;
	row.submit_time = ctl_now_wall(c);
	char *spec = submit_array_text(r, &row);
	if (r->test != NULL) {
		int rc = submit_test(c, &row, r->test, err, errsz);
		free(spec);
		free(parts);
		return rc;
	}
	/* Its own commit, the turn's batch first (a node's id floor may be in
	 * it): the client hears whether it is stored. */
	if (ctl_batch_commit(c) != 0 || db_begin(c->db) != 0 ||
	    db_job_insert(c->db, &row, &r->data) != 0 ||
	    (spec != NULL && (row.array_job_id = row.id, db_job_update(c->db, &row)) != 0) ||
	    db_commit(c->db) != 0) {
		snprintf(err, errsz, "cannot store the job: %s", db_errmsg(c->db));
		db_rollback(c->db);
		free(spec);
		free(parts);
		return -1;
	}
	table_add(c, job_from_row(&row));
	c->deps_dirty |= row.dependency != NULL || row.begin_time != 0;	/* its wake time too */
	*id = row.id;
	char vis[128];
	str_vis(vis, sizeof vis, row.name);
	log_info("job %" PRId64 " submitted by %s: \"%s\", %d GPUs, %d CPUs, %" PRId64 " MB%s%s",
	    row.id, row.user, vis, row.gpus, row.cpus, row.mem_mb, spec ? ", array " : "",
	    spec ? spec : "");
	free(spec);
	free(parts);
	c->sched_needed = 1;
	c->changes++;
	return 0;
}

void ctl_send_kill(struct ctl *c, struct job *j, const char *sig)
{
	struct job_key key;
	char err[HERD_ERRLEN];
	if (j->node < 0)
		return;		/* on no node: nothing to kill */
	struct node *n = ctl_job_worker(c, j);
	if (job_key_make(&key, c->key_prefix, j->id, j->attempt) != 0 ||
	    n->be->kill(n, &key, sig, err, sizeof err) != 0)
		log_error("job %" PRId64 ": kill not sent", j->id);
}

int ctl_fits_somewhere(struct ctl *c, int gpus, int cpus, int64_t mem_mb, char *err,
    size_t errsz)
{
	struct job_row r = { .gpus = gpus, .cpus = cpus, .mem_mb = mem_mb };
	return check_fits_somewhere(c, &r, NULL, err, errsz);
}

int ctl_cancel(struct ctl *c, int64_t id, uid_t uid, char *err, size_t errsz)
{
	int arc = ctl_array_cancel(c, id, uid, err, errsz);
	if (arc != 1)
		return arc;	/* an array: all of it */
	struct job *j = ctl_find(c, id);
	if (j == NULL || job_state_is_final(j->state)) {
		struct job_row r;
		job_row_init(&r);
		int found = ctl_job_get(c, id, &r);
		char why[64];
		snprintf(why, sizeof why, "has already ended (%s)",
		    job_state_name((enum job_state)r.state));
		ctl_refuse(c, AUTHZ_CANCEL, &r, found, id, uid, why, err, errsz);
		job_row_clear(&r);
		return -1;
	}
	enum authz_verdict v = ctl_authz(c, uid, AUTHZ_CANCEL, j->uid);
	if (v == AUTHZ_DENY)
		return ctl_not_yours(id, j->user, err, errsz);
	uint32_t owner = j->uid;
	char user[64];
	strlcpy_h(user, j->user ? j->user : "", sizeof user);
	ctl_event(c, j, EV_CANCEL, 0, NULL);
	if (v == AUTHZ_ADMIN)
		ctl_audit(c, uid, AUTHZ_CANCEL, id, owner, user[0] ? user : NULL, NULL);
	return 0;
}

/* ---- what the nodes know that the database may not ---- */

/*
 * The lowest id a node scan must report: every job still pending (its
 * launch may have been lost with the database's last commits) and every
 * id above the highest the database knows.
 */
int64_t ctl_scan_from(struct ctl *c)
{
	for (size_t i = 0; i < c->njobs; i++)
		if (c->jobs[i]->state == JOB_PENDING)
			return c->jobs[i]->id;
	int64_t max = 0;
	if (db_max_job_id(c->db, &max) != 0)
		log_error("%s", db_errmsg(c->db));
	return max + 1;
}

/* ---- scheduling and launch ---- */

/* Hand one job (already LAUNCHING) to its worker's backend. */
int ctl_launch_send(struct ctl *c, struct job *j)
{
	struct node *n = &c->nodes[j->node];
	struct job_data d = { 0 };
	struct job_key key;
	char gpus[512], err[HERD_ERRLEN];
	/* The name recorded at submit: no user database lookup on the loop. */
	const char *user = j->user ? j->user : "";
	char *outp, *errp = NULL;
	int rc, agpus, acpus;
	int64_t amem;

	if (job_key_make(&key, c->key_prefix, j->id, j->attempt) != 0) {
		log_error("job %" PRId64 ": no key for attempt %d", j->id, j->attempt);
		return -1;
	}
	ctl_job_alloc(c, j, &agpus, &acpus, &amem);
	/* A task's submission is its array's, stored once. */
	if (db_job_get_data(c->db, j->array_job_id > 0 ? j->array_job_id : j->id, &d) != 0) {
		log_error("job %" PRId64 ": %s", j->id, db_errmsg(c->db));
		return -1;
	}
	/* By index, or by UUID where they are MIG devices (gpu.h). */
	(void)gpu_mask_visible(n->probe.gpus, n->probe.ngpus, j->gpu_mask, gpus, sizeof gpus);
	outp = job_output_path_array(j->out_tmpl, j->workdir, j->id, j->array_job_id,
	    j->array_task_id, j->name, user, n->conf->name);
	if (j->err_tmpl != NULL)
		errp = job_output_path_array(j->err_tmpl, j->workdir, j->id, j->array_job_id,
		    j->array_task_id, j->name, user, n->conf->name);
	struct launch_spec s = {
		.herd_dir = n->conf->herd_dir, .key = &key, .id = j->id, .name = j->name,
		.node = n->conf->name, .workdir = j->workdir, .out_path = outp, .err_path = errp,
		.gpus = gpus, .gpu_uuids = j->gpu_uuids, .ngpus = agpus, .cpus = acpus, .ntasks = d.ntasks,
		.mem_mb = amem, .cpus_per_task = j->cpus / (d.ntasks > 0 ? d.ntasks : 1),
		.user = user,
		.submit_dir = d.submit_dir ? d.submit_dir : j->workdir,
		.submit_host = d.submit_host ? d.submit_host : "",
		.script = d.script, .script_len = d.script_len,
		.argv = d.argv, .argv_len = d.argv_len, .env = d.env, .env_len = d.env_len,
		.umask = j->umask,
		.want_port = j->svc_port_want,
		.iso = n->have_probe ? &n->probe.iso : NULL,
	};
	if (j->array_job_id > 0 && ctl_array_launch_vars(c, j, &s) != 0)
		log_error("job %" PRId64 ": its array's spec is not readable; SLURM_ARRAY_TASK_COUNT "
		    "and the others are left out", j->id);
	rc = ctl_job_worker(c, j)->be->launch(ctl_job_worker(c, j), &s, err, sizeof err);
	if (rc != 0)
		log_error("%s", err);
	free(outp);
	free(errp);
	job_data_clear(&d);
	return rc;
}

/*
 * herdd's policy: EASY backfill (sched.h).  The first job in order that
 * cannot start gets a reservation at the earliest time its resources free
 * up, from the running jobs' time limits (a job without one never ends as
 * far as the plan knows, as Slurm plans an infinite limit); a later job
 * starts now only where it cannot delay that.
 */
#define CTL_POLICY SCHED_EASY
/* The most pending entries a backfilling pass is given (FCFS needs only
 * sched_depth's: one more than the free CPUs). */
#define CTL_BACKFILL_DEPTH 100000

/*
 * The partitions of one pass's jobs (sched.h's part and masks): each
 * distinct (partitions, user, limit) is resolved once through partition.h
 * (the strings are interned, so pointers compare) and each distinct node
 * set stored once, so 100,000 jobs of a few partitions cost a lookup each.
 */
#define PASS_MEMO 64
struct pass_parts {
	struct ctl *c;
	struct ctl_limits *lim;	/* the pass's limit groups (ctl_limit.c); NULL: none */
	struct place_pass *place;	/* GPU classes (ctl_place.c) */
	struct ctl_spread *spread;	/* services' replicas' nodes (ctl_spread.c) */
	uint64_t *masks;	/* rows of CTL_MASK_WORDS */
	size_t nmasks, cap;
	struct memo {
		const char *parts, *user, *account;
		int64_t limit;
		int32_t part, tier;	/* part -1: no partition takes it now */
		int used;
	} memo[PASS_MEMO];
};

/* The row of this node set, added if new (1-based, as sched_job.part). */
static int32_t pass_mask_row(struct pass_parts *pp, const uint64_t *mask)
{
	size_t w = CTL_MASK_WORDS;
	for (size_t r = 0; r < pp->nmasks; r++)
		if (memcmp(pp->masks + r * w, mask, w * sizeof *mask) == 0)
			return (int32_t)r + 1;
	if (pp->nmasks == pp->cap) {
		pp->cap = pp->cap ? 2 * pp->cap : 8;
		pp->masks = xreallocarray(pp->masks, pp->cap * w, sizeof *mask);
	}
	memcpy(pp->masks + pp->nmasks * w, mask, w * sizeof *mask);
	return (int32_t)++pp->nmasks;
}

/* j's part and tier; -1: none of its partitions takes it now (it waits). */
static int32_t pass_part(struct pass_parts *pp, const struct job *j, int32_t *tier)
{
	uintptr_t h = ((uintptr_t)j->partition >> 4) ^ ((uintptr_t)j->user >> 3) ^
	    (uintptr_t)j->time_limit_s;
	struct memo *m = &pp->memo[(h ^ h >> 7) % PASS_MEMO];
	uint64_t mask[CTL_MASK_WORDS];
	int t;

	*tier = 0;
	if (pp->c->cfg->nparts == 0)
		return 0;	/* one implicit partition: every node */
	if (!m->used || m->parts != j->partition || m->user != j->user ||
	    m->account != j->account || m->limit != j->time_limit_s) {
		m->used = 1;
		m->parts = j->partition;
		m->user = j->user;
		m->account = j->account;
		m->limit = j->time_limit_s;
		m->part = job_nodes(pp->c, j->partition, j->user, ctl_job_account(pp->c, j),
		    j->time_limit_s, mask, &t) > 0 ? pass_mask_row(pp, mask) : -1;
		m->tier = t;
	}
	*tier = m->tier;
	return m->part;
}

/* part narrowed by j's own node filter (-C, -w, -x; ctl_place.c) and, for
 * a --gpu-share job, to the nodes where it may share (ctl_gpushare.c): a
 * row of its own, shared with every job of the same (part, filter). */
static int32_t pass_where(struct pass_parts *pp, const struct job *j, int32_t part)
{
	uint64_t mask[CTL_MASK_WORDS];
	if (part > 0)
		memcpy(mask, pp->masks + (size_t)(part - 1) * CTL_MASK_WORDS, sizeof mask);
	else
		for (size_t k = 0; k < CTL_MASK_WORDS * 64; k++)
			k < pp->c->nnodes ? (void)(mask[k / 64] |= 1ULL << (k % 64)) :
			    (void)(mask[k / 64] &= ~(1ULL << (k % 64)));
	ctl_place_mask(pp->c, j->constraint, j->nodelist, j->exclude, mask);
	if (j->gpu_share)
		ctl_gpushare_mask(pp->c, j, mask);
	return pass_mask_row(pp, mask);
}

/* j as a pass sees it; 0: it may run nowhere now (left out of the pass). */
static int sched_job_of(struct pass_parts *pp, const struct job *j, struct sched_job *out)
{
	int32_t tier, part = pass_part(pp, j, &tier);
	int where = ctl_place_filtered(j->constraint, j->nodelist, j->exclude) || j->gpu_share;
	if (part >= 0 && where)
		part = pass_where(pp, j, part);
	*out = (struct sched_job){ .gpus = j->gpus, .cpus = j->cpus,
	    .mem_mb = (int64_t)j->mem_mb, .excl = j->exclusive, .uid = j->uid,
	    .limit = j->time_limit_s, .id = j->id, .part = part, .tier = tier,
	    .where = where, .share_mb = j->gpu_share ? (int64_t)j->gpu_mem_mb : 0,
	    .nomt = j->nomt, .mem_all = j->mem_all, .svc = j->svc_name != NULL,
	    .spread = ctl_spread_row(pp->c, &pp->spread, j),
	    .gclass = pp->place == NULL ? 0 :
	    ctl_place_gclass(pp->place, j->gpu_type, (int64_t)j->gpu_mem_mb, j->gpus) };
	ctl_limits_job(pp->lim, j, out->lim);
	return part >= 0 && qos_reason(pp->c->cfg, j->qos, j->time_limit_s) == NULL;
}

/* How many pending entries the pass can use (sched_depth, bounded). */
static size_t snapshot_depth(const struct sched_node *sn, size_t nnodes)
{
	size_t want = sched_depth(CTL_POLICY, sn, nnodes);
	return want > CTL_BACKFILL_DEPTH ? CTL_BACKFILL_DEPTH : want;
}

/*
 * Every job holding resources, with its expected end (start + time limit,
 * wall seconds; never without a limit), for a backfilling pass's
 * reservation.  A job still launching has no start yet: it starts about
 * now.  FCFS plans nothing ahead: none are listed.
 */
static size_t snapshot_running(struct ctl *c, struct sched_run **out)
{
	size_t n = 0;
	*out = NULL;
	if (CTL_POLICY == SCHED_FCFS)
		return 0;
	int64_t now = ctl_now_wall(c);
	*out = xcalloc(c->njobs ? c->njobs : 1, sizeof **out);
	for (size_t i = 0; i < c->njobs; i++) {
		const struct job *j = c->jobs[i];
		if (!j->held || j->node < 0 || (size_t)j->node >= c->nnodes)
			continue;
		(*out)[n++] = (struct sched_run){ j->node, __builtin_popcountll(j->gpu_mask),
		    j->cpus, (int64_t)j->mem_mb, j->exclusive, j->uid, j->time_limit_s > 0 ?
		    (j->start_time > 0 ? j->start_time : now) + j->time_limit_s : SCHED_NEVER,
		    j->id };
	}
	return n;
}

/* Whether partitions have more than one priority_tier (the pass sorts by it). */
static int tiers_differ(const struct config *cfg)
{
	for (size_t i = 1; i < cfg->nparts; i++)
		if (cfg->parts[i].priority_tier != cfg->parts[0].priority_tier)
			return 1;
	return 0;
}

/* One pass of the policy over the snapshot, at the wall clock. */
static void plan(struct ctl *c, const struct pass_parts *pp, struct sched_node *sn,
    const struct sched_job *sj, size_t np, struct sched_plan *p)
{
	struct sched_run *run;
	size_t nr = snapshot_running(c, &run);
	int64_t *share = NULL;
	for (size_t i = 0; i < np && share == NULL; i++)
		if (sj[i].share_mb > 0) {	/* only then: what each GPU has to share */
			share = xmalloc((c->nnodes ? c->nnodes : 1) * SCHED_GPUS * sizeof *share);
			ctl_gpushare_snapshot(c, sn, share);
		}
	struct sched_snapshot s = { .policy = CTL_POLICY, .now = ctl_now_wall(c), .nodes = sn,
	    .nnodes = c->nnodes, .running = run, .nrunning = nr, .jobs = sj, .njobs = np,
	    .pin_job = -1, .masks = pp->masks, .mask_words = CTL_MASK_WORDS,
	    .tiers = tiers_differ(c->cfg), .limits = ctl_limits_groups(pp->lim),
	    .reservations = c->cfg->reservations, .gpu_ok = ctl_place_gpu_ok(pp->place),
	    .share_mb = share, .spread = ctl_spread_rows(pp->spread) };
	sched_plan(&s, p);
	free(run);
	free(share);
}

/*
 * Who runs on each node, for --exclusive: every job holding resources
 * there (one being killed too).  Only while some job in memory asks for
 * exclusivity; otherwise nobody's neighbours matter and the walk is saved.
 */
/* Who runs where: needed only where some job asks for exclusivity. */
static void snapshot_sharing(struct ctl *c, struct sched_node *sn)
{
	for (size_t i = 0; i < c->njobs; i++) {
		const struct job *j = c->jobs[i];
		if (j->held && j->node >= 0 && (size_t)j->node < c->nnodes)
			sched_node_add_job(&sn[j->node], j->exclusive, j->uid);
	}
}

static size_t snapshot_nodes(struct ctl *c, struct sched_node *sn, int sharing)
{
	for (size_t k = 0; k < c->nnodes; k++) {
		struct node *n = &c->nodes[k];
		uint64_t all = 0;
		size_t ng = (size_t)node_gpu_count(n);
		for (size_t g = 0; g < ng && g < 64; g++)
			all |= 1ULL << g;
		sn[k].up = node_schedulable(n) && ctl_node_drain(c, n) == NULL;
		sn[k].cpus_free = n->have_probe ? n->probe.cpus - n->cpus_used : 0;
		sn[k].mem_free_mb = n->have_probe ? n->probe.mem_mb - n->mem_used_mb : 0;
		/* GPUs in use outside herd are not handed out (ctl_foreign.c) */
		sn[k].gpu_foreign = ctl_foreign_busy(n) & all & ~n->gpu_used;
		sn[k].gpu_free = all & ~n->gpu_used & ~sn[k].gpu_foreign;
		/* rounded up: where CPUs are scarce, the GPUs need them all */
		sn[k].cpus_per_gpu = n->have_probe && ng > 0 ?
		    (n->probe.cpus + (int)ng - 1) / (int)ng : 0;
		ctl_place_node_facts(n, &sn[k]);	/* threads per core, all memory */
	}
	if (sharing)
		snapshot_sharing(c, sn);
	return c->nnodes;
}

/*
 * Commit every decision of a pass as LAUNCHING in one transaction, then
 * launch.  If anything fails to commit, nothing leaves: the jobs go back
 * to PENDING in memory (EV_UNPLACE), as the database still has them.
 */
static void commit_decisions(struct ctl *c, struct job **pend, const int64_t *ptask,
    const struct sched_decision *d, size_t n)
{
	if (n == 0)
		return;
	/* Its own transaction, the turn's batch first: a failure undoes the placements. */
	if (ctl_batch_commit(c) != 0 || db_begin(c->db) != 0) {
		log_error("launch decisions not committed: %s", db_errmsg(c->db));
		return;
	}
	struct job **chosen = xmalloc(n * sizeof *chosen);
	struct job_step *steps = xmalloc(n * sizeof *steps);
	struct array_undo au;
	int ok = 1;
	ctl_array_undo_init(&au);
	for (size_t i = 0; i < n; i++) {
		struct job *j = pend[d[i].job];
		/* An array's task: its own row (or the array's record for the last). */
		if (ptask[d[i].job] >= 0 && ok &&
		    (j = ctl_array_task_start(c, j, (uint32_t)ptask[d[i].job], &au)) == NULL)
			ok = 0;
		chosen[i] = NULL;
		if (j == NULL || (ptask[d[i].job] >= 0 && !ok) ||
		    ctl_place_apply(c, j, d[i].node, d[i].gpu_mask, &steps[i]) != 0)
			continue;
		chosen[i] = j;
		if (ok && persist(c, j) != 0)	/* the steps' ACT_COMMIT, in one batch */
			ok = 0;
	}
	if (ok && db_commit(c->db) == 0) {
		ctl_array_undo_commit(c, &au);
		c->deps_dirty = 1;	/* after: and singleton see them started */
		for (size_t i = 0; i < n; i++)
			if (chosen[i] != NULL)
				ctl_place_act(c, chosen[i], &steps[i]);
	} else {
		log_error("launch decisions not committed: %s", db_errmsg(c->db));
		db_rollback(c->db);
		for (size_t i = 0; i < n; i++)
			if (chosen[i] != NULL)
				ctl_place_undo(c, chosen[i]);
		ctl_array_undo_rollback(c, &au);	/* after: new tasks are freed */
		c->sched_needed = 0;	/* the next event tries again, not this loop */
	}
	free(steps);
	free(chosen);
}

/* Which jobs a limit held in this pass (ctl_pending_reason shows it);
 * why NULL: none (no limits now, after a reconfigure too). */
static void keep_limit_reasons(struct job **pend, size_t np, const uint8_t *why)
{
	for (size_t i = 0; i < np; i++)
		pend[i]->limit_reason = 0;
	for (size_t i = 0; why != NULL && i < np; i++)
		if (why[i] > SCHED_R_LIMIT)
			pend[i]->limit_reason = (uint8_t)(why[i] - SCHED_R_LIMIT);
}

void ctl_schedule(struct ctl *c)
{
	int64_t t0 = now_us();
	struct sched_node *sn = xcalloc(c->nnodes ? c->nnodes : 1, sizeof *sn);
	size_t np = 0;

	c->sched_needed = 0;
	if (!ctl_scans_over(c)) {
		free(sn);
		return;		/* the last scan, or ctl_tick at the deadline, asks again */
	}
	snapshot_nodes(c, sn, c->nexcl > 0);
	ctl_deps_refresh(c);
	/* (Not bounded by the number of jobs: an array gives one entry per task.)
	 * Every eligible job is a candidate for the top: by priority
	 * (ctl_share_order: fair share, age, nice, ...). */
	size_t want = snapshot_depth(sn, c->nnodes);
	size_t cap = c->njobs ? c->njobs : 1;
	struct job **cand = xmalloc(cap * sizeof *cand);
	double *prio = xmalloc(cap * sizeof *prio);
	size_t nc = ctl_snapshot_jobs(c, cand, cap);
	ctl_share_order(c, cand, nc, prio);
	struct sched_job *sj = xmalloc(want * sizeof *sj);
	struct job **pend = xmalloc(want * sizeof *pend);
	int64_t *ptask = xmalloc(want * sizeof *ptask);
	struct sched_decision *d = xmalloc(want * sizeof *d);
	struct pass_parts pp = { .c = c, .lim = ctl_limits_new(c, ctl_now_wall(c)),
	    .place = ctl_place_pass_new(c) };
	for (size_t i = 0; i < nc && np < want; i++) {
		struct job *j = cand[i];
		struct sched_job one;
		if (!sched_job_of(&pp, j, &one))
			continue;	/* no partition of its takes it now (ctl_pending_reason) */
		if (ctl_array_pending(j)) {
			/* One entry per task that may start, in task order. */
			uint64_t k = ctl_array_slots(c, j);
			int64_t after = -1;
			uint32_t t, waiting = 0;
			for (; k > 0 && np < want && arrayspec_next(&j->array->pending, after, &t);
			    after = t) {
				/* aftercorr: a task waits for its counterpart; a bounded
				 * look past the waiting ones each pass. */
				int may = ctl_dep_task(c, j, t);
				if (may < 0 && c->cfg->kill_invalid_depend) {
					ctl_array_task_never(c, j, t);
					continue;
				}
				if (may <= 0) {
					if (++waiting >= ARRAY_DEP_LOOKAHEAD)
						break;
					continue;
				}
				pend[np] = j;
				ptask[np] = t;
				sj[np] = one;
				sj[np++].priority = prio[i];
				k--;
			}
			continue;
		}
		pend[np] = j;
		ptask[np] = -1;
		sj[np] = one;
		sj[np++].priority = prio[i];
	}
	free(prio);
	uint8_t *why = xmalloc(np ? np : 1);
	memset(why, SCHED_R_PRIORITY, np);	/* not looked at: Priority */
	struct sched_plan p = { .out = d, .cap = np, .reason = why };
	plan(c, &pp, sn, sj, np, &p);
	free(pp.masks);
	ctl_spread_free(pp.spread);
	ctl_limits_free(pp.lim);
	ctl_place_pass_free(pp.place);
	keep_limit_reasons(pend, np, why);
	/* Each job's reason and the reservations, for ctl_pending_reason and
	 * herd queue --start (before the commit: a started job's is moot). */
	ctl_plan_record(c, cand, nc, pend, np, why, &p);
	free(cand);
	free(why);
	commit_decisions(c, pend, ptask, d, p.ndecisions);
	free(ptask);
	c->last_sched_us = now_us() - t0;
	free(d);
	free(sn);
	free(sj);
	free(pend);
}

/*
 * --test-only: what keeps the job itself from starting now, as its pending
 * reason would say (held, its begin time, its dependency); 0 if nothing.
 */
static int test_eligibility(struct ctl *c, const struct job_row *row, struct submit_test *t)
{
	struct job self = { 0 };
	char dep[200];
	self.id = row->id;
	self.uid = row->uid;
	self.name = intern(row->name != NULL ? row->name : "");
	ctl_dep_attach(&self, row->dependency);
	int64_t now = ctl_now_wall(c);
	const char *why = elig_reason((int)row->hold, ctl_dep_verdict(c, &self), row->begin_time,
	    now);
	ctl_dep_text(c, &self, dep, sizeof dep);
	ctl_dep_free(&self);
	intern_release(self.name);
	if (why == NULL)
		return 0;
	t->reason = why;
	if (row->hold != JOB_HOLD_NONE)
		snprintf(t->why, sizeof t->why, "it is held until herd release");
	else if (strcmp(why, "BeginTime") == 0)
		snprintf(t->why, sizeof t->why, "its begin time is %" PRId64 " s away",
		    row->begin_time - now);
	else
		snprintf(t->why, sizeof t->why, "its dependency %s is not met", dep);
	return 1;
}

/* The priority a job submitted now would have (struct job from its row). */
static double test_priority(struct ctl *c, const struct job_row *row)
{
	struct job self = { 0 };
	struct share_tree t;
	int64_t now = ctl_now_wall(c);
	self.user = row->user;
	self.account = row->account;
	self.gpus = (uint16_t)row->gpus;
	self.cpus = (uint16_t)row->cpus;
	self.time_limit_s = row->time_limit_s;
	self.submit_time = now;
	self.begin_time = row->begin_time;
	self.nice = row->nice;
	self.node = -1;
	ctl_share_tree(c, now, &t);
	double p = ctl_job_priority(c, &t, &self, now, NULL);
	ctl_share_tree_free(&t);
	return p;
}

/*
 * Where a job submitted now would start: the scheduling pass that would
 * follow its submit (the jobs ctl_schedule would consider, then it), on a
 * copy of the nodes; or why it would wait: it may not start yet itself
 * (JobHeldUser, BeginTime, Dependency), jobs ahead of it take what is free
 * (Priority), or nothing free is big enough (Resources).
 */
static void test_place(struct ctl *c, const struct job_row *row, struct submit_test *t)
{
	struct sched_node *sn = xcalloc(c->nnodes ? c->nnodes : 1, sizeof *sn);
	size_t np = 0, cut = 0;

	t->node = -1;
	t->why[0] = '\0';
	if (test_eligibility(c, row, t)) {
		free(sn);
		return;
	}
	if (!ctl_scans_over(c)) {
		t->reason = "Resources";
		snprintf(t->why, sizeof t->why, "herdd is starting and has not seen every node yet");
		free(sn);
		return;
	}
	/* The job tested is not in memory: nexcl does not count it. */
	snapshot_nodes(c, sn, c->nexcl > 0 || row->exclusive != JOB_SHARED);
	ctl_deps_refresh(c);
	/* Ahead of it: the jobs a pass would consider (ctl_snapshot_jobs), an
	 * array's startable tasks one by one, as ctl_schedule() lays them out. */
	size_t want = snapshot_depth(sn, c->nnodes);
	size_t ccap = c->njobs ? c->njobs : 1;
	struct job **cand = xmalloc(ccap * sizeof *cand);
	double *prio = xmalloc(ccap * sizeof *prio);
	size_t ahead = ctl_snapshot_jobs(c, cand, ccap);
	ctl_share_order(c, cand, ahead, prio);
	/* Ahead of it: the jobs of higher priority (ties: the older). */
	double mine = test_priority(c, row);
	while (ahead > 0 && prio[ahead - 1] < mine)
		ahead--;
	free(prio);
	struct sched_job *sj = xmalloc((want + 1) * sizeof *sj);
	struct sched_decision *d = xmalloc((want + 1) * sizeof *d);
	struct pass_parts pp = { .c = c, .lim = ctl_limits_new(c, ctl_now_wall(c)),
	    .place = ctl_place_pass_new(c) };
	for (size_t i = 0; i < ahead && !cut; i++) {
		struct job *j = cand[i];
		struct sched_job one;
		if (!sched_job_of(&pp, j, &one))
			continue;
		uint64_t k = ctl_array_pending(j) ? ctl_array_slots(c, j) : 1;
		int64_t after = -1;
		uint32_t task;
		for (; k > 0 && !cut; k--) {
			if (ctl_array_pending(j)) {
				if (!arrayspec_next(&j->array->pending, after, &task))
					break;
				after = task;
			}
			if (np == want)
				cut = 1;	/* more ahead than could start in one pass */
			else
				sj[np++] = one;
		}
	}
	free(cand);
	/* The job itself, by the same partition lookup (its strings interned
	 * for it, as a stored job's are). */
	struct job self = { .gpus = row->gpus, .cpus = row->cpus, .mem_mb = (uint64_t)row->mem_mb,
	    .exclusive = row->exclusive, .uid = row->uid, .time_limit_s = row->time_limit_s,
	    .id = row->id, .account = row->account, .qos = row->qos, .nomt = row->nomt,
	    .mem_all = row->mem_all, .cpus_req = row->cpus };
	self.partition = row->partition != NULL ? intern(row->partition) : NULL;
	self.user = row->user != NULL ? intern(row->user) : NULL;
	const char **own[] = { &self.gpu_type, &self.constraint, &self.nodelist, &self.exclude };
	const char *rows[] = { row->gpu_type, row->constraint, row->nodelist, row->exclude };
	for (size_t f = 0; f < 4; f++)
		*own[f] = rows[f] != NULL ? intern(rows[f]) : NULL;
	self.gpu_mem_mb = (uint32_t)row->gpu_mem_mb;
	self.gpu_share = (uint8_t)row->gpu_share;
	sched_job_of(&pp, &self, &sj[np]);	/* submit checked that one takes it */
	intern_release(self.partition);
	intern_release(self.user);
	for (size_t f = 0; f < 4; f++)
		intern_release(*own[f]);
	uint8_t *why = xmalloc(np + 1);
	memset(why, SCHED_R_PRIORITY, np + 1);	/* not looked at: Priority */
	struct sched_plan p = { .out = d, .cap = np + 1, .reason = why };
	plan(c, &pp, sn, sj, np + 1, &p);
	free(pp.masks);
	ctl_spread_free(pp.spread);
	ctl_limits_free(pp.lim);
	ctl_place_pass_free(pp.place);
	for (size_t i = 0; i < p.ndecisions; i++)
		if (d[i].job == np)
			t->node = d[i].node;
	if (t->node >= 0 && row->exclusive == JOB_EXCL_NODE) {
		/* The whole node, as ctl_alloc_view shows a running one. */
		const struct node *n = &c->nodes[t->node];
		t->row.cpus = n->probe.cpus;
		t->row.mem_mb = n->probe.mem_mb;
		t->row.gpus = (int32_t)node_gpu_count(n);
	}
	/* Its reason is the pass's; not looked at (or cut) is Priority. */
	int reason = cut ? SCHED_R_PRIORITY : why[np];
	free(why);
	if (t->node < 0 && reason > SCHED_R_LIMIT) {
		t->reason = sched_reason_name(reason);
		snprintf(t->why, sizeof t->why, "a limit of its account or QoS is reached: it "
		    "waits until their jobs end");
	} else if (t->node < 0 && reason == SCHED_R_PRIORITY) {
		t->reason = "Priority";
		snprintf(t->why, sizeof t->why, "%zu earlier job%s wait%s ahead of it", ahead,
		    ahead == 1 ? "" : "s", ahead == 1 ? "s" : "");
	} else if (t->node < 0 && row->exclusive != JOB_SHARED) {
		t->reason = "Resources";
		snprintf(t->why, sizeof t->why, "no node that fits it is free of %s jobs now",
		    row->exclusive == JOB_EXCL_NODE ? "other" : "other users'");
	} else if (t->node < 0) {
		t->reason = "Resources";
		snprintf(t->why, sizeof t->why, "no node has %d GPU%s, %d CPU%s and %" PRId64
		    " MB free now", (int)row->gpus, row->gpus == 1 ? "" : "s", (int)row->cpus,
		    row->cpus == 1 ? "" : "s", row->mem_mb);
	}
	free(d);
	free(sj);
	free(sn);
}

const char *ctl_pending_reason(struct ctl *c, const struct job *j)
{
	if (j->state != JOB_PENDING)
		return j->reason;
	const char *why = elig_reason(j->hold, j->dep_state, j->begin_time, ctl_now_wall(c));
	/* A service's begin time after a crash is its backoff (ctl_svc.c). */
	if (why != NULL && j->svc_name != NULL && j->attempt > 1 && strcmp(why, "BeginTime") == 0)
		return SVC_REASON_BACKOFF;
	if (why != NULL)
		return why;
	if (ctl_array_pending(j) && j->array->pending.throttle > 0 &&
	    ctl_array_active(c, j->id) >= j->array->pending.throttle)
		return "JobArrayTaskLimit";	/* Slurm's: the throttle is full */
	/* None of its partitions takes it (after a reconfigure). */
	const char *pr = part_reason(c->cfg, j->partition, j->user, ctl_job_account(c, j),
	    j->time_limit_s);
	if (pr != NULL)
		return pr;
	if ((pr = qos_reason(c->cfg, j->qos, j->time_limit_s)) != NULL)
		return pr;
	if (j->limit_reason != 0)	/* an account's or QoS's limit (ctl_schedule) */
		return limit_reason_name(j->limit_reason);
	/* The last pass's word (a job it did not reach: Priority). */
	if (j->sched_why != SCHED_R_RESOURCES) {
		const char *name = sched_reason_name(j->sched_why);
		return name != NULL ? name : "Priority";
	}
	/* Slurm's word for "the nodes it could run on are drained". */
	uint64_t mask[CTL_MASK_WORDS];
	int tier;
	if (c->cfg->nparts > 0)
		job_nodes(c, j->partition, j->user, ctl_job_account(c, j), j->time_limit_s, mask,
		    &tier);
	return ctl_drain_blocks(c, j, c->cfg->nparts > 0 ? mask : NULL) ? "ReqNodeNotAvail" :
	    "Resources";
}
