#!/bin/bash
# t_gpu_uuid: GPUs are known by UUID.  A job runs on a GPU; herdd stops;
# the node's GPUs are renumbered (the UUIDs and bus ids of indices 0 and 1
# swap in its nvidia-smi fixture, as when a GPU drops off the bus and the
# driver numbers the rest again); herdd starts.  The running job stays on
# its own UUID (herd show, herd show --json and herd nodes agree, at its new
# index), and a new job gets the other GPU, never the one still held.
# Then the node renumbers again behind herdd's back (no probe for an hour):
# the launch's check on the node finds index and UUID disagree and fails
# the job, naming both, before its command runs.

. "$(dirname "$0")/lib.sh"

# probe_interval: only the probe at each start counts in this test.
setup_herdd probe_interval=3600

# uuid_at NODE INDEX: the UUID the node's nvidia-smi now gives that index.
csv_of() { echo "$TC_DIR/nodes/$1/gpu/query-gpu.csv"; }
uuid_at() {
	awk -F', ' -v i="$2" 'NR > 1 && $1 == i { print $2 }' "$(csv_of "$1")"
}
# swap_gpus NODE I J: indices I and J trade UUID and bus id.
swap_gpus() {
	local f
	f=$(csv_of "$1")
	awk -F', ' -v OFS=', ' -v i="$2" -v j="$3" '
	NR == 1 { print; next }
	{ row[NR] = $0; idx[NR] = $1; u[$1] = $2; b[$1] = $4; n = NR }
	END {
		for (r = 2; r <= n; r++) {
			$0 = row[r]
			if ($1 == i) { $2 = u[j]; $4 = b[j] } else if ($1 == j) { $2 = u[i]; $4 = b[i] }
			print
		}
	}' "$f" >"$f.new" && mv "$f.new" "$f"
}

a=$(submit --gpus 1 --wrap "sleep 300 # $UNIQ")
wait_state "$a" RUNNING 20
node=$(field "$a" .node)
idx=$(field "$a" '.gpus[0]')
ua=$(uuid_at "$node" "$idx")
[ -n "$ua" ] || fail "job $a: no UUID at index $idx of $node's fixture"
assert_eq "job $a's GPU UUID" "$ua" "$(field "$a" .gpu_uuids)"
other=$([ "$idx" = 0 ] && echo 1 || echo 0)
cp "$(csv_of "$node")" "$TEST_DIR/query-gpu.csv.orig"
at_exit "cp '$TEST_DIR/query-gpu.csv.orig' '$(csv_of "$node")'"

stop_herdd "$HERDD_PID" TERM
swap_gpus "$node" "$idx" "$other"
assert_eq "UUID at index $other after the swap" "$ua" "$(uuid_at "$node" "$other")"
start_herdd
wait_nodes_up 4 20

assert_eq "job $a's state after the restart" RUNNING "$(field "$a" .state)"
assert_eq "job $a's GPU UUID after the renumbering" "$ua" "$(field "$a" .gpu_uuids)"
assert_eq "job $a's GPU index after the renumbering" "$other" "$(field "$a" '.gpus | join(",")')"
herd show "$a" | grep -qF "$ua" || fail "herd show $a does not name its GPU $ua: $(herd show "$a")"
held=$(herd nodes --json | jq -r --arg n "$node" --argjson id "$a" \
    '.[] | select(.name == $n) | .gpus[] | select(.job == $id) | "\(.index) \(.uuid)"')
assert_eq "herd nodes: the GPU job $a holds" "$other $ua" "$held"

# A new job on that node must not get the GPU still held.
n1=$(herd nodes --json | jq -r --arg n "$node" '.[] | select(.name == $n) | .gpus | length')
ids=()
for i in $(seq 2 "$n1"); do
	ids+=("$(submit --gpus 1 --wrap "sleep 300 # $UNIQ")")
done
for id in "${ids[@]}"; do
	wait_state "$id" RUNNING 20
	[ "$(field "$id" .node)" = "$node" ] || continue
	i=$(field "$id" '.gpus[0]')
	u=$(uuid_at "$node" "$i")
	[ "$u" != "$ua" ] || fail "job $id was given index $i, $ua, which job $a still holds"
	assert_eq "job $id's recorded UUID" "$u" "$(field "$id" .gpu_uuids)"
done
herd cancel "${ids[@]}" >/dev/null || fail "herd cancel failed"
wait_jobs 30 "${ids[@]}" >/dev/null 2>&1

# Renumbered behind herdd's back (the free GPU trades places with job
# $a's): the launch check on the node catches it.
n2=$(herd nodes --json | jq -r --arg n "$node" \
    '.[] | select(.name == $n) | [.gpus[] | select(.job == null) | .index] | .[0]')
u2=$(uuid_at "$node" "$n2")
u3=$(uuid_at "$node" "$other")
swap_gpus "$node" "$n2" "$other"
b=$(submit --gpus 1 --wrap "touch '$TEST_DIR/ran'; sleep 300")
wait_state "$b" FAILED 30
reason=$(field "$b" .reason)
grep -qF "$u2" <<<"$reason" && grep -qF "$u3" <<<"$reason" ||
    fail "job $b: expected a reason naming $u2 and $u3, got '$reason'"
[ ! -e "$TEST_DIR/ran" ] || fail "job $b's command ran although its GPU was not the one chosen"
note "launch on a renumbered GPU: $reason"

herd cancel "$a" >/dev/null || fail "herd cancel $a failed"
wait_jobs 30 "$a" >/dev/null 2>&1
assert_idle
