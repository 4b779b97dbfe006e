#!/bin/bash
# t_reboot: a node whose boot id changed has lost its running jobs: a
# --no-requeue one ends NODE_FAIL ("node rebooted") and the node's resources
# are free again (a requeueable one runs again: t_requeue.sh).  The
# test cluster bind-mounts a file of its own over each node's boot id, so a
# "reboot" is a new id written there (the job's processes are really still
# there, and the test removes them itself).

. "$(dirname "$0")/lib.sh"

setup_herdd probe_interval=1
bootf=$TC_DIR/nodes/node1/boot_id
[ -f "$bootf" ] || fail "the test cluster has no $bootf"
saved=$(cat "$bootf")
tag="63.$UNIQ"
at_exit "echo '$saved' >'$bootf'; pkill -f -- 'sleep $tag' || true"

id=$(submit --no-requeue --gpus 8 --wrap "sleep $tag")
wait_state "$id" RUNNING 20
assert_eq "node of the 8-GPU job" node1 "$(field "$id" .node)"
sleep 2	# at least one probe has recorded the old boot id
printf '%s\n' "00000000-0000-4000-8000-$(printf '%012d' "$UNIQ" | tail -c 12)" >"$bootf"
wait_state "$id" NODE_FAIL 15
assert_eq "reason of the lost job" "node rebooted" "$(field "$id" .reason)"
other=$(submit --gpus 8 --wrap true)
wait_jobs 30 "$other" || fail "an 8-GPU job did not run on the rebooted node"
assert_idle
