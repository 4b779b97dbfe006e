#!/bin/bash
# t_exclusive: --exclusive gives a job a whole node and no neighbours.
# An exclusive job that needs node1 (the only node with 5 GPUs) waits while
# another job runs there, though node1 has 7 GPUs and a CPU free (reason
# Resources); once node1 is empty it starts with all 8 GPUs and both CPUs
# (herd show, herd queue, herd nodes and its environment say so), and a
# later CPU-only job, which would start on node1, starts on another node.
# --exclusive=user lets the same user's jobs beside it.  --oversubscribe is
# accepted with no effect and herd show says so; --exclusive=mcs is refused.

. "$(dirname "$0")/lib.sh"

# Partition one is node1 alone: the 1-GPU job that must run there would
# otherwise go to the smallest box that fits (best fit, node3).
make_config "$HOSTS" "$STATE"
printf '\n[partition all]\nnodes = ALL\ndefault = yes\n\n[partition one]\nnodes = node1\n' >>"$HOSTS"
start_herdd
wait_nodes_up 4 20

tag="71.$UNIQ"
a=$(submit -p one --gpus 1 --wrap "sleep $tag")
wait_state "$a" RUNNING 30
assert_eq "node of job $a" node1 "$(field "$a" .node)"

# Waits beside job $a, though the GPUs and a CPU it asked for are free.
x=$(submit --exclusive --gpus 5 -o "$WORK/x.out" \
    --wrap 'echo "gpus=$CUDA_VISIBLE_DEVICES cpus=$SLURM_CPUS_ON_NODE per_task=$SLURM_CPUS_PER_TASK ngpus=$SLURM_GPUS_ON_NODE"; sleep '"7$tag")
for ((i = 0; i < 200; i++)); do
	[ "$(field "$x" .reason)" = Resources ] && break
	sleep 0.1
done
assert_eq "job $x beside job $a: [state, reason]" '["PENDING","Resources"]' \
    "$(show_json "$x" | jq -c '[.state, .reason]')"
assert_eq "job $x: exclusive in --json" 1 "$(field "$x" .exclusive)"
herd show "$x" | grep -qx 'exclusive    yes (the whole node)' ||
    fail "herd show $x: no line 'exclusive    yes (the whole node)': $(herd show "$x")"

# node1 empties: the exclusive job gets all of it.
herd cancel "$a" >/dev/null || fail "herd cancel $a failed"
wait_state "$x" RUNNING 30
assert_eq "job $x: [node, ngpus, gpus, cpus]" '["node1",8,[0,1,2,3,4,5,6,7],2]' \
    "$(show_json "$x" | jq -c '[.node, .ngpus, .gpus, .cpus]')"
mem=$(herd nodes --json | jq '.[] | select(.name == "node1") | .mem_mb')
assert_eq "job $x: memory (node1's)" "$mem" "$(field "$x" .mem_mb)"
assert_eq "herd nodes: node1 [cpus_used, mem_used_mb]" "[2,$mem]" \
    "$(herd nodes --json | jq -c '.[] | select(.name == "node1") | [.cpus_used, .mem_used_mb]')"
assert_eq "herd queue: GPUs of job $x" 8 \
    "$(herd queue --json | jq --argjson x "$x" '.[] | select(.id == $x) | .ngpus')"
wait_file "$WORK/x.out" 20
for ((i = 0; i < 100; i++)); do
	[ -s "$WORK/x.out" ] && break
	sleep 0.1
done
assert_file_is "$WORK/x.out" $'gpus=0,1,2,3,4,5,6,7 cpus=2 per_task=1 ngpus=8\n'

# A later job of node1's partition that fits its free CPU (by what the
# exclusive job asked) does not start there; once the exclusive job is
# gone it does.
s=$(submit -p one --gpus 0 -c 1 --wrap true)
for ((i = 0; i < 100; i++)); do
	[ "$(field "$s" .reason)" = Resources ] && break
	sleep 0.1
done
assert_eq "job $s beside exclusive job $x: [state, reason]" '["PENDING","Resources"]' \
    "$(show_json "$s" | jq -c '[.state, .reason]')"
herd cancel "$x" >/dev/null || fail "herd cancel $x failed"
wait_jobs 30 "$x"
wait_jobs 30 "$s" || fail "job $s did not complete"
assert_eq "node of job $s" node1 "$(field "$s" .node)"

# --exclusive=user: the user's own jobs share the node.
u=$(submit --exclusive=user --gpus 5 --wrap "sleep $tag")
wait_state "$u" RUNNING 30
assert_eq "job $u: [node, ngpus, cpus, exclusive]" '["node1",5,1,2]' \
    "$(show_json "$u" | jq -c '[.node, .ngpus, .cpus, .exclusive]')"
o=$(submit -p one --gpus 0 -c 1 --wrap "sleep $tag")
wait_state "$o" RUNNING 30
assert_eq "node of job $o (the same user's)" node1 "$(field "$o" .node)"
herd cancel "$u" "$o" >/dev/null || fail "herd cancel $u $o failed"
wait_jobs 30 "$u" "$o"

# --oversubscribe (-s, --share): no effect, and herd show says so.
vs=()
for spell in --oversubscribe -s --share; do
	v=$(submit "$spell" --wrap true)
	vs+=("$v")
	assert_eq "job $v ($spell): [oversubscribe, exclusive]" '[1,0]' \
	    "$(show_json "$v" | jq -c '[.oversubscribe, .exclusive]')"
	herd show "$v" | grep -qx "oversubscribe NO (asked; herd's nodes do not oversubscribe)" ||
	    fail "herd show $v ($spell): $(herd show "$v")"
done
wait_jobs 30 "${vs[@]}" || fail "jobs ${vs[*]} did not complete"
herd show "$s" | grep -qx "oversubscribe NO" || fail "herd show $s: $(herd show "$s")"

# --exclusive=mcs is refused, on the command line and in a script.
before=$(herd queue --json)
out=$(herd submit --exclusive=mcs --wrap true 2>&1)
assert_eq "exit status of --exclusive=mcs (output: $out)" 2 "$?"
grep -qF -- "--exclusive=mcs: MCS labels are not supported yet" <<<"$out" ||
    fail "--exclusive=mcs: $out"
printf '#!/bin/sh\n#SBATCH --exclusive=mcs\ntrue\n' >"$TEST_DIR/mcs.sh"
out=$(herd submit "$TEST_DIR/mcs.sh" 2>&1)
assert_eq "exit status of #SBATCH --exclusive=mcs (output: $out)" 2 "$?"
grep -qF -- "mcs.sh:2: --exclusive=mcs: MCS labels" <<<"$out" || fail "#SBATCH --exclusive=mcs: $out"
assert_eq "the queue after refusing --exclusive=mcs" "$before" "$(herd queue --json)"

assert_idle
