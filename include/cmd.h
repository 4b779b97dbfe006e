/*
 * cmd.h — the `herd` subcommands and what they share.
 *
 * Each subcommand lives in its own cmd_NAME.c, owns its entry (name, usage
 * line, summary, full help text) and returns the process exit status.
 * herd.c lists the entries in cmd_table; `herd --help`, `herd help NAME`
 * and every error message about an option are made from them.
 *
 * Options are parsed by cmd_getopt, getopt_long with herd's messages, so
 * every subcommand takes `-n1`, `-n 1`, `--opt=value` and `--opt value`
 * alike and names an unknown option the same way.
 */
#ifndef HERD_CMD_H
#define HERD_CMD_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include "proto.h"

struct cmd_entry {
	const char *name;
	const char *usage;	/* "queue [options]": the line after "usage: herd " */
	const char *summary;
	const char *help;	/* the options, one per line; NULL: fn prints its own */
	int (*fn)(int argc, char **argv);
};

/* herd.c: every entry, NULL-terminated. */
extern const struct cmd_entry *const cmd_table[];

extern const struct cmd_entry cmd_queue_entry, cmd_nodes_entry, cmd_show_entry,
    cmd_history_entry, cmd_acct_entry, cmd_cancel_entry, cmd_wait_entry, cmd_requeue_entry, cmd_update_entry;
extern const struct cmd_entry cmd_reconfigure_entry;
extern const struct cmd_entry cmd_register_entry;
extern const struct cmd_entry cmd_unregister_entry;
extern const struct cmd_entry cmd_hold_entry, cmd_release_entry;
extern const struct cmd_entry cmd_audit_entry;
extern const struct cmd_entry cmd_priority_entry;
extern const struct cmd_entry cmd_usage_entry;
extern const struct cmd_entry cmd_logs_entry;
extern const struct cmd_entry cmd_drain_entry, cmd_resume_entry;
extern const struct cmd_entry cmd_sim_entry;
extern const struct cmd_entry cmd_doctor_entry;
extern const struct cmd_entry cmd_init_entry;
extern const struct cmd_entry cmd_completion_entry;
extern const struct cmd_entry cmd_top_entry;
extern const struct cmd_entry cmd_ssh_entry, cmd_run_entry, cmd_alloc_entry;
extern const struct cmd_entry cmd_portfwd_entry;
extern const struct cmd_entry cmd_sshcfg_entry, cmd_sshproxy_entry;
extern const struct cmd_entry cmd_service_entry;
/* herd.c: herd's own options, before the command (completion reads them). */
extern const struct option herd_global_options[];
extern const char herd_global_shortopts[];

int cmd_submit(int argc, char **argv);
int cmd_service(int argc, char **argv);
/* herd port-forward NAME: the caller's running service NAME's replicas
 * ready for a connection (RUNNING, healthy, with a port, not drained by a
 * roll; svc_list.h), their job ids and ports (at most max); how many, or
 * -1 said on stderr (no running service of that name).  *active: its
 * active jobs (0: it has ended). */
int cmd_service_ready(const char *name, int64_t *ids, int *ports, int max, int *active);
/*
 * herd run's (verb "run") or herd alloc's ("alloc") job: argv's submit
 * options up to CMD (or "--"; alloc's CMD may be absent), with the holder
 * (stream_node_holder) as its batch script and `name` unless -J names it;
 * options neither can act on are refused.  0 with *idp and *cmd (CMD's
 * index in argv), or the status to exit with (said why).
 */
int submit_for_run(int argc, char **argv, const char *verb, const char *name, int *cmd,
    long long *idp);
/*
 * herd service start's job (cmd_service.c): argv[1..] submit options, then
 * "--" and CMD [ARGS] (its batch script execs them), or a script and its
 * arguments (its #HERD lines read as herd submit reads them, service
 * options into so where so has not set them); what a service cannot act on
 * is refused.  0 with *idp, or the status to exit with (said why).
 */
struct svcopt;
int submit_for_service(int argc, char **argv, struct svcopt *so, long long *idp);
/* Wait for job id to run, saying why it waits (said: the queued line was
 * printed already, print again only for a reason); 0, or the status to
 * exit with (said why).  Ctrl-C cancels the job. */
int run_wait_start(long long id, int said);
/* herd submit as sbatch: an unknown option is sbatch's message, status 255. */
int cmd_sbatch(int argc, char **argv);
/* cmd (herd submit, run or alloc) under Slurm's name for it: an unknown
 * submit option is that name's message, status 255. */
int cmd_submit_as(const char *name, int (*cmd)(int, char **), int argc, char **argv);
/* When set, cmd_send_ids says nothing of a job whose answer it calls quiet
 * (scancel: an unknown job is no error). */
extern int (*cmd_result_quiet)(const char *why);
int cmd_queue(int argc, char **argv);
int cmd_nodes(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_cancel(int argc, char **argv);
int cmd_wait(int argc, char **argv);
int cmd_reconfigure(int argc, char **argv);
int cmd_register(int argc, char **argv);
int cmd_unregister(int argc, char **argv);
int cmd_requeue(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_hold(int argc, char **argv);
int cmd_release(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_priority(int argc, char **argv);
int cmd_usage(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_drain(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
/* herd init: herd doctor's checks of one node (cluster: its name), printed
 * as herd doctor prints them; the report in *r; how many failed. */
struct doctor_report;
struct node_conf;
int cmd_doctor_node(const char *cluster, const struct node_conf *nc, struct doctor_report *r);
int cmd_init(int argc, char **argv);
int cmd_completion(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_ssh(int argc, char **argv);
int cmd_portfwd(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_alloc(int argc, char **argv);
int cmd_sshcfg(int argc, char **argv);
int cmd_sshproxy(int argc, char **argv);
/* herd drain / resume: one request of `type` naming the nodes argv[first..argc)
 * (reason: NULL none); prints herdd's line per node, or with json one array
 * of {"node", "ok", "state", "message"} ({"node", "ok": false, "error"} for
 * each name when herdd refused: it changes all or none).  0, 1 refused, 2 usage. */
int cmd_node_command(const struct cmd_entry *ce, const char *type, const char *reason,
    int json, int argc, char **argv, int first);
/* Ids per request: a frame holds PROTO_FIELDS_MAX fields, two per id. */
#define CMD_ID_CHUNK 1000
/*
 * One request of `type` with ids (and "ref"s: array tasks), answered by a
 * result line per id; 0, or 1 if herdd refused any (each refusal printed).
 * others non-NULL: herdd leaves other users' jobs among the ids alone
 * (others=skip: ids a filter picked) and their count is added to *others.
 */
int cmd_send_ids(const char *type, const int64_t *ids, size_t n, char *const *refs,
    size_t nrefs, int64_t *others);
/*
 * --json of the per-job commands: between cmd_ids_json_begin() and _end()
 * every result cmd_send_ids gets is also an element of one JSON array on
 * stdout, {"job": "ID", "ok": true} or {"job": "ID", "ok": false, "error":
 * "why"}, over as many requests as the ids took.  Refusals still go to
 * stderr and the exit status, as without --json.
 */
void cmd_ids_json_begin(void);
void cmd_ids_json_end(void);
/* A `herd TYPE ID...` command with only --json and --help (hold, release,
 * requeue). */
int cmd_ids_command(const struct cmd_entry *ce, const char *type, int argc, char **argv);

/* Full help of a subcommand (usage, summary, options) to f. */
void cmd_help(const struct cmd_entry *ce, FILE *f);
/* The "commands:" list of `herd help`: names in a column as wide as the
 * longest name in `table` (NULL-terminated), then the summaries. */
void cmd_help_list(const struct cmd_entry *const *table, FILE *f);

/*
 * Options.  Call cmd_getopt_start() once, then cmd_getopt() until it
 * returns -1; optind is then the first operand (options and operands may
 * mix: getopt_long permutes).  Add CMD_HELP_OPTION to the long options:
 * --help returns CMD_OPT_HELP after printing the full help to stdout (the
 * caller returns 0).  A bad option returns '?' after printing
 * "herd NAME: unknown option --xyz" (or "option --x needs a value", "takes
 * no value") and the usage line to stderr (the caller returns 2).
 */
#define CMD_OPT_HELP 0x100
#define CMD_HELP_OPTION { "help", no_argument, NULL, CMD_OPT_HELP }
/* Whether herd update takes this key (herd's, scontrol's or the submit
 * option's name): scontrol update refuses the others itself. */
int update_key_known(const char *key);
/* Run under a Slurm name (slurmname.c): a bad option is said in Slurm's
 * words under that name and sets cmd_slurm_refused (the status is 255). */
extern const char *cmd_slurm_name;
extern int cmd_slurm_refused;
void cmd_getopt_start(void);
int cmd_getopt(const struct cmd_entry *ce, int argc, char **argv, const char *shortopts,
    const struct option *longopts);
/* "herd NAME: " + message + usage line, to stderr; returns 2. */
int cmd_usage_error(const struct cmd_entry *ce, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* OPT's value ARG as a decimal number from min to max into *out: 0, or the
 * usage error "invalid OPT "ARG": a number of WHAT, MIN to MAX" (2). */
int cmd_number(const struct cmd_entry *ce, const char *opt, const char *arg, long min, long max,
    const char *what, long *out);

/*
 * Send `req`, call `each` for every answer frame until "end".  Returns 0, or
 * 1 if herdd answered an error (printed) or the connection failed.
 * With deadline_ms (monotonic, now_ms()) > 0, gives up at that time and
 * returns CMD_TIMEOUT without a message.
 */
#define CMD_TIMEOUT 124
int cmd_stream(const struct msg *req, int (*each)(void *arg, const struct msg *m), void *arg);
int cmd_stream_until(const struct msg *req, int (*each)(void *arg, const struct msg *m),
    void *arg, int64_t deadline_ms);
/* Parse a job id argument ("123"); -1 and a message if it is not one. */
long long cmd_job_id(const char *s);
/* Whether s can name a job as ID or ID_TASK (herdd checks the rest). */
int cmd_is_job_ref(const char *s);
/* Whether arg is flag (exact): for commands that read their own argv. */
int cmd_flag(const char *arg, const char *longname, const char *shortname);

/* Job ids, from the command line or picked from a listing. */
struct id_list {
	int64_t *v;
	size_t n, cap;
};
void id_list_add(struct id_list *l, int64_t id);
int id_list_has(const struct id_list *l, int64_t id);
void id_list_clear(struct id_list *l);
/* Every operand argv[first..argc) as a job id; -1 (message printed) if one is not. */
int cmd_parse_ids(struct id_list *l, int argc, char **argv, int first);

/*
 * Which jobs a listing keeps (herd queue) or picks (herd cancel): each list
 * empty means any.  The filters are pure over a "job" frame.
 */
struct job_filter {
	struct id_list ids;
	char **users;	/* user names or numeric uids */
	size_t nusers;
	char **names;
	size_t nnames;
	char **parts;	/* partitions: a job in any of them */
	size_t nparts;
	unsigned states;	/* bit per job state (JOB_*), 0: any */
};
void job_filter_clear(struct job_filter *f);
/* Add comma-separated values; -1 and err if one is not valid. */
int job_filter_add_ids(struct job_filter *f, const char *list, char *err, size_t errsz);
int job_filter_add_users(struct job_filter *f, const char *list, char *err, size_t errsz);
int job_filter_add_names(struct job_filter *f, const char *list, char *err, size_t errsz);
int job_filter_add_parts(struct job_filter *f, const char *list, char *err, size_t errsz);
/* States by herd's name or Slurm's short form, any case (PD, R, CF...); "all". */
int job_filter_add_states(struct job_filter *f, const char *list, char *err, size_t errsz);
/* Slurm's short form of a job state: "PD" for JOB_PENDING; NULL none. */
const char *job_state_short(int state);
/*
 * The filter options queue and cancel share, by their short letter: -u
 * users, -n names, -j ids, -t states.  1 not a filter option; 0 added; -1
 * a bad value (*what names the option, err says why).
 */
int job_filter_option(struct job_filter *f, int ch, const char *arg, const char **what,
    char *err, size_t errsz);
int job_filter_match(const struct job_filter *f, const struct msg *job);
/* How squeue names a job: "123", a task "123_7", an array's pending tasks
 * "123_[8-99%8]". */
void job_display_id(char *buf, size_t size, const struct msg *m);
/* A job frame's kind: "service" (herd service, its "service" name set) or
 * "batch" (every other job: submit, alloc, run). */
const char *job_kind(const struct msg *m);
/* Whether any filter is set. */
int job_filter_active(const struct job_filter *f);

/* "SIGKILL" for 9, or NULL for a number without a name here (exit
 * statuses themselves are job_exit_format()'s, in job.h). */
const char *signal_name(int sig);
/* Slurm's [D-]HH:MM:SS: 600 "00:10:00", 86400 "1-00:00:00"; negative: "-". */
void fmt_dhms(char *buf, size_t size, int64_t secs);

/* A listing: JSON array of objects, or a table with one row per frame. */
struct table;
struct list_fmt {
	int ncols;
	const char *const *headers;
	void (*row)(struct table *t, const struct msg *m);
	void (*json)(FILE *f, const struct msg *m);
};
struct list_opts {
	int json;
	int noheader;
	const struct job_filter *filter;	/* NULL: every frame */
};
int cmd_list(const struct msg *req, const struct list_opts *o, const struct list_fmt *fmt);

#endif
