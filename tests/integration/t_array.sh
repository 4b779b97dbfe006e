#!/bin/bash
# t_array: job arrays.  Bad --array values are refused with sbatch's kind of
# message and nothing is queued; an array is one record until its tasks
# start (one row for 20,000 tasks); a %2 throttle never has more than two
# tasks running, checked from the tasks' own start/end marks, also across
# a herdd SIGKILL and restart in the middle; every task runs exactly once
# with the right SLURM_ARRAY_* and HERD_ARRAY_* values, SLURM_JOB_ID its own
# id, and %A/%a output names; herd queue shows "ID_[TASKS%2]" and "ID_T";
# herd show lists the tasks; herd cancel of a range, one task and the whole
# array.

. "$(dirname "$0")/lib.sh"

make_config "$HOSTS" "$STATE"
sed -i '/^\[controller\]/a max_array_size = 20001' "$HOSTS"
start_herdd
wait_nodes_up 4 20

# --- refused, nothing queued ---
for bad in "5-1" "0-10%0" "0-20001" "x"; do
	out=$(herd submit --array="$bad" --wrap true 2>&1)
	rc=$?
	[ "$rc" -ne 0 ] || fail "herd submit --array=$bad was accepted: $out"
	# The syntax is the client's to check (a usage error), the bound herdd's.
	[ "$bad" = 0-20001 ] || assert_eq "exit status of --array=$bad" 2 "$rc"
	case $out in
	*"invalid --array \"$bad\""*) ;;
	*) fail "herd submit --array=$bad said '$out', not invalid --array \"$bad\"" ;;
	esac
done
printf '#!/bin/sh\n#SBATCH --array=0-3%%0\necho ran\n' >"$TEST_DIR/bad.sh"
out=$(herd submit "$TEST_DIR/bad.sh" 2>&1) && fail "#SBATCH --array=0-3%0 was accepted: $out"
grep -qF "bad.sh:2: invalid --array \"0-3%0\"" <<<"$out" || fail "#SBATCH --array=0-3%0: $out"
assert_eq "queue after refused arrays" "[]" "$(herd queue --json | jq -c .)"
out=$(herd submit --array=0-2 --wrap true) || fail "herd submit --array=0-2 failed"
case $out in
"Submitted batch job "[0-9]*) ;;
*) fail "herd submit printed '$out', not 'Submitted batch job N'" ;;
esac
wait_jobs 30 "${out##* }" >/dev/null 2>&1

# --- the throttle, the environment, output names, a restart ---
MARK=$TEST_DIR/marks
: >"$MARK"
cat >"$TEST_DIR/task.sh" <<'EOF'
#!/bin/sh
echo "start $SLURM_ARRAY_TASK_ID $(date +%s.%N)" >>"$1"
echo "env $SLURM_JOB_ID $SLURM_ARRAY_JOB_ID $SLURM_ARRAY_TASK_ID $SLURM_ARRAY_TASK_COUNT $SLURM_ARRAY_TASK_MIN $SLURM_ARRAY_TASK_MAX $SLURM_ARRAY_TASK_STEP $HERD_ARRAY_JOB_ID $HERD_ARRAY_TASK_ID" >>"$1"
echo "task $SLURM_ARRAY_TASK_ID"
sleep "$2"
echo "end $SLURM_ARRAY_TASK_ID $(date +%s.%N)" >>"$1"
EOF
chmod +x "$TEST_DIR/task.sh"
aid=$(submit --array=0-14:2%2 -o 'arr-%A_%a.out' "$TEST_DIR/task.sh" "$MARK" 1)
assert_eq "array_throttle of $aid" 2 "$(field "$aid" .array_throttle)"

# Two tasks running at once, the rest one line.
for i in $(seq 1 100); do
	[ "$(grep -c '^start' "$MARK")" -ge 2 ] && break
	sleep 0.1
done
q=$(herd queue)
grep -qE "^${aid}_\[[0-9,:-]+%2\] " <<<"$q" || fail "herd queue has no line ${aid}_[...%2]: $q"
grep -qE "^${aid}_[0-9]+ " <<<"$q" || fail "herd queue has no running task line ${aid}_N: $q"
qj=$(herd queue --json)
n=$(jq "[.[] | select(.array_job_id == $aid)] | length" <<<"$qj")
[ "$n" -le 3 ] || fail "herd queue --json has $n entries for array $aid (at most the record and 2 tasks): $qj"
herd show "$aid" | grep -q "^task .*${aid}_" || fail "herd show $aid lists no task: $(herd show "$aid")"

# SIGKILL once three tasks have started, then let the rest run.
for i in $(seq 1 200); do
	[ "$(grep -c '^start' "$MARK")" -ge 3 ] && break
	sleep 0.1
done
[ "$(grep -c '^start' "$MARK")" -ge 3 ] || fail "fewer than 3 tasks started in 20 s"
stop_herdd "$HERDD_PID" KILL
start_herdd
wait_nodes_up 4 20
for i in $(seq 1 900); do
	[ "$(grep -c '^end' "$MARK")" -ge 8 ] && break
	sleep 0.1
done
assert_eq "tasks ended" 8 "$(grep -c '^end' "$MARK")"
for t in 0 2 4 6 8 10 12 14; do
	assert_eq "starts of task $t" 1 "$(grep -c "^start $t " "$MARK")"
	env=$(grep "^env [0-9]* $aid $t " "$MARK") || fail "task $t: no env line with array $aid: $(cat "$MARK")"
	set -- $env
	assert_eq "task $t SLURM_ARRAY_* (count min max step HERD_*)" "8 0 14 2 $aid $t" "$5 $6 $7 $8 $9 ${10}"
	jid=$2
	[ "$t" = 14 ] || [ "$jid" != "$aid" ] || fail "task $t has SLURM_JOB_ID $jid, the array's id"
	assert_file_is "$WORK/arr-${aid}_$t.out" "task $t
"
	wait_jobs 30 "$jid" >/dev/null 2>&1
	assert_eq "task $t (job $jid) state" "COMPLETED $aid $t" \
	    "$(field "$jid" '"\(.state) \(.array_job_id) \(.array_task_id)"')"
done
# The last task is the array's own record, as in Slurm.
assert_eq "SLURM_JOB_ID of the last task" "$aid" "$(grep "^env [0-9]* $aid 14 " "$MARK" | cut -d' ' -f2)"
# Never more than two at once, from the tasks' own marks.
maxrun=$(grep -E '^(start|end) ' "$MARK" | sort -k3,3n |
    awk '$1 == "start" { n++; if (n > m) m = n } $1 == "end" { n-- } END { print m }')
[ "$maxrun" -le 2 ] || fail "the %2 throttle was exceeded: $maxrun tasks ran at once: $(grep -E '^(start|end)' "$MARK" | sort -k3,3n | tr '\n' ';')"
show_json "$aid" | jq -e '.tasks | length == 8' >/dev/null ||
    fail "herd show $aid --json does not list 8 tasks: $(show_json "$aid" | jq -c .tasks)"

# --- cancel: a pending range, one running task, the whole array ---
C=$TEST_DIR/cmarks
: >"$C"
cid=$(submit --array=0-9%3 -o /dev/null --wrap "echo \$SLURM_ARRAY_TASK_ID >>$C; sleep 300")
for i in $(seq 1 200); do
	[ "$(wc -l <"$C")" -ge 3 ] && break
	sleep 0.1
done
assert_eq "tasks started under %3" 3 "$(wc -l <"$C")"
assert_eq "reason of the array at its throttle" JobArrayTaskLimit "$(field "$cid" .reason)"
herd cancel "${cid}_[7-8]" || fail "herd cancel ${cid}_[7-8] failed"
assert_eq "pending tasks after cancelling 7-8" "3-6,9%3" "$(field "$cid" .array_tasks)"
herd cancel "${cid}_1" || fail "herd cancel ${cid}_1 failed"
t1=$(herd show "${cid}_1" --json | jq -r .id)
wait_jobs 30 "$t1" >/dev/null 2>&1
assert_eq "state of task ${cid}_1" CANCELLED "$(field "$t1" .state)"
for i in $(seq 1 200); do
	[ "$(wc -l <"$C")" -ge 4 ] && break
	sleep 0.1
done
assert_eq "task started after cancelling a running one" "0 1 2 3" "$(sort -n "$C" | tr '\n' ' ' | sed 's/ $//')"
if herd cancel "${cid}_8" 2>"$TEST_DIR/c8.err"; then
	fail "herd cancel of the already cancelled ${cid}_8 succeeded"
fi
herd cancel "$cid" || fail "herd cancel $cid failed"
for i in $(seq 1 200); do
	[ "$(herd queue --json | jq length)" = 0 ] && break
	sleep 0.1
done
assert_eq "queue after cancelling array $cid" "[]" "$(herd queue --json | jq -c .)"
assert_eq "tasks that ever ran of $cid" "0 1 2 3" "$(sort -n "$C" | tr '\n' ' ' | sed 's/ $//')"
assert_eq "state of array $cid's record" CANCELLED "$(field "$cid" .state)"

# --- one record for a large array ---
rows0=$(sqlite3 "$STATE/herd.db" "SELECT count(*) FROM jobs")
blk=$(submit --gpus 8 --array=0-3%4 -o /dev/null --wrap "sleep 300")
big=$(submit --gpus 8 --array=0-19999 -o /dev/null --wrap true)
rows1=$(sqlite3 "$STATE/herd.db" "SELECT count(*) FROM jobs WHERE id=$big OR array_parent=$big")
assert_eq "rows for a 20,000-task array before it starts" 1 "$rows1"
n=$(herd queue --json | jq "[.[] | select(.array_job_id == $big)] | length")
assert_eq "queue entries of the 20,000-task array" 1 "$n"
assert_eq "its array_tasks" "0-19999" "$(field "$big" .array_tasks)"
herd queue | grep -q "^${big}_\[0-19999\] " || fail "herd queue: no line ${big}_[0-19999]: $(herd queue)"
herd cancel "$big" "$blk" || fail "herd cancel $big $blk failed"
for i in $(seq 1 200); do
	[ "$(herd queue --json | jq length)" = 0 ] && break
	sleep 0.1
done
note "rows before/after: $rows0 -> $(sqlite3 "$STATE/herd.db" "SELECT count(*) FROM jobs")"
assert_idle
