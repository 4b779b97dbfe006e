/*
 * partition.h — partitions and QoS ([partition NAME], [qos NAME] in
 * hosts.ini): which of them a job may use, the time limit it gets, and
 * the nodes and tier a scheduling pass gives it.  Pure functions over a
 * struct config; no I/O.
 *
 * A job names partitions with -p a,b (whichever can start it first: the
 * pass may place it on the nodes of any of them) or none (the default
 * partition).  At submit each named one must exist; the job is refused
 * where none takes it (its user not in allow_users, its account not in
 * allow_accounts (AccountNotAllowed), its --time over
 * max_time) and the message names the limit, as Slurm's
 * PartitionTimeLimit.  A job without --time gets the first partition's
 * default_time, else its max_time (Slurm's DefaultTime, MaxTime).  A
 * --qos must exist and its max_time holds too.  Without [partition]
 * sections every node is in one implicit partition and a job names none
 * (stored NULL).
 *
 * Ownership: strings returned through *stored are malloc'd for the caller.
 */
#ifndef HERD_PARTITION_H
#define HERD_PARTITION_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* -p's list and --qos's name, as the client may send them. */
#define PART_LIST_MAX 1024

/* The partition or QoS of that name (len bytes), NULL none. */
const struct part_conf *part_find(const struct config *c, const char *name, size_t len);
const struct qos_conf *qos_find(const struct config *c, const char *name);

/* Whether user may use the partition (allow_users). */
int part_user_allowed(const struct part_conf *p, const char *user);
/* Whether a job of that account may (allow_accounts). */
int part_account_allowed(const struct part_conf *p, const char *account);

/*
 * Submit: req (-p list, NULL: the default partition), qos (NULL: none),
 * user and *limit (seconds, 0: none; set to the default time where 0).
 * 0 with *stored = the partitions as stored ("a,b", duplicates dropped;
 * NULL without partitions), or -1 with *err = why (names those that
 * exist where one does not).
 */
int part_submit(const struct config *c, const char *req, const char *qos, const char *user,
    const char *account, int64_t *limit, char **stored, char *err, size_t errsz);

/*
 * A pass: the node slots a job of these partitions, user and limit may
 * run on (bit k of mask[k / 64] for names[k]; a NULL name is no node),
 * and the highest priority_tier among the partitions that take it.
 * mask has (nnames + 63) / 64 words.  Returns how many partitions take it
 * (0: none now, after a reconfigure: it waits, PartitionTimeLimit or
 * PartitionConfig by part_reason()).
 */
int part_nodes(const struct config *c, const char *parts, const char *user,
    const char *account, int64_t limit,
    const char *const *names, size_t nnames, uint64_t *mask, int *tier);

/*
 * GPU sharing (--gpu-share, gpushare.h): share gets the slots of nodes[]
 * (NULL: no node) where a sharing job of these partitions (NULL: the
 * default) may share a GPU: the node says gpu_share = yes, or one of the
 * job's partitions that has the node does.  kill: those where
 * gpu_share_enforce = kill holds for it (the node's, or such a
 * partition's).  Both have (n + 63) / 64 words.
 */
void part_share_nodes(const struct config *c, const char *parts,
    const struct node_conf *const *nodes, size_t n, uint64_t *share, uint64_t *kill);

/*
 * idle_timeout (seconds, 0 none) for a job of these partitions (NULL: the
 * default) running on node `node`: that of the first of its partitions
 * that has the node (the one it runs in, as the pass would have placed
 * it).
 */
int part_idle_timeout(const struct config *c, const char *parts, const char *node);

/*
 * A service's partitions (as stored; NULL: the default): -1 with *err
 * where one of them says services = no (named: the user gave -p, else the
 * message names the default partition), 0 where they all take services.
 */
int part_services_refused(const struct config *c, const char *parts, int named, char *err,
    size_t errsz);

/*
 * Multifactor priority's partition and QoS factors, in [0,1], as Slurm's:
 * the job's partition's priority_job_factor over the largest of any
 * partition (a -p a,b job: the largest of those that take it now), and its
 * QoS's priority over the largest of any QoS; 0 without partitions, QoS,
 * or where the largest is 0.
 */
double part_prio_factor(const struct config *c, const char *parts, const char *user,
    const char *account, int64_t limit);
double qos_prio_factor(const struct config *c, const char *qos);

/* Why no partition of a pending job takes it now (Slurm's names), NULL: one does. */
const char *part_reason(const struct config *c, const char *parts, const char *user,
    const char *account, int64_t limit);

/*
 * Why a pending job's QoS keeps it from running now, after a reconfigure
 * (submit refused both): "InvalidQOS" (the QoS is gone), or
 * "QOSMaxWallDurationPerJobLimit" (its time limit is over the QoS's
 * max_time now); NULL: nothing.
 */
const char *qos_reason(const struct config *c, const char *qos, int64_t limit);

/* The partitions node `name` is in, "a,b" (or "-"), into buf. */
void part_of_node(const struct config *c, const char *name, char *buf, size_t size);

#endif
