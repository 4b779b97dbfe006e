/*
 * partition.c — partitions and QoS: what a job may use, at submit and in
 * a scheduling pass.  See partition.h.
 *
 * Theory of operation.  A job stores the partitions it asked for as
 * written ("a,b"), and a pass asks again which of them take it now
 * (part_nodes()), so a reconfigure that changes a partition's nodes or
 * limits applies to the jobs already waiting: one no partition takes any
 * longer waits with Slurm's reason rather than being lost or run where it
 * was not meant to.  Lists are walked in place (words separated by commas
 * or blanks, as config.c's lists); a partition has at most
 * CONFIG_MAX_NODES names, a config at most CONFIG_MAX_PARTS partitions,
 * so every walk is small.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobopt.h"
#include "partition.h"
#include "util.h"

#define SEPS ", \t"

/* The next word of a list at *s (advanced past it); 0 at the end. */
static size_t next_word(const char **s, const char **w)
{
	*s += strspn(*s, SEPS);
	*w = *s;
	size_t n = strcspn(*s, SEPS);
	*s += n;
	return n;
}

static int in_list(const char *list, const char *name, size_t len)
{
	const char *w;
	size_t n;
	if (list == NULL)
		return 0;
	while ((n = next_word(&list, &w)) > 0)
		if (n == len && memcmp(w, name, n) == 0)
			return 1;
	return 0;
}

const struct part_conf *part_find(const struct config *c, const char *name, size_t len)
{
	for (size_t i = 0; i < c->nparts; i++)
		if (strlen(c->parts[i].name) == len && memcmp(c->parts[i].name, name, len) == 0)
			return &c->parts[i];
	return NULL;
}

const struct qos_conf *qos_find(const struct config *c, const char *name)
{
	for (size_t i = 0; i < c->nqos; i++)
		if (strcmp(c->qos[i].name, name) == 0)
			return &c->qos[i];
	return NULL;
}

int part_user_allowed(const struct part_conf *p, const char *user)
{
	return p->allow_users == NULL || (user != NULL && in_list(p->allow_users, user,
	    strlen(user)));
}

static const struct part_conf *default_part(const struct config *c)
{
	for (size_t i = 0; i < c->nparts; i++)
		if (c->parts[i].is_default)
			return &c->parts[i];
	return NULL;
}

/* "a, b, c" of every name in the config's table, for a message. */
static void names_of(const struct config *c, int qos, char *buf, size_t size)
{
	size_t n = qos ? c->nqos : c->nparts, used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++) {
		int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
		    qos ? c->qos[i].name : c->parts[i].name);
		used += w > 0 ? (size_t)w : 0;
	}
}

int part_account_allowed(const struct part_conf *p, const char *account)
{
	return p->allow_accounts == NULL || (account != NULL && in_list(p->allow_accounts,
	    account, strlen(account)));
}

/* Why p does not take the job (NULL: it does); detail in err. */
static const char *part_refuses(const struct part_conf *p, const char *user,
    const char *account, int64_t limit, char *err, size_t errsz)
{
	char a[32], b[32];
	if (!part_user_allowed(p, user)) {
		snprintf(err, errsz, "user %s may not use partition %s (its allow_users)",
		    user != NULL ? user : "?", p->name);
		return "PartitionConfig";
	}
	if (!part_account_allowed(p, account)) {
		snprintf(err, errsz, "account %s may not use partition %s (its allow_accounts: %s)",
		    account != NULL ? account : "?", p->name, p->allow_accounts);
		return "AccountNotAllowed";
	}
	if (p->max_time_s > 0 && (limit == 0 || limit > p->max_time_s)) {
		format_duration(p->max_time_s, a, sizeof a);
		if (limit == 0)
			snprintf(err, errsz, "a job without a time limit is over partition %s's "
			    "max_time %s (PartitionTimeLimit); give --time", p->name, a);
		else {
			format_duration(limit, b, sizeof b);
			snprintf(err, errsz, "--time=%s is over partition %s's max_time %s "
			    "(PartitionTimeLimit)", b, p->name, a);
		}
		return "PartitionTimeLimit";
	}
	return NULL;
}

/* Each partition named in req exists; the canonical list into *out. */
static int check_names(const struct config *c, const char *req, char **out, char *err,
    size_t errsz)
{
	struct buf b;
	const char *s = req, *w;
	char shown[80], names[256];
	size_t n;
	buf_init(&b, PART_LIST_MAX + 1);
	while ((n = next_word(&s, &w)) > 0) {
		if (part_find(c, w, n) == NULL) {
			char tmp[CONFIG_NAME_MAX + 2];
			snprintf(tmp, sizeof tmp, "%.*s", (int)(n <= CONFIG_NAME_MAX ? n :
			    CONFIG_NAME_MAX + 1), w);
			str_vis(shown, sizeof shown, tmp);
			names_of(c, 0, names, sizeof names);
			snprintf(err, errsz, "invalid partition specified: %s (partitions: %s)",
			    shown, names);
			buf_clear(&b);
			return -1;
		}
		if (!in_list(b.data, w, n))
			buf_printf(&b, "%s%.*s", b.len ? "," : "", (int)n, w);
	}
	if (b.len == 0) {
		snprintf(err, errsz, "-p names no partition");
		buf_clear(&b);
		return -1;
	}
	*out = buf_detach(&b, NULL);
	return 0;
}

static int check_qos(const struct config *c, const char *qos, int64_t limit, char *err,
    size_t errsz)
{
	char shown[80], names[256], a[32], b[32];
	if (qos == NULL)
		return 0;
	const struct qos_conf *q = qos_find(c, qos);
	if (q == NULL) {
		str_vis(shown, sizeof shown, qos);
		names_of(c, 1, names, sizeof names);
		if (c->nqos == 0)
			snprintf(err, errsz, "invalid qos specified: %s (hosts.ini has no [qos NAME])",
			    shown);
		else
			snprintf(err, errsz, "invalid qos specified: %s (QoS: %s)", shown, names);
		return -1;
	}
	if (q->max_time_s > 0 && (limit == 0 || limit > q->max_time_s)) {
		format_duration(q->max_time_s, a, sizeof a);
		format_duration(limit, b, sizeof b);
		snprintf(err, errsz, "%s%s is over QoS %s's max_time %s "
		    "(QOSMaxWallDurationPerJobLimit)%s", limit ? "--time=" : "a job without a time "
		    "limit", limit ? b : "", q->name, a, limit ? "" : "; give --time");
		return -1;
	}
	return 0;
}

int part_submit(const struct config *c, const char *req, const char *qos, const char *user,
    const char *account, int64_t *limit, char **stored, char *err, size_t errsz)
{
	*stored = NULL;
	if (c->nparts == 0 && req != NULL) {
		snprintf(err, errsz, "invalid partition specified: hosts.ini has no [partition "
		    "NAME]; every node is in the one default partition: leave out -p");
		return -1;
	}
	if (c->nparts > 0) {
		if (req != NULL && check_names(c, req, stored, err, errsz) != 0)
			return -1;
		if (req == NULL)
			*stored = xstrdup(default_part(c)->name);
		const char *s = *stored, *w;
		const struct part_conf *first = part_find(c, s, strcspn(s, ","));
		if (*limit == 0)
			*limit = first->default_time_s > 0 ? first->default_time_s :
			    first->max_time_s;
		const char *why = NULL;
		char first_err[HERD_ERRLEN];
		size_t n;
		int takes = 0;
		while ((n = next_word(&s, &w)) > 0 && !takes) {
			const char *r = part_refuses(part_find(c, w, n), user, account, *limit,
			    why == NULL ? first_err : err, why == NULL ? sizeof first_err : errsz);
			takes = r == NULL;
			why = why != NULL ? why : r;
		}
		if (!takes) {
			snprintf(err, errsz, "%s", first_err);
			free(*stored);
			*stored = NULL;
			return -1;
		}
	}
	if (check_qos(c, qos, *limit, err, errsz) != 0) {
		free(*stored);
		*stored = NULL;
		return -1;
	}
	return 0;
}

/* The partitions of a job: its own, or (stored NULL, older jobs) the default. */
static const char *job_parts(const struct config *c, const char *parts)
{
	const struct part_conf *d;
	if (parts != NULL)
		return parts;
	d = default_part(c);
	return d != NULL ? d->name : "";
}

static void add_nodes(const struct part_conf *p, const char *const *names, size_t nnames,
    uint64_t *mask)
{
	for (size_t k = 0; k < nnames; k++)
		if (names[k] != NULL && (p->all || in_list(p->nodes, names[k], strlen(names[k]))))
			mask[k / 64] |= 1ULL << (k % 64);
}

int part_nodes(const struct config *c, const char *parts, const char *user,
    const char *account, int64_t limit,
    const char *const *names, size_t nnames, uint64_t *mask, int *tier)
{
	const char *s = job_parts(c, parts), *w;
	char err[HERD_ERRLEN];
	size_t n;
	int takes = 0;
	memset(mask, 0, (nnames + 63) / 64 * sizeof *mask);
	*tier = 0;
	while ((n = next_word(&s, &w)) > 0) {
		const struct part_conf *p = part_find(c, w, n);
		if (p == NULL || part_refuses(p, user, account, limit, err, sizeof err) != NULL)
			continue;
		add_nodes(p, names, nnames, mask);
		if (!takes || p->priority_tier > *tier)
			*tier = p->priority_tier;
		takes++;
	}
	return takes;
}

void part_share_nodes(const struct config *c, const char *parts,
    const struct node_conf *const *nodes, size_t n, uint64_t *share, uint64_t *kill)
{
	const char *names[CONFIG_MAX_NODES], *s = job_parts(c, parts), *w;
	size_t len, words = (n + 63) / 64;
	memset(share, 0, words * sizeof *share);
	memset(kill, 0, words * sizeof *kill);
	for (size_t k = 0; k < n && k < CONFIG_MAX_NODES; k++) {
		names[k] = nodes[k] != NULL ? nodes[k]->name : NULL;
		if (nodes[k] != NULL && nodes[k]->gpu_share)
			share[k / 64] |= 1ULL << (k % 64);
		if (nodes[k] != NULL && nodes[k]->gpu_share_enforce)
			kill[k / 64] |= 1ULL << (k % 64);
	}
	while (c->nparts > 0 && (len = next_word(&s, &w)) > 0) {
		const struct part_conf *p = part_find(c, w, len);
		if (p != NULL && p->gpu_share)
			add_nodes(p, names, n < CONFIG_MAX_NODES ? n : CONFIG_MAX_NODES, share);
		if (p != NULL && p->gpu_share_enforce)
			add_nodes(p, names, n < CONFIG_MAX_NODES ? n : CONFIG_MAX_NODES, kill);
	}
}

int part_idle_timeout(const struct config *c, const char *parts, const char *node)
{
	const char *s = job_parts(c, parts), *w;
	size_t len;
	while (c->nparts > 0 && (len = next_word(&s, &w)) > 0) {
		const struct part_conf *p = part_find(c, w, len);
		if (p != NULL && (p->all || in_list(p->nodes, node, strlen(node))))
			return p->idle_timeout_s;
	}
	return 0;
}

int part_services_refused(const struct config *c, const char *parts, int named, char *err,
    size_t errsz)
{
	const char *s = job_parts(c, parts), *w;
	size_t len;
	/* Any of them, not all: the pass may place a job on any partition it
	 * names, and a lab that says no means none of its GPUs. */
	while (c->nparts > 0 && (len = next_word(&s, &w)) > 0) {
		const struct part_conf *p = part_find(c, w, len);
		if (p == NULL || p->services)
			continue;
		if (named)
			snprintf(err, errsz, "partition %s takes no services (services = no in "
			    "hosts.ini: its GPUs are kept for batch jobs); give -p another "
			    "partition", p->name);
		else
			snprintf(err, errsz, "the default partition %s takes no services "
			    "(services = no in hosts.ini: its GPUs are kept for batch jobs); "
			    "give -p a partition that does", p->name);
		return -1;
	}
	return 0;
}

double part_prio_factor(const struct config *c, const char *parts, const char *user,
    const char *account, int64_t limit)
{
	const char *s, *w;
	char err[HERD_ERRLEN];
	int most = 0, mine = 0;
	size_t n;
	for (size_t i = 0; i < c->nparts; i++)
		if (c->parts[i].priority_job_factor > most)
			most = c->parts[i].priority_job_factor;
	if (most == 0)
		return 0;
	s = job_parts(c, parts);
	while ((n = next_word(&s, &w)) > 0) {
		const struct part_conf *p = part_find(c, w, n);
		if (p != NULL && part_refuses(p, user, account, limit, err, sizeof err) == NULL &&
		    p->priority_job_factor > mine)
			mine = p->priority_job_factor;
	}
	return (double)mine / most;
}

double qos_prio_factor(const struct config *c, const char *qos)
{
	const struct qos_conf *q = qos != NULL ? qos_find(c, qos) : NULL;
	int most = 0;
	for (size_t i = 0; i < c->nqos; i++)
		if (c->qos[i].priority > most)
			most = c->qos[i].priority;
	return q != NULL && most > 0 ? (double)q->priority / most : 0;
}

const char *part_reason(const struct config *c, const char *parts, const char *user,
    const char *account, int64_t limit)
{
	const char *s, *w, *why = NULL;
	char err[HERD_ERRLEN];
	size_t n;
	if (c->nparts == 0)
		return NULL;
	s = job_parts(c, parts);
	while ((n = next_word(&s, &w)) > 0) {
		const struct part_conf *p = part_find(c, w, n);
		const char *r = p == NULL ? "PartitionConfig" : part_refuses(p, user, account, limit,
		    err, sizeof err);
		if (r == NULL)
			return NULL;
		if (why == NULL)
			why = r;
	}
	return why != NULL ? why : "PartitionConfig";
}

const char *qos_reason(const struct config *c, const char *qos, int64_t limit)
{
	if (qos == NULL)
		return NULL;
	const struct qos_conf *q = qos_find(c, qos);
	if (q == NULL)
		return "InvalidQOS";
	if (q->max_time_s > 0 && (limit == 0 || limit > q->max_time_s))
		return "QOSMaxWallDurationPerJobLimit";
	return NULL;
}

void part_of_node(const struct config *c, const char *name, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < c->nparts && used < size; i++) {
		const struct part_conf *p = &c->parts[i];
		if (!p->all && !in_list(p->nodes, name, strlen(name)))
			continue;
		int w = snprintf(buf + used, size - used, "%s%s", used ? "," : "", p->name);
		used += w > 0 ? (size_t)w : 0;
	}
	if (used == 0)
		snprintf(buf, size, "%s", c->nparts == 0 ? "" : "-");
}
