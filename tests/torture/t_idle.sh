#!/bin/bash
# t_idle: clients that connect and say nothing, or start a huge frame and
# never finish it (issue 6, item 6).  IDLE_CONNS idle connections are held
# open to herdd's socket (hclient.py; connects that find the listen backlog
# full fail at once and are counted) while IDLE_CMDS client commands run,
# `herd queue` and `herd submit` in turn, each under a 10 s limit: every one
# that hit the limit hung.  herdd's RSS (VmRSS) before, with the idle
# clients, and after they leave; then PARTIAL clients each send a frame
# header announcing PARTIAL_MB MiB and all but one byte of it: RSS while
# they wait, and after.  herdd must serve again once they are gone, and its
# memory must stay bounded (growth under partial frames at most
# IDLE_RSS_MAX_MB, default 128 MiB).

. "$(dirname "$0")/lib.sh"

size IDLE_CONNS 2000 600
size IDLE_CMDS 10 4
size PARTIAL 8 4
size PARTIAL_MB 48 48
size IDLE_RSS_MAX_MB 128 128
setup_herdd "cluster=tort-idle"
SOCK=$STATE/herd.sock
HC=$(dirname "$0")/hclient.py

rss() { awk '/^VmRSS:/ { printf "%d", $2 / 1024 }' "/proc/$HERDD_PID/status" 2>/dev/null || echo -; }

# bg_client OUTFILE ARGS...: hclient.py in the background, until it prints
# its first line (bounded); sets BG.
bg_client() {
	local out=$1 i
	shift
	"$PY" "$HC" "$SOCK" "$@" >"$out" 2>"$out.err" &
	BG=$!
	echo "$BG" >>"$TEST_DIR/cleanup.pids"
	for ((i = 0; i < 1200; i++)); do
		[ -s "$out" ] && return 0
		kill -0 "$BG" 2>/dev/null || fail "hclient.py $* died: $(tail -n 3 "$out.err")"
		sleep 0.1
	done
	fail "hclient.py $* printed nothing in 120 s"
}

end_client() {
	kill -TERM "$1" 2>/dev/null
	timeout 20 tail --pid="$1" -f /dev/null 2>/dev/null || kill -KILL "$1" 2>/dev/null
	sleep 2
}

rss0=$(rss)
bg_client "$TEST_DIR/idle.out" idle "$IDLE_CONNS" 900
idle_pid=$BG
read -r _ connected _ refused <"$TEST_DIR/idle.out"
hung=0
: >"$TEST_DIR/cmd.ms"
for ((k = 1; k <= IDLE_CMDS; k++)); do
	t0=$(now_ms)
	if [ $((k % 2)) -eq 1 ]; then
		therd 10 queue >/dev/null 2>&1
	else
		therd 10 submit --parsable --wrap true >/dev/null 2>&1
	fi
	rc=$?
	t1=$(now_ms)
	echo $((t1 - t0)) >>"$TEST_DIR/cmd.ms"
	[ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && hung=$((hung + 1)) &&
	    echo "command $k hung (exit $rc after $((t1 - t0)) ms)" >>"$TEST_DIR/hung.log"
done
rss1=$(rss)
alive "$HERDD_PID" || fail "herdd died under $IDLE_CONNS idle connections"
end_client "$idle_pid"
rss2=$(rss)
therd 10 queue >/dev/null 2>&1
serves=$?

bg_client "$TEST_DIR/partial.out" partial "$PARTIAL" "$PARTIAL_MB" 300
part_pid=$BG
sleep 2
rss3=$(rss)
alive "$HERDD_PID" || fail "herdd died under $PARTIAL partial frames"
therd 10 queue >/dev/null 2>&1
serves_part=$?
end_client "$part_pid"
rss4=$(rss)
therd 10 queue >/dev/null 2>&1
serves2=$?

figure "idle connections held (refused)" "$connected ($refused)"
figure "client command latency, median ms" "$(median <"$TEST_DIR/cmd.ms")"
invariant "client commands hung past 10 s" "$hung/$IDLE_CMDS" "0/$IDLE_CMDS" "$(cat "$TEST_DIR/hung.log" 2>/dev/null)" \
    "herdd log lines about clients: $(grep -ciE 'client|busy|idle' "$HERDD_LOG")"
figure "RSS MB: start / idle / after" "$rss0 / $rss1 / $rss2"
invariant "herdd serves after idle clients leave" "$([ "$serves" -eq 0 ] && echo yes || echo "no (exit $serves)")" yes
figure "partial frames sent" "$(cut -d' ' -f2 "$TEST_DIR/partial.out") x $PARTIAL_MB MiB"
figure "RSS MB: partial frames / after" "$rss3 / $rss4"
figure "herd queue during partial frames" "$([ "$serves_part" -eq 0 ] && echo ok || echo "exit $serves_part")"
grow=$((rss3 - rss2))
invariant "RSS growth under partial frames <= ${IDLE_RSS_MAX_MB} MB" \
    "$([ "$grow" -le "$IDLE_RSS_MAX_MB" ] && echo yes || echo "no (+$grow MB)")" yes
invariant "herdd serves after partial frames" "$([ "$serves2" -eq 0 ] && echo yes || echo "no (exit $serves2)")" yes
