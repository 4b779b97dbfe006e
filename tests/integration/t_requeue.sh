#!/bin/bash
# t_requeue: herd requeue and --requeue/--no-requeue.
#  1. `herd requeue` of a running job that ignores SIGTERM: the job is
#     REQUEUED (not pending) while its attempt is stopped; herdd is SIGKILLed
#     right then and restarted; the job comes back as attempt 2 with the same
#     id.  The old attempt's heartbeats (marks with pid and time, written
#     every 0.1 s until it is KILLed) all come before attempt 2's start:
#     the two never ran side by side.  herd show --json lists both attempts
#     (node, times, exit codes 137 and 3), herd history shows both rows, and
#     another SIGKILL + restart keeps them exactly.
#  2. A node reboot (a new boot id, as t_reboot.sh) requeues a job that
#     allows it (the default): attempt 1 NODE_FAIL "node rebooted", attempt
#     2 COMPLETED; a --no-requeue job ends NODE_FAIL with one attempt.

. "$(dirname "$0")/lib.sh"

setup_herdd probe_interval=1
marks=$TEST_DIR/marks

# ---- 1. requeue of a running job, across a herdd SIGKILL ----
tag1="81.$UNIQ"
cat >"$TEST_DIR/twice.sh" <<EOF
#!/bin/sh
if [ -e '$marks' ]; then
	echo "start \$\$ \$(date +%s%N)" >>'$marks'
	exit 3
fi
echo "start \$\$ \$(date +%s%N)" >>'$marks'
trap '' TERM
while :; do
	echo "beat \$\$ \$(date +%s%N)" >>'$marks'
	sleep 0.1 # $tag1
done
EOF
id=$(submit "$TEST_DIR/twice.sh")
wait_state "$id" RUNNING 20
wait_file "$marks" 20
node1=$(field "$id" .node)
herd requeue "$id" || fail "herd requeue $id (running) failed"
# It ignores TERM: it lives until the KILL after kill_grace, REQUEUED meanwhile.
assert_eq "state of job $id just after herd requeue" REQUEUED "$(field "$id" .state)"
assert_eq "attempt of job $id while its first attempt stops" 1 "$(field "$id" .attempt)"
out=$(herd requeue "$id" 2>&1) && fail "a second herd requeue of $id while REQUEUED exited 0"
grep -q "already being requeued" <<<"$out" || fail "second requeue of $id: got: $out"
stop_herdd "$HERDD_PID" KILL
start_herdd
wait_nodes_up 4 20
wait_jobs 60 "$id" >/dev/null 2>&1
assert_eq "state of job $id after its second attempt" FAILED "$(field "$id" .state)"
assert_eq "attempt of job $id" 2 "$(field "$id" .attempt)"
[ "$(grep -c '^start' "$marks")" = 2 ] || fail "expected two starts in $marks: $(cat "$marks")"
read -r _ pid1 t1 < <(grep '^start' "$marks" | head -1)
read -r _ pid2 t2 < <(grep '^start' "$marks" | tail -1)
last_beat=$(awk -v p="$pid1" '$1 == "beat" && $2 == p { t = $3 } END { print t }' "$marks")
[ -n "$last_beat" ] || fail "no heartbeat of attempt 1 (pid $pid1) in $marks"
[ "$last_beat" -lt "$t2" ] ||
    fail "attempt 1 (pid $pid1) was still beating at $last_beat after attempt 2 started at $t2"
pgrep -f -- "sleep 0.1 # $tag1" >/dev/null && fail "attempt 1 of job $id still runs"
j=$(show_json "$id")
assert_eq "number of attempts of job $id" 2 "$(jq '.attempts | length' <<<"$j")"
assert_eq "attempt 1's number" 1 "$(jq '.attempts[0].attempt' <<<"$j")"
assert_eq "attempt 1's state" REQUEUED "$(jq -r '.attempts[0].state' <<<"$j")"
assert_eq "attempt 1's node" "$node1" "$(jq -r '.attempts[0].node' <<<"$j")"
assert_eq "attempt 1's exit code (KILLed)" 137 "$(jq '.attempts[0].exit_code' <<<"$j")"
jq -e '.attempts[0].start_time != null and .attempts[0].end_time != null' <<<"$j" >/dev/null ||
    fail "attempt 1 lacks its times: $(jq -c '.attempts[0]' <<<"$j")"
assert_eq "attempt 2's state" FAILED "$(jq -r '.attempts[1].state' <<<"$j")"
assert_eq "attempt 2's exit code" 3 "$(jq '.attempts[1].exit_code' <<<"$j")"
jq -e '.attempts[1].node != null and .attempts[1].start_time != null' <<<"$j" >/dev/null ||
    fail "attempt 2 lacks its node or start: $(jq -c '.attempts[1]' <<<"$j")"
hist=$(herd history) || fail "herd history failed"
grep -qE "^$id +.*FAILED +3:0" <<<"$hist" || fail "herd history has no row for attempt 2: $hist"
grep -qE "^$id\(1\) +.*REQUEUED +0:9" <<<"$hist" || fail "herd history has no row for attempt 1: $hist"
herd show "$id" | grep -q "^attempt 1 .*REQUEUED on $node1" ||
    fail "herd show $id does not list attempt 1: $(herd show "$id")"
before=$(jq -c .attempts <<<"$j")
stop_herdd "$HERDD_PID" KILL
start_herdd
wait_nodes_up 4 20
assert_eq "attempts of job $id after a herdd SIGKILL" "$before" "$(field "$id" '.attempts' | jq -c .)"
# An ended job is requeued at once, and a pending one refused.
rm -f "$marks"
herd requeue "$id" || fail "herd requeue $id (ended) failed"
wait_state "$id" RUNNING 20
assert_eq "attempt of job $id requeued after it ended" 3 "$(field "$id" .attempt)"
herd cancel "$id"
wait_state "$id" CANCELLED 20
wait_gone "sleep 0.1 # $tag1" 10 || fail "job $id's third attempt still runs after cancel"

# ---- 2. a node reboot: requeue, or NODE_FAIL with --no-requeue ----
bootf=$TC_DIR/nodes/node1/boot_id
[ -f "$bootf" ] || fail "the test cluster has no $bootf"
saved=$(cat "$bootf")
tag2="82.$UNIQ"
at_exit "echo '$saved' >'$bootf'; pkill -f -- 'sleep $tag2' || true"
reboot_node1() {
	sleep 2	# a probe has recorded the current boot id
	printf '%s\n' "00000000-0000-4000-8000-$(printf '%012d' "$1$UNIQ" | tail -c 12)" >"$bootf"
}
once=$TEST_DIR/once
rq=$(submit --gpus 8 --wrap "[ -e '$once' ] && exit 0; touch '$once'; sleep $tag2")
wait_state "$rq" RUNNING 20
assert_eq "node of the 8-GPU job" node1 "$(field "$rq" .node)"
assert_eq "requeue of a job submitted without --no-requeue" 1 "$(field "$rq" .requeue)"
reboot_node1 1
wait_jobs 40 "$rq" || fail "requeueable job $rq did not complete after the reboot: $(show_json "$rq")"
j=$(show_json "$rq")
assert_eq "attempt of the requeued job" 2 "$(jq '.attempt' <<<"$j")"
assert_eq "attempt 1's state after the reboot" NODE_FAIL "$(jq -r '.attempts[0].state' <<<"$j")"
assert_eq "attempt 1's reason" "node rebooted" "$(jq -r '.attempts[0].reason' <<<"$j")"
assert_eq "attempt 2's state" COMPLETED "$(jq -r '.attempts[1].state' <<<"$j")"
pkill -f -- "sleep $tag2"

nrq=$(submit --no-requeue --gpus 8 --wrap "sleep $tag2")
wait_state "$nrq" RUNNING 20
assert_eq "requeue of a --no-requeue job" 0 "$(field "$nrq" .requeue)"
reboot_node1 2
wait_state "$nrq" NODE_FAIL 15
assert_eq "reason of the --no-requeue job" "node rebooted" "$(field "$nrq" .reason)"
assert_eq "attempts of the --no-requeue job" 1 "$(field "$nrq" '.attempts | length')"
pkill -f -- "sleep $tag2"
assert_idle
