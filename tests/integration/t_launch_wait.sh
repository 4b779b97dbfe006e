#!/bin/bash
# t_launch_wait: a restart that finds a launch under way (the job's script,
# the launch token, is on the node but its runner has not written the pid
# yet) waits for it rather than killing and failing the job; once the pid
# is there the job is adopted and ends as it really ends.  Made
# deterministic by hiding a running job's state file while herdd is down
# and marking the job LAUNCHING in the database, as a SIGKILL between
# launch and start leaves it.  Also: a running job whose files are missing
# for one answer is asked again before it is declared NODE_FAIL.

. "$(dirname "$0")/lib.sh"

setup_herdd

id=$(submit --wrap "sleep 12; echo done")
wait_state "$id" RUNNING 20
stop_herdd "$HERDD_PID" KILL
# The job's key: CLUSTER.INSTANCE-ID.ATTEMPT (every test's herdd has its own instance).
key="$(sed -n 's/^cluster = //p' "$HOSTS").$(sqlite3 "$STATE/herd.db" "SELECT v FROM meta WHERE k='instance'")-$id.$(sqlite3 "$STATE/herd.db" "SELECT attempt FROM jobs WHERE id=$id")"
st=$(ls "$TC_DIR"/nodes/*/home/.herd/jobs/"$key".state 2>/dev/null)
[ -f "$st" ] || fail "no state file of job $id on any node"
mv "$st" "$st.hidden"
sqlite3 "$STATE/herd.db" "UPDATE jobs SET state=1 WHERE id=$id" ||
    fail "cannot mark job $id LAUNCHING"
start_herdd
wait_nodes_up 4 20
sleep 3
assert_eq "job $id, script on the node but no pid yet, 3 s after the restart" \
    LAUNCHING "$(field "$id" .state)"
mv "$st.hidden" "$st"
wait_state "$id" RUNNING 10
wait_jobs 40 "$id" 2>"$TEST_DIR/wait.err" || fail "job $id: $(cat "$TEST_DIR/wait.err")"
assert_eq "job $id at the end" "COMPLETED 0" "$(field "$id" '"\(.state) \(.exit_code)"')"
assert_file_is "$WORK/herd-$id.out" "done
"
assert_idle
