#!/bin/bash
# t_exitcodes: a job's end as it really was.  `herd wait` answers only once
# the controller has recorded the exit status: a job over its time limit
# that exits on TERM ends TIMEOUT with 0:15, one that ignores TERM and is
# KILLed ends with 0:9 (wait, show and history agree, now and later); a
# cancelled job that ignores TERM gets 0:9 too.  Jobs that cannot start
# (-D missing, an output directory missing) end FAILED with the reason
# "launch failed: ..." naming the path and the node's cause, and herdd logs
# submit, start and end of every job.  A pending job shows %N unexpanded.

. "$(dirname "$0")/lib.sh"

setup_herdd
grace=$(sed -n 's/^kill_grace = //p' "$HOSTS")

# wait_exit ID: what `herd wait --json`-less wait says, and the recorded code.
check_end() {
	local id=$1 state=$2 code=$3 msg
	msg=$(wait_jobs $((grace + 20)) "$id" 2>&1)
	assert_eq "job $id state after herd wait" "$state" "$(field "$id" .state)"
	assert_eq "job $id exit_code right after herd wait" "$code" "$(field "$id" .exit_code)"
	case $msg in
	*"$state"*) ;;
	*) fail "herd wait $id said '$msg', not $state" ;;
	esac
}

# Time limit, job dies of TERM: 143.
t1=$(submit --time 0:02 --wrap "sleep 60")
check_end "$t1" TIMEOUT 143
# Time limit, job ignores TERM: KILL after the grace, 137.
t2=$(submit --time 0:02 --wrap "trap '' TERM; sleep 60; sleep 60")
check_end "$t2" TIMEOUT 137
# Cancel of a job that ignores TERM: 137, never "-".
c1=$(submit --wrap "trap '' TERM; sleep 61; sleep 61")
wait_state "$c1" RUNNING 20
sleep 0.5
herd cancel "$c1" || fail "herd cancel $c1 failed"
check_end "$c1" CANCELLED 137
sleep 1
assert_eq "job $c1 exit_code later" 137 "$(field "$c1" .exit_code)"
herd history --all --json >"$TEST_DIR/hist.json" || fail "herd history failed"
assert_eq "history exit_code of $c1" 137 \
    "$(jq -r ".[] | select(.id == $c1) | .exit_code" "$TEST_DIR/hist.json")"

# Launch failures: a missing working directory, a missing output directory.
f1=$(submit -D /nonexistent-$UNIQ --wrap "echo hi")
wait_jobs 20 "$f1" 2>/dev/null
assert_eq "state of the -D /nonexistent job" FAILED "$(field "$f1" .state)"
r=$(field "$f1" .reason)
case $r in
"launch failed: cannot change to directory /nonexistent-$UNIQ"*) ;;
*) fail "reason of the -D /nonexistent job: '$r'" ;;
esac
f2=$(submit -o "nodir-$UNIQ/x-%j.out" --wrap "echo hi")
wait_jobs 20 "$f2" 2>/dev/null
assert_eq "state of the -o nodir/ job" FAILED "$(field "$f2" .state)"
r=$(field "$f2" .reason)
case $r in
"launch failed: cannot open output file $WORK/nodir-$UNIQ/x-$f2.out: "*) ;;
*) fail "reason of the -o nodir/x-%j.out job: '$r'" ;;
esac
[ "$(field "$f2" .start_time)" = null ] || fail "job $f2 never started but has a start_time"
herd show "$f2" | grep -q "launch failed" || fail "herd show $f2 does not say launch failed"
grep -q "job $f2 on node[0-9]*: launch failed: cannot open output file" "$HERDD_LOG" ||
    fail "herdd's log has no line for the launch failure of $f2"
for w in submitted started ended; do
	grep -q "job $t1 $w" "$HERDD_LOG" || fail "herdd's log has no '$w' line for job $t1"
done

# %N is not known before the job is placed.
blk=$(submit --gpus 8 --wrap "sleep 62")
wait_state "$blk" RUNNING 20
p1=$(submit --gpus 8 -o '%u_%N.out' --wrap true)
out=$(field "$p1" .stdout)
assert_eq "stdout of a pending job with -o %u_%N.out" "$WORK/$(id -un)_%N.out" "$out"
herd cancel "$blk" "$p1"
wait_jobs 30 "$blk" "$p1" 2>/dev/null
assert_idle
