#!/bin/bash
# t_lab_adopt: a user's own job files cannot start that user's pending job
# past the scheduler.  The start-up scan of a session adopts a pending job
# whose files it finds (a launch the database lost), taking its resources
# on that node whatever else holds them.  In lab mode the scanned directory
# is the user's own: B names his pending job (begin time an hour away,
# two CPUs) in a file there, then runs another job so that a session of
# his opens and scans.  His pending job must stay pending, and no node may
# end up with more CPUs in use than it has.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lablib.sh"

A=hda${UNIQ:0:10} B=hdb${UNIQ:0:10}
mkuser "$A"
mkuser "$B"
lab_config
start_svc
wait_nodes_up 2 30 "$LAB"
for u in "$A" "$B"; do
	out=$(as "$u" register 2>&1) || fail "$u: herd register failed: $out"
done

# A's job holds a CPU; its files give the key prefix (B has it from his own).
tag="3051.$UNIQ"
ja=$(as "$A" submit --parsable --wrap "sleep $tag") || fail "$A: submit: $ja"
CONF=$LAB wait_state "$ja" RUNNING 30
f=$(ls "$SD/home/$A/.herd/jobs" | grep "\-$ja\.1\.script$") || fail "no files of job $ja"
prefix=${f%-*}

# B's pending job (2 CPUs: a whole node), and a file of his naming it.
jp=$(as "$B" submit --parsable -c 2 --begin now+1hour --wrap "echo early") ||
    fail "$B: submit: $jp"
runuser -u "$B" -- sh -c "mkdir -p '$SD/home/$B/.herd/jobs' &&
    : >'$SD/home/$B/.herd/jobs/$prefix-$jp.1.script'" || fail "$B cannot write his files"

# Another job of B opens a session of his, which scans his files.
tag2="3052.$UNIQ"
jb=$(as "$B" submit --parsable --wrap "sleep $tag2") || fail "$B: submit: $jb"
CONF=$LAB wait_state "$jb" RUNNING 30
for ((i = 0; i < 100; i++)); do
	grep -q "job $jp was launched on" "$HERDD_LOG" && break
	sleep 0.1
done

st=$(CONF=$LAB field "$jp" .state)
assert_eq "state of $B's job $jp (begin in an hour) after his files named it" PENDING "$st"
over=$(CONF=$LAB herd nodes --json | jq -r '.[] | select(.cpus_used > .cpus) |
    "\(.name): \(.cpus_used) of \(.cpus) CPUs"')
[ -z "$over" ] || fail "a node holds more CPUs than it has: $over"

as "$A" cancel "$ja" >/dev/null
as "$B" cancel "$jb" "$jp" >/dev/null
stop_herdd "$HERDD_PID"
lab_check_san
exit 0
