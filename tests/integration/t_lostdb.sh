#!/bin/bash
# t_lostdb: start-up does not trust the database alone.  A state disk that
# lost its last commits is simulated by editing the database while herdd
# is down: (1) a running job the database knows only as PENDING is adopted
# on its node with its GPUs, not started a second time; (2) a job the
# database forgot entirely leaves its id behind: the next submit gets a
# new id, and runs, instead of taking the old job's files for its own.

. "$(dirname "$0")/lib.sh"

setup_herdd
MARK=$TEST_DIR/marker
: >"$MARK"

# (1) Launched, but the database lost the launch.
a=$(submit --gpus 2 --wrap "echo \"\$HERD_NODE \$CUDA_VISIBLE_DEVICES\" >>'$MARK'; sleep 6")
wait_state "$a" RUNNING 20
was=$(field "$a" '"\(.node) \(.gpus)"')
stop_herdd "$HERDD_PID" KILL
sqlite3 "$STATE/herd.db" "UPDATE jobs SET state=0, node=NULL, gpu_list=NULL, start_time=NULL WHERE id=$a" ||
    fail "cannot edit the database"
start_herdd
wait_nodes_up 4 20
wait_state "$a" RUNNING 10
assert_eq "node and GPUs of job $a after the restart" "$was" "$(field "$a" '"\(.node) \(.gpus)"')"
grep -q "job $a was launched on .* but the database had lost it; adopted" "$HERDD_LOG" ||
    fail "herdd did not log the adoption of job $a"
wait_jobs 30 "$a" || fail "job $a did not complete"
assert_eq "times job $a ran" 1 "$(wc -l <"$MARK")"

# (2) Forgotten entirely.
b=$(submit --wrap "echo b-ran")
wait_jobs 20 "$b" || fail "job $b did not complete"
stop_herdd "$HERDD_PID" KILL
sqlite3 "$STATE/herd.db" "DELETE FROM job_data WHERE id=$b; DELETE FROM jobs WHERE id=$b" ||
    fail "cannot edit the database"
start_herdd
wait_nodes_up 4 20
c=$(submit --wrap "echo c-ran")
[ "$c" -gt "$b" ] || fail "job id $c issued again after a node had seen job $b"
wait_jobs 20 "$c" || fail "job $c did not complete"
assert_file_is "$WORK/herd-$c.out" "c-ran
"
assert_file_is "$WORK/herd-$b.out" "b-ran
"
grep -q "files of job $b .* that the database does not know" "$HERDD_LOG" ||
    fail "herdd did not log the job the database forgot"
assert_idle
