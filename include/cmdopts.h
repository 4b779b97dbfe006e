/*
 * cmdopts.h — the options each `herd` subcommand takes, read from the
 * command itself, for completion scripts (cmd_completion.c) and the test
 * that the table, herd(1) and the completion agree.
 *
 * Theory of operation: a subcommand declares its options once, in the
 * shortopts string and struct option array it hands cmd_getopt().  Rather
 * than copy them into a second table that could drift, cmd_opts_of() runs
 * the command with a capture set: cmd_getopt() then records what it was
 * given and answers CMD_OPT_HELP, on which every command returns before
 * doing anything.  `herd submit` parses through jobopt's table instead, so
 * its options are read from there (jobopt_row), less those it refuses.
 *
 * Ownership: struct cmd_opts is a bounded value; nothing to free.
 */
#ifndef HERD_CMDOPTS_H
#define HERD_CMDOPTS_H

#include <getopt.h>
#include <stddef.h>
#include "cmd.h"

#define CMD_OPTS_MAX 160
#define CMD_OPT_NAME_MAX 40

struct cmd_opt {
	char name[CMD_OPT_NAME_MAX];	/* "--user" or "-u" as typed */
	int takes_value;		/* 1: a value follows (required or optional) */
};

struct cmd_opts {
	struct cmd_opt v[CMD_OPTS_MAX];
	size_t n;
};

/* Set by cmd_opts_of() while a command runs in capture mode; NULL otherwise. */
extern struct cmd_opts *cmd_opts_capture;

/* Add a getopt declaration (shortopts without a leading ':'); duplicates and
 * options past CMD_OPTS_MAX are dropped. */
void cmd_opts_add_getopt(struct cmd_opts *o, const char *shortopts, const struct option *lo);
/* The options of `ce`: 0, or -1 if the command never reached cmd_getopt(). */
int cmd_opts_of(const struct cmd_entry *ce, struct cmd_opts *out);

#endif
