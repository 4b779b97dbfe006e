/*
 * jobopt.h — the options of one submission, and the one table that maps
 * option spellings (herd's and Slurm's) onto them.  The command line of
 * `herd submit` and the #HERD/#SBATCH lines of a script both go through
 * jobopt_apply(), so an option means the same wherever it is written.
 *
 * Ownership: a struct jobopt is set up with jobopt_init() and released with
 * jobopt_clear(); every string in it is owned by it.
 */
#ifndef HERD_JOBOPT_H
#define HERD_JOBOPT_H

#include <stddef.h>
#include <stdint.h>

#define JOBOPT_NAME_MAX   256
#define JOBOPT_PATH_MAX   4096
#define JOBOPT_MAX_GPUS   64
#define JOBOPT_COMMENT_MAX 1024
#define JOBOPT_CLUSTERS_MAX 1024

/* --exclusive: who may share the job's node while it runs. */
enum { JOBOPT_SHARED = 0, JOBOPT_EXCL_NODE = 1, JOBOPT_EXCL_USER = 2 };

/* Bits of jobopt.set: which fields were given (command line wins). */
enum {
	JO_GPUS = 1 << 0, JO_CPUS = 1 << 1, JO_MEM = 1 << 2, JO_TIME = 1 << 3,
	JO_NAME = 1 << 4, JO_OUT = 1 << 5, JO_ERR = 1 << 6, JO_CHDIR = 1 << 7,
	JO_NTASKS = 1 << 8, JO_NTPN = 1 << 9, JO_ARRAY = 1 << 10, JO_REQUEUE = 1 << 11,
	JO_BEGIN = 1 << 12, JO_DEPEND = 1 << 13, JO_HOLD = 1 << 14, JO_NICE = 1 << 15,
	JO_SIGNAL = 1 << 19,
};
/* How herd submit behaves rather than what the job is (not sent to herdd). */
enum { JO_TEST_ONLY = 1 << 20, JO_WAIT = 1 << 21 };
/* --comment; --exclusive and --oversubscribe (one setting, as in sbatch:
 * the later wins); --clusters. */
enum { JO_COMMENT = 1 << 22, JO_SHARE = 1 << 23, JO_CLUSTERS = 1 << 24 };
/* -A/--account: herdd checks the user is in it (acct.h). */
enum { JO_ACCOUNT = 1 << 28 };
/* -p and --qos: names herdd checks against hosts.ini (partition.h). */
enum { JO_PARTITION = 1 << 25, JO_QOS = 1 << 26 };

/* Where a job may run (jobopt_place.h): --gpu-mem, --constraint, -w, -x;
 * --cpus-per-gpu.  The GPU type goes with JO_GPUS, --mem-per-cpu and
 * --mem-per-gpu with JO_MEM (one setting, as in sbatch). */
enum { JO_GPU_MEM = 1 << 16, JO_CONSTRAINT = 1 << 17, JO_NODELIST = 1 << 18,
	JO_EXCLUDE = 1 << 27, JO_CPG = 1 << 29, JO_GPU_SHARE = 1 << 30 };
/* --hint=nomultithread: a job's CPUs are whole cores (threads per core at
 * placement); the last bit of the unsigned set. */
#define JO_HINT (1u << 31)
/* Bits of jobopt.set2, the second word of `set` (the first is full). */
enum { JO2_MAIL_TYPE = 1 << 0, JO2_MAIL_USER = 1 << 1 };
/* What mem_mb counts until jobopt_finish() makes it the total. */
enum { JOBOPT_MEM_TOTAL = 0, JOBOPT_MEM_PER_CPU = 1, JOBOPT_MEM_PER_GPU = 2 };

/* --nice without a value, as sbatch. */
#define JOBOPT_NICE_DEFAULT 100

struct jobopt {
	unsigned set;		/* JO_* bits */
	int gpus;		/* whole GPUs, default 0 */
	int cpus;		/* CPUs per task, default 1 */
	int ntasks;		/* tasks, default 1: the job's CPUs are
				 * ntasks × cpus, on one node */
	int ntasks_per_node;	/* 0: not given; jobopt_finish() folds it
				 * into ntasks */
	uint64_t mem_mb;	/* 0: no memory request */
	int64_t time_limit_s;	/* 0: no limit */
	char *name;		/* NULL: derived from the script name */
	char *out_path;		/* NULL: herd-%j.out in the working dir */
	char *err_path;		/* NULL: same file as out */
	char *chdir;		/* NULL: the submitter's cwd */
	int test_only;		/* --test-only: check, say where it would run, queue nothing */
	int wait;		/* --wait (-W): return when the job ends, with its status */
	char *array;		/* --array as written (syntax checked), NULL: none */
	int requeue;		/* 1 (default, Slurm's JobRequeue=1): a node
				 * failure makes a new attempt; 0: NODE_FAIL */
	/* When it may start: checked here, computed by herdd (its clock and
	 * time zone, its queue). */
	char *begin;		/* --begin text, NULL: at once */
	char *dependency;	/* --dependency text, NULL: none */
	int hold;		/* --hold */
	int nice;		/* --nice, default 0 */
	char *signal;		/* --signal, canonical (sigspec.h), NULL: none */
	char *comment;		/* --comment, NULL: none (stored and shown) */
	int exclusive;		/* JOBOPT_SHARED, _EXCL_NODE, _EXCL_USER */
	int oversubscribe;	/* --oversubscribe asked (no effect: herd's
				 * nodes never oversubscribe) */
	char *clusters;		/* -M list as given; herdd checks the names */
	char *account;		/* -A, NULL: the user's default account */
	char *partition;	/* -p list as given ("a,b"), NULL: the default */
	char *qos;		/* --qos, NULL: none */
	char *gpu_type;		/* --gpus TYPE:N's TYPE (gputype.h), NULL: any */
	uint64_t gpu_mem_mb;	/* --gpu-mem: each GPU has at least this; 0: any */
	char *constraint;	/* --constraint as given (constraint.h), NULL: none */
	char *nodelist;		/* -w: one node (hostlist.h), NULL: any */
	char *exclude;		/* -x (hostlist.h), NULL: none */
	int mem_unit;		/* JOBOPT_MEM_*: what mem_mb counts */
	int cpus_per_gpu;	/* --cpus-per-gpu, 0: none (folded into cpus) */
	int gpu_share;		/* --gpu-share: part of one GPU, --gpu-mem of it */
	int mem_all;		/* --mem=0: all of the node's memory (mem_mb 0) */
	int nomt;		/* --hint=nomultithread: cpus are whole cores */
	unsigned set2;		/* JO2_* bits */
	unsigned mail_type;	/* --mail-type, MAIL_* (mailtype.h), 0: none */
	char *mail_user;	/* --mail-user, NULL: the submitter */
};

void jobopt_init(struct jobopt *o);
void jobopt_clear(struct jobopt *o);

/*
 * Option spellings.  "--NAME" is a long option, "-X" a short one; without
 * dashes, one letter is short and more is long (so "t" is -t, "time" is
 * --time).  A long name may be any unambiguous prefix of a name or alias
 * in the table, as with sbatch's getopt_long: an exact match wins
 * ("--cpus" is herd's own option, not a prefix of --cpus-per-task), and
 * prefixes that name one row through several spellings are one match
 * ("--tasks" is --tasks-per-node, an alias of --ntasks-per-node).
 *
 * jobopt_resolve() returns the canonical long name of `opt` (a static
 * string), or NULL with *err = "unknown option --x" or "ambiguous option
 * --c: --cpus, --cpus-per-task, ...".
 */
const char *jobopt_resolve(const char *opt, char *err, size_t errsz);

/*
 * Apply one option (spelled as above).  `value` may be NULL for an option
 * given without one.  When `keep_set` is non-zero a field already set is
 * left alone (directives never override the command line).
 *
 * Returns 0 applied (or accepted as what herd does anyway), 1 a known Slurm
 * option that changes nothing about where, when, whether or with what a job
 * runs and that herd does not act on (ignored; *err says which, for a
 * warning), -1 error (*err says what): a bad value, an unknown option, or
 * a known option that herd does not act on and that would change how the
 * job runs ("--partition=gpu is not supported yet: ...; remove it").
 */
int jobopt_apply(struct jobopt *o, const char *opt, const char *value,
    int keep_set, char *err, size_t errsz);

/*
 * After every option (command line and directives, merged): fold
 * --ntasks-per-node into ntasks and check the job's total CPUs,
 * ntasks × cpus.  0 ok, -1 with *err.
 */
int jobopt_finish(struct jobopt *o, char *err, size_t errsz);

/* Whether `opt` takes a value, for splitting "-t 5" vs "-t5"; 0 for an
 * unknown or ambiguous spelling and for an optional value. */
int jobopt_takes_value(const char *opt);

/* The table, for help texts: row i (0, 1, ... until it returns 0). */
enum { JOBOPT_ACTED, JOBOPT_NOOP, JOBOPT_WARNED, JOBOPT_REFUSED };
struct jobopt_row {
	const char *name;	/* canonical long name */
	char short_name;	/* 0: none */
	int kind;		/* JOBOPT_* */
	const char *why;	/* NULL for ACTED rows: why herd accepts
				 * (NOOP), ignores (WARNED), refuses */
};
int jobopt_row(size_t i, struct jobopt_row *out);

/*
 * A job's name or comment: not empty, at most `max` bytes, no control
 * bytes but newline and tab (a display escapes those).  0, or -1 with
 * *why = "control character in WHAT" and the like.  herdd checks a comment
 * with it again: a client may skip this one.
 */
int jobopt_check_label(const char *v, size_t max, const char *what, char *why,
    size_t whysz);

/*
 * herdd's check of -M: every name in the list must be its own cluster
 * `own` (or "all": herd has one).  0, or -1 with *err = "herd has one
 * cluster, 'lab'; job asks for 'other'".
 */
int jobopt_check_clusters(const char *list, const char *own, char *err,
    size_t errsz);

/* Copy every field set in `from` and not set in `to` into `to`. */
void jobopt_merge(struct jobopt *to, const struct jobopt *from);

/*
 * Slurm formats.  Sizes: "16G", "512M", "1T", "2048" (MB by default,
 * Slurm's unit) → MB.  Durations: "90" (minutes), "MM:SS", "H:MM:SS",
 * "D-H", "D-H:MM", "D-H:MM:SS" → seconds; "0", "infinite" and "unlimited"
 * → 0 (no limit).  0 on success, -1 with *err set.
 */
int parse_size_mb(const char *s, uint64_t *mb, char *err, size_t errsz);
int parse_duration_s(const char *s, int64_t *secs, char *err, size_t errsz);
/* "1-02:03:04" or "2:03:04" or "3:04"; buf of at least 32 bytes. */
void format_duration(int64_t secs, char *buf, size_t size);

#endif
