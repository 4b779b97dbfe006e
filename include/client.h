/*
 * client.h — the `herd` side of the socket, and what every subcommand
 * shares: finding and connecting to herdd, sending one request, reading the
 * answer frames, and turning a "job" frame into a line or a JSON object.
 */
#ifndef HERD_CLIENT_H
#define HERD_CLIENT_H

#include <stdio.h>
#include <sys/types.h>
#include "proto.h"
#include "util.h"

struct hclient {
	int fd;
	struct buf in;
	size_t off;		/* decoded up to here */
	int64_t deadline_ms;	/* now_ms() time to give up reading; 0 never */
	char sock[4200];
	pid_t ssh_pid;		/* > 0: fd is ssh's stdin/stdout (a remote client) */
	char host[256];		/* the controller ssh reaches, when ssh_pid > 0 */
	int lab;		/* the configuration read says mode = lab */
	char admins[256];	/* its admins ("" unknown): whom to ask when herdd is down */
};

/*
 * Connect; on failure prints one line and returns -1: the configuration
 * (-c, $HERD_CONFIG) cannot be read, or herdd is not running.  Where herdd
 * is: -s, $HERD_SOCKET, $HERD_CONTROLLER, the controller or socket key of
 * -c/$HERD_CONFIG (else ~/.config/herd/hosts.ini), else the user's own
 * socket if it exists, else the controller or socket key of the system-wide
 * file (CONFIG_SYSTEM_PATH or $HERD_SYSTEM_CONFIG), else lab mode's socket.  A controller (a remote client)
 * means `ssh -T HOST herd --stdio-bridge` with a socketpair as its stdin and
 * stdout, and c->fd its other end: every request works unchanged.  Errors
 * on the way there show when the first answer is read (hclient_next).
 * hclient_close() is always due, on failure too.
 */
int hclient_connect(struct hclient *c);
/* The same, never through ssh ($HERD_CONTROLLER and controller ignored):
 * the connection `herd --stdio-bridge` passes on. */
int hclient_connect_local(struct hclient *c);
/* Set: hclient_connect() and hclient_next() print nothing when herdd
 * cannot be reached (herd submit --wait tries again while it restarts). */
extern int hclient_quiet;
/* Close; a remote client's ssh is waited for (a few seconds, then TERM). */
void hclient_close(struct hclient *c);
int hclient_send(struct hclient *c, const struct msg *m);
/*
 * Next answer frame: 1 got one (caller msg_clear()s), -1 error (printed),
 * HCLIENT_TIMEOUT past c->deadline_ms (nothing printed).
 */
#define HCLIENT_TIMEOUT (-2)
int hclient_next(struct hclient *c, struct msg *m);
/* If m is an "error" frame, print it and return 1. */
int hclient_is_error(const struct msg *m);

/* Global options shared by every subcommand. */
extern const char *opt_socket;
extern const char *opt_config;

/* One GPU of a "node" frame ("gpu" values: tab-separated fields). */
struct gpu_rec {
	int index;
	char uuid[96];
	char name[96];
	int64_t mem_total_mb, mem_used_mb;	/* -1 unknown */
	int util;				/* -1 unknown */
	int64_t job;				/* 0: free */
	int temp_c;				/* -1 unknown */
	char user[64];				/* the job's owner; "" none */
	int outside;				/* enum foreign_why: in use outside herd */
	int64_t outside_mb;			/* memory herd's jobs do not explain; -1 */
};
void gpu_rec_parse(const char *s, struct gpu_rec *g);
/* One process using a GPU outside herd (a "node" frame's "gpu_proc" values). */
struct gpu_proc_rec {
	int gpu;				/* the GPU's index */
	int pid;
	char user[64];				/* the node's name for its owner; "" unknown */
	int64_t uid, mem_mb;			/* -1 unknown */
	int64_t since;				/* wall seconds: first probe that saw it */
	int64_t job;				/* a herd job's process on a GPU it does not hold */
	char process[128];
};
void gpu_proc_rec_parse(const char *s, struct gpu_proc_rec *p);
/* One --gpu-share job on a GPU (a "node" frame's "gpu_share" values). */
struct gpu_share_rec {
	int gpu;				/* the GPU's index */
	int64_t job;
	char user[64];
	int64_t mem_mb;				/* the memory it declared */
};
void gpu_share_rec_parse(const char *s, struct gpu_share_rec *r);

/*
 * One attempt of a job (herd requeue makes more): the frame's "attempt_rec"
 * values are the earlier ones (ATTEMPT, NODE, GPUS, START, END, STATE,
 * EXIT, REASON tab-separated), the frame's own fields its latest.
 */
struct attempt_rec {
	int attempt;
	char node[128];		/* "" never placed */
	char gpus[256];		/* "0,3", "" none */
	int64_t start_time, end_time;	/* 0 unknown */
	char state[32];
	int64_t exit_code;	/* -1 unknown */
	char reason[512];
};
/* The i-th attempt, oldest first (the job's own is last): 0, or -1 past the last. */
int attempt_rec_get(const struct msg *m, size_t i, struct attempt_rec *r);

/* JSON output of a job frame (the fields documented in herd(1)). */
void json_job(FILE *f, const struct msg *m);
/* The same with "attempts": every attempt of the job (herd show, herd history). */
void json_job_attempts(FILE *f, const struct msg *m);
void json_node(FILE *f, const struct msg *m);
/* JSON string with escapes; NULL → null. */
void json_str(FILE *f, const char *s);
/* "2026-11-26T01:02:03" local time, or "-" for 0. */
void fmt_time(char *buf, size_t size, int64_t t);

/*
 * Terminal tables: add rows of cells, then print fitted to the terminal.
 * Cells are escaped (str_vis); widths are display columns (CJK and emoji
 * two); a cut cell ends in "…"; no line ends in a blank.
 */
struct table;
struct table *table_new(int ncols, const char *const *headers);
void table_add(struct table *t, const char *const *cells);
/* Whether the header row is printed (default 1). */
void table_set_header(struct table *t, int on);
/* Fitted to term_columns(f). */
void table_print(struct table *t, FILE *f);
/* Fitted to `cols` display columns; 0: nothing is cut. */
void table_print_width(struct table *t, FILE *f, size_t cols);
size_t table_rows(const struct table *t);	/* not counting the header */
void table_free(struct table *t);
/* $COLUMNS when set and valid, else the width of the terminal f is, else 0. */
size_t term_columns(FILE *f);
/* Display columns of UTF-8 text (wide characters 2, combining marks 0). */
size_t text_width(const char *s);
/* Display columns of one code point: 0, 1 or 2. */
int char_width(uint32_t cp);

#endif
