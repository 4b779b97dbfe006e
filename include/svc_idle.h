/*
 * svc_idle.h — herd service start --idle-stop DURATION: a service whose
 * GPUs all stayed idle that long is stopped (a notebook left open over the
 * weekend gives its GPUs back), with a line in its log first.
 *
 * Pure: what the last probe says of the service's GPUs, the idle clock's
 * step, the line and the node program that appends it.  ctl_idlestop.c
 * applies them.
 */
#ifndef HERD_SVC_IDLE_H
#define HERD_SVC_IDLE_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct probe_result;

/*
 * Whether every GPU of mask (bits over pr->gpus) is idle by this probe:
 * utilization 0 and no process of nvidia-smi's compute apps on it (a MIG
 * device: none on its parent GPU, which names them).  A utilization
 * unknown ([N/A]), an empty mask or a bit past the list: not idle.
 */
int svc_gpus_idle(const struct probe_result *pr, uint64_t mask);

/*
 * The idle clock, one look at `now` (wall seconds): *since is when the
 * current idle spell was first seen (0: none).  known 0 (no fresh probe,
 * the node unreachable, GPUs lost) and idle 0 both end the spell.  1 when
 * the spell has lasted idle_stop_s; 0 otherwise or when idle_stop_s <= 0.
 * A spell starts at its first look, never earlier: what was not seen is
 * not counted.
 */
int svc_idle_due(int64_t idle_stop_s, int64_t now, int known, int idle, uint32_t *since);

/* A duration as the option reads: "2h", "30m", "1d", "90s" (the largest
 * unit that divides it). */
void svc_idle_dur(int64_t secs, char *buf, size_t size);

/* "herd: service NAME stopped: its GPUs idle for 2h (--idle-stop 2h)"
 * (NAME escaped), no newline. */
void svc_idle_line(char *buf, size_t size, const char *name, int64_t idle_stop_s);

/*
 * The node program that appends `line` and a newline to the file `path`
 * (the service's output), as the node's account for its jobs; nothing is
 * created where the directory is gone, nothing printed.  Both through
 * shquote.  0, or -1 (too large).
 */
int svc_note_program(struct buf *out, const char *path, const char *line);

#endif
