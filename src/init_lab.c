/*
 * init_lab.c — see init_lab.h.
 *
 * Theory of operation: herd init --lab writes the file, but the rest of a
 * lab's setup needs root and happens once, so it is printed, not done:
 * the same steps as README "Set up a lab", with this file's values filled
 * in, so the two cannot say different things for long.  The key line is
 * lab.c's own (lab_pubkey, lab_authorized_line), the very line herd
 * register writes, when herdd has already made the lab key and whoever
 * runs herd init may read it; otherwise its shape, with where the key
 * will be.
 */
#include <stdio.h>
#include <string.h>

#include "authkeys.h"
#include "config.h"
#include "init_lab.h"
#include "lab.h"
#include "util.h"

static void key_line(const struct config *cfg)
{
	char pub[LAB_PUBKEY_MAX], line[LAB_LINE_MAX], err[1024];
	printf("Each user's ~/.ssh/authorized_keys on the nodes gets, from herd register, the "
	    "line\n\n");
	if (lab_pubkey(cfg, pub, sizeof pub, err, sizeof err) == 0 &&
	    lab_authorized_line(line, sizeof line, cfg->lab_from, pub, cfg->cluster) == 0) {
		printf("    %s\n", line);
		return;
	}
	printf("    from=\"%s\"," AUTHKEYS_LAB_OPTS " ssh-ed25519 AAAA... %s%s\n\n", cfg->lab_from,
	    LAB_MARKER, cfg->cluster);
	printf("(the key is %s.pub, which herdd makes at its first start)\n", cfg->lab_key);
}

void init_lab_steps(const struct config *cfg, const char *probe_user, int gpus)
{
	const char *sd = cfg->state_dir, *slash = strrchr(cfg->socket_path, '/');
	int dirlen = slash != NULL && slash != cfg->socket_path ? (int)(slash - cfg->socket_path) : 1;
	printf("\nNext, as root on this machine (README \"Set up a lab\" says why for each):\n\n");
	printf("  1. herdd's service account, its home the state directory:\n"
	    "       useradd --system --user-group --home-dir %s --shell /usr/sbin/nologin herd\n"
	    "       install -d -o herd -g herd -m 700 %s %s/.ssh\n", sd, sd, sd);
	printf("  2. its key to probe the nodes, as the account %s there (run herd init --lab as\n"
	    "     the service account, sudo -H -u herd, to check the nodes with that key):\n"
	    "       sudo -u herd ssh-keygen -t ed25519 -N '' -C herd-probe -f %s/.ssh/id_ed25519\n",
	    probe_user, sd);
	printf("  3. this file where every user's herd reads it, checked as herdd reads it:\n"
	    "       install -d -m 755 /etc/herd && install -m 644 %s /etc/herd/hosts.ini\n"
	    "       sudo -H -u herd herdd --check -c /etc/herd/hosts.ini\n", cfg->path);
	printf("  4. start herdd (make install-units first), or without systemd:\n"
	    "       systemctl enable --now herdd\n"
	    "       install -d -o herd -g herd -m 755 %.*s && sudo -H -u herd herdd -c "
	    "/etc/herd/hosts.ini --daemon\n\n", dirlen, cfg->socket_path);
	key_line(cfg);
	printf("\nThen each user runs, once, from their own account:\n\n"
	    "    herd register               # home directories shared with the nodes\n"
	    "    herd register --each-node   # otherwise\n\n"
	    "and submits: herd submit %s\n", gpus ? "--gpus=1 --wrap 'nvidia-smi -L'" :
	    "--wrap 'hostname'");
}
