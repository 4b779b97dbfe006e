/*
 * json.c — the JSON that `--json` prints: strings escaped per RFC 8259
 * (control bytes as \u00XX; bytes that are not valid UTF-8 become U+FFFD so
 * the output always parses), jobs and nodes with the documented fields.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"

static int json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

void json_str(FILE *f, const char *s)
{
	if (s == NULL) {
		fputs("null", f);
		return;
	}
	putc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		const unsigned char *q = p;
		while (json_plain(*q))
			q++;
		if (q > p) {	/* runs of plain ASCII in one write */
			fwrite(p, 1, (size_t)(q - p), f);
			p = q;
			continue;
		}
		if (*p == '"' || *p == '\\') {
			putc('\\', f);
			putc(*p, f);
		} else if (*p == '\n') {
			fputs("\\n", f);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(f, "\\u%04x", *p);
		} else {
			size_t n = utf8_seq_len(p);
			if (n == 0)
				fputs("\\ufffd", f);
			else {
				fwrite(p, 1, n, f);
				p += n - 1;
			}
		}
		p++;
	}
	putc('"', f);
}

void fmt_time(char *buf, size_t size, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (t <= 0) {
		strlcpy_h(buf, "-", size);
		return;
	}
	localtime_r(&tt, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
}

static void json_time(FILE *f, const struct msg *m, const char *key)
{
	char t[64];
	int64_t v = msg_geti(m, key, 0);
	if (v <= 0) {
		fputs("null", f);
		return;
	}
	fmt_time(t, sizeof t, v);
	json_str(f, t);
}

static void json_opt_str(FILE *f, const struct msg *m, const char *key)
{
	json_str(f, msg_get(m, key, NULL));
}

void json_job(FILE *f, const struct msg *m)
{
	const char *gl = msg_get(m, "gpus", NULL);
	int64_t ec = msg_geti(m, "exit_code", -1);
	fprintf(f, "{\"id\":%lld,\"name\":", (long long)msg_geti(m, "id", 0));
	json_opt_str(f, m, "name");
	fputs(",\"user\":", f);
	json_opt_str(f, m, "user");
	fputs(",\"state\":", f);
	json_opt_str(f, m, "state");
	fputs(",\"reason\":", f);
	json_opt_str(f, m, "reason");
	if (ec >= 0)
		fprintf(f, ",\"exit_code\":%lld", (long long)ec);
	else
		fputs(",\"exit_code\":null", f);
	fputs(",\"node\":", f);
	json_opt_str(f, m, "node");
	fputs(",\"gpus\":[", f);
	for (const char *p = gl; p != NULL && *p;) {
		char *end;
		long v = strtol(p, &end, 10);
		fprintf(f, "%s%ld", p == gl ? "" : ",", v);
		p = *end == ',' ? end + 1 : NULL;
	}
	fprintf(f, "],\"ngpus\":%lld,\"cpus\":%lld,\"mem_mb\":%lld",
	    (long long)msg_geti(m, "ngpus", 0), (long long)msg_geti(m, "cpus", 0),
	    (long long)msg_geti(m, "mem_mb", 0));
	fputs(",\"submit_time\":", f);
	json_time(f, m, "submit_time");
	fputs(",\"start_time\":", f);
	json_time(f, m, "start_time");
	fputs(",\"end_time\":", f);
	json_time(f, m, "end_time");
	int64_t tl = msg_geti(m, "time_limit", 0);
	if (tl > 0)
		fprintf(f, ",\"time_limit\":%lld", (long long)tl);
	else
		fputs(",\"time_limit\":null", f);
	fputs(",\"workdir\":", f);
	json_opt_str(f, m, "workdir");
	fputs(",\"stdout\":", f);
	json_opt_str(f, m, "stdout");
	fputs(",\"stderr\":", f);
	json_opt_str(f, m, "stderr");
	putc('}', f);
}

void json_node(FILE *f, const struct msg *m)
{
	const char *g;
	fputs("{\"name\":", f);
	json_opt_str(f, m, "name");
	fputs(",\"state\":", f);
	json_opt_str(f, m, "state");
	fputs(",\"reason\":", f);
	json_opt_str(f, m, "reason");
	fprintf(f, ",\"cpus\":%lld,\"cpus_used\":%lld,\"mem_mb\":%lld,\"mem_used_mb\":%lld",
	    (long long)msg_geti(m, "cpus", 0), (long long)msg_geti(m, "cpus_used", 0),
	    (long long)msg_geti(m, "mem_mb", 0), (long long)msg_geti(m, "mem_used_mb", 0));
	fputs(",\"cgroup\":", f);
	json_opt_str(f, m, "cgroup");
	fputs(",\"gpus\":[", f);
	for (size_t i = 0; (g = msg_get_nth(m, "gpu", i, NULL)) != NULL; i++) {
		char *rec = xstrdup(g), *fld[7] = { 0 }, *save = NULL, *p = rec;
		for (int k = 0; k < 7; k++) {
			fld[k] = p;
			p = strchr(p, '\t');
			if (p == NULL)
				break;
			*p++ = '\0';
		}
		long long job = fld[6] ? atoll(fld[6]) : 0;
		(void)save;
		fprintf(f, "%s{\"index\":%d,\"uuid\":", i ? "," : "", atoi(fld[0]));
		json_str(f, fld[1]);
		fputs(",\"name\":", f);
		json_str(f, fld[2]);
		long long tot = fld[3] ? atoll(fld[3]) : -1, used = fld[4] ? atoll(fld[4]) : -1;
		int util = fld[5] ? atoi(fld[5]) : -1;
		if (tot >= 0) fprintf(f, ",\"mem_total_mb\":%lld", tot); else fputs(",\"mem_total_mb\":null", f);
		if (used >= 0) fprintf(f, ",\"mem_used_mb\":%lld", used); else fputs(",\"mem_used_mb\":null", f);
		if (util >= 0) fprintf(f, ",\"util\":%d", util); else fputs(",\"util\":null", f);
		if (job > 0) fprintf(f, ",\"job\":%lld}", job); else fputs(",\"job\":null}", f);
		free(rec);
	}
	fputs("]}", f);
}
