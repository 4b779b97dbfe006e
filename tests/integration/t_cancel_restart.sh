#!/bin/bash
# t_cancel_restart: a job that ignores SIGTERM is cancelled and herdd is
# killed (SIGKILL) before the grace period ends.  The restarted herdd still
# knows the job holds its node (its GPUs are not handed out), and kills it.

. "$(dirname "$0")/lib.sh"

setup_herdd kill_grace=4
tag="62.$UNIQ"
id=$(submit --gpus 8 --wrap "trap '' TERM; while :; do sleep $tag; done")
wait_state "$id" RUNNING 20
herd cancel "$id" || fail "herd cancel $id failed"
stop_herdd "$HERDD_PID" KILL
pgrep -f -- "sleep $tag" >/dev/null || fail "the TERM-ignoring job died of TERM: test is void"

start_herdd
wait_nodes_up 4 20
# Its 8 GPUs are still its own: another 8-GPU job must wait.
other=$(submit --gpus 8 --wrap 'true')
sleep 1
assert_eq "state of an 8-GPU job while the cancelled one may still run" PENDING \
    "$(field "$other" .state)"
wait_gone "sleep $tag" 15 ||
    fail "cancelled job $id still running 15 s after herdd came back: $(pgrep -fa -- "sleep $tag")"
assert_eq "state of the cancelled job" CANCELLED "$(field "$id" .state)"
wait_jobs 30 "$other" || fail "job $other did not run once the node was free"
assert_idle
