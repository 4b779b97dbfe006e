/*
 * rpc_svc.c — the "svc_restart" request: herd service restart NAME.
 *
 * Theory of operation: the name is checked as a service's name (svc.h's
 * rules; anything else could not be one) and the caller's own service of
 * that name is rolled (ctl_roll.c): names are unique per user, so the
 * caller's uid, from the kernel, says whose; with "owner" (OWNER/NAME), an
 * admin's restart of OWNER's service (herdd resolves the name; audited).
 * The answer comes once the roll is stored; the roll itself goes on in the
 * controller's ticks.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "proto.h"
#include "rpc.h"
#include "server.h"
#include "svc.h"
#include "svc_share.h"
#include "util.h"

/* "owner" (OWNER/NAME: another user's service, by name, resolved here):
 * its uid into *owner where the caller may restart it (an admin); 0, or -1
 * with why. */
static int restart_owner(struct server *s, struct client *cl, const struct msg *m,
    const char *name, uint32_t *owner, char *err, size_t errsz)
{
	uint32_t len;
	const char *v = msg_get(m, "owner", &len);
	char user[SVC_SHARE_USER_MAX + 1];
	if (v == NULL)
		return 0;
	if (len > SVC_SHARE_USER_MAX || memchr(v, '\0', len) != NULL) {
		snprintf(err, errsz, "svc_restart: an owner's name, %d bytes at most",
		    SVC_SHARE_USER_MAX);
		return -1;
	}
	memcpy(user, v, len);
	user[len] = '\0';
	if (name_uid_r(user, owner, NULL) != 0) {
		char vis[SVC_SHARE_USER_MAX * 4 + 1];
		str_vis(vis, sizeof vis, user);
		snprintf(err, errsz, "no such user on this machine: \"%s\"", vis);
		return -1;
	}
	if (ctl_authz(s->ctl, cl->uid, AUTHZ_REQUEUE, *owner) == AUTHZ_DENY) {
		snprintf(err, errsz, "service %s is %s's: only its owner or an admin may restart "
		    "it", name, user);
		return -1;
	}
	return 0;
}

int rpc_svc_restart(struct server *s, struct client *cl, const struct msg *m)
{
	char err[HERD_ERRLEN], name[SVC_NAME_MAX + 1];
	uint32_t len;
	int replicas = 0;
	const char *v = msg_get(m, "service", &len);
	if (v == NULL || len > SVC_NAME_MAX || memchr(v, '\0', len) != NULL) {
		client_error(cl, "svc_restart: a service's name, %d bytes at most", SVC_NAME_MAX);
		return -1;
	}
	memcpy(name, v, len);
	name[len] = '\0';
	uint32_t owner = (uint32_t)cl->uid;
	if (svc_check_name(name, err, sizeof err) != 0 ||
	    restart_owner(s, cl, m, name, &owner, err, sizeof err) != 0 ||
	    ctl_svc_restart(s->ctl, owner, name, &replicas, err, sizeof err) != 0) {
		client_error(cl, "%s", err);
		return -1;
	}
	if (owner != (uint32_t)cl->uid)
		ctl_audit(s->ctl, cl->uid, AUTHZ_REQUEUE, 0, owner, msg_get(m, "owner", NULL),
		    "herd service restart");
	struct msg ok;
	msg_init(&ok, "ok");
	msg_adds(&ok, "service", name);
	msg_addi(&ok, "replicas", replicas);
	client_send(cl, &ok);
	msg_clear(&ok);
	return 0;
}
