/*
 * cmd_update.c — herd update ID KEY=VALUE...: change a job after its
 * submit, as scontrol update does.  A pending job's name, time limit, GPUs,
 * CPUs, memory, output files, begin time, dependency and nice; a running
 * job's time limit (lowered by its owner, raised only by root).  All of it
 * or nothing.  Holds are herd hold and herd release, not keys.
 *
 * Each key is checked here by the very option of `herd submit` that sets
 * it (jobopt.c), so a value means what it means at submit ("1:30:00",
 * "16G", "gpu:2"); herdd checks the ranges again and whether the job still
 * fits a node.  A new updatable field is a row of keys[] here and a row of
 * rpc.c's update_keys[].
 *
 * --json prints [{"job": "ID", "ok": true, "changed": {...}}] (ok false and
 * herdd's "error" when refused): an array like hold's and cancel's, so a
 * script reads every per-job command's answer alike; "changed" holds the
 * values as sent, by the field names of herd show --json.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "client.h"
#include "cmd.h"
#include "jobopt.h"

const struct cmd_entry cmd_update_entry = {
	"update", "update [--json] ID KEY=VALUE...",
	"change a pending job, or a running job's time limit, like scontrol update",
	"keys (herd's name, Slurm's scontrol name, or the herd submit option):\n"
	"  name=NAME                 JobName, job-name\n"
	"  time_limit=DURATION       TimeLimit, time: minutes, H:MM:SS, D-H[:MM[:SS]],\n"
	"                            UNLIMITED; of a running job: lower only, unless root\n"
	"  gpus=N                    NumGPUs, gres (gpu:N)\n"
	"  cpus=N                    NumCPUs: the job's CPUs in all\n"
	"  mem=SIZE                  MinMemoryNode: 16G, 512M, 2048 (MB)\n"
	"  stdout=FILE               StdOut, output\n"
	"  stderr=FILE               StdErr, error\n"
	"  begin_time=TIME           BeginTime, begin: any --begin form (now+60,\n"
	"                            16:00, tomorrow, 2030-01-31T08:00), herdd's clock\n"
	"  dependency=DEP            Dependency: as --dependency; empty clears it\n"
	"  nice=N                    Nice: as --nice (negative only for root)\n"
	"All but time_limit only while the job is pending.  A bad value changes\n"
	"nothing.  Holds are not keys: use herd hold and herd release.\n"
	"options:\n"
	"      --json                print the result as JSON: ok or error, what changed\n"
	"  -h, --help                this help\n",
	cmd_update
};

enum { K_NAME, K_TIME, K_GPUS, K_CPUS, K_MEM, K_OUT, K_ERR, K_BEGIN, K_DEP, K_NICE };

static const struct update_key {
	const char *key;	/* herd's name */
	const char *slurm;	/* scontrol's, any case */
	const char *opt;	/* the submit option that checks and parses it */
	const char *field;	/* in the "update" request */
	int which;
} keys[] = {
	{ "name", "JobName", "job-name", "name", K_NAME },
	{ "time_limit", "TimeLimit", "time", "time_limit", K_TIME },
	{ "gpus", "NumGPUs", "gpus", "gpus", K_GPUS },
	{ "gres", "Gres", "gres", "gpus", K_GPUS },
	{ "cpus", "NumCPUs", "cpus", "cpus", K_CPUS },
	{ "mem", "MinMemoryNode", "mem", "mem_mb", K_MEM },
	{ "stdout", "StdOut", "output", "out", K_OUT },
	{ "stderr", "StdErr", "error", "err", K_ERR },
	{ "begin_time", "BeginTime", "begin", "begin", K_BEGIN },
	{ "dependency", "Dependency", "dependency", "dependency", K_DEP },
	{ "nice", "Nice", "nice", "nice", K_NICE },
};

static const struct update_key *find_key(const char *k)
{
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(k, keys[i].key) == 0 || strcasecmp(k, keys[i].slurm) == 0 ||
		    strcmp(k, keys[i].opt) == 0)
			return &keys[i];
	return NULL;
}

int update_key_known(const char *key)
{
	return find_key(key) != NULL;
}

/* The parsed value of one key into the request. */
static void put(struct msg *req, const struct update_key *uk, const struct jobopt *o)
{
	switch (uk->which) {
	case K_NAME: msg_adds(req, uk->field, o->name); break;
	case K_TIME: msg_addi(req, uk->field, o->time_limit_s); break;
	case K_GPUS: msg_addi(req, uk->field, o->gpus); break;
	case K_CPUS: msg_addi(req, uk->field, o->cpus); break;
	case K_MEM: msg_addi(req, uk->field, (int64_t)o->mem_mb); break;
	case K_OUT: msg_adds(req, uk->field, o->out_path); break;
	case K_ERR: msg_adds(req, uk->field, o->err_path); break;
	/* The text: herdd computes the time with its own clock and zone. */
	case K_BEGIN: msg_adds(req, uk->field, o->begin); break;
	case K_DEP: msg_adds(req, uk->field, o->dependency); break;
	case K_NICE: msg_addi(req, uk->field, o->nice); break;
	}
}

/* The --json name of an updated field: herd show --json's. */
static const char *json_name(int which)
{
	static const char *const names[] = {
		[K_NAME] = "name", [K_TIME] = "time_limit", [K_GPUS] = "gpus", [K_CPUS] = "cpus",
		[K_MEM] = "mem_mb", [K_OUT] = "stdout", [K_ERR] = "stderr",
		[K_BEGIN] = "begin", [K_DEP] = "dependency", [K_NICE] = "nice",
	};
	return names[which];
}

static int is_number(int which)
{
	return which == K_TIME || which == K_GPUS || which == K_CPUS || which == K_MEM ||
	    which == K_NICE;
}

/* The request's update by field name (each key at most once: add_pair checks). */
static const struct update_key *key_of_field(const char *field)
{
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(field, keys[i].field) == 0)
			return &keys[i];
	return NULL;
}

/* [{"job": "ID", "ok": ..., "changed": {...}}]: what req asked, err NULL when done. */
static void update_json(const struct msg *req, long long id, const char *err)
{
	char ref[32];
	int first = 1;
	snprintf(ref, sizeof ref, "%lld", id);
	fputs("[\n{\"job\": ", stdout);
	json_str(stdout, ref);
	printf(", \"ok\": %s", err == NULL ? "true" : "false");
	if (err != NULL) {
		fputs(", \"error\": ", stdout);
		json_str(stdout, err);
	}
	fputs(err == NULL ? ", \"changed\": {" : ", \"asked\": {", stdout);
	for (size_t i = 0; i + 1 < req->nf; i += 2) {
		const struct update_key *uk = key_of_field(req->f[i].p);
		if (uk == NULL)
			continue;
		fputs(first ? "" : ", ", stdout);
		first = 0;
		json_str(stdout, json_name(uk->which));
		fputs(": ", stdout);
		if (is_number(uk->which))
			fputs(req->f[i + 1].p, stdout);	/* msg_addi's decimal */
		else
			json_str(stdout, req->f[i + 1].p);
	}
	fputs("}}\n]\n", stdout);
}

/* KEY=VALUE into the request; 0, or 2 with the message printed. */
static int add_pair(const struct cmd_entry *ce, struct msg *req, const char *arg)
{
	char key[64], vis[128], err[HERD_ERRLEN];
	const char *eq = strchr(arg, '=');
	const struct update_key *uk;
	struct jobopt o;
	int rc;

	str_vis(vis, sizeof vis, arg);
	if (eq == NULL || eq == arg || (size_t)(eq - arg) >= sizeof key)
		return cmd_usage_error(ce, "\"%s\" is not KEY=VALUE", vis);
	memcpy(key, arg, (size_t)(eq - arg));
	key[eq - arg] = '\0';
	if (strcasecmp(key, "hold") == 0 || strcasecmp(key, "release") == 0)
		return cmd_usage_error(ce, "\"%s\" is not an update key: use herd hold or herd "
		    "release", key);
	if ((uk = find_key(key)) == NULL) {
		str_vis(vis, sizeof vis, key);
		return cmd_usage_error(ce, "\"%s\" cannot be updated (keys: name, time_limit, gpus, "
		    "cpus, mem, stdout, stderr, begin_time, dependency, nice)", vis);
	}
	if (msg_get(req, uk->field, NULL) != NULL)
		return cmd_usage_error(ce, "%s given twice", uk->key);
	if (uk->which == K_DEP && eq[1] == '\0') {
		msg_adds(req, uk->field, "");	/* no dependency any more */
		return 0;
	}
	jobopt_init(&o);
	rc = jobopt_apply(&o, uk->opt, eq + 1, 0, err, sizeof err);
	if (rc == 0)
		put(req, uk, &o);
	jobopt_clear(&o);
	if (rc != 0)
		return cmd_usage_error(ce, "invalid %s: %s", vis, err);
	return 0;
}

int cmd_update(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'J' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_update_entry;
	struct hclient c;
	struct msg req, ans;
	long long id;
	int ch, rc = 2, json = 0;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "h", lo)) != -1) {
		if (ch == 'J') {
			json = 1;
			continue;
		}
		if (ch == 'h')
			cmd_help(ce, stdout);
		return ch == 'h' || ch == CMD_OPT_HELP ? 0 : 2;
	}
	if (optind == argc)
		return cmd_usage_error(ce, "no job id");
	if ((id = cmd_job_id(argv[optind])) < 0)
		return 2;
	if (optind + 1 == argc)
		return cmd_usage_error(ce, "nothing to update: give KEY=VALUE");
	msg_init(&req, "update");
	msg_addi(&req, "id", id);
	for (int i = optind + 1; i < argc; i++)
		if (add_pair(ce, &req, argv[i]) != 0)
			goto out;
	rc = 1;
	if (hclient_connect(&c) != 0)
		goto out;
	if (hclient_send(&c, &req) == 0 && hclient_next(&c, &ans) == 1) {
		if (!hclient_is_error(&ans))
			rc = 0;
		if (json)
			update_json(&req, id, rc == 0 ? NULL :
			    msg_get(&ans, "message", NULL) ? msg_get(&ans, "message", NULL) : "refused");
		msg_clear(&ans);
	}
	hclient_close(&c);
out:
	msg_clear(&req);
	return rc;
}
