#!/bin/bash
# t_outage_fail: a node away for longer than node_fail_after (8 s here):
# its requeueable job goes back to the queue as a new attempt, a --no-requeue
# one ends NODE_FAIL with the reason.  When the node comes back, what still
# ran of the first attempt is killed before the new attempt runs there: the
# job never has two live copies.

. "$(dirname "$0")/lib.sh"

setup_herdd probe_interval=1 down_after=2 node_fail_after=8
TC=$REPO/scripts/testcluster
at_exit "'$TC' start-node '$TC_DIR' node1 >/dev/null 2>&1 || true"
tag="71.$UNIQ"
at_exit "pkill -f -- 'sleep $tag' || true"

# 5 GPUs and 3 GPUs: only node1 has 8 (node2, 4 GPUs, drained for the test).
herd drain node2 -r t_outage_fail >/dev/null || fail "herd drain node2 failed"
r=$(submit --gpus 5 --wrap "echo started >>'$WORK/starts'; sleep $tag")
n=$(submit --gpus 3 --no-requeue --wrap "sleep $tag")
wait_state "$r" RUNNING 20
wait_state "$n" RUNNING 20
assert_eq "copies of the jobs running" 2 "$(pgrep -fc -- "sleep $tag")"

"$TC" stop-node "$TC_DIR" node1 >/dev/null || fail "testcluster stop-node node1 failed"
wait_state "$n" NODE_FAIL 40
assert_eq "reason of the --no-requeue job" "node unreachable for 8 s (node_fail_after)" \
    "$(field "$n" .reason)"
wait_state "$r" PENDING 10
assert_eq "copies still running on the unreachable node" 2 "$(pgrep -fc -- "sleep $tag")"

"$TC" start-node "$TC_DIR" node1 >/dev/null || fail "testcluster start-node node1 failed"
wait_state "$r" RUNNING 60
for i in $(seq 1 100); do
	[ "$(pgrep -fc -- "sleep $tag")" -eq 1 ] && break
	sleep 0.1
done
assert_eq "copies running once node1 is back (the new attempt only)" 1 \
    "$(pgrep -fc -- "sleep $tag")"
assert_eq "starts of the requeued job" 2 "$(wc -l <"$WORK/starts")"
herd cancel "$r" >/dev/null
wait_jobs 30 "$r"
herd resume node2 >/dev/null
assert_idle
