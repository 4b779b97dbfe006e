#!/bin/bash
# t_notify: being told.  Without notify_command in hosts.ini, --mail-type
# is kept with a warning that no one will be told (sbatch scripts carry it).  With one, herdd runs it once per event
# of a job's --mail-type, its facts in HERD_* variables: a job that
# succeeds tells BEGIN and END, one that fails BEGIN, END and FAIL, each
# exactly once; an array's tasks each with ARRAY_TASKS (refused without);
# a requeue REQUEUE once and BEGIN again.  A notify_command that hangs holds none of the loop: jobs
# submitted meanwhile start and end, and the hung runs are killed after
# notify_timeout.  herd wait --notify rings the terminal's bell (BEL on the
# tty) when the jobs have ended, and herd wait alone does not.

. "$(dirname "$0")/lib.sh"

setup_herdd

# No notify_command: kept, with a warning; NONE asks for nothing.
out=$(herd submit --mail-type=END --wrap true 2>&1) ||
    fail "--mail-type without a notify_command was refused: $out"
grep -qF "herd: warning: --mail-type: no one will be told: hosts.ini names no notify_command" \
    <<<"$out" || fail "--mail-type without a notify_command: no warning: $out"
n=$(submit --mail-type=NONE --wrap true)
wait_state "$n" COMPLETED 30

stop_herdd "$HERDD_PID" TERM

EV=$TEST_DIR/events
mkdir -p "$EV"
cat >"$TEST_DIR/notify.sh" <<EOF
#!/bin/sh
# One file per run with what it was told; hangs while $TEST_DIR/hang exists.
env | grep '^HERD_' | sort >"$EV/\$HERD_JOB_ID.\$HERD_EVENT.\$\$"
[ -e "$TEST_DIR/hang" ] && exec sleep 9$UNIQ
exit 0
EOF
chmod +x "$TEST_DIR/notify.sh"
sed -i "/^\[controller\]/a notify_command = $TEST_DIR/notify.sh\nnotify_timeout = 3" "$HOSTS"
start_herdd
wait_nodes_up 4 20

# count ID EVENT: the runs told EVENT of job ID.
count() {
	find "$EV" -name "$1.$2.*" | wc -l
}
# told ID EVENT VAR: VAR's value in the run told EVENT of ID.
told() {
	sed -n "s/^$3=//p" "$EV/$1.$2".*
}

ok=$(submit --mail-type=BEGIN,END,FAIL -J told-ok --wrap 'sleep 1')
bad=$(submit --mail-type=ALL --mail-user=lab+x@example.org -J told-bad --wrap 'sleep 1; exit 3')
assert_eq "mail_type of $bad (JSON)" "ALL" "$(field "$bad" .mail_type)"
wait_state "$ok" COMPLETED 30
wait_state "$bad" FAILED 30
for want in "$ok.BEGIN" "$ok.END" "$bad.BEGIN" "$bad.END" "$bad.FAIL"; do
	for ((i = 0; i < 100; i++)); do
		[ "$(count "${want%.*}" "${want#*.}")" -ge 1 ] && break
		sleep 0.1
	done
done
sleep 3	# a second run of any of them would come within this
assert_eq "BEGIN runs for $ok" 1 "$(count "$ok" BEGIN)"
assert_eq "END runs for $ok" 1 "$(count "$ok" END)"
assert_eq "FAIL runs for $ok (it succeeded)" 0 "$(count "$ok" FAIL)"
assert_eq "BEGIN runs for $bad" 1 "$(count "$bad" BEGIN)"
assert_eq "END runs for $bad" 1 "$(count "$bad" END)"
assert_eq "FAIL runs for $bad" 1 "$(count "$bad" FAIL)"
assert_eq "runs in all" 5 "$(find "$EV" -type f | wc -l)"
assert_eq "HERD_EVENT of $ok's END" END "$(told "$ok" END HERD_EVENT)"
assert_eq "HERD_JOB_NAME of $ok's END" told-ok "$(told "$ok" END HERD_JOB_NAME)"
assert_eq "HERD_JOB_STATE of $ok's BEGIN" RUNNING "$(told "$ok" BEGIN HERD_JOB_STATE)"
assert_eq "HERD_JOB_STATE of $ok's END" COMPLETED "$(told "$ok" END HERD_JOB_STATE)"
assert_eq "HERD_EXIT_CODE of $ok's END" 0:0 "$(told "$ok" END HERD_EXIT_CODE)"
assert_eq "HERD_JOB_USER of $ok's END" "$(id -un)" "$(told "$ok" END HERD_JOB_USER)"
assert_eq "HERD_MAIL_USER of $ok (the submitter)" "$(id -un)" "$(told "$ok" END HERD_MAIL_USER)"
assert_eq "HERD_JOB_STATE of $bad's FAIL" FAILED "$(told "$bad" FAIL HERD_JOB_STATE)"
assert_eq "HERD_EXIT_CODE of $bad's FAIL" 3:0 "$(told "$bad" FAIL HERD_EXIT_CODE)"
assert_eq "HERD_MAIL_USER of $bad" lab+x@example.org "$(told "$bad" END HERD_MAIL_USER)"
assert_eq "HERD_JOB_ID of $bad" "$bad" "$(told "$bad" END HERD_JOB_ID)"
[ -n "$(told "$bad" END HERD_JOB_NODE)" ] || fail "no HERD_JOB_NODE in $bad's END"

# An array: each task told with ARRAY_TASKS; without it, kept with a
# warning (an array as a whole is not told yet) and no task is told.
out=$(herd submit --array=0-1 --mail-type=END --wrap true 2>&1) ||
    fail "an array's --mail-type=END without ARRAY_TASKS was refused: $out"
grep -qF "add ARRAY_TASKS" <<<"$out" || fail "array --mail-type=END: no warning: $out"
quiet=$(sed -n 's/^Submitted batch job //p' <<<"$out")
arr=$(submit --array=0-1 --mail-type=END,ARRAY_TASKS --wrap true)
for ((i = 0; i < 300; i++)); do
	[ "$(grep -l "^HERD_ARRAY_JOB_ID=$arr\$" "$EV"/*.END.* 2>/dev/null | wc -l)" -ge 2 ] && break
	sleep 0.1
done
assert_eq "END runs of array $arr's tasks" "0 1" \
    "$(grep -h '^HERD_ARRAY_TASK_ID=' $(grep -l "^HERD_ARRAY_JOB_ID=$arr\$" "$EV"/*.END.*) |
    cut -d= -f2 | sort | tr '\n' ' ' | sed 's/ $//')"
[ -n "$quiet" ] || fail "no job id in: $out"
wait_state "$quiet" COMPLETED 30 2>/dev/null || true
assert_eq "runs told of array $quiet (no ARRAY_TASKS)" 0 \
    "$(grep -l "^HERD_ARRAY_JOB_ID=$quiet\$" "$EV"/* 2>/dev/null | wc -l)"

# A requeue of a running job tells REQUEUE once, and its next attempt BEGIN.
rq=$(submit --mail-type=BEGIN,REQUEUE --wrap 'sleep 300')
wait_state "$rq" RUNNING 30
herd requeue "$rq" >/dev/null || fail "herd requeue $rq failed"
for ((i = 0; i < 300; i++)); do
	[ "$(count "$rq" BEGIN)" -ge 2 ] && break
	sleep 0.1
done
assert_eq "REQUEUE runs for $rq" 1 "$(count "$rq" REQUEUE)"
assert_eq "BEGIN runs for $rq (two attempts)" 2 "$(count "$rq" BEGIN)"
herd cancel "$rq" >/dev/null

# A hung notify_command: every run hangs, more than run at once; the jobs
# are scheduled and end all the same, and the hung runs are killed.
touch "$TEST_DIR/hang"
ids=()
for i in 1 2 3 4 5 6; do
	ids+=("$(submit --mail-type=BEGIN,END --wrap 'true')")
done
for j in "${ids[@]}"; do
	wait_state "$j" COMPLETED 60
done
for ((i = 0; i < 600; i++)); do
	[ "$(grep -c 'still runs after 3 s; killed' "$HERDD_LOG")" -ge 12 ] && break
	sleep 0.1
done
assert_eq "hung runs killed (6 jobs, BEGIN and END)" 12 \
    "$(grep -c 'still runs after 3 s; killed' "$HERDD_LOG")"
wait_gone "sleep 9$UNIQ" 10 || fail "a hung notify_command still runs"
rm -f "$TEST_DIR/hang"

# herd wait --notify: BEL on the terminal once the job has ended.
w=$(submit --wrap 'sleep 1')
script -qec "$HERD_BIN/herd -c $HOSTS wait --notify $w" "$TEST_DIR/tty.notify" >/dev/null ||
    fail "herd wait --notify $w failed: $(cat "$TEST_DIR/tty.notify")"
assert_eq "BELs of herd wait --notify" 1 "$(tr -cd '\a' <"$TEST_DIR/tty.notify" | wc -c)"
script -qec "$HERD_BIN/herd -c $HOSTS wait $w" "$TEST_DIR/tty.plain" >/dev/null
assert_eq "BELs of herd wait" 0 "$(tr -cd '\a' <"$TEST_DIR/tty.plain" | wc -c)"
