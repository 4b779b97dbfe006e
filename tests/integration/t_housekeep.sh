#!/bin/bash
# t_housekeep: the files of an ended job leave its node's herd directory once
# its end is in the database and keep_job_files (5 s here: the key takes a
# unit, s m h d; bare is days) has passed; a running job's files stay.  The
# probe reports free disk in the herd directory, and herd nodes shows it.

. "$(dirname "$0")/lib.sh"

setup_herdd probe_interval=1 keep_job_files=5s
JOBS=$TC_DIR/nodes/node1/home/.herd/jobs

disk=$(herd nodes --json | jq '.[] | select(.name == "node1") | .disk_free_mb')
[ "${disk:-0}" -gt 0 ] 2>/dev/null || fail "node1's free disk: '$disk'"
herd nodes | awk 'NR == 1' | grep -q DISK || fail "herd nodes has no DISK column: $(herd nodes)"

tag="72.$UNIQ"
at_exit "pkill -f -- 'sleep $tag' || true"
run=$(submit --gpus 8 --wrap "sleep $tag; : run")	# node1's only 8-GPU place
wait_state "$run" RUNNING 20
herd cancel "$run" >/dev/null
wait_jobs 30 "$run"
keep=$(submit --gpus 8 --wrap "sleep $tag; : keep")
wait_state "$keep" RUNNING 20
# The node's home is shared by every test's herdd: find this one's keys.
rkey=$(grep -l ": run\$" "$JOBS"/*.script) || fail "no script of job $run on node1"
rkey=${rkey%.script}
kkey=$(grep -l ": keep\$" "$JOBS"/*.script) || fail "no script of job $keep on node1"
kkey=${kkey%.script}
for i in $(seq 1 300); do
	[ -e "$rkey.state" ] || [ -e "$rkey.script" ] || break
	sleep 0.1
done
[ -e "$rkey.state" ] || [ -e "$rkey.script" ] &&
    fail "job $run's files are still on node1 30 s after it ended: $(ls "$rkey".*)"
[ -e "$kkey.state" ] || fail "the running job $keep lost its state file"
[ -e "$kkey.script" ] || fail "the running job $keep lost its script"
grep -q "removing the files of 1 ended job" "$HERDD_LOG" || fail "herdd did not log the removal"
herd cancel "$keep" >/dev/null
wait_jobs 30 "$keep"
assert_idle
