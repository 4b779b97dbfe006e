#!/bin/bash
# t_top_events: herd top refreshes on herdd's events, not by asking every
# few seconds.  While nothing changes, the live view connects to herdd not
# once in 6 s (strace counts its connect calls); a job submitted after
# 12 s of quiet (past herdd's 10 s for idle connections: the watch is not
# dropped) appears on its screen within 5 s without a key pressed; when
# herdd goes away, herd top ends at once, says so after restoring
# the terminal, and stty -g is what it was.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tmuxlib.sh"

setup_herdd
tmux_start 100 30 env COLUMNS= LINES= "$HERD_BIN/herd" -c "$HOSTS" top
tmux_wait "^herd top" 20 "first frame"
sleep 1
pid=$(pgrep -f -n "herd -c $HOSTS top") || fail "no herd top running"

# Idle: no request at all (the old view asked three every 2 s).
strace -f -qq -e trace=connect -o "$TEST_DIR/strace" -p "$pid" 2>"$TEST_DIR/strace.err" &
sp=$!
sleep 6
kill -INT "$sp" 2>/dev/null
wait "$sp" 2>/dev/null
if [ ! -f "$TEST_DIR/strace" ] || grep -qi "attach\|not permitted" "$TEST_DIR/strace.err"; then
	note "strace could not attach ($(head -1 "$TEST_DIR/strace.err")): the idle check was skipped"
else
	n=$(grep -c 'connect(' "$TEST_DIR/strace")
	[ "$n" = 0 ] || fail "herd top idle: $n connects in 6 s (polling): $(head -3 "$TEST_DIR/strace")"
fi

# Quiet past herdd's idle limit (10 s): a watch is not an idle connection.
sleep 5
a=$(submit --begin now+1hour --job-name evt$UNIQ --wrap true)
tmux_wait "evt$UNIQ" 5 "a job submitted while herd top watches"

# herdd goes away: herd top ends, the terminal restored, a message after.
stop_herdd "$HERDD_PID" TERM
rc=$(tmux_done 10)
[ "$rc" != 0 ] || fail "herd top after herdd went away: status 0"
tmux_tty_same "herdd gone"
tmux_wait "herd top: stopped" 5 "the message after herdd went away"
