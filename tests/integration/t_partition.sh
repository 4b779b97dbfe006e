#!/bin/bash
# t_partition: [partition] and [qos] sections, and EASY backfill.
# Partition big is node1 alone (8 GPUs, max_time 10 min); rest, the default,
# is the other nodes with default_time 5 min.  A job over big's max_time is
# refused naming the limit (also as #SBATCH); unknown partitions and QoS are
# refused naming those that exist; a job without -p goes to rest's nodes
# with rest's default time, stored and shown (partition, qos, time_limit),
# herd nodes lists each node's partitions, herd queue a PARTITION column and
# -p filters it.  Then the issue's example on node1: a 4-GPU job runs, an
# 8-GPU job waits for it (Resources), and a 2-GPU job of a few seconds
# submitted next starts at once (backfill; FCFS would hold it); a 2-GPU job
# longer than the running job's limit waits (it would delay the 8-GPU job's
# reservation), though a later short one starts; once the 4-GPU job ends,
# the 8-GPU job starts before it.  herd reconfigure applies a new max_time.

. "$(dirname "$0")/lib.sh"

make_config "$HOSTS" "$STATE"
cat >>"$HOSTS" <<'INI'

[partition big]
nodes = node1
max_time = 10:00

[partition rest]
nodes = node2, node3 node4
default = yes
default_time = 5:00

[qos high]
priority = 10
max_time = 1:00:00
INI
start_herdd
wait_nodes_up 4 20

assert_eq "herd nodes: partitions of node1, node2" '[["big"],["rest"]]' \
    "$(herd nodes --json | jq -c '[.[] | select(.name == "node1" or .name == "node2") | .partitions]')"
herd nodes | grep -qE '^node1 +big +IDLE' || fail "herd nodes: no 'node1 big IDLE' line: $(herd nodes)"

# Refused at submit: over max_time (the limit named), unknown names.
out=$(herd submit -p big --time 11:00 --wrap true 2>&1) && fail "-p big --time 11:00 was queued: $out"
grep -qF "over partition big's max_time 10:00 (PartitionTimeLimit)" <<<"$out" ||
    fail "-p big --time 11:00: $out"
printf '#!/bin/sh\n#SBATCH --partition=big\n#SBATCH -t 1-0\ntrue\n' >"$WORK/long.sh"
out=$(herd submit "$WORK/long.sh" 2>&1) && fail "#SBATCH -t 1-0 in big was queued: $out"
grep -qF "PartitionTimeLimit" <<<"$out" || fail "#SBATCH -t 1-0 in big: $out"
out=$(herd submit -p nope --wrap true 2>&1) && fail "-p nope was queued: $out"
grep -qF "invalid partition specified: nope (partitions: big, rest)" <<<"$out" || fail "-p nope: $out"
out=$(herd submit --qos low --wrap true 2>&1) && fail "--qos low was queued: $out"
grep -qF "invalid qos specified: low (QoS: high)" <<<"$out" || fail "--qos low: $out"
out=$(herd submit --qos high --time 2:00:00 --wrap true 2>&1) && fail "--qos high over its max_time: $out"
grep -qF "over QoS high's max_time 1:00:00" <<<"$out" || fail "--qos high --time 2:00:00: $out"

# The default partition, its default time; -p keeps a job to its nodes.
r=$(submit --wrap true)
wait_jobs 30 "$r" || fail "job $r did not complete"
assert_eq "job $r: [partition, qos, time_limit]" '["rest",null,300]' \
    "$(show_json "$r" | jq -c '[.partition, .qos, .time_limit]')"
node=$(field "$r" .node)
[ "$node" != node1 ] || fail "job $r of partition rest ran on node1"
herd show "$r" | grep -qE '^partition +rest$' || fail "herd show $r: no partition line: $(herd show "$r")"
q=$(submit -p big,rest --qos high --time 1:00 --wrap true)
wait_jobs 30 "$q" || fail "job $q did not complete"
# A CPU-only job: of big's and rest's nodes, the one without GPUs (node4).
assert_eq "job $q: [partition, qos, time_limit, node]" '["big,rest","high",60,"node4"]' \
    "$(show_json "$q" | jq -c '[.partition, .qos, .time_limit, .node]')"

# The issue's example, in partition big (node1 alone).
tag="83.$UNIQ"
a=$(submit -p big --gpus 4 --time 3:00 --wrap "sleep 1$tag")
wait_state "$a" RUNNING 30
b=$(submit -p big --gpus 8 --time 2:00 --wrap "sleep 2$tag")
for ((i = 0; i < 100; i++)); do
	[ "$(field "$b" .reason)" = Resources ] && break
	sleep 0.1
done
assert_eq "job $b (8 GPUs behind job $a): [state, reason]" '["PENDING","Resources"]' \
    "$(show_json "$b" | jq -c '[.state, .reason]')"
c=$(submit -p big --gpus 2 --time 0:30 --wrap 'sleep 2')
wait_state "$c" RUNNING 30	# FCFS: PENDING (Priority) behind job $b until job $a ends
assert_eq "job $c: node" node1 "$(field "$c" .node)"
wait_jobs 30 "$c" || fail "job $c did not complete"
# Longer than job $a's limit: starting it now would delay job $b's start.
d=$(submit -p big --gpus 2 --time 5:00 --wrap "sleep 3$tag")
e=$(submit -p big --gpus 2 --time 0:30 --wrap 'sleep 2')
wait_state "$e" RUNNING 30	# a pass after job $d's submit looked at both
assert_eq "job $d (would delay job $b): [state, reason]" '["PENDING","Priority"]' \
    "$(show_json "$d" | jq -c '[.state, .reason]')"
herd queue | grep -qE "^$b +big +" || fail "herd queue: no '$b big' line: $(herd queue)"
assert_eq "herd queue -p rest: jobs" "" "$(herd queue -p rest -h)"
assert_eq "herd queue -p big,x: ids" "$a $b $d $e" \
    "$(herd queue -p big,x --json | jq -r '[.[].id] | sort | map(tostring) | join(" ")')"
wait_jobs 30 "$e" || fail "job $e did not complete"
herd cancel "$a" >/dev/null || fail "herd cancel $a failed"
wait_state "$b" RUNNING 30
assert_eq "job $d once job $b started: state" PENDING "$(field "$d" .state)"
herd cancel "$b" "$d" >/dev/null || fail "herd cancel $b $d failed"
wait_jobs 30 "$a" "$b" "$d"

# herd reconfigure applies a new max_time to submits at once.
sed -i 's/^max_time = 10:00$/max_time = 20:00/' "$HOSTS"
out=$(herd reconfigure 2>&1) || fail "herd reconfigure failed: $out"
grep -qF "[partition] and [qos] sections: apply now" <<<"$out" || fail "herd reconfigure: $out"
herd submit -p big --time 11:00 --test-only --wrap true >/dev/null 2>&1 ||
    fail "-p big --time 11:00 refused after max_time became 20:00: $(herd submit -p big --time 11:00 --test-only --wrap true 2>&1)"
