#!/bin/bash
# t_json_top: herd top --json (and -n 1 --json): one frame's data as one
# JSON object, not its text: time, nodes with their GPUs, the queue (a
# running and a pending job) and recent ends, each as herd nodes, queue
# and history --json print them.
. "$(dirname "$0")/lib.sh"

setup_herdd
e=$(submit --wrap true)
wait_state "$e" COMPLETED 30
r=$(submit --gpus 1 --wrap 'sleep 60')
wait_state "$r" RUNNING 30
p=$(submit --hold --wrap true)

for args in "--json" "-n 1 --json"; do
	# shellcheck disable=SC2086
	herd top $args >"$TEST_DIR/out" 2>"$TEST_DIR/err" || fail "herd top $args failed: $(cat "$TEST_DIR/err")"
	got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d["time"], int) and d["time"] > 0, d["time"]
nodes = {n["name"]: n for n in d["nodes"]}
print(" ".join(sorted(nodes)), len(nodes["node1"]["gpus"]))
q = {str(j["id"]): j["state"] for j in d["queue"]}
print(q.get(sys.argv[2]), q.get(sys.argv[3]), sys.argv[4] in q)
print([str(j["id"]) for j in d["ends"]].count(sys.argv[4]))' "$TEST_DIR/out" "$r" "$p" "$e") ||
	    fail "herd top $args: not the JSON expected: $(head -c 2000 "$TEST_DIR/out")"
	assert_eq "herd top $args: nodes, node1's GPUs" "node1 node2 node3 node4 8" "$(sed -n 1p <<<"$got")"
	assert_eq "herd top $args: the queue" "RUNNING PENDING False" "$(sed -n 2p <<<"$got")"
	assert_eq "herd top $args: the ends" 1 "$(sed -n 3p <<<"$got")"
	assert_eq "herd top $args: the GPU's job" "$r" \
	    "$(jq -r --arg n "$(field "$r" .node)" '.nodes[] | select(.name == $n) | .gpus[] | select(.job != null) | .job' "$TEST_DIR/out" | head -1)"
done
herd top -n 2 --json >"$TEST_DIR/out" 2>"$TEST_DIR/err"
assert_eq "herd top -n 2 --json: status" 2 "$?"
herd cancel "$r" "$p" >/dev/null
