/*
 * sshcfg.h — the texts behind herd ssh-config (cmd_sshcfg.c): the OpenSSH
 * client's Host block, the per-allocation sshd_config that herd
 * ssh-proxy's `sshd -i` reads, the known_hosts line, and the node programs
 * that set it up and start it.  Pure: no I/O.
 *
 * How the pieces meet: herd ssh-config runs sshcfg_setup_script() in the
 * allocation through a stream (so inside the job's environment, as its
 * owner, and carried by herdd's verified SSH connection); the script makes
 * the host key next to the job's files, stores the client's public key,
 * and answers with the job's file prefix, the sshd (and sftp-server)
 * found, the host key and the allocation's environment, which
 * sshcfg_parse_setup() reads.  sshcfg_sshd_config() then makes the config
 * (written back by a second stream), and sshcfg_host_block() the client's.
 * `ssh herd-ID` runs ProxyCommand `herd ssh-proxy ID`, a stream running
 * sshcfg_proxy_script(): `sshd -i` on the stream's stdin and stdout.
 *
 * Quoting: a value in either config is one double-quoted word (sshd's and
 * ssh's argv_split: \" and \\ escaped), % doubled where the keyword
 * expands tokens; a control byte (a newline above all: it would start a
 * line of its own) cannot be held and is refused.  Command lines
 * (ProxyCommand, ForceCommand) are shquote()d words.
 *
 * Strings in the structs are borrowed from the caller's buffers.
 */
#ifndef HERD_SSHCFG_H
#define HERD_SSHCFG_H

#include <stddef.h>
#include "util.h"

#define SSHCFG_PATH_MAX 1024
#define SSHCFG_KEY_MAX 2048	/* a public key line */
#define SSHCFG_ENV_MAX 256	/* variables carried by SetEnv */
#define SSHCFG_OUT_MAX (512u * 1024)	/* the setup's answer at most */

/* What the node's setup answered (pointers into the answer, NUL-ended). */
struct sshcfg_node {
	const char *files;	/* the job's file prefix on the node: PREFIX.env ... */
	const char *sshd;	/* the sshd binary */
	const char *sftp;	/* sftp-server, or NULL: no sftp subsystem */
	const char *hostkey;	/* "ssh-ed25519 AAAA... comment" */
	const char *env[SSHCFG_ENV_MAX];	/* "NAME=VALUE", the kept ones */
	size_t nenv;
};

/* What the Host block names. */
struct sshcfg_host {
	const char *alias;	/* "herd-123" */
	const char *user;	/* the job's owner */
	const char *herd;	/* herd's absolute path */
	const char *socket;	/* herd -s, or NULL */
	const char *config;	/* herd -c, or NULL */
	const char *controller;	/* HERD_CONTROLLER to pass on (ssh runs the proxy
				 * without this shell's environment), or NULL */
	const char *ref;	/* the job: "123" or "123_7" */
	const char *identity;	/* the client key */
	const char *known_hosts;
};

/* The node programs (sh -c TEXT; the setup's $1: the client's public key). */
const char *sshcfg_setup_script(void);
const char *sshcfg_proxy_script(void);
/* Write stdin to PREFIX.sshd_config, then check it with sshd -t ($1: sshd). */
const char *sshcfg_write_script(void);

/* Whether a variable goes to SetEnv: CUDA_VISIBLE_DEVICES, CUDA_DEVICE_ORDER,
 * HERD_*, SLURM_*. */
int sshcfg_env_kept(const char *name, size_t len);

/*
 * Parse the setup's answer (out[len] must be a NUL, as a buf's is),
 * modified in place (lines ended, pointers into it): lines before "herd-ssh files" are skipped (a login's noise), then
 * "herd-ssh KEY VALUE" lines, then "herd-ssh env" and `env -0`'s
 * NAME=VALUE\0 records, the kept ones taken.  0, or -1 with err.
 */
int sshcfg_parse_setup(char *out, size_t len, struct sshcfg_node *n, char *err, size_t errsz);

/* The sshd_config: 0, or -1 with err naming what it cannot hold. */
int sshcfg_sshd_config(struct buf *b, const struct sshcfg_node *n, char *err, size_t errsz);
/* The client's Host block: 0, or -1 with err. */
int sshcfg_host_block(struct buf *b, const struct sshcfg_host *h, char *err, size_t errsz);
/* "ALIAS KEYTYPE KEY\n" for known_hosts: 0, or -1 with err. */
int sshcfg_known_hosts(struct buf *b, const char *alias, const char *hostkey, char *err,
    size_t errsz);
/*
 * The next "Keyword value" line of a Host block that sshcfg_host_block
 * wrote (*p advances; comments skipped): the value as ssh uses it, a
 * quoted word unquoted, %% one %; ProxyCommand stays the command line ssh
 * gives the shell.  1 a line, 0 the end, -1 a line that is not one (an
 * open quote, words after a quoted one, a control byte, too long).
 */
int sshcfg_block_next(const char **p, char *key, size_t ksz, char *val, size_t vsz);
/* One double-quoted config word (tokens: % doubled); -1 on a control byte. */
int sshcfg_word(struct buf *b, const char *s, int tokens);

#endif
