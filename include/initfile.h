/*
 * initfile.h — herd init's pure half: the hosts.ini text it writes for the
 * hosts it checked, and the parser of the numbers a user types to pick
 * hosts.  No I/O: cmd_init.c asks, connects and writes the file.
 *
 * Ownership: every pointer in struct init_host and struct init_lab is
 * borrowed for the call; the text goes into the caller's struct buf.
 */
#ifndef HERD_INITFILE_H
#define HERD_INITFILE_H

#include <stddef.h>

#include "util.h"

struct init_host {
	const char *name;	/* [node NAME] (name_valid) */
	const char *host;
	int port;
	const char *user;
	const char *identity;	/* NULL: ssh-agent, then ~/.ssh/id_* */
	const char *known_hosts;	/* NULL: ~/.ssh/known_hosts */
	int cpu_only;		/* no nvidia-smi there */
	const char *failed;	/* NULL: checked; else why, and the node is
				 * written commented out */
};

/* Lab mode's [controller] keys; NULL pointer in init_ini: personal mode. */
struct init_lab {
	const char *state_dir;
	const char *socket;
	const char *lab_from;
	const char *admins;	/* names separated by commas or blanks; NULL none */
};

/*
 * A hosts.ini for hosts[0..n) that config_load reads back as written.
 * 0, or -1 with *err naming the host and key whose value cannot be a
 * hosts.ini value (a control byte, leading or trailing blanks, " #" or
 * " ;" which the reader refuses, empty) or the text did not fit out.
 * A failed host's reason is written in a comment, made printable.
 */
int init_ini(struct buf *out, const struct init_host *hosts, size_t n,
    const struct init_lab *lab, char *err, size_t errsz);

/*
 * The numbers a user typed to pick among n listed hosts (1-based,
 * separated by blanks or commas, "a-b" ranges, or "all") into pick[0..n)
 * (1 picked).  0, or -1 with *err (a number out of 1..n, anything else,
 * or nothing picked).
 */
int init_pick_parse(const char *line, size_t n, unsigned char *pick, char *err, size_t errsz);

#endif
