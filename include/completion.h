/*
 * completion.h — bash and zsh completion scripts for `herd`, written from
 * the command table (cmd_table, the one `herd --help` lists) and each
 * command's declared options (cmdopts.h).  Pure: a table in, text out.
 *
 * Ownership: everything is borrowed; nothing is kept after the call.
 */
#ifndef HERD_COMPLETION_H
#define HERD_COMPLETION_H

#include <stdio.h>
#include "cmdopts.h"

enum { COMPLETION_BASH, COMPLETION_ZSH };

/* The shell named `name` ("bash", "zsh"), or -1. */
int completion_shell(const char *name);
/*
 * Write the script for `shell` to f: `global` are herd's own options (before
 * the command), `table` the NULL-terminated commands, `opts[i]` the options
 * of table[i].  0, or -1 if a word could not be quoted.
 */
int completion_write(FILE *f, int shell, const struct cmd_opts *global,
    const struct cmd_entry *const *table, const struct cmd_opts *opts);

#endif
