/*
 * cmd_util.c — what the subcommands share: one request, a stream of
 * answers, argument helpers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd.h"

int cmd_stream(const struct msg *req, int (*each)(void *arg, const struct msg *m), void *arg)
{
	struct hclient c;
	struct msg m;
	int rc = 1;

	if (hclient_connect(&c) != 0)
		return 1;
	if (hclient_send(&c, req) != 0)
		goto out;
	while (hclient_next(&c, &m) == 1) {
		if (hclient_is_error(&m) || strcmp(m.type, "end") == 0) {
			rc = strcmp(m.type, "end") == 0 ? 0 : 1;
			msg_clear(&m);
			break;
		}
		int stop = each(arg, &m);
		msg_clear(&m);
		if (stop) {
			rc = 0;
			break;
		}
	}
out:
	hclient_close(&c);
	return rc;
}

long long cmd_job_id(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || v <= 0) {
		fprintf(stderr, "herd: \"%s\" is not a job id\n", s);
		return -1;
	}
	return v;
}

int cmd_flag(const char *arg, const char *longname, const char *shortname)
{
	return (longname && strcmp(arg, longname) == 0) || (shortname && strcmp(arg, shortname) == 0);
}

int cmd_add_ids(struct msg *req, int argc, char **argv)
{
	if (argc < 2)
		return -1;
	for (int i = 1; i < argc; i++) {
		long long id = cmd_job_id(argv[i]);
		if (id < 0)
			return -1;
		msg_addi(req, "id", id);
	}
	return 0;
}

struct list_ctx {
	const struct list_fmt *fmt;
	struct table *t;
	size_t n;
};

static int list_each(void *arg, const struct msg *m)
{
	struct list_ctx *l = arg;
	if (l->t == NULL) {
		fputs(l->n ? ",\n" : "[\n", stdout);
		l->fmt->json(stdout, m);
	} else
		l->fmt->row(l->t, m);
	l->n++;
	return 0;
}

int cmd_list(const struct msg *req, int json, const struct list_fmt *fmt)
{
	struct list_ctx l = { fmt, NULL, 0 };
	if (!json)
		l.t = table_new(fmt->ncols, fmt->headers);
	int rc = cmd_stream(req, list_each, &l);
	if (json) {
		/* No answer, no array: an empty list would claim zero jobs. */
		if (l.n > 0)
			fputs("\n]\n", stdout);
		else if (rc == 0)
			fputs("[]\n", stdout);
		return rc;
	}
	if (rc == 0)
		table_print(l.t, stdout);
	table_free(l.t);
	return rc;
}
