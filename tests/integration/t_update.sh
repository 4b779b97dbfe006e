#!/bin/bash
# t_update: herd update ID KEY=VALUE...
#  1. A pending job (behind an 8-GPU blocker): bad values (a GPU count no
#     node has, a bad duration, an unknown key, a running-only refusal
#     mixed with a good value) change nothing; good ones (GPUs, time limit,
#     name, Slurm's spellings) change the job, and it then runs with them.
#  2. A running job: its owner may lower the time limit, not change its
#     GPUs; root may raise it.  A real second user (as t_perms.sh; skipped
#     with a note without useradd/runuser) may lower its own job's limit
#     but not raise it, and may not update root's job.
#  3. Updates survive a herdd SIGKILL.

. "$(dirname "$0")/lib.sh"

setup_herdd

# ---- 1. a pending job ----
tag1="91.$UNIQ"
blk=$(submit --gpus 8 --wrap "sleep $tag1")
wait_state "$blk" RUNNING 20
p=$(submit --gpus 8 --time 10 -J before --wrap true)
sleep 0.5
assert_eq "state of the job behind the blocker" PENDING "$(field "$p" .state)"
snapshot() { show_json "$p" | jq -c '{name, ngpus, time_limit, cpus, mem_mb, state}'; }
orig=$(snapshot)

out=$(herd update "$p" gpus=64 2>&1) && fail "herd update $p gpus=64 exited 0: $out"
grep -q "no node has 64 GPUs" <<<"$out" || fail "update gpus=64: got: $out"
out=$(herd update "$p" TimeLimit=someday 2>&1); rc=$?
assert_eq "exit status of an update with a bad duration" 2 "$rc"
grep -q "TimeLimit=someday" <<<"$out" || fail "update TimeLimit=someday: got: $out"
out=$(herd update "$p" color=blue 2>&1); rc=$?
assert_eq "exit status of an update of an unknown key" 2 "$rc"
grep -q '"color" cannot be updated' <<<"$out" || fail "update color=blue: got: $out"
out=$(herd update "$p" name=ok gpus=64 2>&1) && fail "update name=ok gpus=64 exited 0: $out"
assert_eq "the pending job after refused updates" "$orig" "$(snapshot)"

herd update "$p" TimeLimit=2:00 JobName=after || fail "herd update $p TimeLimit JobName failed"
assert_eq "name after update" after "$(field "$p" .name)"
assert_eq "time limit after update" 120 "$(field "$p" .time_limit)"
assert_eq "state after update" PENDING "$(field "$p" .state)"
herd update "$p" gpus=2 mem=1G || fail "herd update $p gpus=2 failed"
wait_jobs 30 "$p" || fail "job $p did not complete once it asked for 2 GPUs"
assert_eq "GPUs of the updated job" 2 "$(field "$p" .ngpus)"
assert_eq "GPUs it ran with" 2 "$(field "$p" '.gpus | length')"
assert_eq "memory of the updated job" 1024 "$(field "$p" .mem_mb)"
out=$(herd update "$p" time_limit=5 2>&1) && fail "update of ended job $p exited 0"
grep -q "has ended" <<<"$out" || fail "update of an ended job: got: $out"
herd cancel "$blk"

# ---- 2. a running job's time limit ----
tag2="92.$UNIQ"
r=$(submit --time 10 --wrap "sleep $tag2")
wait_state "$r" RUNNING 20
out=$(herd update "$r" gpus=1 2>&1) && fail "update gpus of running job $r exited 0"
grep -q "only its time limit" <<<"$out" || fail "update gpus of a running job: got: $out"
herd update "$r" time_limit=5 || fail "lowering running job $r's time limit failed"
assert_eq "time limit lowered" 300 "$(field "$r" .time_limit)"
herd update "$r" time_limit=20 || fail "root could not raise running job $r's time limit"
assert_eq "time limit raised by root" 1200 "$(field "$r" .time_limit)"

# ---- 3. a herdd SIGKILL keeps them ----
stop_herdd "$HERDD_PID" KILL
start_herdd
wait_nodes_up 4 20
assert_eq "time limit after a herdd SIGKILL" 1200 "$(field "$r" .time_limit)"
assert_eq "name of $p after a herdd SIGKILL" after "$(field "$p" .name)"
herd cancel "$r"
wait_gone "sleep $tag2" 10 || fail "job $r still runs after cancel"

# ---- the second user ----
if ! command -v useradd >/dev/null || ! command -v runuser >/dev/null; then
	note "second-user checks skipped: no useradd or runuser on this machine"
	exit 0
fi
U=herdu$UNIQ
U=${U:0:30}
useradd -M -N -s /bin/sh "$U" || fail "useradd $U failed"
at_exit "userdel '$U' 2>/dev/null"
SD=/tmp/herdupd.$UNIQ
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
tag3="93.$UNIQ"
uj=$(as_user submit --parsable -D "$SD" --time 10 --wrap "sleep $tag3" 2>&1) ||
    fail "user $U could not submit: $uj"
wait_state "$uj" RUNNING 20
out=$(as_user update "$uj" time_limit=5 2>&1) || fail "$U could not lower its job's limit: $out"
assert_eq "time limit lowered by its owner" 300 "$(field "$uj" .time_limit)"
out=$(as_user update "$uj" time_limit=8 2>&1) && fail "$U raised its running job's limit: $out"
grep -q "only root may raise" <<<"$out" || fail "$U raising its limit: got: $out"
out=$(as_user update "$uj" time_limit=UNLIMITED 2>&1) && fail "$U made its job unlimited: $out"
assert_eq "time limit after the refused raises" 300 "$(field "$uj" .time_limit)"
tag4="94.$UNIQ"
rj=$(submit --time 10 --wrap "sleep $tag4")
wait_state "$rj" RUNNING 20
out=$(as_user update "$rj" time_limit=1 2>&1) && fail "$U updated root's job $rj: $out"
grep -q "not yours" <<<"$out" || fail "$U updating root's job: got: $out"
out=$(as_user requeue "$rj" 2>&1) && fail "$U requeued root's job $rj: $out"
grep -q "not yours" <<<"$out" || fail "$U requeuing root's job: got: $out"
assert_eq "root's job after $U's refused update" 600 "$(field "$rj" .time_limit)"
herd update "$uj" time_limit=30 || fail "root could not raise $U's job's limit"
assert_eq "time limit of $U's job raised by root" 1800 "$(field "$uj" .time_limit)"
herd cancel "$uj" "$rj"
wait_gone "sleep $tag3" 10 || fail "$U's job still runs after cancel"
wait_gone "sleep $tag4" 10 || fail "root's job still runs after cancel"
assert_idle
