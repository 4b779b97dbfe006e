/*
 * ctl_authz.c — authz.c's rules applied by the controller: who a uid is
 * (the admin set of [controller] admins, resolved to uids), the refusal
 * every ownership check gives (and its place: "not yours" before anything
 * about the job's state), and the audit record of an admin's action on
 * another user's job.
 *
 * Theory of operation: names in `admins` are resolved with getpwnam()
 * once, when the controller starts, so a request never waits on NSS for
 * them and a user renamed later keeps (or loses) nothing by accident; an
 * unknown name is a warning, not a refusal to start, since a lab adds
 * accounts on its own schedule.  The audit row is written after the
 * action it records succeeded (a refused or failed action is no admin
 * action), in its own statement.  A failed audit write is logged and the
 * action stands: by then it has happened, and refusing the admin would
 * not undo it.
 */
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "ctl_internal.h"
#include "log.h"
#include "util.h"

void ctl_admins_load(struct ctl *c)
{
	const char *list = c->cfg != NULL ? c->cfg->admins : NULL;
	free(c->admins);
	c->admins = NULL;
	c->nadmins = 0;
	if (list == NULL)
		return;
	char *copy = xstrdup(list), *save = NULL;
	for (char *t = strtok_r(copy, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
		struct passwd *pw = getpwnam(t);
		if (pw == NULL) {
			char vis[96];
			str_vis(vis, sizeof vis, t);
			log_warn("admins: no user \"%s\" on this machine; ignored", vis);
			continue;
		}
		c->admins = xreallocarray(c->admins, c->nadmins + 1, sizeof *c->admins);
		c->admins[c->nadmins++] = pw->pw_uid;
	}
	free(copy);
}

struct authz_who ctl_who(const struct ctl *c, uid_t uid)
{
	struct authz_who w = { .uid = uid, .herdd = uid == geteuid() };
	for (size_t i = 0; i < c->nadmins; i++)
		if (c->admins[i] == uid)
			w.admin = 1;
	return w;
}

enum authz_verdict ctl_authz(const struct ctl *c, uid_t uid, enum authz_action a,
    uint32_t owner)
{
	struct authz_who w = ctl_who(c, uid);
	return authz_decide(&w, a, owner);
}

int ctl_not_yours(int64_t id, const char *owner, char *err, size_t errsz)
{
	snprintf(err, errsz, "job %" PRId64 " is not yours: it belongs to %s", id,
	    owner ? owner : "another user");
	return -1;
}

int ctl_refuse(struct ctl *c, enum authz_action a, const struct job_row *r, int found,
    int64_t id, uid_t uid, const char *why, char *err, size_t errsz)
{
	if (found != 1)
		snprintf(err, errsz, "no job %" PRId64, id);
	else if (ctl_authz(c, uid, a, r->uid) == AUTHZ_DENY)
		ctl_not_yours(id, r->user, err, errsz);
	else
		snprintf(err, errsz, "job %" PRId64 " %s", id, why);
	return -1;
}

int ctl_job_denied(struct ctl *c, enum authz_action a, int64_t id, uid_t uid)
{
	const struct job *j = ctl_find(c, id);
	if (j != NULL)
		return ctl_authz(c, uid, a, j->uid) == AUTHZ_DENY;
	struct job_row r;
	job_row_init(&r);
	int denied = ctl_job_get(c, id, &r) == 1 && ctl_authz(c, uid, a, r.uid) == AUTHZ_DENY;
	job_row_clear(&r);
	return denied;
}

void ctl_audit(struct ctl *c, uid_t actor, enum authz_action a, int64_t job_id,
    uint32_t owner_uid, const char *owner, const char *detail)
{
	char aname[64], oname[64];
	uid_name_r(actor, aname, sizeof aname);
	if (owner == NULL) {
		snprintf(oname, sizeof oname, "%u", (unsigned)owner_uid);
		owner = oname;
	}
	struct audit_row r = {
		.time = ctl_now_wall(c), .actor_uid = (uint32_t)actor, .actor = aname,
		.action = (char *)authz_action_name(a), .job_id = job_id,
		.owner_uid = owner_uid, .owner = (char *)owner, .detail = (char *)detail,
	};
	char vis[512];
	str_vis(vis, sizeof vis, detail ? detail : "");
	log_info("audit: %s (uid %u) %s job %" PRId64 " of %s%s%s", aname, (unsigned)actor,
	    r.action, job_id, owner, detail ? ": " : "", vis);
	if (db_audit_insert(c->db, &r) != 0)
		log_error("audit: %s's %s of job %" PRId64 " not recorded (the action stands): %s",
		    aname, r.action, job_id, db_errmsg(c->db));
}
