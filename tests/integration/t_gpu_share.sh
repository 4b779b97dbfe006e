#!/bin/bash
# t_gpu_share: sharing a GPU by memory.  node3 (2x RTX 3090) sets
# gpu_share = yes and gpu_share_enforce = kill; no other node shares.
# --gpu-share is refused where it cannot mean anything (no node of the job
# shares, more than one GPU, no --gpu-mem).  A whole-GPU job takes node3's
# GPU 0; two sharing jobs, each declaring a third of GPU 1's free memory
# plus 1 MiB, land together on GPU 1; a third (from an #SBATCH directive)
# would over-commit it and waits (Resources), and a whole-GPU job for
# node3 waits too (GPU 1 is shared); herd nodes shows the split in text
# and --json.  (node3's nproc says 8 CPUs here.)  Then one sharer's real process is listed by node3's fake
# nvidia-smi with more memory than it declared: it ends GpuMemExceeded,
# the other sharer runs on, and the waiting sharer takes its place.
# probe_interval is 1 s here.

. "$(dirname "$0")/lib.sh"

APPS=$TC_DIR/nodes/node3/gpu/compute-apps.csv
HEADER=$(head -n 1 "$APPS")
at_exit "printf '%s\n' '$HEADER' >'$APPS'"

# The test machine has 2 CPUs, and every job takes one: node3 says 8 (as
# t_doctor plants a date there), so CPUs never decide who waits here.
B3=$TC_DIR/nodes/node3/bin
printf '#!/bin/sh\necho 8\n' >"$B3/nproc"
chmod 755 "$B3/nproc"
at_exit "rm -f '$B3/nproc'"

make_config "$HOSTS" "$STATE" probe_interval=1
sed -i -e '/^\[node node3\]/a gpu_share = yes\ngpu_share_enforce = kill' "$HOSTS"
start_herdd
wait_nodes_up 4 20

refused() {	# PATTERN ARGS...: submit fails with PATTERN in its message
	local pat=$1 out
	shift
	if out=$(herd submit --parsable "$@" --wrap true 2>&1); then
		fail "herd submit $* was accepted (job $out); expected a refusal"
	fi
	grep -qE -- "$pat" <<<"$out" || fail "herd submit $*: expected /$pat/ in: $out"
}
refused 'no node this job may use shares GPUs' --gpus 1 --gpu-mem 1G --gpu-share -w node1
refused 'shares one GPU: give --gpus 1' --gpus 2 --gpu-mem 1G --gpu-share
refused 'needs --gpu-mem' --gpus 1 --gpu-share

# gpu_json INDEX: node3's GPU of herd nodes --json.
gpu_json() {
	herd nodes --json | jq -c --argjson i "$1" \
	    '.[] | select(.name == "node3") | .gpus[] | select(.index == $i)'
}
total=$(gpu_json 1 | jq -r .mem_total_mb)
used=$(gpu_json 1 | jq -r .mem_used_mb)
D=$(((total - used) / 3 + 1))	# two fit, three do not
note "node3 GPU 1: $total MiB, $used MiB in use; each sharer declares $D MiB"

whole=$(submit --gpus 1 -w node3 --wrap 'echo "$CUDA_VISIBLE_DEVICES"; sleep 300')
wait_state "$whole" RUNNING 20
wait_file "$WORK/herd-$whole.out" 20
assert_eq "the whole-GPU job's GPU" 0 "$(cat "$WORK/herd-$whole.out")"

SHARER='sleep 300 & echo "$!" >"pid.$HERD_JOB_ID"; echo "$HERD_NODE $CUDA_VISIBLE_DEVICES"; wait'
a=$(submit --gpus 1 --gpu-mem "${D}M" --gpu-share --wrap "$SHARER")
b=$(submit --gpus 1 --gpu-mem "${D}M" --gpu-share --wrap "$SHARER")
for id in "$a" "$b"; do
	wait_state "$id" RUNNING 20
	wait_file "$WORK/pid.$id" 20
	assert_eq "where sharing job $id runs" "node3 1" "$(cat "$WORK/herd-$id.out")"
done
assert_eq "job $a's gpu_share" 1 "$(field "$a" .gpu_share)"

# The third sharer, asked for by #SBATCH lines, would over-commit GPU 1.
printf '#!/bin/sh\n#SBATCH --gpus 1\n#SBATCH --gpu-mem %sM\n#SBATCH --gpu-share\n%s\n' \
    "$D" "$SHARER" >"$WORK/third.sh"
c=$(submit "$WORK/third.sh")
for i in $(seq 1 100); do
	[ "$(field "$c" .reason)" = Resources ] && break
	sleep 0.1
done
assert_eq "the third sharer's state" PENDING "$(field "$c" .state)"
assert_eq "the third sharer's reason" Resources "$(field "$c" .reason)"
other=$(submit --gpus 1 -w node3 --wrap true)
sleep 3	# several passes (probe_interval 1 s): a wrong placement would show by now
assert_eq "a whole-GPU job for node3 while GPU 1 is shared" PENDING "$(field "$other" .state)"
assert_eq "the third sharer, still" PENDING "$(field "$c" .state)"

# herd nodes: the split, in --json and in text.
g=$(gpu_json 1)
assert_eq "GPU 1's sharers (--json)" "$a $D,$b $D" \
    "$(jq -r '[.shared_by[] | "\(.job) \(.declared_mb)"] | join(",")' <<<"$g")"
assert_eq "GPU 1's sharers' user" "$(id -un)" "$(jq -r '.shared_by[0].user' <<<"$g")"
text=$(herd nodes)
for id in "$a" "$b"; do
	grep -qF "shared: job $id ($(id -un)) $D MiB declared" <<<"$text" ||
	    fail "herd nodes does not show job $id's share: $text"
done
note "node3 GPU 1: $g"

# Job a's process uses more than it declared: gpu_share_enforce = kill.
uuid=$(jq -r .uuid <<<"$g")
printf '%s, %s, python3, %s MiB\n' "$uuid" "$(cat "$WORK/pid.$a")" "$((D + 1000))" >>"$APPS"
printf '%s, %s, python3, %s MiB\n' "$uuid" "$(cat "$WORK/pid.$b")" "$((D - 1000))" >>"$APPS"
wait_jobs 30 "$a" >/dev/null 2>&1
assert_eq "the sharer over its declaration" CANCELLED "$(field "$a" .state)"
r=$(field "$a" .reason)
grep -qE "^GpuMemExceeded: uses $((D + 1000)) MiB of GPU memory, declared $D MiB" <<<"$r" ||
    fail "job $a's reason: $r"
note "job $a: $r"
# (its process is gone: listed still, it would read as foreign use)
{ printf '%s\n' "$HEADER"; grep -F ", $(cat "$WORK/pid.$b")," "$APPS"; } >"$APPS.new"
mv "$APPS.new" "$APPS"
assert_eq "the sharer within its declaration" RUNNING "$(field "$b" .state)"
grep -q "job $a on node3: GpuMemExceeded" "$HERDD_LOG" || fail "herdd's log does not report job $a"
wait_state "$c" RUNNING 20
wait_file "$WORK/pid.$c" 20
assert_eq "where the third sharer runs once job $a ended" "node3 1" "$(cat "$WORK/herd-$c.out")"

printf '%s\n' "$HEADER" >"$APPS"
herd cancel "$b" "$c" "$whole" "$other" >/dev/null || fail "herd cancel failed"
wait_jobs 30 "$b" "$c" "$whole" "$other" >/dev/null 2>&1
assert_idle
