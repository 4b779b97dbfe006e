/*
 * directives.c — #HERD, #SBATCH and #SLURM lines at the top of a batch
 * script.
 *
 * Theory of operation: the script is read a line at a time, as sbatch
 * reads it.  A line that begins with "#SBATCH", "#SLURM" (sbatch reads
 * both) or "#HERD" and then whitespace (or nothing) is a directive; any
 * other line whose first
 * non-blank byte is '#' is a comment (so the shebang, "##SBATCH",
 * "# SBATCH" and "  #SBATCH" are comments); a blank line is skipped; the
 * first other line is a command and ends the directives.  Directive lines
 * after it are ignored, as sbatch ignores them, with a warning since that
 * is rarely what the author meant.
 *
 * A directive line is split into words the way sbatch splits it: blanks
 * separate words, '' and "" quote, a backslash escapes the next byte, and
 * a word beginning with '#' starts a comment.  The words are then read as
 * a command line: "--opt=value", "--opt value", "-t5", "-t 5", and
 * clusters of one-letter flags.  jobopt_takes_value() says whether the
 * next word is a value; jobopt resolves abbreviations and aliases, so a
 * directive is read exactly as the same words on the command line.
 *
 * Options go into a scratch jobopt first, with later lines overriding
 * earlier ones as in sbatch, and are merged into the caller's struct only
 * once the whole header has parsed: what the command line set stays (as
 * with jobopt_apply's keep_set), and a script with an error changes
 * nothing.
 *
 * The text comes from a user's file and may be anything: NUL bytes are an
 * error inside a directive, lines over DIRECTIVE_LINE_MAX are an error
 * when they are directives (comments and commands are never copied), and
 * CRLF line ends are accepted.
 *
 * herd service's own options (svcopt.c: --service, --restart, --port,
 * --health-*, ...) are read from #HERD lines only, when the caller asks
 * (directives_parse_svc): a Slurm user's #SBATCH lines never carry them.
 * They go into a scratch svcopt merged as the jobopt is.  A script that
 * gives one of them without --service (and whose caller named no service)
 * is refused at that option's line: it would run as a batch job and never
 * restart, which is not what its author meant.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "directives.h"
#include "jobopt.h"
#include "svcopt.h"
#include "util.h"

#define DIRECTIVE_LINE_MAX	(64 * 1024)
#define FILE_VIS_MAX		256

struct ctx {
	const char *file;	/* already escaped for messages */
	struct jobopt *o;
	struct svcopt *svc;	/* NULL: service options are not read */
	int herd;		/* the line being read is a #HERD line */
	void (*warn)(void *, const char *);
	void *warn_arg;
	char *err;
	size_t errsz;
};

enum linekind { L_BLANK, L_COMMENT, L_DIRECTIVE, L_COMMAND };

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The next line of text, without its '\n' and a '\r' before it. */
static int
next_line(const char *text, size_t len, size_t *pos, const char **line,
    size_t *linelen)
{
	const char *nl;
	size_t n;

	if (*pos >= len)
		return 0;
	*line = text + *pos;
	nl = memchr(*line, '\n', len - *pos);
	n = nl != NULL ? (size_t)(nl - *line) : len - *pos;
	*pos += n + (nl != NULL);
	if (n > 0 && (*line)[n - 1] == '\r')
		n--;
	*linelen = n;
	return 1;
}

/* Classify a line; for a directive, *skip is where its options begin. */
static enum linekind
classify(const char *line, size_t n, size_t *skip)
{
	static const char *magic[] = { "#SBATCH", "#SLURM", "#HERD" };
	size_t i, m;

	for (i = 0; i < sizeof magic / sizeof magic[0]; i++) {
		m = strlen(magic[i]);
		if (n >= m && memcmp(line, magic[i], m) == 0 &&
		    (n == m || is_blank(line[m]))) {
			*skip = m;
			return L_DIRECTIVE;
		}
	}
	for (i = 0; i < n && is_blank(line[i]); i++)
		;
	if (i == n)
		return L_BLANK;
	return line[i] == '#' ? L_COMMENT : L_COMMAND;
}

/*
 * Split s (NUL-terminated, rewritten in place: unquoted words are never
 * longer than their source) into words.  Returns the count, -1 on an
 * unclosed quote with *quote set to it.
 */
static int
split_words(char *s, char **words, char *quote)
{
	char *r = s, *w = s, q = 0;
	int n = 0;

	for (;;) {
		while (is_blank(*r))
			r++;
		if (*r == '\0' || *r == '#')
			return n;
		words[n++] = w;
		for (; *r != '\0' && (q != 0 || !is_blank(*r)); r++) {
			if (*r == '\\' && r[1] != '\0')
				*w++ = *++r;
			else if (q != 0 && *r == q)
				q = 0;
			else if (q == 0 && (*r == '"' || *r == '\''))
				q = *r;
			else if (*r != '\\')
				*w++ = *r;
		}
		if (q != 0) {
			*quote = q;
			return -1;
		}
		if (*r != '\0')
			r++;
		*w++ = '\0';
	}
}

/* Hand one option to jobopt; warnings go out, errors get FILE:LINE. */
static int
apply(struct ctx *c, int lineno, const char *opt, const char *value)
{
	char msg[HERD_ERRLEN], out[HERD_ERRLEN + FILE_VIS_MAX + 32];
	int rc;

	if (c->svc != NULL && svcopt_known(opt)) {
		if (!c->herd)
			snprintf(msg, sizeof msg, "%s is herd's, not Slurm's: write it on a "
			    "#HERD line", opt);
		else if ((rc = svcopt_apply(c->svc, opt, value, lineno, msg, sizeof msg)) > 0)
			return 0;
		snprintf(c->err, c->errsz, "%s:%d: %s", c->file, lineno, msg);
		return -1;
	}
	rc = jobopt_apply(c->o, opt, value, 0, msg, sizeof msg);
	if (rc < 0) {
		snprintf(c->err, c->errsz, "%s:%d: %s", c->file, lineno, msg);
		return -1;
	}
	if (rc > 0 && c->warn != NULL) {
		snprintf(out, sizeof out, "%s:%d: %s", c->file, lineno, msg);
		c->warn(c->warn_arg, out);
	}
	return 0;
}

/* "-abc", "-t5", "-t 5": getopt's reading of one-letter options. */
static int
apply_short(struct ctx *c, int lineno, char **words, int n, int *i)
{
	const char *p = words[*i] + 1;
	char opt[3] = { '-', 0, 0 };

	for (; *p != '\0'; p++) {
		opt[1] = *p;
		if (!jobopt_takes_value(opt)) {
			if (apply(c, lineno, opt, NULL) != 0)
				return -1;
			continue;
		}
		if (p[1] != '\0')
			return apply(c, lineno, opt, p + 1);
		if (*i + 1 >= n) {
			/* Let jobopt say "needs a value" with the long name. */
			return apply(c, lineno, opt, NULL);
		}
		return apply(c, lineno, opt, words[++*i]);
	}
	return 0;
}

/* Whether option w reads the next word as its value. */
static int
takes_value(const struct ctx *c, const char *w)
{
	if (c->svc != NULL && svcopt_known(w))
		return svcopt_takes_value(w);
	return jobopt_takes_value(w);
}

static int
apply_words(struct ctx *c, int lineno, char **words, int n)
{
	char vis[64], *eq;
	int i;

	for (i = 0; i < n; i++) {
		char *w = words[i];
		if (w[0] != '-' || w[1] == '\0' || strcmp(w, "--") == 0) {
			str_vis(vis, sizeof vis, w);
			snprintf(c->err, c->errsz, "%s:%d: not an option: \"%s\"",
			    c->file, lineno, vis);
			return -1;
		}
		if (w[1] != '-') {
			if (apply_short(c, lineno, words, n, &i) != 0)
				return -1;
			continue;
		}
		if ((eq = strchr(w + 2, '=')) != NULL)
			*eq++ = '\0';
		else if (takes_value(c, w) && i + 1 < n)
			eq = words[++i];
		if (apply(c, lineno, w, eq) != 0)
			return -1;
	}
	return 0;
}

static int
parse_directive(struct ctx *c, int lineno, const char *line, size_t n)
{
	char *copy, **words, quote = 0;
	int nw, rc = -1;

	if (n > DIRECTIVE_LINE_MAX) {
		snprintf(c->err, c->errsz, "%s:%d: line longer than %d bytes",
		    c->file, lineno, DIRECTIVE_LINE_MAX);
		return -1;
	}
	if (memchr(line, '\0', n) != NULL) {
		snprintf(c->err, c->errsz, "%s:%d: NUL byte in directive",
		    c->file, lineno);
		return -1;
	}
	copy = xstrndup(line, n);
	words = xreallocarray(NULL, n / 2 + 1, sizeof *words);
	if ((nw = split_words(copy, words, &quote)) < 0)
		snprintf(c->err, c->errsz, "%s:%d: unclosed %c quote",
		    c->file, lineno, quote);
	else
		rc = apply_words(c, lineno, words, nw);
	free(words);
	free(copy);
	return rc;
}

/* Tell the author about the first directive that sbatch would skip. */
static void
warn_late(struct ctx *c, const char *text, size_t len, size_t pos,
    int lineno, int cmdline)
{
	const char *line;
	size_t n, skip;
	char out[FILE_VIS_MAX + 128];

	if (c->warn == NULL)
		return;
	while (lineno < INT_MAX && next_line(text, len, &pos, &line, &n)) {
		lineno++;
		if (classify(line, n, &skip) == L_DIRECTIVE) {
			snprintf(out, sizeof out, "%s:%d: directive after the "
			    "first command (line %d) is ignored", c->file,
			    lineno, cmdline);
			c->warn(c->warn_arg, out);
			return;
		}
	}
}

/* A service option without a service, refused at its line: 0 or -1. */
static int
check_svc(const struct ctx *c, const struct svcopt *caller)
{
	const struct svcopt *s = c->svc;

	if (s == NULL || s->first_opt == NULL || (s->set & SO_NAME) ||
	    (caller->set & SO_NAME))
		return 0;
	snprintf(c->err, c->errsz, "%s:%d: %s without --service NAME: only a "
	    "service restarts or has a port (add #HERD --service NAME, or run "
	    "herd service start NAME %s)", c->file, s->first_line, s->first_opt,
	    c->file);
	return -1;
}

int
directives_parse(const char *file, const char *text, size_t len,
    struct jobopt *o, void (*warn)(void *arg, const char *msg), void *warn_arg,
    char *err, size_t errsz)
{
	return directives_parse_svc(file, text, len, o, NULL, warn, warn_arg,
	    err, errsz);
}

int
directives_parse_svc(const char *file, const char *text, size_t len,
    struct jobopt *o, struct svcopt *svc,
    void (*warn)(void *arg, const char *msg), void *warn_arg,
    char *err, size_t errsz)
{
	char fvis[FILE_VIS_MAX];
	struct jobopt tmp;
	struct svcopt stmp;
	struct ctx c = { fvis, &tmp, svc != NULL ? &stmp : NULL, 0, warn,
	    warn_arg, err, errsz };
	const char *line;
	size_t pos = 0, n, skip;
	int lineno = 0, rc = 0;

	str_vis(fvis, sizeof fvis, file != NULL ? file : "(script)");
	jobopt_init(&tmp);
	svcopt_init(&stmp);
	if (text == NULL)
		len = 0;
	while (rc == 0 && next_line(text, len, &pos, &line, &n)) {
		if (lineno == INT_MAX) {
			snprintf(err, errsz, "%s: too many lines", fvis);
			rc = -1;
			break;
		}
		lineno++;
		switch (classify(line, n, &skip)) {
		case L_BLANK:
		case L_COMMENT:
			break;
		case L_DIRECTIVE:
			c.herd = line[1] == 'H';	/* "#HERD" */
			rc = parse_directive(&c, lineno, line + skip, n - skip);
			break;
		case L_COMMAND:
			warn_late(&c, text, len, pos, lineno, lineno);
			goto done;
		}
	}
done:
	if (rc == 0 && svc != NULL)
		rc = check_svc(&c, svc);
	if (rc == 0) {
		jobopt_merge(o, &tmp);
		if (svc != NULL)
			svcopt_merge(svc, &stmp);
	}
	jobopt_clear(&tmp);
	svcopt_clear(&stmp);
	return rc;
}
