#!/bin/bash
# t_eligible: when a pending job becomes eligible.
#  - --begin=now+5 shows BeginTime and starts no earlier than its begin
#    time, itself at least 5 s after the submit (the job's own start mark);
#  - --hold stays pending (JobHeldUser) until herd release; herd hold by
#    root is JobHeldAdmin;
#  - afterok chains run in order; afterok on a failed job ends CANCELLED
#    with DependencyNeverSatisfied; a dependency on a job that does not
#    exist is refused at submit;
#  - singleton jobs of one name run one at a time (their own marks);
#  - --nice reorders one user's pending jobs;
#  - a herdd SIGKILL and restart keeps holds, begin times and dependencies;
#    with kill_invalid_depend = no a never-satisfiable job stays pending;
#  - a second user cannot release root's hold on their job (if useradd).

. "$(dirname "$0")/lib.sh"

setup_herdd
M=$TEST_DIR/marks
mkdir -p "$M"

reason() { field "$1" .reason; }
# gated NAME: a command that waits (bounded) until the test opens gate NAME,
# so that what is checked meanwhile does not depend on the machine's speed.
gated() { echo "for i in \$(seq 1 600); do [ -e $M/gate.$1 ] && break; sleep 0.1; done"; }

# ---- refusals at submit ----
out=$(herd submit --begin=someday --wrap true 2>&1) && fail "--begin=someday accepted: $out"
grep -q 'invalid --begin "someday"' <<<"$out" || fail "--begin=someday: $out"
out=$(herd submit --dependency=afterok:987654 --wrap true 2>&1) &&
    fail "a dependency on a job that does not exist was accepted: $out"
grep -q "job 987654 does not exist" <<<"$out" || fail "dependency on job 987654: $out"
assert_eq "queue after the refusals" "[]" "$(herd queue --json | jq -c .)"

# ---- --begin ----
t0=$(date +%s)
bj=$(submit --begin=now+5 --wrap "date +%s >$M/begin.start")
assert_eq "reason of the --begin job" BeginTime "$(reason "$bj")"
bt=$(field "$bj" .begin_time)
[ "$bt" != null ] || fail "job $bj: begin_time is null"
bts=$(date -d "$bt" +%s 2>/dev/null || echo "$bt")
[ "$bts" -ge $((t0 + 5)) ] || fail "job $bj: begin_time $bt is before submit+5 ($t0+5)"

# ---- --hold, herd release, herd hold ----
hj=$(submit --hold --wrap "date +%s >$M/hold.start")
assert_eq "reason of the --hold job" JobHeldUser "$(reason "$hj")"
assert_eq "held of the --hold job" 1 "$(field "$hj" .held)"
# Nothing else happens meanwhile: the begin time alone must wake the scheduler.
wait_jobs 30 "$bj" || fail "the --begin job $bj did not end"

# ---- afterok chain and a never-satisfied dependency ----
a=$(submit --wrap "$(gated a); echo a >>$M/order")
b=$(submit --dependency=afterok:"$a" --wrap "echo b >>$M/order")
c=$(submit -d afterok:"$b" --wrap "echo c >>$M/order")
assert_eq "reason of job $b" Dependency "$(reason "$b")"
assert_eq "dependency of job $b" "afterok:$a(unfulfilled)" "$(field "$b" .dependency)"
touch "$M/gate.a"
f=$(submit --wrap "exit 3")
nf=$(submit --dependency=afterok:"$f" --wrap "touch $M/never.ran")

# ---- singleton ----
s=()
for i in 1 2 3; do
	s+=("$(submit -J "single$UNIQ" --dependency=singleton \
	    --wrap "echo s \$HERD_JOB_ID >>$M/single; sleep 1; echo e \$HERD_JOB_ID >>$M/single")")
done

wait_jobs 60 "$a" "$b" "$c" "${s[@]}" || fail "jobs $a $b $c ${s[*]} did not all complete"
wait_jobs 20 "$nf"	# exits non-zero: it is cancelled
assert_eq "state of job $bj" COMPLETED "$(field "$bj" .state)"
st=$(cat "$M/begin.start")
[ "$st" -ge "$bts" ] || fail "job $bj started at $st, before its begin time $bts"
[ "$st" -ge $((t0 + 5)) ] || fail "job $bj started at $st, less than 5 s after submit ($t0)"
assert_eq "order of the afterok chain" "a b c" "$(tr '\n' ' ' <"$M/order" | sed 's/ $//')"
for id in "$a" "$b" "$c"; do
	assert_eq "state of job $id" COMPLETED "$(field "$id" .state)"
done
assert_eq "state of the afterok-on-failed job $nf" "CANCELLED DependencyNeverSatisfied" \
    "$(field "$nf" '"\(.state) \(.reason)"')"
[ -e "$M/never.ran" ] && fail "job $nf ran although its dependency failed"
# Singletons: start, end, start, end... never two started at once.
seq=$(awk '{print $1}' "$M/single" | tr -d '\n')
assert_eq "singleton marks (s start, e end: $(tr '\n' ' ' <"$M/single"))" sesese "$seq"
for id in "${s[@]}"; do
	assert_eq "state of singleton $id" COMPLETED "$(field "$id" .state)"
done

# The held job is still pending; released, it runs.
assert_eq "state of held job $hj" "PENDING JobHeldUser" "$(field "$hj" '"\(.state) \(.reason)"')"
[ -e "$M/hold.start" ] && fail "held job $hj ran"
herd release "$hj" || fail "herd release $hj failed"
wait_jobs 30 "$hj" || fail "released job $hj did not end"
assert_eq "state of released job $hj" COMPLETED "$(field "$hj" .state)"

# ---- nice: two jobs behind a blocker that takes every GPU of a node ----
blk=$(submit --gpus 8 --wrap "$(gated blk)")
wait_state "$blk" RUNNING 20
n1=$(submit --gpus 8 --nice=10 --wrap "echo n1 >>$M/nice")
n2=$(submit --gpus 8 --wrap "echo n2 >>$M/nice")
assert_eq "nice of job $n1" 10 "$(field "$n1" .nice)"

# ---- restart keeps holds, begin times and dependencies ----
rb=$(submit --begin=now+8 --wrap "date +%s >$M/rb.start")
rbt=$(field "$rb" .begin_time)
rd=$(submit --dependency=afterany:"$blk" --wrap "true")
herd hold "$rb" || fail "herd hold $rb failed"
assert_eq "reason of job $rb held by root" JobHeldAdmin "$(reason "$rb")"
assert_eq "held of job $rb" 2 "$(field "$rb" .held)"
stop_herdd "$HERDD_PID" KILL
# Started again with kill_invalid_depend = no.
sed -i 's/^\[controller\]$/[controller]\nkill_invalid_depend = no/' "$HOSTS"
start_herdd
wait_nodes_up 4 20
assert_eq "job $rb after the restart" "PENDING JobHeldAdmin 2 $rbt" \
    "$(field "$rb" '"\(.state) \(.reason) \(.held) \(.begin_time)"')"
assert_eq "job $rd after the restart" "PENDING Dependency afterany:$blk(unfulfilled)" \
    "$(field "$rd" '"\(.state) \(.reason) \(.dependency)"')"
assert_eq "jobs $n1 $n2 after the restart" "PENDING 10 PENDING 0" \
    "$(field "$n1" '"\(.state) \(.nice)"') $(field "$n2" '"\(.state) \(.nice)"')"
touch "$M/gate.blk"
herd release "$rb" || fail "root could not release job $rb"
wait_jobs 60 "$blk" "$n1" "$n2" "$rd" "$rb" || fail "jobs did not end after the restart"
assert_eq "order of the nice jobs" "n2 n1" "$(tr '\n' ' ' <"$M/nice" | sed 's/ $//')"
assert_eq "state of job $rd" COMPLETED "$(field "$rd" .state)"
rbts=$(date -d "$rbt" +%s 2>/dev/null || echo "$rbt")
[ "$(cat "$M/rb.start")" -ge "$rbts" ] || fail "job $rb started before its begin time $rbt"

# kill_invalid_depend = no: it stays pending with the reason.
f2=$(submit --wrap "exit 1")
wait_jobs 30 "$f2"	# exit 1
k=$(submit "--dependency=afternotok:$f2?afterok:$f2" --wrap true)
wait_jobs 20 "$k" || fail "job $k (afternotok on a failed job) did not run"
k2=$(submit --dependency=afterok:"$f2" --wrap "touch $M/never2.ran")
for i in $(seq 1 50); do
	[ "$(reason "$k2")" = DependencyNeverSatisfied ] && break
	sleep 0.1
done
assert_eq "job $k2 with kill_invalid_depend = no" "PENDING DependencyNeverSatisfied" \
    "$(field "$k2" '"\(.state) \(.reason)"')"
herd cancel "$k2" || fail "herd cancel $k2 failed"
wait_jobs 20 "$k2"	# cancelled

# ---- a second user may not release root's hold ----
if ! command -v useradd >/dev/null || ! command -v runuser >/dev/null; then
	note "second-user check skipped: no useradd or runuser"
	assert_idle
	exit 0
fi
U=herde$UNIQ
U=${U:0:30}
useradd -M -N -s /bin/sh "$U" || fail "useradd $U failed"
at_exit "userdel '$U' 2>/dev/null"
SD=/tmp/herdelig.$UNIQ
mkdir -m 711 "$SD" || fail "cannot make $SD"
at_exit "rm -rf '$SD'"
install -m 755 "$HERD_BIN/herd" "$SD/herd"
stop_herdd "$HERDD_PID"
sed -i "s|^socket = .*|socket = $SD/herd.sock|" "$HOSTS"
start_herdd
wait_nodes_up 4 20
chmod 666 "$SD/herd.sock"
as_user() {
	(cd "$SD" && runuser -u "$U" -- env ASAN_OPTIONS=detect_leaks=1 \
	    UBSAN_OPTIONS=print_stacktrace=1 "$SD/herd" -s "$SD/herd.sock" "$@")
}
uj=$(as_user submit --parsable -D "$SD" --hold --wrap true 2>&1) || fail "$U could not submit: $uj"
out=$(as_user submit --parsable -D "$SD" --dependency=afterok:"$blk" --wrap true 2>&1) &&
    fail "$U could depend on root's job $blk: $out"
grep -q "not yours" <<<"$out" || fail "$U's dependency on root's job: $out"
assert_eq "reason of $U's --hold job" JobHeldUser "$(reason "$uj")"
herd hold "$uj" || fail "root could not hold $U's job $uj"
assert_eq "reason of $U's job held by root" JobHeldAdmin "$(reason "$uj")"
out=$(as_user release "$uj" 2>&1) && fail "$U released root's hold on $uj: $out"
grep -q "only an admin or root may release it" <<<"$out" || fail "$U's release of $uj: $out"
assert_eq "reason of $uj after $U's release" JobHeldAdmin "$(reason "$uj")"
herd release "$uj" || fail "root could not release $uj"
as_user hold "$uj" 2>/dev/null	# may have started already: either is fine
if [ "$(field "$uj" .state)" = PENDING ]; then
	assert_eq "reason of $uj held by $U" JobHeldUser "$(reason "$uj")"
	as_user release "$uj" || fail "$U could not release its own hold on $uj"
fi
wait_jobs 30 "$uj" || fail "job $uj did not end"
assert_idle
