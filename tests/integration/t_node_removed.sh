#!/bin/bash
# t_node_removed: herdd restarted without a node in hosts.ini.  A job
# running there is lost with it (NODE_FAIL, "its node is no longer in
# hosts.ini"); one cancelled but still being stopped there (it ignores
# TERM, the grace is long) is over: CANCELLED as it was, its end time
# kept, holding nothing, so the next start does not load it again.  The
# remaining nodes take work as before.

. "$(dirname "$0")/lib.sh"

setup_herdd kill_grace=120
tag="1.$UNIQ"
# The jobs end once this file exists (herdd no longer reaches their node).
at_exit "touch '$WORK/stop.$tag'"
job="while [ ! -e stop.$tag ]; do sleep $tag; done"
# CPU-only jobs fill the nodes in hosts.ini order: both on the first.
stopping=$(submit --wrap "trap '' TERM; $job")
running=$(submit --wrap "$job")
wait_state "$stopping" RUNNING 20
wait_state "$running" RUNNING 20
node=$(field "$stopping" .node)
assert_eq "node of the second job" "$node" "$(field "$running" .node)"
herd cancel "$stopping" || fail "herd cancel $stopping failed"
held() {
	sqlite3 -readonly "$STATE/herd.db" "SELECT held FROM jobs WHERE id=$1"
}
assert_eq "the cancelled job still holds its node (else the test is void)" 1 "$(held "$stopping")"
ended=$(field "$stopping" .end_time)
stop_herdd "$HERDD_PID" KILL

# hosts.ini without that node's section.
awk -v sect="[node $node]" '$0 == sect { skip = 1; next } /^\[/ { skip = 0 } !skip' \
    "$HOSTS" >"$HOSTS.new" && mv "$HOSTS.new" "$HOSTS"
grep -qF "[node $node]" "$HOSTS" && fail "node $node still in $HOSTS"
start_herdd
wait_nodes_up 3 20
assert_eq "state of the job running on the removed node" NODE_FAIL "$(field "$running" .state)"
assert_eq "its reason" "its node is no longer in hosts.ini" "$(field "$running" .reason)"
[ -n "$(field "$running" '.end_time // empty')" ] || fail "job $running has no end time"
assert_eq "state of the job being stopped there" CANCELLED "$(field "$stopping" .state)"
assert_eq "its end time" "$ended" "$(field "$stopping" .end_time)"
assert_eq "resources held by the cancelled job" 0 "$(held "$stopping")"
assert_eq "resources held by the lost job" 0 "$(held "$running")"

# A second start loads neither (nothing of them is active any more).
stop_herdd "$HERDD_PID"
: >"$HERDD_LOG"
start_herdd
wait_nodes_up 3 20
grep -E "job ($stopping|$running)[^0-9]" "$HERDD_LOG" &&
    fail "the second start still acted on job $stopping or $running"
other=$(submit --wrap true)
wait_jobs 30 "$other" || fail "job $other did not run on the remaining nodes"
assert_idle
