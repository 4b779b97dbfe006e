/*
 * doctor.h — herd doctor's pure half: the program it sends to a node, the
 * parser of that program's answer, and the judgement of each check (ok,
 * what was seen, how to fix it).  No I/O here: cmd_doctor.c connects,
 * measures and prints; everything that decides is here and unit-tested.
 *
 * The node program (doctor_script) runs in the node's `/bin/sh -s` after
 * the probe script (probe.h) and prints "key value" lines, then "dend":
 *
 *   tool NAME PATH|-        each program the node side runs (DOCTOR_TOOLS)
 *   driver VERSION|-        nvidia-smi's driver_version (first GPU)
 *   mig MODES|-             mig.mode.current of each GPU, comma-separated
 *   linger yes|no|-         loginctl show-user USER -p Linger
 *   killuser yes|no|-       logind's KillUserProcesses
 *   killexclude USERS|-     logind's KillExcludeUsers
 *   user NAME               id -un
 *   time EPOCH              date +%s
 *   disk AVAIL_KB PATH      df -Pk of the herd directory (or the nearest
 *                           directory above it that exists)
 *   jobfile NAME            a file in DIR/jobs (at most DOCTOR_JOBFILES_SHOWN)
 *   dend
 *
 * Ownership: struct doctor_facts and struct doctor_report are plain values
 * (fixed-size arrays); nothing to free.
 */
#ifndef HERD_DOCTOR_H
#define HERD_DOCTOR_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct probe_result;

#define DOCTOR_TOOLS "mkdir chmod setsid tail od sed df"
#define DOCTOR_NTOOLS 7
#define DOCTOR_JOBFILES_SHOWN 200
#define DOCTOR_MAX_CLUSTERS 8
#define DOCTOR_OUTPUT_MAX (64 * 1024)
#define DOCTOR_SKEW_MAX_S 5		/* clock skew above this is a problem */
#define DOCTOR_LOGIN_SLOW_MS 1000	/* a login shell slower than this is a problem */

struct doctor_facts {
	int tool_found[DOCTOR_NTOOLS];	/* -1 not reported, 0 missing, 1 found */
	char driver[64];		/* "" unknown */
	char mig[256];			/* "Enabled,Disabled", "" unknown */
	int linger;			/* 1 yes, 0 no, -1 unknown (no loginctl) */
	int killuser;			/* the same */
	char killexclude[256];
	char user[64];
	int64_t time;			/* node's epoch seconds, -1 unknown */
	int64_t disk_kb;		/* available, -1 unknown */
	char disk_path[512];
	char clusters[DOCTOR_MAX_CLUSTERS][64];	/* other than ours, from job files */
	size_t nclusters;
	int own_jobs;			/* job files of our cluster */
	int ended;			/* "dend" seen */
};

/* One check: a short name ("host_key"), whether it passed, what was seen,
 * and, when it did not pass, what to do ("" when there is nothing to fix). */
struct doctor_check {
	char name[24];
	int ok;
	char detail[1024];
	char fix[1024];
};

#define DOCTOR_MAX_CHECKS 32
struct doctor_report {
	struct doctor_check c[DOCTOR_MAX_CHECKS];
	size_t n;
	int nfail;
};

/* What the judgement needs to know besides the node's answer. */
struct doctor_ctx {
	const char *node;	/* names in fixes */
	const char *host;
	const char *user;	/* hosts.ini's user (NULL: ours) */
	const char *cluster;
	const char *herd_dir;
	int port;
	const char *known_hosts;
	const char *identity;	/* NULL: ssh-agent or ~/.ssh/id_* */
	int cpu_only;		/* hosts.ini says the node has no GPUs */
	int64_t min_free_kb;	/* 0: no minimum */
	const char *min_free_src;	/* where it came from, named in the message; NULL: none */
	int64_t local_time;	/* our epoch seconds halfway through the round trip */
};

/* The node program for herd_dir and cluster (both shquote'd); 0, or -1 if
 * it does not fit in out. */
int doctor_script(struct buf *out, const char *herd_dir, const char *cluster);

/* Parse doctor_script's answer.  0, or -1 with *err (an answer without
 * "dend" was cut short).  Unknown keys are ignored. */
int doctor_parse(const char *text, size_t len, const char *cluster, struct doctor_facts *f,
    char *err, size_t errsz);

/* Add a check (printf-style detail; fix NULL when ok). */
void doctor_add(struct doctor_report *r, const char *name, int ok, const char *fix,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * The SSH connection: tcp, host_key and auth from the step that failed
 * (ssh.h's enum ssh_stage, SSH_STAGE_OK: none) and its message.
 */
void doctor_judge_ssh(struct doctor_report *r, const struct doctor_ctx *x, int stage,
    const char *err);

/* The login shell: `noise` is what it printed before our first command
 * (escaped by the caller), ms how long that took. */
void doctor_judge_login(struct doctor_report *r, const struct doctor_ctx *x,
    const char *noise, size_t noise_lines, int64_t ms);

/* Every check that follows from the probe's and the doctor program's answers. */
void doctor_judge_node(struct doctor_report *r, const struct doctor_ctx *x,
    const struct probe_result *p, const struct doctor_facts *f);

#endif
