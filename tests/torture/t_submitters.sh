#!/bin/bash
# t_submitters: SUBMITTERS concurrent submitters, each submitting PER_SUB
# small jobs one after the other (`herd submit --parsable`), while READERS
# readers run `herd queue --json` in a loop and a raw client (hclient.py)
# sends `ping` requests one after the other.  Every job needs 8 GPUs and
# a blocker holds node1's 8 GPUs, so they all stay PENDING and the queue
# grows to SUBMITTERS x PER_SUB jobs: the listing cost is what is measured.
# Each job's name is "sub-S-I" (submitter S, its I-th job).  The default
# full size is 200 x 25: on a 2-core machine the submitting processes, not
# herdd, set the pace (~15 submits/s); PER_SUB=100 is issue 6's 20,000-job
# run (some 20 minutes there).
#
# Two more phases, with the readers still running, tell the cost of
# herdd from the cost of the machine: first the floor, the same SUBMITTERS
# loops running `timeout 60 true` where they run `herd submit` (what starting
# the processes costs here, with no herdd in it: 122 ms median on a 2-core
# VM, more than the 100 ms the issue asks of a submit); last SUBMITTERS
# threads of one raw client (hclient.py submit) each submitting PER_SUB
# jobs over a connection each, as herd does: herdd's own latency under as
# many concurrent submitters, without N processes to start.
#
# Afterwards, straight from the database (sqlite3 on herd.db): every
# acknowledged id is stored, with its own name, exactly once, and no name
# is stored twice.  Figures: median and largest latency of a submit, of a
# `herd queue --json`, of a ping, and one `herd queue --json` at the end.

. "$(dirname "$0")/lib.sh"

size SUBMITTERS 200 40
size PER_SUB 25 20
size READERS 20 5
setup_herdd "cluster=tort-sub"
HC=$(dirname "$0")/hclient.py
tag="9$UNIQ"
blk=$(submit --gpus 8 --wrap "sleep $tag")
wait_state "$blk" RUNNING 20
# At the end: herdd first (so no pending job starts), then the blocker.
stop_blocker() {
	local p
	alive "$HERDD_PID" && stop_herdd "$HERDD_PID" TERM
	for p in $(pgrep -f "^sleep $tag\$"); do kill -KILL "$p"; done
}
at_exit stop_blocker

mkdir -p "$TEST_DIR/sub" "$TEST_DIR/rd"
readers=()
STOP=$TEST_DIR/stop
rm -f "$STOP"
for ((r = 1; r <= READERS; r++)); do
	(
		while [ ! -e "$STOP" ]; do
			now_ms t0
			therd 60 queue --json >/dev/null 2>&1 || echo "reader $r: exit $?" >>"$TEST_DIR/rd/errors"
			now_ms t1
			echo $((t1 - t0))
		done >"$TEST_DIR/rd/$r"
	) &
	readers+=($!)
	echo "$!" >>"$TEST_DIR/cleanup.pids"
done
"$PY" "$HC" "$STATE/herd.sock" ping 1000000 >"$TEST_DIR/ping" 2>"$TEST_DIR/ping.err" &
ping_pid=$!
echo "$ping_pid" >>"$TEST_DIR/cleanup.pids"
for ((i = 0; i < 100; i++)); do
	[ -s "$TEST_DIR/ping" ] && break
	sleep 0.1
done
[ -s "$TEST_DIR/ping" ] || fail "the ping client did not answer in 10 s: $(tail -n 2 "$TEST_DIR/ping.err")"

# The floor: the same loops, the same process shape, no herdd.
for ((s = 1; s <= SUBMITTERS; s++)); do
	(
		for ((i = 1; i <= PER_SUB; i++)); do
			now_ms t0
			x=$(timeout -k 2 60 true)
			now_ms t1
			echo $((t1 - t0))
		done >"$TEST_DIR/sub/floor.$s"
	) &
	subs+=($!)
done
for p in "${subs[@]}"; do wait "$p"; done

t_start=$EPOCHSECONDS
subs=()
for ((s = 1; s <= SUBMITTERS; s++)); do
	(
		for ((i = 1; i <= PER_SUB; i++)); do
			now_ms t0
			id=$(therd 60 submit --parsable --gpus 8 -J "sub-$s-$i" --wrap true 2>>"$TEST_DIR/sub/errors")
			rc=$?
			now_ms t1
			echo "$id sub-$s-$i $((t1 - t0)) $rc"
		done >"$TEST_DIR/sub/$s"
	) &
	subs+=($!)
	echo "$!" >>"$TEST_DIR/cleanup.pids"
done
for p in "${subs[@]}"; do wait "$p"; done
t_sub=$((EPOCHSECONDS - t_start))
"$PY" "$HC" "$STATE/herd.sock" submit "$SUBMITTERS" "$PER_SUB" "$TEST_DIR" >"$TEST_DIR/raw" 2>"$TEST_DIR/raw.err"
touch "$STOP"
kill "$ping_pid" 2>/dev/null
# (not a bare wait: start_herdd's subshell, waiting on herdd, is a child too)
for p in "${readers[@]}" "$ping_pid"; do wait "$p" 2>/dev/null; done

# n_busy FILE: its lines saying herdd was busy or its backlog full (0 when
# there is no such file).
n_busy() {
	if [ -r "$1" ]; then grep -c -i 'busy\|temporarily unavailable' "$1"; else echo 0; fi
}

cat "$TEST_DIR"/sub/[0-9]* >"$TEST_DIR/all"
{
	awk '$4 == 0 && $1 ~ /^[0-9]+$/ { print $1, $2 }' "$TEST_DIR/all"
	awk '$2 == "ok" { print $3, $4 }' "$TEST_DIR/raw"
} | sort >"$TEST_DIR/acked"
acked=$(wc -l <"$TEST_DIR/acked")
failed=$(awk '$4 != 0 || $1 !~ /^[0-9]+$/' "$TEST_DIR/all" | wc -l)
raw_failed=$(awk '$2 != "ok"' "$TEST_DIR/raw" | wc -l)
t0=$(now_ms)
n_queue=$(therd 120 queue --json | jq length)
t_q=$(($(now_ms) - t0))
alive "$HERDD_PID" || fail "herdd died"
sqlite3 "$STATE/herd.db" "SELECT id, name FROM jobs WHERE name LIKE 'sub-%' OR name LIKE 'raw-%'" | tr '|' ' ' | sort >"$TEST_DIR/stored" ||
    fail "cannot read $STATE/herd.db"
missing=$(comm -23 "$TEST_DIR/acked" "$TEST_DIR/stored")
names2=$(awk '{ print $2 }' "$TEST_DIR/stored" | sort | uniq -d)
extra=$(comm -13 "$TEST_DIR/acked" "$TEST_DIR/stored" | wc -l)

figure "submits acknowledged / failed" "$acked / $failed"
figure "  of them raw (hclient threads) / failed" "$(awk '$2 == "ok"' "$TEST_DIR/raw" | wc -l) / $raw_failed"
figure "submit phase, seconds" "$t_sub"
figure "submits per second" "$(( (acked - $(wc -l <"$TEST_DIR/raw") + raw_failed) / (t_sub > 0 ? t_sub : 1)))"
figure "stored but not acknowledged" "$extra"
invariant "acknowledged jobs not stored as acknowledged" "$(grep -c . <<<"$missing")" 0 "$(head -n 20 <<<"$missing")"
invariant "jobs stored twice (same name)" "$(grep -c . <<<"$names2")" 0 "$(head -n 20 <<<"$names2")"
figure "submit latency ms (herd processes), median / max" "$(awk '$4 == 0 { print $3 }' "$TEST_DIR/all" | median) / $(awk '$4 == 0 { print $3 }' "$TEST_DIR/all" | p_max)"
figure "floor: the loop running \`timeout true\` ms, median / max" "$(cat "$TEST_DIR"/sub/floor.* | median) / $(cat "$TEST_DIR"/sub/floor.* | p_max)"
figure "raw submit latency ms (herdd's), median / max" "$(awk '$2 == "ok" { print $1 }' "$TEST_DIR/raw" | median) / $(awk '$2 == "ok" { print $1 }' "$TEST_DIR/raw" | p_max)"
figure "queue --json latency ms, median / max" "$(cat "$TEST_DIR"/rd/[0-9]* | median) / $(cat "$TEST_DIR"/rd/[0-9]* | p_max)"
figure "queue --json calls (failed)" "$(cat "$TEST_DIR"/rd/[0-9]* | wc -l) ($(cat "$TEST_DIR/rd/errors" 2>/dev/null | wc -l))"
figure "ping latency ms, median / max" "$(awk '$2 == "ok" { print $1 }' "$TEST_DIR/ping" | median) / $(awk '$2 == "ok" { print $1 }' "$TEST_DIR/ping" | p_max)"
figure "pings (failed)" "$(wc -l <"$TEST_DIR/ping") ($(awk '$2 != "ok"' "$TEST_DIR/ping" | wc -l))"
figure "refused as busy: submits, raw, readers, pings" "$(n_busy "$TEST_DIR/sub/errors") $(n_busy "$TEST_DIR/raw") $(n_busy "$TEST_DIR/rd/errors") $(n_busy "$TEST_DIR/ping.err")"
figure "queue --json at the end: jobs, ms" "$n_queue, $t_q"
