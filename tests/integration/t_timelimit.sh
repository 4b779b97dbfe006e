#!/bin/bash
# t_timelimit: a job over its --time limit (Slurm MM:SS) ends TIMEOUT, and
# its processes are really gone; a job within its limit is untouched.

. "$(dirname "$0")/lib.sh"

setup_herdd
grace=$(sed -n 's/^kill_grace = //p' "$HOSTS")

tag="60.$UNIQ"
id=$(submit --time 0:03 --wrap "echo started; sleep $tag; echo 'not killed'")
assert_eq "time_limit of --time 0:03" 3 "$(field "$id" .time_limit)"
ok=$(submit -t 1:00 --wrap 'sleep 1; echo fine')
assert_eq "time_limit of -t 1:00" 60 "$(field "$ok" .time_limit)"

for i in $(seq 1 50); do
	pgrep -f -- "sleep $tag" >/dev/null && break
	sleep 0.1
done
pgrep -f -- "sleep $tag" >/dev/null || fail "job $id (sleep $tag) never seen running"
t0=$EPOCHREALTIME

wait_state "$id" TIMEOUT $((3 + grace + 8))
note "TIMEOUT seen $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s after the job was seen running (limit 3 s)"
wait_gone "sleep $tag" $((grace + 3)) ||
    fail "job $id is TIMEOUT but its process is still there: $(pgrep -fa -- "sleep $tag")"
out=$(field "$id" .stdout)
grep -q started "$out" || fail "$out lacks the job's first line"
! grep -q 'not killed' "$out" || fail "job $id went on after its sleep: $(cat "$out")"
wait_jobs 10 "$id" 2>"$TEST_DIR/wait.err" && fail "herd wait on a TIMEOUT job exited 0"
grep -q TIMEOUT "$TEST_DIR/wait.err" || fail "herd wait did not say TIMEOUT: $(cat "$TEST_DIR/wait.err")"

wait_jobs 30 "$ok" || fail "job $ok, within its 1-minute limit, did not complete"
assert_file_is "$WORK/herd-$ok.out" "fine
"
assert_idle
