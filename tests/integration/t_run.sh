#!/bin/bash
# t_run: herd run [options] -- CMD, as srun, without a terminal.
#  1. stdin piped in reaches CMD; its stdout and stderr arrive apart; its
#     exit status 3 is herd run's; the job ends FAILED with exit code 3 in
#     herd history; CUDA_VISIBLE_DEVICES inside is the GPUs the job held.
#  2. A CMD that exits 0: the job is COMPLETED.
#  3. Waiting: a job that cannot start yet is said to wait, with its reason.
#  4. Ctrl-C (SIGINT to herd run) reaches CMD as SIGINT (its trap prints
#     and exits 9); killing the herd run client ends CMD and the job.
#  5. With HERD_JOB_ID set (inside a batch job), CMD runs in that job's
#     allocation: no new job, the job goes on.
#  6. Options herd run cannot act on are refused, nothing queued.
. "$(dirname "$0")/lib.sh"

setup_herdd

printf 'line one\nline two\n' | timeout 60 "$HERD_BIN/herd" -c "$HOSTS" run -G 1 -- sh -c \
    'echo "id=$HERD_JOB_ID cvd=$CUDA_VISIBLE_DEVICES"; cat; echo to-stderr >&2; exit 3' \
    >"$TEST_DIR/out" 2>"$TEST_DIR/err"
rc=$?
assert_eq "herd run's exit status (stderr: $(cat "$TEST_DIR/err"))" 3 "$rc"
j=$(sed -n 's/^id=\([0-9]*\) .*/\1/p' "$TEST_DIR/out")
[ -n "$j" ] || fail "herd run's CMD printed no HERD_JOB_ID: $(cat "$TEST_DIR/out")"
assert_eq "herd run's stdout" "$(printf 'id=%s cvd=%s\nline one\nline two' "$j" "$(field "$j" '.gpus | join(",")')")" "$(cat "$TEST_DIR/out")"
grep -qx to-stderr "$TEST_DIR/err" || fail "herd run's stderr lacks CMD's: $(cat "$TEST_DIR/err")"
grep -q line "$TEST_DIR/err" && fail "CMD's stdout reached herd run's stderr"
[ "$(field "$j" '.gpus | length')" = 1 ] || fail "job $j held no GPU"
wait_jobs 30 "$j" >/dev/null 2>&1
assert_eq "job $j's state in history" FAILED "$(hist_of "$j" .state)"
assert_eq "job $j's exit code in history" 3 "$(hist_of "$j" .exit_code)"
[ -e "$WORK/herd-$j.out" ] && fail "herd run's job $j left an output file herd-$j.out"

timeout 60 "$HERD_BIN/herd" -c "$HOSTS" run -J ok-run -- sh -c 'echo "$HERD_JOB_ID"' </dev/null >"$TEST_DIR/out" 2>"$TEST_DIR/err"
rc=$?
assert_eq "herd run of a CMD that exits 0 (stderr: $(cat "$TEST_DIR/err"))" 0 "$rc"
k=$(cat "$TEST_DIR/out")
wait_jobs 30 "$k" >/dev/null 2>&1
assert_eq "job $k's state" COMPLETED "$(field "$k" .state)"
assert_eq "job $k's name" ok-run "$(field "$k" .name)"

# ---- waiting, with the reason ----
h=$(submit --exclusive -w node4 --wrap "sleep 300 # $UNIQ")
rm -f "$TEST_DIR/out" "$TEST_DIR/err"
wait_state "$h" RUNNING 30
timeout 60 "$HERD_BIN/herd" -c "$HOSTS" run -w node4 -- sh -c 'echo started' </dev/null >"$TEST_DIR/out" 2>"$TEST_DIR/err" &
rpid=$!
for ((i = 0; i < 100; i++)); do grep -q "waiting for resources" "$TEST_DIR/err" && break; sleep 0.1; done
grep -q "queued and waiting for resources (" "$TEST_DIR/err" || fail "herd run did not say why it waits: $(cat "$TEST_DIR/err")"
herd cancel "$h" >/dev/null
wait "$rpid"
rc=$?
assert_eq "herd run after the wait (stderr: $(cat "$TEST_DIR/err"))" 0 "$rc"
assert_eq "herd run's output after the wait" started "$(cat "$TEST_DIR/out")"

# ---- Ctrl-C ----
rm -f "$TEST_DIR/out" "$TEST_DIR/err"
"$HERD_BIN/herd" -c "$HOSTS" run -- sh -c 'trap "echo got-int; exit 9" INT; echo ready; while :; do sleep 0.1; done' </dev/null >"$TEST_DIR/out" 2>"$TEST_DIR/err" &
rpid=$!
for ((i = 0; i < 300; i++)); do grep -q ready "$TEST_DIR/out" 2>/dev/null && break; sleep 0.1; done
kill -INT "$rpid"
for ((i = 0; i < 300; i++)); do alive "$rpid" || break; sleep 0.1; done
alive "$rpid" && { kill -9 "$rpid"; fail "herd run did not end after Ctrl-C: $(cat "$TEST_DIR/out")"; }
wait "$rpid"
rc=$?
assert_eq "herd run's status after Ctrl-C (stderr: $(cat "$TEST_DIR/err"))" 9 "$rc"
assert_eq "CMD's output after Ctrl-C" "$(printf 'ready\ngot-int')" "$(cat "$TEST_DIR/out")"

# ---- the client killed ----
rm -f "$TEST_DIR/out" "$TEST_DIR/err"
"$HERD_BIN/herd" -c "$HOSTS" run -- sh -c 'echo "$HERD_JOB_ID"; exec sleep "$1"' sh "3$UNIQ" </dev/null >"$TEST_DIR/out" 2>"$TEST_DIR/err" &
rpid=$!
for ((i = 0; i < 300; i++)); do [ -s "$TEST_DIR/out" ] && break; sleep 0.1; done
m=$(cat "$TEST_DIR/out")
[ -n "$m" ] || fail "herd run's CMD never started: $(cat "$TEST_DIR/err")"
kill -9 "$rpid"
wait "$rpid" 2>/dev/null
wait_jobs 30 "$m" >/dev/null 2>&1
st=$(field "$m" .state)
case $st in COMPLETED|RUNNING|PENDING) fail "job $m after its herd run was killed: $st" ;; esac
# Its own sleep only: other tests run beside this one.
wait_gone "sleep 3$UNIQ\$" 10 || fail "CMD (sleep 3$UNIQ) still runs after its herd run was killed"

# ---- inside an allocation ----
b=$(submit --wrap "sleep 300 # $UNIQ")
wait_state "$b" RUNNING 30
n_before=$(herd history --all --json | jq length)
HERD_JOB_ID=$b timeout 60 "$HERD_BIN/herd" -c "$HOSTS" run -- sh -c 'echo "in $HERD_JOB_ID"; exit 4' </dev/null >"$TEST_DIR/out" 2>"$TEST_DIR/err"
rc=$?
assert_eq "herd run inside job $b (stderr: $(cat "$TEST_DIR/err"))" 4 "$rc"
assert_eq "herd run inside job $b" "in $b" "$(cat "$TEST_DIR/out")"
assert_eq "job $b after a herd run inside it" RUNNING "$(field "$b" .state)"
assert_eq "jobs after a herd run inside an allocation" "$n_before" "$(herd history --all --json | jq length)"
herd cancel "$b" >/dev/null

# ---- refusals ----
for opt in --array=1-2 --hold -o/tmp/x --wrap=true --signal=USR1@10; do
	timeout 30 "$HERD_BIN/herd" -c "$HOSTS" run "$opt" -- true </dev/null >/dev/null 2>"$TEST_DIR/err"
	rc=$?
	[ "$rc" = 2 ] || fail "herd run $opt: exit $rc, expected 2 (stderr: $(cat "$TEST_DIR/err"))"
	grep -q "herd: run: " "$TEST_DIR/err" || fail "herd run $opt: no reason given: $(cat "$TEST_DIR/err")"
done
