#!/bin/bash
# t_update_elig: herd update of when a pending job may start, hold/release
# through the lifecycle, the JSON partition key, and --test-only's own
# eligibility.
#  1. begin_time: a job waiting for a begin an hour away gets another one,
#     then "now", and runs.
#  2. dependency: set (Slurm's spelling too), refused when its job does not
#     exist or when it would make a cycle (directly or through another
#     pending job), kept across a herdd SIGKILL, cleared by an empty value.
#  3. nice: set and kept across the SIGKILL; hold is not an update key.
#  4. "partition" is in herd show --json and herd queue --json, null.
#  5. --test-only says a --hold, a future --begin or an unmet --dependency
#     job would not start now, with the reason; held jobs ahead of it do not
#     take the node it would get.

. "$(dirname "$0")/lib.sh"

setup_herdd

# ---- 1. begin_time ----
a=$(submit --begin=now+3600 --wrap true)
assert_eq "reason of a job begun in an hour" BeginTime "$(field "$a" .reason)"
b0=$(field "$a" .begin_time)
herd update "$a" BeginTime=now+7200 || fail "herd update $a BeginTime=now+7200 failed"
b1=$(field "$a" .begin_time)
[ "$b1" != "$b0" ] && [ "$b1" != null ] || fail "begin_time did not change: $b0 -> $b1"
out=$(herd update "$a" begin_time=someday 2>&1); rc=$?
assert_eq "exit status of begin_time=someday" 2 "$rc"
grep -q "someday" <<<"$out" || fail "update begin_time=someday: got: $out"
assert_eq "begin_time after a refused update" "$b1" "$(field "$a" .begin_time)"
herd update "$a" begin_time=now || fail "herd update $a begin_time=now failed"
wait_jobs 30 "$a" || fail "job $a did not run once its begin time was now"
assert_eq "state of $a" COMPLETED "$(field "$a" .state)"

# ---- 2. dependency ----
x=$(submit --hold -J x --wrap true)
y=$(submit --hold -J y --wrap true)
z=$(submit --hold -J z --wrap true)
herd update "$y" dependency=afterok:"$x" || fail "herd update $y dependency=afterok:$x failed"
herd update "$z" Dependency=afterany:"$y" || fail "herd update $z Dependency=afterany:$y failed"
herd release "$y" "$z" >/dev/null || fail "herd release $y $z failed"
assert_eq "reason of $y once released" Dependency "$(field "$y" .reason)"
grep -q "afterok:$x" <<<"$(field "$y" .dependency)" || fail "dependency of $y: $(field "$y" .dependency)"
out=$(herd update "$x" dependency=afterok:"$y" 2>&1) && fail "a cycle $x -> $y -> $x was accepted"
grep -qF -- "--dependency would make a cycle: $x -> $y -> $x" <<<"$out" || fail "cycle: got: $out"
out=$(herd update "$x" dependency=afterok:"$z" 2>&1) && fail "a cycle through $z was accepted"
grep -qF -- "cycle: $x -> $z -> $y -> $x" <<<"$out" || fail "cycle through two: got: $out"
out=$(herd update "$x" dependency=after:"$x" 2>&1) && fail "a dependency on itself was accepted"
grep -qF -- "cycle: $x -> $x" <<<"$out" || fail "self dependency: got: $out"
out=$(herd update "$x" dependency=afterok:99999999 2>&1) && fail "dependency on no job accepted"
grep -q "does not exist" <<<"$out" || fail "dependency on no job: got: $out"
assert_eq "dependency of $x after refusals" null "$(field "$x" .dependency)"

# ---- 3. nice, hold ----
herd update "$y" nice=50 || fail "herd update $y nice=50 failed"
assert_eq "nice of $y" 50 "$(field "$y" .nice)"
out=$(herd update "$y" hold=1 2>&1); rc=$?
assert_eq "exit status of update hold=1" 2 "$rc"
grep -q "herd hold" <<<"$out" || fail "update hold=1: got: $out"

stop_herdd "$HERDD_PID" KILL
start_herdd
wait_nodes_up 4 20
grep -q "afterok:$x" <<<"$(field "$y" .dependency)" ||
    fail "dependency of $y after a herdd SIGKILL: $(field "$y" .dependency)"
assert_eq "nice of $y after a herdd SIGKILL" 50 "$(field "$y" .nice)"
assert_eq "hold of $x after a herdd SIGKILL" JobHeldUser "$(field "$x" .reason)"
out=$(herd update "$x" dependency=afterok:"$y" 2>&1) && fail "cycle accepted after the restart"

herd update "$y" dependency= || fail "herd update $y dependency= failed"
assert_eq "dependency of $y once cleared" null "$(field "$y" .dependency)"
wait_jobs 30 "$y" || fail "job $y did not run once its dependency was cleared"
herd release "$x" >/dev/null || fail "herd release $x failed"
wait_jobs 30 "$x" "$z" || fail "jobs $x $z did not run"
assert_eq "state of $z" COMPLETED "$(field "$z" .state)"

# ---- 4. partition ----
p=$(submit --hold --wrap true)
assert_eq "show --json has partition, null" true "$(show_json "$p" | jq 'has("partition") and .partition == null')"
assert_eq "queue --json has partition, null" true "$(herd queue --json |
    jq --argjson p "$p" 'map(select(.id == $p)) | length == 1 and (.[0] | has("partition") and .partition == null)')"
herd cancel "$p"

# ---- 5. --test-only ----
out=$(herd submit --test-only --hold --wrap true) || fail "--test-only --hold failed: $out"
grep -q "would not start now (JobHeldUser)" <<<"$out" || fail "--test-only --hold printed: $out"
out=$(herd submit --test-only --begin=now+3600 --wrap true) || fail "--test-only --begin failed: $out"
grep -q "would not start now (BeginTime)" <<<"$out" || fail "--test-only --begin printed: $out"
h=$(submit --hold --gpus 8 --wrap true)
out=$(herd submit --test-only --dependency=afterok:"$h" --wrap true) || fail "--test-only --dependency failed: $out"
grep -q "would not start now (Dependency)" <<<"$out" || fail "--test-only --dependency printed: $out"
# The held 8-GPU job ahead may not start: node1's 8 GPUs are this one's.
out=$(herd submit --test-only --gpus 8 --wrap true) || fail "--test-only --gpus 8 failed: $out"
grep -q "to start at .* on nodes node1" <<<"$out" || fail "--test-only behind a held job printed: $out"
json=$(herd submit --test-only --json --hold --wrap true) || fail "--test-only --json --hold failed"
assert_eq "--test-only --json .reason" JobHeldUser "$(jq -r .reason <<<"$json")"
herd cancel "$h"
