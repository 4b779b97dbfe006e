/*
 * init_json.c — herd init --json's document (init_json.h).  Only what the
 * checks found: a host that failed says why in "error" (the line written
 * commented out in the file), a kept host lists herd doctor's failed
 * checks as warnings with their fix, as the text report does.
 */
#include <stdio.h>

#include "client.h"
#include "doctor.h"
#include "init_json.h"

/* A string field, null for "" (nothing known). */
static void field(FILE *f, const char *key, const char *v, int first)
{
	fprintf(f, "%s\"%s\": ", first ? "" : ", ", key);
	json_str(f, v != NULL && v[0] != '\0' ? v : NULL);
}

static void warnings(FILE *f, const struct doctor_report *r)
{
	size_t k = 0;
	fputs(", \"warnings\": [", f);
	for (size_t i = 0; r != NULL && i < r->n; i++) {
		if (r->c[i].ok)
			continue;
		fputs(k++ > 0 ? ", {" : "{", f);
		field(f, "check", r->c[i].name, 1);
		field(f, "detail", r->c[i].detail, 0);
		field(f, "fix", r->c[i].fix, 0);
		fputc('}', f);
	}
	fputc(']', f);
}

static void host(FILE *f, const struct init_json_host *h)
{
	int ok = h->failed == NULL || h->failed[0] == '\0';
	fputc('{', f);
	field(f, "name", h->name, 1);
	field(f, "hostname", h->hostname, 0);
	fprintf(f, ", \"port\": %d", h->port);
	field(f, "user", h->user, 0);
	field(f, "identity", h->identity, 0);
	fprintf(f, ", \"ok\": %s", ok ? "true" : "false");
	field(f, "error", ok ? NULL : h->failed, 0);
	fprintf(f, ", \"cpu_only\": %s, \"host_key\": ", h->cpu_only ? "true" : "false");
	if (h->key_state == NULL)
		fputs("null", f);
	else {
		fputc('{', f);
		field(f, "type", h->key_type, 1);
		field(f, "sha256", h->key_sha256, 0);
		field(f, "state", h->key_state, 0);
		fputc('}', f);
	}
	warnings(f, ok ? h->doctor : NULL);
	fputc('}', f);
}

void init_json(FILE *f, int ok, const char *file, size_t written,
    const struct init_json_host *h, size_t n)
{
	fprintf(f, "{\"ok\": %s", ok ? "true" : "false");
	field(f, "file", file, 0);
	fprintf(f, ", \"nodes\": %zu, \"hosts\": [", written);
	for (size_t i = 0; i < n; i++) {
		fputs(i > 0 ? ",\n" : "\n", f);
		host(f, &h[i]);
	}
	fputs(n > 0 ? "\n]}\n" : "]}\n", f);
}
