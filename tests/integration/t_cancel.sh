#!/bin/bash
# t_cancel: herd cancel of a pending job (it never runs) and of running jobs
# (every process of the job, background children included, is gone within
# kill_grace + 3 s, found on the host by a unique string in its command
# line); a job that ignores SIGTERM is killed with SIGKILL after the grace.
# (Cancelling another user's job needs a second user: not tested.)

. "$(dirname "$0")/lib.sh"

setup_herdd
grace=$(sed -n 's/^kill_grace = //p' "$HOSTS")
bound=$((grace + 3))

# A blocker holds all of node1's GPUs, so a second 8-GPU job pends.
tag1="61.$UNIQ"
blk=$(submit --gpus 8 --wrap "sleep $tag1 & sleep $tag1; wait")
wait_state "$blk" RUNNING 20
pend=$(submit --gpus 8 --wrap "touch '$TEST_DIR/pending-ran'")
sleep 1
assert_eq "state of the 8-GPU job behind the blocker" PENDING "$(field "$pend" .state)"
for i in $(seq 1 50); do
	[ "$(pgrep -fc -- "sleep $tag1")" -ge 2 ] && break
	sleep 0.1
done
assert_eq "processes of the blocker (sleep $tag1)" 2 "$(pgrep -fc -- "sleep $tag1")"

# Cancel the pending job, then the running one: the pending one must not
# start in between, or ever.
herd cancel "$pend" || fail "herd cancel $pend (pending) failed"
assert_eq "state of the cancelled pending job" CANCELLED "$(field "$pend" .state)"
assert_eq "start_time of the cancelled pending job" null "$(field "$pend" .start_time)"
herd cancel "$blk" || fail "herd cancel $blk (running) failed"
wait_gone "sleep $tag1" "$bound" ||
    fail "processes of cancelled job $blk still there ${bound}s later: $(pgrep -fa -- "sleep $tag1")"
wait_state "$blk" CANCELLED 10
[ ! -e "$TEST_DIR/pending-ran" ] || fail "the cancelled pending job $pend ran"
assert_eq "exit status of herd wait on a cancelled job" 1 \
    "$(wait_jobs 10 "$blk" 2>/dev/null; echo $?)"

# A job that ignores TERM (the shell and its sleep both inherit the ignore).
tag2="62.$UNIQ"
cat >"$TEST_DIR/stubborn.sh" <<EOF
#!/bin/sh
trap '' TERM
sleep $tag2 &
echo started >'$TEST_DIR/stubborn-started'
wait
echo "survived TERM" >'$TEST_DIR/stubborn-ended'
EOF
stub=$(submit "$TEST_DIR/stubborn.sh")
wait_file "$TEST_DIR/stubborn-started" 20
t0=$EPOCHREALTIME
herd cancel "$stub" || fail "herd cancel $stub failed"
sleep 0.5
pgrep -f -- "sleep $tag2" >/dev/null ||
    note "the TERM-ignoring job was gone 0.5 s after cancel, before the ${grace}s grace"
wait_gone "sleep $tag2" "$bound" ||
    fail "TERM-ignoring job $stub still running ${bound}s after cancel (kill_grace $grace): $(pgrep -fa -- "sleep $tag2")"
note "TERM-ignoring job gone $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s after cancel (kill_grace ${grace}s)"
wait_state "$stub" CANCELLED 10
[ ! -e "$TEST_DIR/stubborn-ended" ] || fail "the TERM-ignoring job went on after its sleep was killed"

# The queue is free again: a new 8-GPU job runs.
id=$(submit --gpus 8 --wrap true)
wait_jobs 30 "$id" || fail "an 8-GPU job after the cancellations did not complete"

# Cancelling what is not there, or is over, fails.
herd cancel 999999 2>/dev/null && fail "herd cancel 999999 (no such job) exited 0"
herd cancel "$id" 2>/dev/null && fail "herd cancel $id (COMPLETED) exited 0"
assert_eq "state of a completed job after herd cancel" COMPLETED "$(field "$id" .state)"
assert_idle

# A job cancelled before it ran has no exit code: JSON says null, and the
# tables must not show a made-up one (-1 reads as a real status).
assert_eq "exit_code of the never-run job $pend (JSON)" null "$(field "$pend" .exit_code)"
assert_eq "exit_code line of herd show $pend" "exit_code    -" \
    "$(herd show "$pend" | grep '^exit_code')"
assert_eq "EXIT column of herd history --all for job $pend" "-" \
    "$(herd history --all | awk -v id="$pend" '$1 == id { print $5 }')"
