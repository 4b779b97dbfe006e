#!/bin/bash
# t_gpu_lost: a GPU falls off the bus (node2's fake nvidia-smi lists one GPU
# fewer: a fixture edit): herd drains node2 itself, the reason says so, and
# no job starts there; once the probe shows every GPU again herd resumes it.
# An nvidia-smi that fails (node3: error file) drains with its message quoted.

. "$(dirname "$0")/lib.sh"

setup_herdd probe_interval=1
CSV=$TC_DIR/nodes/node2/gpu/query-gpu.csv
cp "$CSV" "$TEST_DIR/query-gpu.csv.saved"
at_exit "cp '$TEST_DIR/query-gpu.csv.saved' '$CSV'"
ERR=$TC_DIR/nodes/node3/gpu/error
at_exit "rm -f '$ERR'"


assert_eq "node2 before" IDLE "$(node_field node2 .state)"
[ "$(wc -l <"$CSV")" -ge 2 ] || fail "node2's fixture has fewer than 2 GPUs"
head -n -1 "$TEST_DIR/query-gpu.csv.saved" >"$CSV.new" && mv "$CSV.new" "$CSV"
wait_node node2 DRAINED 20
reason=$(node_field node2 .reason)
grep -q "GPU lost: nvidia-smi shows 3 of the 4 GPUs" <<<"$reason" || fail "node2's reason: '$reason'"
note "node2 with a lost GPU: $reason"
# 3 GPUs would fit node2 as it is now, but a node that lost a GPU takes no job.
ids=()
for i in 1 2 3 4; do
	ids+=("$(submit --gpus 3 --wrap 'echo "$HERD_NODE"; sleep 1')")
done
wait_jobs 60 "${ids[@]}" || fail "3-GPU jobs did not complete while node2 was drained"
for id in "${ids[@]}"; do
	[ "$(cat "$WORK/herd-$id.out")" != node2 ] || fail "job $id ran on node2 after it lost a GPU"
done

cp "$TEST_DIR/query-gpu.csv.saved" "$CSV"
wait_node node2 IDLE 20
assert_eq "node2's reason once healthy" "" "$(node_field node2 .reason)"

msg="NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. $UNIQ"
printf '%s\n' "$msg" >"$ERR"
wait_node node3 DRAINED 20
assert_eq "node3's reason" "nvidia-smi failed: \"$msg\"" "$(node_field node3 .reason)"
rm -f "$ERR"
wait_node node3 IDLE 20
assert_idle
