#!/bin/bash
# t_lab_idfloor: a file in one user's own job directory cannot stop the
# whole lab from submitting.  herdd's start-up scan of a node (in lab mode:
# of each user's session, i.e. of that user's ~/.herd/jobs) raises the job
# id floor past every key it finds, so that an id a node has seen is never
# issued again.  User B names a file after the largest id there is; once
# B's session scans it, no job may be refused for it: A's next submit
# still works and gets an ordinary id.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lablib.sh"

A=hia${UNIQ:0:10} B=hib${UNIQ:0:10}
mkuser "$A"
mkuser "$B"
lab_config
start_svc
wait_nodes_up 2 30 "$LAB"
for u in "$A" "$B"; do
	out=$(as "$u" register 2>&1) || fail "$u: herd register failed: $out"
done

# The key prefix is in every user's own job files (B learns it from his).
ja=$(as "$A" submit --parsable --wrap true) || fail "$A: submit: $ja"
CONF=$LAB wait_state "$ja" COMPLETED 30
f=$(ls "$SD/home/$A/.herd/jobs" | grep "\-$ja\.1\.script$") || fail "no files of job $ja"
prefix=${f%-*}

# B's forged key: the largest id, a file of his own.
runuser -u "$B" -- sh -c "mkdir -p '$SD/home/$B/.herd/jobs' &&
    : >'$SD/home/$B/.herd/jobs/$prefix-9223372036854775807.1.script'" ||
    fail "$B could not write in his own job directory"
jb=$(as "$B" submit --parsable --wrap true) || fail "$B: submit: $jb"
CONF=$LAB wait_state "$jb" COMPLETED 30
# The scan of B's new session saw the file (herdd says so when it raises
# the floor; a herdd that ignores such a key may say nothing).
for ((i = 0; i < 150; i++)); do
	grep -q "files of job 9223372036854775807" "$HERDD_LOG" && break
	sleep 0.1
done

out=$(as "$A" submit --parsable --wrap true 2>&1) ||
    fail "$A cannot submit after $B's forged job file was scanned: $out"
case $out in
''|*[!0-9]*) fail "$A's submit printed '$out', not a job id" ;;
esac
[ "$out" -lt 1000000 ] || fail "$A's next job got id $out: $B's file chose the lab's job ids"
CONF=$LAB wait_state "$out" COMPLETED 30

stop_herdd "$HERDD_PID"
lab_check_san
exit 0
