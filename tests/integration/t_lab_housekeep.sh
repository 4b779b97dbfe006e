#!/bin/bash
# t_lab_housekeep: in lab mode a job's files are in its user's own herd
# directory, which only that user's session reaches.  They are housekept
# like a node's (keep_job_files, 3 s here), through a session of the user
# that herdd opens again after the one that ran the job closed (idle 2 s).
# And when a node that was away past node_fail_after answers again, what
# still runs of the attempt it gave up is killed through its user's session:
# the node's own account cannot signal another user's processes.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lablib.sh"

A=hdk${UNIQ:0:10}
mkuser "$A"
lab_config "session_idle = 2"
sed -i 's/^\[defaults\]$/[defaults]\ndown_after = 2\nnode_fail_after = 8\nkeep_job_files = 3s/' "$LAB"
TC=$REPO/scripts/testcluster
at_exit "'$TC' start-node '$TC_DIR' node1 >/dev/null 2>&1 || true"
start_svc
wait_nodes_up 2 30 "$LAB"
out=$(as "$A" register 2>&1) || fail "$A: herd register failed: $out"
JOBS=$SD/home/$A/.herd/jobs

# An ended job's files go once keep_job_files has passed.
j1=$(as "$A" submit --parsable -w node1 --wrap "echo one") || fail "$A: submit: $j1"
CONF=$LAB wait_jobs 30 "$j1"
f=$(ls "$JOBS" | grep -- "-$j1\.1\.state$") || fail "no files of job $j1 in $JOBS"
for ((i = 0; i < 400; i++)); do
	ls "$JOBS" | grep -q -- "-$j1\.1\." || break
	sleep 0.1
done
left=$(ls "$JOBS" | grep -- "-$j1\.1\.")
[ -z "$left" ] || fail "job $j1's files are still in $A's herd directory 40 s after it ended: $left"
grep -q "removing the files of 1 ended job" "$HERDD_LOG" || fail "herdd did not log the removal"

# A --no-requeue job on node1; node1 goes away past node_fail_after.
tag="3061.$UNIQ"
at_exit "pkill -f -- 'sleep $tag' || true"
j2=$(as "$A" submit --parsable -w node1 --no-requeue --wrap "sleep $tag") ||
    fail "$A: submit: $j2"
CONF=$LAB wait_state "$j2" RUNNING 30
"$TC" stop-node "$TC_DIR" node1 >/dev/null || fail "testcluster stop-node node1 failed"
CONF=$LAB wait_state "$j2" NODE_FAIL 40
assert_eq "$A's processes of job $j2 on the unreachable node1" 1 "$(pgrep -fc -- "sleep $tag")"
"$TC" start-node "$TC_DIR" node1 >/dev/null || fail "testcluster start-node node1 failed"
for ((i = 0; i < 300; i++)); do
	[ "$(pgrep -fc -- "sleep $tag")" -eq 0 ] && break
	sleep 0.1
done
assert_eq "$A's processes of job $j2 once node1 is back" 0 "$(pgrep -fc -- "sleep $tag")"

stop_herdd "$HERDD_PID"
lab_check_san
exit 0
