/*
 * jobcols.c — a job listing in the columns the user named.
 *
 * Theory of operation: one table of columns serves herd queue and herd
 * history, by name (--format) and by squeue's letter (-o), so a column
 * means the same thing in every listing and form; listfmt.c parses the
 * user's text against this table, and jobcol_value() makes each cell from
 * the "job" frame herdd sent (the controller answers with data; text is
 * the client's).  Times a job ran are measured the same way everywhere:
 * from its start to its end, or to now while it runs; GPU-hours are its
 * GPUs times that (its latest attempt: earlier ones are their own rows in
 * herd history's default view).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "job.h"
#include "jobcols.h"
#include "proto.h"
#include "svc_health.h"
#include "util.h"

enum {
	C_ID, C_PART, C_NAME, C_USER, C_UID, C_ACCOUNT, C_STATE, C_ST, C_TIME, C_ELAPSED,
	C_LIMIT, C_NODES, C_NODE, C_REASON, C_NODE_REASON, C_GPUS, C_GRES, C_CPUS, C_MEM,
	C_SUBMIT, C_START, C_END, C_EXIT, C_GPUH, C_ATTEMPT, C_QOS, C_COMMENT, C_DEP,
	C_WORKDIR, C_ARRAY_JOB, C_ARRAY_TASK, C_KIND, C_SERVICE, C_RESTARTS, C_HEALTH, C_ENDPOINT,
	C_COUNT
};

/* Letters as squeue 22.05 has them; 0 where squeue has no such field. */
const struct listfmt_col jobcols[] = {
	[C_ID] = { "id", 'i', "JOBID" },
	[C_PART] = { "partition", 'P', "PARTITION" },
	[C_NAME] = { "name", 'j', "NAME" },
	[C_USER] = { "user", 'u', "USER" },
	[C_UID] = { "uid", 'U', "UID" },
	[C_ACCOUNT] = { "account", 'a', "ACCOUNT" },
	[C_STATE] = { "state", 'T', "STATE" },
	[C_ST] = { "st", 't', "ST" },
	[C_TIME] = { "time", 'M', "TIME" },
	[C_ELAPSED] = { "elapsed", 0, "ELAPSED" },
	[C_LIMIT] = { "timelimit", 'l', "TIME_LIMIT" },
	[C_NODES] = { "nodes", 'D', "NODES" },
	[C_NODE] = { "node", 'N', "NODELIST" },
	[C_REASON] = { "reason", 'r', "REASON" },
	[C_NODE_REASON] = { "nodelist_reason", 'R', "NODELIST(REASON)" },
	[C_GPUS] = { "gpus", 0, "GPUS" },
	[C_GRES] = { "tres_per_node", 'b', "TRES_PER_NODE" },
	[C_CPUS] = { "cpus", 'C', "CPUS" },
	[C_MEM] = { "mem", 'm', "MIN_MEMORY" },
	[C_SUBMIT] = { "submit", 'V', "SUBMIT_TIME" },
	[C_START] = { "start", 'S', "START_TIME" },
	[C_END] = { "end", 'e', "END_TIME" },
	[C_EXIT] = { "exitcode", 0, "EXITCODE" },
	[C_GPUH] = { "gpuhours", 0, "GPU_HOURS" },
	[C_ATTEMPT] = { "attempt", 0, "ATTEMPT" },
	[C_QOS] = { "qos", 'q', "QOS" },
	[C_COMMENT] = { "comment", 'k', "COMMENT" },
	[C_DEP] = { "dependency", 'E', "DEPENDENCY" },
	[C_WORKDIR] = { "workdir", 'Z', "WORK_DIR" },
	[C_ARRAY_JOB] = { "arrayjobid", 'F', "ARRAY_JOB_ID" },
	[C_ARRAY_TASK] = { "arraytaskid", 'K', "ARRAY_TASK_ID" },
	[C_KIND] = { "kind", 0, "KIND" },	/* herd's: batch or service */
	/* herd service's, blank for a batch job */
	[C_SERVICE] = { "service", 0, "SERVICE" },
	[C_RESTARTS] = { "restarts", 0, "RESTARTS" },
	[C_HEALTH] = { "health", 0, "HEALTH" },
	[C_ENDPOINT] = { "endpoint", 0, "ENDPOINT" },
};
const size_t njobcols = C_COUNT;

/* Seconds it ran: start to end, or to now while it runs; -1 never started. */
static int64_t ran_s(const struct msg *m, int64_t now)
{
	int64_t s = msg_geti(m, "start_time", 0), e = msg_geti(m, "end_time", 0);
	if (s <= 0)
		return -1;
	if (e <= 0)
		e = now;
	return e >= s ? e - s : 0;
}

static const char *num(char *buf, size_t size, int64_t v)
{
	snprintf(buf, size, "%" PRId64, v);
	return buf;
}

static const char *str(const struct msg *m, const char *key, const char *none)
{
	const char *v = msg_get(m, key, NULL);
	return v != NULL && *v != '\0' ? v : none;
}

static const char *state_col(size_t col, const struct msg *m, char *buf, size_t size)
{
	const char *st = str(m, "state", "");
	for (int i = 0; col == C_ST && i < JOB_NSTATES; i++)
		if (strcmp(st, job_state_name(i)) == 0 && job_state_short(i) != NULL)
			return job_state_short(i);
	snprintf(buf, size, "%s", st);
	return buf;
}

/* How long and how much: the columns measured from the job's times. */
static const char *measure(size_t col, const struct msg *m, int64_t now, char *buf, size_t size)
{
	int64_t ran = ran_s(m, now), lim;
	switch (col) {
	case C_TIME:
		fmt_dhms(buf, size, ran < 0 ? 0 : ran);
		return buf;
	case C_ELAPSED:
		fmt_dhms(buf, size, ran);
		return buf;
	case C_LIMIT:
		lim = msg_geti(m, "time_limit", 0);
		if (lim <= 0)
			return "UNLIMITED";
		fmt_dhms(buf, size, lim);
		return buf;
	case C_GPUH:
		snprintf(buf, size, "%.2f", ran < 0 ? 0.0 : (double)msg_geti(m, "ngpus", 0) *
		    (double)ran / 3600.0);
		return buf;
	}
	return "";
}

static const char *when(const struct msg *m, const char *key, char *buf, size_t size)
{
	fmt_time(buf, size, msg_geti(m, key, 0));
	return buf;
}

static const char *where(size_t col, const struct msg *m, char *buf, size_t size)
{
	const char *node = str(m, "node", NULL), *reason = str(m, "reason", NULL);
	if (col == C_NODE)
		return node ? node : "";
	if (col == C_REASON)
		return reason ? reason : "None";
	if (strcmp(str(m, "state", ""), "PENDING") == 0 || node == NULL) {
		snprintf(buf, size, "(%s)", reason ? reason : "None");
		return buf;
	}
	return node;
}

/* A service's own columns: its name, restarts, health, node:port. */
static const char *service_col(size_t col, const struct msg *m, char *buf, size_t size)
{
	const char *node = str(m, "node", NULL);
	int64_t port = msg_geti(m, "port", 0);
	if (msg_get(m, "service", NULL) == NULL)
		return "";
	switch (col) {
	case C_SERVICE: return str(m, "service", "");
	case C_RESTARTS: return num(buf, size, msg_geti(m, "restarts", 0));
	case C_HEALTH: return msg_geti(m, "health", 0) != 0 ?
	    svc_health_name((int)msg_geti(m, "health", 0)) : "-";
	case C_ENDPOINT:
		if (node == NULL || port <= 0 || strcmp(str(m, "state", ""), "RUNNING") != 0)
			return "-";
		snprintf(buf, size, "%s:%" PRId64, node, port);
		return buf;
	}
	return "";
}

const char *jobcol_value(size_t col, const struct msg *m, int64_t now, char *buf, size_t size)
{
	int64_t g = msg_geti(m, "ngpus", 0);
	switch (col) {
	case C_ID: job_display_id(buf, size, m); return buf;
	case C_PART: return str(m, "partition", "");
	case C_NAME: return str(m, "name", "");
	case C_USER: return str(m, "user", "");
	case C_UID: return str(m, "uid", "");
	case C_ACCOUNT: return str(m, "account", "");
	case C_STATE: case C_ST: return state_col(col, m, buf, size);
	case C_TIME: case C_ELAPSED: case C_LIMIT: case C_GPUH: return measure(col, m, now, buf, size);
	case C_NODES: return "1";	/* a herd job runs on one node */
	case C_NODE: case C_REASON: case C_NODE_REASON: return where(col, m, buf, size);
	case C_GPUS: return num(buf, size, g);
	case C_GRES:
		if (g <= 0)
			return "N/A";
		snprintf(buf, size, "gres:gpu:%" PRId64, g);
		return buf;
	case C_CPUS: return num(buf, size, msg_geti(m, "cpus", 1));
	case C_MEM:
		snprintf(buf, size, "%" PRId64 "M", msg_geti(m, "mem_mb", 0));
		return buf;
	case C_SUBMIT: return when(m, "submit_time", buf, size);
	case C_START: return when(m, "start_time", buf, size);
	case C_END: return when(m, "end_time", buf, size);
	case C_EXIT: job_exit_format((int32_t)msg_geti(m, "exit_code", -1), buf, size); return buf;
	case C_ATTEMPT: return num(buf, size, msg_geti(m, "attempt", 1));
	case C_QOS: return str(m, "qos", "");
	case C_COMMENT: return str(m, "comment", "");
	case C_DEP: return str(m, "dependency", "");
	case C_WORKDIR: return str(m, "workdir", "");
	case C_ARRAY_JOB: return num(buf, size, msg_geti(m, "array_job_id", -1) > 0 ?
	    msg_geti(m, "array_job_id", 0) : msg_geti(m, "id", 0));
	case C_ARRAY_TASK:
		if (msg_geti(m, "array_task_id", -1) < 0)
			return "N/A";
		return num(buf, size, msg_geti(m, "array_task_id", 0));
	case C_KIND: return job_kind(m);
	case C_SERVICE: case C_RESTARTS: case C_HEALTH: case C_ENDPOINT:
		return service_col(col, m, buf, size);
	}
	return "";
}

/* ---- printing ---- */

#define CELL_MAX 512

struct cols_ctx {
	const struct listfmt *f;
	const struct job_filter *filter;
	struct table *t;	/* named columns; NULL: squeue lines */
	int64_t now;
};

/* The frame's text for each field of the spec, in buf's slots. */
static void cells(const struct cols_ctx *x, const struct msg *m,
    char buf[][CELL_MAX], const char **vals)
{
	for (size_t i = 0; i < x->f->n; i++) {
		const struct listfmt_item *it = &x->f->item[i];
		if (it->col < 0)
			continue;
		char tmp[CELL_MAX];
		const char *v = jobcol_value((size_t)it->col, m, x->now, tmp, sizeof tmp);
		if (x->t != NULL) {	/* a table escapes its own cells */
			snprintf(buf[i], CELL_MAX, "%s", v);
			if (it->width > 0 && strlen(buf[i]) > (size_t)it->width)
				buf[i][it->width] = '\0';	/* as sacct's NAME%WIDTH cuts */
		} else
			str_vis(buf[i], CELL_MAX, v);	/* listfmt_line cuts to the width */
		vals[i] = buf[i];
	}
}

static int cols_each(void *arg, const struct msg *m)
{
	struct cols_ctx *x = arg;
	static char buf[LISTFMT_ITEMS_MAX][CELL_MAX];
	const char *vals[LISTFMT_ITEMS_MAX] = { 0 };
	if (x->filter != NULL && !job_filter_match(x->filter, m))
		return 0;
	cells(x, m, buf, vals);
	if (x->t != NULL) {
		const char *row[LISTFMT_ITEMS_MAX];
		for (size_t i = 0; i < x->f->n; i++)
			row[i] = vals[i];
		table_add(x->t, row);
		return 0;
	}
	const char *bycol[C_COUNT] = { 0 };
	char line[LISTFMT_ITEMS_MAX * (CELL_MAX + 8)];
	for (size_t i = 0; i < x->f->n; i++)
		if (x->f->item[i].col >= 0)
			bycol[x->f->item[i].col] = vals[i];
	listfmt_line(x->f, bycol, line, sizeof line);
	printf("%s\n", line);
	return 0;
}

int jobcols_list(const struct msg *req, const struct listfmt *f, int named, int noheader,
    const struct job_filter *filter)
{
	struct cols_ctx x = { f, filter, NULL, wall_s() };
	const char *hdr[LISTFMT_ITEMS_MAX];
	for (size_t i = 0; i < f->n; i++)
		hdr[i] = f->item[i].col >= 0 ? jobcols[f->item[i].col].header : "";
	if (named) {
		x.t = table_new((int)f->n, hdr);
		table_set_header(x.t, !noheader);
	} else if (!noheader) {
		const char *bycol[C_COUNT] = { 0 };
		char line[LISTFMT_ITEMS_MAX * (CELL_MAX + 8)];
		for (size_t i = 0; i < f->n; i++)
			if (f->item[i].col >= 0)
				bycol[f->item[i].col] = hdr[i];
		listfmt_line(f, bycol, line, sizeof line);
		printf("%s\n", line);
	}
	int rc = cmd_stream(req, cols_each, &x);
	if (x.t != NULL) {
		if (rc == 0)
			table_print(x.t, stdout);
		table_free(x.t);
	}
	return rc;
}
