/*
 * streamwatch.c — streams attached per job (streamwatch.h).
 *
 * Theory of operation: at most STREAM_MAX streams exist at once (stream.c
 * refuses more), so STREAM_MAX slots of (job, count) always have room; a
 * slot whose count falls to 0 is free again, its use and warning with it.
 * The controller only reads and clears, so a stream that ends or moves
 * bytes between its look and its decision costs one tick's delay, never a
 * wrong release: a job is released only after idle_timeout in which no
 * tick saw it used.  A warning is a text and a generation: each stream
 * shows a generation once, however many streams the job has.
 */
#include <pthread.h>
#include <string.h>

#include "stream.h"
#include "streamwatch.h"
#include "util.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct slot {
	int64_t job;
	int count;		/* 0: a free slot */
	int used;
	unsigned gen;
	char warn[STREAMWATCH_WARN_MAX];
} slot[STREAM_MAX];

/* The job's slot, or NULL; with mu held. */
static struct slot *find(int64_t job_id)
{
	for (int i = 0; i < STREAM_MAX; i++)
		if (slot[i].count > 0 && slot[i].job == job_id)
			return &slot[i];
	return NULL;
}

void streamwatch_attach(int64_t job_id)
{
	pthread_mutex_lock(&mu);
	struct slot *s = find(job_id);
	for (int i = 0; s == NULL && i < STREAM_MAX; i++)
		if (slot[i].count == 0) {
			s = &slot[i];
			memset(s, 0, sizeof *s);
			s->job = job_id;
		}
	if (s != NULL) {
		s->count++;
		s->used = 1;	/* attaching is using it */
	}
	pthread_mutex_unlock(&mu);
}

void streamwatch_detach(int64_t job_id)
{
	pthread_mutex_lock(&mu);
	struct slot *s = find(job_id);
	if (s != NULL)
		s->count--;
	pthread_mutex_unlock(&mu);
}

void streamwatch_used(int64_t job_id)
{
	pthread_mutex_lock(&mu);
	struct slot *s = find(job_id);
	if (s != NULL)
		s->used = 1;
	pthread_mutex_unlock(&mu);
}

int streamwatch_poll(int64_t job_id, int *used)
{
	int n = 0;
	pthread_mutex_lock(&mu);
	struct slot *s = find(job_id);
	if (used != NULL)
		*used = s != NULL && s->used;
	if (s != NULL) {
		n = s->count;
		s->used = 0;
	}
	pthread_mutex_unlock(&mu);
	return n;
}

void streamwatch_warn(int64_t job_id, const char *text)
{
	pthread_mutex_lock(&mu);
	struct slot *s = find(job_id);
	if (s != NULL) {
		strlcpy_h(s->warn, text, sizeof s->warn);
		s->gen++;
	}
	pthread_mutex_unlock(&mu);
}

int streamwatch_warning(int64_t job_id, unsigned *seen, char *buf, size_t size)
{
	int r = 0;
	pthread_mutex_lock(&mu);
	struct slot *s = find(job_id);
	if (s != NULL && s->gen != *seen) {
		*seen = s->gen;
		strlcpy_h(buf, s->warn, size);
		r = 1;
	}
	pthread_mutex_unlock(&mu);
	return r;
}
