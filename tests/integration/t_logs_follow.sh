#!/bin/bash
# t_logs_follow: herd logs -f follows a job's output live, byte-exact.
#  1. Started while the job is held (pending): says so on stderr, then
#     follows lines and \r progress written over ~3 s, a partial last line,
#     exactly the file's bytes; bytes arrive while the job still runs; exits
#     with the job's status (3).
#  2. A job killed by signal 9: herd logs -f exits 137, as the shell would.
#  3. An array task (ID_TASK), followed from before the array starts.
#  4. A reader that stalls 13 s (past herdd's 10 s idle limit) on a 900 KB
#     output: every byte still comes, the status too, nothing on stderr.
#  5. Ctrl-C (SIGINT) stops the follower; the job goes on running.
#  6. A job requeued while followed: its next attempt writes its file anew,
#     and the follower reads that from its start (said on stderr).
. "$(dirname "$0")/lib.sh"

setup_herdd

prog="printf 'start\\n'; for i in 1 2 3 4 5 6; do printf '\\rprogress %d/6' \$i; sleep 0.5; done; printf '\\nlast line, no newline'; exit 3"
j=$(submit --hold -o "$WORK/out.%j" --wrap "$prog")
timeout 60 "$HERD_BIN/herd" -c "$HOSTS" logs -f "$j" >"$TEST_DIR/got" 2>"$TEST_DIR/err" &
fpid=$!
for ((i = 0; i < 100; i++)); do grep -q "waiting" "$TEST_DIR/err" && break; sleep 0.1; done
grep -q "job $j has not started; waiting for it" "$TEST_DIR/err" ||
    fail "herd logs -f of a pending job did not say it waits: $(cat "$TEST_DIR/err")"
herd release "$j" >/dev/null || fail "herd release $j failed"
# Bytes come while the job still runs (the follower is live, not a read at the end).
live=0
for ((i = 0; i < 300; i++)); do
	st=$(field "$j" .state)
	if [ "$st" = RUNNING ] && grep -q progress "$TEST_DIR/got"; then live=1; break; fi
	case $st in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL) break ;; esac
	sleep 0.1
done
[ "$live" = 1 ] || fail "no output reached herd logs -f while job $j ran (state $st)"
wait "$fpid"
rc=$?
assert_eq "herd logs -f's exit status for a job that exited 3" 3 "$rc"
cmp -s "$TEST_DIR/got" "$WORK/out.$j" || fail "herd logs -f: not the bytes of out.$j: $(od -c "$TEST_DIR/got" | head -5)"
assert_file_is "$TEST_DIR/got" "$(printf 'start\n\rprogress 1/6\rprogress 2/6\rprogress 3/6\rprogress 4/6\rprogress 5/6\rprogress 6/6\nlast line, no newline')"

# ---- a signal ----
k=$(submit -o "$WORK/out.%j" --wrap 'echo before; kill -9 $$')
timeout 60 "$HERD_BIN/herd" -c "$HOSTS" logs -f "$k" >"$TEST_DIR/got" 2>"$TEST_DIR/err"
rc=$?
assert_eq "herd logs -f's exit status for a job ended by signal 9 (stderr: $(cat "$TEST_DIR/err"))" 137 "$rc"
assert_eq "herd logs -f of job $k" before "$(cat "$TEST_DIR/got")"

# ---- an array task ----
a=$(submit --hold --array=1-3 -o "$WORK/arr.%A_%a" --wrap 'printf "task %s\r" $SLURM_ARRAY_TASK_ID; sleep 1; exit $SLURM_ARRAY_TASK_ID')
timeout 60 "$HERD_BIN/herd" -c "$HOSTS" logs -f "${a}_2" >"$TEST_DIR/got" 2>"$TEST_DIR/err" &
fpid=$!
sleep 1
herd release "$a" >/dev/null || fail "herd release $a failed"
wait "$fpid"
rc=$?
assert_eq "herd logs -f ${a}_2's exit status (stderr: $(cat "$TEST_DIR/err"))" 2 "$rc"
assert_file_is "$TEST_DIR/got" "$(printf 'task 2\r')"

# ---- a reader that stalls past herdd's 10 s idle limit ----
# 300 KB: more than the pipe and a window, so the follower blocks on its
# stdout while herdd closes its idle connection; it goes on, on a new one.
b=$(submit -o "$WORK/out.%j" --wrap 'head -c 300000 /dev/urandom | od -An -tx1; exit 5')
timeout 90 "$HERD_BIN/herd" -c "$HOSTS" logs -f "$b" 2>"$TEST_DIR/err" | { sleep 13; cat; } >"$TEST_DIR/got"
rc=${PIPESTATUS[0]}
assert_eq "herd logs -f's exit status after a stalled reader (stderr: $(cat "$TEST_DIR/err"))" 5 "$rc"
cmp -s "$TEST_DIR/got" "$WORK/out.$b" || fail "herd logs -f with a stalled reader: not the bytes of out.$b ($(wc -c <"$TEST_DIR/got") of $(wc -c <"$WORK/out.$b"))"
[ -s "$TEST_DIR/err" ] && fail "herd logs -f said on stderr: $(cat "$TEST_DIR/err")"

# ---- Ctrl-C stops following only ----
s=$(submit -o "$WORK/out.%j" --wrap "echo up; sleep 7$UNIQ")
wait_state "$s" RUNNING 30
"$HERD_BIN/herd" -c "$HOSTS" logs -f "$s" >"$TEST_DIR/got" 2>&1 &
fpid=$!
for ((i = 0; i < 100; i++)); do grep -q up "$TEST_DIR/got" && break; sleep 0.1; done
grep -q up "$TEST_DIR/got" || fail "herd logs -f of running job $s printed nothing"
kill -INT "$fpid"
for ((i = 0; i < 100; i++)); do alive "$fpid" || break; sleep 0.1; done
alive "$fpid" && fail "herd logs -f did not stop on SIGINT"
sleep 0.5
assert_eq "job $s after its follower's Ctrl-C" RUNNING "$(field "$s" .state)"
herd cancel "$s" >/dev/null

# ---- requeued while followed: the new attempt's file from its start ----
q=$(submit -o "$WORK/out.%j" --wrap "if [ -e $WORK/requeued.mark ]; then echo second; exit 0; fi; touch $WORK/requeued.mark; seq -f first-%g 300; sleep 60$UNIQ")
wait_state "$q" RUNNING 30
timeout 90 "$HERD_BIN/herd" -c "$HOSTS" logs -f "$q" >"$TEST_DIR/got" 2>"$TEST_DIR/err" &
fpid=$!
for ((i = 0; i < 200; i++)); do grep -q first-300 "$TEST_DIR/got" && break; sleep 0.1; done
grep -q first-300 "$TEST_DIR/got" || fail "herd logs -f of job $q: no first attempt: $(tail -c 200 "$TEST_DIR/got")"
herd requeue "$q" >/dev/null || fail "herd requeue $q failed"
wait "$fpid"
rc=$?
assert_eq "herd logs -f's status for requeued job $q (stderr: $(cat "$TEST_DIR/err"))" 0 "$rc"
assert_file_is "$TEST_DIR/got" "$(seq -f first-%g 300; echo second)"$'\n'
grep -q "job $q started again (attempt 2)" "$TEST_DIR/err" ||
    fail "herd logs -f did not say job $q started again: $(cat "$TEST_DIR/err")"
