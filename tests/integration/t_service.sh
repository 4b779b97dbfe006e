#!/bin/bash
# t_service: herd service start/stop/ls/show and the restart policy, on
# the test cluster's real nodes.  A service whose command exits 1 after 2 s
# is started again with growing gaps (its attempts' start times in herd
# history) and, past --max-restarts 3, ends FAILED CrashLoop with its last
# exit shown in herd service ls; --restart never ends after one run; a
# second start of a running name is refused naming the first; herd service
# stop ends one for good (CANCELLED, not restarted).

. "$(dirname "$0")/lib.sh"

setup_herdd
tag="16$UNIQ"

# --- crash loop: 4 attempts (3 restarts), gaps 1, 2, 4 s plus the 2 s runs.
out=$(herd service start crash --max-restarts 3 --restart-window 10m -- \
    sh -c "sleep 2.$tag; exit 1") || fail "herd service start crash failed: $out"
id=$(sed -n 's/^Submitted service crash as job \([0-9]*\)$/\1/p' <<<"$out")
[ -n "$id" ] || fail "herd service start printed '$out'"
# A second start of a name that is active is refused, naming the first.
out=$(herd service start crash -- true 2>&1) && fail "a second 'crash' was queued: $out"
grep -q "job $id" <<<"$out" || fail "the refusal does not name job $id: $out"

backoff=
for ((i = 0; i < 600; i++)); do
	st=$(field "$id" .state)
	[ "$st" = FAILED ] && break
	[ -n "$backoff" ] || backoff=$(herd service ls --json |
	    jq -r '.[] | select(.name == "crash" and .state == "PENDING" and .reason == "BackOff") | .name')
	sleep 0.1
done
assert_eq "state after the crash loop" FAILED "$st"
assert_eq "seen in herd service ls between attempts: PENDING BackOff" crash "$backoff"
assert_eq "reason after the crash loop" CrashLoop "$(field "$id" .reason)"
assert_eq "restarts" 3 "$(field "$id" .restarts)"
assert_eq "attempts in herd history" 4 "$(hist_of "$id" '.attempts | length')"
starts=
for t in $(hist_of "$id" '.attempts[].start_time'); do	# local ISO times
	starts+="${starts:+ }$(date -d "$t" +%s)" || fail "start time '$t'"
done
read -r s1 s2 s3 s4 <<<"$starts"
g1=$((s2 - s1)) g2=$((s3 - s2)) g3=$((s4 - s3))
note "attempt starts $starts (gaps $g1 $g2 $g3 s)"
# Backoffs of 1, 2 and 4 s after 2 s runs, in whole seconds: each gap at
# least the last, the third clearly longer than the first.
[ "$g1" -le "$g2" ] && [ "$g2" -le "$g3" ] && [ "$g3" -ge $((g1 + 2)) ] ||
    fail "the gaps between attempts do not grow: $g1 $g2 $g3 ($starts)"
assert_eq "each earlier attempt's state" "FAILED FAILED FAILED" \
    "$(hist_of "$id" '[.attempts[:3][].state] | join(" ")')"
ls=$(herd service ls --json) || fail "herd service ls --json failed"
assert_eq "ls: crash" "FAILED CrashLoop 3 1:0 0 1" "$(jq -r '.[] | select(.name == "crash") |
    "\(.state) \(.reason) \(.restarts) \(.last_exit) \(.replicas_up) \(.replicas)"' <<<"$ls")"
herd service ls | grep -q "^crash .*FAILED.*CrashLoop" || fail "herd service ls: $(herd service ls)"

# --- --restart never: one run, whatever its exit.
out=$(herd service start once --restart never -- sh -c "exit 3") ||
    fail "herd service start once failed: $out"
oid=$(sed -n 's/^Submitted service once as job \([0-9]*\)$/\1/p' <<<"$out")
wait_jobs 30 "$oid"
assert_eq "--restart never: state" FAILED "$(field "$oid" .state)"
assert_eq "--restart never: restarts" 0 "$(field "$oid" .restarts)"
assert_eq "--restart never: attempts" 1 "$(field "$oid" .attempt)"

# --- stop: a running service ends CANCELLED and is not started again.
out=$(herd service start web -- sleep "3$tag") || fail "herd service start web failed: $out"
wid=$(sed -n 's/^Submitted service web as job \([0-9]*\)$/\1/p' <<<"$out")
wait_state "$wid" RUNNING 20
assert_eq "no time limit unless -t" null "$(field "$wid" .time_limit)"
assert_eq "ls: web" "RUNNING 1 $wid" "$(herd service ls --json |
    jq -r '.[] | select(.name == "web") | "\(.state) \(.replicas_up) \(.job)"')"
herd service show web --json | jq -e ".id == $wid and .service == \"web\"" >/dev/null ||
    fail "herd service show web: $(herd service show web --json)"
herd service show web | grep -Eq '^restart_policy +on-failure$' ||
    fail "herd service show web: $(herd service show web)"
# A batch job's herd show has none of a service's lines.
bid=$(submit --wrap true)
wait_jobs 30 "$bid"
herd show "$bid" | grep -Eq '^(service|restart_policy|restarts|port) ' &&
    fail "herd show of a batch job: $(herd show "$bid")"
herd service stop web >/dev/null || fail "herd service stop web failed"
wait_gone "sleep 3$tag" 15 || fail "web still runs after herd service stop"
sleep 2
assert_eq "web after stop" "CANCELLED 1" "$(field "$wid" '"\(.state) \(.attempt)"')"
out=$(herd service stop web 2>&1) && fail "a stopped service was stopped again: $out"
assert_idle
