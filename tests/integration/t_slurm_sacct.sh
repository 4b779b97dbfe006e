#!/bin/bash
# t_slurm_sacct: herd under Slurm's name sacct (a link to herd) on the test
# cluster: jobs that failed, completed, run, wait (held), in sacct's
# default format (header and rule), -n -P -o with Slurm's field names (the
# one-liner `sacct -j ID -n -P -o State`), -p, -X, -s, -S/-E, -u, -A,
# AllocTRES' gres/gpu; an option herd does not act on refused by name,
# an unknown one 1 in Slurm's words.

. "$(dirname "$0")/lib.sh"

make_config "$HOSTS" "$STATE"
start_herdd
wait_nodes_up 4 20
export HERD_CONFIG=$HOSTS	# the links take no -c: they find herdd as herd does
SB=$TEST_DIR/slurm-bin
mkdir -p "$SB"
for n in sacct sbatch; do
	ln -s "$HERD_BIN/herd" "$SB/$n" || fail "cannot link $SB/$n"
done
me=$(id -un)
cd "$TEST_DIR" || fail "no $TEST_DIR"

failed=$("$SB/sbatch" --parsable --wait -J bad --wrap "exit 3"); rc=$?
assert_eq "sbatch --wait of exit 3" 3 "$rc"
ok=$("$SB/sbatch" --parsable --wait -J good --gres=gpu:1 --wrap true) || fail "sbatch --wait true: exit $?"
run=$("$SB/sbatch" --parsable -J long --wrap "sleep 60") || fail "sbatch sleep: exit $?"
held=$("$SB/sbatch" --parsable --hold -J held --wrap true) || fail "sbatch --hold: exit $?"
wait_state "$run" RUNNING 20

# --- The one-liner: a job's state alone, whether ended, running or waiting.
assert_eq "sacct -j $failed -n -P -o State" FAILED "$("$SB/sacct" -j "$failed" -n -P -o State)"
assert_eq "sacct -j $ok -n -P -o State" COMPLETED "$("$SB/sacct" -j "$ok" -n -P -o State)"
assert_eq "sacct -j $run -n -P -o State" RUNNING "$("$SB/sacct" -j "$run" -n -P -o State)"
assert_eq "sacct -j $held -n -P -o State" PENDING "$("$SB/sacct" -j "$held" -n -P -o State)"
assert_eq "sacct -X -j $failed -n -P -o jobid,jobname,exitcode,user" "$failed|bad|3:0|$me" \
    "$("$SB/sacct" -X -j "$failed" -n -P -o jobid,jobname,exitcode,user)"
assert_eq "sacct -j $held -n -p -o JobID,NodeList,Start" "$held|None assigned|Unknown|" \
    "$("$SB/sacct" -j "$held" -n -p -o JobID,NodeList,Start)"
tres=$("$SB/sacct" -j "$ok" -n -P -o AllocTRES)
[[ $tres == *gres/gpu=1* ]] || fail "sacct -o AllocTRES of a --gres=gpu:1 job: '$tres'"
node=$(field "$ok" .node)
assert_eq "sacct -o NodeList" "$node" "$("$SB/sacct" -j "$ok" -n -P -o NodeList)"

# --- The default format: today's jobs, sacct's header and rule, by id.
out=$("$SB/sacct") || fail "sacct: exit $?"
assert_eq "sacct's header" "JobID JobName Partition Account AllocCPUS State ExitCode" \
    "$(head -1 <<<"$out" | tr -s ' ' | sed 's/ $//')"
assert_eq "sacct's rule" "------------ ---------- ---------- ---------- ---------- ---------- -------- " \
    "$(sed -n 2p <<<"$out")"
assert_eq "sacct's job ids, in order" "$failed $ok $run $held" \
    "$(tail -n +3 <<<"$out" | awk '{ print $1 }' | xargs)"
row=$(awk -v id="$failed" '$1 == id' <<<"$out" | tr -s ' ' | sed 's/ $//')
acct=$(field "$failed" .account)
assert_eq "sacct's row of $failed (no partitions: that column empty)" "$failed bad $acct 1 FAILED 3:0" "$row"

# --- Filters: states, window, user, account.
assert_eq "sacct -s CD" "$ok" "$("$SB/sacct" -n -P -o JobID -s CD)"
assert_eq "sacct -s F,PD" "$failed $held" "$("$SB/sacct" -n -P -o JobID -s F,PD | xargs)"
assert_eq "sacct -S now-1hours -u $me" "$failed $ok $run $held" \
    "$("$SB/sacct" -S now-1hours -u "$me" -n -P -o JobID | xargs)"
assert_eq "sacct -E 2001-01-01" "" "$("$SB/sacct" -S 2000-01-01 -E 2001-01-01 -n -P -o JobID)"
assert_eq "sacct -A nosuch" "" "$("$SB/sacct" -A nosuch -n -P -o JobID)"

# --- Refused: an option herd does not act on by name, an unknown one 1.
"$SB/sacct" --duplicates 2>"$TEST_DIR/d.err" >/dev/null; rc=$?
assert_eq "sacct --duplicates: status" 1 "$rc"
grep -q "sacct: --duplicates is not supported by herd" "$TEST_DIR/d.err" ||
    fail "sacct --duplicates said: $(cat "$TEST_DIR/d.err")"
"$SB/sacct" --x >/dev/null 2>"$TEST_DIR/x.err"; rc=$?
assert_eq "sacct --x: status" 1 "$rc"
grep -q "Try" "$TEST_DIR/x.err" && fail "sacct --x: a Try line sacct does not print: $(cat "$TEST_DIR/x.err")"
grep -qxF "sacct: unrecognized option '--x'" "$TEST_DIR/x.err" || fail "sacct --x said: $(cat "$TEST_DIR/x.err")"
"$SB/sacct" -o Bogus >/dev/null 2>"$TEST_DIR/b.err"; rc=$?
assert_eq "sacct -o Bogus: status" 1 "$rc"
grep -q 'invalid field "Bogus"' "$TEST_DIR/b.err" || fail "sacct -o Bogus said: $(cat "$TEST_DIR/b.err")"

herd cancel "$run" "$held" >/dev/null
echo "t_slurm_sacct: ok"
