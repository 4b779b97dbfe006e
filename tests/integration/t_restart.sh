#!/bin/bash
# t_restart: herdd killed with SIGKILL while jobs run, launch and pend, then
# started again on the same state directory: every job ends COMPLETED and
# ran exactly once (each appends its id to a marker as it starts), nothing
# is lost or started twice.  Then a clean SIGTERM stop with pending jobs:
# they are still there after the restart and run.

. "$(dirname "$0")/lib.sh"

setup_herdd
MARK=$TEST_DIR/marker
: >"$MARK"
cat >"$TEST_DIR/job.sh" <<'EOF'
#!/bin/sh
echo "$HERD_JOB_ID" >>"$1"
sleep "$2"
echo "ran $HERD_JOB_ID"
EOF
chmod +x "$TEST_DIR/job.sh"

running() {
	herd queue --json | jq '[.[] | select(.state == "RUNNING")] | length'
}

# Round 1: ten 3-second jobs on 8 CPU slots; kill -9 once some run.
ids=()
for i in $(seq 1 10); do
	ids+=("$(submit "$TEST_DIR/job.sh" "$MARK" 3)")
done
for i in $(seq 1 100); do
	[ "$(running)" -ge 2 ] && break
	sleep 0.1
done
[ "$(running)" -ge 2 ] || fail "fewer than 2 jobs RUNNING 10 s after submit"
log "round 1: $(running) running at SIGKILL"
stop_herdd "$HERDD_PID" KILL
start_herdd
wait_nodes_up 4 20

# Round 2: kill -9 right after the last submit, while jobs are launched.
more=()
for i in $(seq 1 6); do
	more+=("$(submit --gpus 1 "$TEST_DIR/job.sh" "$MARK" 1)")
done
stop_herdd "$HERDD_PID" KILL
start_herdd
wait_nodes_up 4 20
ids+=("${more[@]}")

rc=0
wait_jobs 90 "${ids[@]}" 2>"$TEST_DIR/wait.err" || rc=$?
for id in "${ids[@]}"; do
	st=$(field "$id" '"\(.state) \(.exit_code)"')
	[ "$st" = "COMPLETED 0" ] || fail "job $id after the restarts: expected COMPLETED 0, got $st (herd wait exit $rc: $(cat "$TEST_DIR/wait.err"))"
	n=$(grep -cx "$id" "$MARK")
	[ "$n" -eq 1 ] || fail "job $id started $n times (marker: $(tr '\n' ' ' <"$MARK"))"
	assert_file_is "$WORK/herd-$id.out" "ran $id
"
done
assert_eq "lines in the marker" "${#ids[@]}" "$(wc -l <"$MARK")"
assert_idle

# SIGTERM with a running blocker and two pending jobs behind it.
blk=$(submit --gpus 8 "$TEST_DIR/job.sh" "$MARK" 8)	# outlives a restart on a loaded machine
wait_state "$blk" RUNNING 20
p1=$(submit --gpus 8 "$TEST_DIR/job.sh" "$MARK" 0)
p2=$(submit --gpus 8 "$TEST_DIR/job.sh" "$MARK" 0)
assert_eq "state of job $p1 before SIGTERM" PENDING "$(field "$p1" .state)"
stop_herdd "$HERDD_PID" TERM
rc=$?
assert_eq "herdd exit status after SIGTERM" 0 "$rc"
start_herdd
wait_nodes_up 4 20
q=$(herd queue --json)
assert_eq "pending jobs after the restart (queue: $(jq -c '[.[] | [.id, .state, .node]]' <<<"$q"), blocker: $(show_json "$blk" | jq -c '[.state, .reason, .exit_code]'))" \
    "[$p1,$p2]" "$(jq -c '[.[] | select(.state == "PENDING") | .id]' <<<"$q")"
wait_jobs 60 "$blk" "$p1" "$p2" || fail "jobs $blk $p1 $p2 did not all complete after the SIGTERM restart"
for id in "$blk" "$p1" "$p2"; do
	assert_eq "times job $id started" 1 "$(grep -cx "$id" "$MARK")"
done
assert_idle

# Whatever a node answered while herdd reattached must have been understood.
# (The node shell's "cannot open .../exit" errors, from `read x <FILE
# 2>/dev/null`, where the redirection of stderr comes too late, reach herdd
# as answers.)
if grep -q "unexpected answer" "$HERDD_LOG"; then
	fail "herdd did not understand some node answers while reattaching: $(grep -m 3 "unexpected answer" "$HERDD_LOG")"
fi
