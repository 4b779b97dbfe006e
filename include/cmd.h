/*
 * cmd.h — the table of `herd` subcommands.  Each lives in its own
 * cmd_NAME.c and returns the process exit status.
 */
#ifndef HERD_CMD_H
#define HERD_CMD_H

#include <stdio.h>
#include "proto.h"

struct cmd_entry {
	const char *name;
	const char *usage;
	const char *summary;
	int (*fn)(int argc, char **argv);
};

extern const struct cmd_entry cmd_table[];

int cmd_submit(int argc, char **argv);
int cmd_queue(int argc, char **argv);
int cmd_nodes(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_cancel(int argc, char **argv);
int cmd_wait(int argc, char **argv);

/*
 * Send `req`, call `each` for every answer frame until "end".  Returns 0, or
 * 1 if herdd answered an error (printed) or the connection failed.
 */
int cmd_stream(const struct msg *req, int (*each)(void *arg, const struct msg *m), void *arg);
/* Parse a job id argument ("123"); -1 and a message if it is not one. */
long long cmd_job_id(const char *s);
/* Whether argv[i] is flag (exact) — tiny helper for the simple commands. */
int cmd_flag(const char *arg, const char *longname, const char *shortname);

/* Add every argv[1..] as a job id to req; -1 (message printed) if one is not. */
int cmd_add_ids(struct msg *req, int argc, char **argv);

/* A listing: JSON array of objects, or a table with one row per frame. */
struct table;
struct list_fmt {
	int ncols;
	const char *const *headers;
	void (*row)(struct table *t, const struct msg *m);
	void (*json)(FILE *f, const struct msg *m);
};
int cmd_list(const struct msg *req, int json, const struct list_fmt *fmt);

#endif
