/*
 * rpc_svc.c — the "svc_restart" request: herd service restart NAME.
 *
 * Theory of operation: the name is checked as a service's name (svc.h's
 * rules; anything else could not be one) and the caller's own service of
 * that name is rolled (ctl_roll.c): names are unique per user, so the
 * caller's uid, from the kernel, says whose.  The answer comes once the
 * roll is stored; the roll itself goes on in the controller's ticks.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "proto.h"
#include "rpc.h"
#include "server.h"
#include "svc.h"
#include "util.h"

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
	if (svc_check_name(name, err, sizeof err) != 0 ||
	    ctl_svc_restart(s->ctl, cl->uid, name, &replicas, err, sizeof err) != 0) {
		client_error(cl, "%s", err);
		return -1;
	}
	struct msg ok;
	msg_init(&ok, "ok");
	msg_adds(&ok, "service", name);
	msg_addi(&ok, "replicas", replicas);
	client_send(cl, &ok);
	msg_clear(&ok);
	return 0;
}
