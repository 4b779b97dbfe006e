#!/bin/bash
# t_kills: herdd SIGKILLed KILLS times, at random moments 0.2-2 s apart, and
# restarted at once each time, while KILLS_JOBS short jobs are submitted and
# run.  Each job appends "I ID NODE" to a marker in the shared directory as
# it starts and exits with I % 7, I being its number in the submit order.
# Afterwards every acknowledged job (every id `herd submit --parsable`
# printed) must be known to herdd (none lost), have run exactly once (one
# marker line, with its own I) and have ended COMPLETED 0 or FAILED I%7.
# A submit refused while herdd was down is retried; one that herdd stored
# without answering may run as an unacknowledged job, which is counted
# (never a fault) but still may not run twice.
#
# With TORTURE_SLOW_LOGIN=1 (t_kills_slow) every node's ~/.bashrc first
# sleeps 0-400 ms at random, as a login on NFS homes does: launches take
# longer, so more restarts find a launch under way (issue 6, item 1).

. "$(dirname "$0")/lib.sh"

if [ -n "${TORTURE_SLOW_LOGIN:-}" ]; then
	size SLOW_JOBS 400 80
	size SLOW_KILLS 40 8
	JOBS=$SLOW_JOBS KILLS=$SLOW_KILLS
	for rc in "$TC_DIR"/nodes/*/home/.bashrc; do
		cp -p "$rc" "$rc.torture-orig" || fail "cannot save $rc"
		at_exit "mv -f '$rc.torture-orig' '$rc'"
		echo "sleep \$(printf '0.%03d' \$((RANDOM % 401)))" >>"$rc"
	done
	cluster=tort-slow
else
	size KILLS_JOBS 1000 150
	size KILLS 75 12
	JOBS=$KILLS_JOBS
	cluster=tort-kills
fi

setup_herdd "cluster=$cluster"
MARK=$TEST_DIR/marker
ACKED=$TEST_DIR/acked          # "ID CODE I" per acknowledged job
: >"$MARK"
: >"$ACKED"
cat >"$TEST_DIR/job.sh" <<'EOF2'
#!/bin/sh
# job.sh MARK I SLEEP
echo "$2 $HERD_JOB_ID $HERD_NODE" >>"$1"
sleep "$3"
exit $(($2 % 7))
EOF2
chmod +x "$TEST_DIR/job.sh"

# The submitter, in the background: each job until acknowledged (bounded).
(
	refused=0
	for ((i = 1; i <= JOBS; i++)); do
		for ((try = 0; try < 200; try++)); do
			id=$(therd 15 submit --parsable "$TEST_DIR/job.sh" "$MARK" "$i" \
			    "0.$((RANDOM % 4))" 2>>"$TEST_DIR/submit.err")
			case $id in
			''|*[!0-9]*) refused=$((refused + 1)); sleep 0.1 ;;
			*) echo "$id $((i % 7)) $i" >>"$ACKED"; break ;;
			esac
		done
	done
	echo "$refused" >"$TEST_DIR/refused"
) &
subpid=$!
echo "$subpid" >>"$TEST_DIR/cleanup.pids"

# The killer, here: KILLS times, SIGKILL and an immediate restart.
kills=0
for ((k = 1; k <= KILLS; k++)); do
	sleep "$(rand_sleep 200 2000)"
	alive "$HERDD_PID" || fail "herdd (pid $HERDD_PID) died by itself before kill $k; see its log"
	stop_herdd "$HERDD_PID" KILL
	kills=$((kills + 1))
	start_herdd
done
log "$kills kills done; waiting for the submitter"
for ((i = 0; i < 600; i++)); do
	kill -0 "$subpid" 2>/dev/null || break
	sleep 1
done
kill -0 "$subpid" 2>/dev/null && { kill "$subpid"; fail "the submitter did not finish within 600 s after the kills"; }
wait_nodes_up 4 30
wait_settled "$ACKED" 600 || log "jobs still queued or running 600 s after the last kill"

check_ends "$ACKED"
acked=$(wc -l <"$ACKED")
ran_twice=$(awk '{ print $2 }' "$MARK" | sort | uniq -d)
never=$(awk 'NR == FNR { ran[$2] = 1; next } !($1 in ran) { print $1 }' "$MARK" "$ACKED")
other=$(awk 'NR == FNR { i[$1] = $3; next } ($2 in i) && i[$2] != $1 { print "job " $2 " ran script " $1 ", its own is " i[$2] }' "$ACKED" "$MARK")
unacked=$(awk 'NR == FNR { a[$1] = 1; next } !($2 in a) { print $2 }' "$ACKED" "$MARK" | sort -u | wc -l)

figure "herdd SIGKILLs (each restarted)" "$kills"
figure "jobs acknowledged" "$acked"
figure "submits refused while down (retried)" "$(cat "$TEST_DIR/refused" 2>/dev/null || echo -)"
figure "unacknowledged submits that ran" "$unacked"
wrong_ids=$(awk '/^WRONG/ { print $3 }' "$TEST_DIR/ends.bad" | tr -d :)
wrong_detail=()
for id in $wrong_ids; do
	wrong_detail+=("$(grep "job $id:" "$TEST_DIR/ends.bad")")
	for f in "$TC_DIR"/nodes/*/home/.herd/jobs/"$cluster-$id".*.state; do
		[ -f "$f" ] && wrong_detail+=("  node file ${f#"$TC_DIR"/nodes/}: $(tr '\n' ';' <"$f")")
	done
	for f in "$TC_DIR"/nodes/*/home/.herd/jobs/"$cluster-$id".*.cancel; do
		[ -e "$f" ] && wrong_detail+=("  node file ${f#"$TC_DIR"/nodes/} exists")
	done
	wrong_detail+=("  marker: $(grep " $id " "$MARK" | tr '\n' ';')")
	while IFS= read -r l; do wrong_detail+=("  log: $l"); done < <(log_lines_about "$id")
done
invariant "acknowledged jobs lost" "$LOST" 0 "$(grep '^LOST' "$TEST_DIR/ends.bad" | head -n 40 | tr '\n' ' ')"
invariant "jobs ended wrong" "$WRONG" 0 "${wrong_detail[@]}"
invariant "jobs run twice" "$(grep -c . <<<"$ran_twice")" 0 \
    $(for id in $ran_twice; do echo "job_$id:"; grep " $id " "$MARK" | tr ' ' '_'; done)
invariant "acknowledged jobs never run" "$(grep -c . <<<"$never")" 0 $never
invariant "jobs that ran another's script" "$(grep -c . <<<"$other")" 0 "$other"
invariant "jobs not ended in time" "$UNSETTLED" 0 "$(grep '^UNSETTLED' "$TEST_DIR/ends.bad" | head -n 20)"
