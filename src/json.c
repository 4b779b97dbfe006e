/*
 * json.c — the JSON that `--json` prints: strings escaped per RFC 8259
 * (control bytes as \u00XX; bytes that are not valid UTF-8 become U+FFFD so
 * the output always parses), jobs and nodes with the documented fields.
 * A listing writes 100,000 jobs of ~50 keys (85 MB): each key is looked up
 * through a msg_index of its frame, and keys, numbers and plain strings go
 * out in one stdio write each, not by printf or a write per piece.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "cmd.h"
#include "job.h"
#include "jobfield.h"
#include "svc.h"
#include "svc_health.h"

static int json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

void json_str(FILE *f, const char *s)
{
	if (s == NULL) {
		fwrite_unlocked("null", 1, 4, f);
		return;
	}
	/* Most values are short plain ASCII: quoted and written at once. */
	char b[256];
	size_t n = 0;
	while (n < sizeof b - 2 && json_plain((unsigned char)s[n]))
		n++;
	if (s[n] == '\0') {
		b[0] = '"';
		memcpy(b + 1, s, n);
		b[n + 1] = '"';
		fwrite_unlocked(b, 1, n + 2, f);
		return;
	}
	putc_unlocked('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		const unsigned char *q = p;
		while (json_plain(*q))
			q++;
		if (q > p) {	/* runs of plain ASCII in one write */
			fwrite_unlocked(p, 1, (size_t)(q - p), f);
			p = q;
			continue;
		}
		if (*p == '"' || *p == '\\') {
			putc_unlocked('\\', f);
			putc_unlocked(*p, f);
		} else if (*p == '\n') {
			fputs_unlocked("\\n", f);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(f, "\\u%04x", *p);
		} else {
			size_t n = utf8_seq_len(p);
			if (n == 0)
				fputs_unlocked("\\ufffd", f);
			else {
				fwrite_unlocked(p, 1, n, f);
				p += n - 1;
			}
		}
		p++;
	}
	putc_unlocked('"', f);
}

void fmt_time(char *buf, size_t size, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (t <= 0 || localtime_r(&tt, &tm) == NULL) {
		strlcpy_h(buf, "-", size);	/* none, or past what the calendar holds */
		return;
	}
	strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
}

/* ,"key": — one write, no format parsing: 100,000 jobs × 50 keys. */
static void kv_key(FILE *f, const char *key)
{
	char b[64];
	size_t len = strlen(key);
	if (len > sizeof b - 4) {
		fprintf(f, ",\"%s\":", key);
		return;
	}
	b[0] = ',';
	b[1] = '"';
	memcpy(b + 2, key, len);
	b[len + 2] = '"';
	b[len + 3] = ':';
	fwrite_unlocked(b, 1, len + 4, f);
}

/* ,"key": and the message's string value (null when absent). */
static void kv_str(FILE *f, const char *key, const struct msg_index *ix)
{
	kv_key(f, key);
	json_str(f, msg_index_get(ix, key, NULL));
}

/* A number: digits by hand, as snprintf per field is most of a listing's cost. */
static void json_int(FILE *f, int64_t v)
{
	char num[24];
	char *p = num + sizeof num;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	fwrite_unlocked(p, 1, (size_t)(num + sizeof num - p), f);
}

/* ,"key": and a number, or null when it is below `min` (unknown). */
static void kv_num(FILE *f, const char *key, int64_t v, int64_t min)
{
	kv_key(f, key);
	if (v < min)
		fwrite_unlocked("null", 1, 4, f);
	else
		json_int(f, v);
}

/* ,"key": and the message's wall time as local ISO 8601, or null. */
static void kv_time(FILE *f, const char *key, const struct msg_index *ix)
{
	int64_t v = msg_index_geti(ix, key, 0);
	kv_key(f, key);
	if (v <= 0) {
		fwrite_unlocked("null", 1, 4, f);
		return;
	}
	/* Jobs come in bursts: the same second many times over. */
	static int64_t last_v = -1;
	static char last[64];
	if (v != last_v) {
		fmt_time(last, sizeof last, v);
		last_v = v;
	}
	json_str(f, last);
}

/* ,"key":[0,3] from the frame's "0,3"; [] when absent. */
static void kv_list(FILE *f, const char *key, const struct msg_index *ix)
{
	const char *gl = msg_index_get(ix, key, NULL);
	kv_key(f, key);
	putc_unlocked('[', f);
	for (const char *p = gl; p != NULL && *p;) {
		char *end;
		long v = strtol(p, &end, 10);
		fprintf(f, "%s%ld", p == gl ? "" : ",", v);
		p = *end == ',' ? end + 1 : NULL;
	}
	putc_unlocked(']', f);
}

/* A list of names "bob,carol" (jobfield.h's JF_NAMES): ["bob","carol"], [] none. */
static void kv_names(FILE *f, const char *key, const struct msg_index *ix)
{
	const char *v = msg_index_get(ix, key, NULL);
	char one[256];
	kv_key(f, key);
	putc_unlocked('[', f);
	for (const char *p = v; p != NULL && *p;) {
		size_t n = strcspn(p, ",");
		snprintf(one, sizeof one, "%.*s", (int)(n < sizeof one ? n : sizeof one - 1), p);
		if (p != v)
			putc_unlocked(',', f);
		json_str(f, one);
		p = p[n] == ',' ? p + n + 1 : NULL;
	}
	putc_unlocked(']', f);
}

/* herd show of an array: its started tasks, [{"task_id":7,"id":130,"state":"RUNNING"}]. */
static void json_tasks(FILE *f, const struct msg_index *ix)
{
	const struct msg *m = ix->m;
	const char *t;
	if (msg_index_get(ix, "task", NULL) == NULL)
		return;
	kv_key(f, "tasks");
	putc_unlocked('[', f);
	for (size_t i = 0; (t = msg_get_nth(m, "task", i, NULL)) != NULL; i++) {
		long long task = 0, id = 0;
		char st[32] = "";
		if (sscanf(t, "%lld\t%lld\t%31s", &task, &id, st) != 3)
			continue;
		fprintf(f, "%s{\"task_id\":%lld,\"id\":%lld,\"state\":", i ? "," : "", task, id);
		json_str(f, st);
		putc_unlocked('}', f);
	}
	putc_unlocked(']', f);
}

/* An earlier attempt, from its "attempt_rec" (only a requeued job has any). */
static void json_attempt_rec(FILE *f, const struct attempt_rec *r)
{
	char t[64];
	fprintf(f, "{\"attempt\":%d,\"node\":", r->attempt);
	json_str(f, r->node[0] ? r->node : NULL);
	kv_key(f, "gpus");
	putc_unlocked('[', f);
	for (const char *p = r->gpus; *p;) {
		char *end;
		long v = strtol(p, &end, 10);
		fprintf(f, "%s%ld", p == r->gpus ? "" : ",", v);
		p = *end == ',' ? end + 1 : end + strlen(end);
	}
	putc_unlocked(']', f);
	kv_key(f, "start_time");
	fmt_time(t, sizeof t, r->start_time);
	json_str(f, r->start_time > 0 ? t : NULL);
	kv_key(f, "end_time");
	fmt_time(t, sizeof t, r->end_time);
	json_str(f, r->end_time > 0 ? t : NULL);
	kv_key(f, "state");
	json_str(f, r->state);
	kv_num(f, "exit_code", r->exit_code, 0);
	kv_key(f, "reason");
	json_str(f, r->reason[0] ? r->reason : NULL);
	putc_unlocked('}', f);
}

/* ,"attempts":[...]: every attempt, oldest first, the job's own (its frame's fields) last. */
static void json_attempts(FILE *f, const struct msg_index *ix)
{
	const struct msg *m = ix->m;
	struct attempt_rec r;
	kv_key(f, "attempts");
	putc_unlocked('[', f);
	for (size_t i = 0; msg_get_nth(m, "attempt_rec", i, NULL) != NULL; i++) {
		attempt_rec_get(m, i, &r);
		json_attempt_rec(f, &r);
		putc_unlocked(',', f);
	}
	fprintf(f, "{\"attempt\":%lld", (long long)msg_index_geti(ix, "attempt", 0));
	kv_str(f, "node", ix);
	kv_list(f, "gpus", ix);
	kv_time(f, "start_time", ix);
	kv_time(f, "end_time", ix);
	kv_str(f, "state", ix);
	kv_num(f, "exit_code", msg_index_geti(ix, "exit_code", -1), 0);
	kv_str(f, "reason", ix);
	fputs_unlocked("}]", f);
}

/* A service's restart policy and health as their words ("on-failure",
 * "healthy"), as herd show and herd service ls say them; null for a
 * batch job.  1: written. */
static int service_word(FILE *f, const struct jobfield *jf, const struct msg_index *ix)
{
	int64_t v;
	if (strcmp(jf->name, "restart_policy") != 0 && strcmp(jf->name, "health") != 0)
		return 0;
	v = msg_index_geti(ix, jf->name, -1);
	kv_key(f, jf->name);
	if (msg_index_get(ix, "service", NULL) == NULL || v < 0)
		json_str(f, NULL);
	else
		json_str(f, jf->name[0] == 'h' ? svc_health_name((int)v) : svc_restart_name((int)v));
	return 1;
}

/* The fields of the job record (jobfield.h), in its order, then what the
 * frame adds: output paths and how the job was submitted. */
static void json_job_fields(FILE *f, const struct msg_index *ix)
{
	static const struct jobfield *exit_code;	/* "signal" follows it */
	if (exit_code == NULL)
		exit_code = jobfield_find("exit_code");
	fwrite_unlocked("{\"id\":", 1, 6, f);
	json_int(f, msg_index_geti(ix, "id", 0));	/* jobfields[0] */
	for (size_t k = 1; k < njobfields; k++) {
		const struct jobfield *jf = &jobfields[k];
		if (!(jf->flags & JF_FRAME))
			continue;
		switch (jf->kind) {
		case JF_STR: case JF_STATE:
			if (jf->flags & JF_NAMES)
				kv_names(f, jf->name, ix);
			else
				kv_str(f, jf->name, ix);
			break;
		case JF_LIST:
			kv_list(f, jf->name, ix);
			break;
		case JF_TIME:
			kv_time(f, jf->name, ix);
			break;
		case JF_SECS:
			kv_num(f, jf->name, msg_index_geti(ix, jf->name, 0), 1);	/* 0: none */
			break;
		case JF_MODE: {
			int64_t v = msg_index_geti(ix, jf->name, -1);
			char mode[16];
			snprintf(mode, sizeof mode, "%04o", (unsigned)(v & 07777));
			kv_key(f, jf->name);
			json_str(f, v >= 0 ? mode : NULL);
			break;
		}
		case JF_INT:
			if (service_word(f, jf, ix))
				break;
			if (jf->flags & JF_SIGNED)
				kv_num(f, jf->name, msg_index_geti(ix, jf->name, 0), INT64_MIN);
			else
				kv_num(f, jf->name, msg_index_geti(ix, jf->name, -1), 0);	/* -1: unknown */
			break;
		}
		if (jf == exit_code) {
			/* The signal that killed it (128+N), 0 none; null when unknown. */
			int64_t code = msg_index_geti(ix, "exit_code", -1);
			kv_num(f, "signal", code >= 0 ? job_exit_signal(code) : -1, 0);
		}
	}
	kv_str(f, "stdout", ix);
	kv_str(f, "stderr", ix);
	kv_str(f, "command", ix);
	kv_key(f, "args");
	if (msg_index_get(ix, "command", NULL) == NULL && msg_index_get(ix, "arg", NULL) == NULL)
		fputs_unlocked("null", f);	/* an older herdd: not known, not "none" */
	else {
		const char *a;
		putc_unlocked('[', f);
		for (size_t i = 0; (a = msg_get_nth(ix->m, "arg", i, NULL)) != NULL; i++) {
			if (i > 0)
				putc_unlocked(',', f);
			json_str(f, a);
		}
		putc_unlocked(']', f);
	}
	kv_str(f, "submit_dir", ix);
	kv_str(f, "submit_host", ix);
	kv_num(f, "ntasks", msg_index_geti(ix, "ntasks", -1), 0);
	/* A pending job's reservation (herd queue --start); null: none, or
	 * once jobs without a time limit end. */
	kv_time(f, "planned_start", ix);
	kv_str(f, "planned_node", ix);
	/* batch or service: a listing tells them apart without the name. */
	kv_key(f, "kind");
	json_str(f, msg_index_get(ix, "service", NULL) != NULL ? "service" : "batch");
	json_tasks(f, ix);
}

void json_job(FILE *f, const struct msg *m)
{
	struct msg_index ix;
	msg_index_init(&ix, m);
	json_job_fields(f, &ix);
	putc('}', f);
}

/* herd show and herd history: the job and every attempt of it (a queue
 * listing leaves them out: 100,000 first attempts would cost ~40% more). */
void json_job_attempts(FILE *f, const struct msg *m)
{
	struct msg_index ix;
	msg_index_init(&ix, m);
	json_job_fields(f, &ix);
	json_attempts(f, &ix);
	putc('}', f);
}

/* ,"key": and a string, null when empty (unknown). */
static void kv_text(FILE *f, const char *key, const char *s)
{
	kv_key(f, key);
	json_str(f, s[0] != '\0' ? s : NULL);
}

/* A GPU's processes outside herd (the node frame's "gpu_proc" values). */
static void json_outside(FILE *f, const struct msg *m, int gpu)
{
	const char *s;
	char t[64];
	size_t n = 0;
	fputs(",\"outside_processes\":[", f);
	for (size_t i = 0; (s = msg_get_nth(m, "gpu_proc", i, NULL)) != NULL; i++) {
		struct gpu_proc_rec p;
		gpu_proc_rec_parse(s, &p);
		if (p.gpu != gpu)
			continue;
		fprintf(f, "%s{\"pid\":%d", n++ ? "," : "", p.pid);
		kv_text(f, "user", p.user);
		kv_num(f, "uid", p.uid, 0);
		kv_text(f, "process", p.process);
		kv_num(f, "mem_mb", p.mem_mb, 0);
		fmt_time(t, sizeof t, p.since);
		kv_text(f, "since", strcmp(t, "-") != 0 ? t : "");
		kv_num(f, "job", p.job, 1);
		putc('}', f);
	}
	putc(']', f);
}

/* The --gpu-share jobs holding a GPU and what each declared. */
static void json_shared(FILE *f, const struct msg *m, int gpu)
{
	const char *s;
	size_t n = 0;
	fputs(",\"shared_by\":[", f);
	for (size_t i = 0; (s = msg_get_nth(m, "gpu_share", i, NULL)) != NULL; i++) {
		struct gpu_share_rec r;
		gpu_share_rec_parse(s, &r);
		if (r.gpu != gpu)
			continue;
		fprintf(f, "%s{\"job\":%lld", n++ ? "," : "", (long long)r.job);
		kv_text(f, "user", r.user);
		kv_num(f, "declared_mb", r.mem_mb, 0);
		putc('}', f);
	}
	putc(']', f);
}

/* ,"load":[1.5,0.75,0.25] (1, 5, 15 minutes; sent in hundredths), or null. */
static void kv_load(FILE *f, const struct msg *m)
{
	static const char *k[] = { "load1", "load5", "load15" };
	kv_key(f, "load");
	if (msg_geti(m, "load1", -1) < 0) {
		fputs("null", f);
		return;
	}
	for (int i = 0; i < 3; i++) {
		int64_t v = msg_geti(m, k[i], -1);
		if (v < 0)
			fprintf(f, "%snull", i ? "," : "[");
		else
			fprintf(f, "%s%" PRId64 ".%02" PRId64, i ? "," : "[", v / 100, v % 100);
	}
	fputc(']', f);
}

void json_node(FILE *f, const struct msg *m)
{
	struct msg_index ix;
	const char *g;
	msg_index_init(&ix, m);
	fputs("{\"name\":", f);
	json_str(f, msg_get(m, "name", NULL));
	kv_str(f, "state", &ix);
	kv_str(f, "reason", &ix);
	kv_time(f, "since", &ix);
	kv_num(f, "disk_free_mb", msg_geti(m, "disk_free_mb", -1), 0);
	kv_num(f, "cpus", msg_geti(m, "cpus", 0), 0);
	kv_num(f, "cpus_used", msg_geti(m, "cpus_used", 0), 0);
	kv_num(f, "mem_mb", msg_geti(m, "mem_mb", 0), 0);
	kv_num(f, "mem_used_mb", msg_geti(m, "mem_used_mb", 0), 0);
	kv_num(f, "threads_per_core", msg_geti(m, "threads_per_core", 0), 1);
	kv_load(f, m);
	kv_str(f, "cgroup", &ix);
	kv_str(f, "isolation", &ix);
	kv_str(f, "isolation_warning", &ix);
	/* "a,b" as an array; "-" (in none) and "" (none configured): [] */
	fputs(",\"partitions\":[", f);
	const char *pl = msg_get(m, "partitions", NULL);
	pl = pl != NULL ? pl : "";
	for (size_t n = 0; strcmp(pl, "-") != 0 && *pl != '\0'; n++) {
		size_t len = strcspn(pl, ",");
		char one[128];
		snprintf(one, sizeof one, "%.*s", (int)len, pl);
		fputs(n ? "," : "", f);
		json_str(f, one);
		pl += len + (pl[len] == ',');
	}
	putc(']', f);
	fputs(",\"gpus\":[", f);
	for (size_t i = 0; (g = msg_get_nth(m, "gpu", i, NULL)) != NULL; i++) {
		struct gpu_rec r;
		gpu_rec_parse(g, &r);
		fprintf(f, "%s{\"index\":%d,\"uuid\":", i ? "," : "", r.index);
		json_str(f, r.uuid);
		fputs(",\"name\":", f);
		json_str(f, r.name);
		kv_num(f, "mem_total_mb", r.mem_total_mb, 0);
		kv_num(f, "mem_used_mb", r.mem_used_mb, 0);
		kv_num(f, "util", r.util, 0);
		kv_num(f, "temperature", r.temp_c, 0);
		kv_num(f, "job", r.job, 1);
		kv_text(f, "user", r.user);
		fprintf(f, ",\"in_use_outside_herd\":%s", r.outside ? "true" : "false");
		kv_num(f, "outside_mem_mb", r.outside_mb, 0);
		json_outside(f, m, r.index);
		json_shared(f, m, r.index);
		putc('}', f);
	}
	fputs("]}", f);
}
