#!/bin/bash
# t_idle: idle_timeout (a [partition] key) releases an interactive
# allocation nothing uses.
#  1. herd alloc killed (kill -9) while its job waits: the job starts later
#     with no terminal attached and no GPU process, and is released after
#     idle_timeout (3 s here): TIMEOUT, with the reason "idle: ..." in herd
#     history.
#  2. An allocation whose stream is attached and busy (herd alloc CMD
#     printing for 8 s) outlives idle_timeout and ends with CMD, COMPLETED.
#  3. Attached but silent (CMD sleeping 60 s): herd alloc's terminal is
#     warned ("is idle ... released in"), then the job is released
#     (TIMEOUT) and herd alloc returns.
#  4. A batch job in the same partition is never idle-released.
. "$(dirname "$0")/lib.sh"

make_config "$HOSTS" "$STATE"
cat >>"$HOSTS" <<'INI'

[partition all]
nodes = ALL
default = yes
idle_timeout = 3s
INI
start_herdd
wait_nodes_up 4 20

hist_of() {	# hist_of ID JQ: a field of ID in herd history --json
	herd history --all --json | jq -r --argjson id "$1" ".[] | select(.id == \$id) | $2"
}

# ---- 4 (started first, checked last): a batch job is not interactive ----
batch=$(submit -w node2 --wrap "sleep 300 # $UNIQ")
wait_state "$batch" RUNNING 30

# ---- 1: the client gone before the start ----
h=$(submit --exclusive -w node3 --wrap "sleep 300 # $UNIQ")
wait_state "$h" RUNNING 30
"$HERD_BIN/herd" -c "$HOSTS" alloc -w node3 -G 1 </dev/null >/dev/null 2>"$TEST_DIR/alloc.err" &
apid=$!
for ((i = 0; i < 300; i++)); do grep -q "queued and waiting" "$TEST_DIR/alloc.err" && break; sleep 0.1; done
j=$(sed -n 's/^herd: job \([0-9]*\) queued and waiting for resources$/\1/p' "$TEST_DIR/alloc.err")
[ -n "$j" ] || fail "herd alloc never queued: $(cat "$TEST_DIR/alloc.err")"
kill -9 "$apid"
wait "$apid" 2>/dev/null
herd cancel "$h" >/dev/null
wait_state "$j" RUNNING 30
wait_jobs 30 "$j" >/dev/null 2>&1
assert_eq "job $j (no terminal, idle_timeout 3s)" TIMEOUT "$(hist_of "$j" .state)"
reason=$(hist_of "$j" .reason)
case $reason in
"idle: nothing typed or printed on a terminal and no GPU process for 3s (idle_timeout)") ;;
*) fail "job $j's reason in herd history: '$reason'" ;;
esac

# ---- 2: attached and busy ----
timeout 60 "$HERD_BIN/herd" -c "$HOSTS" alloc -G 1 -- sh -c \
    'i=0; while [ $i -lt 16 ]; do echo tick; sleep 0.5; i=$((i + 1)); done; echo "done $HERD_JOB_ID"' \
    </dev/null >"$TEST_DIR/out" 2>"$TEST_DIR/err"
rc=$?
assert_eq "herd alloc of 8 s with idle_timeout 3s (stderr: $(cat "$TEST_DIR/err"))" 0 "$rc"
k=$(sed -n 's/^done \([0-9]*\)$/\1/p' "$TEST_DIR/out")
[ -n "$k" ] || fail "herd alloc's CMD did not finish: $(cat "$TEST_DIR/out")"
wait_jobs 30 "$k" >/dev/null 2>&1
assert_eq "job $k (attached, busy)" COMPLETED "$(hist_of "$k" .state)"

# ---- 3: attached, silent ----
timeout 60 "$HERD_BIN/herd" -c "$HOSTS" alloc -G 1 -- sh -c 'echo "id=$HERD_JOB_ID"; sleep 60; echo survived' \
    </dev/null >"$TEST_DIR/out" 2>"$TEST_DIR/err"
rc=$?
assert_eq "herd alloc of a silent 60 s CMD, idle_timeout 3s (stderr: $(cat "$TEST_DIR/err"))" 143 "$rc"
q=$(sed -n 's/^id=\([0-9]*\)$/\1/p' "$TEST_DIR/out")
grep -q survived "$TEST_DIR/out" && fail "the silent CMD outlived its idle allocation"
grep -q "herd: job $q is idle .*: released in 1 s unless used (idle_timeout 3s)" "$TEST_DIR/err" ||
    fail "herd alloc's terminal was not warned: $(cat "$TEST_DIR/err")"
wait_jobs 30 "$q" >/dev/null 2>&1
assert_eq "job $q (attached, silent)" TIMEOUT "$(hist_of "$q" .state)"

assert_eq "batch job $batch after all that" RUNNING "$(field "$batch" .state)"
herd cancel "$batch" >/dev/null
