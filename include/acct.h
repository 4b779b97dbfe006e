/*
 * acct.h — the [account NAME] and [priority] sections of hosts.ini: their
 * keys, their checks, and who belongs to which account.
 *
 *   [account NAME]   users = alice, bob   (names, commas or blanks)
 *                    shares = N           (1..1000000, default 1)
 *                    parent = NAME        (another account; none: the root)
 *   [priority]       weight_age, weight_fairshare, weight_jobsize,
 *                    weight_partition, weight_qos, weight_xfactor
 *                    (0..1000000000), max_age, half_life (durations as
 *                    --time writes them), billing = H100:2, A100:1.5,
 *                    default:1 (the cost of one hour of a GPU whose probed
 *                    name holds that word; default for the others)
 *
 * The account limit keys (max_gpus, max_gpus_per_user, max_running_jobs,
 * ..., max_gpu_hours with period) are limit.h's, read by its table.
 *
 * A user belongs to every account whose users list names them; the first
 * in the file is their default.  A user no account names belongs to
 * "default" (an [account default] if the file has one, else an implicit
 * one at the root with 1 share).  Parents form a tree: a cycle or a parent
 * that does not exist is refused, naming the line.
 *
 * config.c owns the file and its lines; it hands this module the section
 * headers and pairs of these sections and prefixes FILE:LINE to the
 * messages returned here.  Pure: no I/O.
 *
 * Ownership: struct acct_conf is zeroed to start, filled by the acct_conf_*
 * calls, released by acct_conf_clear(); every string is its own.
 */
#ifndef HERD_ACCT_H
#define HERD_ACCT_H

#include <stddef.h>
#include <stdint.h>

#include "limit.h"

#define ACCT_MAX 1024		/* [account] sections */
#define ACCT_BILLING_MAX 32	/* billing entries */
#define ACCT_DEFAULT "default"

struct acct {
	char *name;
	char *users;		/* as written; NULL: none */
	char *parent_name;	/* NULL: the root */
	int parent;		/* index into accts, -1 the root (after finish) */
	int shares;
	int line;		/* its header */
	int keyline[4];		/* users, shares, parent, (unused): duplicate checks */
	struct limit_conf lim;	/* max_gpus, ... (limit.h) */
};

struct acct_billing {
	char type[32];		/* a word of the GPU's probed name, case-insensitive */
	double weight;
};

struct prio_conf {
	double weight_age, weight_fairshare, weight_jobsize;
	double weight_partition, weight_qos, weight_xfactor;
	int64_t max_age_s;	/* age factor reaches 1 there; default 7 days */
	int64_t half_life_s;	/* fair-share usage halves in this; default 7 days */
	struct acct_billing billing[ACCT_BILLING_MAX];
	size_t nbilling;
	double billing_default;	/* default 1 */
};

struct acct_conf {
	struct acct *accts;
	size_t naccts;
	int implicit_default;	/* "default" was added by acct_conf_finish */
	struct prio_conf prio;
	int prio_line;		/* [priority] header; 0: none */
	int pline[16];		/* line of each [priority] key set */
};

/* Which section a pair belongs to. */
enum { ACCT_SECT_ACCOUNT = 1, ACCT_SECT_PRIORITY = 2 };

/* [account NAME] at line: 0, or -1 with *err (no FILE:LINE). */
int acct_conf_account(struct acct_conf *a, const char *name, int line, char *err, size_t errsz);
/* [priority] at line. */
int acct_conf_priority(struct acct_conf *a, int line, char *err, size_t errsz);
/* One key = value of the section last opened. */
int acct_conf_pair(struct acct_conf *a, int sect, const char *key, const char *value, int line,
    char *err, size_t errsz);
/* After the last line: defaults, parents resolved, cycles refused.  -1 with
 * *err and *line (the line to name). */
int acct_conf_finish(struct acct_conf *a, int *line, char *err, size_t errsz);
void acct_conf_clear(struct acct_conf *a);
/* A deep copy (reconfigure keeps the new one). */
void acct_conf_copy(struct acct_conf *to, const struct acct_conf *from);
/* Whether two finished configurations say the same. */
int acct_conf_same(const struct acct_conf *x, const struct acct_conf *y);

/* The account index of that name, -1 none. */
int acct_find(const struct acct_conf *a, const char *name);
/* Whether the account's users list names user. */
int acct_has_user(const struct acct *ac, const char *user);
/*
 * The account a job of user runs under: `asked` if given and the user is
 * in it, else (asked NULL) their default.  NULL with *err: "alice is not in
 * account phys (alice's accounts: bio, chem)" or "no account ...".
 */
const char *acct_for_user(const struct acct_conf *a, const char *user, const char *asked,
    char *err, size_t errsz);

/* What an hour of one GPU of that probed name costs (billing). */
double acct_billing(const struct prio_conf *p, const char *gpu_name);

/* The defaults of [priority] (the values without the section). */
void prio_conf_defaults(struct prio_conf *p);

#endif
