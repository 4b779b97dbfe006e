#!/bin/bash
# t_service_health: herd service start's health checks on the test
# cluster's real nodes.  A --health-cmd that passes while a file exists
# makes the service HEALTHY; once the test removes the file it fails
# --health-retries times in a row and the service is restarted (a new
# attempt) with the reason shown in herd service ls and herd show.  A
# --health-http check GETs a path of python3 -m http.server on its --port:
# HEALTHY while the path exists (and after herdd is SIGKILLed and started
# again), restarted once it answers 404.  A check
# that never passes keeps the service STARTING, and it is restarted after
# the retries all the same.

. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || fail "python3 is needed (scripts/deps installs it)"
setup_herdd
tag="16$UNIQ"
flag=$WORK/healthy$tag
touch "$flag"

svc() {	# svc NAME JQ: the field of NAME's entry in herd service ls --json
	herd service ls --json | jq -r --arg n "$1" ".[] | select(.name == \$n) | $2"
}
wait_svc() {	# wait_svc NAME JQ-CONDITION SECONDS: 0 once NAME's entry meets it
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		[ "$(svc "$1" "$2")" = true ] && return 0
		sleep 0.1
	done
	return 1
}
started() {	# started OUT NAME: the job id herd service start printed
	sed -n "s/^Submitted service $2 as job \([0-9]*\)$/\1/p" <<<"$1"
}

# --- a command check: healthy while the file is there, restarted after.
out=$(herd service start cmdchk --health-cmd "cat $flag" --health-interval 1s \
    --health-timeout 5s --health-retries 2 -- sh -c "sleep 1000.$tag") ||
    fail "herd service start --health-cmd failed: $out"
id=$(started "$out" cmdchk)
[ -n "$id" ] || fail "herd service start printed '$out'"
wait_state "$id" RUNNING 30
wait_svc cmdchk '.health == "healthy"' 20 ||
    fail "cmdchk never HEALTHY: $(herd service ls)"
herd service ls | grep -q "^cmdchk .* RUNNING *healthy " || fail "ls HEALTH column: $(herd service ls)"
herd service show cmdchk | grep -qx "health  *healthy" ||
    fail "herd service show: $(herd service show cmdchk | grep health)"
rm -f "$flag"
wait_svc cmdchk '.restarts >= 1' 30 || fail "cmdchk not restarted: $(herd service ls)"
why=$(svc cmdchk .health_restart)
[[ $why == "health check failed 2 times: cat: $flag: No such file or directory" ]] ||
    fail "health_restart: '$why'"
herd service ls | grep -q "^cmdchk .*\(BackOff: \)\?health check failed 2 times: cat: " ||
    fail "ls shows no reason: $(herd service ls)"
wait_svc cmdchk '.health == "starting" and .state == "RUNNING"' 20 ||
    fail "the next attempt is not STARTING: $(herd service ls)"
assert_eq "its attempt after the restart" 2 "$(field "$id" .attempt)"
assert_eq "servers of cmdchk running" 1 "$(pgrep -xfc -- "sleep 1000.$tag")"
herd service stop cmdchk >/dev/null || fail "herd service stop cmdchk failed"

# --- an HTTP check on the service's port: healthy while the path exists.
dir=$WORK/site$tag
mkdir -p "$dir" && echo ok >"$dir/ok.txt"
out=$(herd service start webchk --port --health-http /ok.txt --health-interval 1s \
    --health-retries 2 -- sh -c 'exec python3 -m http.server "$HERD_PORT" --directory "$1"' \
    sh "$dir") || fail "herd service start --health-http failed: $out"
id=$(started "$out" webchk)
[ -n "$id" ] || fail "herd service start printed '$out'"
wait_state "$id" RUNNING 30
wait_svc webchk '.health == "healthy"' 30 || fail "webchk never HEALTHY: $(herd service ls)"
# herdd SIGKILLed and started again: the health kept, the checks go on.
stop_herdd "$HERDD_PID" KILL
start_herdd
wait_nodes_up 4 20
assert_eq "webchk's health after herdd's restart" healthy "$(svc webchk .health)"
assert_eq "herd show --json's health and restart_policy" "healthy on-failure" \
    "$(field "$id" '"\(.health) \(.restart_policy)"')"
rm -f "$dir/ok.txt"
wait_svc webchk '.restarts >= 1' 30 || fail "webchk not restarted: $(herd service ls)"
why=$(svc webchk .health_restart)
[[ $why == "health check failed 2 times"* ]] || fail "webchk health_restart: '$why'"
herd service stop webchk >/dev/null || fail "herd service stop webchk failed"

# --- a check that never passes: STARTING, then restarted after the retries.
out=$(herd service start never --health-cmd "echo not yet; exit 1" --health-interval 1s \
    --health-retries 3 -- sh -c "sleep 1001.$tag") || fail "herd service start never: $out"
id=$(started "$out" never)
wait_state "$id" RUNNING 30
wait_svc never '.health == "starting"' 10 || fail "never is not STARTING: $(herd service ls)"
wait_svc never '.restarts >= 1' 30 || fail "never not restarted: $(herd service ls)"
assert_eq "never's reason" "health check failed 3 times: not yet" "$(svc never .health_restart)"
herd service stop never >/dev/null || fail "herd service stop never failed"

# Refusals: options herd would not act on.
out=$(herd service start bad --health-http /x -- true 2>&1) && fail "--health-http without --port queued: $out"
grep -q "needs --port" <<<"$out" || fail "--health-http without --port said: $out"
out=$(herd service start bad --health-retries 2 -- true 2>&1) && fail "--health-retries alone queued: $out"
out=$(herd service start bad --health-interval 0s --health-cmd true -- true 2>&1) &&
    fail "--health-interval 0s queued: $out"

wait_gone "sleep 100[01].$tag" 15 || fail "a service still runs after herd service stop"
wait_gone "http.server.*site$tag" 15 || fail "the server still runs after herd service stop"
sleep 2
assert_idle
