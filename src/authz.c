/*
 * authz.c — the one decision of who may do what (see authz.h).
 *
 * Theory of operation: every action falls in one of four classes, kept
 * in a table so that a new action is one row and the unit test's table
 * (every action x owner, other, admin, root, herdd's user) covers it.
 * Nothing here reads the system: the caller says whether the requester is
 * an admin (ctl resolves [controller] admins to uids when herdd starts),
 * so the rules are tested without users, sockets or a database.
 */
#include <stddef.h>

#include "authz.h"

enum class {
	C_PUBLIC,	/* everyone */
	C_JOB,		/* the job's owner, or an admin */
	C_ADMIN,	/* admins only (whoever owns the job) */
	C_DAEMON,	/* root and herdd's own user only */
};

static const struct {
	const char *name;
	enum class cls;
} actions[AUTHZ_NACTIONS] = {
	[AUTHZ_LIST] = { "list", C_PUBLIC },
	[AUTHZ_CANCEL] = { "cancel", C_JOB },
	[AUTHZ_HOLD] = { "hold", C_JOB },
	[AUTHZ_RELEASE] = { "release", C_JOB },
	[AUTHZ_REQUEUE] = { "requeue", C_JOB },
	[AUTHZ_UPDATE] = { "update", C_JOB },
	[AUTHZ_READ_SCRIPT] = { "read_script", C_JOB },
	[AUTHZ_READ_ENV] = { "read_env", C_JOB },
	[AUTHZ_READ_OUTPUT] = { "read_output", C_JOB },
	[AUTHZ_SHELL] = { "shell", C_JOB },
	[AUTHZ_HOLD_ADMIN] = { "hold_admin", C_ADMIN },
	[AUTHZ_NODE_ADMIN] = { "node_admin", C_ADMIN },
	[AUTHZ_RECONFIGURE] = { "reconfigure", C_DAEMON },
	[AUTHZ_AUDIT_READ] = { "audit_read", C_ADMIN },
};

int authz_is_admin(const struct authz_who *who)
{
	return who->uid == 0 || who->herdd || who->admin;
}

enum authz_verdict authz_decide(const struct authz_who *who, enum authz_action a,
    uint32_t owner)
{
	if ((unsigned)a >= AUTHZ_NACTIONS)
		return AUTHZ_DENY;	/* an action nobody listed is nobody's */
	int own = owner != AUTHZ_NO_OWNER && owner == (uint32_t)who->uid;
	switch (actions[a].cls) {
	case C_PUBLIC:
		return AUTHZ_OWNER;
	case C_JOB:
		if (own)
			return AUTHZ_OWNER;
		return authz_is_admin(who) ? AUTHZ_ADMIN : AUTHZ_DENY;
	case C_ADMIN:
		if (!authz_is_admin(who))
			return AUTHZ_DENY;
		return own ? AUTHZ_OWNER : AUTHZ_ADMIN;
	case C_DAEMON:
		return who->uid == 0 || who->herdd ? AUTHZ_ADMIN : AUTHZ_DENY;
	}
	return AUTHZ_DENY;
}

const char *authz_action_name(enum authz_action a)
{
	return (unsigned)a < AUTHZ_NACTIONS ? actions[a].name : "?";
}
