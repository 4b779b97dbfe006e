#!/bin/bash
# t_array_sbatch: the real #SBATCH scripts of ../shared/fixtures/sbatch/
# that use --array run with the tasks they ask for: each task once, with
# its SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, its output where the
# script's %A/%a names put it.  The scripts are adapted, not rewritten:
# their --array, --output, --error and --job-name lines stay where they are,
# the other #SBATCH lines (options herd refuses, or resources the test
# nodes lack) go, and each command becomes ':' (so that a directive after a
# command stays ignored, as sbatch ignores it); a last line records the task.
# Skipped with a message where the fixtures are absent.

. "$(dirname "$0")/lib.sh"

FIX=${HERD_FIXTURES:-$REPO/../shared/fixtures/sbatch}
[ -d "$FIX" ] || FIX=/work/shared/fixtures/sbatch
if [ ! -d "$FIX" ]; then
	echo "no fixtures directory (../shared/fixtures/sbatch): skipped"
	exit 77
fi

make_config "$HOSTS" "$STATE"
# bigscience's array goes to task 16500: past Slurm's default, as its site's.
sed -i '/^\[controller\]/a max_array_size = 20001' "$HOSTS"
start_herdd
wait_nodes_up 4 20

MARK=$TEST_DIR/marks
: >"$MARK"

# adapt FIXTURE OUT: the script as described above.
adapt() {
	sed -E -e '/^#SBATCH/{/--(array|output|error|job-name)|^#SBATCH[[:space:]]+-[oeJ]([[:space:]]|$)/!d}' \
	    -e '/^[[:space:]]*(#|$)/!s/.*/:/' "$1" >"$2" || fail "cannot adapt $1"
	echo "echo \"\$SLURM_ARRAY_JOB_ID \$SLURM_ARRAY_TASK_ID \$SLURM_ARRAY_TASK_COUNT\" >>$MARK" >>"$2"
	echo "echo out \$SLURM_ARRAY_TASK_ID" >>"$2"
	echo "echo err \$SLURM_ARRAY_TASK_ID >&2" >>"$2"
}

# check NAME IDS OUT_PATTERN [ERR_PATTERN]: every task once, its files there
# (patterns with A and T for the array and task ids, relative to $WORK).
declare -A want_tasks want_out want_err
want_tasks[bigscience_jz_eval-array.slurm]=$(seq 500 1000 16500 | tr '\n' ' ')
want_out[bigscience_jz_eval-array.slurm]="std-eval-A_T.out"
want_err[bigscience_jz_eval-array.slurm]=""
want_tasks[fasrc_job-array-list.sbatch]="100 200 300 "
want_out[fasrc_job-array-list.sbatch]="output_T.out"
want_err[fasrc_job-array-list.sbatch]="error_T.err"
want_tasks[maherdissem_job_within-directive-after-command.sh]=$(seq 0 14 | tr '\n' ' ')
want_out[maherdissem_job_within-directive-after-command.sh]="herd-A_T.out"
want_err[maherdissem_job_within-directive-after-command.sh]=""
want_tasks[princeton_job-array-python.slurm]="0 1 2 "
want_out[princeton_job-array-python.slurm]="slurm-A.T.out"
want_err[princeton_job-array-python.slurm]="slurm-A.T.err"
want_tasks[rkruser_submit-template-triple-hash.sh]=$(seq 0 9 | tr '\n' ' ')
want_out[rkruser_submit-template-triple-hash.sh]="{2}out_T.txt"
want_err[rkruser_submit-template-triple-hash.sh]=""

declare -A aid
for f in "${!want_tasks[@]}"; do
	[ -r "$FIX/$f" ] || fail "fixture $f missing from $FIX"
	grep -q -- '--array' "$FIX/$f" || fail "fixture $f has no --array"
	adapt "$FIX/$f" "$TEST_DIR/$f"
	aid[$f]=$(submit "$TEST_DIR/$f")
done
total=0
for f in "${!want_tasks[@]}"; do
	total=$((total + $(wc -w <<<"${want_tasks[$f]}")))
done
for i in $(seq 1 900); do
	[ "$(wc -l <"$MARK")" -ge "$total" ] && break
	sleep 0.1
done
sleep 0.5
for f in "${!want_tasks[@]}"; do
	a=${aid[$f]}
	n=$(wc -w <<<"${want_tasks[$f]}")
	got=$(awk -v a="$a" '$1 == a { print $2 }' "$MARK" | sort -n | tr '\n' ' ')
	assert_eq "$f (array $a): tasks that ran" "${want_tasks[$f]}" "$got"
	counts=$(awk -v a="$a" '$1 == a { print $3 }' "$MARK" | sort -u | tr '\n' ' ')
	assert_eq "$f: SLURM_ARRAY_TASK_COUNT" "$n " "$counts"
	for t in ${want_tasks[$f]}; do
		o=${want_out[$f]//A/$a}
		o=${o//T/$t}
		e=${want_err[$f]//A/$a}
		e=${e//T/$t}
		if [ -z "$e" ]; then
			assert_file_is "$WORK/$o" "out $t
err $t
"
		else
			assert_file_is "$WORK/$o" "out $t
"
			assert_file_is "$WORK/$e" "err $t
"
		fi
	done
done
assert_eq "lines in the marks" "$total" "$(wc -l <"$MARK")"
for i in $(seq 1 100); do
	[ "$(herd queue --json | jq length)" = 0 ] && break
	sleep 0.1
done
assert_idle
