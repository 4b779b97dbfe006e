/*
 * config.h — hosts.ini, validated into a plain struct.
 *
 * Sections: [controller] (state_dir, socket, probe_interval, cluster,
 * kill_grace, log_file, max_array_size, kill_invalid_depend; lab mode:
 * mode, admins, lab_key, lab_from, session_idle; a remote client's:
 * controller), [defaults] (any node key, inherited by every node that does
 * not set it), and one [node NAME] per node (host, port, user,
 * identity, known_hosts, herd_dir, connect_timeout, command_timeout,
 * keepalive, foreign_mem_threshold, share_foreign), [account NAME] and [priority] (acct.h), [partition NAME] and
 * [qos NAME] (see struct part_conf, struct qos_conf; partition.h uses them).
 * `host = local` runs the node side with /bin/sh on this machine instead of
 * over SSH.
 *
 * Paths: "~/" expands to $HOME; other relative paths are relative to the
 * directory that holds the hosts.ini file.  Every error names FILE:LINE.
 *
 * Ownership: config_load() fills a struct config that config_clear()
 * releases; all strings are owned by it.
 */
#ifndef HERD_CONFIG_H
#define HERD_CONFIG_H

#include <stddef.h>

#include "acct.h"

#define CONFIG_MAX_NODES 256
#define CONFIG_NAME_MAX  63
#define CONFIG_LAB_SOCKET "/run/herd/herd.sock"	/* lab mode's default socket */	/* node and cluster names: [A-Za-z0-9._-], not starting with - or . */

struct node_conf {
	char *name;
	char *host;		/* hostname/address, or "local" */
	int local;		/* host = local */
	int port;		/* default 22 */
	char *user;		/* default: the user running herdd */
	char *identity;		/* private key file; NULL: ssh-agent, then ~/.ssh/id_* */
	char *known_hosts;	/* default ~/.ssh/known_hosts */
	char *herd_dir;		/* node-side directory, default ".herd" (relative to the node user's home) */
	int connect_timeout_s;	/* default 10 */
	int command_timeout_s;	/* default 30 */
	int keepalive_s;	/* default 15; 0 disables */
	int cpu_only;		/* no GPUs: herd doctor expects no nvidia-smi (default no) */
	int foreign_mem_threshold_mb;	/* GPU memory in use outside herd jobs above
					 * which a GPU is busy; default 512 */
	int share_foreign;	/* yes: hand out GPUs in use outside herd anyway */
	int down_after_s;	/* unreachable this long: DOWN (default 120) */
	int node_fail_after_s;	/* unreachable this long: its jobs NODE_FAIL (default 600; 0 never) */
	int keep_job_files_s;	/* an ended job's files stay on the node this long (default 1 day) */
	int min_free_disk_mb;	/* less free in herd_dir: no new jobs (default 1G; 0 none) */
	char *features;		/* --constraint names, as written; NULL: none */
	char *gpu_types;	/* the names its GPUs answer to (gputype.h); NULL: from nvidia-smi */
	int gpu_share;		/* --gpu-share jobs may share its GPUs by memory (default no) */
	int gpu_share_enforce;	/* 1 (kill): a sharing job over its --gpu-mem is ended */
	int line;		/* line of the [node] header, for messages */
};

/*
 * [partition NAME]: a set of nodes jobs may ask for (-p), with its limits,
 * as Slurm's PartitionName lines.  Without any, every node is in one
 * default partition and jobs name none.  Durations are seconds, 0: none.
 */
struct part_conf {
	char *name;
	char *nodes;		/* node names as written (commas or blanks), or "ALL" */
	int all;		/* nodes = ALL */
	int is_default;		/* default = yes: jobs without -p go here */
	int max_time_s;		/* a longer --time is refused (PartitionTimeLimit) */
	int default_time_s;	/* a job without --time gets it (else max_time) */
	char *allow_users;	/* NULL: everyone */
	int priority_tier;	/* higher: its jobs are scheduled first */
	int priority_job_factor;	/* multifactor's partition factor, over the
					 * largest; default priority_tier */
	char *allow_accounts;	/* [account] names; NULL: every account */
	int gpu_share;		/* its jobs may share its nodes' GPUs by memory */
	int gpu_share_enforce;	/* 1 (kill): over --gpu-mem ends the job there */
	int idle_timeout_s;	/* an interactive allocation idle this long ends; 0 never */
	int services;		/* services = no (0): herd service start refused here */
	int line;		/* of the header */
};

/* [qos NAME]: a quality of service jobs ask for with --qos. */
struct qos_conf {
	char *name;
	int priority;		/* multifactor's QoS factor, over the largest */
	int max_time_s;		/* a longer --time is refused (QOSMaxWallDurationPerJobLimit) */
	struct limit_conf lim;	/* max_gpus, ... (limit.h) */
	int line;
};

#define CONFIG_MAX_PARTS 64
#define CONFIG_MAX_QOS 64

struct config {
	char *path;		/* the file read, absolute */
	char *cluster;		/* default "herd"; names job directories on nodes */
	char *state_dir;	/* default $XDG_STATE_HOME/herd or ~/.local/state/herd */
	char *socket_path;	/* default STATE_DIR/herd.sock */
	char *log_file;		/* for --daemon; default STATE_DIR/herdd.log */
	int probe_interval_s;	/* default 30 */
	int kill_grace_s;	/* TERM → KILL, default 10 */
	int max_array_size;	/* --array task ids below this, default 1001 */
	int kill_invalid_depend;	/* cancel a job whose dependency can never be met, default 1 */
	int reservations;	/* backfill plans this many blocked jobs ahead (sched.h), default 1 */
	/* Lab mode: herdd runs as a service account, jobs as their submitters. */
	char *mode;		/* "personal" (default) or "lab" */
	int lab;		/* mode = lab */
	char *admins;		/* user names, separated by commas or blanks; NULL: none */
	char *lab_key;		/* the lab's private key; default STATE_DIR/lab_key (.pub beside) */
	char *lab_from;		/* from= pattern of the authorized_keys line; required in lab mode */
	int session_idle_s;	/* a (node, user) session with no job closes after this, default 300 */
	char *controller;	/* client side: herdd is on this ssh destination (--stdio-bridge) */
	char *notify_command;	/* run once per job event (ctl_notify.c); NULL: none */
	int notify_timeout_s;	/* a notify_command running longer is killed, default 30 */
	struct node_conf *nodes;
	size_t nnodes;
	struct acct_conf acct;	/* [account NAME] and [priority] (acct.h) */
	struct part_conf *parts;	/* in file order; none: one implicit partition */
	size_t nparts;
	struct qos_conf *qos;
	size_t nqos;
};

/* 0 ok; -1 with *err = "FILE:LINE: what is wrong" (or "FILE: ..." for I/O). */
int config_load(const char *path, struct config *c, char *err, size_t errsz);

/*
 * The system-wide file that every user's herd reads last, as Slurm's
 * commands read /etc/slurm/slurm.conf; $HERD_SYSTEM_CONFIG names another
 * (tests).  config_load_client() reads only what a client needs of it:
 * socket, controller, mode and admins in [controller] (lab mode's socket
 * is filled in when not set).  Every other line, section or key is
 * skipped unread, as a user may not care about them (and cannot fix
 * them).  0: read; 1: no such file, or not readable by this user (c is
 * cleared); -1 with *err = "FILE:LINE: ..." for a bad client key.
 */
#define CONFIG_SYSTEM_PATH "/etc/herd/hosts.ini"
int config_load_client(const char *path, struct config *c, char *err, size_t errsz);
void config_clear(struct config *c);

/*
 * Reload (ctl_reload.c): a node's settings copied out of a config, so that
 * a running node never points into a config that is freed; and which keys
 * differ between two configs.  The *_changed() functions write the names of
 * the differing keys (static strings, in the order of the key tables) to
 * names[0..cap) and return how many differ (possibly more than cap).
 */
struct node_conf *config_node_dup(const struct node_conf *n);
void config_node_free(struct node_conf *n);	/* NULL: no-op */
size_t config_node_changed(const struct node_conf *a, const struct node_conf *b,
    const char **names, size_t cap);
size_t config_ctl_changed(const struct config *a, const struct config *b,
    const char **names, size_t cap);

/* Reload: [partition] and [qos] of b moved into a (a's freed); whether
 * they differed. */
int config_parts_take(struct config *a, struct config *b);

/* The default state directory for this user (malloc'd). */
char *config_default_state_dir(void);

#endif
