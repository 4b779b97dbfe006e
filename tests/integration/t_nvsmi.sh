#!/bin/bash
# t_nvsmi: a GPU node whose nvidia-smi starts failing shows the error as its
# reason in herd nodes at the next probe, and no new GPU job lands there;
# once nvidia-smi works again the reason is cleared.  probe_interval is
# lowered to 1 s in this test's config.

. "$(dirname "$0")/lib.sh"

ERR=$TC_DIR/nodes/node3/gpu/error
at_exit 'rm -f "$ERR"'
setup_herdd probe_interval=1

# reason_of NODE: the node's reason ("" when none).
reason_of() {
	herd nodes --json | jq -r --arg n "$1" '.[] | select(.name == $n) | .reason // ""'
}

assert_eq "node3's reason before the error" "" "$(reason_of node3)"
msg="Unable to determine the device handle for GPU0000:41:00.0: Unknown Error $UNIQ"
printf '%s\n' "$msg" >"$ERR"
r=
for i in $(seq 1 100); do
	r=$(reason_of node3)
	[ -n "$r" ] && break
	sleep 0.1
done
grep -qF "Unknown Error $UNIQ" <<<"$r" ||
    fail "node3's reason 10 s after nvidia-smi started failing: expected the error text, got '$r'"
note "node3 with a failing nvidia-smi: $(herd nodes --json | jq -c '.[] | select(.name == "node3") | {state, reason}')"

# 2-GPU jobs may now go to node1 or node2, never to the broken node3.  Six
# at once: with 2 CPUs a node, node1 and node2 take four, and first fit
# would put the next two on node3 were it still counted.
ids=()
for i in 1 2 3 4 5 6; do
	ids+=("$(submit --gpus 2 --wrap 'echo "$HERD_NODE"; sleep 1')")
done
wait_jobs 30 "${ids[@]}" || fail "2-GPU jobs did not complete while node3's nvidia-smi failed"
for id in "${ids[@]}"; do
	n=$(cat "$WORK/herd-$id.out")
	[ "$n" != node3 ] || fail "job $id ran on node3 while its nvidia-smi failed"
done

rm -f "$ERR"
for i in $(seq 1 100); do
	r=$(reason_of node3)
	[ -z "$r" ] && break
	sleep 0.1
done
assert_eq "node3's reason 10 s after nvidia-smi recovered" "" "$r"
assert_eq "node3's state after recovery" IDLE "$(herd nodes --json | jq -r '.[] | select(.name == "node3") | .state')"
assert_eq "node3's GPUs after recovery" 2 "$(herd nodes --json | jq '.[] | select(.name == "node3") | .gpus | length')"

# A hung nvidia-smi (the fake one sleeps for ever): the probe must give up
# (the node shows a reason), and no hung process may pile up.
HANG=$TC_DIR/nodes/node3/gpu/hang
at_exit 'rm -f "$HANG"'
touch "$HANG"
t0=$EPOCHREALTIME
r=
for i in $(seq 1 300); do
	r=$(reason_of node3)
	[ -n "$r" ] && break
	sleep 0.1
done
[ -n "$r" ] || fail "node3 shows no reason 30 s after its nvidia-smi started hanging"
note "node3 with a hung nvidia-smi, after $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s: $(herd nodes --json | jq -c '.[] | select(.name == "node3") | {state, reason}')"
rm -f "$HANG"
for i in $(seq 1 300); do
	r=$(reason_of node3)
	[ -z "$r" ] && break
	sleep 0.1
done
assert_eq "node3's reason after its nvidia-smi stopped hanging" "" "$r"
hung=$(grep -lsF "HERD_FAKE_GPU_DIR=$TC_DIR/nodes/node3/gpu" /proc/[0-9]*/environ | cut -d/ -f3 |
    while read -r p; do grep -qa 1000000 "/proc/$p/cmdline" 2>/dev/null && echo "$p"; done)
[ -z "$hung" ] || fail "hung nvidia-smi processes left on node3: $(for p in $hung; do tr '\0' ' ' <"/proc/$p/cmdline"; echo; done)"
assert_idle
