#!/bin/bash
# t_exclusive_testonly: --test-only tells where an --exclusive job would
# start as the scheduler would place it (review of issue 12, item 8).
# The controller counts who runs on each node only while some job in
# memory asks for exclusivity (ctl.c, snapshot_sharing: c->nexcl); a
# --test-only job is not in memory, so with no exclusive job queued the
# pass sees every node empty and answers that an --exclusive job would
# start now on a node that runs another job.  The real submit of the same
# job waits (Resources): --test-only must say it would wait too.

. "$(dirname "$0")/lib.sh"

# Partition one is node1 alone: the 1-GPU job that must run there would
# otherwise go to the smallest box that fits (best fit, node3).
make_config "$HOSTS" "$STATE"
printf '\n[partition all]\nnodes = ALL\ndefault = yes\n\n[partition one]\nnodes = node1\n' >>"$HOSTS"
start_herdd
wait_nodes_up 4 20

tag="73.$UNIQ"
a=$(submit -p one --gpus 1 --wrap "sleep $tag")
wait_state "$a" RUNNING 30
assert_eq "node of job $a" node1 "$(field "$a" .node)"

# node1 is the only node with 5 GPUs; job $a runs there.
out=$(herd submit --test-only --exclusive --gpus 5 --wrap true 2>&1)
case $out in
*"on nodes node1"*) fail "--test-only says an --exclusive job would start on node1 beside job $a: $out" ;;
esac
# The control: the same job, submitted, waits.
x=$(submit --exclusive --gpus 5 --wrap true)
for ((i = 0; i < 100; i++)); do
	[ "$(field "$x" .reason)" = Resources ] && break
	sleep 0.1
done
assert_eq "job $x beside job $a: [state, reason]" '["PENDING","Resources"]' \
    "$(show_json "$x" | jq -c '[.state, .reason]')"
herd cancel "$a" "$x" >/dev/null || fail "herd cancel $a $x failed"
wait_jobs 30 "$a" "$x"
assert_idle
