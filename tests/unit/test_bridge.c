/*
 * test_bridge.c — bridge_copy(), the byte pump of `herd --stdio-bridge`.
 *
 * The bridge runs in a forked child with pipes as its stdin and stdout (as
 * under sshd) and one end of a socketpair as "herdd"; the test plays both
 * the client and herdd.  Checked: bytes pass unchanged both ways; EOF on
 * stdin arrives at herdd as EOF while herdd's answer still comes back; a
 * multi-megabyte request and answer in flight together do not deadlock (the
 * buffers are bounded, so the bridge must keep both directions moving); the
 * client leaving ends the bridge.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "bridge.h"
#include "util.h"

struct rig {
	int to_in;	/* the client writes the bridge's stdin here */
	int from_out;	/* and reads its stdout here */
	int herdd;	/* herdd's end of the socket */
	pid_t pid;
};

static void rig_start(struct rig *r)
{
	int in[2], out[2], sv[2];
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	r->pid = fork();
	assert_true(r->pid >= 0);
	if (r->pid == 0) {
		char err[256];
		close(in[1]);
		close(out[0]);
		close(sv[0]);
		alarm(60);	/* a hung bridge fails the test, never blocks it */
		int rc = bridge_copy(in[0], out[1], sv[1], err, sizeof err);
		if (rc != 0)
			fprintf(stderr, "bridge: %s\n", err);
		_exit(rc == 0 ? 0 : 1);
	}
	close(in[0]);
	close(out[1]);
	close(sv[1]);
	r->to_in = in[1];
	r->from_out = out[0];
	r->herdd = sv[0];
}

static int rig_wait(struct rig *r)
{
	int st;
	assert_int_equal(waitpid(r->pid, &st, 0), r->pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Read fd to EOF into b (at most max bytes). */
static void read_all(int fd, struct buf *b)
{
	char chunk[8192];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		assert_int_equal(buf_add(b, chunk, (size_t)n), 0);
	assert_int_equal(n, 0);
}

static void half_close(void **state)
{
	(void)state;
	struct rig r;
	struct buf got, ans;
	rig_start(&r);
	assert_int_equal(write_all(r.to_in, "hello\0frame", 11), 0);
	close(r.to_in);		/* the client has sent everything */
	buf_init(&got, 1 << 20);
	read_all(r.herdd, &got);	/* EOF here: the bridge shut down its write side */
	assert_int_equal(got.len, 11);
	assert_memory_equal(got.data, "hello\0frame", 11);
	assert_int_equal(write_all(r.herdd, "answer", 6), 0);
	close(r.herdd);
	buf_init(&ans, 1 << 20);
	read_all(r.from_out, &ans);
	assert_int_equal(ans.len, 6);
	assert_memory_equal(ans.data, "answer", 6);
	assert_int_equal(rig_wait(&r), 0);
	close(r.from_out);
	buf_clear(&got);
	buf_clear(&ans);
}

/* 8 MiB each way at once, through 64 KiB buffers and pipes. */
static void both_ways_large(void **state)
{
	(void)state;
	enum { N = 8 << 20 };
	struct rig r;
	char *req = xmalloc(N), *ansd = xmalloc(N);
	size_t sent_in = 0, sent_herdd = 0;
	struct buf at_herdd, at_client;
	for (size_t i = 0; i < N; i++) {
		req[i] = (char)(i * 7 + 1);
		ansd[i] = (char)(i * 13 + 5);
	}
	buf_init(&at_herdd, N + 1);
	buf_init(&at_client, N + 1);
	rig_start(&r);
	fd_nonblock(r.to_in);
	fd_nonblock(r.herdd);
	fd_nonblock(r.from_out);
	int in_open = 1, herdd_open = 1, out_eof = 0, herdd_eof = 0;
	while (!out_eof || !herdd_eof) {
		/* herdd closes only once the whole request is in, as the real
		 * one does: its close ends the bridge (bridge.c), and a close
		 * while the request is still coming would cut it short. */
		if (herdd_open && sent_herdd == N && at_herdd.len == N) {
			shutdown(r.herdd, SHUT_WR);
			herdd_open = 0;
		}
		struct pollfd p[3] = {
			{ .fd = in_open ? r.to_in : -1, .events = POLLOUT },
			{ .fd = r.herdd, .events = (herdd_eof ? 0 : POLLIN) |
			    (herdd_open && sent_herdd < N ? POLLOUT : 0) },
			{ .fd = out_eof ? -1 : r.from_out, .events = POLLIN },
		};
		assert_true(poll(p, 3, 30000) > 0);
		char chunk[65536];
		ssize_t n;
		if (p[0].revents && (n = write(r.to_in, req + sent_in, N - sent_in)) > 0 &&
		    (sent_in += (size_t)n) == N) {
			close(r.to_in);
			in_open = 0;
		}
		if (p[1].revents & POLLOUT && herdd_open && sent_herdd < N &&
		    (n = write(r.herdd, ansd + sent_herdd, N - sent_herdd)) > 0)
			sent_herdd += (size_t)n;
		if (p[1].revents & (POLLIN | POLLHUP) && !herdd_eof) {
			if ((n = read(r.herdd, chunk, sizeof chunk)) > 0)
				assert_int_equal(buf_add(&at_herdd, chunk, (size_t)n), 0);
			else if (n == 0)
				herdd_eof = 1;
		}
		if (p[2].revents) {
			if ((n = read(r.from_out, chunk, sizeof chunk)) > 0)
				assert_int_equal(buf_add(&at_client, chunk, (size_t)n), 0);
			else if (n == 0)
				out_eof = 1;
		}
	}
	assert_int_equal(at_herdd.len, N);
	assert_int_equal(memcmp(at_herdd.data, req, N), 0);
	assert_int_equal(at_client.len, N);
	assert_int_equal(memcmp(at_client.data, ansd, N), 0);
	assert_int_equal(rig_wait(&r), 0);
	close(r.herdd);
	close(r.from_out);
	buf_clear(&at_herdd);
	buf_clear(&at_client);
	free(req);
	free(ansd);
}

/* The client (ssh) goes away: the bridge ends, herdd sees the close. */
static void client_leaves(void **state)
{
	(void)state;
	struct rig r;
	char c;
	rig_start(&r);
	close(r.from_out);
	close(r.to_in);
	assert_int_equal(write_all(r.herdd, "late answer", 11), 0);
	int rc = rig_wait(&r);
	assert_true(rc == 0);
	assert_int_equal(read(r.herdd, &c, 1), 0);
	close(r.herdd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(half_close),
		cmocka_unit_test(both_ways_large),
		cmocka_unit_test(client_leaves),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
