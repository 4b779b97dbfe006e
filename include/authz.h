/*
 * authz.h — who may do what: one pure function decides every action a
 * requester asks for, on a job of a given owner or on the controller.
 *
 * Everyone may list the queue, the nodes and the history and show a job's
 * record (names, states, resources).  Only a job's owner, an admin and
 * root may cancel, hold, release, requeue or update it, read its script,
 * its environment or its output, or open a shell in its allocation.  Only
 * admins (and root) may hold with JobHeldAdmin (and release such a hold),
 * drain or resume nodes and read the audit log; only root and herdd's own
 * user may reconfigure herdd (it re-reads herdd's own files).
 *
 * An admin is root, herdd's own user (in personal mode the one person
 * whose controller it is) or a user named in [controller] admins.  An
 * action allowed only because the requester is an admin, on a job of
 * another user, is AUTHZ_ADMIN: the caller records it in the audit log.
 */
#ifndef HERD_AUTHZ_H
#define HERD_AUTHZ_H

#include <stdint.h>
#include <sys/types.h>

enum authz_action {
	AUTHZ_LIST,		/* queue, nodes, history, show (the record) */
	AUTHZ_CANCEL,
	AUTHZ_HOLD,
	AUTHZ_RELEASE,
	AUTHZ_REQUEUE,
	AUTHZ_UPDATE,
	AUTHZ_READ_SCRIPT,	/* show --script */
	AUTHZ_READ_ENV,		/* show --env */
	AUTHZ_READ_OUTPUT,	/* logs */
	AUTHZ_SHELL,		/* a shell in the job's allocation */
	AUTHZ_HOLD_ADMIN,	/* put or lift a JobHeldAdmin hold */
	AUTHZ_NODE_ADMIN,	/* drain, resume */
	AUTHZ_RECONFIGURE,
	AUTHZ_AUDIT_READ,
	AUTHZ_NACTIONS
};

enum authz_verdict {
	AUTHZ_DENY = 0,
	AUTHZ_OWNER,		/* allowed: the requester's own job, or open to everyone */
	AUTHZ_ADMIN,		/* allowed by admin power (on another's job: audit it) */
};

/* Who asks: the kernel's uid (SO_PEERCRED) and what the controller knows of it. */
struct authz_who {
	uid_t uid;
	int admin;		/* named in [controller] admins */
	int herdd;		/* herdd's own uid */
};

/* The owner argument of an action on no job (nodes, reconfigure, audit). */
#define AUTHZ_NO_OWNER ((uint32_t)-1)

enum authz_verdict authz_decide(const struct authz_who *who, enum authz_action a,
    uint32_t owner);
/* Root, herdd's own user or a configured admin. */
int authz_is_admin(const struct authz_who *who);
/* "cancel", "read_env", ...: the audit log's action column. */
const char *authz_action_name(enum authz_action a);

#endif
