/*
 * slurm_sinfo.h — herd under Slurm's name sinfo: partitions and nodes as
 * Slurm 22.05's sinfo prints them.  The rows are a pure function of what
 * herdd answered (its partitions and nodes); see slurm_sinfo.c.
 */
#ifndef HERD_SLURM_SINFO_H
#define HERD_SLURM_SINFO_H

#include <stddef.h>
#include <stdint.h>

#include "listfmt.h"

/* sinfo's default formats (sinfo(1)); "#" widths are the widest value, at
 * least 9 (sinfo_part_format, sinfo_node_format). */
#define SINFO_DEFAULT_FORMAT "%#P %.5a %.10l %.6D %.6t %N"
#define SINFO_NODE_FORMAT "%#N %.6D %#P %6t"

#define SINFO_NODES_MAX 4096	/* more nodes than this are not listed */
#define SINFO_PARTS_MAX 64	/* CONFIG_MAX_PARTS */

struct sinfo_part {
	const char *name;
	int is_default;		/* printed with a "*" */
	int64_t max_time;	/* seconds; 0: infinite */
	int64_t default_time;	/* seconds; 0: none */
};

struct sinfo_node {
	const char *name;
	const char *state;	/* herdd's: IDLE, MIXED, DRAINED*, ... */
	const char *parts;	/* "a,b"; "" when hosts.ini has no partitions */
	int64_t cpus, mem_mb;
	char gres[64];		/* "gpu:a100:4", "gpu:2", "(null)" */
};

extern const struct listfmt_col sinfo_cols[];
extern const size_t nsinfo_cols;

/* What to list: partitions named in parts (comma list, NULL all), nodes in
 * the host list nodes (NULL all), a row per node and partition (by_node)
 * or per group of nodes alike in every printed field. */
struct sinfo_query {
	const struct listfmt *fmt;
	const char *parts;
	const char *nodes;
	int by_node;
};

/* The lines sinfo prints (no header), each given to emit.  Returns the
 * number of lines. */
size_t sinfo_lines(const struct sinfo_query *q, const struct sinfo_part *parts, size_t nparts,
    const struct sinfo_node *nodes, size_t nnodes, void (*emit)(void *arg, const char *line),
    void *arg);

/* The header line of fmt into dst. */
void sinfo_header(const struct listfmt *fmt, char *dst, size_t size);

/* Slurm's short (%t: "drain", "mix") and long (%T: "drained") state of a
 * herd node state; a trailing "*" (not responding) kept. */
void sinfo_state(const char *herd, int longform, char *buf, size_t size);

/* A time limit as sinfo prints it: "infinite", "30:00", "4:00:00",
 * "2-00:00:00". */
void sinfo_time(int64_t secs, char *buf, size_t size);

/* -N's default format (SINFO_NODE_FORMAT) with the widths of these names:
 * the longest node name and partition name (its "*" included), at least
 * the header's. */
void sinfo_node_format(const struct sinfo_part *parts, size_t nparts,
    const struct sinfo_node *nodes, size_t nnodes, char *out, size_t size);

/* The default format (SINFO_DEFAULT_FORMAT) with the width of the longest
 * partition name (its "*" included), at least 9. */
void sinfo_part_format(const struct sinfo_part *parts, size_t nparts, char *out, size_t size);

/* herdd's partitions (the implicit "all" where hosts.ini has none) and
 * nodes, as sinfo and scontrol show partition read them. */
struct sinfo_data {
	struct sinfo_part part[SINFO_PARTS_MAX];
	size_t nparts;
	struct sinfo_node *node;	/* SINFO_NODES_MAX */
	size_t nnodes;
};
/* 0, or the status of herdd's error (printed); free with sinfo_unload
 * either way. */
int sinfo_load(struct sinfo_data *d);
void sinfo_unload(struct sinfo_data *d);

/* herd.c's entry: sinfo's exit status. */
int cmd_sinfo(int argc, char **argv);

#endif
