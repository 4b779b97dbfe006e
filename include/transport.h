/*
 * transport.h — "run this constant command on node N and talk to it over
 * stdin/stdout", the same whether the node is reached over SSH or is this
 * machine (host = local, where /bin/sh -c runs it directly).
 *
 * The command line is always constant (e.g. "exec /bin/sh -s"); every byte
 * of job data travels on stdin.  Reads are line-oriented with a bounded
 * line length and a monotonic deadline.
 *
 * Ownership: tconn_open/tconn_free; tchan_open/tchan_close.  A tconn and its
 * channels belong to one thread.
 */
#ifndef HERD_TRANSPORT_H
#define HERD_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "ssh.h"	/* enum ssh_stage */

#define TCHAN_LINE_MAX (64 * 1024)

struct node_conf;
struct tconn;
struct tchan;

int tconn_open(const struct node_conf *nc, struct tconn **out, int64_t deadline,
    char *err, size_t errsz);
/* The same, with the failed step in *stage (ssh.h; SSH_STAGE_OK when local). */
int tconn_open_stage(const struct node_conf *nc, struct tconn **out, int64_t deadline,
    enum ssh_stage *stage, char *err, size_t errsz);
void tconn_free(struct tconn *c);
/* Keep an idle connection alive (SSH keepalive); 0 or -1 (connection lost). */
int tconn_keepalive(struct tconn *c);

int tchan_open(struct tconn *c, const char *cmd, struct tchan **out, int64_t deadline,
    char *err, size_t errsz);
int tchan_write(struct tchan *ch, const char *p, size_t n, int64_t deadline,
    char *err, size_t errsz);
/*
 * Next line (without the newline, NUL-terminated, valid until the next call)
 * into *line.  1: a line; 0: deadline passed; -1: end of file or error
 * (*err says which); a line longer than TCHAN_LINE_MAX is an error.
 */
int tchan_readline(struct tchan *ch, char **line, int64_t deadline, char *err, size_t errsz);
void tchan_close(struct tchan *ch);

#endif
