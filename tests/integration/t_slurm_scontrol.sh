#!/bin/bash
# t_slurm_scontrol: herd under Slurm's name scontrol (a link to herd) on
# the test cluster: show job in Slurm's Key=Value layout (the one-liner
# `scontrol show job ID | grep JobState`, -o), show node, show partition,
# hold and release, requeue, update JobId=N with a key herd updates and
# one it refuses by name (status 1, nothing changed); an unknown keyword
# and an unknown option.

. "$(dirname "$0")/lib.sh"

make_config "$HOSTS" "$STATE"
printf '\n[partition gpu]\nnodes = ALL\ndefault = yes\nmax_time = 2-00:00:00\n' >>"$HOSTS"
printf '\n[partition debug]\nnodes = node1, node2\nmax_time = 30\n' >>"$HOSTS"
start_herdd
wait_nodes_up 4 20
export HERD_CONFIG=$HOSTS	# the links take no -c: they find herdd as herd does
SB=$TEST_DIR/slurm-bin
mkdir -p "$SB"
for n in scontrol sbatch; do
	ln -s "$HERD_BIN/herd" "$SB/$n" || fail "cannot link $SB/$n"
done
SC=$SB/scontrol
cd "$TEST_DIR" || fail "no $TEST_DIR"

# --- show job: Slurm's layout, the keys herd knows; the grep one-liner.
id=$("$SB/sbatch" --parsable --hold -J sc-test -t 10 --gres=gpu:1 --wrap true) || fail "sbatch: exit $?"
out=$("$SC" show job "$id") || fail "scontrol show job $id: exit $?"
assert_eq "first line" "JobId=$id JobName=sc-test" "$(head -1 <<<"$out")"
[[ $(grep JobState <<<"$out") =~ ^"   JobState=PENDING Reason=JobHeld"(User|Admin)" Dependency=(null)"$ ]] ||
    fail "scontrol show job | grep JobState: $(grep JobState <<<"$out")"
for kv in "UserId=$(id -un)($(id -u))" "TimeLimit=00:10:00" "Partition=gpu" "NumCPUs=1" \
    "TresPerNode=gres:gpu:1" "WorkDir=$TEST_DIR" "StartTime=Unknown" "NodeList=(null)"; do
	grep -qF -- "$kv" <<<"$out" || fail "scontrol show job $id has no $kv: $out"
done
grep -qE '^   TRES=cpu=1,mem=[0-9]+M,node=1,gres/gpu=1$' <<<"$out" || fail "no TRES line: $out"
grep -q '^   StdOut=' <<<"$out" || fail "no StdOut: $out"
one=$("$SC" -o show job "$id")
assert_eq "-o: one line" 1 "$(wc -l <<<"$one")"
[[ $one == "JobId=$id JobName=sc-test "*"JobState=PENDING"* ]] || fail "scontrol -o show job: $one"

# --- update: a key herd updates; one it does not, refused by name.
"$SC" update JobId="$id" TimeLimit=20 JobName=renamed || fail "scontrol update: exit $?"
assert_eq "name after update" renamed "$(field "$id" .name)"
assert_eq "limit after update" 1200 "$(field "$id" .time_limit)"
"$SC" update JobId="$id" Priority=10 TimeLimit=30 2>"$TEST_DIR/u.err"; rc=$?
assert_eq "scontrol update Priority=10: status" 1 "$rc"
grep -qxF "Update of this parameter is not supported: Priority=10" "$TEST_DIR/u.err" ||
    fail "scontrol update Priority said: $(cat "$TEST_DIR/u.err")"
assert_eq "limit after a refused update" 1200 "$(field "$id" .time_limit)"
"$SC" update TimeLimit=30 2>"$TEST_DIR/n.err"; rc=$?
assert_eq "scontrol update without JobId: status" 1 "$rc"
grep -qxF "No job identification provided" "$TEST_DIR/n.err" || fail "said: $(cat "$TEST_DIR/n.err")"

# --- release, then it runs and ends; hold of a pending one; requeue.
"$SC" release "$id" || fail "scontrol release $id: exit $?"
wait_state "$id" COMPLETED 30
assert_eq "show job of an ended job" "   JobState=COMPLETED Reason=None Dependency=(null)" \
    "$("$SC" show job "$id" | grep JobState)"
"$SC" show job "$id" | grep -q "^   NodeList=node[0-9]$" || fail "no NodeList of the ended job"
"$SC" requeue "$id" || fail "scontrol requeue $id: exit $?"
st=$(field "$id" .state)
case $st in PENDING|LAUNCHING|RUNNING|COMPLETED) ;; *) fail "after requeue: $st" ;; esac
[ "$(field "$id" .attempt)" -ge 2 ] || fail "scontrol requeue made no new attempt"
h=$("$SB/sbatch" --parsable --begin=now+3600 --wrap true) || fail "sbatch --begin: exit $?"
"$SC" hold "$h" || fail "scontrol hold $h: exit $?"
r=$(field "$h" .reason)	# JobHeldAdmin where the test runs as root
[[ $r == JobHeldUser || $r == JobHeldAdmin ]] || fail "reason after scontrol hold: $r"
"$SC" show job 999999 >/dev/null 2>&1 && fail "scontrol show job 999999 succeeded"

# --- show node and partition.
out=$("$SC" show node node3) || fail "scontrol show node node3: exit $?"
assert_eq "show node's first line" "NodeName=node3" "$(head -1 <<<"$out" | cut -d' ' -f1)"
grep -q "^   State=IDLE" <<<"$out" || fail "show node: no State=IDLE: $out"
grep -q "^   Partitions=gpu$" <<<"$out" || fail "show node: no Partitions=gpu: $out"
"$SC" show node nosuch 2>"$TEST_DIR/nn.err"; rc=$?
assert_eq "show node nosuch: status" 1 "$rc"
grep -qxF "Node nosuch not found" "$TEST_DIR/nn.err" || fail "said: $(cat "$TEST_DIR/nn.err")"
out=$("$SC" -o show partition) || fail "scontrol show partition: exit $?"
assert_eq "show partition -o" "PartitionName=gpu Default=YES MaxTime=2-00:00:00 DefaultTime=NONE Nodes=node[1-4] State=UP TotalCPUs=$(herd nodes --json | jq '[.[].cpus] | add') TotalNodes=4
PartitionName=debug Default=NO MaxTime=30:00 DefaultTime=NONE Nodes=node[1-2] State=UP TotalCPUs=$(herd nodes --json | jq '[.[] | select(.name == "node1" or .name == "node2") | .cpus] | add') TotalNodes=2" "$out"

# --- Unknown keyword, entity and option.
"$SC" frobnicate 2>"$TEST_DIR/k.err"; rc=$?
assert_eq "scontrol frobnicate: status" 1 "$rc"
grep -qxF "invalid keyword: frobnicate" "$TEST_DIR/k.err" || fail "said: $(cat "$TEST_DIR/k.err")"
"$SC" --x show job 2>"$TEST_DIR/x.err"; rc=$?
assert_eq "scontrol --x: status" 1 "$rc"
grep -qxF "scontrol: unrecognized option '--x'" "$TEST_DIR/x.err" || fail "said: $(cat "$TEST_DIR/x.err")"
"$SC" show reservation 2>/dev/null && fail "scontrol show reservation succeeded"

herd cancel "$h" >/dev/null 2>&1
echo "t_slurm_scontrol: ok"
