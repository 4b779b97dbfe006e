/*
 * init_json.h — herd init --json: the hosts checked and what came of each,
 * as one JSON document for a script that sets nodes up (cmd_init.c
 * gathers, this writes).
 *
 * Ownership: every pointer is borrowed for the call.
 */
#ifndef HERD_INIT_JSON_H
#define HERD_INIT_JSON_H

#include <stddef.h>
#include <stdio.h>

struct doctor_report;

struct init_json_host {
	const char *name;		/* [node NAME] */
	const char *hostname;		/* ssh -G's; "" not resolved */
	int port;
	const char *user;
	const char *identity;		/* "" none named: the agent, ~/.ssh/id_* */
	const char *key_type, *key_sha256;	/* "" no key fetched */
	const char *key_state;		/* "known", "added", "unknown", "changed"; NULL none */
	int cpu_only;
	const char *failed;		/* "" passed */
	const struct doctor_report *doctor;	/* NULL: not run; its failed checks are
						 * the warnings of a node kept */
};

/*
 * {"ok", "file": path or null, "nodes": written, "hosts": [{"name",
 * "hostname", "port", "user", "identity", "ok", "error", "cpu_only",
 * "host_key": {"type", "sha256", "state"} or null, "warnings": [{"check",
 * "detail", "fix"}]}]}.
 */
void init_json(FILE *f, int ok, const char *file, size_t written,
    const struct init_json_host *h, size_t n);

#endif
