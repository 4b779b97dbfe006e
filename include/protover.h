/*
 * protover.h — the protocol version every request carries.
 *
 * Each request frame a client sends carries the field "v" with the
 * client's PROTO_VERSION; herdd runs a request only when it is its own and
 * otherwise answers one "error" frame (which every herd, old or new, can
 * print) and closes.  A request without "v" comes from a herd of before
 * the field existed: protocol 1.  Pure: no I/O.
 */
#ifndef HERD_PROTOVER_H
#define HERD_PROTOVER_H

#include <stddef.h>
#include "proto.h"

/* 1: the frames of proto.h without a version; 2: every request carries "v". */
#define PROTO_VERSION 2
#define PROTO_VERSION_KEY "v"

/*
 * Encode request m as proto_encode() does, with "v" = PROTO_VERSION added
 * as its last field (m is not changed).  0, or -1 (too big; out unchanged).
 */
int proto_encode_request(struct buf *out, const struct msg *m);

/*
 * Whether request m speaks our version: 0, or -1 with the message for the
 * client in why ("herd and herdd differ: ...").  A missing "v" is version 1;
 * a "v" that is not a canonical number from 1 to INT32_MAX is an unknown one.
 */
int proto_version_check(const struct msg *m, char *why, size_t whysz);

#endif
