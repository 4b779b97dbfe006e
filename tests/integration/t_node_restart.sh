#!/bin/bash
# t_node_restart: herdd is restarted while node2 is drained by herd itself
# (a GPU fell off its bus) and while node1 is unreachable with the leftovers
# of a requeued attempt still running there.  After the restart node2 is
# still DRAINED with its reason (its GPU count before the loss was kept),
# and resumes by itself once the GPU is back; node1 keeps the since of its
# outage; when node1 answers, the old attempt's processes are killed, so the
# requeued job never runs twice.  herd's own drain is in herd audit.

. "$(dirname "$0")/lib.sh"

setup_herdd probe_interval=1 down_after=2 node_fail_after=8
TC=$REPO/scripts/testcluster
at_exit "'$TC' start-node '$TC_DIR' node1 >/dev/null 2>&1 || true"
CSV=$TC_DIR/nodes/node2/gpu/query-gpu.csv
cp "$CSV" "$TEST_DIR/query-gpu.csv.saved"
at_exit "cp '$TEST_DIR/query-gpu.csv.saved' '$CSV'"
tag="73.$UNIQ"
at_exit "pkill -f -- 'sleep $tag' || true"

copies() { pgrep -fc -- "sleep $tag"; }

# node2 loses a GPU: herd drains it.
head -n -1 "$TEST_DIR/query-gpu.csv.saved" >"$CSV.new" && mv "$CSV.new" "$CSV"
wait_node node2 DRAINED 20
reason=$(node_field node2 .reason)
grep -q "GPU lost" <<<"$reason" || fail "node2's reason: '$reason'"

# A 5-GPU job: only node1 (8 GPUs) takes it.  node1 goes away past
# node_fail_after: the job is requeued, its first attempt still runs there.
r=$(submit --gpus 5 --wrap "echo started >>'$WORK/starts'; sleep $tag")
wait_state "$r" RUNNING 20
"$TC" stop-node "$TC_DIR" node1 >/dev/null || fail "testcluster stop-node node1 failed"
wait_state "$r" PENDING 40
wait_node node1 DOWN 10
since=$(node_field node1 .since)
assert_eq "copies running on the unreachable node1" 1 "$(copies)"

stop_herdd "$HERDD_PID" || fail "herdd did not stop cleanly"
start_herdd
for ((i = 0; i < 100; i++)); do
	[ "$(node_field node2 .state 2>/dev/null)" = DRAINED ] && break
	sleep 0.1
done
assert_eq "node2 after the restart (the GPU is still missing)" DRAINED "$(node_field node2 .state)"
assert_eq "node2's reason after the restart" "$reason" "$(node_field node2 .reason)"
wait_node node1 DOWN 20
# The same second, give or take the one that wall and monotonic clocks round apart.
d=$(( $(date -d "$(node_field node1 .since)" +%s) - $(date -d "$since" +%s) ))
[ "${d#-}" -le 1 ] || fail "since of node1's outage: $since before the restart," \
    "$(node_field node1 .since) after"
herd audit 2>&1 | grep -q "herdd.*drain.*node2: GPU lost" ||
    fail "herd audit has no drain of node2 by herdd: $(herd audit 2>&1)"

# node1 answers: the old attempt is killed, the new one runs.
"$TC" start-node "$TC_DIR" node1 >/dev/null || fail "testcluster start-node node1 failed"
wait_state "$r" RUNNING 60
for ((i = 0; i < 100; i++)); do
	[ "$(copies)" -eq 1 ] && break
	sleep 0.1
done
assert_eq "copies running once node1 is back (the new attempt only)" 1 "$(copies)"
assert_eq "starts of the requeued job" 2 "$(wc -l <"$WORK/starts")"

# The GPU is back: herd's own drain lifts by itself.
cp "$TEST_DIR/query-gpu.csv.saved" "$CSV"
wait_node node2 IDLE 20
herd cancel "$r" >/dev/null
wait_jobs 30 "$r"
assert_idle
