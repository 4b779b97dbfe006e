/*
 * streamwatch.h — how many streams (stream.h) are attached to each job
 * now: written by stream_start and the stream threads, read by the
 * controller's idle rule (ctl_idle.c).  A table of STREAM_MAX slots under
 * one mutex: the threads touch it twice in a stream's life, the
 * controller once per job per tick of an idle-managed partition.
 */
#ifndef HERD_STREAMWATCH_H
#define HERD_STREAMWATCH_H

#include <stdint.h>

/* A stream into job_id begins / ends (calls pair up). */
void streamwatch_attach(int64_t job_id);
void streamwatch_detach(int64_t job_id);
/* Streams attached to job_id now. */
int streamwatch_count(int64_t job_id);

#endif
