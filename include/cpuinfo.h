/*
 * cpuinfo.h — the pure parsers of the probe's CPU lines (cpuinfo.c): the
 * kernel's CPU list of cpu0's thread siblings (threads per core) and
 * /proc/loadavg.  What a node prints is not trusted: both are fuzzed
 * through probe_parse().
 */
#ifndef HERD_CPUINFO_H
#define HERD_CPUINFO_H

#include <stdint.h>

#include "span.h"

/* The most threads one core may report (no CPU has near this many). */
#define CPUINFO_TPC_MAX 64

/*
 * How many CPUs a kernel CPU list names ("0", "0,64", "0-1", "0-3,8-11"):
 * each entry a number or an ascending range, entries ascending and apart.
 * 0 and *n in [1, max]; -1 for anything else (empty, junk, overlap, more
 * than max).
 */
int cpuinfo_list_count(struct span s, int max, int *n);

/*
 * The 1, 5 and 15 minute load averages of a /proc/loadavg line ("0.52
 * 0.40 0.33 1/234 5678"), each in hundredths (52), at most 10^9 each.
 * Fields after the third are not read.  0, or -1 (the line is not that).
 */
int cpuinfo_loadavg(struct span s, int64_t load[3]);

#endif
