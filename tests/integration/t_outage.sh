#!/bin/bash
# t_outage: a node whose sshd is stopped (scripts/testcluster stop-node; its
# jobs run on) is DOWN after down_after (3 s here) with a reason and since
# when, and takes no new job; its running jobs are left alone.  When its sshd
# is back the jobs are adopted: one that is still running finishes normally
# through the event stream, one that ended while the node was away gets the
# exit status the node's files recorded.  Then the job that waited runs.

. "$(dirname "$0")/lib.sh"

setup_herdd probe_interval=1 down_after=3
TC=$REPO/scripts/testcluster
at_exit "'$TC' start-node '$TC_DIR' node1 >/dev/null 2>&1 || true"


# Two 4-GPU jobs that end when told; node2 is drained so both go to node1.
herd drain node2 -r t_outage >/dev/null || fail "herd drain node2 failed"
a=$(submit --gpus 4 --wrap "while [ ! -e '$WORK/go-a' ]; do sleep 0.2; done; echo a-done; exit 3")
b=$(submit --gpus 4 --wrap "while [ ! -e '$WORK/go-b' ]; do sleep 0.2; done; echo b-done; exit 0")
wait_state "$a" RUNNING 20
wait_state "$b" RUNNING 20
assert_eq "node of job a" node1 "$(field "$a" .node)"
assert_eq "node of job b" node1 "$(field "$b" .node)"
assert_eq "node1 with all its GPUs held" ALLOCATED "$(node_field node1 .state)"

"$TC" stop-node "$TC_DIR" node1 >/dev/null || fail "testcluster stop-node node1 failed"
t0=$EPOCHSECONDS
st=
for i in $(seq 1 300); do
	st=$(node_field node1 .state)
	[ "$st" = DOWN ] && break
	sleep 0.1
done
assert_eq "node1's state after its sshd stopped" DOWN "$st"
reason=$(node_field node1 .reason)
grep -q "unreachable for [0-9]* s" <<<"$reason" || fail "node1's reason: '$reason'"
[ "$(node_field node1 .since)" != null ] || fail "node1 DOWN with no since"
note "node1 DOWN after $((EPOCHSECONDS - t0)) s: $reason"
assert_eq "job a while node1 is DOWN" RUNNING "$(field "$a" .state)"
assert_eq "job b while node1 is DOWN" RUNNING "$(field "$b" .state)"
c=$(submit --gpus 8 --wrap "echo c-done")
sleep 2
assert_eq "an 8-GPU job while node1 is DOWN" PENDING "$(field "$c" .state)"

# Job a ends while nobody listens: its status is in the node's files only.
touch "$WORK/go-a"
sleep 2
"$TC" start-node "$TC_DIR" node1 >/dev/null || fail "testcluster start-node node1 failed"
wait_state "$a" FAILED 60
assert_eq "exit code of job a, read from the node" 3 "$(field "$a" .exit_code)"
assert_eq "job b once node1 is back" RUNNING "$(field "$b" .state)"
touch "$WORK/go-b"
wait_state "$b" COMPLETED 30
assert_eq "output of job b" b-done "$(cat "$WORK/herd-$b.out")"
herd resume node2 >/dev/null || fail "herd resume node2 failed"
wait_jobs 60 "$c" || fail "the 8-GPU job did not run once node1 was back"
assert_eq "node of job c" node1 "$(field "$c" .node)"
assert_idle
