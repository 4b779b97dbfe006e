/*
 * gputype.h — GPU types: the short names users ask for (--gpus a100:2,
 * --gres=gpu:3090:1) derived from the model name nvidia-smi prints, and
 * the match of a request against a GPU.  Pure; no allocation.
 *
 * A model name gives a type and its aliases:
 *
 *   "NVIDIA A100-SXM4-80GB"          a100        a100-80gb
 *   "NVIDIA H100 80GB HBM3"          h100        h100-80gb
 *   "NVIDIA GeForce RTX 3090"        rtx3090     3090
 *   "NVIDIA GeForce RTX 2080 SUPER"  rtx2080super  2080super
 *   "NVIDIA RTX A5000"               a5000       rtxa5000
 *   "NVIDIA L40S"                    l40s
 *
 * Vendor and brand words (NVIDIA, GeForce, Tesla, Quadro) and form factors
 * (SXM4, PCIe, HBM3, NVL) are dropped; the model is the first word with a
 * digit, glued to an "rtx"/"gtx"/"titan" before it and to a "super", "ti"
 * or "ada" after it; a "NNgb" word gives the memory alias.  A node's
 * hosts.ini `gpu_types` list replaces what the name gives (a type the
 * name cannot tell, or a lab's own names).  Types compare without case.
 */
#ifndef HERD_GPUTYPE_H
#define HERD_GPUTYPE_H

#include <stddef.h>

/* The longest type name kept (longer requests are refused at submit). */
#define GPUTYPE_MAX 32

/* The type shown for a model name ("a100"), in buf; "" where the name has
 * no word with a digit (an unknown model: only gpu_types can name it). */
void gputype_of(const char *model, char *buf, size_t size);

/*
 * Whether a GPU of this model name, on a node with this gpu_types list
 * (commas or blanks; NULL or "": derive from the name), is of type `want`.
 */
int gputype_match(const char *model, const char *aliases, const char *want);

/* The type a node's GPU shows: the first gpu_types entry, else
 * gputype_of(model). */
void gputype_show(const char *model, const char *aliases, char *buf, size_t size);

/* Whether `t` may name a type: 1..GPUTYPE_MAX bytes of [A-Za-z0-9._-]. */
int gputype_valid(const char *t);

#endif
