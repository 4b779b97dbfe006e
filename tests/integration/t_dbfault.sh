#!/bin/bash
# t_dbfault: database writes that fail (HERD_FAULT_DB, herdd(8)) are logged,
# and across a restart no state change is lost or invented.
#  1. A submit whose commit fails is not acknowledged as stored (or, if it
#     is, the job exists and runs): acknowledged <=> stored, never a job
#     the client was told failed.
#  2. A job's end that cannot be recorded (every update from the job's end
#     on fails: a disk that stays broken) is logged; after a restart of
#     herdd without the fault the job is reconciled from its node and ends
#     as it really ended (its exit status 3), having run once.
#     This holds whether herdd retries the write in memory or reconciles
#     after the restart.
#  3. A launch decision whose write fails goes back to the queue: the job
#     still runs, once, and completes.
# Update numbers count from herdd's start: a job's updates are LAUNCHING
# (1), RUNNING (2), its end (3); the log's "failing update #3" line after
# "job N started" shows the fault hit the end and nothing earlier.

. "$(dirname "$0")/lib.sh"

# wait_log TEXT SECONDS [LOG]: until the log has a line with TEXT (fixed).
wait_log() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		grep -qF -- "$1" "${3:-$HERDD_LOG}" && return 0
		sleep 0.1
	done
	fail "no line with '$1' in herdd's log within $2 s"
}

# logged_after MARK ID [LOG]: an error or warning naming job ID follows the
# line with MARK.
logged_after() {
	awk -v mark="$1" -v re="(error|warn): .*[Jj]ob $2([^0-9]|\$)" '
	    index($0, mark) { seen = 1; next } seen && $0 ~ re { found = 1 }
	    END { exit !found }' "${3:-$HERDD_LOG}"
}

# db_state ID: the job's state number as the database has it (sqlite3).
db_state() {
	sqlite3 -readonly "$STATE/herd.db" "SELECT state FROM jobs WHERE id=$1"
}

make_config "$HOSTS" "$STATE"
# A first start without faults records what herdd keeps of each node (the
# GPUs it has seen); the start under test finds the nodes as kept and
# writes nothing of them, so its first commit is the submit's.
start_herdd
wait_nodes_up 4 20
sleep 1
stop_herdd "$HERDD_PID"
HERD_FAULT_DB=commit:1,update:3+ start_herdd
wait_nodes_up 4 20
grep -q "HERD_FAULT_DB=commit:1,update:3+: database faults armed" "$HERDD_LOG" ||
    fail "herdd did not say the faults are armed"

# ---- 1. the first commit (a submit) fails ----
acked=
if out=$(herd submit --parsable --wrap "echo ran >>'$TEST_DIR/ran-first'" 2>&1); then
	acked=$out
	note "the submit whose first commit failed was acknowledged as job $acked (retried)"
else
	grep -qi "store\|commit\|disk\|database" <<<"$out" ||
	    fail "refused submit: the message does not say the job was not stored: $out"
fi
wait_log "failing commit #1" 5
[ -n "$acked" ] || ! grep -qE "info: .*job [0-9]+ submitted" "$HERDD_LOG" ||
    fail "herdd logged a submit it refused: $(grep -E 'job [0-9]+ submitted' "$HERDD_LOG")"

# ---- 2. the job's end is not recorded ----
tag="2.$UNIQ"
x=$(submit --wrap "echo ran >>'$TEST_DIR/ran-x'; sleep $tag; exit 3")
wait_log "job $x started" 20
wait_log "failing update #3" 20
awk -v a="job $x started" -v b="failing update #3" '
    index($0, a) && !s { s = NR } index($0, b) && !f { f = NR }
    END { exit !(s && f > s) }' "$HERDD_LOG" ||
    fail "the fault hit update #3 before job $x started: the test is void"
logged_after "failing update #3" "$x" ||
    fail "the failed write of job $x's end was not logged (error or warning naming job $x)"
wait_gone "sleep $tag" 20 || fail "job $x still running 20 s on"
sleep 1
note "before the restart, herd show $x says $(field "$x" .state) (exit $(field "$x" .exit_code)), herd queue lists $(herd queue --json | jq length) jobs"
stop_herdd "$HERDD_PID"
if command -v sqlite3 >/dev/null; then
	st=$(db_state "$x")
	# 2 is RUNNING: the end never reached the disk, as intended.
	assert_eq "job $x's state in the database after the failed writes" 2 "$st"
fi

# Restart without the fault: the node tells how the job ended.
: >"$TEST_DIR/herdd2.log"
start_herdd "$HOSTS" "$TEST_DIR/herdd2.log"
wait_nodes_up 4 20
wait_state "$x" FAILED 30
assert_eq "exit code of job $x after the restart" 3 "$(field "$x" .exit_code)"
assert_eq "runs of job $x" 1 "$(wc -l <"$TEST_DIR/ran-x")"
rc=0
wait_jobs 10 "$x" || rc=$?
assert_eq "herd wait on job $x (FAILED, exit 3)" 1 "$rc"
grep -q "failing\|faults armed" "$TEST_DIR/herdd2.log" &&
    fail "the restarted herdd still injects faults"

# Nothing invented: the jobs herdd knows are exactly those acknowledged.
want=$(printf '%s\n' $acked "$x" | sort -n | tr '\n' ' ')
got=$(herd history --all --json | jq -r '.[].id' | sort -n | tr '\n' ' ')
assert_eq "ended jobs after the restart" "$want" "$got"
if [ -n "$acked" ]; then
	wait_jobs 20 "$acked" || fail "acknowledged job $acked did not complete"
	assert_eq "runs of acknowledged job $acked" 1 "$(wc -l <"$TEST_DIR/ran-first")"
else
	[ ! -e "$TEST_DIR/ran-first" ] || fail "the refused submit ran"
fi
assert_idle
stop_herdd "$HERDD_PID"

# ---- 3. a launch decision that cannot be written ----
conf3=$TEST_DIR/c3.ini
log3=$TEST_DIR/herdd3.log
make_config "$conf3" "$TEST_DIR/state3"
HERD_FAULT_DB=update:1 start_herdd "$conf3" "$log3"
wait_nodes_up 4 20 "$conf3"
y=$(CONF=$conf3 submit --wrap "echo ran >>'$TEST_DIR/ran-y'")
wait_log "failing update #1" 10 "$log3"
CONF=$conf3 wait_jobs 30 "$y" || fail "job $y, whose launch decision failed to commit once, did not complete"
assert_eq "runs of job $y" 1 "$(wc -l <"$TEST_DIR/ran-y")"
grep -qE "error: .*(not committed|injected)" "$log3" ||
    fail "the failed launch decision was not logged as an error"
stop_herdd "$HERDD_PID"
start_herdd "$conf3" "$log3"
wait_nodes_up 4 20 "$conf3"
assert_eq "state of job $y after a restart" COMPLETED "$(CONF=$conf3 field "$y" .state)"
CONF=$conf3 assert_idle
