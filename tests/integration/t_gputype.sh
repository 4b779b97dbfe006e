#!/bin/bash
# t_gputype: GPU types, GPU memory, --constraint, -w and -x place jobs on
# the right nodes of the test cluster (node1 8x H100 80GB, node2 4x A100
# 80GB, node3 2x RTX 3090 24GB, node4 no GPU; features set here), and
# requests no node could meet are refused at submit with what exists.
# Then node3's nvidia-smi capture is rewritten to another model (L40S)
# while herdd runs: the next probe makes its GPUs answer to the new type.

. "$(dirname "$0")/lib.sh"

CSV=$TC_DIR/nodes/node3/gpu/query-gpu.csv
cp "$CSV" "$TEST_DIR/node3.csv"
at_exit 'cp "$TEST_DIR/node3.csv" "$CSV"'

make_config "$HOSTS" "$STATE" probe_interval=1
# features: node1 "ib fast", node2 "ib", node3 "desk"; node2's GPUs keep
# their derived names, node1's get a lab's alias too via gpu_types
sed -i -e '/^\[node node1\]/a features = ib, fast' -e '/^\[node node2\]/a features = ib' \
    -e '/^\[node node3\]/a features = desk' "$HOSTS"
start_herdd
wait_nodes_up 4 20

# where JOB: the node the job ran on (its output is $HERD_NODE).
where() {
	wait_jobs 30 "$1" || fail "job $1 did not complete: $(show_json "$1" | jq -c '[.state,.reason]')"
	cat "$WORK/herd-$1.out"
}
run_on() {	# EXPECTED ARGS...: submit, wait, check the node
	local want=$1 id got
	shift
	id=$(submit "$@" --wrap 'echo "$HERD_NODE"')
	got=$(where "$id")
	assert_eq "node of herd submit $*" "$want" "$got"
}
refused() {	# PATTERN ARGS...: submit fails with PATTERN in its message
	local pat=$1 out
	shift
	if out=$(herd submit --parsable "$@" --wrap true 2>&1); then
		fail "herd submit $* was accepted (job $out); expected a refusal"
	fi
	grep -qE -- "$pat" <<<"$out" || fail "herd submit $*: expected /$pat/ in: $out"
}

run_on node3 --gpus 3090:1
run_on node3 --gpus rtx3090:2
run_on node2 --gres=gpu:a100:1
run_on node2 --gpus-per-node=a100-80gb:4
run_on node1 --gpus h100:1
# #SBATCH directives take the same forms
printf '#!/bin/sh\n#SBATCH --gres=gpu:3090:1\necho "$HERD_NODE"\n' >"$WORK/typed.sh"
id=$(submit "$WORK/typed.sh")
assert_eq "node of a script with #SBATCH --gres=gpu:3090:1" node3 "$(where "$id")"

refused 'type v100.*h100 \(node1\).*a100 \(node2\).*rtx3090 \(node3\)' --gpus v100:1
refused 'the most on one node is 2' --gpus 3090:3
refused 'several types' --gres=gpu:a100:1,gpu:h100:1

# --gpu-mem: node3's 24 GB GPUs never do for 40 GB
for i in 1 2 3; do
	id=$(submit --gpus 2 --gpu-mem 40G --wrap 'echo "$HERD_NODE"')
	n=$(where "$id")
	[ "$n" = node1 ] || [ "$n" = node2 ] || fail "--gpu-mem 40G ran on $n"
done
run_on node3 --gpus 3090:1 --gpu-mem 20G
refused 'at least 102400 MB' --gpus 1 --gpu-mem 100G
refused 'asks for GPUs' --gpu-mem 10G

# --constraint over features
run_on node1 -C 'ib&fast'
run_on node1 --gpus 1 -C '[fast|desk]&ib'
run_on node3 --constraint 'desk|nosuch'
refused 'no node meets --constraint=nosuch' -C nosuch
refused 'expected' -C 'ib&'
refused 'one' -C 'ib*2'

# -w and -x
run_on node2 -w node2
run_on node4 -w 'node[4]'
run_on node4 -x 'node[1-3]'
run_on node3 --gpus 1 -x node1,node2
refused 'no such node' -w node9
refused 'names 2 nodes' -w 'node[1-2]'
refused 'no node that -C/-w/-x allow has 1 GPU' -w node4 --gpus 1

# per-unit memory and CPUs, as Slurm counts them on one node
id=$(submit -c 2 --mem-per-cpu 100M --wrap true)
assert_eq "mem_mb of -c 2 --mem-per-cpu 100M" 200 "$(field "$id" .mem_mb)"
id=$(submit --gpus 2 --mem-per-gpu 300M --cpus-per-gpu 1 --wrap true)
assert_eq "mem_mb of --gpus 2 --mem-per-gpu 300M" 600 "$(field "$id" .mem_mb)"
assert_eq "cpus of --gpus 2 --cpus-per-gpu 1" 2 "$(field "$id" .cpus)"
wait_jobs 30 "$id" >/dev/null

# A job whose only node is drained waits with Slurm's ReqNodeNotAvail.
herd drain node2 --reason "t_gputype" >/dev/null || fail "herd drain node2 failed"
id=$(submit -w node2 --wrap true)
r=
for i in $(seq 1 50); do
	r=$(field "$id" .reason)
	[ "$r" = ReqNodeNotAvail ] && break
	sleep 0.1
done
assert_eq "reason of a job for a drained node" ReqNodeNotAvail "$r"
herd resume node2 >/dev/null || fail "herd resume node2 failed"
assert_eq "node of the -w node2 job once node2 resumed" node2 "$(wait_jobs 30 "$id" >/dev/null; field "$id" .node)"

# node3's GPUs become L40S at the next probe
sed -i 's/NVIDIA GeForce RTX 3090/NVIDIA L40S/' "$CSV"
for i in $(seq 1 100); do
	herd submit --test-only --gpus l40s:1 --wrap true >/dev/null 2>&1 && break
	sleep 0.1
done
run_on node3 --gpus l40s:1
refused 'l40s \(node3\)' --gpus 3090:1
note "types after the swap: $(herd submit --gpus x:1 --wrap true 2>&1 | sed 's/.*there: //')"
