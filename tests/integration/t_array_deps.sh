#!/bin/bash
# t_array_deps: dependencies on job arrays.  An array id means all its
# tasks: a job afterok on a 4-task array starts only after all four ended
# (from the tasks' marks), and one afterok on an array with a failing task
# ends CANCELLED DependencyNeverSatisfied without running.  aftercorr
# between two 3-task arrays runs task i of B only after task i of A ended
# (marks), across a herdd SIGKILL and restart; B's task whose counterpart
# failed never runs.  herd wait ARRAY returns once the last task ended,
# with status 1 when one did not complete.

. "$(dirname "$0")/lib.sh"

setup_herdd

M=$TEST_DIR/marks
mkdir -p "$M"
# task.sh FILE SECONDS [FAIL_TASK]: start/end marks with a clock; task 0
# sleeps SECONDS, the others (the last one, the array's own record, too) 1;
# exit 3 as FAIL_TASK.
cat >"$TEST_DIR/task.sh" <<'EOF'
#!/bin/sh
echo "start $SLURM_ARRAY_TASK_ID $(date +%s.%N)" >>"$1"
if [ "$SLURM_ARRAY_TASK_ID" = 0 ]; then sleep "$2"; else sleep 1; fi
echo "end $SLURM_ARRAY_TASK_ID $(date +%s.%N)" >>"$1"
[ "${3:-x}" = "$SLURM_ARRAY_TASK_ID" ] && exit 3
exit 0
EOF
chmod +x "$TEST_DIR/task.sh"
# mark_at FILE WORD TASK: the time of "WORD TASK ..." in FILE.
mark_at() {
	awk -v w="$2" -v t="$3" '$1 == w && $2 == t { print $3; exit }' "$1"
}

# ---- afterok on a whole array; herd wait on the array ----
a=$(submit --array=0-3 "$TEST_DIR/task.sh" "$M/a" 4)
d=$(submit --dependency=afterok:"$a" --wrap "date +%s.%N >$M/d.start")
f=$(submit --array=0-2 "$TEST_DIR/task.sh" "$M/f" 1 1)
nf=$(submit --dependency=afterok:"$f" --wrap "touch $M/nf.ran")

# herd wait on the array: back only after its last task ended.
wait_jobs 60 "$a" >"$TEST_DIR/wait.out" 2>&1 || fail "herd wait $a: exit $?: $(cat "$TEST_DIR/wait.out")"
n=$(grep -c '^end' "$M/a")
assert_eq "tasks of $a ended when herd wait $a returned" 4 "$n"
wait_jobs 60 "$d" >/dev/null 2>&1 || fail "job $d did not complete: $(field "$d" .state)"
ds=$(cat "$M/d.start")
for t in 0 1 2 3; do
	e=$(mark_at "$M/a" end "$t")
	[ -n "$e" ] || fail "task $t of $a left no end mark"
	awk -v s="$ds" -v e="$e" 'BEGIN { exit !(s > e) }' ||
	    fail "job $d (afterok:$a) started at $ds, before task $t ended at $e"
done

# An array with one failing task: wait says so; the afterok job never runs.
out=$(wait_jobs 60 "$f" 2>&1)
rc=$?
assert_eq "herd wait $f (task 1 fails) exit status" 1 "$rc"
grep -q "job ${f}_1 ended FAILED" <<<"$out" || fail "herd wait $f said: $out"
wait_state "$nf" CANCELLED 20
assert_eq "reason of $nf" DependencyNeverSatisfied "$(field "$nf" .reason)"
[ -e "$M/nf.ran" ] && fail "job $nf ran although a task of $f failed"

# ---- aftercorr between two 3-task arrays, with a restart ----
# A's tasks end in the order 2, 0, 1 (and task 1 fails): B's task i follows A's task i.
cat >"$TEST_DIR/corr.sh" <<'EOF'
#!/bin/sh
case $SLURM_ARRAY_TASK_ID in 0) s=3 ;; 1) s=5 ;; *) s=1 ;; esac
echo "start $SLURM_ARRAY_TASK_ID $(date +%s.%N)" >>"$1"
sleep $s
echo "end $SLURM_ARRAY_TASK_ID $(date +%s.%N)" >>"$1"
[ "$SLURM_ARRAY_TASK_ID" = 1 ] && exit 3
exit 0
EOF
chmod +x "$TEST_DIR/corr.sh"
A=$(submit --array=0-2 "$TEST_DIR/corr.sh" "$M/A")
B=$(submit --array=0-2 --dependency=aftercorr:"$A" "$TEST_DIR/task.sh" "$M/B" 0)
# B's task 2 may run as soon as A's task 2 ended; kill herdd once it has.
for i in $(seq 1 200); do
	[ -n "$(mark_at "$M/B" start 2 2>/dev/null)" ] && break
	sleep 0.1
done
[ -n "$(mark_at "$M/B" start 2 2>/dev/null)" ] || fail "task 2 of $B did not start in 20 s"
[ -z "$(mark_at "$M/A" end 0)" ] || note "task 0 of $A ended before herdd's restart"
stop_herdd "$HERDD_PID" KILL
start_herdd
wait_nodes_up 4 20
out=$(wait_jobs 60 "$B" 2>&1)
rc=$?
assert_eq "herd wait $B (task 1 never runs) exit status" 1 "$rc"
for t in 0 2; do
	s=$(mark_at "$M/B" start "$t") e=$(mark_at "$M/A" end "$t")
	[ -n "$s" ] || fail "task $t of $B did not run"
	[ -n "$e" ] || fail "task $t of $A left no end mark"
	awk -v s="$s" -v e="$e" 'BEGIN { exit !(s > e) }' ||
	    fail "task $t of $B started at $s, before task $t of $A ended at $e"
done
[ -n "$(mark_at "$M/B" start 1)" ] && fail "task 1 of $B ran although task 1 of $A failed"
# Task 2 of B need not wait for the slow tasks 0 and 1 of A.
s2=$(mark_at "$M/B" start 2) e0=$(mark_at "$M/A" end 0)
awk -v s="$s2" -v e="$e0" 'BEGIN { exit !(s < e) }' ||
    fail "task 2 of $B started at $s2, after task 0 of $A ended at $e0: not task by task"
grep -q "${B}_1: its dependency can never be satisfied" "$HERDD_LOG" ||
    fail "herdd did not log that task ${B}_1 can never run"

assert_idle
