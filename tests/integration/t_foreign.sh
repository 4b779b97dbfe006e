#!/bin/bash
# t_foreign: a GPU someone uses outside herd is not handed out.  A real
# process of another real local user, listed by node1's fake nvidia-smi on
# GPU 3, makes that GPU unavailable: herd nodes names its owner, process and
# memory, and an 8-GPU job (only node1 has 8) waits with the reason
# GpusInUseOutsideHerd, herd show naming the GPU and the user.  Once the
# process ends and nvidia-smi stops listing it, the GPU is free at the next
# probe and the job starts.  Then the other way round: a running herd job's
# own process, listed on its GPU, does not make that GPU foreign.
# probe_interval is 1 s here.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lablib.sh"

APPS1=$TC_DIR/nodes/node1/gpu/compute-apps.csv
HEADER=$(head -n 1 "$APPS1")
at_exit "for n in 1 2 3; do printf '%s\n' '$HEADER' >'$TC_DIR'/nodes/node\$n/gpu/compute-apps.csv; done"
setup_herdd probe_interval=1

# gpu_json NODE INDEX: that GPU of herd nodes --json.
gpu_json() {
	herd nodes --json | jq -c --arg n "$1" --argjson i "$2" \
	    '.[] | select(.name == $n) | .gpus[] | select(.index == $i)'
}

# The other user's process: setpriv execs, so $! is the process itself.
U=hf${UNIQ:0:10}
mkuser "$U"
setpriv --reuid="$U" --regid="$(id -g "$U")" --clear-groups -- sleep 100000 &
FPID=$!
at_exit "kill $FPID 2>/dev/null"
UUID=$(gpu_json node1 3 | jq -r .uuid)
[ -n "$UUID" ] && [ "$UUID" != null ] || fail "node1 has no GPU 3 in herd nodes"
printf '%s, %s, python3, 2048 MiB\n' "$UUID" "$FPID" >>"$APPS1"

g=
for i in $(seq 1 100); do
	g=$(gpu_json node1 3)
	[ "$(jq -r .in_use_outside_herd <<<"$g")" = true ] && break
	sleep 0.1
done
assert_eq "node1 GPU 3 in use outside herd, 10 s after its process was listed" true \
    "$(jq -r .in_use_outside_herd <<<"$g")"
assert_eq "the owner herd nodes names" "$U" "$(jq -r '.outside_processes[0].user' <<<"$g")"
assert_eq "the pid herd nodes names" "$FPID" "$(jq -r '.outside_processes[0].pid' <<<"$g")"
assert_eq "its memory" 2048 "$(jq -r '.outside_processes[0].mem_mb' <<<"$g")"
[ "$(jq -r '.outside_processes[0].since' <<<"$g")" != null ] || fail "no since in $g"
[ "$(jq -r .temperature <<<"$g")" != null ] || fail "no temperature in $g"
herd nodes | grep -F "outside herd: $U python3 (pid $FPID, 2048 MiB" >/dev/null ||
    fail "herd nodes does not name $U's process: $(herd nodes)"
note "node1 GPU 3: $g"

id=$(submit --gpus 8 --wrap 'echo "$HERD_NODE $CUDA_VISIBLE_DEVICES"')
r=
for i in $(seq 1 100); do
	r=$(field "$id" .reason)
	[ "$r" = GpusInUseOutsideHerd ] && break
	sleep 0.1
done
assert_eq "the 8-GPU job's reason" GpusInUseOutsideHerd "$r"
assert_eq "the 8-GPU job's state" PENDING "$(field "$id" .state)"
why=$(herd show "$id" | sed -n 's/^ *why *//p')
grep -qF "node1 GPU 3 ($U, pid $FPID)" <<<"$why" ||
    fail "herd show's sentence does not name node1 GPU 3 and $U: '$why'"
note "herd show: $why"

# The process ends and nvidia-smi no longer lists it: the next probe frees it.
kill "$FPID"
printf '%s\n' "$HEADER" >"$APPS1"
wait_jobs 30 "$id" || fail "job $id did not run once node1 GPU 3 was free: $(field "$id" .reason)"
assert_eq "where the 8-GPU job ran" "node1 0,1,2,3,4,5,6,7" "$(cat "$WORK/herd-$id.out")"
assert_eq "node1 GPU 3 after its process ended" false \
    "$(gpu_json node1 3 | jq -r .in_use_outside_herd)"

# A herd job's own process (a child of its script, in its session) listed
# on its GPU: that GPU stays the job's, not foreign.
id2=$(submit --gpus 1 --wrap 'sleep 300 & echo "$!" >"pid.$HERD_JOB_ID"; echo "$HERD_NODE $CUDA_VISIBLE_DEVICES"; wait')
wait_state "$id2" RUNNING 20
wait_file "$WORK/pid.$id2" 20
read -r node gpu <"$WORK/herd-$id2.out"
cpid=$(cat "$WORK/pid.$id2")
juuid=$(gpu_json "$node" "$gpu" | jq -r .uuid)
printf '%s, %s, python3, 4096 MiB\n' "$juuid" "$cpid" >>"$TC_DIR/nodes/$node/gpu/compute-apps.csv"
sleep 4	# several probes (probe_interval 1 s): a wrong verdict would show by now
g=$(gpu_json "$node" "$gpu")
assert_eq "$node GPU $gpu, with job $id2's own process listed" false \
    "$(jq -r .in_use_outside_herd <<<"$g")"
assert_eq "outside processes on $node GPU $gpu" 0 "$(jq '.outside_processes | length' <<<"$g")"
assert_eq "the job herd nodes shows on $node GPU $gpu" "$id2" "$(jq -r .job <<<"$g")"
assert_eq "its user" "$(id -un)" "$(jq -r .user <<<"$g")"
note "$node GPU $gpu with job $id2's process listed: $g"
herd cancel "$id2" >/dev/null || fail "herd cancel $id2 failed"
wait_jobs 30 "$id2" >/dev/null 2>&1
printf '%s\n' "$HEADER" >"$TC_DIR/nodes/$node/gpu/compute-apps.csv"
assert_idle
