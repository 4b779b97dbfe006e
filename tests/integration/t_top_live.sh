#!/bin/bash
# t_top_live: herd top on a real pseudo-terminal (80x24) without -n: the
# live view draws a frame (clear + home, on the alternate screen), redraws
# it after 2 s without clearing again (only changed lines are written: no
# flicker), q quits with status 0 and Ctrl-C and Ctrl-\ (SIGQUIT) too, and either way
# the terminal is left as it was found (canonical mode and echo on,
# cursor shown, alternate screen left).

. "$(dirname "$0")/lib.sh"

setup_herdd

a=$(submit --gpus 1 --time 10:00 --wrap "sleep 97$UNIQ")
wait_state "$a" RUNNING 30
pk=$REPO/tests/integration/pty_keys.py
export COLUMNS= LINES=

for key in q '\x03' '\x1c'; do
	out=$("$pk" 80 24 2 'herd top ' "$key" "$HERD_BIN/herd" -c "$HOSTS" top)
	rc=$?
	[ "$rc" = 0 ] || fail "herd top live, key '$key': status $rc: $out"
	[ "$(grep -o 'herd top [0-9]' <<<"$out" | wc -l)" -ge 2 ] ||
	    fail "herd top live, key '$key': not redrawn: $out"
	grep -q "job $a (" <<<"$out" || fail "herd top live: no job $a on its GPU: $out"
	grep -q $'\e\[H\e\[2J' <<<"$out" || fail "herd top live: no home + clear: $out"
	[ "$(grep -o $'\e\[2J' <<<"$out" | wc -l)" = 1 ] ||
	    fail "herd top live: the screen cleared again on a redraw (flicker): $(cat -v <<<"$out")"
	grep -q $'\e\[1;1Hherd top [0-9:]*  nodes 4' <<<"$out" ||
	    fail "herd top live: the clock's line not rewritten in place: $(cat -v <<<"$out")"
	grep -q $'\e\[?1049h' <<<"$out" && grep -q $'\e\[?25h\e\[?1049l' <<<"$out" ||
	    fail "herd top live, key '$key': alternate screen or cursor not restored"
	grep -q '^termios: icanon=1 echo=1$' <<<"$out" ||
	    fail "herd top live, key '$key': terminal left changed: $(tail -1 <<<"$out")"
done
herd cancel "$a" >/dev/null
