/*
 * slurm_scontrol.h — herd under Slurm's name scontrol: show job, node and
 * partition in Slurm's key=value layout, and hold, release, requeue and
 * update mapped onto herd's commands.  The layouts are pure; see
 * slurm_scontrol.c.
 */
#ifndef HERD_SLURM_SCONTROL_H
#define HERD_SLURM_SCONTROL_H

#include <stddef.h>
#include <stdint.h>

struct msg;

#define SCONTROL_KV_MAX 48

/* One Key=Value of a record; brk: it starts a new line ("   " indented). */
struct scontrol_kv {
	const char *key;
	const char *value;
	int brk;
};

/* The record as scontrol prints it: lines (or one line with oneliner),
 * values' control bytes made visible.  The length written (cut to size). */
size_t scontrol_layout(const struct scontrol_kv *kv, size_t n, int oneliner, char *dst,
    size_t size);

/* A job frame's keys (JobId ... StdOut); bufs holds the made values.
 * Returns the count. */
#define SCONTROL_BUF 256
size_t scontrol_job_kv(const struct msg *m, int64_t now, struct scontrol_kv *kv,
    char bufs[][SCONTROL_BUF]);

/* A node frame's keys (NodeName ... Reason). */
size_t scontrol_node_kv(const struct msg *m, struct scontrol_kv *kv, char bufs[][SCONTROL_BUF]);

/* Whether the scontrol command word w is cmd or a prefix of it of at least
 * min letters, any case, as scontrol reads its keywords. */
int scontrol_word(const char *w, const char *cmd, size_t min);

/* herd.c's entry (through slurmname.c): scontrol's exit status. */
int cmd_scontrol(int argc, char **argv);

#endif
