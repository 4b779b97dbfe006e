/*
 * rpc_lab.c — the requests of lab mode's registration: `lab` (what a user
 * needs to register: the public key and the line for authorized_keys),
 * `register` and `unregister`.  The caller is the kernel's (SO_PEERCRED):
 * a user registers and unregisters only themself.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "ctl.h"
#include "db.h"
#include "lab.h"
#include "log.h"
#include "rpc.h"
#include "server.h"

int rpc_lab(struct server *s, struct client *cl, const struct msg *m)
{
	const struct config *cfg = s->ctl->cfg;
	char user[64], pub[LAB_PUBKEY_MAX], line[LAB_LINE_MAX], err[HERD_ERRLEN];
	struct msg ok;
	(void)m;
	msg_init(&ok, "ok");
	msg_adds(&ok, "mode", cfg->lab ? "lab" : "personal");
	msg_adds(&ok, "user", uid_name_r((uid_t)cl->uid, user, sizeof user));
	msg_adds(&ok, "cluster", cfg->cluster);
	if (cfg->lab) {
		if (lab_pubkey(cfg, pub, sizeof pub, err, sizeof err) != 0 ||
		    lab_authorized_line(line, sizeof line, cfg->lab_from, pub, cfg->cluster) != 0) {
			msg_clear(&ok);
			log_error("lab key: %s", err);
			client_error(cl, "herdd's lab key is not usable; see its log");
			return -1;
		}
		msg_adds(&ok, "line", line);
		char marker[128];
		snprintf(marker, sizeof marker, LAB_MARKER "%s", cfg->cluster);
		msg_adds(&ok, "marker", marker);
		msg_addi(&ok, "registered", db_user_registered(s->ctl->db, cl->uid) == 1);
		for (size_t k = 0; k < s->ctl->nnodes; k++) {
			const struct node *n = &s->ctl->nodes[k];
			char nl[512];
			if (n->life != NODE_LIVE)
				continue;
			snprintf(nl, sizeof nl, "%s %s %d", n->conf->name, n->conf->host, n->conf->port);
			msg_adds(&ok, "node", nl);
		}
	}
	client_send(cl, &ok);
	msg_clear(&ok);
	return 0;
}

static int personal_refusal(struct server *s, struct client *cl, const char *what)
{
	char me[64];
	if (s->ctl->cfg->lab)
		return 0;
	client_error(cl, "herd %s is for lab mode; this herdd runs in personal mode as %s, and "
	    "every job runs as %s", what, uid_name_r(geteuid(), me, sizeof me), me);
	return -1;
}

int rpc_register(struct server *s, struct client *cl, const struct msg *m)
{
	char user[64];
	struct msg ok;
	(void)m;
	if (personal_refusal(s, cl, "register") != 0)
		return -1;
	if (cl->uid == 0) {
		/* The lab key would then be a root login on every node. */
		client_error(cl, "root may not register: its jobs would run as root on every node, "
		    "and the lab key would log in as root; submit as an ordinary user");
		return -1;
	}
	uid_name_r((uid_t)cl->uid, user, sizeof user);
	/* The turn's changes first: then this write is durable on its own. */
	if (ctl_flush(s->ctl) != 0 ||
	    db_user_register(s->ctl->db, cl->uid, user, ctl_now_wall(s->ctl)) != 0) {
		client_error(cl, "cannot record the registration: %s", db_errmsg(s->ctl->db));
		return -1;
	}
	log_info("user %s (uid %u) registered", user, (unsigned)cl->uid);
	msg_init(&ok, "ok");
	msg_adds(&ok, "user", user);
	client_send(cl, &ok);
	msg_clear(&ok);
	return 0;
}

int rpc_unregister(struct server *s, struct client *cl, const struct msg *m)
{
	char user[64];
	size_t active = 0;
	struct msg ok;
	(void)m;
	if (personal_refusal(s, cl, "unregister") != 0)
		return -1;
	active = ctl_user_jobs_active(s->ctl, cl->uid);
	if (active > 0) {
		client_error(cl, "you have %zu job%s not ended yet; herdd could not start or stop "
		    "them as you: cancel them (herd cancel --me) or wait, then unregister",
		    active, active == 1 ? "" : "s");
		return -1;
	}
	uid_name_r((uid_t)cl->uid, user, sizeof user);
	if (ctl_flush(s->ctl) != 0 || db_user_unregister(s->ctl->db, cl->uid) != 0) {
		client_error(cl, "cannot record it: %s", db_errmsg(s->ctl->db));
		return -1;
	}
	log_info("user %s (uid %u) unregistered", user, (unsigned)cl->uid);
	msg_init(&ok, "ok");
	msg_adds(&ok, "user", user);
	client_send(cl, &ok);
	msg_clear(&ok);
	return 0;
}
