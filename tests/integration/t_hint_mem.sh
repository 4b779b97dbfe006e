#!/bin/bash
# t_hint_mem: the probe's threads per core and load reach herd nodes, and
# --hint=nomultithread and --mem=0 take a per-node figure at placement.
# node4 (no GPU) is made a 2-threads-per-core node by a bind mount over
# cpu0's thread_siblings_list inside its mount namespace (its probe reads
# the real file there); the test cluster's nodes have this machine's CPUs.
#  1. herd nodes --json: node4 threads_per_core 2, others this machine's;
#     a load of three numbers; the table has a LOAD column.
#  2. -c 1 --hint=nomultithread on node4 holds 2 CPUs (one core's threads);
#     a 1-CPU job for node4 waits while it runs (Resources).  A requeue
#     runs it again and it holds 2 again, not 4 (the request returns).
#     More whole cores than node4 has threads is refused at submit.
#  3. --mem=0 holds all of node4's memory: herd show's mem_mb is the
#     node's, a --mem=1M job for node4 waits, and --test-only says so.

. "$(dirname "$0")/lib.sh"

command -v nsenter >/dev/null || { note "skipped: no nsenter"; exit 0; }
NCPU=$(nproc)
[ "$NCPU" -ge 2 ] || { note "skipped: one CPU"; exit 0; }
SIB=/sys/devices/system/cpu/cpu0/topology/thread_siblings_list
[ -r "$SIB" ] || { note "skipped: no $SIB"; exit 0; }
echo "0-1" >"$TEST_DIR/siblings"
NS=$(cat "$TC_DIR/nodes/node4/pid")
nsenter -t "$NS" -m mount --bind "$TEST_DIR/siblings" "$SIB" ||
    fail "cannot bind-mount over $SIB in node4's namespace"
at_exit 'nsenter -t "$NS" -m umount "$SIB"'

setup_herdd probe_interval=1

# ---- 1. herd nodes ----
herd nodes --json >"$TEST_DIR/nodes.json" || fail "herd nodes --json"
assert_eq "node4 threads_per_core" 2 \
    "$(jq '.[] | select(.name == "node4") | .threads_per_core' "$TEST_DIR/nodes.json")"
assert_eq "node1 threads_per_core" "$(awk -F'[,-]' '{ n = NF; print (n > 1 ? ($0 ~ /-/ ? $2 - $1 + 1 : n) : 1) }' "$SIB")" \
    "$(jq '.[] | select(.name == "node1") | .threads_per_core' "$TEST_DIR/nodes.json")"
assert_eq "node4 load" 3 "$(jq '.[] | select(.name == "node4") | .load | length' "$TEST_DIR/nodes.json")"
jq -e '.[] | select(.name == "node4") | .load | all(type == "number" and . >= 0)' \
    "$TEST_DIR/nodes.json" >/dev/null || fail "load: $(jq -c '.[3].load' "$TEST_DIR/nodes.json")"
herd nodes >"$TEST_DIR/nodes.txt" || fail "herd nodes"
head -1 "$TEST_DIR/nodes.txt" | grep -q ' LOAD ' || fail "no LOAD column: $(head -1 "$TEST_DIR/nodes.txt")"
grep -E '^node4 .* [0-9]+\.[0-9][0-9] ' "$TEST_DIR/nodes.txt" >/dev/null ||
    fail "node4's load not shown: $(grep ^node4 "$TEST_DIR/nodes.txt")"
MEM4=$(jq '.[] | select(.name == "node4") | .mem_mb' "$TEST_DIR/nodes.json")

# ---- 2. --hint=nomultithread ----
go=$TEST_DIR/go
a=$(submit -w node4 -c 1 --hint=nomultithread --wrap "while [ ! -e '$go' ]; do sleep 0.1; done")
wait_state "$a" RUNNING 20
assert_eq "nomultithread job's CPUs on node4" 2 "$(field "$a" .cpus)"
b=$(submit -w node4 -c 1 --wrap true)
sleep 3
assert_eq "a 1-CPU job beside it" PENDING "$(field "$b" .state)"
assert_eq "its reason" Resources "$(field "$b" .reason)"
herd requeue "$a" || fail "herd requeue $a"
wait_state "$a" RUNNING 30
assert_eq "attempt" 2 "$(field "$a" .attempt)"
assert_eq "nomultithread job's CPUs after a requeue" 2 "$(field "$a" .cpus)"
touch "$go"
wait_jobs 30 "$a" "$b" || fail "jobs did not end"
assert_eq "the 1-CPU job" COMPLETED "$(field "$b" .state)"
if out=$(herd submit --parsable -w node4 -c "$NCPU" --hint=nomultithread --wrap true 2>&1); then
	fail "$NCPU whole cores on a node of $NCPU threads accepted (job $out)"
fi
grep -q "whole cores" <<<"$out" || fail "refusal: $out"

# ---- 3. --mem=0 ----
rm -f "$go"
c=$(submit -w node4 --mem=0 --wrap "while [ ! -e '$go' ]; do sleep 0.1; done")
wait_state "$c" RUNNING 20
assert_eq "--mem=0 job's memory" "$MEM4" "$(field "$c" .mem_mb)"
herd submit --test-only -w node4 --mem=1M --wrap true >"$TEST_DIR/to.txt" 2>&1
grep -q "would not start now (Resources)" "$TEST_DIR/to.txt" ||
    fail "--test-only beside --mem=0: $(cat "$TEST_DIR/to.txt")"
d=$(submit -w node4 --mem=1M --wrap true)
sleep 3
assert_eq "a memory job beside --mem=0" PENDING "$(field "$d" .state)"
touch "$go"
wait_jobs 30 "$c" "$d" || fail "jobs did not end"
assert_eq "the memory job" COMPLETED "$(field "$d" .state)"
