/*
 * streamwatch.h — the streams (stream.h) attached to each job, as the
 * controller's idle rule (ctl_idle.c) sees them: how many, whether bytes
 * went either way since it last looked, and the warning it wants them to
 * show.  Written by stream_start and the stream threads, read by the
 * controller.  A table of STREAM_MAX slots under one mutex: a thread
 * touches it once per turn of its loop that moved bytes, the controller
 * once per job per tick of an idle-managed partition.
 */
#ifndef HERD_STREAMWATCH_H
#define HERD_STREAMWATCH_H

#include <stddef.h>
#include <stdint.h>

#define STREAMWATCH_WARN_MAX 192

/* A stream into job_id begins / ends (calls pair up). */
void streamwatch_attach(int64_t job_id);
void streamwatch_detach(int64_t job_id);
/* Bytes went either way on a stream of job_id. */
void streamwatch_used(int64_t job_id);
/* Streams attached to job_id now; *used (may be NULL): whether bytes went
 * since the last call, which clears it. */
int streamwatch_poll(int64_t job_id, int *used);
/* Ask job_id's attached streams to show `text` (one line) once each. */
void streamwatch_warn(int64_t job_id, const char *text);
/* A stream's side: 1 with the warning in buf when one came since *seen
 * (its own counter, 0 at its start), else 0. */
int streamwatch_warning(int64_t job_id, unsigned *seen, char *buf, size_t size);

#endif
