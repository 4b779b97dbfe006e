/*
 * priority.c — one job's multifactor priority.  See priority.h.
 *
 * Theory of operation.  Every factor is brought into [0,1] before it is
 * weighted, so the weights alone say what matters to a lab (a weight is
 * the most points its factor can give), and a total can be read as "how
 * much of each".  The total is a double: ties are broken by the caller
 * (submission order), never by rounding here.
 */
#include "priority.h"

static double clamp01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

void prio_compute(const struct prio_conf *c, const struct prio_job *j, int64_t now,
    struct prio_factors *f)
{
	double wait = now > j->eligible ? (double)(now - j->eligible) : 0;

	f->age = c->max_age_s > 0 ? clamp01(wait / (double)c->max_age_s) : 0;
	f->fairshare = clamp01(j->fairshare);
	f->jobsize = j->cluster_size > 0 ? clamp01(j->size / j->cluster_size) : 0;
	f->partition = clamp01(j->partition);
	f->qos = clamp01(j->qos);
	if (j->limit_s > 0) {
		double x = wait / (double)j->limit_s;
		f->xfactor = x / (1 + x);
	} else {
		f->xfactor = 0;
	}
	f->total = c->weight_age * f->age + c->weight_fairshare * f->fairshare +
	    c->weight_jobsize * f->jobsize + c->weight_partition * f->partition +
	    c->weight_qos * f->qos + c->weight_xfactor * f->xfactor - (double)j->nice;
}
