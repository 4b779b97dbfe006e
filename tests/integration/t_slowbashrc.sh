#!/bin/bash
# t_slowbashrc: a node whose ~/.bashrc takes 0.5 s (every SSH command there
# pays it) and prints a greeting still runs its jobs.  node1's GPUs are held by a blocker, so the
# 4-GPU jobs can only go to node2, the slow one.  Submit-to-start latency is
# printed (median), never asserted.

. "$(dirname "$0")/lib.sh"

RC=$TC_DIR/nodes/node2/home/.bashrc
cp -p "$RC" "$TEST_DIR/bashrc.orig" || fail "cannot save $RC"
at_exit 'cp -p "$TEST_DIR/bashrc.orig" "$RC"'
# Chatty too, as many are: words on stdout and stderr before any command.
printf 'sleep 0.5\necho welcome to node2\necho mind the gap >&2\n' >>"$RC"

setup_herdd

tag="63.$UNIQ"
blk=$(submit --gpus 8 --wrap "sleep $tag")
wait_state "$blk" RUNNING 20

lat=()
ids=()
for i in $(seq 1 10); do
	t0=$(date +%s%N)
	id=$(submit --gpus 4 --wrap "date +%s%N >'$TEST_DIR/start.$i'; echo \"\$HERD_NODE\" >'$TEST_DIR/node.$i'")
	ids+=("$id")
	wait_jobs 30 "$id" || fail "job $id on the slow node did not complete: $(herd show "$id" | cat -v)"
	t1=$(cat "$TEST_DIR/start.$i") || fail "job $id left no start time"
	assert_eq "node of job $id" node2 "$(cat "$TEST_DIR/node.$i")"
	lat+=($(((t1 - t0) / 1000000)))
done
mapfile -t sorted < <(printf '%s\n' "${lat[@]}" | sort -n)
note "submit->start latency on node2 with a 0.5 s .bashrc: median $(((sorted[4] + sorted[5]) / 2)) ms (min ${sorted[0]}, max ${sorted[9]} ms)"

herd cancel "$blk" || fail "herd cancel $blk failed"
wait_gone "sleep $tag" 10 || fail "blocker $blk still running after cancel"
wait_state "$blk" CANCELLED 10
for id in "${ids[@]}"; do
	assert_eq "state of job $id" COMPLETED "$(field "$id" .state)"
done
assert_idle
