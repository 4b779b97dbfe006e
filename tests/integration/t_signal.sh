#!/bin/bash
# t_signal: sbatch's --signal=[B:]SIG@TIME, from #SBATCH lines.  Without B:
# the job's processes but its batch shell get SIG TIME seconds before the
# time limit (a child that traps it writes a mark while the job still runs;
# the batch shell, which does not trap it, lives on to the limit); with B:
# the batch shell alone (its trap writes a mark, a child that would write
# one if signalled does not).  herd show and --json list it and whether it
# was sent; a bad value is refused with file:line; a herdd killed and started again after the signal does not send
# it again; a job without a time limit is told it never gets it.

. "$(dirname "$0")/lib.sh"

setup_herdd

cat >"$TEST_DIR/steps.sh" <<'EOF'
#!/bin/sh
#SBATCH --time=0:20
#SBATCH --signal=USR1@15
# No trap here: a USR1 to the batch shell would end the job before its limit.
sh -c 'trap "echo child >>mark-$HERD_JOB_ID-child; exit 0" USR1
while :; do sleep 0.2; done' &
while :; do sleep 0.2; done
EOF
cat >"$TEST_DIR/batch.sh" <<'EOF'
#!/bin/sh
#SBATCH --time=0:20
#SBATCH --signal=B:USR1@15
trap 'echo shell >>mark-$HERD_JOB_ID-shell' USR1
sh -c 'trap "echo child >>mark-$HERD_JOB_ID-child" USR1
while :; do sleep 0.2; done' &
while :; do sleep 0.2; done
EOF
a=$(submit "$TEST_DIR/steps.sh")
b=$(submit "$TEST_DIR/batch.sh")
assert_eq "warn_signal of $a (JSON)" "USR1@15" "$(field "$a" .warn_signal)"
assert_eq "warn_signal of $b (JSON)" "B:USR1@15" "$(field "$b" .warn_signal)"
herd show "$b" | grep -qx 'warn_signal  B:USR1@15' ||
    fail "herd show $b lacks 'warn_signal  B:USR1@15': $(herd show "$b")"

# The marks come while the jobs still run (sent 15 s before a 20 s limit).
wait_file "$WORK/mark-$a-child" 30
assert_eq "state of $a when its child got USR1" RUNNING "$(field "$a" .state)"
wait_file "$WORK/mark-$b-shell" 30
assert_eq "state of $b when its batch shell got USR1" RUNNING "$(field "$b" .state)"
for j in "$a" "$b"; do
	assert_eq "warn_signal_sent of $j (its attempt)" 1 "$(field "$j" .warn_signal_sent)"
done
herd show "$a" | grep -qx 'warn_signal  USR1@15 (sent)' ||
    fail "herd show $a does not say the signal was sent: $(herd show "$a" | grep warn)"

# A restart must not send it again (the attempt it went to is stored).
stop_herdd "$HERDD_PID" KILL
start_herdd
wait_nodes_up 4 20

wait_state "$a" TIMEOUT 40
wait_state "$b" TIMEOUT 40
assert_eq "marks of $b's batch shell (one signal, across the restart)" 1 \
    "$(wc -l <"$WORK/mark-$b-shell")"
[ ! -e "$WORK/mark-$b-child" ] ||
    fail "B:USR1 reached a child of job $b, not only its batch shell"
[ ! -e "$WORK/mark-$a-shell" ] || fail "unexpected mark of $a's batch shell"
assert_eq "signals logged for $b" 1 "$(grep -c "job $b: --signal=B:USR1@15: SIGUSR1 sent" "$HERDD_LOG")"

# A bad value is refused, saying where and what; nothing is queued.
printf '#!/bin/sh\n#SBATCH --signal=USR1@1m\ntrue\n' >"$TEST_DIR/bad.sh"
out=$(herd submit "$TEST_DIR/bad.sh" 2>&1)
assert_eq "exit status of a submit with --signal=USR1@1m (output: $out)" 2 "$?"
grep -qF "$TEST_DIR/bad.sh:2: invalid --signal \"USR1@1m\": the time after @ must be a whole number of seconds" <<<"$out" ||
    fail "#SBATCH --signal=USR1@1m: $out"

# Without a time limit it is never sent: said at submit and by herd show.
c=$(herd submit --parsable --hold --signal=SIGUSR2 --wrap true 2>"$TEST_DIR/c.err") ||
    fail "submit --signal without --time failed: $(cat "$TEST_DIR/c.err")"
grep -q "warning: --signal=USR2@60 is never sent: the job has no time limit" "$TEST_DIR/c.err" ||
    fail "no warning for --signal without --time: $(cat "$TEST_DIR/c.err")"
herd show "$c" | grep -qx 'warn_signal  USR2@60 (never sent: no time limit)' ||
    fail "herd show $c: $(herd show "$c" | grep warn)"
herd cancel "$c" || fail "herd cancel $c failed"
assert_idle
