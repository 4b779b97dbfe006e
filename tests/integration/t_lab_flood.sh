#!/bin/bash
# t_lab_flood: one lab user may not run herdd out of memory, nor lock the
# other users out, through the socket alone (issue 12, A and B).
#
# A: user A pipelines `show id=J script=1` frames for her own held job with
# a 4 MB script, on connections whose answers she never reads.  herdd must
# run one of them at a time per connection (each queues a 4 MB answer) and
# no more while the answers are unread: its RSS stays under a generous
# bound (before: 256 MiB of answers queued per connection), and it closes
# the connections whose answers have not moved for its idle time.
# B: user A holds the most connections herdd takes (256), each pipelining
# pings and never reading: user B's `herd queue` is answered within a
# second (before: "herdd is busy (too many connections)").
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lablib.sh"

A=hla${UNIQ:0:10} B=hlb${UNIQ:0:10}
mkuser "$A"
mkuser "$B"
install -m 755 "$REPO/tests/torture/hclient.py" "$SD/bin/hclient.py"
lab_config
start_svc
wait_nodes_up 2 30 "$LAB"
out=$(as "$A" register 2>&1) || fail "$A: herd register failed: $out"

SOCK=$SD/run/herd.sock
RSS_MAX_KB=$((200 * 1024))

rss_kb() {
	sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$HERDD_PID/status"
}

# flood USER N SECS FRAME...: hclient.py pipeline as USER in the
# background; sets FLOOD (its pid) and FLOOD_OUT (its output file).
flood() {
	local u=$1
	shift
	FLOOD_OUT=$SD/home/$u/flood.out
	runuser -u "$u" -- python3 "$SD/bin/hclient.py" "$SOCK" pipeline "$@" \
	    >"$FLOOD_OUT" 2>"$FLOOD_OUT.err" &
	FLOOD=$!
	at_exit "kill $FLOOD 2>/dev/null"
	for ((i = 0; i < 100; i++)); do
		grep -q '^connected' "$FLOOD_OUT" && return 0
		sleep 0.1
	done
	fail "the flooding client did not connect: $(cat "$FLOOD_OUT")"
}

# flood_end: stop it; its last line says how many connections herdd left open.
flood_end() {
	kill "$FLOOD" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		grep -q '^open' "$FLOOD_OUT" && break
		sleep 0.1
	done
	wait "$FLOOD" 2>/dev/null
}

# --- A: memory -------------------------------------------------------------
head -c 3000000 /dev/zero | tr '\0' x | fold -w 99 | sed 's/^/# /' >"$SD/home/$A/big.sh"
echo 'echo hi' >>"$SD/home/$A/big.sh"
chown "$A" "$SD/home/$A/big.sh"
j=$(as "$A" submit --parsable --hold big.sh) || fail "$A: submit --hold big.sh: $j"
[ "$(as "$A" show --script "$j" | wc -c)" -gt 3000000 ] || fail "job $j's script is not 3 MB"

rss0=$(rss_kb)
flood "$A" 3 30 show id "$j" script 1
peak=$rss0
for ((i = 0; i < 50; i++)); do
	r=$(rss_kb)
	[ "$r" -gt "$peak" ] && peak=$r
	if [ "$r" -gt "$RSS_MAX_KB" ]; then
		kill "$FLOOD"
		fail "herdd's RSS grew from $rss0 kB to $r kB while 3 connections pipelined" \
		    "show --script and never read (bound $RSS_MAX_KB kB)"
	fi
	sleep 0.1
done
note "A: herdd RSS $rss0 kB before, at most $peak kB while flooded"
# The connections whose answers do not move are closed (CLIENT_IDLE_MS, 10 s).
for ((i = 0; i < 250; i++)); do
	grep -q 'read none of its answer' "$HERDD_LOG" && break
	sleep 0.1
done
grep -q 'read none of its answer' "$HERDD_LOG" ||
    fail "herdd did not close the connections that read none of their answers"
# Each is closed 10 s after its own last progress: they need not go at once.
for ((i = 0; i < 200; i++)); do
	[ "$(grep -c '^closed$' "$FLOOD_OUT")" -ge 3 ] && break
	sleep 0.1
done
flood_end
grep -q '^open 0$' "$FLOOD_OUT" || fail "herdd left stalled connections open: $(cat "$FLOOD_OUT")"
as "$A" cancel "$j" >/dev/null || fail "$A could not cancel job $j"

# --- B: connections --------------------------------------------------------
flood "$A" 256 60 ping
sleep 1
# 5 s: a sanitizer build's runuser and herd start, on a loaded 2-core
# machine, took most of a second; a starved B waits for the 60 s flood.
out=$(timeout 5 runuser -u "$B" -- env HOME="$SD/home/$B" \
    ASAN_OPTIONS=detect_leaks=1:log_path="$SD/san/herd" \
    "$SD/bin/herd" -s "$SOCK" queue 2>&1) ||
    fail "$B's herd queue was not answered within 5 s while $A held 256 connections: $out"
grep -q 'connections of one user' "$HERDD_LOG" || fail "herdd did not hold $A to her share of the connections"
flood_end

stop_herdd "$HERDD_PID"
lab_check_san
exit 0
