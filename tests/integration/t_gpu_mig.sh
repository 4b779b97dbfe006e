#!/bin/bash
# t_gpu_mig: a GPU in MIG mode is its MIG devices.  node3's first GPU is
# put in MIG mode (its fake nvidia-smi -L lists two MIG devices under it, a
# capture of our own in the format of the real ones); at the next probe
# herd nodes lists them as GPUs of their own with their profiles, and a job
# given one sees its MIG UUID in CUDA_VISIBLE_DEVICES, passes the launch
# check against -L and completes.

. "$(dirname "$0")/lib.sh"

LIST=$TC_DIR/nodes/node3/gpu/list.txt
CSV=$TC_DIR/nodes/node3/gpu/query-gpu.csv
at_exit 'rm -f "$LIST"'
setup_herdd probe_interval=1

g0=$(awk -F', ' 'NR > 1 && $1 == 0 { print $2 }' "$CSV")
g1=$(awk -F', ' 'NR > 1 && $1 == 1 { print $2 }' "$CSV")
name=$(awk -F', ' 'NR > 1 && $1 == 0 { print $3 }' "$CSV")
m0=MIG-$UNIQ-0a0a-5000-8000-00000000000a
m1=MIG-$UNIQ-0b0b-5000-8000-00000000000b
cat >"$LIST" <<EOT
GPU 0: $name (UUID: $g0)
  MIG 1g.5gb      Device  0: (UUID: $m0)
  MIG 2g.10gb     Device  1: (UUID: $m1)
GPU 1: $name (UUID: $g1)
EOT

gpus_of() {
	herd nodes --json | jq -c '.[] | select(.name == "node3") | [.gpus[] | .uuid]'
}
want="[\"$m0\",\"$m1\",\"$g1\"]"
for i in $(seq 1 100); do
	[ "$(gpus_of)" = "$want" ] && break
	sleep 0.1
done
assert_eq "node3's GPUs with GPU 0 in MIG mode" "$want" "$(gpus_of)"

# Every GPU of node1 and node2 is taken first, so the test job has node3.
big=()
for n in 8 4; do
	big+=("$(submit --gpus "$n" --wrap "sleep 300 # $UNIQ")")
done
for id in "${big[@]}"; do
	wait_state "$id" RUNNING 20
done
id=$(submit --gpus 1 --wrap 'echo "$CUDA_VISIBLE_DEVICES $HERD_GPU_UUIDS"')
wait_jobs 30 "$id" >/dev/null 2>&1
assert_eq "the MIG job's node" node3 "$(field "$id" .node)"
st=$(field "$id" '"\(.state) \(.reason // "")"')
assert_eq "the MIG job's end" "COMPLETED " "$st"
u=$(field "$id" .gpu_uuids)
case $u in
"$m0"|"$m1"|"$g1") ;;
*) fail "job $id: GPU $u is not one of node3's" ;;
esac
assert_eq "what the job saw" "$u $u" "$(cat "$WORK/herd-$id.out")"
note "MIG job $id ran on $u"

# A MIG device is a GPU of its profile's type: --gpus 2g.10gb:1 gets it.
id=$(submit --gpus 2g.10gb:1 --wrap 'echo "$CUDA_VISIBLE_DEVICES"')
wait_jobs 30 "$id" >/dev/null 2>&1
assert_eq "the 2g.10gb job's GPU" "$m1" "$(field "$id" .gpu_uuids)"
assert_eq "what the 2g.10gb job saw" "$m1" "$(cat "$WORK/herd-$id.out")"
out=$(herd submit --gpus 7g.80gb:1 --wrap true 2>&1) && fail "a MIG profile no node has was taken: $out"
case $out in
*2g.10gb*) ;;
*) fail "the refusal of 7g.80gb does not name the profiles there: $out" ;;
esac

herd cancel "${big[@]}" >/dev/null || fail "herd cancel failed"
wait_jobs 30 "${big[@]}" >/dev/null 2>&1
assert_idle
