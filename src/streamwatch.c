/*
 * streamwatch.c — streams attached per job (streamwatch.h).
 *
 * Theory of operation: at most STREAM_MAX streams exist at once (stream.c
 * refuses more), so STREAM_MAX slots of (job, count) always have room; a
 * slot whose count falls to 0 is free again.  The controller only reads a
 * count, so a stream that ends between its read and its decision costs
 * one tick's delay, never a wrong release: a job is released only after
 * idle_timeout with no stream counted at any tick.
 */
#include <pthread.h>

#include "stream.h"
#include "streamwatch.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	int64_t job;
	int count;
} slot[STREAM_MAX];

void streamwatch_attach(int64_t job_id)
{
	int free_slot = -1;
	pthread_mutex_lock(&mu);
	for (int i = 0; i < STREAM_MAX; i++) {
		if (slot[i].count > 0 && slot[i].job == job_id) {
			slot[i].count++;
			free_slot = -2;
			break;
		}
		if (slot[i].count == 0 && free_slot == -1)
			free_slot = i;
	}
	if (free_slot >= 0) {
		slot[free_slot].job = job_id;
		slot[free_slot].count = 1;
	}
	pthread_mutex_unlock(&mu);
}

void streamwatch_detach(int64_t job_id)
{
	pthread_mutex_lock(&mu);
	for (int i = 0; i < STREAM_MAX; i++)
		if (slot[i].count > 0 && slot[i].job == job_id) {
			slot[i].count--;
			break;
		}
	pthread_mutex_unlock(&mu);
}

int streamwatch_count(int64_t job_id)
{
	int n = 0;
	pthread_mutex_lock(&mu);
	for (int i = 0; i < STREAM_MAX; i++)
		if (slot[i].count > 0 && slot[i].job == job_id)
			n = slot[i].count;
	pthread_mutex_unlock(&mu);
	return n;
}
