/*
 * cmdopts.c — the options of each subcommand, as the command declares them
 * (see cmdopts.h for why it runs the command in a capture mode instead of
 * keeping a second table).
 */
#include <stdio.h>
#include <string.h>

#include "cmdopts.h"
#include "jobopt.h"

struct cmd_opts *cmd_opts_capture;

static void add(struct cmd_opts *o, const char *name, int takes_value)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->v[i].name, name) == 0)
			return;
	if (o->n == CMD_OPTS_MAX)
		return;
	snprintf(o->v[o->n].name, CMD_OPT_NAME_MAX, "%s", name);
	o->v[o->n++].takes_value = takes_value;
}

void cmd_opts_add_getopt(struct cmd_opts *o, const char *shortopts, const struct option *lo)
{
	char word[CMD_OPT_NAME_MAX];

	for (const char *p = shortopts; p != NULL && *p != '\0'; p++) {
		if (*p == ':' || *p == '+' || *p == '-')
			continue;
		snprintf(word, sizeof word, "-%c", *p);
		add(o, word, p[1] == ':');
	}
	for (; lo != NULL && lo->name != NULL; lo++) {
		/* A name too long for a word is dropped, never cut to another name. */
		if ((size_t)snprintf(word, sizeof word, "--%s", lo->name) < sizeof word)
			add(o, word, lo->has_arg != no_argument);
	}
}

/* submit reads its command line through jobopt's table (cmd_submit.c):
 * every spelling it acts on or accepts, and the few it reads itself. */
static void submit_opts(struct cmd_opts *o)
{
	struct jobopt_row r;
	char word[CMD_OPT_NAME_MAX];

	for (size_t i = 0; jobopt_row(i, &r); i++) {
		if (r.kind == JOBOPT_REFUSED)
			continue;	/* refused: completing it would only lead to an error */
		snprintf(word, sizeof word, "--%s", r.name);
		add(o, word, jobopt_takes_value(word));
		if (r.short_name != 0) {
			snprintf(word, sizeof word, "-%c", r.short_name);
			add(o, word, jobopt_takes_value(word));
		}
	}
	add(o, "--wrap", 1);
	add(o, "--json", 0);
	add(o, "--help", 0);
}

int cmd_opts_of(const struct cmd_entry *ce, struct cmd_opts *out)
{
	char *args[] = { (char *)ce->name, "--help", NULL };

	memset(out, 0, sizeof *out);
	if (ce->fn == cmd_submit) {
		submit_opts(out);
		return 0;
	}
	if (ce->fn == cmd_alloc) {	/* submit's, less --wrap and --json */
		submit_opts(out);
		out->n = out->n >= 3 ? out->n - 3 : 0;
		add(out, "--help", 0);
		return 0;
	}
	if (ce->fn == cmd_run) {	/* submit's, less --wrap and --json, and srun's --pty */
		submit_opts(out);
		out->n = out->n >= 3 ? out->n - 3 : 0;
		add(out, "--pty", 0);
		add(out, "--help", 0);
		return 0;
	}
	cmd_opts_capture = out;
	ce->fn(2, args);
	cmd_opts_capture = NULL;
	return out->n > 0 ? 0 : -1;
}
