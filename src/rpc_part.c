/*
 * rpc_part.c — the request of sinfo (herd's Slurm name, slurm_sinfo.c):
 * hosts.ini's [partition] sections as "partition" frames: name, whether it
 * is the default, its max_time and default_time in seconds (0: none).
 *
 * Theory of operation: which nodes a partition holds travels with each
 * node in the nodes answer ("partitions"), so this answer is the
 * partitions' own settings only; the client joins the two.  No partition
 * sections: no frames (every node is in one implicit partition).
 */
#include "config.h"
#include "ctl.h"
#include "proto.h"
#include "rpc.h"
#include "server.h"

int rpc_partitions(struct server *s, struct client *cl, const struct msg *req)
{
	const struct config *c = s->ctl->cfg;
	struct msg m;
	(void)req;
	for (size_t i = 0; i < c->nparts; i++) {
		const struct part_conf *p = &c->parts[i];
		msg_init(&m, "partition");
		msg_adds(&m, "name", p->name);
		msg_addi(&m, "default", p->is_default);
		msg_addi(&m, "max_time", p->max_time_s);
		msg_addi(&m, "default_time", p->default_time_s);
		client_send(cl, &m);
		msg_clear(&m);
	}
	msg_init(&m, "end");
	client_send(cl, &m);
	msg_clear(&m);
	return 0;
}
